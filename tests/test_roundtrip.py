"""The build is lossless: raw CSV -> Parquet -> pandas -> canonical CSV gives back the raw cells.

* every table: the built Parquet, loaded with pyarrow into pandas and written back with
  :func:`kzdata._pipeline.encode.csv_bytes` (``raw_only=True``), has exactly the raw file's
  rows, cell for cell (Unicode, inner whitespace, leading zeros in text; empty = missing);
* every table: the built Parquet and the built CSV (``kzdata/data/csv/<t>.csv``) hold
  the same values, compared through an independent parse of the CSV text;
* property-based: generated valid text, numbers and dates survive read -> check ->
  Parquet -> CSV unchanged, and generated invalid ids and dates are refused.

The raw data comes from the repository root by default; set
``KZDATA_TEST_RAW_ROOT=/path/to/project`` to use another ``raw/`` + ``pyproject.toml``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzdata._pipeline import encode
from kzdata._pipeline.build import build
from kzdata._pipeline.raw_tables import read_raw
from kzdata._registry import ID_PATTERN, REGISTRY, TABLE_NAMES, Column, Table
from kzdata._schemas import schema
from kzdata.errors import RawDataError
from tests.conftest import copy_source_project, source_root
from tests.expected_dtypes import expected_dtypes

EXPECTED_DTYPES = expected_dtypes()

Rows = list[list[str]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary copy of the project, built once."""
    root = copy_source_project(tmp_path_factory.mktemp("roundtrip"))
    try:
        build(root)
    except RawDataError as exc:
        pytest.fail(f"the unmodified raw/ of {source_root()} does not build:\n{exc}", pytrace=False)
    return root


def parse_csv(text: str) -> tuple[list[str], Rows]:
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    return rows[0], rows[1:]


def by_key(table: Table, header: list[str], rows: Rows) -> Rows:
    key = header.index(table.primary_key)
    return sorted(rows, key=lambda row: row[key])


def first_difference(table: Table, header: list[str], want: Rows, got: Rows) -> str:
    """A readable account of the first cell that differs."""
    if len(want) != len(got):
        return f"{len(got)} rows, expected {len(want)}"
    key = header.index(table.primary_key)
    for a, b in zip(want, got, strict=True):
        for name, x, y in zip(header, a, b, strict=True):
            if x != y:
                return f"{table.primary_key}={a[key]!r}, column {name!r}: raw {x!r} came back as {y!r}"
    return "no difference"


def frame_to_raw_csv(table: Table, frame: object) -> str:
    sorted_frame = encode.sort_frame(table, frame)  # type: ignore[arg-type]
    return encode.csv_bytes(table, sorted_frame, raw_only=True).decode("utf-8")


# --------------------------------------------------------------------------- (a) lossless, every table


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_raw_cells_survive_the_build(built: Path, name: str) -> None:
    table = REGISTRY[name]
    raw_header, raw_rows = parse_csv((built / "raw" / f"{name}.csv").read_text(encoding="utf-8"))
    frame = pq.read_table(built / "kzdata" / "data" / f"{name}.parquet").to_pandas()
    header, rows = parse_csv(frame_to_raw_csv(table, frame))
    assert header == raw_header == list(table.raw_column_names)
    want, got = by_key(table, raw_header, raw_rows), by_key(table, header, rows)
    assert got == want, first_difference(table, header, want, got)


# --------------------------------------------------------------------------- (b) Parquet == CSV


def parse_cell(column: Column, text: str) -> object:
    """The value a canonical CSV cell stands for, as pyarrow's to_pylist() gives it."""
    if text == "":
        return None
    kind = column.kind
    if kind == "integer":
        assert re.fullmatch(r"-?(0|[1-9][0-9]*)", text), f"{column.name}: {text!r} is not a canonical integer"
        return int(text)
    if kind == "number":
        assert re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text), f"{column.name}: {text!r} is not a plain decimal"
        return float(text)
    if kind == "boolean":
        assert text in ("true", "false"), f"{column.name}: {text!r}"
        return text == "true"
    if kind == "date":
        return date.fromisoformat(text)  # stored as Arrow date32 (issue 14), not a midnight timestamp
    return text


