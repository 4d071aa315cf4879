"""Turn validated frames into bytes: Parquet and canonical CSV, deterministically.

Determinism matters because a release is cited by its bytes: the same ``raw/``
must give the same files on any machine. Hence rows sorted by primary key,
columns in registry order, an explicit Arrow schema, no timestamps, and locked
writer versions (pyarrow records its version in every Parquet file, pandas in the
pandas metadata; see :mod:`kzdata._pipeline.writer_lock`).

CSV cells are written in the same canonical form that ``raw/`` requires, so a raw
value survives raw -> Parquet -> DataFrame -> CSV unchanged. The canonical form and the
Arrow schema are defined on the reader side (:mod:`kzdata._canonical`), because
``kzdata verify`` re-derives the canonical CSV from the Parquet files without the
pipeline; they are re-exported here for the build.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kzdata._canonical import arrow_schema, arrow_type, csv_bytes, format_cell, format_number, sort_frame
from kzdata._registry import Table

__all__ = ["arrow_schema", "arrow_type", "csv_bytes", "format_cell", "format_number", "parquet_bytes", "sort_frame"]


def parquet_bytes(table: Table, frame: pd.DataFrame) -> bytes:
    """Encode ``frame`` (already sorted) as a Parquet file with pandas dtype metadata."""
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(arrow, sink, compression="zstd", write_statistics=True)
    return sink.getvalue()
