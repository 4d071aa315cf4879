"""Misuse found by the adversarial pass of issue 18 (tests/test_attack.py lists what is still open).

Each failed on the code the attacker saw and passes since its fix: a wrong type is an
InvalidArgumentError, a file as ``--root`` is wrong usage, a closed standard output is
exit 2, not a silent success.
"""

from __future__ import annotations

import os
import subprocess
import sys

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
