"""The reader of ``raw/<table>.csv`` on small files: every refusal names file, line, column, value and rule.

``tests/test_mutations.py`` corrupts the real ``raw/`` and runs whole builds; these tests
call :func:`kzdata._pipeline.raw_tables.read_raw` on a few lines written here, against a
table made for the purpose with one column of every kind, so each case is quick and can
pin the exact words a user reads, the exact line (including the lines after a quoted
line break), the value as written, and what the reader still makes of the rest of the
file. The rules are those of ``docs/raw-format.md``; every expected issue is written out
by hand, and where the words come from Python's :mod:`csv` module, the module itself is
the oracle.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from kzdata._pipeline import raw_tables
from kzdata._pipeline.raw_tables import RawTable, read_raw
from kzdata._registry import Column, Table

THINGS = Table(
    name="things",  # type: ignore[arg-type]
    title="Things",
    row="One thing.",
    columns=(
        Column("thing_id", "id", "The thing."),
        Column("label", "text", "A label.", nullable=True),
        Column("homepage", "url", "Its page.", nullable=True),
        Column("count", "integer", "How many.", nullable=True),
        Column("share", "number", "How much.", nullable=True),
        Column("flag", "boolean", "Whether.", nullable=True),
        Column("day", "date", "When.", nullable=True),
        Column("kind", "category", "Which.", nullable=True, enum=("big", "small")),
        Column("size", "integer", "Computed by the build.", derived=True),
    ),
)
HEADER = "thing_id,label,homepage,count,share,flag,day,kind"
EMPTY = "x,,,,,,,"
LABEL = "raw/things.csv"
CONTROL = (
    "no control characters or invisible formatting (escape, NUL, bell, zero-width, bidirectional "
    "overrides...; a tab is allowed) inside a field; remove them"
)


def read(tmp_path: Path, content: str | bytes, table: Table = THINGS) -> RawTable:
    file = tmp_path / "things.csv"
    file.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_raw(table, file, LABEL)


def issues(raw: RawTable) -> list[tuple[str, str, str, str, str]]:
    return [(i.where, i.row, i.column, i.value, i.rule) for i in raw.issues]


def row(**cells: str) -> str:
    """A data line: ``thing_id`` x and the given cells, the others empty."""
    values = {"thing_id": "x", **cells}
    return ",".join(values.get(name, "") for name in HEADER.split(","))


def csv_error(text: str) -> str:
    """What Python's strict CSV reader says about ``text`` (the oracle for malformed CSV)."""
    try:
        list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return str(exc)
    raise AssertionError(f"{text!r} is valid CSV")


