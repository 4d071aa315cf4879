"""Read one ``raw/<table>.csv`` into a typed DataFrame, collecting every bad cell.

The raw CSV conventions (also in ``docs/raw-format.md``):

* UTF-8 without a byte-order mark, RFC 4180 quoting, a header row that lists
  exactly the table's raw columns in registry order;
* an empty field means missing; there are no empty strings;
* no leading or trailing whitespace and no line breaks inside a field;
* ids are lower-case slugs, dates ``YYYY-MM-DD``, booleans ``true``/``false``,
  integers plain digits, numbers plain decimals, categories one of the allowed values.

Parsing never stops at the first problem: each bad cell becomes an :class:`Issue`
naming file, line, column, value and rule, and the cell becomes missing so the
remaining checks still run.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kzdata._canonical import format_number
from kzdata._pipeline.inputs import read_input
from kzdata._registry import ID_PATTERN, URL_PATTERN, Column, Table
from kzdata.errors import Issue

_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ID = re.compile(ID_PATTERN)
_URL = re.compile(URL_PATTERN)
_CONTROL = re.compile(
    "["
    "\x00-\x08\x0a-\x1f\x7f-\x9f"  # control characters (C0 but TAB, DEL, C1)
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"  # Arabic and Syriac format marks, Arabic letter mark
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters that display as nothing
    "\u180e"  # Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, joiners, left-to-right and right-to-left marks
    "\u2028-\u202e"  # line and paragraph separators, bidirectional embeddings and overrides
    "\u2060-\u206f"  # word joiner, invisible operators, bidirectional isolates, deprecated format characters
    "\ufeff"  # byte-order mark (zero-width no-break space)
    "\ufff9-\ufffb"  # interlinear annotation
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"  # other format
    "\U000e0000-\U000e007f"  # tag characters
    "]"
)
"""Characters refused in any cell because they reach terminals and spreadsheets unseen: control
characters, line and paragraph separators, every invisible formatting character (Unicode category
Cf, spelt out so the rule does not change with Python's Unicode version: zero-width characters,
soft hyphen, bidirectional marks, embeddings, overrides and isolates, which can make a name display
as another, tag characters), the combining grapheme joiner and the Hangul fillers, which are letters
that display as nothing. TAB is text. Listed in docs/raw-format.md."""
INT64_MAX = 2**63 - 1
MAX_NUMBER_CHARS = 40
"""Longer numbers are refused before they are parsed (a float has 17 significant digits)."""


@dataclass
class RawTable:
    """A parsed raw table: the typed frame, the file line of each row, and the issues."""

    table: Table
    file: str
    frame: pd.DataFrame
    lines: list[int] = field(default_factory=list)
    """The physical line where each row's record starts (the header is line 1)."""
    issues: list[Issue] = field(default_factory=list)
    complete: bool = True
    """False when some rows could not be read at all: cross-table rules would then only cascade."""
    cell_lines: list[dict[str, int]] = field(default_factory=list)
    """For each row, the physical line where a cell starts, for the cells that do not start on
    the record's first line (only after a quoted line break; usually empty)."""

    def where(self, row: int, column: str | None = None) -> str:
        """The ``row`` of an Issue about ``column`` of the row at position ``row`` (see :func:`line_label`)."""
        cells = self.cell_lines[row] if row < len(self.cell_lines) else {}
        return line_label(self.lines[row], cells.get(column or "", self.lines[row]))


def line_label(record: int, cell: int | None = None) -> str:
    """How a problem names its line: the physical line of the record, and of the cell when it differs.

    Lines are physical lines of the file, counted from 1 (the header). A record normally is one
    line; a quoted line break (itself refused) makes it span several, and a problem in a cell that
    starts on a later line names that line first, then the record's:

    >>> line_label(6)
    'line 6'
    >>> line_label(6, 7)
    'line 7 (record from line 6)'
    """
    if cell is None or cell == record:
        return f"line {record}"
    return f"line {cell} (record from line {record})"


_RECORD = re.compile(r"record from (line \d+)\)$")


def record_of(row: str) -> str:
    """The record part of an Issue's ``row``: ``line 6`` for ``line 7 (record from line 6)``."""
    found = _RECORD.search(row)
    return found.group(1) if found else row


def _show(value: str) -> str:
    return repr(value) if len(value) <= 80 else repr(value[:77] + "...")


