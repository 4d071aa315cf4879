"""The cross-table rules of ``kzdata/_rules.py``, one rule function at a time, on the shipped frames.

``tests/test_refusals.py`` breaks a copy of the release and goes through ``validate()``
and the command, which costs a load of every table per case. These tests call each rule
function directly on the shipped frames (loaded once per module, copied per test), so a
case costs milliseconds and can pin what the refusal tests leave loose: the exact words
of each rule (a user reads them), the value reported, the edges a rule allows (a share
of exactly 100, an event on its source's publication day, a position that ends the day
it starts), and the rows a rule must leave alone (a missing cell is the schema's
business, not a cross-table failure).

Expected failures are written out by hand: table, primary key, column, value, rule.
The rows broken are real rows of ``raw/*.csv``, named by their ids; the shipped values
they start from are noted beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest

import kzdata
from kzdata import _rules
from kzdata._registry import TABLES

Frames = dict[str, pd.DataFrame]
Rule = Callable[[Frames], Iterator[_rules.Failure]]
Found = tuple[str, str, str, object, str]

KEYS = {
    "sources": "source_id",
    "sections": "section_id",
    "footnotes": "footnote_entry_id",
    "authorships": "authorship_id",
    "people": "person_id",
    "organizations": "organization_id",
    "places": "place_id",
    "positions": "position_id",
    "events": "event_id",
    "event_actors": "event_actor_id",
    "sentences": "sentence_id",
    "reforms": "reform_id",
    "indicators": "indicator_id",
    "indicator_values": "value_id",
    "aliases": "alias_id",
    "citations": "citation_id",
    "discrepancies": "discrepancy_id",
    "discrepancy_claims": "claim_id",
    "editorial_values": "editorial_id",
    "changes": "change_id",
}
"""Primary keys, written out by hand (the first column of each raw file)."""


@pytest.fixture(scope="module")
def shipped() -> Frames:
    return {t.name: kzdata.load(t.name) for t in TABLES}


@pytest.fixture
def frames(shipped: Frames) -> Frames:
    """A private copy of every shipped frame, for one test to break."""
    return {name: frame.copy(deep=True) for name, frame in shipped.items()}


def _cell_value(frame: pd.DataFrame, column: str, value: object) -> object:
    if value is None:
        return pd.NaT if pd.api.types.is_datetime64_any_dtype(frame[column]) else pd.NA
    if pd.api.types.is_datetime64_any_dtype(frame[column]):
        return pd.Timestamp(str(value))
    return value


def edit(frames: Frames, table: str, pk: str, **cells: object) -> None:
    """Set cells of the row of ``table`` whose primary key is ``pk`` (None: missing; dates as text)."""
    frame = frames[table]
    rows = frame.index[frame[KEYS[table]] == pk]
    assert len(rows) == 1, f"{table} has no single row {pk!r}: the test no longer fits the data"
    for column, value in cells.items():
        assert column in frame.columns, f"{table} has no column {column!r}"
        frame.loc[rows[0], column] = _cell_value(frame, column, value)


def add(frames: Frames, table: str, like: str, **cells: object) -> None:
    """Append a copy of row ``like`` with ``cells`` changed (the new row needs its own primary key)."""
    frame = frames[table]
    assert KEYS[table] in cells
    new = frame[frame[KEYS[table]] == like].copy()
    assert len(new) == 1
    for column, value in cells.items():
        new.loc[new.index[0], column] = _cell_value(frame, column, value)
    frames[table] = pd.concat([frame, new], ignore_index=True)


def drop(frames: Frames, table: str, **match: str) -> None:
    frame = frames[table]
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        mask &= (frame[column] == value).fillna(False).astype(bool)
    assert mask.any()
    frames[table] = frame[~mask].reset_index(drop=True)


def _shown(value: object) -> object:
    """A reported value as plain Python, converted here rather than by the code under test."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None  # a missing category comes back as NaN
    if isinstance(value, np.generic):
        return value.item()
    return value


def found(rule: Rule, frames: Frames) -> list[Found]:
    """What ``rule`` reports: (table, primary key, column, value, rule text), in its order."""
    out = []
    for failure in rule(frames):
        frame = frames[failure.table]
        pk = str(frame[KEYS[failure.table]].iloc[failure.row])
        out.append((failure.table, pk, failure.column, _shown(failure.value), failure.rule))
    return out


# --------------------------------------------------------------------------- the shipped data passes


@pytest.mark.parametrize("rule", _rules.RULES, ids=lambda r: r.__name__)
def test_the_shipped_release_breaks_no_rule(rule: Rule, frames: Frames) -> None:
    assert found(rule, frames) == []


def test_check_runs_every_rule(frames: Frames) -> None:
    """One break for two rules: check() reports both (rules in RULES order)."""
    edit(frames, "events", "1930s-famines-in-kazakhstan", place_id="atlantis")
    edit(frames, "places", "aktau", parent_id="aktau")
    edit(frames, "editorial_values", "places-aktau-parent-id", recorded_value="aktau")  # the mark follows the edit
    got = [(f.table, f.column, f.rule) for f in _rules.check(frames)]
    assert got == [
        ("events", "place_id", "must be an existing places.place_id"),
        (
            "places",
            "parent_id",
            "following parent_id must never lead back to the same row (no loops in the places hierarchy)",
        ),
    ]


# --------------------------------------------------------------------------- helpers


def test_plain_value_gives_what_an_editor_wrote() -> None:
    assert _rules.plain_value(pd.Timestamp("0999-01-05")) == "0999-01-05"
    assert _rules.plain_value(pd.Timestamp("2022-11-20")) == "2022-11-20"
    assert _rules.plain_value(pd.NA) is None
    assert _rules.plain_value(None) is None
    value = _rules.plain_value(np.int64(500))
    assert (value, type(value)) == (500, int)
    assert _rules.plain_value(np.bool_(True)) is True
    assert _rules.plain_value("almaty") == "almaty"
    assert _rules.plain_value(["a", None]) == ["a", None]  # a failure case that is not one cell is left as it is


def test_isin_treats_missing_values_as_never_in() -> None:
    values = pd.Series(["a", None, "b"], dtype="string", index=[7, 8, 9])
    known = pd.Series(["a", None], dtype="string")
    got = _rules.isin(values, known)
    assert got.tolist() == [True, False, False]
    assert got.index.tolist() == [7, 8, 9]
    assert got.dtype == bool


def test_isin_with_nothing_to_look_up_or_nothing_to_find() -> None:
    """A column with no value at all, or a table with no rows, gives "not in" for every row (no type clash)."""
    missing = pd.Series([None, None], dtype="string")
    assert _rules.isin(missing, pd.Series(["a"], dtype="string")).tolist() == [False, False]
    nothing = pd.Series([], dtype="string")
    assert _rules.isin(pd.Series(["a", None], dtype="string"), nothing).tolist() == [False, False]


def test_a_missing_comparison_is_not_a_failure() -> None:
    frame = pd.DataFrame({"c": ["x", "y", "z"]})
    mask = pd.Series([pd.NA, True, False], dtype="boolean")
    got = list(_rules._rows("t", frame, mask, "c", "r"))
    assert got == [_rules.Failure("t", 1, "c", "y", "r")]
    assert type(got[0].row) is int


# --------------------------------------------------------------------------- foreign keys and record references


def test_a_dangling_key_names_the_key_it_should_be(frames: Frames) -> None:
    edit(frames, "footnotes", "fn-04-1", source_id="zz-nothing")
    assert found(_rules.foreign_keys, frames) == [
        ("footnotes", "fn-04-1", "source_id", "zz-nothing", "must be an existing sources.source_id"),
    ]


def test_a_record_reference_to_nothing(frames: Frames) -> None:
    edit(frames, "discrepancy_claims", "abish-detained-or-at-large-1", record_id="zz-no-event")
    add(frames, "citations", "aliases-abish-short-1", citation_id="zz-citation", record_id="zz-no-alias")
    rule = "must be the primary key of an existing row of record_table"
    assert found(_rules.record_references, frames) == [
        ("citations", "zz-citation", "record_id", "zz-no-alias", rule),
        ("discrepancy_claims", "abish-detained-or-at-large-1", "record_id", "zz-no-event", rule),
    ]


def test_a_claim_sets_record_table_and_record_id_together(frames: Frames) -> None:
    edit(frames, "discrepancy_claims", "abish-detained-or-at-large-1", record_table=None)
    edit(frames, "discrepancy_claims", "price-hike-fuel-vs-gas-3", record_table="events")  # record_id empty
    rule = "record_table and record_id are set together or not at all"
    assert found(_rules.record_references, frames) == [
        (
            "discrepancy_claims",
            "abish-detained-or-at-large-1",
            "record_id",
            "2022-01-abish-reported-detained",
            rule,
        ),
        ("discrepancy_claims", "price-hike-fuel-vs-gas-3", "record_id", None, rule),
    ]


def test_a_citation_needs_its_record_table(frames: Frames) -> None:
    """Citations are not nullable: a missing record_table is the schema's, and no half-set failure."""
    edit(frames, "citations", "aliases-abish-short-1", record_table=None)
    assert found(_rules.record_references, frames) == []


def test_every_fact_table_needs_citations_and_the_log_tables_do_not(frames: Frames) -> None:
    drop(frames, "citations", record_table="discrepancy_claims", record_id="abish-detained-or-at-large-1")
    drop(frames, "citations", record_table="sources", record_id="halbach-2008")
    rule = "every record needs at least one row in citations"
    assert found(_rules.every_record_cited, frames) == [
        ("sources", "halbach-2008", "source_id", "halbach-2008", rule),
        (
            "discrepancy_claims",
            "abish-detained-or-at-large-1",
            "claim_id",
            "abish-detained-or-at-large-1",
            rule,
        ),
    ]


