"""The same frames everywhere: dtypes per column, real dates in Arrow, DuckDB and Polars.

Expectations come from ``tests/expected_dtypes.py`` (written by hand) and the raw CSV
files, never from :mod:`kzdata._registry`.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import kzdata
from tests.conftest import REPO
from tests.expected_dtypes import CATEGORIES, expected_dtypes

EXPECTED = expected_dtypes()
DATE_COLUMNS = [(t, c) for t, cols in EXPECTED.items() for c, dtype in cols if dtype == "datetime64[ms]"]


def raw_values(table: str, column: str) -> set[str]:
    """The non-empty values of one column of a raw CSV file (none for a column the build derives)."""
    with (REPO / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return {row[column] for row in csv.DictReader(f) if row.get(column)}


def test_the_expectation_covers_every_table() -> None:
    assert sorted(EXPECTED) == sorted(kzdata.tables())
    # two per dated table (sources, positions, events, sentences, reforms, values), plus a rule's
    # four validity bounds (valid_from, known_to, possible_from, valid_to)
    assert len(DATE_COLUMNS) == 16


@pytest.mark.parametrize("table", list(EXPECTED))
def test_load_gives_the_expected_dtype_for_every_column(table: str) -> None:
    frame = kzdata.load(table)  # type: ignore[call-overload]
    assert [(c, str(t)) for c, t in frame.dtypes.items()] == EXPECTED[table]


@pytest.mark.parametrize(("table", "column"), list(CATEGORIES))
def test_category_columns_carry_every_declared_category(table: str, column: str) -> None:
    frame = kzdata.load(table)  # type: ignore[call-overload]
    assert list(frame[column].cat.categories) == CATEGORIES[(table, column)]
    assert raw_values(table, column) <= set(CATEGORIES[(table, column)])


def test_an_empty_table_keeps_its_categories() -> None:
    changes = kzdata.load("changes")
    assert list(changes["change"].cat.categories) == CATEGORIES[("changes", "change")]


@pytest.mark.parametrize(("table", "column"), DATE_COLUMNS)
def test_dates_are_arrow_date32(table: str, column: str) -> None:
    arrow = kzdata.load(table, backend="pyarrow")  # type: ignore[call-overload]
    assert str(arrow.schema.field(column).type) == "date32[day]"


def test_pandas_dates_are_midnight_values_of_the_raw_dates() -> None:
    frame = kzdata.load("events")
    first = frame.sort_values("event_id").iloc[0]
    with (REPO / "raw" / "events.csv").open(encoding="utf-8", newline="") as f:
        raw = min(csv.DictReader(f), key=lambda row: row["event_id"])
    assert first["date_start"].strftime("%Y-%m-%d") == raw["date_start"]
    assert first["date_start"] == first["date_start"].normalize()


@pytest.mark.parametrize("table", sorted({t for t, _ in DATE_COLUMNS}))
def test_duckdb_describes_dates_as_date(table: str) -> None:
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"describe select * from '{kzdata.path(table)}'").fetchall()
    described = {row[0]: row[1] for row in rows}
    for t, column in DATE_COLUMNS:
        if t == table:
            assert described[column] == "DATE", column


def test_duckdb_reads_a_date_as_a_python_date() -> None:
    duckdb = pytest.importorskip("duckdb")
    ((value,),) = duckdb.sql(f"select min(date_start) from '{kzdata.path('events')}'").fetchall()
    assert type(value).__name__ == "date"


POLARS_TYPES = {
    "string": "String",
    "Int64": "Int64",
    "Float64": "Float64",
    "boolean": "Boolean",
    "datetime64[ms]": "Date",
    "category": "Enum",
}


@pytest.mark.parametrize("table", list(EXPECTED))
def test_polars_backend_gives_date_enum_and_nullable_types(table: str) -> None:
    pl = pytest.importorskip("polars")
    frame = kzdata.load(table, backend="polars")  # type: ignore[call-overload]
    assert isinstance(frame, pl.DataFrame)
    got = [(name, type(dtype).__name__) for name, dtype in frame.schema.items()]
    assert got == [(c, POLARS_TYPES[t]) for c, t in EXPECTED[table]]
    assert len(frame) == len(kzdata.load(table))  # type: ignore[call-overload]


@pytest.mark.parametrize(("table", "column"), list(CATEGORIES))
def test_polars_enums_carry_every_declared_category(table: str, column: str) -> None:
    pytest.importorskip("polars")
    frame = kzdata.load(table, backend="polars")  # type: ignore[call-overload]
    assert list(frame.schema[column].categories) == CATEGORIES[(table, column)]


def test_polars_values_equal_pandas_values() -> None:
    pytest.importorskip("polars")
    polars_frame = kzdata.load("sentences", backend="polars")
    pandas_frame = kzdata.load("sentences")
    assert polars_frame["verdict_start"].to_list() == [
        None if pd.isna(x) else x.date() for x in pandas_frame["verdict_start"]
    ]
    assert polars_frame["prison_years"].to_list() == [
        None if pd.isna(x) else int(x) for x in pandas_frame["prison_years"]
    ]


@pytest.mark.slow
def test_import_kzdata_does_not_import_polars() -> None:
    import subprocess
    import sys

    code = "import sys, kzdata; kzdata.load('events'); print('polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_without_polars_the_backend_says_how_to_install_it() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['polars'] = None\n"
        "import kzdata\n"
        "try:\n    kzdata.load('events', backend='polars')\n"
        "except kzdata.InvalidArgumentError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert 'pip install "kzdata[polars]"' in out
