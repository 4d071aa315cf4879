"""Every cross-table rule refuses the row that breaks it: through ``kzdata.validate()`` and ``kzdata validate``.

Each case breaks a copy of the release in exactly the way one rule names (one cell, one
added or removed row; ``tests/release_copy.py`` rewrites the Parquet file and its hash, so
the integrity gate lets the data through to the rules) and states, by hand, every failure
that must follow: table, row (by primary key), column and the words of the rule. The
report must hold exactly those failures, no fewer and no more, and ``kzdata validate``
must exit with 1 and name the same rows. Where a break necessarily breaks a second rule
(a citation of a cited work also points outside its section's document), both are listed.

The rules are those of ``kzdata/_rules.py``, read in the order of its ``RULES``; the
bounds of figures per qualifier are docs/figures.md's table, the date bases docs/dates.md.
The rows broken are real rows of ``raw/*.csv``, named by their ids.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import kzdata
from kzdata import _files, _validation
from kzdata._cli import main
from kzdata._validation import ValidationReport
from kzdata.errors import DataValidationError, Issue
from tests.expected_keys import FOREIGN_KEYS
from tests.release_copy import ReleaseCopy


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReleaseCopy:
    """A copy of the shipped release that kzdata reads instead of the installed one."""
    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    return copy


@dataclass(frozen=True)
class Failure:
    """A failure the report must hold: table, primary key, column and the rule's words (a regex)."""

    table: str
    pk: str
    column: str
    rule: str


@dataclass(frozen=True)
class Case:
    breaks: Callable[[ReleaseCopy], None]
    failures: tuple[Failure, ...]


KEYS = {
    "sources": "source_id",
    "footnotes": "footnote_entry_id",
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
    "changes": "change_id",
    "sections": "section_id",
    "authorships": "authorship_id",
    "organizations": "organization_id",
    "editorial_values": "editorial_id",
}
"""Primary keys, as the first column of each raw file names them (written out by hand)."""


def row_label(failure: Failure) -> str:
    return f"{KEYS[failure.table]}={failure.pk}"


def cell(table: str, pk: str, **cells: object) -> Callable[[ReleaseCopy], None]:
    """Break one row: set these cells."""
    return lambda r: r.set(table, pk, **cells)


def fails(table: str, pk: str, column: str, rule: str) -> tuple[Failure, ...]:
    return (Failure(table, pk, column, rule),)


# --------------------------------------------------------------------------- the breaks that need more than one cell


def citation_of_a_missing_record(r: ReleaseCopy) -> None:
    r.add("citations", "aliases-abish-short-1", citation_id="zz-citation", record_id="zz-no-such-alias")


def uncited_indicator(r: ReleaseCopy) -> None:
    assert r.drop("citations", record_table="indicators", record_id="amanat-vote-share") >= 1


def uncited_claim(r: ReleaseCopy) -> None:
    assert r.drop("citations", record_table="discrepancy_claims", record_id="abish-detained-or-at-large-1") >= 1


def footnote_no_footnote_has(r: ReleaseCopy) -> None:
    r.set("sources", "cornell-2024", footnote_count=39)  # room for a 39th note, which footnotes lacks
    r.set("citations", "aliases-accessnow-spelling-1", footnote=39)


def citation_footnote_of_another_document(r: ReleaseCopy) -> None:
    r.set("sources", "crs-2022", footnote_count=5)  # crs-2022 may have note 1, but footnotes lists none of it
    r.set("citations", "aliases-congress-short-1", footnote=1)


def duplicate_footnote_position(r: ReleaseCopy) -> None:
    r.add("footnotes", "fn-01-1", footnote_entry_id="zz-fn-01-1-again")
    r.add("citations", "footnotes-fn-01-1-1", citation_id="zz-citation", record_id="zz-fn-01-1-again")


def merged_into_a_retracted_record(r: ReleaseCopy) -> None:
    r.set(
        "changes",
        "0-2-0-merged-citations-indicator-values-smaller-parties-vote-share-min-2023-1",
        merged_into="discrepancy-claims-death-toll-coverage-3-1",  # retracted in the same release
    )


def position_ends_before_it_starts(r: ReleaseCopy) -> None:
    r.set(
        "positions",
        "tokayev-kassym-jomart-security-council-chair",  # starts 2022-01-05 (day)
        end_date="2022-01-04",
        end_precision="day",
        end_inferred=False,
        end_basis="stated",
    )


def event_after_its_sources(r: ReleaseCopy) -> None:
    r.set("events", "2022-01-02-protests-begin-in-western-kazakhstan", date_start="2030-01-01", date_end="2030-01-01")


def places_loop(r: ReleaseCopy) -> None:
    r.set("places", "kazakhstan", parent_id="almaty")  # almaty's parent is kazakhstan


def one_sided_discrepancy(r: ReleaseCopy) -> None:
    r.set("discrepancy_claims", "abish-detained-or-at-large-2", side=1)  # its only other claim is side 1


# --------------------------------------------------------------------------- figure bounds, docs/figures.md

# One real row per qualifier, with its shipped (value, value_low, value_high):
EXACT = "amanat-vote-share-2023"  # 54, 54, 54
APPROXIMATELY = "csto-troops-crs"  # 2500, -, -
MORE_THAN = "poll-neutral-2023-05"  # 50, 50, -
AT_LEAST = "officers-wounded-cornell"  # 200, 200, 999 ("hundreds")
UP_TO = "officers-killed-cornell"  # 18, -, 18
LESS_THAN = "poll-views-improved-2023-05"  # 5, -, 5
ALMOST = "nazarbayev-years-in-office-crs"  # 30, -, 30
BETWEEN = "smaller-parties-vote-share-2023"  # 8, 5, 11

