"""The Stata export: one .dta per table that reads back with its rows, variable labels and value labels."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from kzdata._cli import main
from kzdata._formats.stata import short_label
from tests import oracle
from tests.conftest import REPO
from tests.oracle import rows as raw_rows


def shipped_header(table: str) -> list[str]:
    """The columns of the shipped CSV copy (raw/'s columns plus the derived ones)."""
    with (REPO / "kzdata" / "data" / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("stata")
    assert main(["export", "--format", "stata", "--out", str(target)]) == 0
    return target / "stata"


def read(file: Path) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[int, str]], str]:
    with pd.io.stata.StataReader(file) as reader:
        frame = reader.read()
        return frame, reader.variable_labels(), reader.value_labels(), reader.data_label


def test_one_file_per_table_and_a_dictionary(out: Path) -> None:
    assert sorted(p.stem for p in out.glob("*.dta")) == sorted([*oracle.RAW_TABLES, "kzdata_columns"])


def _as_raw_text(value: object, raw: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return raw if raw and float(raw) == value else repr(value)
    return str(value)


@pytest.mark.parametrize("table", oracle.RAW_TABLES)
def test_rows_and_values_read_back(out: Path, table: str) -> None:
    """Row counts equal raw/ records; categories and booleans come back as their labels; dates as dates."""
    frame, _, _, _ = read(out / f"{table}.dta")
    rows = oracle.rows(table)
    assert len(frame) == len(rows)
    header = oracle.header(table)
    pk = header[0]
    stored = {r[pk]: r for r in frame.astype(object).to_dict("records")}
    for raw in rows:
        row = stored[raw[pk]]
        for name in header:
            assert _as_raw_text(row[name], raw[name]) == raw[name], (table, raw[pk], name)


def test_variable_labels_fit_stata_and_come_from_the_descriptions(out: Path) -> None:
    _, labels, _, data_label = read(out / "sentences.dta")
    assert data_label == "Court sentences"
    assert labels["person_id"] == "The person who was convicted."
    long = labels["closed_trial"]
    assert long.endswith("...") and long.startswith("True when the source says the trial was closed")
    for table in oracle.RAW_TABLES:
        _, labels, _, _ = read(out / f"{table}.dta")
        assert set(labels) == set(shipped_header(table))
        assert all(0 < len(label) <= 80 for label in labels.values()), table
        assert all(len(name) <= 32 for name in labels), table


def test_value_labels_for_categories_and_booleans(out: Path) -> None:
    _, _, values, _ = read(out / "events.dta")
    assert "protest" in values["category"].values()
    assert set(values["date_inferred"].values()) == {"false", "true"}
    raw = pd.read_stata(out / "events.dta", convert_categoricals=False)
    assert set(raw["date_inferred"].dropna().astype(int)) <= {0, 1}


def test_the_dictionary_keeps_the_full_descriptions(out: Path) -> None:
    frame = pd.read_stata(out / "kzdata_columns.dta")
    row = frame[(frame.table_name == "sentences") & (frame.column_name == "closed_trial")].iloc[0]
    assert row.description == (
        "True when the source says the trial was closed or classified; null when it does not say."
    )


def test_short_label_cuts_at_a_word() -> None:
    text = "alpha " * 30
    label = short_label(text)
    assert len(label) <= 80 and label.endswith("alpha...")
    assert short_label("fits as it is") == "fits as it is"


def test_readstat_reads_every_file_with_its_labels(out: Path) -> None:
    """ReadStat (the C library behind R's haven) agrees: rows, variable labels, value labels."""
    pyreadstat = pytest.importorskip("pyreadstat")
    for table in oracle.RAW_TABLES:
        frame, meta = pyreadstat.read_dta(str(out / f"{table}.dta"))
        assert len(frame) == len(raw_rows(table)), table
        assert meta.column_names == shipped_header(table)
        assert all(meta.column_names_to_labels.values()), table
    _, meta = pyreadstat.read_dta(str(out / "sentences.dta"))
    assert meta.file_label == "Court sentences"
    assert meta.column_names_to_labels["person_id"] == "The person who was convicted."
    assert meta.variable_value_labels["verdict_precision"] == {0: "day", 1: "month", 2: "year", 3: "range"}
    assert meta.variable_value_labels["closed_trial"] == {0: "false", 1: "true"}