# --------------------------------------------------------------------------- citation locators


def test_a_citation_may_point_at_the_last_paragraph_but_not_beyond(frames: Frames) -> None:
    edit(frames, "citations", "aliases-abish-short-1", paragraph=6)  # cornell-2024-january-events has 6
    assert found(_rules.citation_locators, frames) == []
    edit(frames, "citations", "aliases-abish-short-1", paragraph=7)
    assert found(_rules.citation_locators, frames) == [
        ("citations", "aliases-abish-short-1", "paragraph", 7, "must not exceed the section's paragraph_count"),
    ]


def test_a_citation_into_another_documents_section(frames: Frames) -> None:
    edit(frames, "citations", "aliases-almaty-akimat-mayors-office-1", section_id="crs-2022-war-in-ukraine")
    assert found(_rules.citation_locators, frames) == [
        (
            "citations",
            "aliases-almaty-akimat-mayors-office-1",
            "section_id",
            "crs-2022-war-in-ukraine",
            "the section must belong to the cited source_id",
        ),
    ]


def test_a_citation_without_section_is_not_a_locator_failure(frames: Frames) -> None:
    """A missing section_id is the schema's to report; no cross-table rule cascades from it."""
    edit(frames, "citations", "aliases-abish-short-1", section_id=None)
    assert found(_rules.citation_locators, frames) == []


def test_a_citation_needs_a_paragraph_or_a_footnote(frames: Frames) -> None:
    edit(frames, "citations", "aliases-abish-short-1", paragraph=None)
    assert found(_rules.citation_locators, frames) == [
        ("citations", "aliases-abish-short-1", "paragraph", None, "a citation needs a paragraph, a footnote, or both"),
    ]


def test_a_citation_of_a_cited_work(frames: Frames) -> None:
    edit(frames, "citations", "aliases-abish-short-1", source_id="halbach-2008")
    assert found(_rules.citation_locators, frames) == [
        (
            "citations",
            "aliases-abish-short-1",
            "section_id",
            "cornell-2024-january-events",
            "the section must belong to the cited source_id",
        ),
        (
            "citations",
            "aliases-abish-short-1",
            "source_id",
            "halbach-2008",
            "citations point into a primary document (cited works are reached through footnotes)",
        ),
    ]


def test_a_citation_footnote_that_no_footnote_row_has(frames: Frames) -> None:
    edit(frames, "citations", "aliases-abish-short-1", footnote=39)  # footnotes go up to 38
    assert found(_rules.citation_locators, frames) == [
        ("citations", "aliases-abish-short-1", "footnote", 39, "must be a footnote number present in footnotes"),
    ]


# --------------------------------------------------------------------------- date intervals


def test_interval_columns_of_every_dated_table() -> None:
    assert _rules._interval_columns("events") == [("date_start", "date_end", "date_precision", "date_inferred")]
    assert _rules._interval_columns("sentences") == [
        ("verdict_start", "verdict_end", "verdict_precision", "verdict_inferred")
    ]
    assert _rules._interval_columns("sources") == [
        ("published_start", "published_end", "published_precision", "published_inferred")
    ]
    assert _rules._interval_columns("positions") == []  # one date per end, checked by position_dates


EVENT_RULES = {
    "order": "the end must not be before the start",
    "day": "day precision: start and end are the same day",
    "month-start": "month precision: the start is the first of the month",
    "month-end": "month precision: the end is the last day of the start's month",
    "year-start": "year precision: the start is 1 January",
    "year-end": "year precision: the end is 31 December of the start's year",
    "range": "range precision: the bounds differ (use day precision for one day)",
}


@pytest.mark.parametrize(
    ("event", "cells", "expected"),
    [
        # 1930s-famines-in-kazakhstan: range 1930-01-01 .. 1939-12-31
        ("1930s-famines-in-kazakhstan", {"date_end": "1929-12-31"}, [("date_end", "1929-12-31", "order")]),
        ("1930s-famines-in-kazakhstan", {"date_end": "1930-01-01"}, [("date_end", "1930-01-01", "range")]),
        # 2022-01-02-protests-begin-in-western-kazakhstan: day 2022-01-02
        (
            "2022-01-02-protests-begin-in-western-kazakhstan",
            {"date_end": "2022-01-03"},
            [("date_end", "2022-01-03", "day")],
        ),
        # 2020-08-belarus-disputed-election: month 2020-08-01 .. 2020-08-31
        (
            "2020-08-belarus-disputed-election",
            {"date_start": "2020-08-02"},
            [("date_start", "2020-08-02", "month-start")],
        ),
        (
            "2020-08-belarus-disputed-election",
            {"date_end": "2020-08-30"},
            [("date_end", "2020-08-30", "month-end")],
        ),
        # the last day of the month as start and end: only the start is wrong, the end is its month's last day
        (
            "2020-08-belarus-disputed-election",
            {"date_start": "2020-08-31"},
            [("date_start", "2020-08-31", "month-start")],
        ),
        # 1986-anti-soviet-protests: year 1986-01-01 .. 1986-12-31; the month alone, the day alone
        ("1986-anti-soviet-protests", {"date_start": "1986-02-01"}, [("date_start", "1986-02-01", "year-start")]),
        ("1986-anti-soviet-protests", {"date_start": "1986-01-02"}, [("date_start", "1986-01-02", "year-start")]),
        ("1986-anti-soviet-protests", {"date_end": "1986-12-30"}, [("date_end", "1986-12-30", "year-end")]),
        # 31 December as start and end: only the start is wrong
        ("1986-anti-soviet-protests", {"date_start": "1986-12-31"}, [("date_start", "1986-12-31", "year-start")]),
    ],
)
def test_a_date_interval_agrees_with_its_precision(
    frames: Frames, event: str, cells: dict[str, str], expected: list[tuple[str, str, str]]
) -> None:
    edit(frames, "events", event, **cells)
    assert found(_rules.date_intervals, frames) == [
        ("events", event, column, value, EVENT_RULES[key]) for column, value, key in expected
    ]


def test_a_partial_date_group_is_one_failure(frames: Frames) -> None:
    """Without its precision an interval is only reported as partial: no precision rule guesses."""
    edit(frames, "events", "1930s-famines-in-kazakhstan", date_precision=None)
    edit(frames, "sentences", "massimov-karim-conviction", verdict_inferred=None)
    assert found(_rules.date_intervals, frames) == [
        (
            "events",
            "1930s-famines-in-kazakhstan",
            "date_precision",
            None,
            "date_start, date_end, date_precision, date_inferred are all set or all empty",
        ),
        (
            "sentences",
            "massimov-karim-conviction",
            "verdict_precision",
            "range",
            "verdict_start, verdict_end, verdict_precision, verdict_inferred are all set or all empty",
        ),
    ]


def test_an_empty_date_group_is_allowed(frames: Frames) -> None:
    edit(
        frames,
        "sentences",
        "massimov-karim-conviction",
        verdict_start=None,
        verdict_end=None,
        verdict_precision=None,
        verdict_inferred=None,
    )
    assert found(_rules.date_intervals, frames) == []


# --------------------------------------------------------------------------- positions


def test_a_position_may_end_the_day_it_starts(frames: Frames) -> None:
    pk = "tokayev-kassym-jomart-security-council-chair"  # starts 2022-01-05 (day), no end
    edit(frames, pk=pk, table="positions", end_date="2022-01-05", end_precision="day", end_inferred=False)
    assert found(_rules.position_dates, frames) == []
    edit(frames, pk=pk, table="positions", end_date="2022-01-04")
    assert found(_rules.position_dates, frames) == [
        ("positions", pk, "end_date", "2022-01-04", "the end must not be before the start"),
    ]


def test_a_position_date_comes_with_precision_and_flag(frames: Frames) -> None:
    edit(frames, "positions", "cornell-svante-joint-center-director", end_precision="day", start_inferred=True)
    edit(frames, "positions", "tokayev-kassym-jomart-president", start_inferred=None)  # start 2019-01-01
    edit(frames, "positions", "abish-samat-national-security-committee-first-deputy", end_precision=None)
    assert found(_rules.position_dates, frames) == [
        (
            "positions",
            "cornell-svante-joint-center-director",
            "start_inferred",
            True,
            "start_inferred is set exactly when start_date is",
        ),
        (
            "positions",
            "tokayev-kassym-jomart-president",
            "start_inferred",
            None,
            "start_inferred is set exactly when start_date is",
        ),
        (
            "positions",
            "abish-samat-national-security-committee-first-deputy",
            "end_precision",
            None,
            "end_precision is set exactly when end_date is",
        ),
        (
            "positions",
            "cornell-svante-joint-center-director",
            "end_precision",
            "day",
            "end_precision is set exactly when end_date is",
        ),
    ]


@pytest.mark.parametrize(
    ("cells", "column", "value"),
    [
        ({"start_date": "2019-03-01"}, "start_date", "2019-03-01"),  # year precision, month wrong
        ({"start_date": "2019-01-02"}, "start_date", "2019-01-02"),  # year precision, day wrong
        ({"start_precision": "month", "start_date": "2019-05-02"}, "start_date", "2019-05-02"),
    ],
)
def test_a_position_month_or_year_is_its_first_day(
    frames: Frames, cells: dict[str, str], column: str, value: str
) -> None:
    edit(frames, "positions", "tokayev-kassym-jomart-president", **cells)  # start 2019-01-01, year
    assert found(_rules.position_dates, frames) == [
        (
            "positions",
            "tokayev-kassym-jomart-president",
            column,
            value,
            "a month or year date is stored as the first day of that month or year",
        ),
    ]


