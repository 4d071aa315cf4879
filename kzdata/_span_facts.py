"""``kzdata verify-sources DIR --facts``: does each row's anchored span state the row's numbers and names?

An anchor (docs/anchors.md) proves that the cited sentences are still in the document; it
does not prove that they say what the row says. This module closes that gap for the rows
whose facts are numbers and names (``sentences``, ``indicator_values``, ``events`` and
``event_actors``): it takes from each row the numbers, date parts and names the row states
and looks for each in the normalised text of the spans the row's citations anchor. A fact
may be stated across a row's several citations, so the union of their spans counts; each
single fact must be in one span. docs/anchors.md ("Numbers and names in their spans")
defines what is taken from each row and how a match is made; this module is its one
implementation.

It reads the documents exactly as :func:`kzdata.verify_sources` does (same skeletons, same
normalisation) and imports pandas only to read the release's own tables.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal, cast

from kzdata._anchors import Anchor, _find, document_lines, identify, locate, read_guarded, read_skeletons
from kzdata._registry import (
    ALIASES,
    CITATIONS,
    EVENT_ACTORS,
    EVENTS,
    INDICATOR_VALUES,
    ORGANIZATIONS,
    PEOPLE,
    PLACES,
    SENTENCES,
)
from kzdata._verify_sources import (
    MAX_CITATIONS_BYTES,
    _anchor,
    _path_argument,
    _read_documents,
)
from kzdata.errors import InvalidArgumentError

#: The tables whose rows are checked, in the order they are reported.
CHECKED_TABLES: tuple[str, ...] = (SENTENCES.name, INDICATOR_VALUES.name, EVENTS.name, EVENT_ACTORS.name)
#: The tables that give the names of the entities a row links to.
NAME_TABLES: tuple[str, ...] = (PEOPLE.name, PLACES.name, ORGANIZATIONS.name, ALIASES.name)
#: The largest raw-shaped table read from ``--tables DIR``.
MAX_TABLE_BYTES = 64 * 1024 * 1024

Kind = Literal["number", "date", "name"]

#: The country both documents are about: it is the place of an event that happens across it
#: or at the national level, stated by the documents' subject rather than by a sentence, so a
#: row's link to it is not looked for (any other country, region or city is).
SUBJECT_PLACE = "kazakhstan"

#: How the documents refer to an entity without its name: common nouns and titles that, in
#: these documents, can only mean that entity. Matched with their case (the capital of
#: "Members" and "Court" is what makes them references). Entity-wide, each with its reason;
#: not aliases (which name an entity anywhere), so they stay here and do not ship as data.
REFERENCES: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    (ORGANIZATIONS.name, "government-of-kazakhstan"): (
        ("government", "Government", "Kazakhstan's leadership"),
        "the documents call Kazakhstan's executive 'the government' (or its 'leadership')",
    ),
    (ORGANIZATIONS.name, "kazakh-law-enforcement"): (
        ("police", "law enforcement"),
        "the organization stands for the police and law enforcement of Kazakhstan, which the documents name so",
    ),
    (ORGANIZATIONS.name, "kazakh-armed-forces"): (("Kazakh troops",), "Kazakhstan's armed forces are its troops"),
    (ORGANIZATIONS.name, "russian-armed-forces"): (("Russian troops",), "Russia's armed forces are its troops"),
    (ORGANIZATIONS.name, "ministry-of-defence"): (
        ("Defense Minister",),
        "the ministry is named through its minister's title (American spelling in the documents)",
    ),
    (ORGANIZATIONS.name, "constitutional-court"): (
        ("Court", "the court"),
        "after introducing the Constitutional Court the article calls it 'the court' or 'the Court'",
    ),
    (ORGANIZATIONS.name, "parliament-of-kazakhstan"): (("parliament",), "the only parliament the documents discuss"),
    (ORGANIZATIONS.name, "prosecutor-general"): (
        ("prosecutor general",),
        "the office is named after its head",
    ),
    (ORGANIZATIONS.name, "us-congress"): (
        ("Members",),
        "the CRS writes 'Members' with a capital for Members of Congress",
    ),
    (ORGANIZATIONS.name, "government-of-russia"): (
        ("Russia's", "Russia\u2019s"),
        "an act ascribed to 'Russia's' (an announcement, a closure) is its government's",
    ),
    (ORGANIZATIONS.name, "ministry-of-foreign-affairs"): (
        ("Ministry of Foreign Affairs",),
        "the CRS writes Kazakhstan's Ministry of Foreign Affairs; the dataset's name puts the country after it",
    ),
    (ORGANIZATIONS.name, "asset-recovery-committee"): (
        ("special committee",),
        "the article introduces the committee as a special committee under the prosecutor general, unnamed",
    ),
    (PEOPLE.name, "tokayev-kassym-jomart"): (
        ("the president", "President"),
        "Tokayev is President throughout the period the documents cover (from 2019), and they call him so",
    ),
}

#: Rows whose fact is correct although its span does not state it, each with its reason:
#: (table, record_id, what) -> why. ``what`` is the column (or ``column:part``) the fact
#: comes from, as the report prints it. Keep this short: every entry is a reasoned exception.
EXCEPTIONS: dict[tuple[str, str, str], str] = {
    (EVENT_ACTORS.name, "2021-12-russian-troops-massed-near-ukraine-russian-armed-forces", "organization_id"): (
        "the sentence says Russia massed troops: the troops are its armed forces, named by country and noun apart"
    ),
    (EVENT_ACTORS.name, "2022-01-05-internet-blackout-briefly-lifted-government-of-kazakhstan", "organization_id"): (
        "the sentence says 'Authorities' lifted the nationwide blackout, which only the national government could; "
        "'authorities' is no reference to it in general (the article also speaks of offshore authorities)"
    ),
    (EVENT_ACTORS.name, "2022-asset-recovery-partnership-government-of-kazakhstan", "organization_id"): (
        "the sentence says 'Kazakhstan has partnered': the state acting through its government"
    ),
    (EVENT_ACTORS.name, "2023-09-abish-treated-as-suspect-kazakh-law-enforcement", "organization_id"): (
        "the sentence names the investigation in which Abish became a suspect; investigating is law enforcement's"
    ),
    (EVENT_ACTORS.name, "2023-11-kgb-archives-opened-government-of-kazakhstan", "organization_id"): (
        "the sentence says the KGB archives were opened, in the passive: only the state can open its archives"
    ),
}

# --------------------------------------------------------------------------- numbers

#: Number words the documents write figures in (docs/anchors.md): 0 to 19 and the tens;
#: a hyphenated or spaced tens-and-unit ("twenty-five") is their sum.
_SMALL_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
NUMBER_WORDS = {word: value for value, word in enumerate(_SMALL_WORDS.split(" "))} | {
    word: 10 * tens for tens, word in enumerate(_TENS_WORDS.split(" "), 2)
}
_UNITS = "|".join(w for w, v in NUMBER_WORDS.items() if 0 < v < 10)
_TENS = "|".join(w for w, v in NUMBER_WORDS.items() if v >= 20)
_SMALL = "|".join(sorted((w for w, v in NUMBER_WORDS.items() if v < 20), key=len, reverse=True))
_NUMBER_WORD = re.compile(rf"(?<![^\W\d_])(?:({_TENS})(?:[- ]({_UNITS}))?|({_SMALL}))(?![^\W\d_])", re.I)
#: Scale words after a numeral multiply it: "100 million" states 100000000.
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
#: A numeral: digits with optional thousands commas ("1,500") and decimals ("33.3"), not
#: inside a word or another number; an ``s`` right after four digits makes it a decade.
_NUMERAL = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d)(s(?![^\W\d_]))?(?:\s+(thousand|million|billion)(?!\w))?",
    re.I,
)


@dataclass(frozen=True)
class Numbers:
    """The numbers a text states: values, and decades ("the 1930s" as 193)."""

    values: frozenset[Decimal]
    decades: frozenset[int]

    def has(self, value: Decimal) -> bool:
        """True when the text states ``value`` (as digits, in words, or scaled)."""
        return value in self.values

    def has_year(self, year: int) -> bool:
        """True when the text states ``year``, or the decade it falls in ("1930s" states 1930 to 1939)."""
        return Decimal(year) in self.values or year // 10 in self.decades


def numbers(text: str) -> Numbers:
    """The numbers ``text`` states (docs/anchors.md: numerals, thousands commas, scale and number words).

    >>> sorted(map(str, numbers("Over 2,500 troops, eighteen officers and 1.5 million in the 1930s").values))
    ['1500000.0', '18', '2500']
    >>> sorted(numbers("the 1930s").decades)
    [193]
    """
    values: set[Decimal] = set()
    decades: set[int] = set()
    for match in _NUMERAL.finditer(text):
        digits, decimals, decade, scale = match.groups()
        if decade and not decimals and not scale and len(digits) == 4 and digits.endswith("0"):
            decades.add(int(digits) // 10)
            continue
        value = Decimal(digits.replace(",", "") + (decimals or ""))
        values.add(value * SCALES[scale.lower()] if scale else value)
    for match in _NUMBER_WORD.finditer(text):
        tens, unit, small = match.groups()
        if small:
            values.add(Decimal(NUMBER_WORDS[small.lower()]))
        else:
            values.add(Decimal(NUMBER_WORDS[tens.lower()] + (NUMBER_WORDS[unit.lower()] if unit else 0)))
    return Numbers(frozenset(values), frozenset(decades))


def _decimal(cell: str) -> Decimal | None:
    try:
        return Decimal(cell)
    except InvalidOperation:
        return None  # an empty cell: no figure


# --------------------------------------------------------------------------- dates

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Abbreviated month names, which count only with their full stop ("Jan."; "Sept." too).
_MONTH_SHORT = {name[:3]: n for n, name in enumerate(MONTHS, 1)} | {"Sept": 9}
_MONTH = "(?:" + "|".join(MONTHS) + "|(?:" + "|".join(_MONTH_SHORT) + r")\.)"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY = rf"(\d{{1,2}}){_ORDINAL}(?!\d)"
#: "5 January", "28-29 November", "27 Jan."; "January 5", "January 5th", "November 28-29".
_DAY_MONTH = re.compile(rf"(?<![\w.,]){_DAY}(?:\s*[-\u2013]\s*{_DAY})?\s+({_MONTH})(?![^\W\d_])")
_MONTH_DAY = re.compile(rf"(?<![^\W\d_])({_MONTH})\s+{_DAY}(?:\s*[-\u2013]\s*{_DAY})?")
_MONTH_WORD = re.compile(rf"(?<![^\W\d_])({_MONTH})(?![^\W\d_])")


def _month_number(name: str) -> int:
    return MONTHS.index(name) + 1 if name in MONTHS else _MONTH_SHORT[name[:-1]]  # "Jan." without its stop


@dataclass(frozen=True)
class Dates:
    """The calendar days (month, day) and months a text names."""

    days: frozenset[tuple[int, int]]
    months: frozenset[int]


def dates(text: str) -> Dates:
    """The days and months ``text`` names; month names are matched with their capital.

    >>> d = dates("From 28-29 November to January 5th, and 27 Jan. 2022; it may rain in May.")
    >>> sorted(d.days), sorted(d.months)
    ([(1, 5), (1, 27), (11, 28), (11, 29)], [1, 5, 11])
    """
    days: set[tuple[int, int]] = set()
    for match in _DAY_MONTH.finditer(text):
        first, second, month = match.groups()
        days.update((_month_number(month), int(day)) for day in (first, second) if day)
    for match in _MONTH_DAY.finditer(text):
        month, first, second = match.groups()
        days.update((_month_number(month), int(day)) for day in (first, second) if day)
    months = {_month_number(m.group(1)) for m in _MONTH_WORD.finditer(text)}
    return Dates(frozenset(days), frozenset(months))


def _day(cell: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(cell)
    except ValueError:
        return None  # an empty cell: no date


def _last_of_month(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


def _start(day: datetime.date) -> list[tuple[str, str]]:
    """What an interval's first day states: its day, or on the 1st its month, or on 1 January nothing."""
    if day.day != 1:
        return [("day", f"{day.month}-{day.day}")]
    return [("month", str(day.month))] if day.month != 1 else []


