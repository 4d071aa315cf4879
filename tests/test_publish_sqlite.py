"""The SQLite export: every table with every row, declared keys that hold, and the data dictionary inside."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import kzdata
from kzdata._cli import main
from kzdata._formats.sqlite import _cells, _is_file_system_error, _literal, meta_rows, quote, write_sqlite
from kzdata._registry import TABLES
from kzdata.errors import ExportWriteError, IntegrityError
from tests import oracle
from tests.conftest import REPO
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
    assert len(oracle.RAW_TABLES) == 20
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
    # the _fk(...) columns of kzdata/_registry.py, counted by hand (0.2.0: footnotes.document_id;
    # 0.3.0: positions.ended_by_event_id)
    assert declared == 31


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


# --------------------------------------------------------------------------- one fresh database per test
# The tests below write their own database (about half a second each) instead of sharing the
# module's, so that mutation testing, which credits a shared fixture to the first test only,
# runs each of them against every mutant of the code it exercises.

DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
"""The published descriptor: the constraints the SQLite schema must enforce, read with json."""


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A database written by ``write_sqlite`` for this test alone."""
    con = sqlite3.connect(write_sqlite(tmp_path / "kzdata.db"))
    yield con
    con.close()


def _refused(con: sqlite3.Connection, table: str, column: str, value: object) -> bool:
    """True when the schema refuses ``value`` in ``column`` of the first row (the change is undone)."""
    try:
        con.execute(f'update "{table}" set "{column}" = ? where rowid = (select min(rowid) from "{table}")', (value,))
    except sqlite3.IntegrityError:
        return True
    con.rollback()
    return False


@pytest.mark.slow
def test_the_schema_enforces_every_constraint_of_the_descriptor(fresh: sqlite3.Connection) -> None:
    """Enumerations, 0/1 booleans, ISO dates and numeric bounds: what the descriptor allows, and nothing else."""
    checked = 0
    for resource in DESCRIPTOR["resources"]:
        table = resource["name"]
        for field in resource["schema"]["fields"]:
            column, rules = field["name"], field.get("constraints", {})
            if not fresh.execute(f'select count(*) from "{table}"').fetchone()[0]:
                continue
            for allowed in rules.get("enum", []):
                assert not _refused(fresh, table, column, allowed), (table, column, allowed)
            if rules.get("enum"):
                assert _refused(fresh, table, column, "not-in-the-vocabulary"), (table, column)
            if field["type"] == "boolean":
                assert not _refused(fresh, table, column, 0) and not _refused(fresh, table, column, 1)
                assert _refused(fresh, table, column, 2), (table, column)
            if field["type"] == "date":
                assert not _refused(fresh, table, column, "2022-01-05"), (table, column)
                assert _refused(fresh, table, column, "05/01/2022"), (table, column)
                assert _refused(fresh, table, column, "2022-01-05 10:00"), (table, column)
            if "minimum" in rules:
                assert not _refused(fresh, table, column, rules["minimum"]), (table, column)
                assert _refused(fresh, table, column, rules["minimum"] - 0.5), (table, column)
            if "maximum" in rules:
                assert not _refused(fresh, table, column, rules["maximum"]), (table, column)
                assert _refused(fresh, table, column, rules["maximum"] + 0.5), (table, column)
            if rules.get("required"):
                assert _refused(fresh, table, column, None), (table, column)
            checked += 1
    assert checked == sum(len(r["schema"]["fields"]) for r in DESCRIPTOR["resources"])


@pytest.mark.slow
def test_each_polymorphic_reference_has_its_own_two_column_index(fresh: sqlite3.Connection) -> None:
    """citations, discrepancy_claims, editorial_values and changes are indexed on (record_table, record_id)."""
    polymorphic = [t for t in oracle.RAW_TABLES if "record_table" in oracle.header(t)]
    assert sorted(polymorphic) == ["changes", "citations", "discrepancy_claims", "editorial_values"]
    for table in oracle.RAW_TABLES:
        indexes = {
            idx[1]: [r[2] for r in fresh.execute(f'pragma index_info("{idx[1]}")')]
            for idx in fresh.execute(f'pragma index_list("{table}")')
            if idx[3] == "c"  # created by CREATE INDEX, not the primary key's own
        }
        expected = {f"idx_{table}_{col}": [col] for t, col, _, _ in FOREIGN_KEYS if t == table}
        if table in polymorphic:
            expected[f"idx_{table}_record_table_record_id"] = ["record_table", "record_id"]
        assert indexes == expected, table