LOW_EQUALS = r"for this qualifier value_low equals value"
HIGH_EQUALS = r"for this qualifier value_high equals value"
NO_LOW = r"an upper-bounded figure \(up_to, less_than, almost\) has no value_low"
NO_BOUNDS = r"an approximate figure has no bounds"
TWO_BOUNDS = r"a range \(between\) has two different bounds"


def figure(pk: str, column: str, rule: str, **cells: object) -> Case:
    return Case(cell("indicator_values", pk, **cells), fails("indicator_values", pk, column, rule))


FIGURE_CASES = {
    # exact: both bounds equal the value
    "exact-low-below-value": figure(EXACT, "value_low", LOW_EQUALS, value_low=53.0),
    "exact-without-low": figure(EXACT, "value_low", LOW_EQUALS, value_low=None),
    "exact-high-above-value": figure(EXACT, "value_high", HIGH_EQUALS, value_high=55.0),
    "exact-without-high": figure(EXACT, "value_high", HIGH_EQUALS, value_high=None),
    # approximately: no bound at all, on either side (the rule names value_low for both)
    "approximately-with-low": figure(APPROXIMATELY, "value_low", NO_BOUNDS, value_low=2000.0),
    "approximately-with-high": figure(APPROXIMATELY, "value_low", NO_BOUNDS, value_high=3000.0),
    # more_than, at_least: value_low is the value
    "more-than-low-below-value": figure(MORE_THAN, "value_low", LOW_EQUALS, value_low=49.0),
    "more-than-without-low": figure(MORE_THAN, "value_low", LOW_EQUALS, value_low=None),
    "at-least-low-below-value": figure(AT_LEAST, "value_low", LOW_EQUALS, value_low=199.0),
    "at-least-without-low": figure(AT_LEAST, "value_low", LOW_EQUALS, value_low=None),
    # up_to, less_than, almost: value_high is the value, and there is no value_low
    "up-to-high-above-value": figure(UP_TO, "value_high", HIGH_EQUALS, value_high=19.0),
    "up-to-without-high": figure(UP_TO, "value_high", HIGH_EQUALS, value_high=None),
    "up-to-with-low": figure(UP_TO, "value_low", NO_LOW, value_low=18.0),
    "less-than-high-above-value": figure(LESS_THAN, "value_high", HIGH_EQUALS, value_high=6.0),
    "less-than-without-high": figure(LESS_THAN, "value_high", HIGH_EQUALS, value_high=None),
    "less-than-with-low": figure(LESS_THAN, "value_low", NO_LOW, value_low=5.0),
    "almost-high-above-value": figure(ALMOST, "value_high", HIGH_EQUALS, value_high=31.0),
    "almost-without-high": figure(ALMOST, "value_high", HIGH_EQUALS, value_high=None),
    "almost-with-low": figure(ALMOST, "value_low", NO_LOW, value_low=30.0),
    # between: two different bounds, the value inside them
    "between-without-low": figure(BETWEEN, "qualifier", TWO_BOUNDS, value_low=None),
    "between-without-high": figure(BETWEEN, "qualifier", TWO_BOUNDS, value_high=None),
    "between-equal-bounds": figure(BETWEEN, "qualifier", TWO_BOUNDS, value_low=8.0, value_high=8.0),
    "low-above-value": figure(BETWEEN, "value_low", r"value_low is at most value", value_low=9.0),
    "high-below-value": figure(BETWEEN, "value_high", r"value_high is at least value", value_high=7.0),
}


# --------------------------------------------------------------------------- every rule of kzdata/_rules.py

ONLY_RULES = r"only rules \(value_kind rule\) have a validity period"
FIRST_DAY = r"a month or year date is stored as the first day of that month or year"

