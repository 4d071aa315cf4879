"""Mutation suite: break the real raw/ one way at a time and demand a precise refusal.

Each case copies a freshly built project (the real ``raw/`` and ``pyproject.toml``,
built once per module into a temporary directory), applies ONE corruption to the
raw CSV files, runs :func:`kzdata._pipeline.build.build` and asserts that

* it raises :class:`~kzdata.errors.RawDataError`,
* the message names the file (``raw/events.csv``), the line (``line 5``) where a
  row is concerned, the column, and the rule broken (by its key words); a problem
  with the file as a whole (header, encoding marks, empty) has no line or column, and
  a row that cannot be split into cells (wrong field count, broken quoting) no column,
* every previously built file (``kzdata/data/**`` and ``datapackage.json``) is
  byte-for-byte unchanged and no staging directory is left behind.

Corruptions find their rows by primary key or take the first data row, and compute
the expected line from the mutated file, so they keep working as ``raw/`` grows.

The raw data comes from the repository root by default. While the real ``raw/`` is
being written, point the suite at another project with
``KZDATA_TEST_RAW_ROOT=/path/to/project`` (a directory holding ``raw/`` and
``pyproject.toml``).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

import kzdata._pipeline.build as run
from kzdata._pipeline.build import build
from kzdata._pipeline.raw_tables import RawTable
from kzdata._registry import REGISTRY, TABLES, Table
from kzdata.errors import Issue, RawDataError
from tests.conftest import copy_source_project, source_root

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real raw/ and pyproject.toml, built once (the known-good output)."""
    root = copy_source_project(tmp_path_factory.mktemp("baseline"))
    try:
        build(root)
    except RawDataError as exc:
        message = f"the unmodified raw/ of {source_root()} does not build, so no corruption can be tested:\n{exc}"
        pytest.fail(message, pytrace=False)
    return root


@pytest.fixture(scope="module")
def baseline_tables(baseline: Path) -> dict[str, tuple[bytes, RawTable]]:
    """The bytes of every raw CSV of the baseline and what the real reader made of them."""
    out = {}
    for table in TABLES:
        file = baseline / "raw" / f"{table.name}.csv"
        out[table.name] = (file.read_bytes(), run.read_raw(table, file, f"raw/{table.name}.csv"))
    return out


@pytest.fixture
def plain_project(baseline: Path, tmp_path: Path) -> Path:
    """A private copy of the built baseline that one test may corrupt."""
    root = tmp_path / "project"
    shutil.copytree(baseline, root)
    return root