def assert_empty_frame(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == HEADER.split(",")
    assert len(frame) == 0
    assert [str(t) for t in frame.dtypes] == [
        "string",
        "string",
        "string",
        "Int64",
        "Float64",
        "boolean",
        "datetime64[ms]",
        "category",
    ]
    assert list(frame["kind"].cat.categories) == ["big", "small"]


# --------------------------------------------------------------------------- what a good file becomes


def test_a_good_file_is_typed_cell_by_cell(tmp_path: Path) -> None:
    raw = read(
        tmp_path,
        f"{HEADER}\n"
        "almaty,Ak\ttau XX,https://example.org/a,-18,0.5,true,0999-01-05,small\n"
        'aktau,"Ak""tau, port",,9223372036854775807,-2500,false,2022-01-05,big\n'
        f"{EMPTY}\n",
    )
    assert issues(raw) == []
    assert raw.complete is True
    assert raw.lines == [2, 3, 4]
    assert raw.cell_lines == [{}, {}, {}]
    assert raw.file == LABEL
    assert raw.table is THINGS
    frame = raw.frame
    assert_empty_frame(frame.iloc[0:0])
    assert frame["thing_id"].tolist() == ["almaty", "aktau", "x"]
    assert frame["label"].tolist()[:2] == ["Ak\ttau XX", 'Ak"tau, port']
    assert frame["homepage"].tolist()[0] == "https://example.org/a"
    assert frame["count"].tolist()[:2] == [-18, 2**63 - 1]
    assert frame["share"].tolist()[:2] == [0.5, -2500.0]
    assert frame["flag"].tolist()[:2] == [True, False]
    assert frame["day"].tolist()[:2] == [pd.Timestamp("0999-01-05"), pd.Timestamp("2022-01-05")]
    assert frame["kind"].tolist()[:2] == ["small", "big"]
    assert frame.iloc[2, 1:].isna().all()  # empty fields are missing values


def test_the_longest_number_allowed(tmp_path: Path) -> None:
    raw = read(tmp_path, f"{HEADER}\n{row(share='1' + '0' * 39)}\n")  # 40 characters, canonical
    assert issues(raw) == []
    assert raw.frame["share"].tolist() == [1e39]


def test_an_empty_frame_has_every_raw_column_and_its_type() -> None:
    assert_empty_frame(raw_tables.empty_frame(THINGS))


# --------------------------------------------------------------------------- one bad cell


@pytest.mark.parametrize(
    ("cells", "column", "rule"),
    [
        ({"thing_id": ""}, "thing_id", "a value is required (an empty field means missing)"),
        ({"thing_id": "Not-A-Slug"}, "thing_id", "an id is a lower-case slug: letters a-z, digits, single hyphens"),
        ({"label": " padded"}, "label", "no leading or trailing whitespace"),
        ({"label": "padded "}, "label", "no leading or trailing whitespace"),
        ({"label": "a\x1bb"}, "label", CONTROL),
        ({"label": "a\u200bb"}, "label", CONTROL),
        ({"homepage": "ftp://example.org"}, "homepage", "a URL starts with http:// or https:// and has no spaces"),
        ({"count": "1.5"}, "count", "an integer is written as plain digits without leading zeros, e.g. 18"),
        ({"count": "018"}, "count", "an integer is written as plain digits without leading zeros, e.g. 18"),
        ({"count": "-0"}, "count", "an integer is written as plain digits without leading zeros, e.g. 18"),
        (
            {"count": "9223372036854775808"},
            "count",
            "an integer must fit in 64 bits (between -9223372036854775807 and 9223372036854775807)",
        ),
        (
            {"count": "-9223372036854775808"},
            "count",
            "an integer must fit in 64 bits (between -9223372036854775807 and 9223372036854775807)",
        ),
        ({"count": "1" * 41}, "count", "a number has at most 40 characters; this one has 41"),
        ({"share": "1" + "0" * 40}, "share", "a number has at most 40 characters; this one has 41"),
        ({"share": "1.2.3"}, "share", "a number is written as plain decimal digits, e.g. 2500 or 0.5"),
        ({"share": "1e5"}, "share", "a number is written as plain decimal digits, e.g. 2500 or 0.5"),
        ({"share": "2500.0"}, "share", "write the number in canonical form, 2500, so it round-trips"),
        (
            {"share": "0.12345678901234567891"},
            "share",
            "the number has more significant digits than a 64-bit float keeps (about 17); it would be "
            "stored as 0.12345678901234568: round it to at most 17 significant digits",
        ),
        ({"flag": "True"}, "flag", "a boolean is written true or false"),
        ({"day": "2022-1-05"}, "day", "a date is written YYYY-MM-DD"),
        ({"day": "2022-02-30"}, "day", "the date does not exist in the calendar"),
        ({"kind": "medium"}, "kind", "must be one of: big, small"),
    ],
)
def test_a_bad_cell_is_named_and_becomes_missing(tmp_path: Path, cells: dict[str, str], column: str, rule: str) -> None:
    raw = read(tmp_path, f"{HEADER}\n{row(kind='big')}\n{row(**cells)}\n")
    assert issues(raw) == [(LABEL, "line 3", column, repr(cells[column]), rule)]
    assert raw.complete is True  # the row was read; only the cell is missing
    assert raw.lines == [2, 3]
    assert pd.isna(raw.frame[column].iloc[1])
    assert raw.frame["kind"].tolist()[0] == "big"


def test_a_long_value_is_shown_cut_to_80_characters(tmp_path: Path) -> None:
    long, fits, over = " " + "a" * 99, "A" * 80, "B" * 81
    raw = read(tmp_path, f"{HEADER}\n{row(label=long)}\n{row(thing_id=fits)}\n{row(thing_id=over)}\n")
    assert issues(raw) == [
        (LABEL, "line 2", "label", repr(long[:77] + "..."), "no leading or trailing whitespace"),
        (
            LABEL,
            "line 3",
            "thing_id",
            repr(fits),
            "an id is a lower-case slug: letters a-z, digits, single hyphens",
        ),
        (
            LABEL,
            "line 4",
            "thing_id",
            repr(over[:77] + "..."),
            "an id is a lower-case slug: letters a-z, digits, single hyphens",
        ),
    ]


def test_every_bad_cell_of_a_file_is_listed_in_order(tmp_path: Path) -> None:
    raw = read(tmp_path, f"{HEADER}\n{row(count='x', day='y')}\n{row(flag='z')}\n")
    assert [(i.row, i.column) for i in raw.issues] == [("line 2", "count"), ("line 2", "day"), ("line 3", "flag")]


def test_a_bare_quote_inside_a_field_is_refused(tmp_path: Path) -> None:
    raw = read(tmp_path, f"{HEADER}\n{row(label='Ak' + chr(34) + 'tau')}\n")
    assert issues(raw) == [
        (
            LABEL,
            "line 2",
            "label",
            repr('Ak"tau'),
            'a field holding a double quote is enclosed in quotes, the quote doubled: "Ak""tau" (RFC 4180)',
        )
    ]


def test_a_cell_problem_comes_before_a_bare_quote(tmp_path: Path) -> None:
    raw = read(tmp_path, f"{HEADER}\n{row(count='1' + chr(34))}\n")
    assert issues(raw) == [
        (LABEL, "line 2", "count", repr('1"'), "an integer is written as plain digits without leading zeros, e.g. 18")
    ]


def test_a_carriage_return_in_a_cell_is_a_line_break() -> None:
    """What the build checks for a cell given as text (a release reason, say): CR is a line break, not a control."""
    text = Column("t", "text", "")
    assert raw_tables.cell_problem(text, "a\rb") == "no line breaks inside a field"
    assert raw_tables.cell_problem(text, "a\nb") == "no line breaks inside a field"
    assert raw_tables.cell_problem(text, "a\tb") is None
    assert raw_tables.cell_problem(Column("t", "text", "", nullable=True), "") is None


# --------------------------------------------------------------------------- lines of records that span lines


def test_a_quoted_line_break_names_the_physical_lines(tmp_path: Path) -> None:
    raw = read(
        tmp_path,
        f'{HEADER}\nx,"first\nsecond",https://e.org,bad,,,,\n{row(count="also")}\n',
    )
    assert issues(raw) == [
        (LABEL, "line 2", "label", repr("first\nsecond"), "no line breaks inside a field"),
        (
            LABEL,
            "line 3 (record from line 2)",
            "count",
            repr("bad"),
            "an integer is written as plain digits without leading zeros, e.g. 18",
        ),
        (
            LABEL,
            "line 4",
            "count",
            repr("also"),
            "an integer is written as plain digits without leading zeros, e.g. 18",
        ),
    ]
    assert raw.lines == [2, 4]
    assert raw.cell_lines[0] == {"homepage": 3, "count": 3, "share": 3, "flag": 3, "day": 3, "kind": 3}
    assert raw.cell_lines[1] == {}
    assert raw.where(0) == "line 2"
    assert raw.where(0, "label") == "line 2"
    assert raw.where(0, "kind") == "line 3 (record from line 2)"
    assert raw.where(1, "kind") == "line 4"


def test_every_line_break_of_a_record_moves_the_cells_after_it(tmp_path: Path) -> None:
    raw = read(tmp_path, f'{HEADER}\nx,"a\nb",https://e.org,"c\nd",bad,,,\n')
    assert raw.cell_lines == [{"homepage": 3, "count": 3, "share": 4, "flag": 4, "day": 4, "kind": 4}]
    assert [(i.row, i.column) for i in raw.issues] == [
        ("line 2", "label"),
        ("line 3 (record from line 2)", "count"),
        ("line 4 (record from line 2)", "share"),
    ]


def test_where_without_cell_lines_names_the_record() -> None:
    """A RawTable made without cell lines (or with fewer than its rows) still names each row's line."""
    raw = RawTable(THINGS, LABEL, raw_tables.empty_frame(THINGS), lines=[2, 5], cell_lines=[{"label": 3}])
    assert raw.where(0, "label") == "line 3 (record from line 2)"
    assert raw.where(1, "label") == "line 5"
    assert RawTable(THINGS, LABEL, raw_tables.empty_frame(THINGS), lines=[7]).where(0, "kind") == "line 7"


def test_a_column_of_a_kind_the_reader_does_not_know_fails_loudly() -> None:
    with pytest.raises(AssertionError, match=r"^decimal$"):
        raw_tables.cell_problem(Column("c", "decimal", ""), "1")  # type: ignore[arg-type]


def test_line_labels_and_their_record() -> None:
    assert raw_tables.line_label(6) == "line 6"
    assert raw_tables.line_label(6, 6) == "line 6"
    assert raw_tables.line_label(6, 7) == "line 7 (record from line 6)"
    assert raw_tables.record_of("line 7 (record from line 6)") == "line 6"
    assert raw_tables.record_of("line 12 (record from line 10)") == "line 10"
    assert raw_tables.record_of("line 6") == "line 6"
    assert raw_tables.record_of("-") == "-"


@pytest.mark.parametrize(
    ("record", "starts", "bare"),
    [
        ('a,"b\nc",d"e', [0, 2, 8], {2}),
        ('"a""b",c', [0, 7], set()),
        ('"a""",b', [0, 6], set()),
        ('"",x', [0, 3], set()),
        ('a"b,c"d"', [0, 4], {0, 1}),
        ("a,,b", [0, 2, 3], set()),
        ('"a,b"', [0], set()),
        ("", [0], set()),
    ],
)
def test_where_each_field_of_a_record_starts(record: str, starts: list[int], bare: set[int]) -> None:
    assert raw_tables._fields_of(record) == (starts, bare)


# --------------------------------------------------------------------------- rows that cannot be split into cells


def test_a_row_with_the_wrong_number_of_fields_is_skipped(tmp_path: Path) -> None:
    raw = read(tmp_path, f"{HEADER}\n{row()}\nshort,row\n{row(thing_id='y')}\n")
    assert issues(raw) == [(LABEL, "line 3", "-", repr("short,row"), "a row has 8 fields, this one has 2")]
    assert raw.complete is False
    assert raw.lines == [2, 4]
    assert raw.frame["thing_id"].tolist() == ["x", "y"]


def test_malformed_csv_stops_the_file_at_its_line(tmp_path: Path) -> None:
    text = f'{HEADER}\n{row()}\n{row(thing_id="y")}\nz,"never closed,,,,,,\n{row(thing_id="w")}\n'
    raw = read(tmp_path, text)
    assert issues(raw) == [(LABEL, "line 5 (record from line 4)", "-", "-", f"malformed CSV: {csv_error(text)}")]
    assert raw.complete is False
    assert raw.frame["thing_id"].tolist() == ["x", "y"]


def test_malformed_csv_in_the_first_row(tmp_path: Path) -> None:
    text = f'{HEADER}\nx,"a"b,,,,,,\n'
    raw = read(tmp_path, text)
    assert issues(raw) == [(LABEL, "line 2", "-", "-", f"malformed CSV: {csv_error(text)}")]
    assert raw.complete is False


# --------------------------------------------------------------------------- the file as a whole


def whole_file_refused(raw: RawTable, rule: str, value: str = "-") -> None:
    assert issues(raw) == [(LABEL, "-", "-", value, rule)]
    assert raw.complete is False
    assert raw.lines == []
    assert_empty_frame(raw.frame)


def test_a_missing_file(tmp_path: Path) -> None:
    raw = read_raw(THINGS, tmp_path / "nothing.csv", LABEL)
    whole_file_refused(raw, f"the file is missing; create it with the header: {HEADER}")


@pytest.mark.parametrize("content", ["", " \n\n"])
def test_an_empty_file(tmp_path: Path, content: str) -> None:
    whole_file_refused(read(tmp_path, content), f"the file is empty; it needs at least the header: {HEADER}")


def test_a_byte_order_mark(tmp_path: Path) -> None:
    raw = read(tmp_path, b"\xef\xbb\xbf" + f"{HEADER}\n{row()}\n".encode())
    whole_file_refused(raw, "the file starts with a byte-order mark; save it as UTF-8 without BOM")


def test_a_header_without_rows(tmp_path: Path) -> None:
    raw = read(tmp_path, f"{HEADER}\n")
    whole_file_refused(raw, "the file has a header but no rows")


def test_a_header_without_rows_is_fine_for_a_table_that_may_be_empty(tmp_path: Path) -> None:
    log = Table("log", "Log", "One entry.", THINGS.columns, may_be_empty=True)  # type: ignore[arg-type]
    raw = read(tmp_path, f"{HEADER}\n", table=log)
    assert issues(raw) == []
    assert raw.complete is True
    assert_empty_frame(raw.frame)


def test_a_header_row_that_is_not_csv(tmp_path: Path) -> None:
    text = 'thing_id,"lab"el\n'
    raw = read(tmp_path, text)
    whole_file_refused(raw, f"the header cannot be parsed as CSV: {csv_error(text)}")


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("thing_id,label,homepage,count,share,flag,day", "missing ['kind']"),
        (f"{HEADER},size", "unexpected ['size']"),
        ("thing_id,label,homepage,count,share,flag,day,zz", "missing ['kind']; unexpected ['zz']"),
        (f"{HEADER},label", "repeated ['label']"),
        ("label,thing_id,homepage,count,share,flag,day,kind", "columns out of order"),
    ],
)
def test_a_wrong_header_says_what_is_wrong(tmp_path: Path, header: str, detail: str) -> None:
    raw = read(tmp_path, f"{header}\n{row()}\n")
    whole_file_refused(raw, f"the header must be exactly: {HEADER} ({detail})", repr(header))