def test_a_position_month_on_its_first_day_is_allowed(frames: Frames) -> None:
    edit(frames, "positions", "tokayev-kassym-jomart-president", start_precision="month", start_date="2019-03-01")
    edit(frames, "positions", "nazarbayev-nursultan-president", end_precision="month", end_date="2019-03-01")
    assert found(_rules.position_dates, frames) == []


def test_a_position_end_date_on_a_later_day_of_the_year(frames: Frames) -> None:
    edit(frames, "positions", "nazarbayev-nursultan-president", end_date="2019-03-01")  # year precision
    assert found(_rules.position_dates, frames) == [
        (
            "positions",
            "nazarbayev-nursultan-president",
            "end_date",
            "2019-03-01",
            "a month or year date is stored as the first day of that month or year",
        ),
    ]


# --------------------------------------------------------------------------- link rows


def test_link_rows_name_exactly_one_entity(frames: Frames) -> None:
    edit(frames, "event_actors", "2019-capital-renamed-nur-sultan-nazarbayev-nursultan", organization_id="csto")
    edit(frames, "aliases", "abish-short", person_id=None)
    assert found(_rules.exactly_one, frames) == [
        (
            "event_actors",
            "2019-capital-renamed-nur-sultan-nazarbayev-nursultan",
            "person_id",
            "nazarbayev-nursultan",
            "exactly one of person_id, organization_id is set",
        ),
        (
            "aliases",
            "abish-short",
            "person_id",
            None,
            "exactly one of person_id, organization_id, place_id, reform_id is set",
        ),
    ]


# --------------------------------------------------------------------------- indicator values


def test_a_share_may_be_100_and_a_count_0(frames: Frames) -> None:
    edit(frames, "indicator_values", "amanat-vote-share-2023", value=100.0, value_low=100.0, value_high=100.0)
    edit(frames, "indicator_values", "constitutional-court-nominees-2022", value=0.0, value_low=0.0, value_high=0.0)
    edit(frames, "indicator_values", "elected-rural-akims-2023-08", value=101.0, value_low=101.0, value_high=101.0)
    assert found(_rules.indicator_value_rules, frames) == []


def test_a_share_above_100_and_a_negative_value(frames: Frames) -> None:
    edit(frames, "indicator_values", "amanat-vote-share-2023", value=100.5)  # percent
    edit(frames, "indicator_values", "government-effectiveness-2022", value=101.0)  # percentile
    edit(frames, "indicator_values", "constitutional-court-nominees-2022", value=-1.0)  # count
    assert found(_rules.indicator_value_rules, frames) == [
        ("indicator_values", "amanat-vote-share-2023", "value", 100.5, "a percent or percentile value is at most 100"),
        (
            "indicator_values",
            "government-effectiveness-2022",
            "value",
            101.0,
            "a percent or percentile value is at most 100",
        ),
        ("indicator_values", "constitutional-court-nominees-2022", "value", -1.0, "values are not negative"),
    ]


TARGET_RULE = "a target's year is after the indicator's baseline (earliest observed) year"


def test_a_target_in_the_baseline_year_is_refused(frames: Frames) -> None:
    # corruption-perceptions-index: observed 2022, target 2026
    edit(frames, "indicator_values", "cpi-2026-target", date_start="2022-01-01", date_end="2022-12-31")
    assert found(_rules.indicator_value_rules, frames) == [
        ("indicator_values", "cpi-2026-target", "date_start", "2022-01-01", TARGET_RULE),
    ]


def test_the_baseline_is_the_earliest_observed_year(frames: Frames) -> None:
    """A later observation does not move the baseline: a target after the earliest one is allowed."""
    add(frames, "indicator_values", "cpi-2022", value_id="zz-cpi-2025", date_start="2025-01-01", date_end="2025-12-31")
    edit(frames, "indicator_values", "cpi-2026-target", date_start="2023-01-01", date_end="2023-12-31")
    assert found(_rules.indicator_value_rules, frames) == []


def test_a_target_before_a_target_is_no_baseline(frames: Frames) -> None:
    """Only observed values set the baseline: an earlier target does not."""
    add(
        frames,
        "indicator_values",
        "cpi-2026-target",
        value_id="zz-cpi-2023-target",
        date_start="2023-01-01",
        date_end="2023-12-31",
    )
    edit(frames, "indicator_values", "cpi-2022", date_start="2024-01-01", date_end="2024-12-31")
    assert found(_rules.indicator_value_rules, frames) == [
        ("indicator_values", "zz-cpi-2023-target", "date_start", "2023-01-01", TARGET_RULE),
    ]


# --------------------------------------------------------------------------- sources and footnotes


def test_source_kinds_and_footnote_numbers(frames: Frames) -> None:
    edit(frames, "sources", "halbach-2008", footnote=None)  # a cited work
    edit(frames, "sources", "crs-2022", footnote=3)  # a primary document
    edit(frames, "sources", "cornell-2024-fn16", title="Something")  # its text is missing
    assert found(_rules.source_rules, frames) == [
        ("sources", "halbach-2008", "footnote", None, "a cited work names the first footnote that cites it"),
        ("sources", "crs-2022", "footnote", 3, "a primary document has no footnote number"),
        ("sources", "cornell-2024-fn16", "title", "Something", "a source whose footnote text is missing has no title"),
    ]


def test_a_cited_work_names_its_lowest_footnote(frames: Frames) -> None:
    # cornell-2022 is cited by footnotes 26 and 29; mazorenko-2022 by 4 and 5
    edit(frames, "sources", "cornell-2022", footnote=29)
    assert found(_rules.source_rules, frames) == [
        ("sources", "cornell-2022", "footnote", 29, "equals the lowest footnote that cites the work in footnotes"),
    ]


def test_a_title_without_the_missing_text_flag_is_the_schemas(frames: Frames) -> None:
    """An unknown text_missing does not make a titled source a cross-table failure (the schema reports it)."""
    edit(frames, "sources", "halbach-2008", text_missing=None)  # titled
    assert found(_rules.source_rules, frames) == []


def test_a_footnote_cites_a_cited_work_once_per_position(frames: Frames) -> None:
    edit(frames, "footnotes", "fn-10-1", source_id="crs-2022")  # abc-news-2022-01-06's only footnote
    add(frames, "footnotes", "fn-01-1", footnote_entry_id="zz-fn-01-1-again")
    rule = "document_id, footnote and position together are unique"
    assert found(_rules.source_rules, frames) == [
        ("footnotes", "fn-10-1", "source_id", "crs-2022", "a footnote cites a cited_work, not a primary document"),
        ("footnotes", "fn-01-1", "position", 1, rule),
        ("footnotes", "zz-fn-01-1-again", "position", 1, rule),
    ]


def test_footnotes_belong_to_primary_documents_within_their_count(frames: Frames) -> None:
    edit(frames, "sources", "crs-2022", footnote_count=None)
    edit(frames, "sources", "halbach-2008", footnote_count=3)
    edit(frames, "footnotes", "fn-01-2", document_id="halbach-2008")
    assert found(_rules.footnote_documents, frames) == [
        (
            "sources",
            "crs-2022",
            "footnote_count",
            None,
            "a primary document states its footnote_count (0 when it has none)",
        ),
        ("sources", "halbach-2008", "footnote_count", 3, "a cited work has no footnote_count"),
        ("footnotes", "fn-01-2", "document_id", "halbach-2008", "a footnote belongs to a primary document"),
    ]


def test_a_footnote_beyond_its_documents_count(frames: Frames) -> None:
    edit(frames, "footnotes", "fn-35-2", document_id="crs-2022")  # crs-2022 has none; fn-35-1 keeps note 35
    assert found(_rules.footnote_documents, frames) == [
        ("footnotes", "fn-35-2", "footnote", 35, "must not exceed the document's footnote_count in sources"),
    ]


def test_the_last_footnote_of_a_document_is_allowed(frames: Frames) -> None:
    edit(frames, "sources", "cornell-2024", footnote_count=38)
    assert found(_rules.footnote_documents, frames) == []
    edit(frames, "sources", "cornell-2024", footnote_count=37)
    got = found(_rules.footnote_documents, frames)
    assert ("footnotes", "fn-38-1", "footnote", 38, "must not exceed the document's footnote_count in sources") in got
    assert (
        "citations",
        "footnotes-fn-38-1-1",
        "footnote",
        38,
        "must not exceed the cited document's footnote_count in sources",
    ) in got


def test_a_citation_footnote_must_be_one_of_its_documents(frames: Frames) -> None:
    edit(frames, "sources", "crs-2022", footnote_count=5)  # room for note 1, which crs-2022 does not have
    edit(frames, "citations", "aliases-congress-short-1", footnote=1)  # a crs-2022 citation
    assert found(_rules.footnote_documents, frames) == [
        (
            "citations",
            "aliases-congress-short-1",
            "footnote",
            1,
            "must be a footnote of the cited document (source_id) in footnotes",
        ),
    ]


# --------------------------------------------------------------------------- discrepancies and events


RESOLUTION_NEEDED = "a resolved discrepancy gives its resolution"
RESOLUTION_UNEXPECTED = "only a resolved discrepancy has a resolution (set status to resolved, or remove the text)"


def test_a_resolved_discrepancy_says_why_and_only_a_resolved_one(frames: Frames) -> None:
    """rickleton-url-year is the one resolved discrepancy (docs/dataset-card.md)."""
    edit(frames, "discrepancies", "rickleton-url-year", resolution=None)
    edit(frames, "discrepancies", "csto-troop-numbers", resolution="some text")
    assert found(_rules.discrepancy_resolutions, frames) == [
        ("discrepancies", "rickleton-url-year", "resolution", None, RESOLUTION_NEEDED),
        ("discrepancies", "csto-troop-numbers", "resolution", "some text", RESOLUTION_UNEXPECTED),
    ]


