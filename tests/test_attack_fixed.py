"""Misuse found by the adversarial pass of issue 18 (tests/test_attack.py lists what is still open).

Each failed on the code the attacker saw and passes since its fix: a wrong type is an
InvalidArgumentError, a file as ``--root`` is wrong usage, a closed standard output is
exit 2, not a silent success; an export whose values, data dictionary, descriptor or
Parquet metadata were altered no longer verifies against the citation's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import kzdata
from kzdata.errors import KzdataError
from tests import oracle
from tests.conftest import REPO
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


# --------------------------------------------------------------------------- exports against a citation


@pytest.fixture(scope="module")
def fingerprint() -> str:
    """The fingerprint a citation of the shipped release carries, recomputed from its definition by the oracle."""
    return oracle.release_fingerprint(REPO / "kzdata" / "data")


def export_to(tmp_path: Path, fmt: str) -> Path:
    out = tmp_path / f"export-{fmt}"
    kzdata.export(out, fmt)
    return out


def verify_folder_report(folder: Path, fp: str):
    """verify(folder, fingerprint=fp) as a report; a crash (a non-kzdata exception) fails the test."""
    return kzdata.verify(folder, fingerprint=fp, raise_on_error=False)


def rewrite_parquet(file: Path, *, arrow_edit=None, pandas_metadata_edit=None) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(file)
    if arrow_edit is not None:
        table = arrow_edit(table)
    if pandas_metadata_edit is not None:
        meta = json.loads(table.schema.metadata[b"pandas"])
        pandas_metadata_edit(meta)
        table = table.replace_schema_metadata({**table.schema.metadata, b"pandas": json.dumps(meta).encode()})
    pq.write_table(table, file)


MASSIMOV = "massimov-karim-conviction"


# --------------------------------------------------------------------------- verify DIR: SQLite exports


@pytest.mark.slow
@pytest.mark.parametrize(
    ("column", "forged", "shown"),
    [
        ("prison_years", 18.9, 18.9),  # read back as int(18.9) == 18
        ("closed_trial", 7, 7),  # read back as bool(7) == True
        ("closed_trial", "false", "false"),  # read back as bool("false") == True
        ("verdict_start", "01/05/2022", "01/05/2022"),  # read back as pd.Timestamp(...) == 2022-01-05
        ("verdict_start", "2022-01-05 23:59:59", "2022-01-05 23:59:59"),
    ],
)
def test_sqlite_export_with_altered_values_fails_verify_fingerprint(tmp_path, fingerprint, column, forged, shown):
    """A SQLite export whose values a user reads were changed must not verify against the citation.

    Promise: docs/versioning.md, "What `kzdata verify` checks": `kzdata verify --fingerprint
    sha256:... DIR` recomputes the fingerprint "from the copy of the values the folder holds
    (... the SQLite database read back into canonical form)", "so a copy in another format
    verifies against the same citation"; README "How to verify". The read-back coerces each
    SQLite value with int()/bool()/pd.Timestamp(), so 18.9 years, closed_trial=7 or 'false',
    and a date '01/05/2022' all re-encode to the original canonical CSV and pass.
    """
    folder = export_to(tmp_path, "sqlite")
    db = folder / "sqlite" / "kzdata.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA ignore_check_constraints = 1")
    con.execute(f'UPDATE sentences SET "{column}" = ? WHERE sentence_id = ?', (forged, MASSIMOV))
    con.commit()
    assert con.execute(f'SELECT "{column}" FROM sentences WHERE sentence_id = ?', (MASSIMOV,)).fetchone()[0] == shown
    con.close()
    report = verify_folder_report(folder, fingerprint)
    assert not report.ok, f"verify accepted a SQLite export where {column} reads {shown!r}"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("column", "forged"),
    [("prison_years", "eighteen"), ("verdict_start", "1641340800")],
)
def test_sqlite_export_with_unparseable_value_is_reported_not_a_crash(tmp_path, fingerprint, column, forged):
    """A damaged SQLite export is a verify problem (IntegrityError / exit 1), never a traceback.

    Promise: docs/errors.md, IntegrityError: raised "by kzdata.verify() (and kzdata verify,
    exit code 1) ... for any of the checks"; "the command never shows a traceback";
    docs/architecture.md decision 12, "No built-in exception is raised to a user".
    Found: ValueError (int('eighteen')) and pandas DateParseError escape from verify.
    """
    folder = export_to(tmp_path, "sqlite")
    con = sqlite3.connect(folder / "sqlite" / "kzdata.db")
    con.execute("PRAGMA ignore_check_constraints = 1")
    con.execute(f'UPDATE sentences SET "{column}" = ? WHERE sentence_id = ?', (forged, MASSIMOV))
    con.commit()
    con.close()
    try:
        report = kzdata.verify(folder, fingerprint=fingerprint, raise_on_error=False)
    except KzdataError:
        return
    except Exception as exc:
        pytest.fail(f"verify crashed with {type(exc).__name__}: {exc}")
    assert not report.ok


@pytest.mark.slow
def test_sqlite_export_with_forged_data_dictionary_fails_verify(tmp_path, fingerprint):
    """The SQLite export's data dictionary (`_kzdata_columns`) is part of what a user reads.

    Promise: README "How to verify"/docs/versioning.md: verify of an export proves the folder
    is the data cited; the brief of issue 18 asks that no value a user reads in any shipped
    file can change while verify passes. README: the SQLite export carries "the data
    dictionary in tables `_kzdata_tables` and `_kzdata_columns`". Any description can be
    rewritten and `verify --fingerprint` still passes.
    """
    folder = export_to(tmp_path, "sqlite")
    con = sqlite3.connect(folder / "sqlite" / "kzdata.db")
    con.execute("UPDATE _kzdata_columns SET description = 'FORGED'")
    con.commit()
    con.close()
    assert not verify_folder_report(folder, fingerprint).ok


# --------------------------------------------------------------------------- verify DIR: bundle / Parquet exports


@pytest.mark.slow
def test_bundle_export_with_forged_licence_in_descriptor_fails_verify(tmp_path, fingerprint):
    """An export whose datapackage.json states another licence, title and version must not verify.

    Promise: docs/versioning.md: for `verify --fingerprint ... DIR`, "its `datapackage.json`
    and `CITATION.cff` must state that fingerprint"; the report then claims "all N files of
    the release check out (hashes, Parquet values and types, generated files)". Found: the
    descriptor is checked for its fingerprint and schemas only; licence CC0, title 'FORGED'
    and version 9.9.9 pass, and verify even prints "kzdata 9.9.9: all 43 files ... check out".
    """
    folder = export_to(tmp_path, "bundle")
    descriptor = folder / "datapackage.json"
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    document["licenses"] = [
        {"name": "CC0-1.0", "title": "Public domain", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}
    ]
    document["title"] = "FORGED"
    document["version"] = "9.9.9"
    descriptor.write_text(json.dumps(document, indent=2), encoding="utf-8")
    assert not verify_folder_report(folder, fingerprint).ok


@pytest.mark.slow
def test_bundle_export_with_forged_data_dictionary_fails_verify(tmp_path, fingerprint):
    """`data-dictionary.md` of an export is read by users but never checked.

    Promise: README "Outside pandas": every export has "the dataset card as README.md,
    LICENSE-DATA, CITATION.cff and data-dictionary.md at the top"; docs/versioning.md
    "verify ... DIR" proves the folder is the data cited. The dictionary can say anything.
    """
    folder = export_to(tmp_path, "bundle")
    with (folder / "data-dictionary.md").open("a", encoding="utf-8") as handle:
        handle.write("\nNOTE: prison_years is given in months.\n")
    assert not verify_folder_report(folder, fingerprint).ok


@pytest.mark.slow
def test_parquet_export_with_nan_instead_of_missing_fails_verify(tmp_path, fingerprint):
    """A Parquet copy whose missing numbers became NaN holds other values, yet verifies.

    Promise: docs/versioning.md: Parquet files of an export are "read back into canonical
    form, with the registry's types"; the fingerprint "names the values a user reads".
    Found: NaN and null both canonicalise to the empty field, so `verify --fingerprint`
    passes while Polars reads NaN (null_count 0 instead of 7) and sums/means become NaN.
    """
    import pyarrow as pa

    folder = export_to(tmp_path, "parquet")

    def nanify(table):
        index = table.schema.get_field_index("value_low")
        values = table.column(index).combine_chunks().to_numpy(zero_copy_only=False)
        return table.set_column(index, table.schema.field(index), pa.array(values, type=pa.float64()))

    rewrite_parquet(folder / "parquet" / "indicator_values.parquet", arrow_edit=nanify)
    import pyarrow.parquet as pq

    assert pq.read_table(folder / "parquet" / "indicator_values.parquet").column("value_low").null_count == 0
    assert not verify_folder_report(folder, fingerprint).ok


@pytest.mark.slow
def test_parquet_export_with_forged_index_fails_verify(tmp_path, fingerprint):
    """A Parquet copy whose pandas index was renumbered loads differently, yet verifies.

    Promise: docs/versioning.md, "What `kzdata verify` checks": every Parquet file "is
    decoded as a loader decodes it", so the Parquet files "are covered by content". Found:
    the pandas metadata's RangeIndex (here 1..n, named 'hacked') is ignored by the check, so
    `frame.loc[0]` raises KeyError and `frame.loc[1]` is another row than the release's.
    """
    import pyarrow.parquet as pq

    folder = export_to(tmp_path, "parquet")
    file = folder / "parquet" / "sentences.parquet"
    rows = pq.read_table(file).num_rows
    rewrite_parquet(
        file,
        pandas_metadata_edit=lambda m: m.update(
            index_columns=[{"kind": "range", "name": "hacked", "start": 1, "stop": rows + 1, "step": 1}]
        ),
    )
    assert pq.read_table(file).to_pandas().index[0] == 1
    assert not verify_folder_report(folder, fingerprint).ok


@pytest.mark.slow
def test_parquet_export_with_renamed_pandas_column_is_reported_not_a_crash(tmp_path, fingerprint):
    """Parquet pandas metadata that renames a column is a verify problem, not a KeyError.

    Promise: docs/errors.md (IntegrityError from verify, "never a traceback"), docs/architecture.md
    decision 12 ("No built-in exception is raised to a user"). Found: KeyError: 'person_id'.
    """
    folder = export_to(tmp_path, "parquet")
    rewrite_parquet(
        folder / "parquet" / "sentences.parquet",
        pandas_metadata_edit=lambda m: m["columns"][1].update(name="person"),
    )
    try:
        report = kzdata.verify(folder, fingerprint=fingerprint, raise_on_error=False)
    except KzdataError:
        return
    except Exception as exc:
        pytest.fail(f"verify crashed with {type(exc).__name__}: {exc}")
    assert not report.ok


# --------------------------------------------------------------------------- the installed release (copies)


@pytest.mark.slow
def test_verify_of_release_with_renamed_pandas_column_exits_1_without_traceback(tmp_path):
    """`kzdata verify` on a data folder with a damaged Parquet file reports it (exit 1), no traceback.

    Promise: README "How to verify" and docs/errors.md IntegrityError: verify names every
    problem, exit code 1, "the command never shows a traceback". Found: `kzdata verify` and
    `kzdata export` both die with KeyError: 'person_id' (the loader refuses the file properly).
    """
    copy = checkout_copy(tmp_path / "co")
    rewrite_parquet(
        copy / "kzdata" / "data" / "sentences.parquet",
        pandas_metadata_edit=lambda m: m["columns"][1].update(name="person"),
    )
    result = run_kzdata(copy, "verify")
    assert "Traceback" not in result.stderr, result.stderr[-600:]
    assert result.returncode == 1
    assert "sentences.parquet: its pandas metadata gives columns" in result.stderr
    result = run_kzdata(copy, "export", "--format", "csv", "--out", str(tmp_path / "out"))
    assert "Traceback" not in result.stderr, result.stderr[-600:]
    assert result.returncode == 1
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- links in and on the way to an export


def _kzdata(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzdata", *args], capture_output=True, text=True, timeout=120, **kwargs
    )


@pytest.mark.slow
def test_verify_passes_a_bundle_whose_csv_folder_is_a_link_to_altered_files(tmp_path, fingerprint):
    """A bundle whose `csv/` is a symlink to edited CSV files verifies against the citation.

    Promise: docs/versioning.md ("What `kzdata verify` checks") and the module doc of
    kzdata/_verify_folder.py: verify reads "the values from every copy the folder holds: the
    CSV files (`csv/` ...) ...; when it holds several, they must agree". Found: folders that
    are symlinks are skipped; replacing the bundle's `csv/` by a link to a copy with
    Massimov's 18 years changed to 81 leaves only `parquet/` checked: exit 0, "matches the
    fingerprint you gave", while `csv/sentences.csv` (what a spreadsheet user opens) says 81.
    Fixed: a link anywhere in an export is a problem that names it; nothing is read through it.
    """
    bundle = tmp_path / "bundle"
    kzdata.export(bundle, "bundle")
    forged = tmp_path / "elsewhere"
    (bundle / "csv").rename(forged)
    sentences = forged / "sentences.csv"
    text = sentences.read_text(encoding="utf-8")
    assert ",massimov-karim,18," in text
    sentences.write_text(text.replace(",massimov-karim,18,", ",massimov-karim,81,"), encoding="utf-8")
    (bundle / "csv").symlink_to(forged, target_is_directory=True)
    assert ",massimov-karim,81," in (bundle / "csv" / "sentences.csv").read_text(encoding="utf-8")
    result = _kzdata("verify", "--fingerprint", fingerprint, str(bundle))
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stdout[-500:]
    assert f"csv: a symbolic link to {forged}, which `kzdata export` never writes" in result.stderr


def _link_to_copy(out: Path, name: str, alter: bool) -> None:
    """Replace ``out/name`` by a symbolic link to a copy of it outside ``out`` (altered in one value or not)."""
    entry = out / name
    copy = out.parent / f"outside-{entry.name}"
    entry.rename(copy)
    if alter:
        text = copy.read_text(encoding="utf-8")
        copy.write_text(text.replace(",massimov-karim,18,", ",massimov-karim,81,"), encoding="utf-8")
    entry.symlink_to(copy, target_is_directory=copy.is_dir())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "name", "alter"),
    [
        ("bundle", "csv", False),  # a linked folder is refused even when what it points to is unaltered
        ("csv", "csv/sentences.csv", True),
        ("bundle", "parquet/sentences.parquet", False),
        ("sqlite", "sqlite", False),
        ("sqlite", "sqlite/kzdata.db", False),
        ("csv", "README.md", False),
    ],
)
def test_verify_names_every_symbolic_link_in_an_export(tmp_path, fingerprint, fmt, name, alter):
    """Every link in an export, to a file or a folder, altered or not, is a problem naming it; nothing is followed."""
    out = export_to(tmp_path, fmt)
    _link_to_copy(out, name, alter)
    report = verify_folder_report(out, fingerprint)
    assert not report.ok
    assert any(p.startswith(f"{name}: a symbolic link to ") for p in report.problems), report.problems
    assert not any("not a file of" in p for p in report.problems), report.problems
    assert report.fingerprint is None, "nothing is read through the link, so no fingerprint is recomputed"


@pytest.mark.slow
def test_verify_names_a_dangling_or_looping_link_in_an_export(tmp_path, fingerprint):
    out = export_to(tmp_path, "csv")
    (out / "csv" / "loop").symlink_to("loop")
    (out / "gone").symlink_to(tmp_path / "nowhere")
    report = verify_folder_report(out, fingerprint)
    assert not report.ok
    assert [p.split(":")[0] for p in report.problems] == ["csv/loop", "gone"], report.problems
    assert report.fingerprint == fingerprint, "the files themselves are the release"


@pytest.mark.slow
def test_an_export_through_a_symlink_loop_is_a_traceback(tmp_path):
    """`kzdata export --out loop/x`, where `loop` is a link to itself, ends in a RuntimeError traceback.

    Promise: docs/errors.md, "also **2** for any other `OSError` (a path, permission or disk
    problem: an export below a file or through a dangling link ...)"; "the command never shows
    a traceback"; InvalidArgumentError for an export folder "whose path the file system cannot
    take at all". Found: `_inside_data_folder` resolves the path with `Path.resolve()`
    and Python 3.11 raises `RuntimeError: Symlink loop from '.../loop/x'`: exit 1 with a
    traceback (`kzdata.export()` raises the bare RuntimeError). `--out loop` itself is refused
    cleanly, and `verify` / `verify-sources` on the same paths exit 2.
    """
    (tmp_path / "loop").symlink_to("loop")
    result = _kzdata("export", "--format", "csv", "--out", str(tmp_path / "loop" / "x"), cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[-800:]
    assert result.returncode == 2, result.stderr[-800:]
    assert result.stderr.startswith("kzdata export: "), result.stderr[-800:]


def test_export_and_verify_through_a_symlink_loop_are_invalid_arguments(tmp_path):
    """In process: the loop is an InvalidArgumentError naming the path and the reason, for export and verify."""
    (tmp_path / "loop").symlink_to("loop")
    target = tmp_path / "loop" / "x"
    with pytest.raises(kzdata.InvalidArgumentError, match="its path cannot be resolved") as refused:
        kzdata.export(target, "csv")
    message = str(refused.value)
    prefix = f"cannot use {target} as the export folder: its path cannot be resolved ("
    suffix = "); choose a directory whose path has no symbolic link loop"
    assert message.startswith(prefix) and message.endswith(suffix), message
    reason = message[len(prefix) : -len(suffix)]  # Python's own words, which vary by version
    assert "loop" in reason.lower() or "symbolic links" in reason, reason
    for folder in (target, tmp_path / "loop"):
        with pytest.raises(kzdata.InvalidArgumentError, match=r"\(Too many levels of symbolic links\)") as refused:
            kzdata.verify(folder)
        assert str(folder) in str(refused.value)
    assert [p.name for p in tmp_path.iterdir()] == ["loop"]


@pytest.mark.parametrize("name", ["x" * 300, "/".join(["y" * 200] * 30)], ids=["long-name", "long-path"])
def test_verify_of_a_path_too_long_for_the_file_system_is_a_kzdata_error(tmp_path, name):
    """Found with the loop: `kzdata.verify()` of a 300-character folder name raised a bare OSError(ENAMETOOLONG)."""
    with pytest.raises(kzdata.InvalidArgumentError, match=r"\(File name too long\)"):
        kzdata.verify(tmp_path / name)
