"""The SQLite export: every table with every row, declared keys that hold, and the data dictionary inside."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import kzdata
from kzdata._cli import main
from tests import oracle
from tests.expected_keys import FOREIGN_KEYS
from tests.oracle import RAW_TABLES


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    out = tmp_path_factory.mktemp("sqlite")
    assert main(["export", "--format", "sqlite", "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "sqlite").iterdir()) == ["kzdata.db"]
    con = sqlite3.connect(out / "sqlite" / "kzdata.db")
    yield con
    con.close()


def test_every_raw_table_is_there_with_its_rows(db: sqlite3.Connection) -> None:
    names = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
    assert set(oracle.RAW_TABLES) <= names
    assert len(oracle.RAW_TABLES) == 19
    for table in oracle.RAW_TABLES:
        assert db.execute(f'select count(*) from "{table}"').fetchone()[0] == len(oracle.rows(table)), table


def _as_raw_text(value: object, raw: str) -> str:
    """A SQLite value written the way raw/ writes it, for comparison with the raw cell."""
    if value is None:
        return ""
    if raw in ("true", "false") and value in (0, 1):
        return "true" if value else "false"
    if isinstance(value, float):
        return raw if float(raw) == value else repr(value)
    return str(value)


@pytest.mark.parametrize("table", oracle.RAW_TABLES)
def test_every_cell_equals_the_raw_csv(db: sqlite3.Connection, table: str) -> None:
    """Dates are ISO text, booleans 0/1, missing is NULL: each cell reads back as the curated text."""
    header = oracle.header(table)
    pk = header[0]
    cursor = db.execute(f'select {", ".join(header)} from "{table}"')
    stored = {row[0]: row for row in cursor}
    for raw in oracle.rows(table):
        row = stored[raw[pk]]
        for name, value in zip(header, row, strict=True):
            assert _as_raw_text(value, raw[name]) == raw[name], (table, raw[pk], name)


def test_dates_are_iso_text_and_booleans_integers(db: sqlite3.Connection) -> None:
    assert db.execute(
        "select typeof(date_start), date_start from events where event_id = '1930s-famines-in-kazakhstan'"
    ).fetchone() == ("text", "1930-01-01")
    assert db.execute(
        "select prison_years, closed_trial from sentences where person_id = 'massimov-karim'"
    ).fetchone() == (
        18,
        1,
    )


def test_declared_keys(db: sqlite3.Connection) -> None:
    pk = {r[1]: r[5] for r in db.execute("pragma table_info(events)")}
    assert pk["event_id"] == 1 and sum(pk.values()) == 1
    fks = {(r[3], r[2], r[4]) for r in db.execute("pragma foreign_key_list(sentences)")}
    assert fks == {("person_id", "people", "person_id"), ("event_id", "events", "event_id")}
    assert ("parent_id", "places", "place_id") in {
        (r[3], r[2], r[4]) for r in db.execute("pragma foreign_key_list(places)")
    }
    declared = sum(len(db.execute(f'pragma foreign_key_list("{t}")').fetchall()) for t in oracle.RAW_TABLES)
    assert declared == 30  # the _fk(...) columns of kzdata/_registry.py, counted by hand (0.2.0: footnotes.document_id)


def test_foreign_key_check_passes_and_catches_a_dangling_reference(db: sqlite3.Connection, tmp_path: Path) -> None:
    assert db.execute("pragma foreign_key_check").fetchall() == []
    copy = sqlite3.connect(tmp_path / "copy.db")
    db.backup(copy)
    copy.execute("update sentences set person_id = 'nobody-at-all' where person_id = 'massimov-karim'")
    assert [r[:3] for r in copy.execute("pragma foreign_key_check")] == [("sentences", 1, "people")]
    copy.close()


def test_foreign_keys_are_indexed(db: sqlite3.Connection) -> None:
    indexed = {
        (t, r[2])
        for t in oracle.RAW_TABLES
        for idx in db.execute(f'pragma index_list("{t}")').fetchall()
        for r in db.execute(f'pragma index_info("{idx[1]}")').fetchall()
    }
    assert ("sentences", "person_id") in indexed
    assert ("citations", "record_table") in indexed
    for table in RAW_TABLES:
        for _, col, _, _ in [k for k in FOREIGN_KEYS if k[0] == table]:
            assert (table, col) in indexed, (table, col)


def test_checks_reject_values_outside_the_vocabulary(db: sqlite3.Connection, tmp_path: Path) -> None:
    copy = sqlite3.connect(tmp_path / "copy.db")
    db.backup(copy)
    for statement in (
        "update events set category = 'riot' where rowid = 1",
        "update events set date_start = '05/01/2022' where rowid = 1",
        "update sentences set closed_trial = 2 where rowid = 1",
        "update events set title = null where rowid = 1",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            copy.execute(statement)
    copy.close()


def test_the_dictionary_is_in_the_database(db: sqlite3.Connection) -> None:
    tables = dict(db.execute("select name, row_count from _kzdata_tables").fetchall())
    assert tables == {t: len(oracle.rows(t)) for t in oracle.RAW_TABLES}
    row = db.execute(
        'select type, nullable, "references", description from _kzdata_columns '
        "where table_name = 'sentences' and column_name = 'person_id'"
    ).fetchone()
    assert row == ("id", 0, "people.person_id", "The person who was convicted.")
    for table in oracle.RAW_TABLES:
        described = [r[0] for r in db.execute("select column_name from _kzdata_columns where table_name = ?", (table,))]
        assert set(oracle.header(table)) <= set(described), table
    meta = dict(db.execute("select key, value from _kzdata_meta").fetchall())
    version = kzdata.__version__
    assert meta["version"] == version and meta["license"] == "CC-BY-4.0"
    assert meta["citation_bibtex"].startswith(f"@misc{{kzdata_{version.replace('.', '_')}")
    assert "record_table" in meta["polymorphic_references"]
