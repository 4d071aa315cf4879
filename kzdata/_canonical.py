"""The canonical form of kzdata's values: one text for every value, shared by the build and ``verify``.

The content fingerprint (:mod:`kzdata._fingerprint`) is defined over the values of each
table, not over one file format. The values are written down in one canonical form,
the canonical CSV: the build writes it as ``csv/<table>.csv`` and :func:`kzdata.verify`
re-derives it from any other copy (the Parquet files, an export) to check that both
hold the same values. The form, stated in full in ``docs/versioning.md``:

* UTF-8, LF line ends, a header row of the column names in registry order, then one
  row per record sorted by primary key (by Unicode code point);
* RFC 4180 quoting, only where needed (a field holding a comma, a double quote, CR or
  LF is enclosed in double quotes, its quotes doubled);
* an empty field means missing; booleans ``true``/``false``; dates ``YYYY-MM-DD``;
  integers plain digits; numbers the shortest plain decimal that round-trips
  (:func:`format_number`); text as it is.

This module is on the reader side (the build imports it through
:mod:`kzdata._pipeline.encode`), so ``verify`` can re-encode without the pipeline. It
also states the Arrow schema every Parquet file must have, so ``verify`` can check the
types a reader gets, not only the values.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kzdata._registry import Column, Table

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


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
    """Canonical CSV text of one cell; missing becomes the empty field.

    >>> from kzdata._registry import Column
    >>> format_cell(Column("n", "number", ""), 2500.0), format_cell(Column("b", "boolean", ""), True)
    ('2500', 'true')
    """
    import pandas as pd

    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column.kind == "boolean":
        return "true" if value else "false"
    if column.kind == "date":
        stamp = value if isinstance(value, datetime.date) else pd.Timestamp(value)  # a Timestamp is a date too
        return f"{stamp.year:04d}-{stamp.month:02d}-{stamp.day:02d}"  # strftime does not pad years < 1000
    if column.kind == "number":
        return format_number(float(value))
    if column.kind == "integer":
        return str(int(value))
    return str(value)


def sort_frame(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by primary key and columns in registry order, with a fresh index."""
    ordered = frame.loc[:, list(table.column_names)]
    return ordered.sort_values(table.primary_key, kind="stable").reset_index(drop=True)


def csv_bytes(table: Table, frame: pd.DataFrame, *, raw_only: bool = False) -> bytes:
    """Encode ``frame`` as canonical CSV (all columns, or only the raw ones), rows in the frame's order."""
    columns = [c for c in table.columns if not (raw_only and c.derived)]
    return rows_csv(columns, zip(*(frame[c.name].tolist() for c in columns), strict=True))


