"""kzdata.connect(): DuckDB tables typed and keyed as declared, read-only by default.

Oracles: the raw CSVs (row counts, primary keys as their first column, which columns have
empty cells), tests/expected_dtypes.py (which columns are categories, written by hand) and
tests/expected_keys.py (every foreign key, written by hand).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import kzdata
from kzdata._registry import REGISTRY, TABLE_NAMES
from tests import oracle
from tests.expected_dtypes import expected_dtypes
from tests.expected_keys import FOREIGN_KEYS

duckdb = pytest.importorskip("duckdb")


@pytest.fixture
def con() -> Any:
    # one per test: mutation testing credits a shared fixture to the first test only
    return kzdata.connect()


def _columns(con: Any) -> dict[tuple[str, str], tuple[str, str]]:
    found = con.sql("select table_name, column_name, data_type, is_nullable from information_schema.columns")
    return {(t, c): (d, n) for t, c, d, n in found.fetchall()}


def _constraints(con: Any, kind: str) -> set[tuple[str, tuple[str, ...]]]:
    found = con.sql(
        "select table_name, constraint_column_names from duckdb_constraints() where constraint_type = ?",
        params=[kind],
    )
    return {(t, tuple(c)) for t, c in found.fetchall()}


def test_every_table_is_there_with_the_raw_rows(con: Any) -> None:
    for table in oracle.RAW_TABLES:
        raw = oracle.rows(table)
        key = oracle.key(table)
        assert con.sql(f"select count(*) from {table}").fetchall() == [(len(raw),)], table
        ids = {r[0] for r in con.sql(f"select {key} from {table}").fetchall()}
        assert ids == {r[key] for r in raw}, table


def test_category_columns_are_enums_of_their_declared_vocabulary(con: Any) -> None:
    columns = _columns(con)
    categories = [(t, c) for t, cols in expected_dtypes().items() for c, code in cols if code == "category"]
    assert categories
    for table, column in categories:
        data_type, _ = columns[(table, column)]
        values = con.sql(f"select unnest(enum_range(NULL::{data_type}))").fetchall()
        assert [v for (v,) in values] == list(REGISTRY[table].column(column).enum), (table, column)
        used = {r[column] for r in oracle.rows(table) if r.get(column)}
        assert used <= {v for (v,) in values}, (table, column)
    others = [(t, c) for t, cols in expected_dtypes().items() for c, code in cols if code != "category"]
    assert not [key for key in others if columns[key][0].startswith("ENUM")]


def test_columns_with_empty_raw_cells_are_nullable_and_the_others_not_null(con: Any) -> None:
    columns = _columns(con)
    for table in oracle.RAW_TABLES:
        for column in oracle.header(table):
            has_empty = any(r[column] == "" for r in oracle.rows(table))
            _, nullable = columns[(table, column)]
            if has_empty:
                assert nullable == "YES", (table, column)
            else:  # a column filled in every row is declared required, except those the registry allows empty
                declared = REGISTRY[table].column(column).nullable
                assert nullable == ("YES" if declared else "NO"), (table, column)
    assert sum(n == "NO" for _, n in columns.values()) > len(TABLE_NAMES)


def test_every_table_has_its_primary_key(con: Any) -> None:
    assert _constraints(con, "PRIMARY KEY") == {(t, (oracle.key(t),)) for t in oracle.RAW_TABLES}


def test_every_foreign_key_to_another_table_is_declared(con: Any) -> None:
    expected = {(t, (c,)) for t, c, rt, _ in FOREIGN_KEYS if rt != t}
    assert _constraints(con, "FOREIGN KEY") == expected
    # the one key of a table to itself is left to kzdata.validate() (see kzdata/_sql.py)
    assert [k for k in FOREIGN_KEYS if k[0] == k[2]] == [("places", "parent_id", "places", "place_id")]


def test_the_default_connection_refuses_changes(con: Any) -> None:
    for statement in (
        "insert into sentences select * from sentences limit 1",
        "delete from changes",
        "update people set name = 'x'",
        "create table mine (a int)",
    ):
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute(statement)


def test_a_writable_copy_checks_keys_and_vocabularies() -> None:
    con = kzdata.connect(read_only=False)
    first = oracle.rows("sentences")[0]
    with pytest.raises(duckdb.ConstraintException, match="sentence_id"):
        con.execute("insert into sentences select * from sentences where sentence_id = ?", [first["sentence_id"]])
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        con.execute("update sentences set person_id = 'nobody-at-all' where sentence_id = ?", [first["sentence_id"]])
    with pytest.raises(duckdb.ConversionException):
        con.execute("update events set status = 'rumoured'")
    con.execute("delete from changes")
    assert con.sql("select count(*) from changes").fetchall() == [(0,)]
    assert kzdata.connect().sql("select count(*) from changes").fetchall() == [(len(oracle.rows("changes")),)]


def test_read_only_must_be_a_boolean() -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match="read_only must be True or False, not 'no'"):
        kzdata.connect(read_only="no")  # type: ignore[arg-type]


def test_without_duckdb_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(kzdata.MissingDependencyError) as info:
        kzdata.connect()
    assert str(info.value) == (
        'kzdata.connect() needs DuckDB: pip install "kzdata[sql]" (from a source checkout: pip install ".[sql]")'
    )


def test_quotes_in_a_vocabulary_or_path_are_escaped() -> None:
    from kzdata._sql import _quote

    assert _quote("it's") == "'it''s'"
    literal = _quote("it's")
    assert duckdb.sql("select " + literal).fetchall() == [("it's",)]


def test_a_writable_copy_lives_in_memory_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    kzdata.connect(read_only=False).execute("create table mine (a int)")
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_file_is_named_with_its_table(release_copy: Path) -> None:
    data = bytearray((release_copy / "events.parquet").read_bytes())
    data[-20] ^= 0x01
    (release_copy / "events.parquet").write_bytes(bytes(data))
    with pytest.raises(kzdata.IntegrityError, match="table 'events'"):
        kzdata.connect()


def test_a_temporary_folder_the_system_will_not_remove_is_left_and_the_connection_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Where the system refuses to remove the open database file (as Windows does), connect()
    # still returns its read-only connection and leaves the folder for the system to clear.
    import errno
    import os
    import shutil
    import tempfile

    removals: list[str] = []

    def refuse(path: str, *args: Any, onerror: Any = None, onexc: Any = None, **kwargs: Any) -> None:
        removals.append(path)
        busy = OSError(errno.EBUSY, "Device or resource busy", path)
        try:
            raise busy
        except OSError:
            if onexc is not None:
                onexc(os.unlink, path, busy)
            else:
                onerror(os.unlink, path, sys.exc_info())

    monkeypatch.setattr(shutil, "rmtree", refuse)
    con = kzdata.connect()
    monkeypatch.undo()
    assert len(removals) == 1
    assert Path(removals[0]).parent == Path(tempfile.gettempdir())
    assert con.sql("select count(*) from events").fetchall() == [(len(oracle.rows("events")),)]
    with pytest.raises(duckdb.Error, match="read-only"):
        con.execute("delete from events")
    con.close()
    shutil.rmtree(removals[0])