def _end(day: datetime.date) -> list[tuple[str, str]]:
    """What an interval's last day states: its day, or on a month's last its month, or on 31 December nothing."""
    if not _last_of_month(day):
        return [("day", f"{day.month}-{day.day}")]
    return [("month", str(day.month))] if day.month != 12 else []


def date_parts(start: datetime.date | None, end: datetime.date | None, basis: str) -> list[tuple[str, str]]:
    """What a stored interval says the text states, as ``(part, value)``: ``day``, ``month``, ``year``.

    Only for a basis that says the text states the date (``stated``: the day or month and
    the year; ``year_from_context``: the day or month, not the year). A single day states
    its day; a bound on the first (start) or last (end) day of its month states only its
    month, and one on the first or last day of its year only its year (docs/anchors.md).
    ``start`` or ``end`` may be None (a validity that only begins or only ends).

    >>> date_parts(datetime.date(2022, 1, 5), datetime.date(2022, 1, 5), "year_from_context")
    [('day', '1-5')]
    >>> date_parts(datetime.date(2023, 3, 1), datetime.date(2023, 3, 31), "stated")
    [('month', '3'), ('year', '2023')]
    >>> date_parts(datetime.date(1930, 1, 1), datetime.date(1939, 12, 31), "stated")
    [('year', '1930'), ('year', '1939')]
    """
    if basis not in ("stated", "year_from_context"):
        return []
    if start is not None and start == end:
        bounds = [("day", f"{start.month}-{start.day}")]
    else:
        bounds = [*([] if start is None else _start(start)), *([] if end is None else _end(end))]
    years = [("year", str(day.year)) for day in (start, end) if day is not None and basis == "stated"]
    parts: list[tuple[str, str]] = []
    for part in [*bounds, *years]:
        if part not in parts:
            parts.append(part)
    return parts


