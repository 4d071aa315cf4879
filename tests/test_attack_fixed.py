"""Misuse found by the adversarial pass of issue 18 (tests/test_attack.py lists what is still open).

Each failed on the code the attacker saw and passes since its fix: a wrong type is an
InvalidArgumentError, a file as ``--root`` is wrong usage, a closed standard output is
exit 2, not a silent success.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kzdata
from tests.test_attack import checkout_copy, run_kzdata


@pytest.mark.parametrize("folder", [3, 3.5, ["x"], b"x", {"a": 1}, True])
def test_verify_with_a_folder_of_the_wrong_type_is_invalid_argument(folder):
    """`kzdata.verify(folder)` with a non-path raises InvalidArgumentError, not a bare TypeError.

    Promise: docs/errors.md, InvalidArgumentError: "Raised when an argument has the wrong
    type"; "Every error kzdata raises is a `kzdata.KzdataError`"; docs/architecture.md
    decision 12. Found: TypeError("expected str, bytes or os.PathLike object, not int").
    """
    with pytest.raises(kzdata.InvalidArgumentError):
        kzdata.verify(folder)


@pytest.mark.parametrize("table", [3, 3.5, True, object()])
def test_cite_with_a_table_of_the_wrong_type_is_invalid_argument(table):
    """`kzdata.cite(frame, table=3)` raises InvalidArgumentError, not "'int' object is not iterable".

    Promise: docs/errors.md InvalidArgumentError ("a table name that is not a string (None,
    3, ...)"); cite's signature takes `str | Sequence[str] | None`.
    """
    with pytest.raises(kzdata.InvalidArgumentError):
        kzdata.cite(kzdata.events(), table=table)


def test_load_with_a_missing_value_as_backend_is_invalid_argument():
    """`kzdata.load("events", backend=pd.NA)` raises InvalidArgumentError, not "boolean value of NA is ambiguous".

    Promise: docs/errors.md, InvalidArgumentError: "an unknown backend for kzdata.load()".
    (`kzdata.cite(style=pd.NA)` fails the same way.)
    """
    import pandas as pd

    with pytest.raises(kzdata.InvalidArgumentError):
        kzdata.load("events", backend=pd.NA)


def test_build_with_root_naming_a_file_is_a_usage_error(tmp_path):
    """`kzdata build --root FILE` is wrong usage (exit 2), not a problem "in raw/" (exit 1).

    Promise: docs/errors.md, InvalidArgumentError (exit 2): "`kzdata build` run outside a
    source checkout (no pyproject.toml or no raw/)". Found: exit 1 with "1 problem(s) in
    raw/ ... pyproject.toml ... the file cannot be examined (Not a directory) ... Fix the
    listed cells in raw/".
    """
    file = tmp_path / "not-a-folder"
    file.write_text("x")
    result = subprocess.run(
        [sys.executable, "-m", "kzdata", "build", "--root", str(file)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr


def test_closed_stdout_is_exit_2_not_silent_success():
    """`kzdata cite >&-` cannot print the citation: it must say so and exit 2, not exit 0 silently.

    Promise: `kzdata --help` and README "The command line": exit 2 for "a file or terminal
    that cannot be read or written"; docs/errors.md: "also 2 for any other OSError". Found:
    with stdout closed every command (info, show, cite, verify, validate, ...) prints
    nothing and exits 0.
    """
    result = subprocess.run(
        [sys.executable, "-m", "kzdata", "cite"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 2, f"exit {result.returncode}, stderr {result.stderr!r}"


@pytest.mark.slow
def test_cite_refuses_a_release_whose_parquet_file_is_damaged(tmp_path):
    """`kzdata cite` must not print the release's fingerprint for files the loaders cannot read.

    Promise: README "How to cite": "`kzdata cite` prints the fingerprint recomputed from the
    installed files"; docs/errors.md: cite raises IntegrityError when "the fingerprint
    recomputed from the files is not the recorded one". Found: with events.parquet truncated
    (or replaced by a FIFO, or rewritten), `kzdata cite` exits 0 and prints the original
    fingerprint: the Parquet files, which every loader and `kzdata.path()` user reads, are
    never looked at.
    """
    copy = checkout_copy(tmp_path / "co")
    parquet = copy / "kzdata" / "data" / "events.parquet"
    parquet.write_bytes(parquet.read_bytes()[:100])
    assert run_kzdata(copy, "verify").returncode == 1
    result = run_kzdata(copy, "cite")
    assert result.returncode == 1, f"cite exited {result.returncode} and printed: {result.stdout.strip()}"


@pytest.mark.slow
def test_verify_finds_an_extra_file_under_pycache(tmp_path):
    """An extra file in the data folder is a problem, also inside a `__pycache__` folder.

    Promise: README "How to verify": "no other file is in the data folder"; docs/versioning.md:
    "a file the release does not have (an extra file, listed or not) ... is a problem".
    Found: `kzdata/data/__pycache__/evil.parquet` and `kzdata/data/csv/__pycache__/x.csv` pass.
    """
    copy = checkout_copy(tmp_path / "co")
    hidden = copy / "kzdata" / "data" / "csv" / "__pycache__"
    hidden.mkdir(parents=True)
    (hidden / "events.csv").write_bytes(b"event_id\nforged\n")
    assert run_kzdata(copy, "verify").returncode == 1


def _journal_state(copy: Path) -> tuple[bool, bool]:
    """(a journal is present, the data folder's descriptor is not the one kzdata/_release.py records)."""
    journal = (copy / ".kzdata-build" / "journal.json").exists()
    record = re.search(r'"([0-9a-f]{64})"', (copy / "kzdata" / "_release.py").read_text()).group(1)
    actual = hashlib.sha256((copy / "kzdata" / "data" / "datapackage.json").read_bytes()).hexdigest()
    return journal, record != actual


@pytest.mark.slow  # builds the checkout up to 30 times, each killed at another file operation
def test_reader_of_read_only_checkout_after_build_killed_past_the_exchange(tmp_path):
    """A build killed after the data folder was exchanged leaves a release no reader can load.

    Promise: docs/build-transactions.md, guarantee 2: "Readers never see a missing or
    half-swapped release. `kzdata/data` ... always holds one whole release"; "Readers":
    "if a build holds the lock [or the reader cannot recover], it reads the data folder,
    which is whole". Found: killed between the exchange and the move of kzdata/_release.py,
    then read from a checkout the reader cannot write (a read-only mount here; equally a
    shared checkout owned by another user), every reader waits 30 s and fails with "the data
    folder kept changing while its descriptor was read; try again", which never succeeds.
    Fixed: such a reader trusts the record the committed build staged, as its journal
    vouches for it (docs/build-transactions.md, "A reader that cannot finish the build";
    in-process cases in tests/test_recovery.py).
    """
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs read-only")
    mount = tmp_path / "mnt"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs")
    try:
        for fault_at in range(50, 80):
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
            for child in mount.iterdir():
                shutil.rmtree(child)
            copy = checkout_copy(mount / "co")
            events = copy / "raw" / "events.csv"
            # change one description so the new release differs from the old one
            text = events.read_text(encoding="utf-8")
            assert "renewed research" in text
            events.write_text(text.replace("renewed research", "new research", 1), encoding="utf-8")
            run_kzdata(copy, "build", env={"KZDATA_FAULT_AT": str(fault_at), "KZDATA_FAULT_MODE": "kill"})
            journal, stale_record = _journal_state(copy)
            if journal and stale_record:
                break
        else:
            pytest.skip("no fault point between the exchange and the record move was found")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        result = run_kzdata(copy, "info", timeout=120)
        assert result.returncode == 0, result.stderr[-400:]
    finally:
        subprocess.run(["umount", "-l", str(mount)])


@pytest.mark.slow
def test_xlsx_export_under_a_file_size_limit_shows_no_traceback(tmp_path):
    """A refused workbook export prints the kzdata message only, no traceback.

    Promise: docs/errors.md, ExportWriteError: "a full disk, a file-size limit ..."; "the
    command never shows a traceback for these". Found: rc 2 and the right message, followed
    by "Exception ignored in: <generator object WorksheetWriter.get_stream ...> Traceback
    (most recent call last): ... OSError: [Errno 27] File too large" from openpyxl.
    """
    pytest.importorskip("openpyxl")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (50 * 1024, 50 * 1024))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "kzdata", "export", "--format", "xlsx", "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr[-800:]
    assert "kzdata export: cannot write the export" in result.stderr
    assert not (tmp_path / "x").exists(), "the partial export is removed"


