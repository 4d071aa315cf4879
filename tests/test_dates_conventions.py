"""The table "Dates that were conventions in 0.2.0" in docs/dates.md, checked against raw/.

The section is written by hand; this test reads its table and checks each row against the
raw CSV files (read with the csv module, not through kzdata): the 0.3.0 interval is the
row's, the 0.2.0 interval differs from it, and the record has a ``corrected`` entry of
0.3.0 in the change log whose reason says what the data model 0.3 changed. The table names
records by their 0.2.0 ids; one of them was renamed in 0.3.0, and its ``renamed`` entry in
``raw/changes.csv`` gives the id it is found under.
"""

from __future__ import annotations

import csv

import pytest

from tests.conftest import REPO

SECTION = "## Dates that were conventions in 0.2.0"
KEYS = {
    "events": "event_id",
    "reforms": "reform_id",
    "sentences": "sentence_id",
    "indicator_values": "value_id",
    "sources": "source_id",
}
#: a column named in the table -> the raw columns of its start and end
BOUNDS = {
    "date": ("date_start", "date_end"),
    "verdict": ("verdict_start", "verdict_end"),
    "published": ("published_start", "published_end"),
}


def _section_rows() -> list[dict[str, str]]:
    text = (REPO / "docs" / "dates.md").read_text(encoding="utf-8")
    assert SECTION in text, "docs/dates.md has no section on the dates that were conventions"
    body = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    lines = [line for line in body.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["table", "id", "column", "0.2.0", "0.3.0", "why"], header
    assert set(lines[1].replace("|", "").strip()) <= {"-", " "}
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


def _raw(table: str) -> dict[str, dict[str, str]]:
    with (REPO / "raw" / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return {row[KEYS[table]]: row for row in csv.DictReader(fh)}


def _log() -> list[dict[str, str]]:
    with (REPO / "raw" / "changes.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _current_id(table: str, record: str) -> str:
    """The id a 0.2.0 record goes by now: its new id if 0.3.0 renamed it."""
    renamed = [
        c["merged_into"]
        for c in _log()
        if (c["change"], c["record_table"], c["record_id"]) == ("renamed", table, record)
    ]
    return renamed[0] if renamed else record


ROWS = _section_rows()


def test_the_section_lists_dates_and_states_the_rule() -> None:
    assert ROWS, "the table of former conventions is empty"
    text = (REPO / "docs" / "dates.md").read_text(encoding="utf-8")
    assert "No open date is a convention" in text.split(SECTION, 1)[1]


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['table']}:{r['id']}:{r['column']}" for r in ROWS])
def test_listed_date_is_the_raw_value(row: dict[str, str]) -> None:
    table, record, column = row["table"].strip("`"), row["id"].strip("`"), row["column"].strip("`")
    assert table in KEYS, table
    records = _raw(table)
    record = _current_id(table, record)
    assert record in records, f"{table} has no row {record}"
    start_col, end_col = BOUNDS[column]
    new_start, new_end = row["0.3.0"].split("..")
    old_start, old_end = row["0.2.0"].split("..")
    got = records[record]
    assert (got[start_col], got[end_col]) == (new_start, new_end)
    assert (old_start, old_end) != (new_start, new_end), "a listed date must have changed"
    assert new_start <= new_end
    # a range (or a precision), and a basis that matches the inferred flag
    stem = start_col[: -len("_start")]
    basis, inferred = got[f"{stem}_basis"], got[f"{stem}_inferred"]
    assert inferred == ("false" if basis == "stated" else "true")
    if new_start != new_end:
        assert got[f"{stem}_precision"] in {"range", "month", "year"}


def test_every_listed_record_has_a_corrected_entry_of_0_3_0() -> None:
    changes = [c for c in _log() if c["version"] == "0.3.0"]
    for row in ROWS:
        table, record = row["table"].strip("`"), row["id"].strip("`")
        change_id = f"0-3-0-corrected-{table.replace('_', '-')}-{record}"
        found = [c for c in changes if c["change_id"] == change_id]
        assert len(found) == 1, f"no single 0.3.0 change {change_id}"
        entry = found[0]
        assert (entry["change"], entry["record_table"], entry["record_id"]) == ("corrected", table, record)
        assert "Data model 0.3: " in entry["reason"]