def test_a_long_wrong_header_is_shown_cut(tmp_path: Path) -> None:
    header = HEADER + ",a_very_long_extra_column_name_indeed"
    assert len(header) > 80
    raw = read(tmp_path, f"{header}\n{row()}\n")
    whole_file_refused(
        raw,
        f"the header must be exactly: {HEADER} (unexpected ['a_very_long_extra_column_name_indeed'])",
        repr(header[:77] + "..."),
    )


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (f"{HEADER}\r\n{row()}\r\n", 1),
        (f"{HEADER}\n{row()}\n{row()}\r\n", 3),
        (f"{HEADER}\n{row()}\rmore\n", 2),
    ],
)
def test_carriage_returns_name_the_first_line_that_has_one(tmp_path: Path, content: str, line: int) -> None:
    raw = read(tmp_path, content)
    assert issues(raw) == [
        (
            LABEL,
            f"line {line}",
            "-",
            "-",
            f"line ends must be \\n (LF), not \\r\\n or \\r (line {line} is the first with a \\r); "
            "save the file with LF line ends",
        )
    ]
    assert raw.complete is False
    assert_empty_frame(raw.frame)


@pytest.mark.parametrize(
    ("content", "line", "column", "value"),
    [
        (f"{HEADER}\nx,caf\xe9,,,,,,\n".encode("latin-1"), "line 2", "label", repr(b"\xe9")),
        (f"{HEADER}\n\xe9,,,,,,,\n".encode("latin-1"), "line 2", "thing_id", repr(b"\xe9")),
        (f"{HEADER}\nx,\u00e9t\u00e9,,,,,,\xe9".encode("latin-1"), "line 2", "label", repr(b"\xe9")),
        (f"{HEADER}\nx,,,,,,,big\n{row()}\nx,,,,,,,b\xe9g".encode("latin-1"), "line 4", "kind", repr(b"\xe9")),
        (b"thing_id,lab\xffel\n", "line 1", "label", repr(b"\xff")),
        (f"{HEADER}\nx,caf\xe9,,,,,,\n{row()}\n{row()}\n".encode("latin-1"), "line 2", "label", repr(b"\xe9")),
        (f"{HEADER}\nx,,,,,,,,".encode() + b"\xff\n", "line 2", "-", repr(b"\xff")),  # beyond the header
    ],
)
def test_a_byte_that_is_not_utf8_names_its_line_and_column(
    tmp_path: Path, content: bytes, line: str, column: str, value: str
) -> None:
    raw = read(tmp_path, content)
    assert issues(raw) == [(LABEL, line, column, value, "the file must be UTF-8 encoded")]
    assert raw.complete is False
    assert_empty_frame(raw.frame)


def test_the_column_of_an_encoding_error_after_earlier_multibyte_characters() -> None:
    """Positions count characters, not bytes: an accented letter before the bad byte does not shift the column."""
    data = "x,\u00e9\u00e9\u00e9\u00e9,ab,".encode() + b"\xff"
    assert raw_tables._column_at(data, len(data) - 1, HEADER.split(",")) == "count"
    data = b"\nx,\xff"  # the file's first line is empty
    assert raw_tables._column_at(data, 3, HEADER.split(",")) == "label"
    data = b"x,ab,c\xff"
    assert raw_tables._column_at(data, len(data) - 1, HEADER.split(",")) == "homepage"
    assert raw_tables._column_at(b"\xff", 0, HEADER.split(",")) == "thing_id"
