"""Misuse found by the adversarial pass of issue 18 (tests/test_attack.py lists what is still open).

Each failed on the code the attacker saw and passes since its fix: a wrong type is an
InvalidArgumentError, a file as ``--root`` is wrong usage, a closed standard output is
exit 2, not a silent success; an export whose values, data dictionary, descriptor or
Parquet metadata were altered no longer verifies against the citation's fingerprint.
"""

from __future__ import annotations

import json
import os
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