@pytest.fixture
def project(
    plain_project: Path, baseline_tables: dict[str, tuple[bytes, RawTable]], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Like :func:`plain_project`, but the build reuses its baseline work on untouched raw files.

    Reading a raw file and its pandera check depend only on that file's bytes, and the
    baseline built cleanly; so for a file whose bytes are unchanged the build gets a copy
    of the baseline's parsed table and an empty schema report, exactly what it would have
    computed. Corrupted files go through the real reader and check, and the cross-table
    rules and the rest of build() run unchanged on every table. This keeps each refused
    build to a fraction of a second; :func:`plain_project` tests run everything.
    """
    read, schema_issues = getattr(run, "read_raw", None), getattr(run, "_schema_issues", None)
    if read is None or schema_issues is None:  # renamed upstream: run everything, just slower
        return plain_project

    def unchanged(name: str) -> bool:
        file = plain_project / "raw" / f"{name}.csv"
        return file.is_file() and file.read_bytes() == baseline_tables[name][0]

    def read_raw(table: Table, file: Path, label: str) -> RawTable:
        if file.is_file() and file.read_bytes() == baseline_tables[table.name][0]:
            done = baseline_tables[table.name][1]
            return dataclasses.replace(done, frame=done.frame.copy(), lines=list(done.lines), issues=list(done.issues))
        return read(table, file, label)  # type: ignore[no-any-return]

    def schema_issues_of_changed_files(raw: RawTable) -> list[Issue]:
        return [] if unchanged(raw.table.name) else schema_issues(raw)  # type: ignore[no-any-return]

    monkeypatch.setattr(run, "read_raw", read_raw)
    monkeypatch.setattr(run, "_schema_issues", schema_issues_of_changed_files)
    return plain_project


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file outside raw/: all the build wrote (data, descriptor, CITATION.cff,
    docs) and any stray file (a staging directory left behind would show up here)."""
    files = [p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "raw"]
    assert any(p.name == "datapackage.json" for p in files), f"nothing built in {root}"
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


# --------------------------------------------------------------------------- raw CSV editing


@dataclass
class RawCsv:
    """One raw CSV file as header + rows of cell text, with the file line of each row."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]

    @classmethod
    def open(cls, root: Path, table: str) -> RawCsv:
        path = root / "raw" / f"{table}.csv"
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), strict=True)
        header = next(reader)
        rows: list[list[str]] = []
        lines: list[int] = []
        line = 2
        for row in reader:
            rows.append(row)
            lines.append(line)
            line = reader.line_num + 1
        return cls(path, header, rows, lines)

    @property
    def table(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        return f"raw/{self.path.name}"

    def col(self, name: str) -> int:
        return self.header.index(name)

    def get(self, i: int, column: str) -> str:
        return self.rows[i][self.col(column)]

    def set(self, i: int, column: str, value: str) -> None:
        self.rows[i][self.col(column)] = value

    def find(self, column: str, value: str) -> int:
        """The position of the first row whose ``column`` is ``value``."""
        for i, row in enumerate(self.rows):
            if row[self.col(column)] == value:
                return i
        raise LookupError(f"{self.label}: no row with {column}={value!r}")

    def append_copy(self, i: int, **cells: str) -> None:
        row = list(self.rows[i])
        for name, value in cells.items():
            row[self.col(name)] = value
        self.rows.append(row)

    def save(self) -> RawCsv:
        """Write the file back (canonical quoting, LF) and return it re-read, with fresh lines."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        self.path.write_text(out.getvalue(), encoding="utf-8", newline="")
        return RawCsv.open(self.path.parents[1], self.table)

    def line_of(self, pk: str) -> int:
        """The line of the row whose primary key is ``pk`` (after :meth:`save`)."""
        return self.lines[self.find(REGISTRY[self.table].primary_key, pk)]


def pk_of(raw: RawCsv, i: int) -> str:
    return raw.get(i, REGISTRY[raw.table].primary_key)


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expected:
    """Where the build must report the corruption and what the rule must say (a regex)."""

    file: str
    line: int | None
    column: str | None
    rule: str


def reported(message: str, exp: Expected) -> bool:
    """True when one line of ``message`` names the file, line, column and rule of ``exp``."""
    for text in message.splitlines():
        if exp.file not in text or not re.search(exp.rule, text):
            continue
        if exp.line is not None and not re.search(rf"\bline {exp.line}\b", text):
            continue
        if exp.column is not None and not re.search(rf"['\"]{re.escape(exp.column)}['\"]", text):
            continue
        return True
    return False


def refuse(root: Path, *expected: Expected) -> RawDataError:
    """Build ``root``; demand a RawDataError reporting every ``expected`` and untouched output."""
    before = snapshot(root)
    with pytest.raises(RawDataError) as info:
        build(root)
    message = str(info.value)
    for exp in expected:
        assert reported(message, exp), f"expected an issue at {exp} in:\n{message}"
    assert snapshot(root) == before, "a failed build changed the previous output"
    return info.value


# --------------------------------------------------------------------------- corruptions
#
# Each takes the project root, corrupts raw/ and returns where the error must point.

Mutation = Callable[[Path], Expected]


def _cell(table: str, column: str, value: str | Callable[[str], str], rule: str, row: int = 0) -> Mutation:
    """Set one cell of the first (or ``row``-th) data row."""

    def mutate(root: Path) -> Expected:
        raw = RawCsv.open(root, table)
        new = value(raw.get(row, column)) if callable(value) else value
        raw.set(row, column, new)
        raw = raw.save()
        return Expected(raw.label, raw.lines[row], column, rule)

    return mutate


def _anchored_cell(column: str, value: Callable[[RawCsv, int], str], rule: str) -> Mutation:
    """Set one anchor cell of the first citation that has an anchor."""

    def mutate(root: Path) -> Expected:
        raw = RawCsv.open(root, "citations")
        i = next(n for n in range(len(raw.rows)) if raw.get(n, "span_sha256"))
        raw.set(i, column, value(raw, i))
        raw = raw.save()
        return Expected(raw.label, raw.lines[i], column, rule)

    return mutate


def _day(text: str, days: int) -> str:
    return (date.fromisoformat(text) + timedelta(days=days)).isoformat()


def duplicate_primary_key(root: Path) -> Expected:
    raw = RawCsv.open(root, "events")
    raw.append_copy(0)
    raw = raw.save()
    return Expected(raw.label, raw.lines[-1], "event_id", r"uniq")


def empty_primary_key(root: Path) -> Expected:
    return _cell("people", "person_id", "", r"required")(root)


def dangling(table: str, column: str) -> Mutation:
    ref = "{}.{}".format(*REGISTRY[table].column(column).references.split("."))  # type: ignore[union-attr]
    return _cell(table, column, "zz-no-such-record", rf"existing {re.escape(ref)}")


def dangling_alias_organization(root: Path) -> Expected:
    """The alias names only an organization, and that organization does not exist."""
    raw = RawCsv.open(root, "aliases")
    for column in ("person_id", "organization_id", "place_id", "reform_id"):
        raw.set(0, column, "")
    raw.set(0, "organization_id", "zz-no-such-organization")
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "organization_id", r"existing organizations\.organization_id")


def day_precision_end_after_start(root: Path) -> Expected:
    raw = RawCsv.open(root, "events")
    start = raw.get(0, "date_start")
    raw.set(0, "date_precision", "day")
    raw.set(0, "date_end", _day(start, 1))
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "date_end", r"day precision")


def month_precision_not_on_first(root: Path) -> Expected:
    raw = RawCsv.open(root, "reforms")
    start = date.fromisoformat(raw.get(0, "date_start"))
    next_month = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    raw.set(0, "date_start", start.replace(day=2).isoformat())
    raw.set(0, "date_end", (next_month - timedelta(days=1)).isoformat())
    raw.set(0, "date_precision", "month")
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "date_start", r"month precision.*first")


def end_before_start(root: Path) -> Expected:
    raw = RawCsv.open(root, "events")
    raw.set(0, "date_end", _day(raw.get(0, "date_start"), -1))
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "date_end", r"end must not be before the start")


def position_end_before_start(root: Path) -> Expected:
    raw = RawCsv.open(root, "positions")
    raw.set(0, "start_date", "2020-06-15")
    raw.set(0, "start_precision", "day")
    raw.set(0, "end_date", "2020-06-14")
    raw.set(0, "end_precision", "day")
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "end_date", r"end must not be before the start")


def position_month_not_on_first(root: Path) -> Expected:
    raw = RawCsv.open(root, "positions")
    raw.set(0, "start_date", "1990-03-15")
    raw.set(0, "start_precision", "month")
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "start_date", r"first day of that month")