def test_resolving_with_its_evidence_is_accepted(frames: Frames) -> None:
    edit(frames, "discrepancies", "csto-troop-numbers", status="resolved", resolution="evidence in our words")
    assert found(_rules.discrepancy_resolutions, frames) == []


EVENT_FIGURE = "a figure of an event measure (deaths, injuries, detentions, troops, participants) names its event"


def test_a_figure_of_an_event_measure_names_its_event(frames: Frames) -> None:
    """officers-killed counts deaths (raw/indicators.csv, event_measure); cpi-2022 counts nothing of an event."""
    edit(frames, "indicator_values", "officers-killed-cornell", event_id=None)
    edit(frames, "indicator_values", "cpi-2022", event_id=None)
    assert found(_rules.event_figures_belong_to_events, frames) == [
        ("indicator_values", "officers-killed-cornell", "event_id", None, EVENT_FIGURE),
    ]


def test_a_discrepancy_needs_two_sides(frames: Frames) -> None:
    edit(frames, "discrepancy_claims", "abish-detained-or-at-large-2", side=1)
    drop(frames, "discrepancy_claims", discrepancy_id="abish-dismissal-date")
    rule = "a discrepancy has claims on at least two sides in discrepancy_claims"
    assert found(_rules.discrepancy_sides, frames) == [
        ("discrepancies", "abish-detained-or-at-large", "discrepancy_id", "abish-detained-or-at-large", rule),
        ("discrepancies", "abish-dismissal-date", "discrepancy_id", "abish-dismissal-date", rule),
    ]


def test_an_event_may_start_on_its_latest_sources_publication_day(frames: Frames) -> None:
    """Sources of an event: the latest publication end is the bound (cornell-2024: 2024-01-02)."""
    event = "2022-01-02-protests-begin-in-western-kazakhstan"
    cited = frames["citations"]
    sources = set(cited.loc[(cited["record_table"] == "events") & (cited["record_id"] == event), "source_id"])
    assert sources == {"cornell-2024", "crs-2022"}  # published 2024-01-02 and 2022-11-20 .. 2022-12-31
    edit(frames, "events", event, date_start="2024-01-02", date_end="2024-01-02")
    assert found(_rules.events_within_sources, frames) == []
    edit(frames, "events", event, date_start="2024-01-03", date_end="2024-01-03")
    assert found(_rules.events_within_sources, frames) == [
        (
            "events",
            event,
            "date_start",
            "2024-01-03",
            "an event cannot start after the publication of every source that reports it",
        ),
    ]


def test_only_event_citations_bound_an_event(frames: Frames) -> None:
    """An event's bound comes from citations of events, not of another table's record with the same id."""
    event = "2022-01-02-protests-begin-in-western-kazakhstan"
    edit(frames, "events", event, date_start="2024-01-03", date_end="2024-01-03")
    add(frames, "sources", "crs-2022", source_id="zz-late", published_start="2030-01-01", published_end="2030-01-01")
    add(frames, "citations", "aliases-abish-short-1", citation_id="zz-c", record_table="people", record_id=event)
    edit(frames, "citations", "zz-c", source_id="zz-late")
    assert [f[1] for f in found(_rules.events_within_sources, frames)] == [event]


# --------------------------------------------------------------------------- figures


FIGURE_RULES = {
    "low>value": "value_low is at most value",
    "high<value": "value_high is at least value",
    "low=value": "for this qualifier value_low equals value",
    "high=value": "for this qualifier value_high equals value",
    "no-low": "an upper-bounded figure (up_to, less_than, almost) has no value_low",
    "no-bounds": "an approximate figure has no bounds (none is invented)",
    "two-bounds": "a range (between) has two different bounds",
}


@pytest.mark.parametrize(
    ("pk", "cells", "expected"),
    [
        # amanat-vote-share-2023: exact 54, 54, 54
        ("amanat-vote-share-2023", {"value_low": 53.0}, [("value_low", 53.0, "low=value")]),
        ("amanat-vote-share-2023", {"value_low": None}, [("value_low", None, "low=value")]),
        ("amanat-vote-share-2023", {"value_high": 55.0}, [("value_high", 55.0, "high=value")]),
        ("amanat-vote-share-2023", {"value_high": None}, [("value_high", None, "high=value")]),
        # csto-troops-crs: approximately 2500, -, -
        ("csto-troops-crs", {"value_low": 2000.0}, [("value_low", 2000.0, "no-bounds")]),
        ("csto-troops-crs", {"value_high": 3000.0}, [("value_low", None, "no-bounds")]),
        # poll-neutral-2023-05: more_than 50, 50, -
        ("poll-neutral-2023-05", {"value_low": 49.0}, [("value_low", 49.0, "low=value")]),
        ("poll-neutral-2023-05", {"value_high": 100.0}, []),
        # officers-killed-cornell: up_to 18, -, 18
        ("officers-killed-cornell", {"value_low": 18.0}, [("value_low", 18.0, "no-low")]),
        ("officers-killed-cornell", {"value_high": None}, [("value_high", None, "high=value")]),
        # smaller-parties-vote-share-2023: between 8, 5, 11
        ("smaller-parties-vote-share-2023", {"value_low": 9.0}, [("value_low", 9.0, "low>value")]),
        ("smaller-parties-vote-share-2023", {"value_high": 7.0}, [("value_high", 7.0, "high<value")]),
        ("smaller-parties-vote-share-2023", {"value": 5.0}, []),
        ("smaller-parties-vote-share-2023", {"value": 11.0}, []),
        ("smaller-parties-vote-share-2023", {"value_low": None}, [("qualifier", "between", "two-bounds")]),
        ("smaller-parties-vote-share-2023", {"value_high": None}, [("qualifier", "between", "two-bounds")]),
        (
            "smaller-parties-vote-share-2023",
            {"value_low": 8.0, "value_high": 8.0},
            [("qualifier", "between", "two-bounds")],
        ),
        # a figure without a qualifier: only the ordering of its bounds is checked (the schema reports the gap)
        ("amanat-vote-share-2023", {"qualifier": None, "value_low": None}, []),
    ],
)
def test_a_figure_agrees_with_its_qualifier(
    frames: Frames, pk: str, cells: dict[str, object], expected: list[tuple[str, object, str]]
) -> None:
    edit(frames, "indicator_values", pk, **cells)
    assert found(_rules.figure_bounds, frames) == [
        ("indicator_values", pk, column, value, FIGURE_RULES[key]) for column, value, key in expected
    ]


# --------------------------------------------------------------------------- rules in force
#
# The rules as raw/indicator_values.csv gives them (docs/figures.md, "Rules"): known period
# valid_from..known_to, possible period possible_from..valid_to ("-" = none):
#   parliamentary-threshold-old  known -            possible -..2023-03-30   dated 2022-02-28..2023-03-30
#   parliamentary-threshold-new  known 2023-03-31..2024-01-02  possible 2022-03-01..-  dated 2023-03
#   party-list-seat-share-2023   as the new threshold
#   presidential-term-before-2022  known -      possible -..2022-11-19   dated 2022-08-31..2022-11-19
#   presidential-term-after-2022 / -limit-2022  known 2022-11-20..2022-11-20  possible 2022-09-01..-  dated 2022-09
#   asset-recovery-threshold-2023  known 2024-01-02..2024-01-02  possible 2023-07-01..-  dated 2023-07


ONLY_RULES = "only rules (value_kind rule) have a validity period"
OVERLAP = "two rules of the same indicator and place are not known in force on the same day (valid_from to known_to)"
BOTH_ENDS = "known_to is set exactly when valid_from is (the known period has both ends or none)"
DATED_BEFORE = "a rule is not dated before its possible_from"
DATED_AFTER = "a rule is not dated after its valid_to (a superseded value is never dated to a time it did not hold)"


def test_a_rule_has_a_basis_and_only_rules_have_validity(frames: Frames) -> None:
    edit(frames, "indicator_values", "party-list-seat-share-2023", valid_basis=None)
    edit(
        frames,
        "indicator_values",
        "cpi-2022",
        valid_from="2022-01-01",
        valid_to="2022-12-31",
        known_to="2022-12-31",
        possible_from="2022-01-01",
        valid_basis="stated",
    )
    assert found(_rules.rule_validity, frames) == [
        ("indicator_values", "party-list-seat-share-2023", "valid_basis", None, "a rule has a valid_basis"),
        ("indicator_values", "cpi-2022", "valid_from", "2022-01-01", ONLY_RULES),
        ("indicator_values", "cpi-2022", "valid_to", "2022-12-31", ONLY_RULES),
        ("indicator_values", "cpi-2022", "known_to", "2022-12-31", ONLY_RULES),
        ("indicator_values", "cpi-2022", "possible_from", "2022-01-01", ONLY_RULES),
        ("indicator_values", "cpi-2022", "valid_basis", "stated", ONLY_RULES),
    ]


