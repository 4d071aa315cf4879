"""Finish or undo an interrupted build: the reader's side of the build transaction.

A build (:mod:`kzdata._pipeline.transaction`) stages its outputs, writes a journal as
its commit point, then applies it: it exchanges the staging folder with ``kzdata/data``
(``renameat2(RENAME_EXCHANGE)`` on Linux) and moves the top-level files into place.
A process killed after the commit leaves a journal; one killed between the two renames of
the non-Linux fallback leaves no ``kzdata/data`` at all. Every reader calls
:func:`finish_interrupted_build` (through :func:`kzdata._files.data_dir`) before it reads:
when a journal is present and no build holds the lock it rolls the build forward, and
when the data folder is missing it restores the last whole release. The common case costs
two ``stat`` calls. A reader that cannot finish a build killed past the exchange still
trusts the release in place through the record that build staged
(:func:`committed_descriptor_sha256`).

This module is all a reader needs to recover; it imports only the standard library and
:mod:`kzdata.errors`, never the pipeline. The journal, the lock and the fault-injection
hook live here because recovery uses them too; the build's own steps (stage, commit) are
in :mod:`kzdata._pipeline.transaction`. The guarantee and its limits are in
``docs/build-transactions.md``.

The journal is read like untrusted input: a regular file only (never a FIFO, device or
symbolic link), of bounded size and JSON nesting, saying only what a build writes (a
staging folder named after its token, top-level paths inside the checkout, sha256
hashes the staged files must have). A journal that breaks any of this is never obeyed:
it is set aside as ``journal.rejected.json`` and reported on stderr with what to do, and
the command goes on (:func:`journal_problem`, ``docs/versioning.md``).

Every file-system change goes through :func:`_op`, which counts operations; the
fault-injection tests set ``KZDATA_FAULT_AT=N`` (and ``KZDATA_FAULT_MODE``) to fail or
kill the process at the N-th one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from kzdata.errors import BuildLockError

STATE_DIR = ".kzdata-build"
LOCK = "lock"
JOURNAL = "journal.json"
NEW = "new"
DATA = PurePosixPath("kzdata/data")
STAGING_PREFIX = ".data-staging-"
OLD_PREFIX = ".data-old-"
FAULT_ENV = "KZDATA_FAULT_AT"
FAULT_MODE_ENV = "KZDATA_FAULT_MODE"
FAULT_EXIT = 86
LOCK_WAIT_SECONDS = 600.0
REJECTED = "journal.rejected.json"
"""Where a journal kzdata cannot have written is moved, for a person to look at (never obeyed)."""
MAX_JOURNAL_BYTES = 1024 * 1024
"""A journal larger than this is refused unread (a build's is well under 10 kB)."""
MAX_JOURNAL_DEPTH = 8
"""How deeply a journal's JSON may nest (a build's nests 2 deep)."""
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class InjectedFaultError(OSError):
    """An error raised on purpose by the fault-injection hook (tests only)."""


class SimulatedKill(BaseException):
    """Raised by the fault-injection hook in mode ``crash``: like a kill, no ``except Exception`` sees it."""


# --------------------------------------------------------------------------- fault injection

_ops = 0


def _op(label: str) -> None:
    """Count one file-system change; fail or die here when the fault-injection hook says so."""
    global _ops
    _ops += 1
    target = os.environ.get(FAULT_ENV)
    if target and target.isdigit() and _ops == int(target):
        mode = os.environ.get(FAULT_MODE_ENV, "kill")
        if mode == "kill":
            os._exit(FAULT_EXIT)
        if mode == "crash":
            raise SimulatedKill(f"simulated kill at file operation {_ops} ({label})")
        raise InjectedFaultError(f"injected fault at file operation {_ops} ({label})")


def operations() -> int:
    """How many file-system changes this process made through :func:`_op` (for tests)."""
    return _ops


# --------------------------------------------------------------------------- primitive operations


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_synced(path: Path, data: bytes) -> None:
    _op(f"write {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace_synced(src: Path, dst: Path) -> None:
    _op(f"rename {src.name} -> {dst}")
    dst.parent.mkdir(parents=True, exist_ok=True)
    src.replace(dst)
    fsync_dir(dst.parent)


def _rmtree(path: Path) -> None:
    if path.exists() or path.is_symlink():
        _op(f"remove {path.name}")
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False when the system cannot."""
    if not sys.platform.startswith("linux") or os.environ.get("KZDATA_NO_EXCHANGE"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2: Callable[..., int] = libc.renameat2
    except (OSError, AttributeError):
        return False
    _op(f"exchange {a.name} <-> {b.name}")
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        fsync_dir(a.parent)
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, f"cannot exchange {a} and {b}: {os.strerror(code)}")


def _read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes; None for anything else.

    Never blocks on a FIFO, never reads a device (also behind a symbolic link, or not at
    all with ``follow`` off), never reads more than ``limit`` bytes.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


_MAX_STAGED_BYTES = 1024 * 1024 * 1024


def _sha256(path: Path) -> str | None:
    data = _read_regular(path, _MAX_STAGED_BYTES)
    return None if data is None else hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- the lock


@contextlib.contextmanager
def build_lock(root: Path, *, wait: float | None = None, blocking: bool = True) -> Iterator[bool]:
    """Hold the build lock of ``root`` (yields False when ``blocking`` is off and it is taken).

    A blocking caller waits at most ``wait`` seconds (default: ``KZDATA_BUILD_LOCK_WAIT``
    or :data:`LOCK_WAIT_SECONDS`), then raises :class:`BuildLockError`.
    """
    import fcntl

    if wait is None:
        setting = os.environ.get("KZDATA_BUILD_LOCK_WAIT", "")
        wait = float(setting) if setting.replace(".", "", 1).isdigit() else LOCK_WAIT_SECONDS

    state = root / STATE_DIR
    if blocking:
        state.mkdir(exist_ok=True)
    with (state / LOCK).open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not blocking:
                yield False
                return
            print(
                f"kzdata build: another build of {root} is running; waiting for it to finish (at most {wait:.0f} s)...",
                file=sys.stderr,
            )
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise BuildLockError(
                            f"another kzdata build of {root} held the lock {state / LOCK} for more than "
                            f"{wait:.0f} s; wait for it to finish (or end that process), then build again"
                        ) from None
                    time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- recover


def _read_journal(root: Path) -> tuple[dict[str, object] | None, str | None]:
    """The journal of ``root`` and, when it cannot be a build's, why (``(None, None)``: there is none).

    The journal must be a regular file (not a FIFO, device or symbolic link) of at most
    :data:`MAX_JOURNAL_BYTES`, JSON nested at most :data:`MAX_JOURNAL_DEPTH` deep, and say
    only what a build writes (:func:`journal_problem`).
    """
    path = root / STATE_DIR / JOURNAL
    if not path.exists() and not path.is_symlink():
        return None, None
    if path.is_symlink():
        return None, "it is a symbolic link, and a build writes a regular file"
    data = _read_regular(path, MAX_JOURNAL_BYTES, follow=False)
    if data is None:
        return None, f"it is not a regular file of at most {MAX_JOURNAL_BYTES} bytes (a FIFO, device or larger)"
    try:
        text = data.decode("utf-8")
        depth = 0
        for piece in re.findall(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
            depth += piece in "[{"
            depth -= piece in "]}"
            if depth > MAX_JOURNAL_DEPTH:
                return None, f"its JSON nests deeper than {MAX_JOURNAL_DEPTH} levels"
        journal = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, f"it is not readable JSON ({type(exc).__name__}: {exc})"
    if not isinstance(journal, dict):
        return None, "it is not a JSON object"
    return journal, journal_problem(journal)


def safe_output(rel: object) -> bool:
    """True for a top-level output path a build writes: relative, inside the checkout, outside the data folder."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return False
    pure = PurePosixPath(rel)
    parts = rel.split("/")
    return (
        not pure.is_absolute()
        and all(part not in ("", ".", "..") for part in parts)
        and parts[0] != STATE_DIR
        and pure.parts[: len(DATA.parts)] != DATA.parts
        and ":" not in parts[0]
    )


def journal_problem(journal: Mapping[str, object]) -> str | None:
    """Why ``journal`` cannot be one a build wrote (None: it can be obeyed)."""
    missing = [key for key in ("token", "stage", "descriptor_sha256") if key not in journal]
    if missing:
        return f"it lacks {', '.join(missing)}"
    token, stage = journal["token"], journal["stage"]
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return f"its token {token!r} is not one a build makes (letters, digits and hyphens)"
    if stage != f"{STAGING_PREFIX}{token}":
        return f"its stage {stage!r} is not the staging folder a build makes ({STAGING_PREFIX}{token})"
    digest = journal["descriptor_sha256"]
    if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        return f"its descriptor_sha256 {digest!r} is not a sha256"
    files = journal.get("files", {})
    if not isinstance(files, dict):
        return "its files entry is not a mapping of paths to sha256 hashes"
    for rel, value in files.items():
        if not safe_output(rel):
            return f"its file {rel!r} is not a path inside the checkout that a build writes (.. or absolute)"
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            return f"the sha256 of its file {rel!r} is {value!r}, not a sha256"
    return None


_reported: set[Path] = set()


def _reject_journal(root: Path, problem: str) -> None:
    """Set aside a journal no build can have written and say so on stderr, once per process."""
    path = root / STATE_DIR / JOURNAL
    aside = root / STATE_DIR / REJECTED
    try:
        _op(f"reject {path.name}")
        path.replace(aside)
        where = f"it was moved to {aside}; look at it, then delete it"
    except OSError as exc:
        where = f"it could not be moved aside ({exc}); delete {path} by hand"
    if path in _reported:
        return
    _reported.add(path)
    print(
        f"kzdata: ignored the build journal {path}: {problem}, so kzdata build did not write it and it was not "
        f"obeyed; {where}. The data folder was left as it is: run `kzdata verify` to check it, or `kzdata build` "
        "to rebuild.",
        file=sys.stderr,
    )


def apply_journal(root: Path, journal: Mapping[str, object]) -> None:
    """Roll a committed build forward; safe to run again after a crash at any point."""
    data = root / DATA
    stage = data.with_name(str(journal["stage"]))
    want = str(journal["descriptor_sha256"])
    if stage.is_dir() and _sha256(stage / "datapackage.json") == want:
        if data.is_dir():
            if not _exchange(stage, data):
                old = data.with_name(f"{OLD_PREFIX}{journal['token']}")
                replace_synced(data, old)  # the fallback: two renames; readers restore a missing folder
                replace_synced(stage, data)
        else:
            replace_synced(stage, data)
    files = journal.get("files")
    for rel, digest in (files if isinstance(files, dict) else {}).items():
        if not safe_output(rel):
            continue  # never reached: recover_locked refuses such a journal, commit_outputs such a path
        staged = root / STATE_DIR / NEW / rel
        if staged.is_file() and not staged.is_symlink() and _sha256(staged) == digest:
            replace_synced(staged, root / rel)
    _cleanup(root)  # before the journal goes: a crash in here is still finished by the next reader
    _rmtree(root / STATE_DIR / JOURNAL)
    fsync_dir(root / STATE_DIR)


def roll_back(root: Path) -> None:
    """Undo an uncommitted build: delete the journal draft and every staged file."""
    _rmtree(root / STATE_DIR / f"{JOURNAL}.tmp")
    _rmtree(root / STATE_DIR / JOURNAL)
    _cleanup(root)


def _cleanup(root: Path) -> None:
    """Delete leftovers: staging and old data folders, staged top-level files, journal drafts."""
    parent = root / DATA.parent
    data = root / DATA
    if not data.is_dir():
        _restore_missing_data(root)
    for path in sorted(parent.glob(f"{STAGING_PREFIX}*")) + sorted(parent.glob(f"{OLD_PREFIX}*")):
        _rmtree(path)
    _rmtree(root / STATE_DIR / NEW)
    _rmtree(root / STATE_DIR / f"{JOURNAL}.tmp")


def _restore_missing_data(root: Path) -> None:
    """``kzdata/data`` is gone and no committed build explains it: bring back the last release.

    Happens after a kill between the two renames of the non-Linux fallback (or of a
    build by kzdata 0.1.0). The old folder is the last complete release; a complete
    staging folder is taken only when no old folder survives.
    """
    parent = root / DATA.parent
    for prefix in (OLD_PREFIX, STAGING_PREFIX):
        candidates = [p for p in parent.glob(f"{prefix}*") if (p / "datapackage.json").is_file()]
        if candidates:
            newest = max(candidates, key=lambda p: p.stat().st_mtime_ns)
            replace_synced(newest, root / DATA)
            return


def recover_locked(root: Path) -> None:
    """Finish or undo whatever an interrupted build left (the caller holds the lock)."""
    journal, problem = _read_journal(root)
    if problem is not None:
        _reject_journal(root, problem)  # reported, never obeyed; the build it claims is not finished
    if journal is not None and problem is None:
        apply_journal(root, journal)
    else:
        roll_back(root)


def recover(root: Path) -> None:
    """Take the lock and finish or undo an interrupted build of ``root``."""
    with build_lock(root):
        recover_locked(root)


RECORD = "kzdata/_release.py"
"""The generated record of the descriptor the loaders trust (``kzdata._integrity.RECORD_PATH``)."""
_RECORD_LINE = re.compile(rb'^DESCRIPTOR_SHA256 = "([0-9a-f]{64})"$', re.M)


def committed_descriptor_sha256(data_dir: Path) -> str | None:
    """The descriptor sha256 that a committed, unfinished build is putting in place as the record.

    Between the exchange of the data folder and the move of ``kzdata/_release.py`` a build
    leaves the new release in ``kzdata/data`` and the old record beside it. A reader that
    cannot finish the build (a read-only checkout, another user's) or that races it must
    still read one whole, pinned release; the pin it may use then is the record this build
    staged, and only when the journal vouches for it: the journal passes every guard of
    :func:`journal_problem`, it lists the record among its files, the staged record has the
    sha256 it lists, and that record names the descriptor the journal commits. None
    otherwise (no journal, a rejected one, no staged record or one that disagrees).
    """
    root = data_dir.parent.parent
    if data_dir != root / DATA:
        return None
    journal, problem = _read_journal(root)
    if journal is None or problem is not None:
        return None
    files = journal.get("files")
    digest = files.get(RECORD) if isinstance(files, dict) else None
    staged = _read_regular(root / STATE_DIR / NEW / RECORD, 64 * 1024, follow=False)
    if staged is None or hashlib.sha256(staged).hexdigest() != digest:
        return None
    named = _RECORD_LINE.search(staged)
    committed = journal["descriptor_sha256"]
    if named is None or named.group(1).decode() != committed:
        return None
    return str(committed)


def needs_recovery(root: Path) -> bool:
    """True when a build of ``root`` was interrupted after its commit, or the data folder is gone."""
    return (root / STATE_DIR / JOURNAL).exists() or not (root / DATA).is_dir()


def finish_interrupted_build(data_dir: Path, *, wait: float = 5.0) -> Path:
    """Called by readers: when a build was interrupted, finish it (or wait for the one running).

    Returns the data folder path. Never raises: a
    reader that cannot recover (read-only install, no lock) reads what is there and
    lets the integrity check speak.
    """
    root = data_dir.parent.parent
    journal = root / STATE_DIR / JOURNAL
    if data_dir.is_dir() and not os.path.lexists(journal):  # a dangling link counts as a journal too
        return data_dir  # the common case: two stat calls
    if not (root / STATE_DIR).is_dir():
        return data_dir  # not a source checkout that kzdata built (e.g. an installed wheel): nothing to finish
    deadline = time.monotonic() + wait
    while True:
        try:
            with build_lock(root, blocking=False) as held:
                if held:
                    recover_locked(root)
                    break
        except OSError:
            break  # read-only install or no permission: nothing a reader can do
        if data_dir.is_dir() or time.monotonic() > deadline:
            break  # a build is running and the folder is whole: read it
        time.sleep(0.05)
    import importlib

    importlib.invalidate_caches()
    return data_dir