def percent_above_100(root: Path) -> Expected:
    """A percent (or percentile) figure of 540; makes the indicator a percentage if none is."""
    indicators = RawCsv.open(root, "indicators")
    units = {r[indicators.col("indicator_id")]: r[indicators.col("unit")] for r in indicators.rows}
    values = RawCsv.open(root, "indicator_values")
    shares = [i for i, r in enumerate(values.rows) if units[r[values.col("indicator_id")]] in ("percent", "percentile")]
    if shares:
        i = shares[0]
    else:
        i = 0
        indicators.set(indicators.find("indicator_id", values.get(0, "indicator_id")), "unit", "percent")
        indicators.save()
    values.set(i, "value", "540")
    values = values.save()
    return Expected(values.label, values.lines[i], "value", r"at most 100")


def document_without_footnote_count(root: Path) -> Expected:
    """A primary document whose footnote_count is left empty."""
    sources = RawCsv.open(root, "sources")
    i = sources.find("kind", "primary_document")
    sources.set(i, "footnote_count", "")
    sources = sources.save()
    return Expected(sources.label, sources.lines[i], "footnote_count", r"states its footnote_count")


def target_before_baseline(root: Path) -> Expected:
    """An observed figure for 1901 and a target for 1900 of the same indicator (both cited)."""
    values = RawCsv.open(root, "indicator_values")
    year = {"date_precision": "year", "date_inferred": "false", "value": "1"}
    values.append_copy(
        0,
        value_id="zz-mutation-observed",
        value_kind="observed",
        date_start="1901-01-01",
        date_end="1901-12-31",
        **year,
    )
    values.append_copy(
        0,
        value_id="zz-mutation-target",
        value_kind="target",
        date_start="1900-01-01",
        date_end="1900-12-31",
        **year,
    )
    values = values.save()
    citations = RawCsv.open(root, "citations")
    for n, record in enumerate(("zz-mutation-observed", "zz-mutation-target")):
        citations.append_copy(
            0, citation_id=f"zz-mutation-citation-{n}", record_table="indicator_values", record_id=record
        )
    citations.save()
    return Expected(values.label, values.line_of("zz-mutation-target"), "date_start", r"target.*baseline")


def uncited_record(root: Path) -> Expected:
    indicators = RawCsv.open(root, "indicators")
    victim = pk_of(indicators, 0)
    citations = RawCsv.open(root, "citations")
    table, record = citations.col("record_table"), citations.col("record_id")
    citations.rows = [r for r in citations.rows if not (r[table] == "indicators" and r[record] == victim)]
    citations.save()
    return Expected(indicators.label, indicators.lines[0], "indicator_id", r"at least one row in citations")


def citation_of_missing_record(root: Path) -> Expected:
    citations = RawCsv.open(root, "citations")
    citations.append_copy(0, citation_id="zz-mutation-citation", record_id="zz-no-such-record")
    citations = citations.save()
    return Expected(citations.label, citations.line_of("zz-mutation-citation"), "record_id", r"existing row")


def paragraph_beyond_count(root: Path) -> Expected:
    sections = RawCsv.open(root, "sections")
    citations = RawCsv.open(root, "citations")
    section = sections.find("section_id", citations.get(0, "section_id"))
    citations.set(0, "paragraph", str(int(sections.get(section, "paragraph_count")) + 1))
    citations = citations.save()
    return Expected(citations.label, citations.lines[0], "paragraph", r"paragraph_count")


def discrepancy_with_one_side(root: Path) -> Expected:
    discrepancies = RawCsv.open(root, "discrepancies")
    victim = pk_of(discrepancies, 0)
    claims = RawCsv.open(root, "discrepancy_claims")
    mine = [i for i, r in enumerate(claims.rows) if r[claims.col("discrepancy_id")] == victim]
    side = min(claims.get(i, "side") for i in mine)
    for i in mine:
        claims.set(i, "side", side)
    claims.save()
    return Expected(discrepancies.label, discrepancies.lines[0], "discrepancy_id", r"at least two sides")


def half_set_claim_record(root: Path) -> Expected:
    claims = RawCsv.open(root, "discrepancy_claims")
    if claims.get(0, "record_table"):
        claims.set(0, "record_id", "")
    else:
        claims.set(0, "record_table", "events")
    claims = claims.save()
    return Expected(claims.label, claims.lines[0], "record_id", r"set together")


def alias_with_two_entities(root: Path) -> Expected:
    aliases = RawCsv.open(root, "aliases")
    if aliases.get(0, "person_id"):
        aliases.set(0, "organization_id", pk_of(RawCsv.open(root, "organizations"), 0))
    else:
        aliases.set(0, "person_id", pk_of(RawCsv.open(root, "people"), 0))
    aliases = aliases.save()
    return Expected(aliases.label, aliases.lines[0], "person_id", r"exactly one of")


def actor_with_no_entity(root: Path) -> Expected:
    actors = RawCsv.open(root, "event_actors")
    actors.set(0, "person_id", "")
    actors.set(0, "organization_id", "")
    actors = actors.save()
    return Expected(actors.label, actors.lines[0], "person_id", r"exactly one of")


def trailing_space_in_foreign_key(root: Path) -> Expected:
    place = pk_of(RawCsv.open(root, "places"), 0)
    return _cell("events", "place_id", place + " ", r"whitespace")(root)


def quoted_newline(root: Path) -> Expected:
    return _cell("events", "description", "First line\nsecond line", r"line break")(root)