def test_export_to_a_path_with_a_nul_byte_is_a_kzdata_error(tmp_path):
    """`kzdata.export("a\\x00b")` raises InvalidArgumentError naming the NUL byte, not ValueError.

    Promise: docs/errors.md ("Every error kzdata raises is a kzdata.KzdataError";
    InvalidArgumentError for "a value kzdata cannot use").
    """
    for out in (str(tmp_path / "a\x00b"), tmp_path / "a\x00b"):
        with pytest.raises(kzdata.InvalidArgumentError, match="NUL byte") as refused:
            kzdata.export(out, "csv")
        assert repr(str(out)) in str(refused.value), "the path is shown with the NUL byte escaped"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["x" * 300, "/".join(["y" * 200] * 30)], ids=["long-name", "long-path"])
def test_export_to_a_path_too_long_for_the_file_system_is_a_kzdata_error(tmp_path, name):
    """An export path the file system refuses outright is InvalidArgumentError, not OSError(ENAMETOOLONG).

    Found while fixing the NUL byte: a 300-character folder name (or a 6,000-character path)
    reached `kzdata.export()` callers as a bare OSError from `Path.exists()`.
    """
    with pytest.raises(kzdata.InvalidArgumentError, match=r"cannot use .* as the export folder") as refused:
        kzdata.export(tmp_path / name, "csv")
    assert "as the export folder (File name too long); choose a shorter path you can read and write" in str(
        refused.value
    )
    assert list(tmp_path.iterdir()) == []