CASES: dict[str, Case] = {
    # foreign_keys (every key at once: test_every_foreign_key_is_checked_by_validate)
    "dangling-place": Case(
        cell("events", "1930s-famines-in-kazakhstan", place_id="atlantis"),
        fails("events", "1930s-famines-in-kazakhstan", "place_id", r"must be an existing places\.place_id"),
    ),
    # record_references
    "citation-of-a-missing-record": Case(
        citation_of_a_missing_record,
        fails("citations", "zz-citation", "record_id", r"primary key of an existing row of record_table"),
    ),
    "claim-of-a-missing-record": Case(
        cell("discrepancy_claims", "abish-detained-or-at-large-1", record_id="zz-no-such-event"),
        fails(
            "discrepancy_claims",
            "abish-detained-or-at-large-1",
            "record_id",
            r"primary key of an existing row of record_table",
        ),
    ),
    "claim-record-id-without-table": Case(
        cell("discrepancy_claims", "abish-detained-or-at-large-1", record_table=None),
        fails("discrepancy_claims", "abish-detained-or-at-large-1", "record_id", r"set together or not at all"),
    ),
    "claim-record-table-without-id": Case(
        cell("discrepancy_claims", "price-hike-fuel-vs-gas-3", record_table="events"),
        fails("discrepancy_claims", "price-hike-fuel-vs-gas-3", "record_id", r"set together or not at all"),
    ),
    # every_record_cited
    "uncited-indicator": Case(
        uncited_indicator,
        fails("indicators", "amanat-vote-share", "indicator_id", r"at least one row in citations"),
    ),
    "uncited-claim": Case(
        uncited_claim,
        fails("discrepancy_claims", "abish-detained-or-at-large-1", "claim_id", r"at least one row in citations"),
    ),
    # citation_locators
    "section-of-another-document": Case(
        # paragraph 2 of a cornell-2024 section, moved to a crs-2022 section of two paragraphs
        cell("citations", "aliases-almaty-akimat-mayors-office-1", section_id="crs-2022-war-in-ukraine"),
        fails(
            "citations",
            "aliases-almaty-akimat-mayors-office-1",
            "section_id",
            r"the section must belong to the cited source_id",
        ),
    ),
    "paragraph-beyond-the-section": Case(
        cell("citations", "aliases-abish-short-1", paragraph=7),  # cornell-2024-january-events has 6
        fails("citations", "aliases-abish-short-1", "paragraph", r"must not exceed the section's paragraph_count"),
    ),
    "citation-without-paragraph-or-footnote": Case(
        cell("citations", "aliases-abish-short-1", paragraph=None),
        fails("citations", "aliases-abish-short-1", "paragraph", r"needs a paragraph, a footnote, or both"),
    ),
    "citation-of-a-cited-work": Case(
        cell("citations", "aliases-abish-short-1", source_id="halbach-2008"),
        (
            Failure("citations", "aliases-abish-short-1", "source_id", r"citations point into a primary document"),
            Failure("citations", "aliases-abish-short-1", "section_id", r"section must belong to the cited source_id"),
        ),
    ),
    "footnote-that-no-footnote-row-has": Case(
        footnote_no_footnote_has,
        (
            Failure("citations", "aliases-accessnow-spelling-1", "footnote", r"a footnote number present in footnotes"),
            Failure("citations", "aliases-accessnow-spelling-1", "footnote", r"a footnote of the cited document"),
        ),
    ),
    # citation_anchors
    "anchor-given-in-part": Case(
        cell("citations", "aliases-abish-short-1", span_start=0, span_end=10, span_sha256=None),
        fails("citations", "aliases-abish-short-1", "span_sha256", r"given together or not at all"),
    ),
    "anchor-ending-where-it-starts": Case(
        cell("citations", "aliases-abish-short-1", span_start=10, span_end=10, span_sha256="sha256:" + "0" * 64),
        fails("citations", "aliases-abish-short-1", "span_end", r"must be after span_start"),
    ),
    "anchor-with-a-malformed-hash": Case(
        cell("citations", "aliases-abish-short-1", span_start=0, span_end=10, span_sha256="sha256:" + "F" * 64),
        fails("citations", "aliases-abish-short-1", "span_sha256", r"64 lower-case hex digits"),
    ),
    # date_intervals
    "partial-date-group": Case(
        cell("sentences", "massimov-karim-conviction", verdict_precision=None),
        fails(
            "sentences",
            "massimov-karim-conviction",
            "verdict_precision",
            r"verdict_start, verdict_end, verdict_precision, verdict_inferred are all set or all empty",
        ),
    ),
    "partial-publication-date": Case(
        cell("sources", "crs-2022", published_inferred=None),
        fails("sources", "crs-2022", "published_precision", r"published_inferred are all set or all empty"),
    ),
    "end-before-start": Case(
        cell("events", "1930s-famines-in-kazakhstan", date_end="1929-12-31"),
        fails("events", "1930s-famines-in-kazakhstan", "date_end", r"the end must not be before the start"),
    ),
    "day-that-ends-another-day": Case(
        cell("events", "2022-01-02-protests-begin-in-western-kazakhstan", date_end="2022-01-03"),
        fails(
            "events",
            "2022-01-02-protests-begin-in-western-kazakhstan",
            "date_end",
            r"day precision: start and end are the same day",
        ),
    ),
    "month-not-from-the-first": Case(
        cell("events", "2020-08-belarus-disputed-election", date_start="2020-08-02"),
        fails("events", "2020-08-belarus-disputed-election", "date_start", r"month precision: the start is the first"),
    ),
    "month-not-to-the-last": Case(
        cell("events", "2020-08-belarus-disputed-election", date_end="2020-08-30"),
        fails("events", "2020-08-belarus-disputed-election", "date_end", r"month precision: the end is the last day"),
    ),
    "year-not-from-1-january": Case(
        cell("events", "1986-anti-soviet-protests", date_start="1986-02-01"),
        fails("events", "1986-anti-soviet-protests", "date_start", r"year precision: the start is 1 January"),
    ),
    "year-not-to-31-december": Case(
        cell("events", "1986-anti-soviet-protests", date_end="1986-12-30"),
        fails("events", "1986-anti-soviet-protests", "date_end", r"year precision: the end is 31 December"),
    ),
    "range-of-one-day": Case(
        cell("events", "1930s-famines-in-kazakhstan", date_end="1930-01-01"),
        fails("events", "1930s-famines-in-kazakhstan", "date_end", r"range precision: the bounds differ"),
    ),
    "value-range-of-one-day": Case(
        cell("indicator_values", "unrest-deaths-crs", date_end="2022-01-02"),
        fails("indicator_values", "unrest-deaths-crs", "date_end", r"range precision: the bounds differ"),
    ),
    # position_dates, both ways for each field
    "position-precision-without-date": Case(
        cell("positions", "cornell-svante-joint-center-director", end_precision="day"),
        fails(
            "positions",
            "cornell-svante-joint-center-director",
            "end_precision",
            r"end_precision is set exactly when end_date is",
        ),
    ),
    "position-date-without-precision": Case(
        cell("positions", "abish-samat-national-security-committee-first-deputy", end_precision=None),
        fails(
            "positions",
            "abish-samat-national-security-committee-first-deputy",
            "end_precision",
            r"end_precision is set exactly when end_date is",
        ),
    ),
    "position-inferred-without-date": Case(
        cell("positions", "cornell-svante-joint-center-director", start_inferred=True),
        fails(
            "positions",
            "cornell-svante-joint-center-director",
            "start_inferred",
            r"start_inferred is set exactly when start_date is",
        ),
    ),
    "position-date-without-inferred": Case(
        cell("positions", "tokayev-kassym-jomart-president", start_inferred=None),
        fails(
            "positions",
            "tokayev-kassym-jomart-president",
            "start_inferred",
            r"start_inferred is set exactly when start_date is",
        ),
    ),
    "position-month-not-on-the-first": Case(
        cell("positions", "tokayev-kassym-jomart-security-council-chair", start_precision="month"),  # 2022-01-05
        fails("positions", "tokayev-kassym-jomart-security-council-chair", "start_date", FIRST_DAY),
    ),
    "position-year-not-on-1-january": Case(
        cell("positions", "tokayev-kassym-jomart-president", start_date="2019-03-01"),  # year precision
        fails("positions", "tokayev-kassym-jomart-president", "start_date", FIRST_DAY),
    ),
    "position-end-before-start": Case(
        position_ends_before_it_starts,
        fails(
            "positions",
            "tokayev-kassym-jomart-security-council-chair",
            "end_date",
            r"the end must not be before the start",
        ),
    ),
    # exactly_one, both ways (none and two)
    "actor-naming-nobody": Case(
        cell("event_actors", "2019-capital-renamed-nur-sultan-nazarbayev-nursultan", person_id=None),
        fails(
            "event_actors",
            "2019-capital-renamed-nur-sultan-nazarbayev-nursultan",
            "person_id",
            r"exactly one of person_id, organization_id is set",
        ),
    ),
    "actor-naming-two": Case(
        cell("event_actors", "2019-capital-renamed-nur-sultan-nazarbayev-nursultan", organization_id="csto"),
        fails(
            "event_actors",
            "2019-capital-renamed-nur-sultan-nazarbayev-nursultan",
            "person_id",
            r"exactly one of person_id, organization_id is set",
        ),
    ),
    "alias-naming-nothing": Case(
        cell("aliases", "abish-short", person_id=None),
        fails("aliases", "abish-short", "person_id", r"exactly one of person_id, organization_id, place_id, reform_id"),
    ),
    "alias-naming-two": Case(
        cell("aliases", "abish-short", place_id="almaty"),
        fails("aliases", "abish-short", "person_id", r"exactly one of person_id, organization_id, place_id, reform_id"),
    ),
    # indicator_value_rules
    "percent-above-100": Case(
        cell("indicator_values", EXACT, value=101.0, value_low=101.0, value_high=101.0),
        fails("indicator_values", EXACT, "value", r"a percent or percentile value is at most 100"),
    ),
    "percentile-above-100": Case(
        cell("indicator_values", "government-effectiveness-2022", value=101.0, value_low=101.0, value_high=101.0),
        fails("indicator_values", "government-effectiveness-2022", "value", r"percentile value is at most 100"),
    ),
    "negative-count": Case(
        cell("indicator_values", "constitutional-court-nominees-2022", value=-1.0, value_low=-1.0, value_high=-1.0),
        fails("indicator_values", "constitutional-court-nominees-2022", "value", r"values are not negative"),
    ),
    "target-in-the-baseline-year": Case(
        # the baseline, cpi-2022, is of 2022
        cell("indicator_values", "cpi-2026-target", date_start="2022-01-01", date_end="2022-12-31"),
        fails(
            "indicator_values", "cpi-2026-target", "date_start", r"a target's year is after the indicator's baseline"
        ),
    ),
    # source_rules
    "cited-work-without-footnote": Case(
        cell("sources", "halbach-2008", footnote=None),
        fails("sources", "halbach-2008", "footnote", r"a cited work names the first footnote that cites it"),
    ),
    "primary-document-with-footnote": Case(
        cell("sources", "crs-2022", footnote=1),
        fails("sources", "crs-2022", "footnote", r"a primary document has no footnote number"),
    ),
    "missing-text-with-a-title": Case(
        cell("sources", "cornell-2024-fn16", title="A title nobody can read"),
        fails("sources", "cornell-2024-fn16", "title", r"a source whose footnote text is missing has no title"),
    ),
    "footnote-citing-a-primary-document": Case(
        cell("footnotes", "fn-01-1", source_id="crs-2022"),  # halbach-2008's only footnote
        fails("footnotes", "fn-01-1", "source_id", r"a footnote cites a cited_work, not a primary document"),
    ),
    "two-footnote-rows-in-one-place": Case(
        duplicate_footnote_position,
        (
            Failure("footnotes", "fn-01-1", "position", r"document_id, footnote and position together are unique"),
            Failure(
                "footnotes", "zz-fn-01-1-again", "position", r"document_id, footnote and position together are unique"
            ),
        ),
    ),
    "cited-work-not-at-its-first-footnote": Case(
        cell("sources", "cornell-2022", footnote=29),  # footnotes 26 and 29 cite it
        fails("sources", "cornell-2022", "footnote", r"equals the lowest footnote that cites the work"),
    ),
    # discrepancy_sides
    "one-sided-discrepancy": Case(
        one_sided_discrepancy,
        fails("discrepancies", "abish-detained-or-at-large", "discrepancy_id", r"claims on at least two sides"),
    ),
    # editorial_marks (docs/editorial.md): a mark names a markable column and the value the record holds
    "editorial-mark-of-a-changed-value": Case(
        cell("organizations", "dgap", name="DGAP"),  # marked as "German Council on Foreign Relations"
        fails(
            "editorial_values", "organizations-dgap-name", "recorded_value", r"must equal the value the record holds"
        ),
    ),
    "editorial-mark-of-an-editorial-column": Case(
        cell("editorial_values", "places-berlin-parent-id", column_name="latitude"),
        fails("editorial_values", "places-berlin-parent-id", "column_name", r"neither its primary key, derived, nor"),
    ),
    "editorial-mark-of-a-missing-record": Case(
        cell("editorial_values", "places-moscow-parent-id", record_id="zz-no-such-place"),
        fails("editorial_values", "places-moscow-parent-id", "record_id", r"primary key of an existing row"),
    ),
    # discrepancy_resolutions
    "resolved-without-resolution": Case(
        cell("discrepancies", "rickleton-url-year", resolution=None),
        fails("discrepancies", "rickleton-url-year", "resolution", r"a resolved discrepancy gives its resolution"),
    ),
    "resolution-of-an-unresolved-one": Case(
        cell("discrepancies", "csto-troop-numbers", resolution="settled"),
        fails("discrepancies", "csto-troop-numbers", "resolution", r"only a resolved discrepancy has a resolution"),
    ),
    # event_figures_belong_to_events
    "event-figure-without-its-event": Case(
        cell("indicator_values", "officers-killed-cornell", event_id=None),
        fails("indicator_values", "officers-killed-cornell", "event_id", r"names its event"),
    ),
    # events_within_sources
    "event-after-every-source": Case(
        event_after_its_sources,
        (
            Failure(
                "events",
                "2022-01-02-protests-begin-in-western-kazakhstan",
                "date_start",
                r"cannot start after the publication of every source that reports it",
            ),
            # moved to 2030, the event no longer lies in the day its id names
            Failure(
                "events",
                "2022-01-02-protests-begin-in-western-kazakhstan",
                "event_id",
                r"an id that begins with a date names the year, month or day in which the row starts",
            ),
        ),
    ),
    # figure_bounds
    **FIGURE_CASES,
    # rule_validity
    "rule-without-basis": Case(
        cell("indicator_values", "party-list-seat-share-2023", valid_basis=None),
        fails("indicator_values", "party-list-seat-share-2023", "valid_basis", r"a rule has a valid_basis"),
    ),
    "observation-with-valid-from": Case(
        cell("indicator_values", EXACT, valid_from="2023-03-01"),
        fails("indicator_values", EXACT, "valid_from", ONLY_RULES),
    ),
    "observation-with-valid-to": Case(
        cell("indicator_values", EXACT, valid_to="2023-03-31"),
        fails("indicator_values", EXACT, "valid_to", ONLY_RULES),
    ),
    "observation-with-valid-basis": Case(
        cell("indicator_values", EXACT, valid_basis="stated"),
        fails("indicator_values", EXACT, "valid_basis", ONLY_RULES),
    ),
    "validity-ending-before-it-starts": Case(
        # possible from 2022-09-01, known on 2022-11-20, dated September 2022: an end of 2022-08-31
        # is before its known period, before its possible start, and before its own month ends
        cell("indicator_values", "presidential-term-after-2022", valid_to="2022-08-31"),
        (
            Failure("indicator_values", "presidential-term-after-2022", "valid_to", r"valid_to is not before known_to"),
            Failure(
                "indicator_values", "presidential-term-after-2022", "valid_to", r"valid_to is not before possible_from"
            ),
            Failure("indicator_values", "presidential-term-after-2022", "date_end", r"not dated after its valid_to"),
        ),
    ),
    "rule-dated-before-its-validity": Case(
        cell("indicator_values", "parliamentary-threshold-new", possible_from="2023-03-02"),
        fails("indicator_values", "parliamentary-threshold-new", "date_start", r"not dated before its possible_from"),
    ),
    "rule-dated-after-its-validity": Case(
        cell("indicator_values", "parliamentary-threshold-old", valid_to="2023-03-29"),
        fails("indicator_values", "parliamentary-threshold-old", "date_end", r"not dated after its valid_to"),
    ),
    "two-rules-in-force-on-one-day": Case(
        # the successor is known in force from 2023-03-31: the old rule known on that day too overlaps it
        cell(
            "indicator_values",
            "parliamentary-threshold-old",
            valid_from="2023-03-31",
            known_to="2023-03-31",
            valid_to=None,
        ),
        (
            Failure(
                "indicator_values", "parliamentary-threshold-old", "indicator_id", r"not known in force on the same"
            ),
            Failure(
                "indicator_values", "parliamentary-threshold-new", "indicator_id", r"not known in force on the same"
            ),
        ),
    ),
    # date_bases, both ways
    "basis-without-date": Case(
        cell("reforms", "rehabilitation-of-repression-victims", date_basis="stated"),
        fails(
            "reforms",
            "rehabilitation-of-repression-victims",
            "date_basis",
            r"date_basis is set exactly when date_start",
        ),
    ),
    "date-without-basis": Case(
        cell("reforms", "akim-elections-expansion", date_basis=None),
        fails("reforms", "akim-elections-expansion", "date_basis", r"date_basis is set exactly when date_start"),
    ),
    "inferred-date-with-basis-stated": Case(
        cell("events", "2022-01-01-gas-price-hike", date_basis="stated"),  # date_inferred true
        fails(
            "events",
            "2022-01-01-gas-price-hike",
            "date_basis",
            r"date_inferred is true exactly when date_basis is not 'stated'",
        ),
    ),
    "stated-date-with-another-basis": Case(
        cell("events", "2022-01-02-protests-begin-in-western-kazakhstan", date_basis="from_context"),  # inferred false
        fails(
            "events",
            "2022-01-02-protests-begin-in-western-kazakhstan",
            "date_basis",
            r"date_inferred is true exactly when date_basis is not 'stated'",
        ),
    ),
    "inferred-position-start-stated": Case(
        cell("positions", "tokayev-kassym-jomart-president", start_basis="stated"),  # start_inferred true
        fails(
            "positions",
            "tokayev-kassym-jomart-president",
            "start_basis",
            r"start_inferred is true exactly when start_basis is not 'stated'",
        ),
    ),
    "stated-position-end-from-context": Case(
        cell("positions", "nazarbayev-nursultan-president", end_basis="from_context"),  # end_inferred false
        fails(
            "positions",
            "nazarbayev-nursultan-president",
            "end_basis",
            r"end_inferred is true exactly when end_basis is not 'stated'",
        ),
    ),
    "verdict-basis-without-verdict": Case(
        cell("sentences", "massimov-karim-conviction", verdict_basis=None),
        fails(
            "sentences",
            "massimov-karim-conviction",
            "verdict_basis",
            r"verdict_basis is set exactly when verdict_start",
        ),
    ),
    # footnote_documents
    "document-without-footnote-count": Case(
        cell("sources", "crs-2022", footnote_count=None),
        fails("sources", "crs-2022", "footnote_count", r"a primary document states its footnote_count"),
    ),
    "cited-work-with-footnote-count": Case(
        cell("sources", "halbach-2008", footnote_count=3),
        fails("sources", "halbach-2008", "footnote_count", r"a cited work has no footnote_count"),
    ),
    "footnote-of-a-cited-work": Case(
        cell("footnotes", "fn-01-2", document_id="halbach-2008"),  # fn-01-1 keeps note 1 in cornell-2024
        fails("footnotes", "fn-01-2", "document_id", r"a footnote belongs to a primary document"),
    ),
    "footnote-beyond-its-document": Case(
        cell("footnotes", "fn-35-2", document_id="crs-2022"),  # crs-2022 has 0 footnotes; fn-35-1 keeps note 35
        fails("footnotes", "fn-35-2", "footnote", r"must not exceed the document's footnote_count"),
    ),
    "citation-footnote-beyond-its-document": Case(
        cell("citations", "aliases-congress-short-1", footnote=1),  # a crs-2022 citation; crs-2022 has 0 notes
        (
            Failure("citations", "aliases-congress-short-1", "footnote", r"cited document's footnote_count"),
            Failure("citations", "aliases-congress-short-1", "footnote", r"a footnote of the cited document"),
        ),
    ),
    "citation-footnote-of-another-document": Case(
        citation_footnote_of_another_document,
        fails("citations", "aliases-congress-short-1", "footnote", r"a footnote of the cited document \(source_id\)"),
    ),
    # change_log
    "merge-without-target": Case(
        cell("changes", "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023", merged_into=None),
        fails(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            "merged_into",
            r"a merged record names the id that replaces it",
        ),
    ),
    "correction-with-target": Case(
        cell("changes", "0-2-0-corrected-people-karin-erlan", merged_into="karin-erlan"),
        fails(
            "changes",
            "0-2-0-corrected-people-karin-erlan",
            "merged_into",
            r"only a merged or renamed record names a replacement id",
        ),
    ),
    "merged-into-itself": Case(
        cell(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            merged_into="smaller-parties-vote-share-min-2023",
        ),
        fails(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            "merged_into",
            r"a record cannot be merged into itself",
        ),
    ),
    "merged-into-a-retracted-record": Case(
        merged_into_a_retracted_record,
        fails(
            "changes",
            "0-2-0-merged-citations-indicator-values-smaller-parties-vote-share-min-2023-1",
            "merged_into",
            r"the replacement id is itself retracted, merged or renamed",
        ),
    ),
    "merged-into-nothing": Case(
        cell(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            merged_into="zz-no-such-value",
        ),
        fails(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            "merged_into",
            r"must be an existing record of the same record_table",
        ),
    ),
    "merged-into-a-record-of-another-table": Case(
        cell(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            merged_into="amanat-vote-share",  # an indicator, not an indicator value
        ),
        fails(
            "changes",
            "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
            "merged_into",
            r"must be an existing record of the same record_table",
        ),
    ),
    "version-that-is-not-a-version": Case(
        cell("changes", "0-2-0-corrected-people-karin-erlan", version="0.2"),
        fails("changes", "0-2-0-corrected-people-karin-erlan", "version", r"MAJOR\.MINOR\.PATCH"),
    ),
    # acyclic_hierarchies
    "places-in-a-loop": Case(
        places_loop,
        (
            Failure("places", "kazakhstan", "parent_id", r"no loops in the places hierarchy"),
            Failure("places", "almaty", "parent_id", r"no loops in the places hierarchy"),
        ),
    ),
    "place-its-own-parent": Case(  # astana: a parent the documents state, so no editorial mark follows it
        cell("places", "astana", parent_id="astana"),
        fails("places", "astana", "parent_id", r"no loops in the places hierarchy"),
    ),
    # figure_within_event
    "figure-outside-its-event": Case(
        # officers-wounded-cornell is dated 5-6 January 2022, as its event
        cell("indicator_values", "officers-wounded-cornell", date_start="2022-01-04"),
        fails(
            "indicator_values",
            "officers-wounded-cornell",
            "event_id",
            r"a figure of an event is dated within the event's dates",
        ),
    ),
    # position_end_matches_event
    "position-ending-after-its-event": Case(
        # Bektanov was relieved on 19 January 2022 (2022-01-19-bektanov-relieved)
        cell("positions", "bektanov-murat-defence-minister", end_date="2022-01-20"),
        fails(
            "positions",
            "bektanov-murat-defence-minister",
            "end_date",
            r"a position ended by an event \(ended_by_event_id\) ends within that event's dates",
        ),
    ),
    # id_date_agrees
    "event-id-naming-another-year": Case(
        cell("events", "2019-oyan-qazaqstan-formed", date_start="2020-01-01", date_end="2020-12-31"),
        fails(
            "events",
            "2019-oyan-qazaqstan-formed",
            "event_id",
            r"an id that begins with a date names the year, month or day in which the row starts",
        ),
    ),
    "event-id-naming-the-end-of-its-range": Case(
        # 2022-01-armed-groups-join-almaty-protests: 4 to 5 January; its 0.2.0 id named the 5th
        lambda r: (
            r.add(
                "events",
                "2022-01-armed-groups-join-almaty-protests",
                event_id="2022-01-05-armed-groups-join-almaty-protests",
            ),
            r.add(  # cited like its twin, so that the id is the only thing wrong
                "citations",
                "events-2022-01-05-armed-groups-join-almaty-protests-1",
                citation_id="zz-events-armed-groups-old-id",
                record_id="2022-01-05-armed-groups-join-almaty-protests",
            ),
        ),
        fails(
            "events",
            "2022-01-05-armed-groups-join-almaty-protests",
            "event_id",
            r"an id that begins with a date names the year, month or day in which the row starts",
        ),
    ),
}


