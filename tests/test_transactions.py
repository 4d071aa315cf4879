"""All-or-nothing builds under faults (docs/build-transactions.md).

The oracle is the file system itself: every output of a release (the data folder and
the top-level files) is compared, byte for byte, with the files of two builds made
beforehand ("old" and "new"); the data folder's own ``datapackage.json`` is checked
with :mod:`hashlib` here, not with kzdata's verify. The fault-injection hook of
:mod:`kzdata._pipeline.transaction` fails (``OSError``), crashes (an exception no
``except Exception`` catches, like a kill) or kills (``os._exit`` in a subprocess) the
publication at EVERY file operation in turn.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kzdata
from kzdata import _recovery
from kzdata._pipeline import transaction
from kzdata._pipeline.build import build
from kzdata.errors import BuildLockError, BuildWriteError, IntegrityError
from tests.conftest import copy_build_inputs, point_kzdata_at

TOP = (
    "datapackage.json",
    "croissant.json",
    "CITATION.cff",
    ".zenodo.json",
    "docs/data-dictionary.md",
    "docs/formats.md",
    "docs/quality.md",
    "docs/quality-changes.svg",
    "kzdata/_generated.py",
    "kzdata/_release.py",
)
DATA = "kzdata/data/"


def outputs(root: Path) -> dict[str, bytes]:
    """Every output of the build in ``root``: the data folder's files and the top-level files."""
    out = {
        DATA + str(p.relative_to(root / DATA)): p.read_bytes()
        for p in (root / DATA).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    out.update({name: (root / name).read_bytes() for name in TOP if (root / name).is_file()})
    return out


def leftovers(root: Path) -> list[str]:
    found = [p.name for p in (root / "kzdata").glob(".data-*")]
    state = root / _recovery.STATE_DIR
    found += [p.name for p in state.iterdir() if p.name != _recovery.LOCK] if state.is_dir() else []
    return found


def data_folder_is_whole(root: Path) -> bool:
    """The data folder exists and every file its descriptor lists has the recorded sha256."""
    folder = root / DATA
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for entry in (resource, resource["kzdata:parquet"]):
            digest = hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest()
            if "sha256:" + digest != entry["hash"]:
                return False
    return True


def next_release(root: Path) -> None:
    """A different release of the same version: the dataset card gains a line, so the card, the
    descriptors, the fingerprint, the citation files and the data folder all change. (A new version
    would not verify under the installed kzdata, whose version it must carry: issue 18.)"""
    card = root / "docs" / "dataset-card.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nA line added for the next release.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project built from the real raw/ ("old") and the outputs of the next version's build ("new")."""
    base = tmp_path_factory.mktemp("txn")
    old_root = base / "old"
    build(copy_build_inputs(old_root))
    new_root = base / "new"
    shutil.copytree(old_root, new_root)
    next_release(new_root)
    build(new_root)
    old, new = outputs(old_root), outputs(new_root)
    assert old != new and old.keys() == new.keys()
    shutil.rmtree(old_root / _recovery.STATE_DIR)
    return old_root, old, new


@pytest.fixture
def project(releases: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(releases[0], root)
    return root


@pytest.fixture(autouse=True)
def _no_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_recovery.FAULT_ENV, raising=False)
    monkeypatch.delenv(_recovery.FAULT_MODE_ENV, raising=False)


def count_operations(root: Path, files: dict[str, bytes]) -> int:
    before = _recovery.operations()
    transaction.commit_outputs(root, files)
    return _recovery.operations() - before


def read_as_user(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a reader does next: load a table and verify (this finishes an interrupted build)."""
    point_kzdata_at(root / "kzdata" / "data", monkeypatch)
    assert len(kzdata.load("people")) > 0
    assert kzdata.verify().ok


def assert_one_release(root: Path, old: dict[str, bytes], new: dict[str, bytes], *, clean: bool = True) -> str:
    """All outputs are those of ``old`` or all those of ``new``; with ``clean``, no leftovers either.

    A build that died before its commit leaves staged files that only the next build
    deletes (readers never look at them); one that died after it is finished by readers.
    """
    now = outputs(root)
    assert now in (old, new), "the outputs mix two releases: " + str(
        sorted(k for k in now if now[k] != old.get(k) and now[k] != new.get(k))[:5]
    )
    if clean:
        assert not leftovers(root), leftovers(root)
    return "old" if now == old else "new"


@pytest.mark.slow  # fault injection: one publication per file operation
@pytest.mark.parametrize(
    ("mode", "exchange"),
    [("raise", True), ("crash", True), ("crash", False)],
    ids=["fail", "crash", "crash-two-renames"],
)
def test_a_fault_at_every_operation_leaves_one_whole_release(
    releases: tuple[Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    exchange: bool,
) -> None:
    """Fail (OSError) or crash (like a kill) at each file operation; then read; then build again."""
    template, old, new = releases
    if not exchange:  # the fallback where the atomic exchange is unavailable: two renames
        monkeypatch.setenv("KZDATA_NO_EXCHANGE", "1")
    scratch = tmp_path / "count"
    shutil.copytree(template, scratch)
    total = count_operations(scratch, new)
    assert total >= len(new) + 3, "every write and rename is counted"
    seen = set()
    for point in range(1, total + 1):
        root = tmp_path / f"{mode}-{point}"
        shutil.copytree(template, root)
        monkeypatch.setattr(_recovery, "_ops", 0)
        monkeypatch.setenv(_recovery.FAULT_ENV, str(point))
        monkeypatch.setenv(_recovery.FAULT_MODE_ENV, mode)
        with pytest.raises((BuildWriteError, _recovery.SimulatedKill)) as info:
            transaction.commit_outputs(root, new)
        if mode == "raise":  # a file-system error becomes a KzdataError saying what state it left
            assert isinstance(info.value.__cause__, _recovery.InjectedFaultError)
            assert re.search(r"previous release is intact|next `kzdata build` \(or load\) finishes", str(info.value))
        monkeypatch.delenv(_recovery.FAULT_ENV)
        if exchange:  # with two renames the folder may be missing for an instant; the reader restores it
            assert data_folder_is_whole(root), f"fault at operation {point}: the data folder is not one release"
        read_as_user(root, monkeypatch)
        seen.add(assert_one_release(root, old, new, clean=mode == "raise"))
        transaction.commit_outputs(root, new)  # the next build completes
        assert assert_one_release(root, old, new) == "new"
        shutil.rmtree(root)
    assert seen == {"old", "new"}, "faults before the commit roll back, faults after it roll forward"


_PUBLISH = """
import pickle, sys
from pathlib import Path
from kzdata._pipeline.transaction import commit_outputs as publish
publish(Path(sys.argv[1]), pickle.loads(Path(sys.argv[2]).read_bytes()))
"""


@pytest.mark.slow  # fault injection: one process killed per file operation
def test_a_kill_at_every_operation_leaves_a_release_that_loads(
    releases: tuple[Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real process dies (os._exit) at each file operation; readers and the next build recover."""
    template, old, new = releases
    files = tmp_path / "files.pickle"
    files.write_bytes(pickle.dumps(new))
    env = {**os.environ, _recovery.FAULT_MODE_ENV: "kill"}
    scratch = tmp_path / "count"
    shutil.copytree(template, scratch)
    total = count_operations(scratch, new)
    for point in range(1, total + 1):
        root = tmp_path / f"kill-{point}"
        shutil.copytree(template, root)
        env[_recovery.FAULT_ENV] = str(point)
        proc = subprocess.run(
            [sys.executable, "-c", _PUBLISH, str(root), str(files)], env=env, capture_output=True, check=False
        )
        assert proc.returncode == _recovery.FAULT_EXIT, proc.stderr.decode()
        assert data_folder_is_whole(root), f"killed at operation {point}: kzdata/data is not one release"
        read_as_user(root, monkeypatch)
        assert_one_release(root, old, new, clean=False)
        transaction.commit_outputs(root, new)
        assert assert_one_release(root, old, new) == "new"
        shutil.rmtree(root)


@pytest.mark.slow  # two `kzdata build` processes
def test_a_killed_kzdata_build_is_completed_by_the_next_command(
    project: Path, releases: tuple[Path, dict, dict]
) -> None:
    """End to end through the command line: kill `kzdata build` after its commit, then build again."""
    _, _, new = releases
    state = project / _recovery.STATE_DIR
    env = {**os.environ, _recovery.FAULT_MODE_ENV: "kill"}
    next_release(project)
    before = outputs(project)
    # Operation counts: the files of the data folder, 3 top-level files, the journal, its rename.
    commit = len([k for k in before if k.startswith(DATA)]) + len(TOP) + 2
    env[_recovery.FAULT_ENV] = str(commit + 1)  # dies right after the commit point
    kzdata_cli = [sys.executable, "-m", "kzdata"]
    proc = subprocess.run([*kzdata_cli, "build", "--root", str(project)], env=env, capture_output=True, check=False)
    assert proc.returncode == _recovery.FAULT_EXIT
    assert (state / _recovery.JOURNAL).is_file(), "the build died after its commit"
    proc = subprocess.run([*kzdata_cli, "build", "--root", str(project)], capture_output=True, check=False, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not leftovers(project)
    assert outputs(project) == new


@pytest.mark.slow  # recovery from interrupted builds, on the two builds of `releases`
def test_leftovers_of_interrupted_builds_are_cleaned(project: Path, releases: tuple[Path, dict, dict]) -> None:
    _, _, new = releases
    for name in (".data-old-123", ".data-staging-456"):
        shutil.copytree(project / "kzdata" / "data", project / "kzdata" / name)
    (project / _recovery.STATE_DIR / _recovery.NEW).mkdir(parents=True)
    transaction.commit_outputs(project, new)
    assert not leftovers(project)


@pytest.mark.slow  # recovery from an interrupted build, on the two builds of `releases`
def test_a_missing_data_folder_left_by_an_old_build_is_restored(
    project: Path, releases: tuple[Path, dict, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """kzdata 0.1.0 could be killed between its two renames: no kzdata/data, a .data-old-* beside it."""
    _, old, _ = releases
    (project / "kzdata" / "data").rename(project / "kzdata" / ".data-old-999")
    (project / _recovery.STATE_DIR).mkdir(exist_ok=True)
    read_as_user(project, monkeypatch)
    assert outputs(project) == old
    assert not leftovers(project)


def test_a_missing_data_folder_is_an_integrity_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    point_kzdata_at(tmp_path / "kzdata" / "data", monkeypatch)
    for call in (lambda: kzdata.load("events"), kzdata.verify):
        with pytest.raises(IntegrityError, match=r"data folder is missing.*(Reinstall|kzdata build)"):
            call()


@pytest.mark.slow  # holds the lock for a second on purpose
def test_concurrent_builds_wait_for_each_other_and_say_so(
    project: Path, releases: tuple[Path, dict, dict], tmp_path: Path
) -> None:
    _, _, new = releases
    files = tmp_path / "files.pickle"
    files.write_bytes(pickle.dumps(new))
    with _recovery.build_lock(project):
        proc = subprocess.Popen(
            [sys.executable, "-c", _PUBLISH, str(project), str(files)],
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)
        assert proc.poll() is None, "the second build waits while the first holds the lock"
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "another build" in err and "waiting" in err
    assert outputs(project) == new


@pytest.mark.slow  # on the two builds of `releases`
def test_a_build_that_cannot_get_the_lock_fails_clearly(
    project: Path, releases: tuple[Path, dict, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, old, new = releases
    monkeypatch.setenv("KZDATA_BUILD_LOCK_WAIT", "0.3")
    with _recovery.build_lock(project), pytest.raises(BuildLockError, match=r"another kzdata build.*lock"):
        transaction.commit_outputs(project, new)
    assert outputs(project) == old


@pytest.mark.slow  # eight publications raced by a reader
def test_loads_during_builds_never_fail(
    project: Path, releases: tuple[Path, dict, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers racing a build that swaps releases back and forth see one whole release each time."""
    _, old, new = releases
    point_kzdata_at(project / "kzdata" / "data", monkeypatch)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                kzdata.load("people", backend="pyarrow")
                kzdata.load("events", backend="pyarrow")
            except BaseException as exc:
                errors.append(exc)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(8):
            transaction.commit_outputs(project, new if i % 2 == 0 else old)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors[0]


@pytest.mark.slow  # fault injection (a full disk), on the two builds of `releases`
def test_a_full_disk_is_reported_by_the_command_and_changes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzdata._cli import main

    before = outputs(project)
    calls = 0
    write = _recovery.write_synced

    def fill_up(path: Path, data: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise OSError(28, "No space left on device")
        write(path, data)

    monkeypatch.setattr(transaction, "write_synced", fill_up)
    next_release(project)
    assert main(["build", "--root", str(project)]) == 2  # BuildWriteError: a disk that cannot be written
    err = capsys.readouterr().err
    assert "No space left on device" in err and "previous release is intact" in err
    assert "Traceback" not in err
    assert outputs(project) == before
    assert not leftovers(project)


def test_an_unreadable_input_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root ignores file permissions, so the refusal of the open is simulated."""
    from kzdata._pipeline import inputs

    file = tmp_path / "events.csv"
    file.write_text("event_id\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(inputs.os, "open", refuse)
    issue = inputs.read_input(file, "raw/events.csv")
    assert isinstance(issue, kzdata.errors.Issue)
    assert issue.where == "raw/events.csv"
    assert "cannot be opened (Permission denied)" in issue.rule