# --------------------------------------------------------------------------- names

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def name_found(names: Iterable[str], text: str) -> bool:
    """True when one of ``names`` is in ``text`` as whole words, ignoring case and the apostrophe's shape.

    >>> name_found(["Russia"], "Russian troops"), name_found(["mayor's office"], "the Mayor\u2019s office")
    (False, True)
    """
    haystack = text.translate(_APOSTROPHES).casefold()
    for name in names:
        needle = name.translate(_APOSTROPHES).casefold().strip()
        if needle and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            return True
    return False


@dataclass(frozen=True)
class Registry:
    """Every name of each person, place and organization, from its table and ``aliases``."""

    names: Mapping[tuple[str, str], tuple[str, ...]]

    parents: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """Each building's place (``places.parent_id`` of a place of kind ``building``), by ``(table, id)``."""

    @classmethod
    def of(cls, tables: Mapping[str, Sequence[Mapping[str, str]]]) -> Registry:
        """The names of the entities in ``tables`` (people, places, organizations, aliases).

        A person is also named by their family name (the last word of a name of more than one
        word) when no other person in ``people`` has it as the last word of their name: the
        documents name people that way after the first mention, and the family name is then
        unambiguous.
        """
        keyed = ((PEOPLE.name, "person_id"), (PLACES.name, "place_id"), (ORGANIZATIONS.name, "organization_id"))
        names: dict[tuple[str, str], list[str]] = {}
        for table, key in keyed:
            for row in tables.get(table, ()):
                names.setdefault((table, row[key]), []).append(row["name"])
        family: dict[str, list[str]] = {}
        for row in tables.get(PEOPLE.name, ()):
            family.setdefault(row["name"].split()[-1].casefold(), []).append(row["person_id"])
        for row in tables.get(PEOPLE.name, ()):
            words = row["name"].split()
            if len(words) > 1 and family[words[-1].casefold()] == [row["person_id"]]:
                names[(PEOPLE.name, row["person_id"])].append(words[-1])
        for row in tables.get(ALIASES.name, ()):
            for table, key in keyed:
                if row[key]:
                    names.setdefault((table, row[key]), []).append(row["alias"])
        parents: dict[tuple[str, str], str] = {
            (PLACES.name, row["place_id"]): row["parent_id"]
            for row in tables.get(PLACES.name, ())
            if row["kind"] == "building"
        }
        return cls({entity: tuple(found) for entity, found in names.items()}, parents)

    def of_entity(self, table: str, entity_id: str) -> tuple[str, ...]:
        """The names of one entity (none when the tables do not know it, which then fails)."""
        return self.names.get((table, entity_id), ())