def too_few_fields(root: Path) -> Expected:
    raw = RawCsv.open(root, "sources")
    raw.rows[0] = raw.rows[0][:-1]
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], None, rf"has {len(raw.header)} fields, this one has {len(raw.header) - 1}")


def unterminated_quote_last_row(root: Path) -> Expected:
    path = root / "raw" / "citations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '"zz-unterminated,events\n', encoding="utf-8", newline="")
    return Expected("raw/citations.csv", text.count("\n") + 1, None, r"malformed CSV")


def unterminated_quote_first_row(root: Path) -> Expected:
    raw = RawCsv.open(root, "citations")
    if len(raw.rows) < 2:
        pytest.skip("raw/citations.csv needs two rows for the quote to swallow a later one")
    path = root / "raw" / "citations.csv"
    head, first, rest = path.read_text(encoding="utf-8").split("\n", 2)
    path.write_text(f'{head}\n"{first}\n{rest}', encoding="utf-8", newline="")
    return Expected("raw/citations.csv", raw.lines[0], None, r"malformed CSV")


def _header(table: str, edit: Callable[[list[str], list[list[str]]], None], rule: str) -> Mutation:
    def mutate(root: Path) -> Expected:
        raw = RawCsv.open(root, table)
        edit(raw.header, raw.rows)
        raw.save()
        return Expected(raw.label, None, None, rule)

    return mutate


def _drop(name: str) -> Callable[[list[str], list[list[str]]], None]:
    def edit(header: list[str], rows: list[list[str]]) -> None:
        i = header.index(name)
        for row in [header, *rows]:
            del row[i]

    return edit


def _add(name: str) -> Callable[[list[str], list[list[str]]], None]:
    def edit(header: list[str], rows: list[list[str]]) -> None:
        header.append(name)
        for row in rows:
            row.append("x")

    return edit


def _rename(old: str, new: str) -> Callable[[list[str], list[list[str]]], None]:
    def edit(header: list[str], rows: list[list[str]]) -> None:
        header[header.index(old)] = new

    return edit


def _swap(a: int, b: int) -> Callable[[list[str], list[list[str]]], None]:
    def edit(header: list[str], rows: list[list[str]]) -> None:
        for row in [header, *rows]:
            row[a], row[b] = row[b], row[a]

    return edit


def _file(table: str, change: Callable[[bytes], bytes], rule: str) -> Mutation:
    def mutate(root: Path) -> Expected:
        path = root / "raw" / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))
        return Expected(f"raw/{table}.csv", None, None, rule)

    return mutate


def header_only(root: Path) -> Expected:
    table = next(t.name for t in TABLES if not getattr(t, "may_be_empty", False))
    return _file(table, lambda b: b.split(b"\n", 1)[0] + b"\n", r"header but no rows")(root)


def missing_file(root: Path) -> Expected:
    (root / "raw" / "aliases.csv").unlink()
    return Expected("raw/aliases.csv", None, None, r"missing.*alias_id,person_id")


def latin1_cell(root: Path) -> Expected:
    raw = RawCsv.open(root, "people")
    marker = "Zz-mutation caf\u00e9"
    raw.set(0, "description", marker)
    raw = raw.save()
    raw.path.write_bytes(raw.path.read_bytes().replace(marker.encode(), marker.encode("latin-1")))
    return Expected(raw.label, raw.lines[0], None, r"UTF-8")


def non_canonical_number(root: Path) -> Expected:
    return _cell("indicator_values", "value", lambda v: v + ("0" if "." in v else ".0"), r"canonical")(root)


def integer_with_leading_zero(root: Path) -> Expected:
    return _cell("sections", "position", lambda v: "0" + v, r"leading zero")(root)


#: The cases that stay in the inner loop (``pytest -m "not slow"``): one or two of each group
#: of CASES and INPUT_CASES below (one kind of rule each). Every other case is marked slow and
#: runs in the full suite (CI). The registry-wide sweeps further down still check every column
#: and every foreign key in the inner loop, a few builds in all.
INNER_LOOP = {
    # CASES
    "duplicate-primary-key",
    "dangling-events.place_id",
    "impossible-date",
    "end-before-start",
    "negative-number",
    "footnote-beyond-38",
    "target-before-baseline",
    "category-outside-vocabulary",
    "record-without-citation",
    "anchor-given-in-part",
    "missing-column",
    "byte-order-mark",
    "row-with-too-few-fields",
    # INPUT_CASES
    "integer-beyond-64-bits",
    "control-character-nul",
    "table-is-a-fifo",
    "manifest-header",
    "pyproject-broken-toml",
    "licence-missing",
    "merge-cycle",
    "places-in-a-loop",
}
#: Every case id, to check that INNER_LOOP names only cases that exist.
_CASE_IDS: set[str] = set()


def case(mutation: Mutation, id: str, *marks: pytest.MarkDecorator) -> object:
    """One parameter of a mutation test; marked slow unless its id is in :data:`INNER_LOOP`."""
    _CASE_IDS.add(id)
    slow = () if id in INNER_LOOP else (pytest.mark.slow,)
    return pytest.param(mutation, id=id, marks=(*marks, *slow))


