"""All-or-nothing publication of a build's outputs, with crash recovery (see docs/build-transactions.md).

A build produces a mapping of relative path -> bytes: the whole data folder
(``kzdata/data/...``) and any number of top-level files (``datapackage.json``,
``CITATION.cff``, ``docs/data-dictionary.md``, ...). :func:`commit_outputs` makes all of
them change together or not at all:

1. **lock**: ``.kzdata-build/lock`` is locked with ``fcntl.flock``; a second build
   waits (saying so on stderr) until the first is done, so builds are serialised;
2. **stage**: the new data folder is written beside the old one as
   ``kzdata/.data-staging-<token>``, the other files under ``.kzdata-build/new/``;
   each file is fsynced. A failure or kill here leaves only leftovers, which the next
   command deletes (roll back: the old release was never touched);
3. **commit**: ``.kzdata-build/journal.json`` is written (to a temporary name, fsynced,
   renamed). From this instant the build is committed: whatever happens, the next
   command rolls it forward;
4. **apply** (idempotent, so recovery simply runs it again): the staging folder and
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
        else:
            top_files[str(pure)] = content
    if "datapackage.json" not in data_files:
        raise InvalidArgumentError("the data folder needs its datapackage.json (it identifies the release)")
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
            raise BuildWriteError(
                f"the new release of {root} was committed but could not be put fully in place ({exc}); "
                "kzdata/data still holds one whole release, and the next `kzdata build` (or load) finishes "
                "the rest. Free disk space or fix the permissions, then run `kzdata build` again."
            ) from exc