# --------------------------------------------------------------------------- the facts of a row


@dataclass(frozen=True)
class Claim:
    """One number, date part or name a row states, before it is looked for."""

    kind: Kind
    what: str
    """The column it comes from, and for a date its part: ``date_start:day``."""
    stated: str
    """What is looked for, as the report prints it: ``18``, ``1-5`` (5 January), ``Almaty``."""


def _value_claims(row: Mapping[str, str]) -> list[Claim]:
    """A figure's distinct values, or its stated wording when it has one (its values are then derived)."""
    if row["stated_as"]:
        return [Claim("number", "stated_as", row["stated_as"])]
    claims: list[Claim] = []
    seen: set[Decimal] = set()
    for column in ("value", "value_low", "value_high"):
        value = _decimal(row[column])
        if value is not None and value not in seen:
            seen.add(value)
            claims.append(Claim("number", column, row[column]))
    return claims


def _date_claims(start: datetime.date | None, end: datetime.date | None, basis: str, name: str) -> list[Claim]:
    return [Claim("date", f"{name}:{part}", value) for part, value in date_parts(start, end, basis)]


def _title_claims(title: str) -> list[Claim]:
    found = numbers(title)
    claims = [Claim("number", "title", f"{value.normalize():f}") for value in sorted(found.values)]
    claims += [Claim("number", "title", f"{decade}0s") for decade in sorted(found.decades)]
    return claims


