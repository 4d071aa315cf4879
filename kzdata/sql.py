"""SQL over kzdata: a DuckDB connection with every table as a view (optional extra ``sql``)."""

from __future__ import annotations

from typing import Any

from kzdata.errors import KzdataError
from kzdata.tables import TABLE_NAMES


def connect() -> Any:
    """An in-memory DuckDB connection where every kzdata table is a view over its Parquet file.

    Needs the optional extra: ``pip install "kzdata[sql]"``.

    Examples
    --------
    >>> import kzdata
    >>> con = kzdata.connect()  # doctest: +SKIP
    >>> con.sql("select count(*) from sentences").fetchall()  # doctest: +SKIP
    """
    try:
        import duckdb
    except ImportError:
        raise KzdataError('kzdata.connect() needs DuckDB: pip install "kzdata[sql]"') from None
    from kzdata.load import path

    con = duckdb.connect(":memory:")
    for name in TABLE_NAMES:
        file = str(path(name)).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{file}')")  # noqa: S608
    return con