def _parse(column: Column, text: str) -> tuple[object, str | None]:
    """Return ``(value, None)`` or ``(None, rule broken)``."""
    kind = column.kind
    if kind in ("text", "id", "url"):
        if kind == "id" and not _ID.match(text):
            return None, "an id is a lower-case slug: letters a-z, digits, single hyphens"
        if kind == "url" and not _URL.match(text):
            return None, "a URL starts with http:// or https:// and has no spaces"
        return text, None
    if kind in ("integer", "number") and len(text) > MAX_NUMBER_CHARS:
        return None, f"a number has at most {MAX_NUMBER_CHARS} characters; this one has {len(text)}"
    if kind == "integer":
        if _INTEGER.match(text) and abs(int(text)) > INT64_MAX:
            return None, f"an integer must fit in 64 bits (between -{INT64_MAX} and {INT64_MAX})"
        if not _INTEGER.match(text) or str(int(text)) != text:
            return None, "an integer is written as plain digits without leading zeros, e.g. 18"
        return int(text), None
    if kind == "number":
        if not _NUMBER.match(text) or not math.isfinite(float(text)):
            return None, "a number is written as plain decimal digits, e.g. 2500 or 0.5"
        canonical = format_number(float(text))
        if Decimal(canonical) != Decimal(text):
            return None, (
                f"the number has more significant digits than a 64-bit float keeps (about 17); it would be "
                f"stored as {canonical}: round it to at most 17 significant digits"
            )
        if canonical != text:
            return None, f"write the number in canonical form, {canonical}, so it round-trips"
        return float(text), None
    if kind == "boolean":
        if text not in ("true", "false"):
            return None, "a boolean is written true or false"
        return text == "true", None
    if kind == "date":
        if not _DATE.match(text):
            return None, "a date is written YYYY-MM-DD"
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return None, "the date does not exist in the calendar"
    if kind == "category":
        if text not in column.enum:
            return None, f"must be one of: {', '.join(column.enum)}"
        return text, None
    raise AssertionError(kind)  # pragma: no cover - the registry only uses the kinds above


def _array(column: Column, values: list[object]) -> object:
    kind = column.kind
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"), errors="raise").astype("datetime64[ms]").array
    if kind == "category":
        return pd.Categorical(values, categories=list(column.enum))
    return pd.array(values, dtype=column.pandas_dtype)


def read_raw(table: Table, file: Path, label: str) -> RawTable:
    """Parse ``file`` (shown as ``label`` in messages) against ``table``'s raw columns."""
    raw = RawTable(table, label, pd.DataFrame())
    raw_columns = [c for c in table.columns if not c.derived]
    expected = [c.name for c in raw_columns]

    def whole_file(rule: str, value: str = "-") -> RawTable:
        raw.issues.append(Issue(label, "-", "-", value, rule))
        raw.frame = empty_frame(table)
        raw.complete = False
        return raw

    data = read_input(file, label, missing=f"the file is missing; create it with the header: {','.join(expected)}")
    if isinstance(data, Issue):
        raw.issues.append(data)
        raw.frame = empty_frame(table)
        raw.complete = False
        return raw
    if not data.strip():
        return whole_file(f"the file is empty; it needs at least the header: {','.join(expected)}")
    if data.startswith(b"\xef\xbb\xbf"):
        return whole_file("the file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = _column_at(data, exc.start, expected)
        bad = repr(data[exc.start : exc.end])
        raw.issues.append(Issue(label, f"line {line}", where, bad, "the file must be UTF-8 encoded"))
        raw.frame = empty_frame(table)
        raw.complete = False
        return raw
    if "\r" in text:
        first = text[: text.index("\r")].count("\n") + 1
        raw.issues.append(
            Issue(
                label,
                f"line {first}",
                "-",
                "-",
                f"line ends must be \\n (LF), not \\r\\n or \\r (line {first} is the first with a \\r); "
                "save the file with LF line ends",
            )
        )
        raw.frame = empty_frame(table)
        raw.complete = False
        return raw

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return whole_file(f"the header cannot be parsed as CSV: {exc}")
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"unexpected {extra}")
        repeated = sorted({c for c in header if header.count(c) > 1})
        if repeated:
            detail.append(f"repeated {repeated}")
        if not detail:
            detail.append("columns out of order")
        return whole_file(
            f"the header must be exactly: {','.join(expected)} ({'; '.join(detail)})", _show(",".join(header))
        )

    columns: dict[str, list[object]] = {c: [] for c in expected}
    physical = text.split("\n")
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raw.issues.append(Issue(label, line_label(line, reader.line_num), "-", "-", f"malformed CSV: {exc}"))
            raw.complete = False
            break
        start_line, line = line, reader.line_num + 1
        if len(row) != len(expected):
            raw.issues.append(
                Issue(
                    label,
                    line_label(start_line),
                    "-",
                    _show(",".join(row)),
                    f"a row has {len(expected)} fields, this one has {len(row)}",
                )
            )
            raw.complete = False
            continue
        record = "\n".join(physical[start_line - 1 : line - 1])
        starts, bare = _fields_of(record)
        cell_lines = {
            column.name: start_line + record.count("\n", 0, offset)
            for column, offset in zip(raw_columns, starts, strict=True)
            if record.count("\n", 0, offset)
        }
        raw.lines.append(start_line)
        raw.cell_lines.append(cell_lines)
        for index, (column, cell) in enumerate(zip(raw_columns, row, strict=True)):
            value, problem = _cell(column, cell)
            if not problem and index in bare:
                problem = (
                    'a field holding a double quote is enclosed in quotes, the quote doubled: "Ak""tau" (RFC 4180)'
                )
            if problem:
                where = line_label(start_line, cell_lines.get(column.name))
                raw.issues.append(Issue(label, where, column.name, _show(cell), problem))
            columns[column.name].append(value)
    if not raw.lines and not raw.issues and not table.may_be_empty:
        raw.issues.append(Issue(label, "-", "-", "-", "the file has a header but no rows"))
        raw.complete = False
    frame = pd.DataFrame({c.name: _array(c, columns[c.name]) for c in raw_columns})
    raw.frame = frame
    return raw