#: The Arrow type stored for each pandas dtype of tests/expected_dtypes.py (written by hand,
#: docs/architecture.md decision 4: text as large strings, dates as date32).
ARROW_OF_DTYPE = {
    "string": pa.large_string(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "boolean": pa.bool_(),
    "datetime64[ms]": pa.date32(),
}


def stored_as_expected(stored: pa.DataType, table: str, column: str) -> bool:
    """The hand-written expectation; a category is a dictionary of strings (Parquet does not keep
    the string width) indexed by int8: no vocabulary of docs/data-dictionary.md has 128 values."""
    dtype = dict(EXPECTED_DTYPES[table])[column]
    if dtype == "category":
        return (
            pa.types.is_dictionary(stored)
            and stored.index_type == pa.int8()
            and (pa.types.is_string(stored.value_type) or pa.types.is_large_string(stored.value_type))
        )
    return stored == ARROW_OF_DTYPE[dtype]


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_parquet_holds_the_values_of_the_built_csv(built: Path, name: str) -> None:
    table = REGISTRY[name]
    arrow = pq.read_table(built / "kzdata" / "data" / f"{name}.parquet")
    header, rows = parse_csv((built / "kzdata" / "data" / "csv" / f"{name}.csv").read_text(encoding="utf-8"))
    assert arrow.column_names == header == list(table.column_names)
    assert arrow.num_rows == len(rows)
    for i, column in enumerate(table.columns):
        stored = arrow.column(column.name)
        assert stored_as_expected(stored.type, name, column.name), f"{name}.{column.name}: {stored.type}"
        values = stored.to_pylist()
        for row, value in zip(rows, values, strict=True):
            expected = parse_cell(column, row[i])
            if isinstance(expected, float):
                assert isinstance(value, float)
                assert value == expected or (math.isnan(value) and math.isnan(expected))
            else:
                assert value == expected and type(value) is type(expected), (
                    f"{name}.{column.name}: Parquet {value!r}, CSV {row[i]!r}"
                )


# --------------------------------------------------------------------------- (c) property-based
#
# The generated examples (@given) are marked slow: the inner loop keeps the fixed examples.
#
# Each example runs the build's per-table path (read_raw -> pandera schema -> sort ->
# Parquet -> pandas -> canonical CSV) on one raw file; the cross-table rules are not
# involved in the cells generated here. A full build() checks one fixed exotic value.


@pytest.fixture(scope="module")
def raw_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private raw directory that the property tests rewrite one file at a time.

    Its files are rewritten from the pristine copy next to it (``../raw``), so every
    example changes exactly one cell, whatever the examples before it did.
    """
    root = copy_source_project(tmp_path_factory.mktemp("props"))
    shutil.copytree(root / "raw", root / "work")
    return root / "work"


def rewrite(raw_dir: Path, name: str, column: str, value: str, row: int = 0) -> int:
    """Write the table's original rows with one cell replaced; return that row's line."""
    original = raw_dir.parent / "raw" / f"{name}.csv"
    header, rows = parse_csv(original.read_text(encoding="utf-8"))
    rows[row][header.index(column)] = value
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (raw_dir / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    reader = csv.reader(io.StringIO(out.getvalue(), newline=""))
    next(reader)
    line = 2
    for _ in range(row):
        next(reader)
        line = reader.line_num + 1
    return line


def through_the_build(raw_dir: Path, name: str) -> tuple[list[str], Rows]:
    """read -> schema -> Parquet -> pandas -> raw CSV, for one table; fails on any issue."""
    table = REGISTRY[name]
    raw = read_raw(table, raw_dir / f"{name}.csv", f"raw/{name}.csv")
    assert not raw.issues, "\n".join(map(str, raw.issues))
    frame = raw.frame
    if "location_precision" in table.column_names:  # derived by the build from the places' kinds
        from kzdata._pipeline.derive import location_precision

        places = read_raw(REGISTRY["places"], raw_dir / "places.csv", "raw/places.csv").frame
        frame = frame.copy()
        at = list(frame.columns).index("place_id") + 1
        frame.insert(at, "location_precision", location_precision(frame["place_id"], places))
    schema(name).validate(frame, lazy=True)  # type: ignore[arg-type]
    data = encode.parquet_bytes(table, encode.sort_frame(table, frame))
    return parse_csv(frame_to_raw_csv(table, pq.read_table(io.BytesIO(data)).to_pandas()))


def cell_of(header: list[str], rows: Rows, table: Table, pk: str, column: str) -> str:
    key, col = header.index(table.primary_key), header.index(column)
    return next(row[col] for row in rows if row[key] == pk)


def original_pk(raw_dir: Path, name: str, row: int = 0) -> str:
    header, rows = parse_csv((raw_dir.parent / "raw" / f"{name}.csv").read_text(encoding="utf-8"))
    return rows[row][header.index(REGISTRY[name].primary_key)]


PROPERTY = settings(max_examples=25, deadline=None, database=None)

# Invisible characters refused in text (docs/raw-format.md), written out by hand: every
# formatting character (Unicode category Cf: soft hyphen, Arabic and Syriac marks, Mongolian
# vowel separator, zero-width characters, bidirectional marks, embeddings, overrides and
# isolates, U+2060-U+206F, byte-order mark, interlinear annotation, the few beyond U+FFFF),
# line/paragraph separators, the combining grapheme joiner, the Hangul fillers and the tags.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE007F),
)
INVISIBLE = "".join(chr(c) for low, high in _INVISIBLE_RANGES for c in range(low, high + 1))

# Any Unicode text, one line, no surrounding whitespace, no control characters (C0, DEL, C1)
# and no invisible formatting (docs/raw-format.md): what a description may hold.
valid_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc",), exclude_characters=INVISIBLE),
    min_size=1,
    max_size=40,
).filter(lambda s: s == s.strip())


@pytest.mark.slow
@PROPERTY
@given(
    text=valid_text,
    control=st.characters(codec="utf-8", categories=("Cc",)).filter(lambda c: c not in "\r\n\t"),
)
def test_control_characters_are_refused(raw_copy: Path, text: str, control: str) -> None:
    assert control not in INVISIBLE  # (Cc here; the invisible formatting has its own test below)
    line = rewrite(raw_copy, "people", "description", text + control + text)
    assert _refused_at(raw_copy, "people", "description", line), f"{control!r} was accepted in text"


@pytest.mark.slow
@PROPERTY
@given(text=valid_text, name=st.sampled_from(["events", "people"]))
def test_valid_descriptions_survive_unchanged(raw_copy: Path, text: str, name: str) -> None:
    rewrite(raw_copy, name, "description", text)
    header, rows = through_the_build(raw_copy, name)
    assert cell_of(header, rows, REGISTRY[name], original_pk(raw_copy, name), "description") == text


@pytest.mark.slow
@PROPERTY
@given(
    number=st.one_of(
        st.integers(0, 10**12).map(str),
        st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False).map(
            lambda d: encode.format_number(float(d))
        ),
    ).filter(lambda s: re.fullmatch(r"[0-9]+(\.[0-9]+)?", s) is not None)
)
def test_canonical_numbers_survive_unchanged(raw_copy: Path, number: str) -> None:
    name = "indicator_values"
    rewrite(raw_copy, name, "value", number)
    header, rows = through_the_build(raw_copy, name)
    assert cell_of(header, rows, REGISTRY[name], original_pk(raw_copy, name), "value") == number


@pytest.mark.parametrize("number", ["0.00001", "0.000000123", "-0.0005", "12345678901234567000", "0.1"])
def test_small_and_large_numbers_can_be_written_and_survive(raw_copy: Path, number: str) -> None:
    # Below 1e-4 Python's repr switches to exponent form, which raw/ does not accept:
    # the canonical form must still be a plain decimal, or such values could never be entered.
    name = "indicator_values"
    rewrite(raw_copy, name, "value", number)
    header, rows = through_the_build(raw_copy, name)
    assert cell_of(header, rows, REGISTRY[name], original_pk(raw_copy, name), "value") == number


@pytest.mark.slow
@PROPERTY
@given(day=st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_valid_dates_survive_unchanged(raw_copy: Path, day: date) -> None:
    name = "positions"  # a standalone date column
    rewrite(raw_copy, name, "end_date", day.isoformat())
    header, rows = through_the_build(raw_copy, name)
    assert cell_of(header, rows, REGISTRY[name], original_pk(raw_copy, name), "end_date") == day.isoformat()


def test_dates_before_year_1000_round_trip(raw_copy: Path) -> None:
    name = "positions"
    rewrite(raw_copy, name, "end_date", "0999-01-05")
    # A year below 1000 is a valid ISO date: it must be accepted and come back unchanged
    # (through_the_build fails on any issue, so a refusal fails this test too).
    header, rows = through_the_build(raw_copy, name)
    assert cell_of(header, rows, REGISTRY[name], original_pk(raw_copy, name), "end_date") == "0999-01-05"


_slug = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
invalid_ids = st.one_of(
    _slug.filter(lambda s: any(c.isalpha() for c in s)).map(str.upper),
    st.tuples(_slug, _slug).map(" ".join),
    _slug.map(lambda s: s + "-"),
    _slug.map(lambda s: "-" + s),
    st.tuples(_slug, _slug).map("--".join),
    st.tuples(_slug, _slug).map("_".join),
    st.text(st.characters(codec="utf-8", exclude_characters="\r"), min_size=1, max_size=12),
).filter(lambda s: re.fullmatch(ID_PATTERN, s) is None)


def _refused_at(raw_dir: Path, name: str, column: str, line: int) -> list[str]:
    raw = read_raw(REGISTRY[name], raw_dir / f"{name}.csv", f"raw/{name}.csv")
    return [i.rule for i in raw.issues if (i.where, i.row, i.column) == (f"raw/{name}.csv", f"line {line}", column)]


@pytest.mark.slow
@PROPERTY
@given(bad=invalid_ids)
def test_invalid_ids_are_refused(raw_copy: Path, bad: str) -> None:
    line = rewrite(raw_copy, "people", "person_id", bad)
    assert _refused_at(raw_copy, "people", "person_id", line), f"{bad!r} was accepted as an id"


invalid_dates = st.one_of(
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(1, 9999), st.integers(13, 99), st.integers(1, 28)),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(1, 9999), st.integers(1, 12), st.integers(32, 99)),
    st.builds("{:04d}-{:02d}-00".format, st.integers(1, 9999), st.integers(1, 12)),
    st.builds("{:04d}-00-{:02d}".format, st.integers(1, 9999), st.integers(1, 28)),
    st.builds("{:04d}-02-30".format, st.integers(1, 9999)),
    st.builds("{:04d}-{:02d}-31".format, st.integers(1, 9999), st.sampled_from([4, 6, 9, 11])),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.dates().map(lambda d: f"{d.year}-{d.month}-{d.day}").filter(lambda s: len(s) != 10),
    st.dates().map(lambda d: d.isoformat() + "T00:00"),
    st.text(st.characters(codec="utf-8", exclude_characters="\r"), min_size=1, max_size=12),
).filter(lambda s: not _is_valid_date(s))


def _is_valid_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@pytest.mark.slow
@PROPERTY
@given(bad=invalid_dates)
def test_invalid_dates_are_refused(raw_copy: Path, bad: str) -> None:
    line = rewrite(raw_copy, "events", "date_start", bad)
    assert _refused_at(raw_copy, "events", "date_start", line), f"{bad!r} was accepted as a date"


# --------------------------------------------------------------------------- the real build, once

EXOTIC = (
    "Қаңтар «оқиғалары» — "
    '2022: 007  agents,  "quoted"; tab\there; '
    + "".join(map(chr, (0x1D518, 0x1D52B, 0x1D526)))  # mathematical Fraktur letters, outside the BMP
    + " \U0001f600 e\u0301 end"  # a zero-width space would be refused (see INVISIBLE)
)


@pytest.mark.slow
def test_exotic_text_survives_a_full_build(tmp_path: Path) -> None:
    """Unicode, inner runs of spaces, a tab, quotes, commas, leading zeros: unchanged end to end."""
    root = copy_source_project(tmp_path)
    rewrite(root / "raw", "events", "description", EXOTIC)
    build(root)
    pk = original_pk(root / "raw", "events")
    table = REGISTRY["events"]
    header, rows = parse_csv((root / "kzdata" / "data" / "csv" / "events.csv").read_text(encoding="utf-8"))
    assert cell_of(header, rows, table, pk, "description") == EXOTIC
    frame = pq.read_table(root / "kzdata" / "data" / "events.parquet").to_pandas()
    assert frame.loc[frame["event_id"] == pk, "description"].item() == EXOTIC
    header, rows = parse_csv(frame_to_raw_csv(table, frame))
    assert cell_of(header, rows, table, pk, "description") == EXOTIC


@pytest.mark.slow
@PROPERTY
@given(text=valid_text, invisible=st.sampled_from(INVISIBLE))
def test_invisible_formatting_is_refused(raw_copy: Path, text: str, invisible: str) -> None:
    line = rewrite(raw_copy, "people", "description", text + invisible + text)
    assert _refused_at(raw_copy, "people", "description", line), f"{invisible!r} was accepted in text"