def unmatched(issues: list[Issue], failures: tuple[Failure, ...]) -> tuple[list[Failure], list[Issue]]:
    """Pair each expected failure with one reported issue; return what is left on both sides."""
    left = list(issues)
    missing = []
    for failure in failures:
        for issue in left:
            if (issue.where, issue.row, issue.column) == (
                failure.table,
                row_label(failure),
                failure.column,
            ) and re.search(failure.rule, issue.rule):
                left.remove(issue)
                break
        else:
            missing.append(failure)
    return missing, left


def validate_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[ValidationReport, int, str]:
    """Run ``kzdata validate`` once: the report ``validate()`` returned to it, the exit code, the output.

    The command calls the real ``validate()``; it is only watched, so that one run of the
    rules (the slow part) serves both the library's report and the command's answer.
    """
    reports: list[ValidationReport] = []
    real = _validation.validate

    def watched(**kwargs: bool) -> ValidationReport:
        reports.append(real(**kwargs))
        return reports[-1]

    monkeypatch.setattr(_validation, "validate", watched)
    code = main(["validate", "--width", "1000"])
    assert len(reports) == 1, "kzdata validate runs validate() once"
    return reports[0], code, capsys.readouterr().out


def assert_named(out: str, failures: tuple[Failure, ...]) -> None:
    """Each failure is a line of the command's output: table, row, column, then the rule."""
    lines = [line.strip() for line in out.splitlines()]
    for failure in failures:
        named = f"- {failure.table}, {row_label(failure)}, column {failure.column!r}: "
        assert any(line.startswith(named) and re.search(failure.rule, line) for line in lines), out


