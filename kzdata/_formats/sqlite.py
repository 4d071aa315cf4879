"""Write every kzdata table into one SQLite database that any SQLite client can read.

Why SQLite: it is one file that Datasette, DB Browser, R (RSQLite), Stata (odbc) and
every programming language open without an install step, and it can carry the keys
and the data dictionary alongside the rows.

What the database holds, all derived from the registry (:mod:`kzdata._registry`):

* one table per kzdata table, columns in registry order, the first column the
  ``PRIMARY KEY``; every ``Column.references`` becomes a ``FOREIGN KEY`` and gets an
  index; ``NOT NULL`` where the registry says so;
* types: ids, text, URLs and categories are ``TEXT``; integers ``INTEGER``; numbers
  ``REAL``; booleans ``INTEGER`` 0/1; dates ISO 8601 ``TEXT`` (``YYYY-MM-DD``), so they
  sort and compare as dates and SQLite's date functions accept them;
* ``CHECK`` constraints for the allowed values of category columns, the 0/1 booleans,
  the bounds of numbers and the ISO form of dates, so an edited copy cannot drift;
* the data dictionary: ``_kzdata_tables`` (one row per table), ``_kzdata_columns``
  (one row per column, with its description and reference) and ``_kzdata_meta``
  (version, title, licence, citation, the primary sources).

The polymorphic references (``record_table`` + ``record_id`` in ``citations``,
``discrepancy_claims`` and ``changes``) point at a different table on each row, which a
SQL foreign key cannot express; they are indexed, described in ``_kzdata_meta`` under
``polymorphic_references``, and checked by :func:`kzdata.validate`.

The rows come from :func:`kzdata._load`, so the database holds exactly the values of
the release the user has installed (whose hashes the loader verified).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata._registry import TABLES, Column, Table

if TYPE_CHECKING:
    from kzdata._documents import PrimaryDocument

SQLITE_TYPES: dict[str, str] = {
    "id": "TEXT",
    "text": "TEXT",
    "url": "TEXT",
    "category": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
}

POLYMORPHIC_NOTE = (
    "record_table + record_id in citations, discrepancy_claims and changes name a row of the table "
    "called record_table by its primary key. The target table differs from row to row, so these are "
    "not SQL foreign keys; join on them explicitly (e.g. citations.record_id = events.event_id where "
    "citations.record_table = 'events'). kzdata.validate() checks that every one resolves."
)


def quote(name: str) -> str:
    """An SQL identifier in double quotes (names come from the registry, but quote anyway)."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str | float) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(int(value)) if float(value).is_integer() else repr(float(value))


def column_ddl(table: Table, column: Column) -> str:
    """The column definition of ``column`` inside ``CREATE TABLE``."""
    name = quote(column.name)
    parts = [name, SQLITE_TYPES[column.kind]]
    if column.name == table.primary_key:
        parts.append("PRIMARY KEY")
    if not column.nullable:
        parts.append("NOT NULL")
    checks = []
    if column.enum:
        checks.append(f"{name} IN ({', '.join(_literal(v) for v in column.enum)})")
    if column.kind == "boolean":
        checks.append(f"{name} IN (0, 1)")
    if column.kind == "date":
        checks.append(f"{name} IS date({name})")
    if column.minimum is not None:
        checks.append(f"{name} >= {_literal(column.minimum)}")
    if column.maximum is not None:
        checks.append(f"{name} <= {_literal(column.maximum)}")
    if checks:
        condition = " AND ".join(checks)
        parts.append(f"CHECK ({name} IS NULL OR ({condition}))")
    return " ".join(parts)


def table_ddl(table: Table) -> str:
    """``CREATE TABLE`` for one kzdata table, with its keys and checks."""
    lines = [column_ddl(table, c) for c in table.columns]
    lines += [
        f"FOREIGN KEY ({quote(col)}) REFERENCES {quote(ref)} ({quote(ref_col)})"
        for col, ref, ref_col in table.foreign_keys
    ]
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {quote(table.name)} (\n  {body}\n)"


def index_ddl(table: Table) -> list[str]:
    """Indexes on every foreign key column and on the polymorphic reference (the primary key has one already)."""
    columns = [col for col, _, _ in table.foreign_keys]
    if "record_table" in table.column_names:
        columns.append("record_table, record_id")
    out = []
    for cols in columns:
        suffix = cols.replace(", ", "_")
        quoted = ", ".join(quote(c) for c in cols.split(", "))
        out.append(f"CREATE INDEX {quote(f'idx_{table.name}_{suffix}')} ON {quote(table.name)} ({quoted})")
    return out