def _place_claims(row: Mapping[str, str]) -> list[Claim]:
    place = row["place_id"]
    return [Claim("name", "place_id", place)] if place and place != SUBJECT_PLACE else []


def claims(table: str, row: Mapping[str, str]) -> list[Claim]:
    """The numbers, date parts and names ``row`` of ``table`` states (docs/anchors.md)."""
    if table == SENTENCES.name:
        term = [Claim("number", "prison_years", row["prison_years"])] if row["prison_years"] else []
        verdict = _date_claims(_day(row["verdict_start"]), _day(row["verdict_end"]), row["verdict_basis"], "verdict")
        return [*term, *verdict, Claim("name", "person_id", row["person_id"])]
    if table == INDICATOR_VALUES.name:
        return [
            *_value_claims(row),
            *_date_claims(_day(row["date_start"]), _day(row["date_end"]), row["date_basis"], "date"),
            *_date_claims(_day(row["valid_from"]), None, row["valid_basis"], "valid_from"),
            *_date_claims(None, _day(row["valid_to"]), row["valid_basis"], "valid_to"),
            *_place_claims(row),
        ]
    if table == EVENTS.name:
        return [
            *_title_claims(row["title"]),
            *_date_claims(_day(row["date_start"]), _day(row["date_end"]), row["date_basis"], "date"),
            *_place_claims(row),
        ]
    if table == EVENT_ACTORS.name:
        return [Claim("name", column, row[column]) for column in ("person_id", "organization_id") if row[column]]
    return []