def test_quoting_keeps_names_and_text_intact() -> None:
    """Identifiers and text literals survive a double quote, an apostrophe or a fraction."""
    con = sqlite3.connect(":memory:")
    table, column = quote('odd"name'), quote('a"b')
    con.execute(f"create table {table} ({column} text)")
    assert [r[1] for r in con.execute(f"pragma table_info({table})")] == ['a"b']
    literals = ", ".join(_literal(v) for v in ("it's", 2.5, -90.0))
    assert con.execute(f"select {literals}").fetchone() == ("it's", 2.5, -90)


@pytest.mark.parametrize("table", oracle.RAW_TABLES)
def test_the_rows_handed_to_sqlite_are_the_raw_values(table: str) -> None:
    """Each row inserted: ISO date text, 0/1, int, float, text or None, equal to the raw cell."""
    header = oracle.header(table)
    shipped = [c.name for c in next(t for t in TABLES if t.name == table).columns]
    rows = {row[0]: dict(zip(shipped, row, strict=True)) for row in _cells(next(t for t in TABLES if t.name == table))}
    assert len(rows) == len(oracle.rows(table))
    for raw in oracle.rows(table):
        row = rows[raw[header[0]]]
        for name in header:
            value = row[name]
            assert value is None or type(value) in (str, int, float), (table, name, value)
            assert _as_raw_text(value, raw[name]) == raw[name], (table, raw[header[0]], name)
            if raw[name] in ("true", "false") or (raw[name] and name.startswith(("date_", "verdict_"))):
                assert type(value) in (int, str)


@pytest.mark.slow
def test_the_about_table_says_what_the_release_is(fresh: sqlite3.Connection) -> None:
    """_kzdata_meta holds one row per documented key, each with the value the published files give."""
    meta = dict(fresh.execute("select key, value from _kzdata_meta").fetchall())
    assert list(meta) == [
        "name", "version", "title", "description", "license", "license_url", "citation", "citation_bibtex",
        "sources", "polymorphic_references", "dates",
    ]  # fmt: skip
    licence = DESCRIPTOR["licenses"][0]
    assert meta["name"] == "kzdata" and meta["version"] == DESCRIPTOR["version"]
    assert meta["title"] == DESCRIPTOR["title"]
    assert meta["license"] == licence["name"] == "CC-BY-4.0" and meta["license_url"] == licence["path"]
    assert DESCRIPTOR["description"].startswith(meta["description"][:80])
    assert DESCRIPTOR["kzdata:fingerprint"] in meta["citation"] and DESCRIPTOR["version"] in meta["citation"]
    assert meta["citation_bibtex"].startswith("@misc{") and DESCRIPTOR["kzdata:fingerprint"] in meta["citation_bibtex"]
    documents = [r for r in oracle.rows("sources") if r["kind"] == "primary_document"]
    summaries = json.loads(meta["sources"])
    assert len(summaries) == len(documents) == 2
    for summary, document in zip(summaries, documents, strict=True):
        assert document["title"] in summary
    assert "record_table" in meta["polymorphic_references"] and "record_id" in meta["polymorphic_references"]
    assert meta["dates"].startswith("Dates are ISO 8601 text (YYYY-MM-DD)") and meta["dates"].endswith("1 (true).")


@pytest.mark.slow
def test_the_dictionary_tables_follow_the_descriptor(fresh: sqlite3.Connection) -> None:
    """_kzdata_tables and _kzdata_columns: position, title, key, uniqueness, vocabulary, bounds, per column."""
    tables = fresh.execute("select name, position, title, primary_key, notes from _kzdata_tables").fetchall()
    assert [(n, p) for n, p, *_ in tables] == [(t, i) for i, t in enumerate(oracle.TABLE_ORDER, start=1)]
    by_name = {r["name"]: r for r in DESCRIPTOR["resources"]}
    for name, _, title, key, notes in tables:
        assert title == by_name[name]["title"] and key == by_name[name]["schema"]["primaryKey"][0]
        assert notes is None or (notes.strip() and "  " not in notes), name
    assert any(notes for *_, notes in tables) and any(notes is None for *_, notes in tables)
    for name, resource in by_name.items():
        stored = fresh.execute(
            "select column_name, position, is_unique, allowed_values, minimum, maximum, nullable "
            "from _kzdata_columns where table_name = ? order by position",
            (name,),
        ).fetchall()
        fields = resource["schema"]["fields"]
        assert [(c, p) for c, p, *_ in stored] == [(f["name"], i) for i, f in enumerate(fields, start=1)]
        for (_, _, unique, allowed, low, high, nullable), field in zip(stored, fields, strict=True):
            rules = field.get("constraints", {})
            is_key = [field["name"]] == resource["schema"]["primaryKey"]
            assert unique == int(bool(rules.get("unique")) or is_key), (name, field["name"])
            assert allowed == (", ".join(rules["enum"]) if "enum" in rules else None), (name, field["name"])
            assert (low, high) == (rules.get("minimum"), rules.get("maximum")), (name, field["name"])
            assert nullable == int(not rules.get("required")), (name, field["name"])