CASES = [
    # keys
    case(duplicate_primary_key, "duplicate-primary-key"),
    case(empty_primary_key, "empty-primary-key"),
    case(_cell("people", "person_id", lambda v: " " + v, r"whitespace"), "leading-whitespace-in-id"),
    case(trailing_space_in_foreign_key, "trailing-whitespace-in-foreign-key"),
    case(_cell("places", "place_id", str.upper, r"lower-case"), "id-with-upper-case"),
    # foreign keys, one per table
    case(dangling("events", "place_id"), "dangling-events.place_id"),
    case(dangling("sentences", "person_id"), "dangling-sentences.person_id"),
    case(
        dangling("footnotes", "source_id"),
        "dangling-footnotes.source_id",
    ),
    case(dangling_alias_organization, "dangling-aliases.organization_id"),
    case(dangling("positions", "person_id"), "dangling-positions.person_id"),
    case(dangling("indicator_values", "indicator_id"), "dangling-indicator_values.indicator_id"),
    case(dangling("places", "parent_id"), "dangling-places.parent_id"),
    case(dangling("event_actors", "event_id"), "dangling-event_actors.event_id"),
    case(dangling("authorships", "person_id"), "dangling-authorships.person_id"),
    case(dangling("sections", "source_id"), "dangling-sections.source_id"),
    case(dangling("citations", "section_id"), "dangling-citations.section_id"),
    case(dangling("discrepancy_claims", "discrepancy_id"), "dangling-discrepancy_claims.discrepancy_id"),
    case(dangling("organizations", "country_id"), "dangling-organizations.country_id"),
    case(dangling("reforms", "event_id"), "dangling-reforms.event_id"),
    # dates
    case(_cell("events", "date_start", "5 January 2022", r"YYYY-MM-DD"), "unparseable-date"),
    case(_cell("events", "date_start", "2022-02-30", r"does not exist"), "impossible-date"),
    case(month_precision_not_on_first, "month-precision-not-on-first"),
    case(day_precision_end_after_start, "day-precision-end-not-start"),
    case(end_before_start, "end-before-start"),
    case(position_end_before_start, "position-end-before-start"),
    case(position_month_not_on_first, "position-month-date-not-on-first"),
    # numbers
    case(_cell("indicator_values", "value", "-5", r"not negative"), "negative-number"),
    case(
        _cell("sentences", "prison_years", "-3", r"(greater_than_or_equal_to\(|>= ?|at least )0\b"), "negative-integer"
    ),
    case(
        _cell("sentences", "prison_years", "500", r"(less_than_or_equal_to\(|<= ?|at most )100\b"),
        "absurd-prison-years",
    ),
    case(_cell("places", "latitude", "95", r"(less_than_or_equal_to\(|<= ?|at most )90\b"), "latitude-beyond-pole"),
    case(
        _cell("sections", "paragraph_count", "0", r"(greater_than_or_equal_to\(|>= ?|at least )1\b"), "zero-paragraphs"
    ),
    # The bound is the document's footnote_count in sources (0.2.0), no longer a schema maximum of 38.
    case(_cell("footnotes", "footnote", "39", r"must not exceed the document's footnote_count"), "footnote-beyond-38"),
    case(percent_above_100, "percent-above-100"),
    case(target_before_baseline, "target-before-baseline"),
    # 0.2.0: figure bounds, date bases, footnotes per document (docs/figures.md, docs/dates.md)
    case(_cell("indicator_values", "value_low", "999999", r"value_low is at most value"), "figure-low-above-value"),
    case(
        _cell("indicator_values", "qualifier", "between", r"a range \(between\) has two different bounds"),
        "range-without-two-bounds",
    ),
    case(
        _cell("events", "date_basis", "cited_work_date", r"true exactly when date_basis is not 'stated'"),
        "basis-disagrees-with-flag",
    ),
    case(_cell("events", "date_basis", "", r"required"), "date-without-basis"),
    case(document_without_footnote_count, "document-without-footnote-count"),
    case(_cell("indicator_values", "value", "1e3", r"number"), "number-in-exponent-form"),
    case(_cell("sentences", "prison_years", "18.5", r"integer"), "fractional-integer"),
    case(non_canonical_number, "non-canonical-number"),
    case(integer_with_leading_zero, "integer-with-leading-zero"),
    # vocabularies, booleans, URLs, text
    case(_cell("events", "category", "riot", r"must be one of"), "category-outside-vocabulary"),
    case(_cell("authorships", "role", "translator", r"must be one of"), "role-outside-vocabulary"),
    case(_cell("citations", "record_table", "nope", r"must be one of"), "record-table-not-a-table"),
    case(_cell("events", "date_inferred", "yes", r"true or false"), "boolean-yes"),
    case(_cell("sources", "url", "www.example.org/page", r"https?://"), "url-without-scheme"),
    case(_cell("people", "name", "", r"required"), "empty-required-text"),
    case(quoted_newline, "quoted-field-with-newline"),
    # citations and cross-table rules
    case(uncited_record, "record-without-citation"),
    case(citation_of_missing_record, "citation-of-missing-record"),
    case(paragraph_beyond_count, "citation-paragraph-beyond-count"),
    case(discrepancy_with_one_side, "discrepancy-with-one-side"),
    case(half_set_claim_record, "claim-record-half-set"),
    case(alias_with_two_entities, "exactly-one-broken-in-aliases"),
    case(actor_with_no_entity, "exactly-one-broken-in-event_actors"),
    case(_anchored_cell("span_sha256", lambda raw, i: "", r"together or not at all"), "anchor-given-in-part"),
    case(_anchored_cell("span_end", lambda raw, i: raw.get(i, "span_start"), r"after span_start"), "anchor-empty"),
    case(_anchored_cell("span_sha256", lambda raw, i: "sha256:" + "A" * 64, r"64 lower-case hex"), "anchor-bad-hash"),
    case(_anchored_cell("span_start", lambda raw, i: "-1", r"greater than or equal|>= 0|at least"), "anchor-negative"),
    # header
    case(_header("people", _drop("description"), r"missing \['description'\]"), "missing-column"),
    case(_header("changes", _add("comment"), r"unexpected \['comment'\]"), "extra-column"),
    case(
        _header("organizations", _rename("kind", "type"), r"missing \['kind'\].*unexpected \['type'\]"),
        "renamed-column",
    ),
    case(_header("authorships", _swap(1, 2), r"out of order"), "columns-out-of-order"),
    # the file as a whole
    case(latin1_cell, "latin-1-bytes"),
    case(_file("events", lambda b: b"\xef\xbb\xbf" + b, r"byte-order mark"), "byte-order-mark"),
    case(_file("places", lambda b: b"", r"empty"), "empty-file"),
    case(header_only, "header-only-file"),
    case(_file("footnotes", lambda b: b.replace(b"\n", b"\r\n"), r"line ends"), "crlf-line-ends"),
    case(missing_file, "missing-file"),
    case(
        too_few_fields,
        "row-with-too-few-fields",
    ),
    case(unterminated_quote_last_row, "unterminated-quote-at-end"),
    case(
        unterminated_quote_first_row,
        "unterminated-quote-in-first-row",
    ),
]