_ENTITY_TABLE = {"person_id": PEOPLE.name, "place_id": PLACES.name, "organization_id": ORGANIZATIONS.name}


def holds(claim: Claim, text: str, registry: Registry) -> bool:
    """True when ``text`` (one normalised span) states ``claim``."""
    if claim.kind == "name":
        table = _ENTITY_TABLE[claim.what]
        entity = registry.parents.get((table, claim.stated), claim.stated)
        if name_found(registry.of_entity(table, entity), text):
            return True
        phrases = REFERENCES[(table, entity)][0] if (table, entity) in REFERENCES else ()
        return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in phrases)
    if claim.what == "stated_as":
        return name_found([claim.stated], text)
    if claim.kind == "date":
        part = claim.what.partition(":")[2]
        if part == "year":
            return numbers(text).has_year(int(claim.stated))
        found = dates(text)
        if part == "month":
            return int(claim.stated) in found.months
        month, day = claim.stated.split("-")
        return (int(month), int(day)) in found.days
    if claim.stated.endswith("0s"):
        return int(claim.stated[:-2]) in numbers(text).decades
    return numbers(text).has(Decimal(claim.stated))


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Fact:
    """One claim of one row, and whether a span of the row states it."""

    table: str
    record_id: str
    claim: Claim
    found: bool
    exception: str | None = None
    """The reason the fact stands although no span states it (:data:`EXCEPTIONS`)."""

    @property
    def ok(self) -> bool:
        """True when a span states the fact, or it is a listed exception."""
        return self.found or self.exception is not None

    def __str__(self) -> str:
        return f"{self.table} {self.record_id}: {self.claim.what} {self.claim.stated!r} is in none of its spans"


@dataclass(frozen=True)
class FactsReport:
    """What :func:`verify_span_facts` checked, and each fact its spans do not state."""

    where: str
    rows: dict[str, int]
    """Rows checked per table."""
    facts: tuple[Fact, ...]
    unread: tuple[str, ...] = field(default=())
    """Rows (``table record_id``) with facts but no anchored span re-found in the documents."""
    stale: tuple[tuple[str, str, str], ...] = field(default=())
    """Exceptions of rows checked whose fact a span does state after all, or that name no fact of
    the row: to be removed. (An exception of a row not in the tables checked is not stale.)"""

    @property
    def ok(self) -> bool:
        """True when every fact is found in a span of its row or is a listed exception, and no exception is stale."""
        return not self.unread and not self.stale and all(fact.ok for fact in self.facts)

    def count(self, table: str, kind: Kind | None = None) -> int:
        """Facts of ``table`` (of one kind) checked."""
        return sum(f.table == table and kind in (None, f.claim.kind) for f in self.facts)

    def summary(self) -> list[str]:
        """One line per table: rows, numbers, dates, names, found, exceptions, missing."""
        lines = []
        for table in self.rows:
            mine = [f for f in self.facts if f.table == table]
            lines.append(
                f"  {table}: {self.rows[table]} rows, {len(mine)} facts "
                f"({self.count(table, 'number')} numbers, {self.count(table, 'date')} date parts, "
                f"{self.count(table, 'name')} names): {sum(f.found for f in mine)} found, "
                f"{sum(not f.found and f.ok for f in mine)} exceptions, {sum(not f.ok for f in mine)} missing"
            )
        return lines

    def __str__(self) -> str:
        found = sum(f.found for f in self.facts)
        excepted = sum(not f.found and f.ok for f in self.facts)
        head = (
            f"{sum(self.rows.values())} rows checked for the numbers and names they state, in the spans of the "
            f"documents in {self.where}: {len(self.facts)} facts, {found} found, {excepted} exceptions"
        )
        lines = [head, *self.summary()]
        lines += [
            f"  exception {f.table} {f.record_id} {f.claim.what}: {f.exception}"
            for f in self.facts
            if not f.found and f.ok
        ]
        if self.ok:
            return "\n".join([*lines, "Every fact is stated in a span its row's citations anchor."])
        missing = [f for f in self.facts if not f.ok]
        lines.append(
            f"{len(missing)} fact(s) in no span, {len(self.unread)} row(s) without a span, "
            f"{len(self.stale)} stale exception(s):"
        )
        lines += [f"  - {f}" for f in missing]
        lines += [f"  - {row}: no anchored span of it was re-found" for row in self.unread]
        lines += [f"  - exception {' '.join(key)}: no fact of it is missing; remove it" for key in self.stale]
        lines.append(
            "Each listed row says more than the sentences its citations anchor: correct the row, "
            "re-anchor its citation, or cite the sentence that states it (docs/anchors.md)."
        )
        return "\n".join(lines)