@pytest.mark.parametrize(
    ("pk", "cells", "expected"),
    [
        # a known period with one end only
        ("presidential-term-after-2022", {"known_to": None}, [("known_to", None, BOTH_ENDS)]),
        ("asset-recovery-threshold-2023", {"valid_from": None}, [("known_to", "2024-01-02", BOTH_ENDS)]),
        # the four bounds out of order, one pair at a time
        (
            "parliamentary-threshold-new",
            {"possible_from": "2023-04-01"},
            [
                ("valid_from", "2023-03-31", "valid_from is not before possible_from"),
                ("date_start", "2023-03-01", DATED_BEFORE),
            ],
        ),
        (
            "presidential-term-after-2022",
            {"known_to": "2022-11-19"},
            [("known_to", "2022-11-19", "known_to is not before valid_from")],
        ),
        (
            "party-list-seat-share-2023",
            {"valid_to": "2023-12-31"},
            [("valid_to", "2023-12-31", "valid_to is not before known_to")],
        ),
        (
            "parliamentary-threshold-old",
            {"possible_from": "2023-04-01"},
            [
                ("valid_to", "2023-03-30", "valid_to is not before possible_from"),
                ("date_start", "2022-02-28", DATED_BEFORE),
            ],
        ),
        # dated after the possible period ends (and the known period past it)
        (
            "presidential-term-limit-2022",
            {"valid_to": "2022-09-15"},
            [("valid_to", "2022-09-15", "valid_to is not before known_to"), ("date_end", "2022-09-30", DATED_AFTER)],
        ),
        # every bound on an edge: allowed
        ("parliamentary-threshold-new", {"possible_from": "2023-03-01"}, []),
        ("presidential-term-limit-2022", {"valid_to": "2022-11-20"}, []),
        ("presidential-term-before-2022", {"possible_from": "2022-08-31"}, []),
    ],
)
def test_the_two_periods_nest_and_hold_the_rules_dates(
    frames: Frames, pk: str, cells: dict[str, object], expected: list[tuple[str, object, str]]
) -> None:
    edit(frames, "indicator_values", pk, **cells)
    assert found(_rules.rule_validity, frames) == [("indicator_values", pk, *failure) for failure in expected]


def test_only_rules_are_checked_for_overlapping_known_periods(frames: Frames) -> None:
    """Two observed values of one indicator given overlapping validity: reported as not rules, not as overlapping."""
    for pk in ("cpi-2022", "cpi-2026-target"):
        edit(frames, "indicator_values", pk, valid_from="2022-01-01", known_to="2026-12-31")
    assert found(_rules.rule_validity, frames) == [
        ("indicator_values", "cpi-2022", "valid_from", "2022-01-01", ONLY_RULES),
        ("indicator_values", "cpi-2026-target", "valid_from", "2022-01-01", ONLY_RULES),
        ("indicator_values", "cpi-2022", "known_to", "2026-12-31", ONLY_RULES),
        ("indicator_values", "cpi-2026-target", "known_to", "2026-12-31", ONLY_RULES),
    ]


def test_possible_periods_may_overlap_as_shipped(frames: Frames) -> None:
    """The old threshold may have held until 2023-03-30, the new one from 2022-03-01: no rule is broken."""
    assert found(_rules.rule_validity, frames) == []


def test_two_rules_known_in_force_on_one_day(frames: Frames) -> None:
    edit(frames, "indicator_values", "parliamentary-threshold-old", valid_from="2023-03-31", known_to="2023-03-31")
    edit(frames, "indicator_values", "parliamentary-threshold-old", valid_to=None)
    assert found(_rules.rule_validity, frames) == [
        ("indicator_values", "parliamentary-threshold-new", "indicator_id", "parliamentary-threshold", OVERLAP),
        ("indicator_values", "parliamentary-threshold-old", "indicator_id", "parliamentary-threshold", OVERLAP),
    ]


def test_known_periods_that_touch_do_not_overlap(frames: Frames) -> None:
    """The old threshold known on 2023-03-30 only, the new one from 2023-03-31."""
    edit(frames, "indicator_values", "parliamentary-threshold-old", valid_from="2023-03-30", known_to="2023-03-30")
    assert found(_rules.rule_validity, frames) == []


def test_rules_of_different_places_may_be_known_in_force_together(frames: Frames) -> None:
    edit(frames, "indicator_values", "parliamentary-threshold-old", valid_from="2023-03-31", known_to="2023-03-31")
    edit(frames, "indicator_values", "parliamentary-threshold-old", valid_to=None, place_id="almaty")
    assert found(_rules.rule_validity, frames) == []


def test_a_known_period_containing_another_overlaps_it(frames: Frames) -> None:
    """The earlier term known over years that hold the later term's one known day."""
    edit(frames, "indicator_values", "presidential-term-before-2022", valid_from="2019-01-01", known_to="2030-12-31")
    edit(frames, "indicator_values", "presidential-term-before-2022", valid_to=None)
    got = found(_rules.rule_validity, frames)
    assert [(f[1], f[4]) for f in got] == [
        ("presidential-term-after-2022", OVERLAP),
        ("presidential-term-before-2022", OVERLAP),
    ]


# --------------------------------------------------------------------------- date bases


def test_basis_groups_of_every_dated_table() -> None:
    assert _rules._basis_groups("events") == [("date_start", "date_inferred", "date_basis")]
    assert _rules._basis_groups("positions") == [
        ("start_date", "start_inferred", "start_basis"),
        ("end_date", "end_inferred", "end_basis"),
    ]
    assert _rules._basis_groups("sentences") == [("verdict_start", "verdict_inferred", "verdict_basis")]


def test_a_basis_agrees_with_its_date_and_flag(frames: Frames) -> None:
    edit(frames, "events", "1930s-famines-in-kazakhstan", date_basis="from_context")  # inferred false
    edit(frames, "events", "2022-01-01-gas-price-hike", date_basis="stated")  # inferred true
    edit(frames, "sentences", "massimov-karim-conviction", verdict_basis=None)
    edit(frames, "positions", "cornell-svante-joint-center-director", end_basis="stated")  # no end date
    assert found(_rules.date_bases, frames) == [
        (
            "positions",
            "cornell-svante-joint-center-director",
            "end_basis",
            "stated",
            "end_basis is set exactly when end_date is",
        ),
        (
            "events",
            "1930s-famines-in-kazakhstan",
            "date_basis",
            "from_context",
            "date_inferred is true exactly when date_basis is not 'stated'",
        ),
        (
            "events",
            "2022-01-01-gas-price-hike",
            "date_basis",
            "stated",
            "date_inferred is true exactly when date_basis is not 'stated'",
        ),
        (
            "sentences",
            "massimov-karim-conviction",
            "verdict_basis",
            None,
            "verdict_basis is set exactly when verdict_start is",
        ),
    ]


def test_a_basis_without_its_flag_is_only_the_schemas(frames: Frames) -> None:
    edit(frames, "events", "1930s-famines-in-kazakhstan", date_inferred=None)
    assert found(_rules.date_bases, frames) == []


# --------------------------------------------------------------------------- the change log


MERGE = "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023"


def test_a_change_log_version_is_a_version(frames: Frames) -> None:
    edit(frames, "changes", "0-2-0-corrected-people-karin-erlan", version="0.02.0")
    edit(frames, "changes", "0-2-0-corrected-reforms-new-kazakhstan", version=None)  # the schema's
    assert found(_rules.change_log, frames) == [
        (
            "changes",
            "0-2-0-corrected-people-karin-erlan",
            "version",
            "0.02.0",
            "a version is MAJOR.MINOR.PATCH without leading zeros, e.g. 0.1.0",
        ),
    ]


@pytest.mark.parametrize(
    ("pk", "cells", "rule"),
    [
        (MERGE, {"merged_into": None}, "a merged record names the id that replaces it"),
        (
            "0-2-0-corrected-people-karin-erlan",
            {"merged_into": "karin-erlan"},
            "only a merged or renamed record names a replacement id (leave it empty for added, corrected, retracted)",
        ),
        (MERGE, {"merged_into": "smaller-parties-vote-share-min-2023"}, "a record cannot be merged into itself"),
        (
            "0-2-0-merged-citations-indicator-values-smaller-parties-vote-share-min-2023-1",
            {"merged_into": "discrepancy-claims-death-toll-coverage-3-1"},
            "the replacement id is itself retracted, merged or renamed; name the record that survives",
        ),
        (
            MERGE,
            {"merged_into": "smaller-parties-vote-share-max-2023"},  # merged itself, in the same release
            "the replacement id is itself retracted, merged or renamed; name the record that survives",
        ),
        (
            MERGE,
            {"merged_into": "zz-no-such-value"},
            "the replacement id must be an existing record of the same record_table",
        ),
        (
            MERGE,
            {"merged_into": "amanat-vote-share"},  # an indicator, not an indicator value
            "the replacement id must be an existing record of the same record_table",
        ),
    ],
)
def test_a_merge_names_a_surviving_record_of_its_table(
    frames: Frames, pk: str, cells: dict[str, object], rule: str
) -> None:
    edit(frames, "changes", pk, **cells)
    value = cells["merged_into"]
    assert found(_rules.change_log, frames) == [("changes", pk, "merged_into", value, rule)]


RENAME = "0-2-0-corrected-events-2023-11-kgb-archives-opened"
"""A change of an event, made a rename in the tests below (the shipped log has none)."""


@pytest.mark.parametrize(
    ("cells", "rule"),
    [
        ({"merged_into": None}, "a renamed record names the id that replaces it"),
        ({"merged_into": "2023-11-kgb-archives-opened"}, "a record cannot be renamed to its own id"),
        (
            {"merged_into": "zz-kgb-archives-opened"},
            "the replacement id must be an existing record of the same record_table",
        ),
        (
            {"merged_into": "kgb-archives-opening"},
            "the replacement id must be an existing record of the same record_table",
        ),
    ],
)
def test_a_rename_names_a_surviving_record_of_its_table(frames: Frames, cells: dict[str, object], rule: str) -> None:
    edit(frames, "changes", RENAME, change="renamed", **cells)
    assert found(_rules.change_log, frames) == [("changes", RENAME, "merged_into", cells["merged_into"], rule)]


def test_a_rename_to_an_existing_record_is_sound(frames: Frames) -> None:
    """Renamed to an id of its table that no retiring change names: nothing to report."""
    edit(frames, "changes", RENAME, change="renamed", merged_into="2019-oyan-qazaqstan-formed")
    assert found(_rules.change_log, frames) == []