@pytest.mark.parametrize("mutation", CASES)
def test_corruption_is_refused_precisely(project: Path, mutation: Mutation) -> None:
    expected = mutation(project)
    refuse(project, expected)


# --------------------------------------------------------------------------- registry-wide sweeps
#
# One build each: corrupt the first row of every table in every column of a kind at
# once, and demand an issue for each cell (proves no column escapes its check).

BAD_TEXT: dict[str, tuple[str, str]] = {
    "id": ("Not A Slug", r"lower-case slug"),
    "text": (" padded", r"whitespace"),
    "url": ("ftp://example.org/x", r"https?://"),
    "integer": ("1.5", r"integer"),
    "number": ("1,5", r"number"),
    "boolean": ("yes", r"true or false"),
    "date": ("2022-13-45", r"YYYY-MM-DD|does not exist"),
    "category": ("zz-not-allowed", r"must be one of"),
}


def _sweep(root: Path, pick: Callable[[str, str], str | None]) -> list[Expected]:
    """Set row 0, column c of every table to ``pick(table, c)`` (None: leave it; empty tables are left)."""
    expected = []
    for table in TABLES:
        raw = RawCsv.open(root, table.name)
        if not raw.rows:
            continue
        touched = []
        for column in table.raw_column_names:
            value = pick(table.name, column)
            if value is not None:
                raw.set(0, column, value)
                touched.append(column)
        raw = raw.save()
        expected += [Expected(raw.label, raw.lines[0], c, "") for c in touched]
    return expected


def _sweep_kinds(root: Path, kinds: set[str]) -> None:
    """Give row 0 of every table a bad value in every column of ``kinds``; demand each is reported."""

    def pick(table: str, column: str) -> str | None:
        kind = REGISTRY[table].column(column).kind
        return BAD_TEXT[kind][0] if kind in kinds else None

    expected = [
        Expected(e.file, e.line, e.column, BAD_TEXT[REGISTRY[e.file[4:-4]].column(str(e.column)).kind][1])
        for e in _sweep(root, pick)
    ]
    assert {REGISTRY[e.file[4:-4]].column(str(e.column)).kind for e in expected} == kinds
    refuse(root, *expected)


@pytest.mark.slow
def test_every_text_url_number_boolean_and_date_column_is_parsed_strictly(project: Path) -> None:
    _sweep_kinds(project, {"text", "url", "integer", "number", "boolean", "date"})


@pytest.mark.slow
def test_every_id_and_category_column_is_parsed_strictly(project: Path) -> None:
    _sweep_kinds(project, {"id", "category"})


@pytest.mark.slow
def test_every_required_column_is_enforced(project: Path) -> None:
    def pick(table: str, column: str) -> str | None:
        return None if REGISTRY[table].column(column).nullable else ""

    expected = [Expected(e.file, e.line, e.column, r"required") for e in _sweep(project, pick)]
    refuse(project, *expected)


@pytest.mark.slow
def test_every_foreign_key_is_enforced(project: Path) -> None:
    def pick(table: str, column: str) -> str | None:
        return "zz-no-such-record" if REGISTRY[table].column(column).references else None

    expected = [
        Expected(
            e.file, e.line, e.column, r"existing " + re.escape(str(REGISTRY[e.file[4:-4]].column(e.column).references))
        )
        for e in _sweep(project, pick)
        if e.column
    ]
    assert len(expected) == sum(len(t.foreign_keys) for t in TABLES)
    refuse(project, *expected)


# --------------------------------------------------------------------------- message quality


@pytest.mark.slow
def test_every_problem_is_listed_with_a_count(plain_project: Path) -> None:
    """Two corruptions in two files, both reported; this build runs every check for real."""
    _cell("events", "category", "riot", r"must be one of")(plain_project)
    _cell("people", "person_id", "Bad Id", r"lower-case")(plain_project)
    error = refuse(
        plain_project,
        Expected("raw/events.csv", 2, "category", r"must be one of"),
        Expected("raw/people.csv", 2, "person_id", r"lower-case"),
    )
    message = str(error)
    assert message.startswith(f"{len(error.issues)} problem")
    assert "nothing was written" in message
    assert "kzdata build" in message
    assert isinstance(error, ValueError)


def test_values_are_shown_as_written(project: Path) -> None:
    expected = _cell("sentences", "prison_years", "500", r"100")(project)
    message = str(refuse(project, expected))
    assert "value 500 " in message
    assert "np." not in message


