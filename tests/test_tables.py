"""Registry-driven checks: every table loads, is typed as declared, and holds together."""

from __future__ import annotations

import csv
import io
from typing import get_args

import pandas as pd
import pandera.errors
import pytest

import kzdata
from kzdata import _generated
from kzdata._generated import TableName
from kzdata._load import load
from kzdata._registry import REGISTRY, TABLE_NAMES, TABLES
from kzdata._schemas import schema
from tests import oracle
from tests.conftest import REPO
from tests.expected_dtypes import expected_dtypes
from tests.expected_keys import FOREIGN_KEYS

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
def test_loads_with_the_expected_columns_and_dtypes(name: str) -> None:
    """Columns from the shipped CSV header, dtypes from tests/expected_dtypes.py (written by hand)."""
    frame = load(name)
    with (REPO / "kzdata" / "data" / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert list(frame.columns) == header
    assert [(c, str(t)) for c, t in frame.dtypes.items()] == expected_dtypes()[name]
    assert isinstance(frame.index, pd.RangeIndex)


@pytest.mark.parametrize("name", NAMES)
def test_the_schema_accepts_the_table_and_refuses_a_repeated_key(name: str) -> None:
    frame = load(name)
    assert schema(name).validate(frame, lazy=True).equals(frame)
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        schema(name).validate(doubled, lazy=True)
    # the primary key is the first column of raw/<name>.csv; the repeated row is the last
    cases = info.value.failure_cases
    assert set(cases["column"].astype(str)) == {oracle.key(name)}
    assert {0, len(frame)} <= set(cases["index"].dropna().astype(int))


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
    for _, column, ref_table, ref_column in [k for k in FOREIGN_KEYS if k[0] == name]:
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


@pytest.mark.slow
def test_validate_passes_on_the_shipped_data() -> None:
    report = kzdata.validate()
    assert report.ok
    assert report.rows == {name: len(load(name)) for name in NAMES}
    assert "all schema and cross-table checks passed" in str(report)


def test_an_editorial_column_names_its_basis_and_only_an_editorial_column_does() -> None:
    from kzdata._registry import Column

    with pytest.raises(ValueError, match="'lat': an editorial column names its editorial_basis"):
        Column("lat", "number", "latitude", editorial=True)
    with pytest.raises(ValueError, match="'lat': an editorial column names its editorial_basis"):
        Column("lat", "number", "latitude", editorial=True, editorial_basis="   ")
    with pytest.raises(ValueError, match="and only an editorial column does"):
        Column("lat", "number", "latitude", editorial_basis="looked up")
    assert Column("lat", "number", "latitude", editorial=True, editorial_basis="looked up").editorial


def test_the_editorial_columns_are_those_docs_editorial_lists() -> None:
    """docs/editorial.md's table of columns editorial as a whole, against the registry."""
    import re

    text = (REPO / "docs" / "editorial.md").read_text(encoding="utf-8")
    section = text.split("## Columns that are editorial as a whole", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", section.split("| column | basis, in short |", 1)[1]))
    flagged = {f"{t.name}.{c.name}" for t in TABLES for c in t.columns if c.editorial}
    assert listed == flagged