def test_verify_of_a_path_with_a_nul_byte_is_a_kzdata_error(tmp_path):
    """`kzdata.verify()` refuses a NUL byte in its folder with InvalidArgumentError as well."""
    with pytest.raises(kzdata.InvalidArgumentError):
        kzdata.verify(str(tmp_path / "a\x00b"))


@pytest.mark.slow
def test_cli_without_package_metadata_shows_no_traceback(tmp_path):
    """Running the commands from an uninstalled source tree fails with a message, not a traceback.

    Promise: docs/errors.md: the command "never shows a traceback"; docs/architecture.md
    decision 12, "No built-in exception is raised to a user". Found: `PYTHONPATH=<checkout>
    python -m kzdata info` (or cite, verify, validate, show, describe, changes) without
    `pip install` dies with importlib.metadata.PackageNotFoundError. Simulated here by
    hiding kzdata's distribution metadata. Now exit 2 (an environment that cannot be used)
    with the command that installs kzdata.
    """
    code = (
        "import importlib.metadata as m, runpy, sys\n"
        "real = m.version\n"
        "def version(name):\n"
        "    if name == 'kzdata':\n"
        "        raise m.PackageNotFoundError(name)\n"
        "    return real(name)\n"
        "m.version = version\n"
        "sys.argv = ['kzdata', 'info']\n"
        "runpy.run_module('kzdata', run_name='__main__')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[-500:]
    assert result.returncode == 2
    assert result.stderr.startswith("kzdata info: kzdata is not installed"), result.stderr
    assert "pip install -e ." in result.stderr