def test_a_merge_into_a_renamed_id(frames: Frames) -> None:
    """A renamed id is retired like a merged one: nothing may be merged into it."""
    edit(frames, "changes", RENAME, change="renamed", merged_into="2019-oyan-qazaqstan-formed")
    edit(
        frames,
        "changes",
        "0-2-0-corrected-people-karin-erlan",
        change="merged",
        record_table="events",
        record_id="2019-capital-renamed-nur-sultan",
        merged_into="2023-11-kgb-archives-opened",
    )
    assert found(_rules.change_log, frames) == [
        (
            "changes",
            "0-2-0-corrected-people-karin-erlan",
            "merged_into",
            "2023-11-kgb-archives-opened",
            "the replacement id is itself retracted, merged or renamed; name the record that survives",
        )
    ]


def test_a_merge_in_a_table_kzdata_does_not_have(frames: Frames) -> None:
    frames["changes"]["record_table"] = frames["changes"]["record_table"].astype("string")  # a category otherwise
    edit(frames, "changes", MERGE, record_table="aaa-table")  # sorts before every real table
    got = found(_rules.change_log, frames)
    assert got == [
        (
            "changes",
            MERGE,
            "merged_into",
            "smaller-parties-vote-share-2023",
            "the replacement id must be an existing record of the same record_table",
        )
    ]


def test_an_empty_change_log_breaks_nothing(frames: Frames) -> None:
    frames["changes"] = frames["changes"].iloc[0:0]
    assert found(_rules.change_log, frames) == []


# --------------------------------------------------------------------------- hierarchies


LOOP = "following parent_id must never lead back to the same row (no loops in the places hierarchy)"


def test_every_place_of_a_loop_is_named_and_nothing_above_or_below_it(frames: Frames) -> None:
    # moscow -> russia; put russia under moscow: a loop of two; novorossiysk hangs below it
    edit(frames, "places", "russia", parent_id="moscow")
    edit(frames, "places", "eastern-europe", parent_id="novorossiysk")  # leads into the loop, is not in it
    assert found(_rules.acyclic_hierarchies, frames) == [
        ("places", "moscow", "parent_id", "russia", LOOP),
        ("places", "russia", "parent_id", "moscow", LOOP),
    ]


def test_a_loop_of_three_places(frames: Frames) -> None:
    # almaty-airport -> almaty -> kazakhstan; close it at kazakhstan
    edit(frames, "places", "kazakhstan", parent_id="almaty-airport")
    got = found(_rules.acyclic_hierarchies, frames)
    assert sorted(f[1] for f in got) == ["almaty", "almaty-airport", "kazakhstan"]


def test_a_place_inside_itself(frames: Frames) -> None:
    edit(frames, "places", "aktau", parent_id="aktau")
    assert found(_rules.acyclic_hierarchies, frames) == [("places", "aktau", "parent_id", "aktau", LOOP)]


def test_a_parent_that_does_not_exist_is_no_loop(frames: Frames) -> None:
    edit(frames, "places", "aktau", parent_id="zz-nowhere")
    assert found(_rules.acyclic_hierarchies, frames) == []


