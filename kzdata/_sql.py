"""SQL over kzdata: a DuckDB database typed and keyed as the registry declares (optional extra ``sql``).

:func:`connect` creates one table per kzdata table from the registry
(:mod:`kzdata._registry`): category columns are ``ENUM`` types of their declared
vocabulary (in the registry's order), every column the schema requires is ``NOT NULL``,
the primary key is a ``PRIMARY KEY``, and every foreign key to another table is a
``FOREIGN KEY`` (DuckDB checks them as the rows go in, so a release that broke one
would not load). A table's key to itself (``places.parent_id``) is left undeclared:
DuckDB checks such a key only against rows inserted before, so declaring it would
make the load depend on row order; ``kzdata.validate()`` checks it.

The connection is read-only by default, so an analysis cannot change the data it
cites; ``read_only=False`` gives a writable in-memory copy.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata._registry import TABLES, Column, Table
from kzdata.errors import InvalidArgumentError, MissingDependencyError

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The DuckDB type of each column kind (categories get an ``ENUM`` of their vocabulary).
SQL_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "url": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}


def _quote(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_type(column: Column) -> str:
    """The DuckDB type of ``column``.

    >>> from kzdata._registry import SOURCES
    >>> sql_type(SOURCES.column("kind"))
    "ENUM('primary_document', 'cited_work')"
    >>> sql_type(SOURCES.column("footnote_count"))
    'BIGINT'
    """
    if column.kind == "category":
        return "ENUM(" + ", ".join(_quote(v) for v in column.enum) + ")"
    return SQL_TYPES[column.kind]


def create_statement(table: Table) -> str:
    """``CREATE TABLE`` for ``table``: types, ``NOT NULL``, primary key and foreign keys to other tables."""
    lines = [f"{c.name} {sql_type(c)}" + ("" if c.nullable else " NOT NULL") for c in table.columns]
    lines.append(f"PRIMARY KEY ({table.primary_key})")
    lines += [f"FOREIGN KEY ({c}) REFERENCES {t} ({r})" for c, t, r in table.foreign_keys if t != table.name]
    return f"CREATE TABLE {table.name} (\n  " + ",\n  ".join(lines) + "\n)"


def creation_order() -> Iterator[Table]:
    """Every table after the tables its foreign keys point to (in registry order otherwise)."""
    done: set[str] = set()
    pending = list(TABLES)
    while pending:
        ready = [t for t in pending if all(r == t.name or r in done for _, r, _ in t.foreign_keys)]
        if not ready:  # pragma: no cover - the registry's keys form no cycle (tests/test_sql.py)
            raise AssertionError(f"foreign keys form a cycle among {[t.name for t in pending]}")
        yield ready[0]
        done.add(ready[0].name)
        pending.remove(ready[0])


def _fill(con: Any) -> None:
    from kzdata._integrity import checked_path

    for table in creation_order():
        con.execute(create_statement(table))
        # The same gate as the loaders: a damaged or edited file raises IntegrityError here.
        file = _quote(str(checked_path(f"{table.name}.parquet", what=f"table {table.name!r}")))
        columns = ", ".join(table.column_names)
        con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM read_parquet({file})")  # noqa: S608


def connect(*, read_only: bool = True) -> Any:
    """A DuckDB connection with every kzdata table, typed and keyed as the schema declares.

    Category columns are ``ENUM`` types of their declared values; columns the schema
    requires are ``NOT NULL``; each table has its ``PRIMARY KEY`` and its ``FOREIGN KEY``s to
    other tables. Every Parquet file is checked against its recorded hash before it is
    read (:func:`kzdata._integrity.checked_path`), so SQL never reads an altered file.

    Parameters
    ----------
    read_only
        True (the default): the connection refuses ``INSERT``, ``UPDATE`` and DDL, so the
        data stay the release's. False: a writable in-memory copy (changes are lost on close).

    Needs the optional extra: ``pip install "kzdata[sql]"`` (from a source checkout: ``pip install ".[sql]"``).

    Examples
    --------
    >>> import kzdata
    >>> con = kzdata.connect()  # doctest: +SKIP
    >>> con.sql("select count(*) from sentences").fetchall()  # doctest: +SKIP
    """
    if not isinstance(read_only, bool):
        raise InvalidArgumentError(f"read_only must be True or False, not {read_only!r}")
    try:
        import duckdb
    except ImportError:
        raise MissingDependencyError(
            'kzdata.connect() needs DuckDB: pip install "kzdata[sql]" (from a source checkout: pip install ".[sql]")'
        ) from None
    if not read_only:
        con = duckdb.connect(":memory:")
        _fill(con)
        return con
    # DuckDB opens only a file read-only: build the database in a private temporary folder,
    # open it read-only, then remove the folder (the open connection keeps reading the file;
    # where the system refuses to remove an open file, the folder is left for it to clear).
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        file = str(Path(folder) / "kzdata.duckdb")
        writer = duckdb.connect(file)
        try:
            _fill(writer)
        finally:
            writer.close()
        return duckdb.connect(file, read_only=True)