def check_facts(
    tables: Mapping[str, Sequence[Mapping[str, str]]],
    spans: Mapping[tuple[str, str], Sequence[str]],
    *,
    where: str,
    exceptions: Mapping[tuple[str, str, str], str] | None = None,
) -> FactsReport:
    """Look for each checked row's claims in its spans (``(table, record_id)`` -> span texts)."""
    registry = Registry.of(tables)
    exceptions = EXCEPTIONS if exceptions is None else exceptions
    keys: dict[str, str] = {t.name: t.primary_key for t in (SENTENCES, INDICATOR_VALUES, EVENTS, EVENT_ACTORS)}
    facts: list[Fact] = []
    unread: list[str] = []
    rows: dict[str, int] = {}
    for table in CHECKED_TABLES:
        rows[table] = len(tables.get(table, ()))
        for row in tables.get(table, ()):
            record = row[keys[table]]
            texts = spans.get((table, record), ())
            mine = claims(table, row)
            if mine and not texts:
                unread.append(f"{table} {record}")
            for claim in mine:
                found = any(holds(claim, text, registry) for text in texts)
                reason = None if found else exceptions.get((table, record, claim.what))
                facts.append(Fact(table, record, claim, found, reason))
    used = {(f.table, f.record_id, f.claim.what) for f in facts if f.exception is not None}
    checked = {(table, row[keys[table]]) for table in CHECKED_TABLES for row in tables.get(table, ())}
    stale = tuple(key for key in exceptions if key[:2] in checked and key not in used)
    return FactsReport(where, rows, tuple(facts), tuple(unread), stale)


# --------------------------------------------------------------------------- reading


