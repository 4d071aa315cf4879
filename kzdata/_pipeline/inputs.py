"""Read one input file of the build safely: regular files only, size-limited, never raising.

Everything the build reads (``raw/*.csv``, ``raw/releases/*.csv``, ``LICENSE-DATA``,
``docs/dataset-card.md``, ``pyproject.toml``, ``CHANGELOG.md`` when present) goes through
:func:`read_input`. A path
that is missing, a directory, a FIFO, a device (or a symlink to one), unreadable, or
larger than :data:`MAX_BYTES` becomes an :class:`~kzdata.errors.Issue` naming the
file, instead of an exception, a hang (a FIFO with no writer) or endless memory use
(``/dev/zero``). The kind of file is checked with ``stat`` before it is opened, the
open does not block, and the read stops one byte past the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kzdata.errors import Issue

MAX_BYTES = 64 * 1024 * 1024
"""The largest input file the build reads (64 MiB: far above any real table, far below a runaway)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input(path: Path, label: str, *, missing: str | None = None, limit: int | None = None) -> bytes | Issue:
    """The bytes of ``path``, or an Issue (shown as ``label``) saying why they cannot be used.

    ``missing`` is the rule reported when the file does not exist (default: a generic one);
    ``limit`` defaults to :data:`MAX_BYTES`.
    """
    if limit is None:
        limit = MAX_BYTES

    def issue(rule: str, value: str = "-") -> Issue:
        return Issue(label, "-", "-", value, rule)

    try:
        info = Path(path).stat()  # follows symlinks: a link to a device is a device
    except FileNotFoundError:
        return issue(missing or "the file is missing")
    except OSError as exc:
        return issue(f"the file cannot be examined ({exc.strerror or exc}); check its permissions")
    if not stat.S_ISREG(info.st_mode):
        return issue(f"the path is {_kind(info.st_mode)}, not a regular file; replace it with a plain file")
    if info.st_size > limit:
        return issue(f"the file is {info.st_size} bytes, more than the limit of {limit}; is it the right file?")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return issue(f"the file cannot be opened ({exc.strerror or exc}); check its permissions")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the stat
            return issue("the path is not a regular file; replace it with a plain file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return issue(f"the file cannot be read ({exc.strerror or exc}); check its permissions")
    finally:
        os.close(fd)
    if len(data) > limit:
        return issue(f"the file is larger than the limit of {limit} bytes; is it the right file?")
    return data


def decode_text(data: bytes, label: str) -> str | Issue:
    """``data`` as UTF-8 text without a byte-order mark, or an Issue naming the line of the bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Issue(label, "-", "-", "-", "the file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Issue(label, f"line {line}", "-", repr(data[exc.start : exc.end]), "the file must be UTF-8 encoded")