DICTIONARY_DDL = (
    """CREATE TABLE "_kzdata_meta" (
  "key" TEXT PRIMARY KEY NOT NULL,
  "value" TEXT NOT NULL
)""",
    """CREATE TABLE "_kzdata_tables" (
  "name" TEXT PRIMARY KEY NOT NULL,
  "position" INTEGER NOT NULL,
  "title" TEXT NOT NULL,
  "row_description" TEXT NOT NULL,
  "notes" TEXT,
  "primary_key" TEXT NOT NULL,
  "row_count" INTEGER NOT NULL
)""",
    """CREATE TABLE "_kzdata_columns" (
  "table_name" TEXT NOT NULL REFERENCES "_kzdata_tables" ("name"),
  "column_name" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "type" TEXT NOT NULL,
  "sqlite_type" TEXT NOT NULL,
  "nullable" INTEGER NOT NULL,
  "is_unique" INTEGER NOT NULL,
  "allowed_values" TEXT,
  "minimum" REAL,
  "maximum" REAL,
  "references" TEXT,
  "editorial" INTEGER NOT NULL,
  "derived" INTEGER NOT NULL,
  "description" TEXT NOT NULL,
  PRIMARY KEY ("table_name", "column_name")
)""",
)


def _cells(table: Table) -> Iterator[tuple[Any, ...]]:
    """The rows of ``table`` as plain Python values: ISO dates, 0/1 booleans, None for missing."""
    import pandas as pd

    from kzdata._load import load

    frame = load(table.name)
    columns: list[list[Any]] = []
    for col in table.columns:
        series = frame[col.name]
        mask = series.isna().to_numpy()
        if col.kind == "date":
            values: list[Any] = list(series.dt.strftime("%Y-%m-%d").astype(object))
        elif col.kind == "boolean":
            values = [int(bool(v)) if v is not pd.NA else None for v in series.astype(object)]
        elif col.kind == "integer":
            values = [int(v) if v is not pd.NA else None for v in series.astype(object)]
        elif col.kind == "number":
            values = [float(v) if v is not pd.NA else None for v in series.astype(object)]
        else:
            values = [str(v) if v is not pd.NA and v is not None else None for v in series.astype(object)]
        columns.append([None if missing else v for v, missing in zip(values, mask, strict=True)])
    yield from zip(*columns, strict=True)


def meta_rows(
    version: str | None = None, fingerprint: str | None = None, documents: tuple[PrimaryDocument, ...] | None = None
) -> list[tuple[str, str]]:
    """The ``_kzdata_meta`` rows: what the release is and how to cite it.

    The installed release's, unless ``version``, ``fingerprint`` and ``documents`` are given:
    ``kzdata verify DIR`` regenerates the rows from the values an export holds.
    """
    from kzdata import _meta as meta
    from kzdata._citing import dataset_citation
    from kzdata._formats import release_documents
    from kzdata._versions import installed_version

    if version is None or fingerprint is None or documents is None:
        version, fingerprint, documents = installed_version(), None, release_documents()
    return [
        ("name", "kzdata"),
        ("version", version),
        ("title", meta.TITLE),
        ("description", meta.ABSTRACT),
        ("license", meta.LICENSE),
        ("license_url", meta.LICENSE_URL),
        ("citation", dataset_citation("text", version, fingerprint)),
        ("citation_bibtex", dataset_citation("bibtex", version, fingerprint)),
        ("sources", json.dumps([doc.summary for doc in documents], ensure_ascii=False)),
        ("polymorphic_references", POLYMORPHIC_NOTE),
        ("dates", "Dates are ISO 8601 text (YYYY-MM-DD); booleans are 0 (false) and 1 (true)."),
    ]


def table_row(table: Table, position: int, rows: int) -> tuple[Any, ...]:
    """The ``_kzdata_tables`` row of ``table``, the ``position``-th table, which holds ``rows`` records."""
    return (table.name, position, table.title, table.row, " ".join(table.notes) or None, table.primary_key, rows)


