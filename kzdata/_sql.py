"""SQL over kzdata: a DuckDB connection with every table as a view (optional extra ``sql``)."""

from __future__ import annotations

from typing import Any

from kzdata._registry import TABLE_NAMES
from kzdata.errors import MissingDependencyError


def connect() -> Any:
    """An in-memory DuckDB connection where every kzdata table is a view over its Parquet file.

    Every Parquet file is checked against its recorded hash before its view is created
    (:func:`kzdata._integrity.checked_path`), so SQL never reads an altered file.

    Needs the optional extra: ``pip install "kzdata[sql]"`` (from a source checkout: ``pip install ".[sql]"``).

    Examples
    --------
    >>> import kzdata
    >>> con = kzdata.connect()  # doctest: +SKIP
    >>> con.sql("select count(*) from sentences").fetchall()  # doctest: +SKIP
    """
    try:
        import duckdb
    except ImportError:
        raise MissingDependencyError(
            'kzdata.connect() needs DuckDB: pip install "kzdata[sql]" (from a source checkout: pip install ".[sql]")'
        ) from None
    from kzdata._integrity import checked_path

    con = duckdb.connect(":memory:")
    for name in TABLE_NAMES:
        # The same gate as the loaders: a damaged or edited file raises IntegrityError here.
        file = str(checked_path(f"{name}.parquet", what=f"table {name!r}")).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{file}')")  # noqa: S608
    return con