def _fields_of(record: str) -> tuple[list[int], set[int]]:
    r"""Where each field of one CSV record starts (offsets into ``record``), and which fields hold a bare quote.

    ``record`` is the text of one record that :mod:`csv` parsed strictly, so a quoted field is
    always followed by a comma or the end. A double quote inside an unquoted field (``Ak"tau``)
    is what RFC 4180 forbids and Python's reader lets through.

    >>> _fields_of('a,"b\nc",d"e')
    ([0, 2, 8], {2})
    """
    starts, bare = [0], set()
    i, end, index = 0, len(record), 0
    while True:
        if i < end and record[i] == '"':
            i += 1
            while i < end:
                if record[i] == '"':
                    if i + 1 < end and record[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        else:
            while i < end and record[i] != ",":
                if record[i] == '"':
                    bare.add(index)
                i += 1
        if i < end and record[i] == ",":
            i += 1
            index += 1
            starts.append(i)
            continue
        return starts, bare


def _column_at(data: bytes, offset: int, header: list[str]) -> str:
    """The header name of the field holding byte ``offset`` (for encoding errors)."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    line = data[start : end if end >= 0 else len(data)].decode("utf-8", "surrogateescape")
    position = len(data[start:offset].decode("utf-8", "surrogateescape"))
    consumed = 0
    for index, cell in enumerate(next(csv.reader([line]), [])):
        consumed += len(cell) + 1
        if position < consumed and index < len(header):
            return header[index]
    return "-"


def cell_problem(column: Column, cell: str) -> str | None:
    """The rule ``cell`` breaks as the text of a raw cell of ``column``, or None (what the build checks)."""
    return _cell(column, cell)[1]


def _cell(column: Column, cell: str) -> tuple[object, str | None]:
    if cell == "":
        if column.nullable:
            return None, None
        return None, "a value is required (an empty field means missing)"
    if cell != cell.strip():
        return None, "no leading or trailing whitespace"
    if "\n" in cell or "\r" in cell:
        return None, "no line breaks inside a field"
    if _CONTROL.search(cell):
        return None, (
            "no control characters or invisible formatting (escape, NUL, bell, zero-width, bidirectional "
            "overrides...; a tab is allowed) inside a field; remove them"
        )
    return _parse(column, cell)


def empty_frame(table: Table) -> pd.DataFrame:
    """A frame with the table's raw columns and dtypes and no rows."""
    return pd.DataFrame({c.name: _array(c, []) for c in table.columns if not c.derived})