def test_issues_are_listed_in_file_order(project: Path) -> None:
    raw = RawCsv.open(project, "citations")
    if len(raw.rows) < 9:
        pytest.skip("raw/citations.csv needs 9 rows")
    raw.set(0, "record_table", "nope")
    raw.set(8, "record_table", "nope")
    raw = raw.save()
    first, ninth = (Expected(raw.label, raw.lines[i], "record_table", r"one of") for i in (0, 8))
    message = str(refuse(project, first, ninth))
    assert message.index(f"line {raw.lines[0]},") < message.index(f"line {raw.lines[8]},")


def test_encoding_error_names_the_column(project: Path) -> None:
    expected = latin1_cell(project)
    refuse(project, Expected(expected.file, expected.line, "description", expected.rule))


@pytest.mark.parametrize(
    "mutation",
    [
        pytest.param(latin1_cell, id="latin-1-bytes"),
        pytest.param(unterminated_quote_first_row, id="unterminated-quote-in-first-row"),
        pytest.param(too_few_fields, id="row-with-too-few-fields"),
    ],
)
def test_an_unreadable_file_is_reported_without_a_cascade(project: Path, mutation: Mutation) -> None:
    expected = mutation(project)
    error = refuse(project, Expected(expected.file, None, expected.column, expected.rule))
    others = sorted({i.where for i in error.issues} - {expected.file})
    assert not others, f"one unreadable file also produced problems in {others}:\n{error}"


# --------------------------------------------------------------------------- inputs the build cannot use (issue 11)
#
# Each case is run through the command line (`kzdata build --root`): exit code 1, the
# problem listed with its file (and line), no traceback, every previous output unchanged.


def _whole(path: str, rule: str) -> Expected:
    return Expected(path, None, None, rule)


def table_is_a_directory(root: Path) -> Expected:
    (root / "raw" / "places.csv").unlink()
    (root / "raw" / "places.csv").mkdir()
    return _whole("raw/places.csv", r"is a directory, not a regular file")


def table_is_a_fifo(root: Path) -> Expected:
    (root / "raw" / "events.csv").unlink()
    os.mkfifo(root / "raw" / "events.csv")
    return _whole("raw/events.csv", r"FIFO.*not a regular file")


def table_links_to_an_endless_device(root: Path) -> Expected:
    (root / "raw" / "footnotes.csv").unlink()
    (root / "raw" / "footnotes.csv").symlink_to("/dev/zero")
    return _whole("raw/footnotes.csv", r"a device, not a regular file")


def table_beyond_the_size_limit(root: Path) -> Expected:
    import kzdata._pipeline.inputs as inputs

    size = (root / "raw" / "releases" / "0.1.0.csv").stat().st_size
    inputs.MAX_BYTES = size - 1  # restored by the fixture below
    return _whole("raw/releases/0.1.0.csv", rf"{size} bytes, more than the limit")


def _manifest(change: Callable[[bytes], bytes], rule: str, line: int | None = None) -> Mutation:
    def mutate(root: Path) -> Expected:
        path = root / "raw" / "releases" / "0.1.0.csv"
        path.write_bytes(change(path.read_bytes()))
        return Expected("raw/releases/0.1.0.csv", line, None, rule)

    return mutate


def manifests_folder_missing(root: Path) -> Expected:
    shutil.rmtree(root / "raw" / "releases")
    return _whole("raw/releases/", r"folder of release manifests is missing")


def manifest_named_badly(root: Path) -> Expected:
    (root / "raw" / "releases" / "0.1.0.csv").rename(root / "raw" / "releases" / "first.csv")
    return _whole("raw/releases/first.csv", r"named <MAJOR.MINOR.PATCH>.csv")


def _pyproject(change: Callable[[str], str], rule: str, line: int | None = None) -> Mutation:
    def mutate(root: Path) -> Expected:
        path = root / "pyproject.toml"
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        return Expected("pyproject.toml", line, None, rule)

    return mutate


def _drop_release_file(path: str) -> Mutation:
    def mutate(root: Path) -> Expected:
        (root / path).unlink()
        return _whole(path, r"the release needs this file")

    return mutate


def _log(*rows: tuple[str, str, str, str, str], rule: str, column: str = "merged_into", at: int = -1) -> Mutation:
    """Append change-log rows ``(change_id, change, record_table, record_id, merged_into)``; expect row ``at``."""

    def mutate(root: Path) -> Expected:
        raw = RawCsv.open(root, "changes")
        for change_id, change, table, record_id, target in rows:
            raw.rows.append([change_id, "0.1.0", change, table, record_id, target, "mutation test"])
        raw = raw.save()
        return Expected(raw.label, raw.lines[at], column, rule)

    return mutate


def merge_into_another_table(root: Path) -> Expected:
    event = RawCsv.open(root, "events").get(0, "event_id")
    return _log(("zz-m", "merged", "people", "zz-gone", event), rule=r"existing record of the same record_table")(root)


def place_inside_itself(root: Path) -> Expected:
    raw = RawCsv.open(root, "places")
    raw.set(0, "parent_id", raw.get(0, "place_id"))
    raw = raw.save()
    return Expected(raw.label, raw.lines[0], "parent_id", r"no loops in the places hierarchy")


def places_in_a_loop(root: Path) -> Expected:
    raw = RawCsv.open(root, "places")
    if len(raw.rows) < 2:
        pytest.skip("needs two places")
    raw.set(0, "parent_id", raw.get(1, "place_id"))
    raw.set(1, "parent_id", raw.get(0, "place_id"))
    raw = raw.save()
    return Expected(raw.label, raw.lines[1], "parent_id", r"no loops in the places hierarchy")