def rows_csv(columns: list[Column], rows: Any) -> bytes:
    """Canonical CSV of ``rows`` (tuples of plain values, one per column), in the order given."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([format_cell(c, v) for c, v in zip(columns, row, strict=True)])
    return out.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- Parquet


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type a column is stored as in Parquet."""
    import pyarrow as pa

    if column.kind == "category":
        return pa.dictionary(pa.int8() if len(column.enum) < 128 else pa.int16(), pa.large_string())
    types = {
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
    return types[column.kind]


def arrow_schema(table: Table) -> pa.Schema:
    """The explicit Arrow schema of ``table`` (nullability included)."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in table.columns])


def same_logical_type(stored: pa.DataType, declared: pa.DataType) -> bool:
    """Equal types; a dictionary's values may read as ``string`` or ``large_string`` and its indices as any
    integer type, because Parquet does not keep either width and pyarrow before 14 reads back
    ``dictionary<string, int32>`` whatever was written (the values and the pandas dtype are compared apart).
    """
    import pyarrow as pa

    if pa.types.is_dictionary(declared):
        return (
            pa.types.is_dictionary(stored)
            and pa.types.is_integer(stored.index_type)
            and (pa.types.is_string(stored.value_type) or pa.types.is_large_string(stored.value_type))
            and not stored.ordered
        )
    return bool(stored == declared)


def decode_parquet(data: bytes) -> pa.Table:
    """Decode Parquet bytes on the calling thread, from memory Arrow owns (see :func:`kzdata._load.read_arrow`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    owned = pa.allocate_buffer(len(data))
    pa.FixedSizeBufferWriter(owned).write(data)
    return pq.ParquetFile(pa.BufferReader(owned)).read(use_threads=False)


def parquet_problems(table: Table, data: bytes, label: str) -> tuple[list[str], bytes | None]:
    """Decode one table's Parquet bytes as a reader would; return its problems and its canonical CSV.

    Checks the Arrow schema (names, types, nullability), the metadata pandas applies (index,
    column names, dtypes: :func:`metadata_problems`), NaN where kzdata stores missing values
    as null (:func:`nan_problems`) and the pandas dtypes a loader gets against the registry;
    the canonical CSV is of the rows in the file's order (the release stores them sorted by
    primary key), or None when the file cannot be decoded or loads without the release's columns.
    """
    try:
        arrow = decode_parquet(data)
    except Exception as exc:  # any decoding failure means a damaged file
        return [f"{label}: cannot be decoded as Parquet ({type(exc).__name__}: {exc})"], None
    problems: list[str] = []
    expected = arrow_schema(table)
    if arrow.schema.names != expected.names:
        return [f"{label}: has the columns {arrow.schema.names}, the release has {expected.names}"], None
    for field, want in zip(arrow.schema, expected, strict=True):
        if not same_logical_type(field.type, want.type) or field.nullable != want.nullable:
            problems.append(
                f"{label}: column {field.name!r} is stored as {field.type}"
                f"{'' if field.nullable else ' not null'}, the release stores {want.type}"
                f"{'' if want.nullable else ' not null'}"
            )
    if problems:
        return problems, None
    problems = metadata_problems(table, arrow.schema, label) + nan_problems(table, arrow, label)
    try:
        frame = arrow.to_pandas(date_as_object=False, use_threads=False)
    except Exception as exc:  # metadata pandas cannot apply
        return [*problems, f"{label}: cannot be converted to pandas ({type(exc).__name__}: {exc})"], None
    names = [str(name) for name in frame.columns]
    if names != list(table.column_names):
        return [*problems, f"{label}: loads with the columns {names}, the release has {list(table.column_names)}"], None
    for column in table.columns:
        dtype = frame[column.name].dtype
        if str(dtype) != column.pandas_dtype:
            problems.append(
                f"{label}: column {column.name!r} loads as {dtype}, the release loads {column.pandas_dtype}"
            )
        elif column.kind == "category" and len(frame) and list(dtype.categories) != list(column.enum):
            problems.append(
                f"{label}: column {column.name!r} loads with the categories {list(dtype.categories)}, "
                f"the release declares {list(column.enum)}"
            )
    return problems, csv_bytes(table, frame)


WRITER_KEYS = frozenset({"creator", "pandas_version"})
"""Keys of the pandas metadata that name the writing libraries' versions: present, but free to differ."""

OPTIONAL_KEYS: dict[str, Any] = {"attributes": {}}
"""Keys only some pandas versions write (``DataFrame.attrs``: pandas 2.1.1 writes none), with the
only value kzdata's files may give them: a file may lack the key, whoever reads it."""


@functools.cache
def expected_pandas_metadata(table: Table) -> dict[str, Any]:
    """The pandas metadata kzdata writes into ``table``'s Parquet file (as :mod:`kzdata._pipeline.encode` does).

    It depends on the registry only (an empty frame with the registry's dtypes gives the
    same metadata as the release's rows), so it is derived here without the pipeline.
    """
    import pandas as pd
    import pyarrow as pa

    def dtype(column: Column) -> Any:
        return pd.CategoricalDtype(list(column.enum)) if column.kind == "category" else column.pandas_dtype

    frame = pd.DataFrame({c.name: pd.Series([], dtype=dtype(c)) for c in table.columns})
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    return dict(json.loads(arrow.schema.metadata[b"pandas"]))


def metadata_problems(table: Table, schema: pa.Schema, label: str) -> list[str]:
    """How the metadata of a decoded Parquet file differs from what kzdata writes.

    pandas builds the frame a reader gets from the ``pandas`` metadata (its index, column
    names and dtypes), so a file whose metadata was edited loads as other data even when
    every value is the release's: a renumbered index makes ``frame.loc[0]`` another row.
    Only the writers' versions inside it (:data:`WRITER_KEYS`) may differ; any other
    metadata, of the file or of a column, is not kzdata's.
    """
    metadata = schema.metadata or {}
    problems = []
    extra = sorted(key.decode("utf-8", "replace") for key in metadata if key != b"pandas")
    if extra:
        problems.append(f"{label}: carries the metadata {extra}, which kzdata does not write")
    described = [f.name for f in schema if f.metadata]
    if described:
        problems.append(f"{label}: the columns {described} carry metadata, which kzdata does not write")
    expected = expected_pandas_metadata(table)
    try:
        found = json.loads(metadata[b"pandas"]) if b"pandas" in metadata else None
    except ValueError:
        found = "not JSON"
    if not isinstance(found, dict):
        problems.append(
            f"{label}: its pandas metadata is {_cut(repr(found))}, so pandas would not load the release's dtypes"
        )
        return problems
    for key in sorted(set(found) | set(expected)):
        if key in OPTIONAL_KEYS:
            if key in found and found[key] != OPTIONAL_KEYS[key]:
                problems.append(
                    f"{label}: its pandas metadata gives {key} {_cut(json.dumps(found[key]))}, kzdata writes "
                    f"{json.dumps(OPTIONAL_KEYS[key])}"
                )
        elif key not in expected or key not in found:
            problems.append(f"{label}: its pandas metadata {'lacks' if key in expected else 'adds'} {key!r}")
        elif key not in WRITER_KEYS and found[key] != expected[key]:
            problems.append(
                f"{label}: its pandas metadata gives {key} {_cut(json.dumps(found[key]))}, kzdata writes "
                f"{_cut(json.dumps(expected[key]))}"
            )
    return problems


def nan_problems(table: Table, arrow: pa.Table, label: str) -> list[str]:
    """NaN in a number column: kzdata stores a missing number as null and never holds NaN.

    The canonical CSV writes both as the empty field, so without this check a file whose
    missing numbers became NaN would pass, while a reader counts no missing values there and
    gets NaN for every sum.
    """
    import pyarrow.compute as pc

    problems = []
    for column in table.columns:
        if column.kind == "number":
            count = pc.sum(pc.is_nan(arrow.column(column.name))).as_py() or 0
            if count:
                problems.append(
                    f"{label}: column {column.name!r} holds NaN in {count} row(s); the release stores a missing "
                    "number as null (missing), never as NaN"
                )
    return problems


def first_difference(found: bytes, expected: bytes) -> str:
    """Where two canonical CSV texts first differ, as ``line N: `found` where ... has `expected```."""
    found_lines = found.decode("utf-8", "replace").split("\n")
    expected_lines = expected.decode("utf-8", "replace").split("\n")
    for number, (a, b) in enumerate(zip(found_lines, expected_lines, strict=False), start=1):
        if a != b:
            return f"line {number} is {_cut(a)!r}, expected {_cut(b)!r}"
    return f"it has {len(found_lines) - 1} lines, expected {len(expected_lines) - 1}"


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
