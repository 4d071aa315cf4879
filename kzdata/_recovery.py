"""Finish or undo an interrupted build: the reader's side of the build transaction.

A build (:mod:`kzdata._pipeline.transaction`) stages its outputs, writes a journal as
its commit point, then applies it: it exchanges the staging folder with ``kzdata/data``
(``renameat2(RENAME_EXCHANGE)`` on Linux) and moves the top-level files into place.
A process killed after the commit leaves a journal; one killed between the two renames of
the non-Linux fallback leaves no ``kzdata/data`` at all. Every reader calls
:func:`finish_interrupted_build` (through :func:`kzdata._files.data_dir`) before it reads:
when a journal is present and no build holds the lock it rolls the build forward, and
when the data folder is missing it restores the last whole release. The common case costs
two ``stat`` calls.

This module is all a reader needs to recover; it imports only the standard library and
:mod:`kzdata.errors`, never the pipeline. The journal, the lock and the fault-injection
hook live here because recovery uses them too; the build's own steps (stage, commit) are
in :mod:`kzdata._pipeline.transaction`. The guarantee and its limits are in
``docs/build-transactions.md``.

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
import shutil
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


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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


def _read_journal(root: Path) -> dict[str, object] | None:
    try:
        journal = json.loads((root / STATE_DIR / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: cannot be rolled forward; treated as not committed
    return journal if isinstance(journal, dict) else {}


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
    for rel in files if isinstance(files, dict) else {}:
        staged = root / STATE_DIR / NEW / rel
        if staged.is_file():
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
    journal = _read_journal(root)
    if journal and {"stage", "descriptor_sha256", "token"} <= journal.keys():
        apply_journal(root, journal)
    else:
        roll_back(root)


def recover(root: Path) -> None:
    """Take the lock and finish or undo an interrupted build of ``root``."""
    with build_lock(root):
        recover_locked(root)


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
    if data_dir.is_dir() and not (root / STATE_DIR / JOURNAL).exists():
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