def column_rows(table: Table) -> list[tuple[Any, ...]]:
    """The ``_kzdata_columns`` rows of ``table``: one per column, in registry order."""
    return [
        (
            table.name,
            col.name,
            i,
            col.kind,
            SQLITE_TYPES[col.kind],
            int(col.nullable),
            int(col.unique or col.name == table.primary_key),
            ", ".join(col.enum) or None,
            col.minimum,
            col.maximum,
            col.references,
            int(col.editorial),
            int(col.derived),
            col.description,
        )
        for i, col in enumerate(table.columns, start=1)
    ]


def fill_dictionary(
    con: sqlite3.Connection, meta: list[tuple[str, str]], rows: Mapping[str, int], *, data_tables: bool = False
) -> None:
    """Write the data dictionary (``_kzdata_meta``, ``_kzdata_tables``, ``_kzdata_columns``) into ``con``.

    ``rows`` gives each table's record count. With ``data_tables`` the kzdata tables and
    their indexes are created too, empty: ``kzdata verify DIR`` builds the database an export
    must have this way, without its rows, and compares.
    """
    con.executescript(";\n".join(DICTIONARY_DDL) + ";")
    con.executemany('INSERT INTO "_kzdata_meta" VALUES (?, ?)', meta)
    for position, table in enumerate(TABLES, start=1):
        if data_tables:
            con.execute(table_ddl(table))
            for statement in index_ddl(table):
                con.execute(statement)
        con.execute(
            'INSERT INTO "_kzdata_tables" VALUES (?, ?, ?, ?, ?, ?, ?)', table_row(table, position, rows[table.name])
        )
        con.executemany(
            'INSERT INTO "_kzdata_columns" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', column_rows(table)
        )


def _fill(con: sqlite3.Connection) -> None:
    counts: dict[str, int] = {}
    for table in TABLES:
        con.execute(table_ddl(table))
        for statement in index_ddl(table):
            con.execute(statement)
        marks = ", ".join("?" for _ in table.columns)
        cursor = con.executemany(f"INSERT INTO {quote(table.name)} VALUES ({marks})", _cells(table))  # noqa: S608
        counts[table.name] = max(cursor.rowcount, 0)
    fill_dictionary(con, meta_rows(), counts)


_FILE_SYSTEM_ERRORS = {
    3: "SQLITE_PERM",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
}
"""SQLite's primary result codes that mean the file system refused the database, not a bug."""
_FILE_SYSTEM_WORDS = ("disk", "full", "unable to open", "readonly", "read-only", "permission")


def _is_file_system_error(exc: sqlite3.Error) -> bool:
    """True when SQLite failed because of the disk or the permissions (codes on Python 3.11+, words before)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _FILE_SYSTEM_ERRORS
    return any(word in str(exc).lower() for word in _FILE_SYSTEM_WORDS)


def _remove(path: Path) -> None:
    """Delete a temporary database and the journal files SQLite may keep beside it."""
    for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            leftover.unlink()


def write_sqlite(file: Path | str) -> Path:
    """Write the whole release into the SQLite database ``file`` and return its path.

    The database is written under a temporary name and renamed when complete, so a
    failure never leaves a half-written file behind: whatever goes wrong (a full disk, a
    refused foreign key, Ctrl-C) the temporary file is deleted. Foreign keys are checked
    with ``PRAGMA foreign_key_check`` before the rename, and a dangling one is refused with
    :class:`~kzdata.errors.IntegrityError`. A disk or permission failure is raised as
    :class:`~kzdata.errors.ExportWriteError` (not ``sqlite3.OperationalError``).
    """
    from kzdata.errors import ExportWriteError, IntegrityError

    target = Path(file)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        con = sqlite3.connect(tmp)
        try:
            with con:
                _fill(con)
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                table, rowid, parent, _ = broken[0]
                raise IntegrityError(
                    f"the SQLite export has {len(broken)} row(s) whose foreign key does not resolve, e.g. row "
                    f"{rowid} of {table} names a missing {parent} row; nothing was written. Run `kzdata validate` "
                    "to find the records, and `kzdata verify` to see whether a file is damaged"
                )
            con.execute("VACUUM")
        finally:
            con.close()
        tmp.replace(target)
    except sqlite3.Error as exc:
        _remove(tmp)
        if not _is_file_system_error(exc):
            raise
        raise ExportWriteError(
            f"cannot write the SQLite database {target}: {exc}; the partial database was removed. Free disk "
            "space or choose a directory you can write to, then try again."
        ) from exc
    except BaseException:
        _remove(tmp)
        raise
    return target


def write(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """The sqlite export format, written into its folder inside the export folder ``target``."""
    return [write_sqlite(folders[0] / "kzdata.db")]