def test_a_key_into_its_own_table_is_followed_wherever_it_is_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table whose key into itself comes after a key into another table still has its loops found."""
    from kzdata._registry import Column, Table

    nodes = Table(
        name="nodes",  # type: ignore[arg-type]
        title="Nodes",
        row="One node.",
        columns=(
            Column("node_id", "id", "The node."),
            Column("place_id", "id", "Where.", nullable=True, references="places.place_id"),
            Column("up_id", "id", "Above.", nullable=True, references="nodes.node_id"),
        ),
    )
    monkeypatch.setattr(_rules, "TABLES", (nodes,))
    frame = pd.DataFrame(
        {"node_id": ["a", "b", "c"], "place_id": ["almaty", None, None], "up_id": ["b", "a", "a"]}, dtype="string"
    )
    got = [(f.row, f.column) for f in _rules.acyclic_hierarchies({"nodes": frame})]
    assert got == [(0, "up_id"), (1, "up_id")]


def test_a_missing_value_is_the_schemas_not_a_bound_failure(frames: Frames) -> None:
    """A figure without a value (the schema reports it) breaks no 0-100 or sign rule."""
    edit(frames, "indicator_values", "amanat-vote-share-2023", value=None)  # a percent
    edit(frames, "indicator_values", "constitutional-court-nominees-2022", value=None)  # a count
    assert found(_rules.indicator_value_rules, frames) == []


def test_a_footnote_in_a_cited_work_is_refused_once(frames: Frames) -> None:
    """A cited work has no footnote_count: its footnotes are refused as misplaced, not measured against nothing."""
    edit(frames, "footnotes", "fn-01-2", document_id="halbach-2008")  # fn-01-1 keeps note 1 in cornell-2024
    assert found(_rules.footnote_documents, frames) == [
        ("footnotes", "fn-01-2", "document_id", "halbach-2008", "a footnote belongs to a primary document"),
    ]


def test_a_value_of_unknown_kind_is_not_taken_for_a_target(frames: Frames) -> None:
    """prison-sentence has four observed values of 2022; one without value_kind (the schema's) is no early target."""
    edit(frames, "indicator_values", "prison-sentence-osipov", value_kind=None)
    assert found(_rules.indicator_value_rules, frames) == []


def test_a_change_without_its_kind_is_the_schemas(frames: Frames) -> None:
    edit(frames, "changes", "0-2-0-corrected-people-karin-erlan", change=None)
    assert found(_rules.change_log, frames) == []


def test_a_date_group_with_a_single_cell_set_is_partial(frames: Frames) -> None:
    edit(frames, "sentences", "massimov-karim-conviction", verdict_end=None, verdict_precision=None)
    edit(frames, "sentences", "massimov-karim-conviction", verdict_inferred=None)  # verdict_start alone is left
    assert found(_rules.date_intervals, frames) == [
        (
            "sentences",
            "massimov-karim-conviction",
            "verdict_precision",
            None,
            "verdict_start, verdict_end, verdict_precision, verdict_inferred are all set or all empty",
        ),
    ]


def test_an_interval_without_an_inferred_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table may date an interval without an inferred flag; a precision without both bounds is no interval."""
    from kzdata._registry import Column, Table

    spans = Table(
        name="spans",  # type: ignore[arg-type]
        title="Spans",
        row="One span.",
        columns=(
            Column("span_id", "id", "The span."),
            Column("run_start", "date", "From."),
            Column("run_end", "date", "To."),
            Column("run_precision", "category", "How precise.", enum=("day", "range")),
            Column("open_start", "date", "From, with no end.", nullable=True),
            Column("open_precision", "category", "How precise.", nullable=True, enum=("day",)),
        ),
    )
    monkeypatch.setitem(_rules.REGISTRY, "spans", spans)
    monkeypatch.setattr(_rules, "TABLES", (spans,))
    assert _rules._interval_columns("spans") == [("run_start", "run_end", "run_precision", None)]
    frame = pd.DataFrame(
        {
            "span_id": pd.array(["a", "b"], dtype="string"),
            "run_start": pd.to_datetime(["2022-01-05", "2022-01-05"]),
            "run_end": pd.to_datetime(["2022-01-05", "2022-01-06"]),
            "run_precision": pd.Categorical(["day", None], categories=["day", "range"]),
            "open_start": pd.to_datetime(["2022-01-05", None]),
            "open_precision": pd.Categorical([None, "day"], categories=["day"]),
        }
    )
    got = [(f.row, f.column, f.rule) for f in _rules.date_intervals({"spans": frame})]
    assert got == [(1, "run_precision", "run_start, run_end, run_precision are all set or all empty")]


def test_a_missing_category_cell_is_reported_as_missing(frames: Frames) -> None:
    """A category cell comes back as NaN when empty; messages show it as missing (None), like every other empty cell."""
    edit(frames, "events", "1930s-famines-in-kazakhstan", date_precision=None)
    (failure,) = _rules.date_intervals(frames)
    assert failure.column == "date_precision"
    assert _rules.plain_value(failure.value) is None
    assert _rules.plain_value(np.nan) is None
    assert _rules.plain_value(pd.NaT) is None


# --------------------------------------------------------------------------- citation anchors (docs/anchors.md)

ANCHORED = "aliases-abish-short-1"
"""A citation anchored in raw/citations.csv (span 230-370 when this test was written)."""
UNANCHORED = "aliases-almaty-akimat-mayors-office-2"
GOOD_HASH = "sha256:" + "0123456789abcdef" * 4


def test_the_shipped_anchors_need_no_correction(frames: Frames) -> None:
    assert found(_rules.citation_anchors, frames) == []


@pytest.mark.parametrize("missing", ["span_start", "span_end", "span_sha256"])
def test_an_anchor_is_given_whole_or_not_at_all(frames: Frames, missing: str) -> None:
    edit(frames, "citations", ANCHORED, span_start=10, span_end=20, span_sha256=GOOD_HASH)
    edit(frames, "citations", ANCHORED, **{missing: None})
    shown_hash = None if missing == "span_sha256" else GOOD_HASH
    assert found(_rules.citation_anchors, frames) == [
        (
            "citations",
            ANCHORED,
            "span_sha256",
            shown_hash,
            "span_start, span_end and span_sha256 are given together or not at all",
        ),
    ]


def test_an_unanchored_citation_is_no_failure(frames: Frames) -> None:
    edit(frames, "citations", UNANCHORED, span_start=None, span_end=None, span_sha256=None)
    assert found(_rules.citation_anchors, frames) == []


def test_a_span_ends_after_it_starts(frames: Frames) -> None:
    edit(frames, "citations", ANCHORED, span_start=10, span_end=11, span_sha256=GOOD_HASH)
    assert found(_rules.citation_anchors, frames) == []
    edit(frames, "citations", ANCHORED, span_end=10)
    assert found(_rules.citation_anchors, frames) == [
        ("citations", ANCHORED, "span_end", 10, "must be after span_start"),
    ]
    edit(frames, "citations", ANCHORED, span_end=9)
    assert found(_rules.citation_anchors, frames) == [
        ("citations", ANCHORED, "span_end", 9, "must be after span_start"),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "sha256:" + "0123456789ABCDEF" * 4,  # upper case
        "sha256:" + "0" * 63,  # one digit short
        "sha256:" + "0" * 65,  # one digit long
        "sha1:" + "0" * 64,
        "0" * 64,  # no prefix
        " sha256:" + "0" * 64,
        "sha256:" + "0" * 63 + "g",
    ],
)
def test_a_span_hash_is_sha256_and_64_lower_case_hex_digits(frames: Frames, bad: str) -> None:
    edit(frames, "citations", ANCHORED, span_start=10, span_end=20, span_sha256=bad)
    assert found(_rules.citation_anchors, frames) == [
        ("citations", ANCHORED, "span_sha256", bad, "must be sha256: and 64 lower-case hex digits"),
    ]


# --------------------------------------------------------------------------- one fact, one date

FIGURE_OUTSIDE = (
    "a figure of an event is dated within the event's dates (date_start to date_end), "
    "or a discrepancy claim on the figure records why not"
)
POSITION_OUTSIDE = (
    "a position ended by an event (ended_by_event_id) ends within that event's dates, "
    "or a discrepancy claim on the position records why not"
)
EVENT_ID_APART = (
    "an id that begins with a date names the year, month or day in which the row starts (date_start); "
    "rename it through the change log (change renamed)"
)


def test_a_figure_may_fill_its_events_dates_but_not_leave_them(frames: Frames) -> None:
    """officers-wounded-cornell: 5-6 January 2022, as its event 2022-01-05-looting-and-casualties-in-almaty."""
    assert found(_rules.figure_within_event, frames) == []
    edit(frames, "indicator_values", "officers-wounded-cornell", date_start="2022-01-04")
    edit(frames, "indicator_values", "taldykorgan-attackers-2022", date_start="2022-01-05", date_end="2022-01-05")
    assert found(_rules.figure_within_event, frames) == [
        (
            "indicator_values",
            "officers-wounded-cornell",
            "event_id",
            "2022-01-05-looting-and-casualties-in-almaty",
            FIGURE_OUTSIDE,
        ),
        (
            "indicator_values",
            "taldykorgan-attackers-2022",
            "event_id",
            "2022-01-06-taldykorgan-detention-centre-attack",
            FIGURE_OUTSIDE,
        ),
    ]


def test_a_figure_ending_after_its_event(frames: Frames) -> None:
    edit(frames, "indicator_values", "officers-wounded-cornell", date_end="2022-01-07")
    assert [f[1] for f in found(_rules.figure_within_event, frames)] == ["officers-wounded-cornell"]


def test_a_figure_a_discrepancy_claim_carries_may_leave_its_events_dates(frames: Frames) -> None:
    """csto-troops-cornell is claimed by csto-troop-numbers-1: the recorded discrepancy lets it through."""
    edit(frames, "indicator_values", "csto-troops-cornell", date_start="2022-01-07", date_end="2022-01-07")
    assert found(_rules.figure_within_event, frames) == []
    edit(frames, "discrepancy_claims", "csto-troop-numbers-1", record_table="reforms")
    assert [f[1] for f in found(_rules.figure_within_event, frames)] == ["csto-troops-cornell"]


def test_a_figure_without_an_event_is_not_checked(frames: Frames) -> None:
    edit(frames, "indicator_values", "officers-wounded-cornell", event_id=None, date_start="2021-01-01")
    assert found(_rules.figure_within_event, frames) == []


def test_a_position_may_end_on_either_edge_of_its_event_but_not_outside(frames: Frames) -> None:
    """nazarbayev-nursultan-president ends 2019 (stored 2019-01-01), its event 2019-nazarbayev-leaves-presidency."""
    assert found(_rules.position_end_matches_event, frames) == []
    edit(frames, "positions", "nazarbayev-nursultan-president", end_date="2019-12-31", end_precision="day")
    assert found(_rules.position_end_matches_event, frames) == []
    edit(frames, "positions", "bektanov-murat-defence-minister", end_date="2022-01-20")
    edit(frames, "positions", "massimov-karim-national-security-committee-head", end_date="2022-01-04")
    assert found(_rules.position_end_matches_event, frames) == [
        ("positions", "bektanov-murat-defence-minister", "end_date", "2022-01-20", POSITION_OUTSIDE),
        ("positions", "massimov-karim-national-security-committee-head", "end_date", "2022-01-04", POSITION_OUTSIDE),
    ]


def test_a_position_ended_by_an_event_needs_an_end_date(frames: Frames) -> None:
    edit(frames, "positions", "bektanov-murat-defence-minister", end_date=None)
    assert found(_rules.position_end_matches_event, frames) == [
        (
            "positions",
            "bektanov-murat-defence-minister",
            "end_date",
            None,
            "a position ended by an event (ended_by_event_id) has an end_date",
        ),
    ]


def test_a_position_a_discrepancy_claim_carries_may_end_outside_its_event(frames: Frames) -> None:
    """Abish's post: the article dates its end 17 and 18 January; a claim on the position lets either through."""
    position = "abish-samat-national-security-committee-first-deputy"
    edit(frames, "positions", position, end_date="2022-01-17")
    assert [f[1] for f in found(_rules.position_end_matches_event, frames)] == [position]
    edit(frames, "discrepancy_claims", "abish-dismissal-date-1", record_table="positions", record_id=position)
    assert found(_rules.position_end_matches_event, frames) == []
    edit(frames, "discrepancy_claims", "abish-dismissal-date-1", record_table="indicator_values")
    assert [f[1] for f in found(_rules.position_end_matches_event, frames)] == [position]


def test_a_position_without_an_ending_event_is_not_checked(frames: Frames) -> None:
    edit(frames, "positions", "bektanov-murat-defence-minister", ended_by_event_id=None, end_date="2030-01-01")
    assert found(_rules.position_end_matches_event, frames) == []


def test_id_periods_of_a_year_a_month_and_a_day() -> None:
    ids = pd.Series(
        ["2022-01-05-x", "2022-02-x", "2024-x", "2019", "2022-13-x", "2023-02-29-x", "1930s-x", "x-2022", None],
        dtype="string",
    )
    first, last = _rules._id_periods(ids)
    assert [_shown(v) for v in first] == [
        "2022-01-05",
        "2022-02-01",
        "2024-01-01",
        "2019-01-01",
        None,
        None,
        None,
        None,
        None,
    ]
    assert [_shown(v) for v in last] == [
        "2022-01-05",
        "2022-02-28",
        "2024-12-31",
        "2019-12-31",
        None,
        None,
        None,
        None,
        None,
    ]


def test_an_event_id_names_the_period_in_which_its_row_starts(frames: Frames) -> None:
    """The ids 0.3.0 renamed are the cases (docs/dates.md): a dated id must hold the row's first day.

    2022-01-armed-groups-join-almaty-protests: 4 to 5 January 2022 (its 0.2.0 id named the 5th);
    2019-oyan-qazaqstan-formed: 2019 (year); 2022-01-05-massimov-removed-from-nsc: 5 January 2022.
    """
    assert found(_rules.id_date_agrees, frames) == []
    # the 0.2.0 id named the range's last day: inside the range, but not where it starts
    add(frames, "events", "2022-01-armed-groups-join-almaty-protests", event_id="2022-01-05-armed-groups-old-id")
    # a day id on the row's first day, a month id holding it, a year id holding it: all sound
    add(frames, "events", "2022-01-armed-groups-join-almaty-protests", event_id="2022-01-04-armed-groups")
    add(frames, "events", "2022-01-armed-groups-join-almaty-protests", event_id="2022-armed-groups")
    # the row's last day is the last day of the id's month: a start on it is sound, the day after is not
    edit(frames, "events", "2019-oyan-qazaqstan-formed", date_start="2019-12-31", date_end="2020-01-01")
    edit(frames, "events", "2022-01-05-massimov-removed-from-nsc", date_start="2022-01-04", date_end="2022-01-05")
    assert found(_rules.id_date_agrees, frames) == [
        (
            "events",
            "2022-01-05-massimov-removed-from-nsc",
            "event_id",
            "2022-01-05-massimov-removed-from-nsc",
            EVENT_ID_APART,
        ),
        ("events", "2022-01-05-armed-groups-old-id", "event_id", "2022-01-05-armed-groups-old-id", EVENT_ID_APART),
    ]
    edit(frames, "events", "2019-oyan-qazaqstan-formed", date_start="2020-01-01", date_end="2020-01-01")
    assert ("events", "2019-oyan-qazaqstan-formed") in [f[:2] for f in found(_rules.id_date_agrees, frames)]


def test_an_id_naming_the_end_of_a_long_range_is_refused(frames: Frames) -> None:
    """kgb-archives-opened: 1989 to 12 November 2023; its 0.2.0 id 2023-11-... named the report that bounds it."""
    add(frames, "events", "kgb-archives-opened", event_id="2023-11-kgb-archives-opened")
    add(frames, "events", "kgb-archives-opened", event_id="1989-kgb-archives-opened")
    assert found(_rules.id_date_agrees, frames) == [
        ("events", "2023-11-kgb-archives-opened", "event_id", "2023-11-kgb-archives-opened", EVENT_ID_APART)
    ]


def test_an_id_starting_after_its_row_ends_and_one_with_an_impossible_date(frames: Frames) -> None:
    edit(frames, "events", "2022-01-05-massimov-removed-from-nsc", date_start="2022-01-06", date_end="2022-01-06")
    add(frames, "events", "2019-oyan-qazaqstan-formed", event_id="2019-13-oyan")
    add(frames, "events", "2019-oyan-qazaqstan-formed", event_id="2019")
    assert [f[1] for f in found(_rules.id_date_agrees, frames)] == [
        "2022-01-05-massimov-removed-from-nsc",
        "2019-13-oyan",
    ]


def test_ids_of_other_dated_tables_are_checked_and_undated_ids_are_not(frames: Frames) -> None:
    """Reforms and figures have no dated ids today; a dated one is held to its row like an event's.

    The reform kgb-archives-opening starts in 1989 (docs/dates.md), so 1980 and 1990 are not its start.
    """
    add(frames, "reforms", "kgb-archives-opening", reform_id="1980-kgb-archives-opening")
    add(frames, "reforms", "kgb-archives-opening", reform_id="1990-kgb-archives-opening")
    add(frames, "indicator_values", "csto-troops-crs", value_id="2022-01-06-csto-troops")
    add(frames, "sources", "crs-2022", source_id="2021-crs")
    edit(frames, "events", "1930s-famines-in-kazakhstan", date_start="1950-01-01", date_end="1950-12-31")
    rule = "an id that begins with a date names the year, month or day in which the row starts ({}); "
    rule += "rename it through the change log (change renamed)"
    assert found(_rules.id_date_agrees, frames) == [
        ("sources", "2021-crs", "source_id", "2021-crs", rule.format("published_start")),
        ("reforms", "1980-kgb-archives-opening", "reform_id", "1980-kgb-archives-opening", rule.format("date_start")),
        ("reforms", "1990-kgb-archives-opening", "reform_id", "1990-kgb-archives-opening", rule.format("date_start")),
    ]


def test_a_missing_id_is_the_schemas_not_a_date_failure(frames: Frames) -> None:
    edit(frames, "events", "2019-oyan-qazaqstan-formed", event_id=None)
    assert found(_rules.id_date_agrees, frames) == []


def test_a_repeated_event_id_is_the_schemas_and_its_first_row_dates_the_figures(frames: Frames) -> None:
    """A repeated key is reported by the schema; the date rules read the first row and do not fail."""
    add(frames, "events", "2022-01-06-taldykorgan-detention-centre-attack", event_id="2022-01-19-bektanov-relieved")
    assert found(_rules.figure_within_event, frames) == []
    assert found(_rules.position_end_matches_event, frames) == []


# --------------------------------------------------------------------------- editorial_marks (docs/editorial.md)

#: places' columns less the primary key place_id and the editorial kind, latitude and longitude
MARKABLE_PLACES = "name, parent_id, description"


def test_the_shipped_editorial_marks_hold(frames: Frames) -> None:
    assert found(_rules.editorial_marks, frames) == []


@pytest.mark.parametrize(
    ("column", "why"),
    [
        ("place_id", "the primary key"),
        ("latitude", "editorial as a whole"),
        ("kind", "a classification"),
        ("no_such_column", "not a column"),
    ],
)
def test_an_editorial_mark_names_a_markable_column(frames: Frames, column: str, why: str) -> None:
    edit(frames, "editorial_values", "places-berlin-parent-id", column_name=column)
    rule = (
        "must be a column of places that is neither its primary key, derived, nor editorial as a whole: "
        f"one of {MARKABLE_PLACES}"
    )
    assert found(_rules.editorial_marks, frames) == [
        ("editorial_values", "places-berlin-parent-id", "column_name", column, rule)
    ], why


def test_an_editorial_mark_of_a_derived_column_is_refused(frames: Frames) -> None:
    edit(
        frames,
        "editorial_values",
        "places-berlin-parent-id",
        record_table="events",
        record_id="2022-01-02-protests-begin-in-western-kazakhstan",
        column_name="location_precision",
    )
    [(table, pk, column, value, rule)] = found(_rules.editorial_marks, frames)
    assert (table, pk, column, value) == (
        "editorial_values",
        "places-berlin-parent-id",
        "column_name",
        "location_precision",
    )
    assert "location_precision" not in rule.split(": one of ")[1].split(", ")


def test_an_editorial_mark_must_hold_the_records_value(frames: Frames) -> None:
    edit(frames, "places", "berlin", parent_id="kazakhstan")  # the mark records germany
    edit(frames, "sources", "crs-2022", publisher="Library of Congress")
    assert found(_rules.editorial_marks, frames) == [
        (
            "editorial_values",
            "places-berlin-parent-id",
            "recorded_value",
            "germany",
            "must equal the value the record holds ('kazakhstan'): re-read the basis, then update "
            "recorded_value, or remove the mark if the value is now stated by the documents",
        ),
        (
            "editorial_values",
            "sources-crs-2022-publisher",
            "recorded_value",
            "Congressional Research Service",
            "must equal the value the record holds ('Library of Congress'): re-read the basis, then update "
            "recorded_value, or remove the mark if the value is now stated by the documents",
        ),
    ]


def test_an_editorial_mark_of_an_emptied_value_is_refused(frames: Frames) -> None:
    edit(frames, "places", "novorossiysk", parent_id=None)
    assert found(_rules.editorial_marks, frames) == [
        (
            "editorial_values",
            "places-novorossiysk-parent-id",
            "recorded_value",
            "russia",
            "the record holds no value there now: remove the mark",
        )
    ]


def test_an_editorial_mark_without_a_recorded_value_is_the_schemas(frames: Frames) -> None:
    """A blank recorded_value is reported by the schema (a value is required), not by a crash of the rule."""
    edit(frames, "editorial_values", "places-turkiye-name", recorded_value=None)
    edit(frames, "places", "novorossiysk", parent_id=None)
    assert [f[1] for f in found(_rules.editorial_marks, frames)] == ["places-novorossiysk-parent-id"]


def test_a_value_is_marked_once(frames: Frames) -> None:
    add(frames, "editorial_values", "places-berlin-parent-id", editorial_id="zz-places-berlin-parent-id-again")
    add(
        frames,
        "editorial_values",
        "places-berlin-parent-id",
        editorial_id="zz-places-berlin-name",
        column_name="name",
        recorded_value="Berlin",
    )
    assert found(_rules.editorial_marks, frames) == [
        (
            "editorial_values",
            "zz-places-berlin-parent-id-again",
            "column_name",
            "parent_id",
            "a value is marked once: merge the two marks into one",
        )
    ]


def test_an_editorial_mark_of_a_missing_record_is_left_to_record_references(frames: Frames) -> None:
    edit(frames, "editorial_values", "places-moscow-parent-id", record_id="zz-no-such-place")
    assert found(_rules.editorial_marks, frames) == []
    assert found(_rules.record_references, frames) == [
        (
            "editorial_values",
            "places-moscow-parent-id",
            "record_id",
            "zz-no-such-place",
            "must be the primary key of an existing row of record_table",
        )
    ]


@pytest.mark.parametrize(
    ("cells", "first_fails"),
    [
        ({"column_name": "alias_id"}, True),  # the primary key: reported, and the next mark still read
        ({"record_id": "zz-no-such-alias"}, False),  # dangling: record_references' to report
        ({"record_table": "zz-no-such-table"}, False),  # unknown table: the schema's to report
    ],
)
def test_an_editorial_mark_that_cannot_be_read_does_not_hide_the_next(
    frames: Frames, cells: dict[str, object], first_fails: bool
) -> None:
    """aliases-amanat-short-alias is the first mark (ids sorted); sources-crs-2022-publisher a later one."""
    frames["editorial_values"]["record_table"] = frames["editorial_values"]["record_table"].astype("string")
    assert frames["editorial_values"]["editorial_id"].iloc[0] == "aliases-amanat-short-alias"
    edit(frames, "editorial_values", "aliases-amanat-short-alias", **cells)
    edit(frames, "sources", "crs-2022", publisher="Library of Congress")
    got = [(f[1], f[2]) for f in found(_rules.editorial_marks, frames)]
    later = ("sources-crs-2022-publisher", "recorded_value")
    assert got == ([("aliases-amanat-short-alias", "column_name")] if first_fails else []) + [later]


def test_an_editorial_mark_without_its_record_table_is_the_schemas(frames: Frames) -> None:
    """record_table and record_id are required in editorial_values: no half-set failure, as for citations."""
    edit(frames, "editorial_values", "places-berlin-parent-id", record_table=None)
    assert found(_rules.record_references, frames) == []


@pytest.mark.parametrize("dtype", ["string", "string[python]", "object", "category"])
def test_isin_takes_every_kind_of_text_column(dtype: str) -> None:
    """Arrow-backed, Python-backed, object and category columns all look up alike (a category is cast)."""
    values = pd.Series(["almaty", None, "astana", "almaty"], dtype=dtype, index=[3, 1, 2, 0])
    known = pd.Series(["almaty", "aktau", None], dtype=dtype)
    assert _rules.isin(values, known).tolist() == [True, False, False, True]
    assert _rules.isin(known, values).tolist() == [True, False, False]


def test_isin_reads_a_missing_value_written_nan_in_a_column_of_objects() -> None:
    """pandas writes a missing text as NaN in an object column; it is missing, not a float to compare."""
    values = pd.Series(["almaty", np.nan, "aktau"], dtype=object)
    assert _rules.isin(values, pd.Series(["almaty"], dtype="string")).tolist() == [True, False, False]


def test_a_value_marked_twice_is_found_beside_a_mark_the_schema_refuses(frames: Frames) -> None:
    """One mark lacks its column (the schema's to report); the two marks of one value are still reported."""
    add(frames, "editorial_values", "places-berlin-parent-id", editorial_id="zz-places-berlin-parent-id-again")
    edit(frames, "editorial_values", "places-moscow-parent-id", column_name=None)
    assert [f[1:3] for f in found(_rules.editorial_marks, frames) if f[2] == "column_name" and f[3] == "parent_id"] == [
        ("zz-places-berlin-parent-id-again", "column_name")
    ]
