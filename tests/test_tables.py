"""Registry-driven checks: every table loads, is typed as declared, and holds together."""

from __future__ import annotations

import csv
import io
from typing import get_args

import pandas as pd
import pytest

import kzdata
from kzdata import _generated
from kzdata._generated import TableName
from kzdata._load import load
from kzdata._registry import REGISTRY, TABLE_NAMES, TABLES
from kzdata._schemas import dtype_of, schema
from tests.conftest import REPO

NAMES = list(TABLE_NAMES)


def test_registry_and_literal_agree() -> None:
    assert tuple(t.name for t in TABLES) == get_args(TableName) == tuple(kzdata.tables())


def test_required_tables_exist() -> None:
    required = {
        "sources",
        "events",
        "people",
        "organizations",
        "places",
        "sentences",
        "reforms",
        "indicators",
        "indicator_values",
        "aliases",
        "citations",
        "discrepancies",
    }
    assert required <= set(NAMES)


def test_every_table_but_changes_has_a_shortcut() -> None:
    assert set(_generated.__all__) | {"changes"} == set(NAMES)
    for name in _generated.__all__:
        assert getattr(kzdata, name) is getattr(_generated, name)
        assert getattr(kzdata, name)().equals(kzdata.load(name))


@pytest.mark.parametrize("name", NAMES)
def test_raw_file_has_the_registry_header(name: str) -> None:
    with (REPO / "raw" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == list(REGISTRY[name].raw_column_names)


@pytest.mark.parametrize("name", NAMES)
def test_columns_are_described(name: str) -> None:
    table = REGISTRY[name]
    assert table.row and table.title
    for col in table.columns:
        assert len(col.description) > 10, f"{name}.{col.name} needs a description"
        if col.kind == "category":
            assert col.enum, f"{name}.{col.name} is a category without allowed values"


@pytest.mark.parametrize("name", NAMES)
def test_loads_with_the_declared_dtypes(name: str) -> None:
    frame = load(name)
    table = REGISTRY[name]
    assert list(frame.columns) == list(table.column_names)
    for col in table.columns:
        assert frame[col.name].dtype == dtype_of(col), f"{name}.{col.name}: {frame[col.name].dtype}"
    assert isinstance(frame.index, pd.RangeIndex)


@pytest.mark.parametrize("name", NAMES)
def test_validates_against_its_schema(name: str) -> None:
    schema(name).validate(load(name), lazy=True)


@pytest.mark.parametrize("name", NAMES)
def test_primary_key_is_unique_sorted_and_present(name: str) -> None:
    frame = load(name)
    pk = frame[REGISTRY[name].primary_key]
    assert pk.notna().all()
    assert pk.is_unique
    assert pk.tolist() == sorted(pk.tolist()), "rows are sorted by primary key"


@pytest.mark.parametrize("name", NAMES)
def test_foreign_keys_resolve(name: str) -> None:
    frame = load(name)
    for column, ref_table, ref_column in REGISTRY[name].foreign_keys:
        values = frame[column].dropna()
        known = set(load(ref_table)[ref_column])
        dangling = sorted(set(values) - known)
        assert not dangling, f"{name}.{column} -> {ref_table}.{ref_column}: {dangling[:5]}"


@pytest.mark.parametrize("name", NAMES)
def test_parquet_holds_the_same_values_as_the_shipped_csv(name: str) -> None:
    """Read the CSV independently of kzdata's encoder and compare cell by cell."""
    frame = load(name)
    text = (REPO / "kzdata" / "data" / "csv" / f"{name}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(frame.columns)
    assert len(rows) - 1 == len(frame)
    for col_pos, col in enumerate(REGISTRY[name].columns):
        for row_pos, value in enumerate(frame[col.name].tolist()):
            cell = rows[row_pos + 1][col_pos]
            if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
                assert cell == "", f"{name}.{col.name} row {row_pos}"
            elif col.kind == "boolean":
                assert cell == ("true" if value else "false")
            elif col.kind == "date":
                assert pd.Timestamp(cell) == value
            elif col.kind in ("integer", "number"):
                assert float(cell) == float(value)
            else:
                assert cell == value


def test_integer_columns_never_become_floats() -> None:
    sentences = kzdata.sentences()
    assert str(sentences["prison_years"].dtype) == "Int64"
    assert sentences["prison_years"].isna().any(), "a conviction without a stated term is null"


def test_validate_passes_on_the_shipped_data() -> None:
    report = kzdata.validate()
    assert report.ok
    assert report.rows == {name: len(load(name)) for name in NAMES}
    assert "all schema and cross-table checks passed" in str(report)
