"""Read the shipped Parquet files into pandas (or Arrow) tables.

The loaders cost no more than the read they wrap: the Parquet files carry the
pandas dtypes of the schema (nullable ``Int64``, ``boolean``, ``string``,
``category`` with the declared categories), so ``to_pandas()`` already yields the
right types and no per-column conversion runs. Dates are stored as Arrow ``date32``
(a real DATE for DuckDB, Polars, R and Spark); ``to_pandas(date_as_object=False)``
turns them into ``datetime64[ms]`` inside pyarrow's conversion, at no extra cost,
instead of Python ``datetime.date`` objects. ``backend="polars"`` converts the same
Arrow table (:mod:`kzdata._polars`). The one extra step is a sha256 of the file's bytes,
compared with the hash the release recorded in ``datapackage.json``, so that a damaged
or edited file raises :class:`~kzdata.errors.IntegrityError` instead of loading
different values (see ``docs/benchmarks.md`` for what it costs). This module imports
neither pandera nor frictionless.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from kzdata import _files
from kzdata._registry import REGISTRY, TABLE_NAMES
from kzdata.errors import IntegrityError, InvalidArgumentError, UnknownTableError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from kzdata._generated import TableName

Backend = Literal["pandas", "pyarrow", "polars"]


def tables() -> list[str]:
    """List the names of kzdata's tables.

    Examples
    --------
    >>> import kzdata
    >>> "events" in kzdata.tables()
    True
    """
    return list(TABLE_NAMES)


def check_name(name: object) -> TableName:
    """Return ``name`` if it is a table name; raise a helpful error otherwise."""
    if not isinstance(name, str):
        raise InvalidArgumentError(
            f"a table name must be a string, not {type(name).__name__} ({name!r}); use one of: {', '.join(TABLE_NAMES)}"
        )
    if name not in TABLE_NAMES:
        raise UnknownTableError(name, TABLE_NAMES)
    return name


def path(name: TableName) -> Path:
    """The Parquet file of table ``name``, for DuckDB, Polars, Spark or Dask users.

    Examples
    --------
    >>> import kzdata
    >>> kzdata.path("events").name
    'events.parquet'
    """
    return _files.parquet_path(check_name(name))


def read_arrow(name: TableName) -> pa.Table:
    """Read table ``name`` as a :class:`pyarrow.Table`, refusing files that differ from the release.

    The bytes come from :func:`kzdata._integrity.read_checked`, the one gate every reader
    of shipped data goes through: the file's sha256 is compared with the one
    ``datapackage.json`` records before it is parsed (hashing a file this size costs far
    less than decoding it), so an altered byte can never load silently as different values.

    The checked bytes are copied into memory that Arrow owns and decoded on the calling
    thread (``use_threads=False``). A buffer that wraps a Python ``bytes`` object must
    take the GIL when Arrow frees it; freed by an Arrow worker thread while the
    interpreter shuts down, that aborted the process ("terminate called without an
    active exception", exit 134; see docs/build-transactions.md and scripts/soak_exit.py).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kzdata._integrity import read_checked

    name = check_name(name)
    data = read_checked(f"{name}.parquet", what=f"table {name!r}")
    file = path(name)
    owned = pa.allocate_buffer(len(data))
    pa.FixedSizeBufferWriter(owned).write(data)
    try:
        # ParquetFile reads one file without importing and setting up pyarrow.dataset.
        table = pq.ParquetFile(pa.BufferReader(owned)).read(use_threads=False)
    except Exception as exc:  # any decoding failure means a damaged file
        raise IntegrityError(
            f"the data file of table {name!r} cannot be read ({type(exc).__name__}: {exc}): {file}. "
            "Run `kzdata verify` to see which files are damaged, then reinstall kzdata."
        ) from None
    if tuple(table.column_names) != REGISTRY[name].column_names:
        raise IntegrityError(
            f"the data file of table {name!r} has columns {table.column_names}, expected "
            f"{list(REGISTRY[name].column_names)}: {file}. Run `kzdata verify`, then reinstall kzdata."
        )
    return table


@overload
def load(name: TableName, backend: Literal["pandas"] = "pandas", *, version: str | None = None) -> pd.DataFrame: ...
@overload
def load(name: TableName, backend: Literal["pyarrow"], *, version: str | None = None) -> pa.Table: ...
@overload
def load(name: TableName, backend: Literal["polars"], *, version: str | None = None) -> pl.DataFrame: ...
def load(
    name: TableName, backend: Backend = "pandas", *, version: str | None = None
) -> pd.DataFrame | pa.Table | pl.DataFrame:
    """Load table ``name``.

    Parameters
    ----------
    name
        One of :func:`tables`.
    backend
        ``"pandas"`` (default) for a :class:`pandas.DataFrame` with the schema's
        dtypes, ``"pyarrow"`` for a :class:`pyarrow.Table`, or ``"polars"`` for a
        :class:`polars.DataFrame` (``pl.Date`` dates, ``pl.Enum`` categories; needs
        ``pip install "kzdata[polars]"``, from a source checkout ``pip install ".[polars]"``).
    version
        A past release, such as ``"0.2.0"``: the table exactly as that release shipped it
        (its columns, dtypes and category vocabularies), rebuilt from the history store
        and checked against the hashes and fingerprint that release recorded
        (``docs/versioning.md``, "Past releases"). ``None`` (the default), or the installed
        release's own version, reads the installed release.

    Every call reads the file anew, so changing one frame never changes the next.

    Examples
    --------
    >>> import kzdata
    >>> people = kzdata.load("people")
    >>> str(people["person_id"].dtype)
    'string'
    """
    if not isinstance(backend, str) or backend not in ("pandas", "pyarrow", "polars"):
        raise InvalidArgumentError(
            f"unknown backend {backend!r}; use 'pandas' (a DataFrame), 'pyarrow' (an Arrow table) "
            "or 'polars' (a Polars DataFrame)"
        )
    if version is not None:
        from kzdata._history import check_version, current_version, load_version

        if check_version(version) != current_version():
            return load_version(name, version, backend)
    table = read_arrow(name)
    if backend == "pyarrow":
        return table
    if backend == "polars":
        from kzdata._polars import to_polars

        return to_polars(name, table)
    try:
        frame = table.to_pandas(date_as_object=False, use_threads=False)
    except Exception as exc:  # metadata that pandas cannot apply means a damaged file
        raise IntegrityError(
            f"the data file of table {name!r} cannot be converted to pandas ({type(exc).__name__}: {exc}). "
            "Run `kzdata verify`, then reinstall kzdata."
        ) from None
    if table.num_rows == 0:
        # An empty dictionary column has no values to carry its categories; restore them.
        import pandas as pd

        for col in REGISTRY[name].columns:
            if col.kind == "category":
                frame[col.name] = pd.Categorical([], categories=list(col.enum))
    frame.attrs["kzdata_table"] = name  # lets kzdata.cite() know the table; kept through filtering and copies
    return frame