def _cell(value: object) -> str:
    """A table cell as raw/ writes it (None empty, a date as YYYY-MM-DD, a whole float without ``.0``)."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _release_tables() -> dict[str, list[dict[str, str]]]:
    from kzdata._load import load

    tables: dict[str, list[dict[str, str]]] = {}
    for table in (SENTENCES, INDICATOR_VALUES, EVENTS, EVENT_ACTORS, PEOPLE, PLACES, ORGANIZATIONS, ALIASES, CITATIONS):
        frame = load(table.name).astype(object)
        frame = frame.where(frame.notna(), None)  # NA, NaN and NaT alike: an empty cell
        tables[table.name] = [
            {column: _cell(value) for column, value in zip(frame.columns, values, strict=True)}
            for values in frame.to_numpy().tolist()
        ]
    return tables


#: The columns each table read from a folder (or a ``--citations`` CSV) must have.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    SENTENCES.name: ("sentence_id", "person_id", "prison_years", "verdict_start", "verdict_end", "verdict_basis"),
    INDICATOR_VALUES.name: (
        *("value_id", "value", "value_low", "value_high", "stated_as", "place_id"),
        *("date_start", "date_end", "date_basis", "valid_from", "valid_to", "valid_basis"),
    ),
    EVENTS.name: ("event_id", "title", "date_start", "date_end", "date_basis", "place_id"),
    EVENT_ACTORS.name: ("event_actor_id", "person_id", "organization_id"),
    PEOPLE.name: ("person_id", "name"),
    PLACES.name: ("place_id", "name", "kind", "parent_id"),
    ORGANIZATIONS.name: ("organization_id", "name"),
    ALIASES.name: ("alias", "person_id", "place_id", "organization_id"),
    CITATIONS.name: ("record_table", "record_id"),
}


def _read_csv(path: Path, limit: int, table: str) -> list[dict[str, str]]:
    """The rows of a CSV shaped like ``raw/<table>.csv``, refused without the columns the check reads."""
    try:
        text = read_guarded(path, limit).decode()
    except UnicodeDecodeError as error:
        raise InvalidArgumentError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in REQUIRED_COLUMNS[table] if c not in (reader.fieldnames or ())]
        if missing:
            raise InvalidArgumentError(
                f"{path} is not shaped like raw/{table}.csv: its header lacks {', '.join(missing)}"
            )
        rows = list(reader)
    except csv.Error as error:
        raise InvalidArgumentError(f"{path} is not a well-formed CSV file: {error}") from None
    # A row with fewer or more fields than the header (DictReader pads with None, or keeps the
    # rest under None) is malformed too, whatever the process's csv field size limit lets through.
    for number, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise InvalidArgumentError(
                f"{path} is not a well-formed CSV file: record {number} has not as many fields as the header"
            )
    return rows


def _folder_tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    """The raw-shaped tables of ``folder`` (``<table>.csv``); a table without a file has no rows."""
    if not folder.is_dir():
        raise InvalidArgumentError(f"tables= {folder} is not a folder of raw-shaped <table>.csv files")
    tables = {}
    for name in (*CHECKED_TABLES, *NAME_TABLES, CITATIONS.name):
        path = folder / f"{name}.csv"
        tables[name] = _read_csv(path, MAX_TABLE_BYTES, name) if path.exists() else []
    return tables


def _spans(
    citations: Iterable[Mapping[str, str]], found: Mapping[str, Mapping[tuple[str, int | None, int | None], str | None]]
) -> Iterator[tuple[tuple[str, str], str]]:
    """Each anchored, re-found citation's record and span text."""
    for number, row in enumerate(citations, start=2):
        if row.get("record_table") not in CHECKED_TABLES:
            continue
        anchor: Anchor = _anchor(dict(row), f"citation {row.get('citation_id')} (row {number})")
        paragraphs = found.get(anchor.source_id)
        text = None if not anchor.anchored or paragraphs is None else paragraphs.get(anchor.place)
        if text is None:
            continue
        start = _find(text, anchor)
        if start is not None:
            length = cast(int, anchor.span_end) - cast(int, anchor.span_start)
            yield (row["record_table"], row["record_id"]), text[start : start + length]


def verify_span_facts(
    path: str | os.PathLike[str],
    *,
    citations: str | os.PathLike[str] | None = None,
    skeletons: str | os.PathLike[str] | None = None,
    tables: str | os.PathLike[str] | None = None,
) -> FactsReport:
    """Check that each row of the checked tables states only numbers and names its spans state.

    ``path``, ``citations`` and ``skeletons`` are as for :func:`kzdata.verify_sources`;
    ``tables`` is a folder of raw-shaped CSVs (``sentences.csv``, ``people.csv``...) to
    check instead of the release's tables (for maintainers before a build, and tests).
    """
    folder = _path_argument(path, "path=")
    texts = _read_documents(folder)
    shapes = read_skeletons(None if skeletons is None else _path_argument(skeletons, "skeletons="))
    data = _release_tables() if tables is None else _folder_tables(_path_argument(tables, "tables="))
    rows = (
        data[CITATIONS.name]
        if citations is None
        else _read_csv(_path_argument(citations, "citations="), MAX_CITATIONS_BYTES, CITATIONS.name)
    )
    files = identify(shapes, texts)
    found = {
        source: locate(shapes[source], document_lines(texts[file]))
        for source, file in files.items()
        if file is not None
    }
    spans: dict[tuple[str, str], list[str]] = {}
    for record, text in _spans(rows, found):
        spans.setdefault(record, []).append(text)
    return check_facts(data, spans, where=str(folder))