INPUT_CASES = [
    # numbers that cannot be stored
    case(_cell("sentences", "prison_years", "99999999999999999999", r"fit in 64 bits"), "integer-beyond-64-bits"),
    case(_cell("indicator_values", "value", "1" * 5000, r"at most 40 characters"), "number-of-5000-digits"),
    case(
        _cell(
            "indicator_values",
            "value",
            "12345678901234567890",
            r"more significant digits than a 64-bit float.*stored as 12345678901234567000",
        ),
        "number-beyond-float-precision",
    ),
    case(_cell("sections", "paragraph_count", "9" * 4400, r"at most 40 characters"), "integer-of-4400-digits"),
    # text
    case(_cell("people", "name", "Ab\x07c", r"no control characters"), "control-character-bell"),
    case(_cell("events", "title", "a\x1b[31mred", r"no control characters"), "control-character-escape"),
    case(_cell("people", "description", "nul\x00here", r"no control characters"), "control-character-nul"),
    case(_cell("places", "name", "Al\u202ematy", r"no control characters"), "bidi-override"),
    case(_cell("people", "name", "Ab\u200bc", r"no control characters"), "zero-width-space"),
    # files that are not files
    case(table_is_a_directory, "table-is-a-directory"),
    case(table_is_a_fifo, "table-is-a-fifo"),
    case(table_links_to_an_endless_device, "table-is-a-link-to-dev-zero"),
    case(table_beyond_the_size_limit, "table-beyond-size-limit"),
    # release manifests
    case(manifests_folder_missing, "manifest-folder-missing"),
    case(_manifest(lambda b: b"\xef\xbb\xbf" + b, r"byte-order mark"), "manifest-with-bom"),
    case(_manifest(lambda b: b + b"people,caf\xe9\n", r"UTF-8", line=None), "manifest-non-utf8"),
    case(_manifest(lambda b: b.replace(b"record_table", b"table", 1), r"header must be exactly"), "manifest-header"),
    case(_manifest(lambda b: b + b"nope,x\n", r"a table name and an id"), "manifest-unknown-table"),
    case(manifest_named_badly, "manifest-not-a-version"),
    # pyproject.toml
    case(_pyproject(lambda t: t + "\n[broken\n", r"not valid TOML"), "pyproject-broken-toml"),
    case(_pyproject(lambda t: re.sub(r'(?m)^version = ".*"\n', "", t, count=1), r"needs a version"), "no-version"),
    case(
        _pyproject(lambda t: re.sub(r'(?m)^version = ".*"$', 'version = "first"', t, count=1), r"MAJOR.MINOR.PATCH"),
        "bad-ver",
    ),
    case(_pyproject(lambda t: t.replace("[project]", "[project]\n\x00", 1), r"TOML"), "pyproject-nul-byte"),
    # release files
    case(_drop_release_file("LICENSE-DATA"), "licence-missing"),
    case(_drop_release_file("docs/dataset-card.md"), "dataset-card-missing"),
    # the change log's merge graph and versions
    case(_log(("zz-m", "merged", "people", "zz-gone", "zz-gone"), rule=r"merged into itself"), "self-merge"),
    case(_log(("zz-m", "merged", "people", "zz-gone", "zz-nowhere"), rule=r"existing record"), "merge-to-nothing"),
    case(merge_into_another_table, "merge-into-another-table"),
    case(_log(("zz-m", "merged", "people", "zz-gone", ""), rule=r"names the id that replaces it"), "merge-no-target"),
    case(
        _log(
            ("zz-r", "retracted", "people", "zz-retired", ""),
            ("zz-m", "merged", "people", "zz-gone", "zz-retired"),
            rule=r"itself retracted, merged or renamed",
        ),
        "merge-into-retracted",
    ),
    case(
        _log(
            ("zz-a", "merged", "people", "zz-one", "zz-two"),
            ("zz-b", "merged", "people", "zz-two", "zz-one"),
            rule=r"itself retracted, merged or renamed",
        ),
        "merge-cycle",
    ),
    case(
        _log(("zz-c", "corrected", "people", "zz-gone", "zz-other"), rule=r"only a merged or renamed record"),
        "target-without-merge",
    ),
    case(_cell("changes", "version", "1.0", r"MAJOR.MINOR.PATCH"), "change-version-not-a-version"),
    case(_cell("changes", "version", "0.0.9", r"has no manifest", row=0), "change-version-without-manifest"),
    # hierarchies
    case(place_inside_itself, "place-inside-itself"),
    case(places_in_a_loop, "places-in-a-loop"),
]


def test_every_inner_loop_case_exists() -> None:
    assert sorted(INNER_LOOP - _CASE_IDS) == []


@pytest.fixture
def _size_limit() -> object:
    import kzdata._pipeline.inputs as inputs

    saved = inputs.MAX_BYTES
    yield
    inputs.MAX_BYTES = saved


@pytest.mark.usefixtures("_size_limit")
@pytest.mark.parametrize("mutation", INPUT_CASES)
def test_an_unusable_input_is_reported_by_the_command(
    project: Path, mutation: Mutation, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzdata._cli import main

    expected = mutation(project)
    before = snapshot(project)
    code = main(["build", "--root", str(project)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    assert "nothing was written" in err
    assert reported(err, expected), f"expected an issue at {expected} in:\n{err}"
    assert snapshot(project) == before, "a failed build changed the previous output"
    assert not list(project.glob("kzdata/.data-*")), "no staging directory is left behind"
