"""Turn validated frames into bytes: Parquet and canonical CSV, deterministically.

Determinism matters because a release is cited by its bytes: the same ``raw/``
must give the same files on any machine. Hence rows sorted by primary key,
columns in registry order, an explicit Arrow schema, no timestamps, and locked
writer versions (pyarrow records its version in every Parquet file, pandas in the
pandas metadata; see :mod:`kzdata._pipeline.writer_lock`).

CSV cells are written in the same canonical form that ``raw/`` requires, so a raw
value survives raw -> Parquet -> DataFrame -> CSV unchanged.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kzdata._registry import Column, Table

_ARROW_TYPES = {
    "id": pa.large_string(),
    "text": pa.large_string(),
    "url": pa.large_string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    # date32, not timestamp: DuckDB, Polars, R's arrow and Spark then read a DATE, not a
    # midnight timestamp. pandas still gets datetime64[ms] (the loader passes
    # date_as_object=False), which pandas can filter and compare cheaply.
    "date": pa.date32(),
}


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type a column is stored as in Parquet."""
    if column.kind == "category":
        return pa.dictionary(pa.int8() if len(column.enum) < 128 else pa.int16(), pa.large_string())
    return _ARROW_TYPES[column.kind]


def arrow_schema(table: Table) -> pa.Schema:
    """The explicit Arrow schema of ``table`` (nullability included)."""
    return pa.schema([pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in table.columns])


def sort_frame(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by primary key and columns in registry order, with a fresh index."""
    ordered = frame.loc[:, list(table.column_names)]
    return ordered.sort_values(table.primary_key, kind="stable").reset_index(drop=True)


def parquet_bytes(table: Table, frame: pd.DataFrame) -> bytes:
    """Encode ``frame`` (already sorted) as a Parquet file with pandas dtype metadata."""
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(arrow, sink, compression="zstd", write_statistics=True)
    return sink.getvalue()


def format_number(value: float) -> str:
    """Canonical text of a number: plain decimal digits, the shortest that round-trip.

    ``2500`` not ``2500.0``, ``0.5`` not ``.5``, ``0.00001`` not ``1e-05`` (raw/ accepts
    only plain decimals, so the canonical form must be one for every value), and
    ``12345678901234567000`` for the float nearest 12345678901234567890 (Python's
    shortest round-trip digits, padded with zeros, never the float's binary expansion).

    >>> [format_number(v) for v in (2500.0, 0.5, 1e-05, -0.00012, 1.2345678901234567e19)]
    ['2500', '0.5', '0.00001', '-0.00012', '12345678901234567000']
    """
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_cell(column: Column, value: Any) -> str:
    """Canonical CSV text of one cell; missing becomes the empty field."""
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column.kind == "boolean":
        return "true" if value else "false"
    if column.kind == "date":
        stamp = pd.Timestamp(value)
        return f"{stamp.year:04d}-{stamp.month:02d}-{stamp.day:02d}"  # strftime does not pad years < 1000
    if column.kind == "number":
        return format_number(float(value))
    if column.kind == "integer":
        return str(int(value))
    return str(value)


def csv_bytes(table: Table, frame: pd.DataFrame, *, raw_only: bool = False) -> bytes:
    """Encode ``frame`` as canonical CSV (all columns, or only the raw ones)."""
    columns = [c for c in table.columns if not (raw_only and c.derived)]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in zip(*(frame[c.name].tolist() for c in columns), strict=True):
        writer.writerow([format_cell(c, v) for c, v in zip(columns, row, strict=True)])
    return out.getvalue().encode("utf-8")