@pytest.mark.slow
def test_an_empty_table_is_counted_as_zero_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table without rows is described with row_count 0, not left out or miscounted."""
    loading = importlib.import_module("kzdata._load")
    real_load = loading.load
    monkeypatch.setattr(loading, "load", lambda name, *a, **k: real_load(name, *a, **k).iloc[:0])
    con = sqlite3.connect(write_sqlite(tmp_path / "kzdata.db"))
    assert set(dict(con.execute("select name, row_count from _kzdata_tables")).values()) == {0}
    con.close()


@pytest.mark.slow
def test_leftovers_of_an_interrupted_export_are_cleared_first(tmp_path: Path) -> None:
    """A temporary database and its journals left by a killed export never end up in, or beside, the new one."""
    stale = tmp_path / f".kzdata.db.tmp-{os.getpid()}"
    names = [stale, *(stale.with_name(stale.name + s) for s in ("-journal", "-wal", "-shm"))]
    for leftover in names:
        leftover.write_bytes(b"not a database")
    write_sqlite(tmp_path / "kzdata.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kzdata.db"]


@pytest.mark.slow
def test_a_dangling_foreign_key_is_refused_and_nothing_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence naming a person who is not there: IntegrityError naming the table, and no file at all."""
    loading = importlib.import_module("kzdata._load")
    real_load = loading.load

    def load(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        frame = real_load(name, *args, **kwargs)
        if name == "sentences":
            frame.loc[:, "person_id"] = "nobody-at-all"
        return frame

    monkeypatch.setattr(loading, "load", load)
    with pytest.raises(IntegrityError) as refused:
        write_sqlite(tmp_path / "kzdata.db")
    message = str(refused.value)
    assert f"has {len(oracle.rows('sentences'))} row(s) whose foreign key does not resolve" in message
    assert "e.g. row 1 of sentences names a missing people row; nothing was written" in message
    assert message.endswith("and `kzdata verify` to see whether a file is damaged")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_database_that_cannot_be_opened_is_an_export_write_error(tmp_path: Path) -> None:
    """SQLite's "unable to open database file" (a missing folder) is ExportWriteError, with nothing left."""
    with pytest.raises(
        ExportWriteError, match=r"cannot write the SQLite database .*choose a directory you can write"
    ) as e:
        write_sqlite(tmp_path / "missing" / "kzdata.db")
    assert str(e.value).endswith("Free disk space or choose a directory you can write to, then try again.")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fails", ["programming", "interrupt"])
def test_any_other_failure_removes_the_temporary_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """A bug (an SQL error that is no disk problem) stays itself, Ctrl-C stays Ctrl-C; no file is left."""
    sqlite_module = importlib.import_module("kzdata._formats.sqlite")
    error: BaseException = (
        sqlite3.OperationalError("no such table: x") if fails == "programming" else KeyboardInterrupt()
    )

    def fill(con: sqlite3.Connection) -> None:
        con.execute("create table t (x)")
        raise error

    monkeypatch.setattr(sqlite_module, "_fill", fill)
    with pytest.raises(type(error)) as raised:
        write_sqlite(tmp_path / "kzdata.db")
    assert not isinstance(raised.value, ExportWriteError)
    assert list(tmp_path.iterdir()) == []


def _sqlite_error(message: str, code: int | None) -> sqlite3.Error:
    error = sqlite3.OperationalError(message)
    if code is not None:
        error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("message", "code", "expected"),
    [
        ("attempt to write a readonly database", 8, True),
        ("disk I/O error", 10 | (3 << 8), True),  # SQLITE_IOERR_WRITE, an extended code
        ("database or disk is full", 13, True),
        ("unable to open database file", 14, True),
        ("access permission denied", 3, True),
        ("no such table: x", 1, False),
        ("UNIQUE constraint failed", 19 | (8 << 8), False),
        ("database or disk is full", None, True),  # Python 3.10: no code, the words decide
        ("unable to open database file", None, True),
        ("attempt to write a readonly database", None, True),
        ("Read-only file system", None, True),
        ("Permission denied", None, True),
        ("disk I/O error", None, True),
        ("no such table: x", None, False),
        ("I/O error within xWrite", 10 | (3 << 8), True),  # the code decides, whatever the words
        ("no such column: disk_full", 1, False),
    ],
)
def test_file_system_failures_are_told_apart_from_bugs(message: str, code: int | None, expected: bool) -> None:
    assert _is_file_system_error(_sqlite_error(message, code)) is expected