#: One case per rule of kzdata/_rules.py runs in the inner loop (`pytest -m "not slow"`); the
#: rest of the sweep is marked slow and runs in CI (docs/testing.md).
INNER_LOOP = {
    "dangling-place",
    "citation-of-a-missing-record",
    "uncited-indicator",
    "paragraph-beyond-the-section",
    "anchor-given-in-part",
    "end-before-start",
    "position-end-before-start",
    "actor-naming-two",
    "percent-above-100",
    "cited-work-without-footnote",
    "one-sided-discrepancy",
    "event-after-every-source",
    "approximately-with-high",
    "two-rules-in-force-on-one-day",
    "inferred-date-with-basis-stated",
    "footnote-beyond-its-document",
    "merged-into-itself",
    "places-in-a-loop",
    "figure-outside-its-event",
    "position-ending-after-its-event",
    "event-id-naming-another-year",
}


def test_the_inner_loop_names_existing_cases() -> None:
    assert set(CASES) >= INNER_LOOP


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=i, marks=() if i in INNER_LOOP else (pytest.mark.slow,)) for i, c in CASES.items()],
)
def test_validate_and_the_command_refuse_exactly_the_broken_row(
    release: ReleaseCopy, case: Case, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case.breaks(release)
    release.save()
    report, code, out = validate_command(monkeypatch, capsys)
    missing, extra = unmatched(report.issues, case.failures)
    assert not missing, f"not reported: {missing}\n{report}"
    assert not extra, f"reported beyond the break: {extra}"
    assert code == 1
    assert_named(out, case.failures)
    assert f"{len(case.failures)} failure(s):" in out


# --------------------------------------------------------------------------- every foreign key at once

#: The row to break for a foreign key, where the first row with the cell set would also break another
#: (or the same cell twice); every other key breaks the first row whose cell is set.
ROW_FOR_KEY = {
    ("footnotes", "document_id"): "fn-04-1",
    ("footnotes", "source_id"): "fn-04-1",
    ("aliases", "organization_id"): "accessnow-spelling",
}


@pytest.mark.slow
def test_every_foreign_key_is_checked_by_validate(
    release: ReleaseCopy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One bad reference in every foreign-key column of tests/expected_keys.py, all at once."""
    broken = []
    for table, column, ref, ref_column in FOREIGN_KEYS:
        frame = release.frame(table)
        pk = ROW_FOR_KEY.get((table, column)) or str(frame.loc[frame[column].notna(), frame.columns[0]].iloc[0])
        value = f"zz-no-such-{column.replace('_', '-')}"
        release.set(table, pk, **{column: value})
        broken.append((Failure(table, pk, column, rf"must be an existing {ref}\.{ref_column}$"), value))
    release.save()
    report, code, out = validate_command(monkeypatch, capsys)
    missing, _ = unmatched(report.issues, tuple(f for f, _ in broken))
    assert not missing, f"dangling keys not reported: {missing}"
    assert code == 1
    for failure, value in broken:
        assert f"{failure.table}, {row_label(failure)}, column {failure.column!r}: value {value!r}" in out


# --------------------------------------------------------------------------- the other direction: what the rules allow


@pytest.mark.slow
def test_edits_within_the_rules_validate(release: ReleaseCopy) -> None:
    """Values on the documented edges are accepted (docs/figures.md, docs/dates.md, docs/errors.md)."""
    release.set("indicator_values", MORE_THAN, value_high=100.0)  # more_than with a ceiling, like "most"
    release.set("indicator_values", BETWEEN, value=5.0)  # a range's value may sit on its lower end
    release.set("indicator_values", EXACT, value=100.0, value_low=100.0, value_high=100.0)  # a share of 100
    release.set("indicator_values", "cpi-2026-target", date_start="2023-01-01", date_end="2023-12-31")  # year after
    release.set("citations", "aliases-abish-short-2", paragraph=18)  # the last paragraph of cornell-2024-aftermath
    release.set("events", "2022-01-01-gas-price-hike", date_basis="from_context")  # another inferred basis
    release.set("indicator_values", "parliamentary-threshold-new", valid_to="2024-01-02")  # ends with its known period
    release.set("positions", "cornell-svante-joint-center-director", end_date="2023-01-01", end_precision="year")
    release.set("positions", "cornell-svante-joint-center-director", end_inferred=False, end_basis="stated")
    release.save()
    report = kzdata.validate(raise_on_error=False)
    assert report.ok, report


@pytest.mark.parametrize(
    ("qualifier", "low", "high"),
    [
        ("exact", "value", "value"),
        ("approximately", "", ""),
        ("more_than", "value", None),
        ("at_least", "value", None),
        ("up_to", "", "value"),
        ("less_than", "", "value"),
        ("almost", "", "value"),
        ("between", None, None),
    ],
)
def test_every_qualifier_is_shipped_with_the_documented_bounds(
    qualifier: str, low: str | None, high: str | None
) -> None:
    """docs/figures.md's table, read from raw/indicator_values.csv: 'value' equal, '' empty, None free."""
    from tests import oracle

    rows = [r for r in oracle.rows("indicator_values") if r["qualifier"] == qualifier]
    assert rows, f"no {qualifier} figure in raw/: the shipped data cannot show the rule accepts it"
    for row in rows:
        for column, want in (("value_low", low), ("value_high", high)):
            if want == "value":
                assert float(row[column]) == float(row["value"]), row["value_id"]
            elif want == "":
                assert row[column] == "", row["value_id"]
        if qualifier == "between":
            assert float(row["value_low"]) < float(row["value_high"])


# --------------------------------------------------------------------------- real processes


def _cli_on(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\nfrom pathlib import Path\nimport kzdata._files as files\n"
        "files.locate = lambda: Path(sys.argv[1])\nfrom kzdata._cli import main\nsys.exit(main(sys.argv[2:]))\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(copy), *args], capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_a_process_running_validate_on_broken_data_exits_1(release: ReleaseCopy) -> None:
    CASES["dangling-place"].breaks(release)
    release.save()
    named = "events, event_id=1930s-famines-in-kazakhstan, column 'place_id': value 'atlantis'"
    with pytest.raises(DataValidationError, match=re.escape(named)) as info:
        kzdata.validate()
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("1 validation failure(s):")
    result = _cli_on(release.folder, "validate", "--width", "1000")
    assert (result.returncode, result.stderr) == (1, "")
    assert named in result.stdout
    info = _cli_on(release.folder, "info", "--validate", "--width", "1000")
    assert info.returncode == 1
    assert named in info.stdout
    verify = _cli_on(release.folder, "verify")
    # The loaders accept the copy (its hashes and the code's record were rewritten); verify does not:
    # the Parquet values no longer match the CSV files or the fingerprint.
    assert verify.returncode == 1, verify.stderr
