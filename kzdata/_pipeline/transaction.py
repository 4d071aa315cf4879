"""All-or-nothing publication of a build's outputs, with crash recovery (see docs/build-transactions.md).

A build produces a mapping of relative path -> bytes: the whole data folder
(``kzdata/data/...``) and any number of top-level files (``datapackage.json``,
``CITATION.cff``, ``docs/data-dictionary.md``, ...). :func:`commit_outputs` makes all of
them change together or not at all:

1. **prepare** (:func:`check_writable`): every path the build will write is proven
   writable before anything changes: no folder where a file must go (nor a file, FIFO...
   where a folder must go), every parent a folder or missing (then made), a folder in
   which a file can be created, on the file system of the staging area (so the final
   renames cannot fail for a reason known in advance). Any problem raises
   :class:`~kzdata.errors.BuildWriteError` naming each path and what to do, and nothing
   is changed (not even the lock is taken);
2. **lock**: ``.kzdata-build/lock`` is locked with ``fcntl.flock``; a second build
   waits (saying so on stderr) until the first is done, so builds are serialised;
3. **stage**: the new data folder is written beside the old one as
   ``kzdata/.data-staging-<token>``, the other files under ``.kzdata-build/new/``;
   each file is fsynced. A failure or kill here leaves only leftovers, which the next
   command deletes (roll back: the old release was never touched);
4. **commit**: ``.kzdata-build/journal.json`` is written (to a temporary name, fsynced,
   renamed). From this instant the build is committed: whatever happens, the next
   command rolls it forward;
5. **apply** (idempotent, so recovery simply runs it again): the staging folder and
   ``kzdata/data`` are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)`` on Linux,
   so ``kzdata/data`` always exists and always holds one whole release; then each
   top-level file is moved into place with ``os.replace``; then the journal is deleted
   and leftovers removed.

Readers finish an interrupted build with :mod:`kzdata._recovery`: the journal, the lock,
the apply and roll-back steps and the fault-injection hook live there, so a reader never
imports the pipeline. This module adds the build's own steps: stage and commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from kzdata._recovery import (
    DATA,
    JOURNAL,
    NEW,
    STAGING_PREFIX,
    STATE_DIR,
    apply_journal,
    build_lock,
    fsync_dir,
    recover_locked,
    replace_synced,
    roll_back,
    safe_output,
    write_synced,
)
from kzdata.errors import BuildLockError, BuildWriteError, InvalidArgumentError


def commit_outputs(root: Path, files: Mapping[str, bytes]) -> None:
    """Replace the outputs of ``root`` by ``files`` (relative POSIX path -> bytes), all or nothing.

    Paths under ``kzdata/data/`` make up the whole new data folder (anything else in
    the old folder disappears); every other path is one top-level file.
    """
    data_files: dict[str, bytes] = {}
    top_files: dict[str, bytes] = {}
    for rel, content in files.items():
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise InvalidArgumentError(f"an output path must be relative and inside the project: {rel!r}")
        if pure.parts[: len(DATA.parts)] == DATA.parts:
            data_files[str(pure.relative_to(DATA))] = content
        elif safe_output(str(pure)):  # what recovery would refuse to move must not be staged either
            top_files[str(pure)] = content
        else:
            raise InvalidArgumentError(f"an output path must not be in {STATE_DIR}/ or start with a drive: {rel!r}")
    if "datapackage.json" not in data_files:
        raise InvalidArgumentError("the data folder needs its datapackage.json (it identifies the release)")
    check_writable(root, top_files)  # before the lock, which would create .kzdata-build/, and before recovery
    with build_lock(root):
        recover_locked(root)
        token = f"{os.getpid()}-{os.urandom(4).hex()}"
        stage = root / DATA.parent / f"{STAGING_PREFIX}{token}"
        new = root / STATE_DIR / NEW
        try:
            for rel, content in sorted(data_files.items()):
                write_synced(stage / rel, content)
            for rel, content in sorted(top_files.items()):
                write_synced(new / rel, content)
            fsync_dir(stage)
            journal = {
                "token": token,
                "stage": stage.name,
                "descriptor_sha256": hashlib.sha256(data_files["datapackage.json"]).hexdigest(),
                "files": {rel: hashlib.sha256(content).hexdigest() for rel, content in sorted(top_files.items())},
            }
            tmp = root / STATE_DIR / f"{JOURNAL}.tmp"
            write_synced(tmp, json.dumps(journal, indent=1).encode("utf-8"))
            replace_synced(tmp, root / STATE_DIR / JOURNAL)  # the commit point
        except Exception as exc:
            with contextlib.suppress(OSError):  # if this fails too, the next build deletes what is left
                roll_back(root)  # nothing was committed: the previous release stays, leftovers go
            if isinstance(exc, OSError) and not isinstance(exc, BuildLockError):
                raise BuildWriteError(
                    f"cannot write the build's outputs in {root} ({exc}); nothing was changed, the previous "
                    "release is intact. Free disk space or fix the permissions, then run `kzdata build` again."
                ) from exc
            raise
        try:
            apply_journal(root, journal)
        except OSError as exc:
            # Past the commit point the build is only ever finished (rolled forward), never undone.
            raise BuildWriteError(
                f"the new release of {root} was committed but could not be put fully in place ({exc}); "
                "kzdata/data holds one whole release, and the next `kzdata build` (or load) finishes the "
                "rest. Free disk space or fix the permissions, then run `kzdata build` again."
            ) from exc


PROBE_PREFIX = ".kzdata-write-probe-"
"""Name of the empty file :func:`check_writable` creates and deletes at once to prove a folder writable."""


def _probe(folder: Path) -> str | None:
    """Create and delete an empty file in ``folder``; the reason it cannot be done, or None.

    Permission bits alone would not do: root ignores them, while a read-only mount or an
    immutable folder refuses even root. Leftover probes of a killed build are removed.
    """
    for stale in folder.glob(f"{PROBE_PREFIX}*"):
        with contextlib.suppress(OSError):
            stale.unlink()
    probe = folder / f"{PROBE_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    try:
        probe.unlink()
    except OSError as exc:  # pragma: no cover - created but not deletable: say so rather than leave it
        return f"a file created there cannot be deleted ({exc.strerror or exc})"
    return None


def _kind(path: Path) -> str:
    """What ``path`` is, for a message; only asked of paths that exist and are not folders."""
    if path.is_symlink() and not path.exists():
        return "a link to a path that does not exist"
    if path.is_file():
        return "a file"
    return "not a regular file (a FIFO, socket or device)"


def check_writable(root: Path, top_files: Mapping[str, bytes]) -> None:
    """Prove that every output path under ``root`` can be written; else raise, having changed nothing.

    Checked for the data folder ``kzdata/data`` (staged beside itself and exchanged) and for
    each top-level file (staged under ``.kzdata-build/new`` and renamed into place):

    * every parent on the way is a folder (or is missing and will be made);
    * the path itself is not a folder where a file goes, not a file where the data folder goes;
    * the deepest existing parent accepts a new file (probed: permission bits are not
      enough, root ignores them, a read-only mount does not);
    * it is on the same file system as the staging area, since a rename cannot cross file systems.

    Raises :class:`~kzdata.errors.BuildWriteError` listing every problem with its path and
    what to do.
    """
    state = root / STATE_DIR
    problems: dict[str, str] = {}
    probed: dict[Path, str | None] = {}
    state_device = (state if state.is_dir() else root).stat().st_dev  # the state folder is made in root

    def check(rel: str, folder_expected: bool) -> None:
        target = root / rel
        parts = PurePosixPath(rel).parts
        parent = root
        for part in parts[:-1]:  # stops at the first missing parent: it and those below are made
            parent = parent / part
            if not parent.exists() and not parent.is_symlink():
                break
            if not parent.is_dir():
                problems[rel] = (
                    f"{parent.relative_to(root).as_posix()} is {_kind(parent)}, but the build writes {rel} inside "
                    "it, so it must be a folder: move it away or rename it"
                )
                return
        if target.exists() or target.is_symlink():
            if folder_expected and not target.is_dir():
                problems[rel] = f"{rel} is {_kind(target)}, where the build puts the data folder: move it away"
                return
            if not folder_expected and target.is_dir() and not target.is_symlink():
                problems[rel] = (
                    f"{rel} is a folder, where the build writes a file: move the folder away (or delete it if it "
                    "is not yours)"
                )
                return
        existing = parent
        while not existing.is_dir():
            existing = existing.parent
        if existing not in probed:
            probed[existing] = _probe(existing)
        reason = probed[existing]
        if reason is not None:
            where = existing.relative_to(root).as_posix() if existing != root else "the project folder"
            problems[rel] = (
                f"cannot create files in {where} ({reason}), where the build writes {rel}: make it writable "
                "(e.g. chmod u+w, or remount it read-write)"
            )
            return
        if not folder_expected and existing.stat().st_dev != state_device:
            problems[rel] = (
                f"{rel} is on another file system than {STATE_DIR}/, where it is staged, and a file cannot be "
                "renamed across file systems: keep the project on one file system"
            )

    check(str(DATA), folder_expected=True)
    for rel in sorted(top_files):
        check(rel, folder_expected=False)
    if problems:
        listed = "\n".join(f"  - {problem}" for _, problem in sorted(problems.items()))
        raise BuildWriteError(
            f"cannot write the build's outputs in {root}; nothing was changed, the previous release is intact:\n"
            f"{listed}\nFix the listed paths, then run `kzdata build` again."
        )