@pytest.mark.parametrize("table", oracle.RAW_TABLES)
def test_the_values_handed_to_sqlite_have_the_columns_python_type(table: str) -> None:
    """int for integers and booleans, float for numbers, str for dates and text: no numpy or pandas scalar."""
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == table)
    python = {"integer": int, "boolean": int, "number": float, "date": str, "string": str}
    kinds = [python[f["type"]] for f in resource["schema"]["fields"]]
    for row in _cells(next(t for t in TABLES if t.name == table)):
        for value, kind, field in zip(row, kinds, resource["schema"]["fields"], strict=True):
            assert value is None or type(value) is kind, (table, field["name"], value)


def test_document_summaries_outside_ascii_stay_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A primary document titled in Kazakh or Russian is stored as its letters, not as \\u escapes."""
    formats = importlib.import_module("kzdata._formats")
    document = type("Document", (), {"summary": "Қаңтар оқиғалары, 2022"})()
    monkeypatch.setattr(formats, "release_documents", lambda: (document,))
    sources = dict(meta_rows())["sources"]
    assert sources == '["Қаңтар оқиғалары, 2022"]'


@pytest.mark.slow
def test_the_dictionary_follows_any_table_the_registry_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unique column that is not the key is marked unique; several notes are joined by one space."""
    sqlite_module = importlib.import_module("kzdata._formats.sqlite")
    people = next(t for t in TABLES if t.name == "people")
    name = next(c for c in people.columns if c.name == "name")
    changed = dataclasses.replace(
        people,
        notes=("First note.", "Second note."),
        columns=tuple(dataclasses.replace(c, unique=True) if c is name else c for c in people.columns),
    )
    monkeypatch.setattr(sqlite_module, "TABLES", tuple(changed if t is people else t for t in TABLES))
    con = sqlite3.connect(":memory:")
    sqlite_module._fill(con)
    assert con.execute("select notes from _kzdata_tables where name = 'people'").fetchone() == (
        "First note. Second note.",
    )
    unique = dict(con.execute("select column_name, is_unique from _kzdata_columns where table_name = 'people'"))
    assert unique["person_id"] == 1 and unique["name"] == 1
    assert sum(unique.values()) == 2


def test_meta_rows_for_given_values_cite_that_version_and_fingerprint() -> None:
    """``kzdata verify DIR`` regenerates ``_kzdata_meta`` from the values an export holds.

    The rows must then name the version and fingerprint handed over, in both citation styles,
    never the installed release's (docs/versioning.md, what verify checks of an export).
    """
    from kzdata._formats import release_documents
    from kzdata._formats.sqlite import meta_rows

    fingerprint = "sha256:" + "ab" * 32
    rows = dict(meta_rows("9.9.9", fingerprint, release_documents()))
    assert rows["version"] == "9.9.9"
    assert "(Version 9.9.9)" in rows["citation"] and f"Fingerprint {fingerprint}." in rows["citation"]
    assert rows["citation_bibtex"].startswith("@misc{kzdata_9_9_9,")
    assert "  version = {9.9.9}," in rows["citation_bibtex"]
    assert f"  fingerprint = {{{fingerprint}}}" in rows["citation_bibtex"]


def test_meta_rows_given_only_some_values_describe_the_installed_release() -> None:
    """meta_rows' contract: the installed release's rows unless version, fingerprint and documents are all given.

    A caller that has a version but no fingerprint (or no documents) must not get rows that
    mix a stranger's version with the release's sources; the installed version comes from
    the package metadata (importlib.metadata), independently of kzdata.
    """
    from importlib.metadata import version

    from kzdata._formats import release_documents

    installed = version("kzdata")
    fingerprint = "sha256:" + "ab" * 32
    for given in (("9.9.9", None, release_documents()), ("9.9.9", fingerprint, None), (None, fingerprint, None)):
        rows = dict(meta_rows(*given))
        assert rows["version"] == installed, given
        assert "9.9.9" not in rows["citation"] and fingerprint not in rows["citation"], given
