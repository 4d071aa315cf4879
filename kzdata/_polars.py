"""The Polars backend: one Arrow table in, one Polars DataFrame out, typed as the schema.

``pl.from_arrow`` takes the Arrow buffers without copying them (both libraries speak the
Arrow C data interface, the same PyCapsule protocol ``pl.DataFrame(table)`` would use), so
the backend costs little beyond the Parquet read. Dates arrive as ``pl.Date`` because the
files store ``date32``. Category columns are dictionary-encoded in Arrow, which Polars reads
as ``pl.Categorical`` (a global string cache whose categories are only the values present);
they are cast to ``pl.Enum`` with the registry's declared values instead, because an Enum
is Polars' counterpart of a pandas ``category`` with fixed categories: every declared value
is a category, even in an empty table, order follows the declaration, and a value outside
the vocabulary cannot slip in. Polars is an optional extra (``kzdata[polars]``) and is
imported only here, never by ``import kzdata``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import REGISTRY
from kzdata.errors import MissingDependencyError

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

    from kzdata._generated import TableName


def to_polars(name: TableName, table: pa.Table) -> pl.DataFrame:
    """Convert the Arrow table of ``name`` to Polars, with ``pl.Enum`` for its category columns."""
    try:
        import polars as pl
    except ModuleNotFoundError:
        raise MissingDependencyError(
            "backend='polars' needs Polars, which is not installed; "
            'run `pip install "kzdata[polars]"` (from a source checkout: `pip install ".[polars]"`) '
            'or use backend="pandas" or "pyarrow"'
        ) from None
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)  # a Table, not a ChunkedArray, always gives a DataFrame
    enums = [pl.col(c.name).cast(pl.Enum(list(c.enum))) for c in REGISTRY[name].columns if c.kind == "category"]
    return frame.with_columns(enums) if enums else frame
