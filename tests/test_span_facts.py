"""``verify-sources --facts`` on a synthetic document of our own (docs/anchors.md, "Numbers and names in their spans").

The document, its skeleton, the rows and their citations are invented and written out by
hand below, as tests/test_anchors.py does for the anchors themselves: each paragraph is one
line, offsets come from ``str.index`` on the hand-written paragraphs and hashes from
:mod:`hashlib`. Which facts are found and which are not is written by hand for each row;
nothing expected is computed by kzdata. Nothing here reads the primary documents.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kzdata import _span_facts as sf
from kzdata.errors import InvalidArgumentError

#: The paragraphs of the synthetic report, one line each, in their section "r-main".
PARAGRAPHS = [
    "On 5 January 2031 the council of Varno met in Lindholm. The guard arrested eighteen smugglers. "
    "Mayor Ada Brix said 1,500 lanterns were lit.",
    "Captain Olek Varga was sentenced to twelve years on January 9. His deputy got 7 years.",
    "Turnout reached 54 percent in March 2031. About 2.5 million crowns were spent. "
    "Hundreds of guards were wounded at the Lindholm customs house. The Court sat from 28-29 November.",
    "Harbour tolls fell to a 19th-century level in the 1990s. Brix and the Members agreed. The government wept.",
]
FOOTNOTE = 'Ada Brix, "Lanterns," Harbour Review, 4 Mar. 2031.'
DOCUMENT = "Varno Report\n\n" + "\n\n".join(PARAGRAPHS) + "\n\nNotes\n\n" + FOOTNOTE + "\n"
LINES: list[tuple[str, tuple[str, int | None, int | None] | None]] = [
    ("Varno Report", None),
    *((text, ("r-main", n, None)) for n, text in enumerate(PARAGRAPHS, start=1)),
    ("Notes", None),
    (FOOTNOTE, ("r-notes", None, 1)),
]


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


Cited = tuple[int | None, int | None, int, int, str]


def _cite(paragraph: int | None, first: str, last: str | None = None) -> Cited:
    """A citation of the sentences from ``first`` to ``last`` of a paragraph (None: the footnote)."""
    text = FOOTNOTE if paragraph is None else PARAGRAPHS[paragraph - 1]
    start = text.index(first)
    end = text.index(last or first) + len(last or first)
    return paragraph, None if paragraph else 1, start, end, _sha(text[start:end])


#: (table, record_id) -> the citations of the row.
CITATIONS = {
    ("sentences", "varga"): [_cite(2, "Captain Olek Varga was sentenced to twelve years on January 9.")],
    ("sentences", "deputy"): [_cite(2, "His deputy got 7 years.")],
    ("indicator_values", "turnout"): [_cite(3, "Turnout reached 54 percent in March 2031.")],
    ("indicator_values", "lanterns"): [_cite(1, "Mayor Ada Brix said 1,500 lanterns were lit.")],
    ("indicator_values", "spend"): [_cite(3, "About 2.5 million crowns were spent.")],
    ("indicator_values", "smugglers"): [_cite(1, "On 5 January 2031 the council of Varno met in Lindholm.")],
    ("indicator_values", "wounded"): [_cite(3, "Hundreds of guards were wounded at the Lindholm customs house.")],
    ("events", "meeting"): [_cite(1, "On 5 January 2031 the council of Varno met in Lindholm.")],
    ("events", "verdict"): [_cite(2, "Captain Olek Varga was sentenced to twelve years on January 9.")],
    ("events", "court"): [_cite(3, "The Court sat from 28-29 November.")],
    ("events", "tolls"): [_cite(4, "Harbour tolls fell to a 19th-century level in the 1990s.")],
    ("events", "two-citations"): [
        _cite(2, "His deputy got 7 years."),
        _cite(1, "On 5 January 2031 the council of Varno met in Lindholm."),
    ],
    ("event_actors", "meeting-brix"): [_cite(1, "Mayor Ada Brix said 1,500 lanterns were lit.")],
    ("event_actors", "meeting-by-family-name"): [_cite(4, "Brix and the Members agreed.")],
    ("event_actors", "meeting-members"): [_cite(4, "Brix and the Members agreed.")],
    ("event_actors", "note-brix"): [_cite(None, FOOTNOTE)],
    ("event_actors", "verdict-varga"): [_cite(4, "Brix and the Members agreed.")],
    ("event_actors", "government-lowercase"): [_cite(4, "The government wept.")],
}

PEOPLE = [
    {"person_id": "brix-ada", "name": "Ada Brix"},
    {"person_id": "varga-olek", "name": "Olek Varga"},
    {"person_id": "varga-mila", "name": "Mila Varga"},
    {"person_id": "cher", "name": "Cher"},
]
PLACES = [
    {"place_id": "lindholm", "name": "Lindholm", "kind": "city", "parent_id": "varno"},
    {"place_id": "varno", "name": "Varno Republic", "kind": "country", "parent_id": ""},
    {"place_id": "customs-house", "name": "Customs house of Lindholm", "kind": "building", "parent_id": "lindholm"},
    {"place_id": "oslo", "name": "Oslo", "kind": "city", "parent_id": ""},
]
ORGANIZATIONS = [
    {"organization_id": "us-congress", "name": "United States Congress"},
    {"organization_id": "government-of-kazakhstan", "name": "Government of Kazakhstan"},
]
ALIASES = [
    {"person_id": "", "organization_id": "", "place_id": "varno", "alias": "Varno"},
    {"person_id": "brix-ada", "organization_id": "", "place_id": "", "alias": "Mayor Brix"},
]


def _value(value_id: str, value: str, low: str = "", high: str = "", **extra: str) -> dict[str, str]:
    row = {
        "value_id": value_id,
        "value": value,
        "value_low": low,
        "value_high": high,
        "stated_as": "",
        "date_start": "2031-01-05",
        "date_end": "2031-01-05",
        "date_basis": "from_context",
        "valid_from": "",
        "valid_to": "",
        "valid_basis": "",
        "place_id": "",
    }
    return row | extra


def _event(event_id: str, start: str, end: str, basis: str, place: str = "", title: str = "") -> dict[str, str]:
    return {
        "event_id": event_id,
        "date_start": start,
        "date_end": end,
        "date_basis": basis,
        "place_id": place,
        "title": title or event_id,
    }


def _actor(actor_id: str, person: str = "", organization: str = "") -> dict[str, str]:
    return {"event_actor_id": actor_id, "person_id": person, "organization_id": organization}


def tables() -> dict[str, list[dict[str, str]]]:
    """The rows of the synthetic dataset; each comment says what the check finds."""
    verdict = {"verdict_start": "2031-01-05", "verdict_end": "2031-12-31", "verdict_basis": "bounded_by_narrative"}
    return {
        "sentences": [
            # "twelve" in its sentence, and Olek Varga by his full name: found.
            {"sentence_id": "varga", "person_id": "varga-olek", "prison_years": "12", **verdict},
            # the sentence says 7: the 8 is a changed number. Varga is two people's family name: not found.
            {"sentence_id": "deputy", "person_id": "varga-mila", "prison_years": "8", **verdict},
        ],
        "indicator_values": [
            # 54 and "March 2031" (a stated month) are in the sentence: found.
            _value("turnout", "54", "54", "54", date_start="2031-03-01", date_end="2031-03-31", date_basis="stated"),
            # "1,500" with its thousands comma is 1500: found.
            _value("lanterns", "1500"),
            # "2.5 million" is 2500000; the lower bound 2 is in no sentence of it: not found.
            _value("spend", "2500000", "2"),
            # "eighteen" is in the next sentence, not in the one cited: not found; its
            # from_context date is not looked for; Lindholm is in the sentence: found.
            _value("smugglers", "18", place_id="lindholm"),
            # "Hundreds", the stated wording (its bounds come from a fixed rule): found. The
            # validity starts in a stated May 2031 the sentence does not give: not found; the
            # customs house is a building: its city is looked for, and found.
            _value(
                "wounded",
                "200",
                "200",
                "999",
                stated_as="hundreds",
                valid_from="2031-05-01",
                valid_basis="stated",
                place_id="customs-house",
            ),
        ],
        "events": [
            # 5 January 2031 (stated: day and year) in Lindholm: all found.
            _event("meeting", "2031-01-05", "2031-01-05", "stated", "lindholm", "Council meets on the 5th"),
            # January 9, year from context: only the day is looked for, found; Oslo is not there.
            _event("verdict", "2031-01-09", "2031-01-09", "year_from_context", "oslo", "Twelve years for Varga"),
            # 28-29 November stated, as days of a range: found; the year 2031 is not: not found.
            _event("court", "2031-11-28", "2031-11-29", "stated", "kazakhstan"),
            # the 1990s as a stated range of years: found through the decade; "1990s" in the title too.
            _event("tolls", "1990-01-01", "1999-12-31", "stated", "", "Tolls fall in the 1990s"),
            # the date of its second citation and the place of its first citation... of neither: the
            # union of its spans states 5 January and Varno (an alias): found; the title's 7 is in
            # the first span: found.
            _event("two-citations", "2031-01-05", "2031-01-05", "year_from_context", "varno", "Deputy gets 7"),
        ],
        "event_actors": [
            _actor("meeting-brix", person="brix-ada"),  # full name: found
            _actor("meeting-by-family-name", person="brix-ada"),  # "Brix", her unshared family name: found
            _actor("meeting-members", organization="us-congress"),  # the reference "Members": found
            _actor("note-brix", person="brix-ada"),  # in the footnote: found
            _actor("verdict-varga", person="varga-olek"),  # a wrong name for the sentence: not found
            _actor("government-lowercase", organization="government-of-kazakhstan"),  # "government": found
        ],
        "people": PEOPLE,
        "places": PLACES,
        "organizations": ORGANIZATIONS,
        "aliases": ALIASES,
    }


#: Every fact of the rows above that no span states, written by hand: (table, record_id, what).
MISSING = {
    ("sentences", "deputy", "prison_years"),
    ("sentences", "deputy", "person_id"),
    ("indicator_values", "spend", "value_low"),
    ("indicator_values", "smugglers", "value"),
    ("indicator_values", "wounded", "valid_from:month"),
    ("indicator_values", "wounded", "valid_from:year"),
    ("events", "verdict", "place_id"),
    ("events", "court", "date:year"),
    ("event_actors", "verdict-varga", "person_id"),
}


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id"])
        out.writeheader()
        out.writerows(rows)


def _citation_rows(citations: dict[tuple[str, str], list[Cited]] | None = None) -> list[dict[str, str]]:
    rows = []
    for (table, record), cited in (CITATIONS if citations is None else citations).items():
        for n, (paragraph, footnote, start, end, sha) in enumerate(cited, start=1):
            rows.append(
                {
                    "citation_id": f"{record}-{n}",
                    "record_table": table,
                    "record_id": record,
                    "source_id": "syn-report",
                    "section_id": "r-main" if paragraph else "r-notes",
                    "paragraph": str(paragraph or ""),
                    "footnote": str(footnote or ""),
                    "span_start": str(start),
                    "span_end": str(end),
                    "span_sha256": sha,
                }
            )
    return rows


@pytest.fixture(autouse=True)
def _no_release_exceptions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The release's exceptions name its own rows: here they would only be stale."""
    monkeypatch.setattr(sf, "EXCEPTIONS", {})


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """docs/ (the report), skeletons/, tables/ (raw-shaped CSVs) and citations.csv."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "skeletons").mkdir()
    skeleton = [
        {
            "line": str(n),
            "sha256": _sha(text),
            "section_id": place[0] if place else "",
            "paragraph": str(place[1] or "") if place else "",
            "footnote": str(place[2] or "") if place else "",
        }
        for n, (text, place) in enumerate(LINES, start=1)
    ]
    _write(tmp_path / "skeletons" / "syn-report.csv", skeleton)
    (tmp_path / "tables").mkdir()
    for name, rows in tables().items():
        _write(tmp_path / "tables" / f"{name}.csv", rows)
    _write(tmp_path / "citations.csv", _citation_rows())
    return tmp_path


def run(world: Path, tables: Path | None = None) -> sf.FactsReport:
    return sf.verify_span_facts(
        world / "docs",
        citations=world / "citations.csv",
        skeletons=world / "skeletons",
        tables=tables or world / "tables",
    )


def missing(report: sf.FactsReport) -> set[tuple[str, str, str]]:
    return {(f.table, f.record_id, f.claim.what) for f in report.facts if not f.ok}


# --------------------------------------------------------------------------- the whole check


def test_each_fact_found_or_missing_as_written_by_hand(world: Path) -> None:
    report = run(world)
    assert missing(report) == MISSING
    assert not report.ok
    assert report.rows == {"sentences": 2, "indicator_values": 5, "events": 5, "event_actors": 6}
    # the counts, by hand from the comments of tables()
    assert [report.count(t) for t in sf.CHECKED_TABLES] == [4, 12, 16, 6]
    assert report.count("indicator_values", "number") == 6
    assert report.count("indicator_values", "date") == 4
    assert report.count("indicator_values", "name") == 2
    assert report.count("events", "number") == 4
    assert report.count("events", "date") == 9
    assert report.count("events", "name") == 3
    assert report.unread == () and report.stale == ()


def test_the_facts_of_each_row_are_the_ones_written_by_hand(world: Path) -> None:
    report = run(world)
    facts: dict[tuple[str, str], list[tuple[str, str, str, bool]]] = {(f.table, f.record_id): [] for f in report.facts}
    for f in report.facts:
        facts[(f.table, f.record_id)].append((f.claim.kind, f.claim.what, f.claim.stated, f.found))
    assert facts[("sentences", "varga")] == [
        ("number", "prison_years", "12", True),
        ("name", "person_id", "varga-olek", True),
    ]
    assert facts[("indicator_values", "turnout")] == [
        ("number", "value", "54", True),
        ("date", "date:month", "3", True),
        ("date", "date:year", "2031", True),
    ]
    assert facts[("indicator_values", "lanterns")] == [("number", "value", "1500", True)]
    assert facts[("indicator_values", "spend")] == [
        ("number", "value", "2500000", True),
        ("number", "value_low", "2", False),
    ]
    assert facts[("indicator_values", "smugglers")] == [
        ("number", "value", "18", False),
        ("name", "place_id", "lindholm", True),
    ]
    assert facts[("indicator_values", "wounded")] == [
        ("number", "stated_as", "hundreds", True),
        ("date", "valid_from:month", "5", False),
        ("date", "valid_from:year", "2031", False),
        ("name", "place_id", "customs-house", True),
    ]
    assert facts[("events", "meeting")] == [
        ("number", "title", "5", True),
        ("date", "date:day", "1-5", True),
        ("date", "date:year", "2031", True),
        ("name", "place_id", "lindholm", True),
    ]
    assert facts[("events", "verdict")] == [
        ("number", "title", "12", True),
        ("date", "date:day", "1-9", True),
        ("name", "place_id", "oslo", False),
    ]
    # the subject country is not looked for; both days of the range are
    assert facts[("events", "court")] == [
        ("date", "date:day", "11-28", True),
        ("date", "date:day", "11-29", True),
        ("date", "date:year", "2031", False),
    ]
    assert facts[("events", "tolls")] == [
        ("number", "title", "1990s", True),
        ("date", "date:year", "1990", True),
        ("date", "date:year", "1999", True),
    ]
    assert facts[("events", "two-citations")] == [
        ("number", "title", "7", True),
        ("date", "date:day", "1-5", True),
        ("name", "place_id", "varno", True),
    ]


def test_the_report_prints_counts_and_each_missing_fact(world: Path) -> None:
    text = str(run(world))
    assert text.startswith("18 rows checked for the numbers and names they state, in the spans of the documents in ")
    assert "38 facts, 29 found, 0 exceptions" in text
    lines = text.splitlines()
    assert "  sentences: 2 rows, 4 facts (2 numbers, 0 date parts, 2 names): 2 found, 0 exceptions, 2 missing" in lines
    assert (
        "  indicator_values: 5 rows, 12 facts (6 numbers, 4 date parts, 2 names): 8 found, 0 exceptions, 4 missing"
        in lines
    )
    assert "  events: 5 rows, 16 facts (4 numbers, 9 date parts, 3 names): 14 found, 0 exceptions, 2 missing" in lines
    assert not [line for line in lines if line.startswith("  exception")]
    assert lines[-1].startswith("Each listed row says more than the sentences its citations anchor: ")
    assert "9 fact(s) in no span, 0 row(s) without a span, 0 stale exception(s):" in text
    assert "  - sentences deputy: prison_years '8' is in none of its spans" in lines
    assert "correct the row, re-anchor its citation, or cite the sentence that states it" in text


def test_a_changed_number_fails_and_the_right_one_passes(world: Path) -> None:
    rows = tables()
    rows["sentences"][1]["prison_years"] = "7"
    _write(world / "tables" / "sentences.csv", rows["sentences"])
    report = run(world)
    assert {m for m in missing(report) if m[0] == "sentences"} == {("sentences", "deputy", "person_id")}
    rows["sentences"][0]["prison_years"] = "13"
    _write(world / "tables" / "sentences.csv", rows["sentences"])
    assert ("sentences", "varga", "prison_years") in missing(run(world))


def test_a_number_only_in_the_neighbouring_sentence_passes_once_the_span_holds_it(world: Path) -> None:
    citations = dict(CITATIONS)
    citations[("indicator_values", "smugglers")] = [
        _cite(1, "On 5 January 2031 the council of Varno met in Lindholm.", "The guard arrested eighteen smugglers.")
    ]
    _write(world / "citations.csv", _citation_rows(citations))
    assert ("indicator_values", "smugglers", "value") not in missing(run(world))


def test_exceptions_excuse_a_fact_and_stale_ones_fail(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reasons = dict.fromkeys(MISSING, "written by hand")
    monkeypatch.setattr(sf, "EXCEPTIONS", reasons)
    report = run(world)
    assert report.ok and missing(report) == set()
    assert sum(f.exception == "written by hand" for f in report.facts) == len(MISSING)
    assert "38 facts, 29 found, 9 exceptions" in str(report)
    assert str(report).endswith("Every fact is stated in a span its row's citations anchor.")
    assert "\n  exception sentences deputy prison_years: written by hand\n" in str(report)
    monkeypatch.setattr(sf, "EXCEPTIONS", reasons | {("events", "meeting", "place_id"): "not needed"})
    stale = run(world)
    assert not stale.ok and stale.stale == (("events", "meeting", "place_id"),)
    assert "  - exception events meeting place_id: no fact of it is missing; remove it" in str(stale)


def test_a_row_without_a_span_is_unread(world: Path) -> None:
    citations = {k: v for k, v in CITATIONS.items() if k != ("indicator_values", "lanterns")}
    _write(world / "citations.csv", _citation_rows(citations))
    report = run(world)
    assert report.unread == ("indicator_values lanterns",)
    assert "  - indicator_values lanterns: no anchored span of it was re-found" in str(report)
    # a span no longer in the document is not read either
    (world / "docs" / "report.txt").write_text(DOCUMENT.replace("1,500 lanterns", "1,501 lanterns"), encoding="utf-8")
    assert run(world).unread == ("indicator_values lanterns", "event_actors meeting-brix")


def test_an_unanchored_or_other_tables_citation_is_skipped(world: Path) -> None:
    rows = _citation_rows()
    # first, so that the rows after it are still read
    rows.insert(0, dict(rows[0], citation_id="x", span_start="", span_end="", span_sha256=""))
    rows.append(dict(rows[0], citation_id="y", record_table="people", record_id="varga"))
    _write(world / "citations.csv", rows)
    assert missing(run(world)) == MISSING


# --------------------------------------------------------------------------- numbers, dates and names


@pytest.mark.parametrize(
    ("text", "values", "decades"),
    [
        ("1,500 and 1500 and 2,000,000", {1500, 2000000}, set()),
        ("eighteen, Twenty-five, forty two and ninety", {18, 25, 42, 90}, set()),
        ("zero or ten; twenty", {0, 10, 20}, set()),
        ("33.3 percent, 2.5 million, 3 thousand, 1 billion", {Decimal("33.3"), 2500000, 3000, 10**9}, set()),
        ("the 1930s and 1990s, 80s, 2019s", {80, 2019}, {193, 199}),
        ("19th, A320, x5, 1.5.", {19, Decimal("1.5")}, set()),
        ("oneness, someone, tenth", set(), set()),
        ("in 2022. Next, 3,00 and .5", {2022, 3}, set()),
    ],
)
def test_numbers(text: str, values: set[int | Decimal], decades: set[int]) -> None:
    found = sf.numbers(text)
    assert found.values == {Decimal(v) for v in values}
    assert found.decades == decades


def test_a_year_is_stated_by_itself_or_its_decade() -> None:
    found = sf.numbers("the 1930s, and 2022")
    assert found.has_year(1931) and found.has_year(1939) and found.has_year(2022)
    assert not found.has_year(1940) and not found.has_year(1929) and not found.has_year(2023)
    assert found.has(Decimal(2022)) and not found.has(Decimal(1930))


@pytest.mark.parametrize(
    ("text", "days", "months"),
    [
        ("on 5 January 2022", {(1, 5)}, {1}),
        ("on January 5, 2022 and February 28th", {(1, 5), (2, 28)}, {1, 2}),
        ("28-29 November, 1\u20133 Dec.", {(11, 28), (11, 29), (12, 1), (12, 3)}, {11, 12}),
        ("November 28-29", {(11, 28), (11, 29)}, {11}),
        ("27 Jan. 2022, Sept. 3", {(1, 27), (9, 3)}, {1, 9}),
        ("it may march on; in May", set(), {5}),
        ("in March 2023, 2023 May", set(), {3, 5}),
        ("Jan 5, 15 Octobers, Mayday", set(), set()),
        ("on 2022 January", set(), {1}),
    ],
)
def test_dates(text: str, days: set[tuple[int, int]], months: set[int]) -> None:
    found = sf.dates(text)
    assert found.days == days and found.months == months


D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "basis", "parts"),
    [
        (D(2022, 1, 5), D(2022, 1, 5), "stated", [("day", "1-5"), ("year", "2022")]),
        (D(2022, 1, 1), D(2022, 1, 1), "year_from_context", [("day", "1-1")]),
        (D(2022, 1, 5), D(2022, 1, 5), "from_context", []),
        (D(2022, 1, 5), D(2022, 1, 5), "cited_work_date", []),
        (D(2022, 3, 1), D(2022, 3, 31), "stated", [("month", "3"), ("year", "2022")]),
        (D(2022, 2, 1), D(2022, 2, 28), "year_from_context", [("month", "2")]),
        (D(2024, 2, 1), D(2024, 2, 29), "stated", [("month", "2"), ("year", "2024")]),
        (D(2022, 1, 1), D(2022, 12, 31), "stated", [("year", "2022")]),
        (D(2022, 11, 28), D(2022, 11, 29), "stated", [("day", "11-28"), ("day", "11-29"), ("year", "2022")]),
        (D(2021, 1, 1), D(2023, 8, 31), "stated", [("month", "8"), ("year", "2021"), ("year", "2023")]),
        (D(2022, 1, 2), D(2022, 12, 31), "stated", [("day", "1-2"), ("year", "2022")]),
        (D(2022, 12, 1), D(2022, 12, 30), "stated", [("month", "12"), ("day", "12-30"), ("year", "2022")]),
        (D(2022, 1, 1), D(2022, 11, 30), "stated", [("month", "11"), ("year", "2022")]),
        (D(2023, 3, 1), None, "stated", [("month", "3"), ("year", "2023")]),
        (None, D(2023, 2, 28), "year_from_context", [("month", "2")]),
        (None, D(2023, 12, 31), "stated", [("year", "2023")]),
        (D(2022, 1, 31), D(2022, 1, 31), "year_from_context", [("day", "1-31")]),
        (D(2022, 12, 31), D(2022, 12, 31), "stated", [("day", "12-31"), ("year", "2022")]),
        (None, None, "stated", []),
    ],
)
def test_date_parts(start: D | None, end: D | None, basis: str, parts: list[tuple[str, str]]) -> None:
    assert sf.date_parts(start, end, basis) == parts


def test_names_match_whole_words_in_any_case_and_apostrophe() -> None:
    assert sf.name_found(["Almaty"], "in almaty, then")
    assert sf.name_found(["mayor's office"], "the Mayor\u2019s office")
    assert sf.name_found(["mayor\u2019s office"], "the mayor's office")
    assert not sf.name_found(["Russia"], "Russian troops")
    assert not sf.name_found(["Aktau"], "Aktaus")
    assert sf.name_found(["Tokayev"], "Tokayev's address")
    assert not sf.name_found(["", "  "], "anything")
    assert not sf.name_found([], "anything")
    assert sf.name_found(["x", "U.S."], "the U.S. said")


def test_the_registry_names_each_entity_by_name_alias_and_unshared_family_name() -> None:
    registry = sf.Registry.of(tables())
    assert registry.of_entity("people", "brix-ada") == ("Ada Brix", "Brix", "Mayor Brix")
    assert registry.of_entity("people", "varga-olek") == ("Olek Varga",)  # Varga is shared
    assert registry.of_entity("people", "cher") == ("Cher",)  # one word: no family name
    assert registry.of_entity("places", "varno") == ("Varno Republic", "Varno")
    assert registry.of_entity("organizations", "us-congress") == ("United States Congress",)
    assert registry.of_entity("places", "nowhere") == ()
    assert registry.parents == {("places", "customs-house"): "lindholm"}
    assert sf.Registry.of({}).names == {}


def test_a_family_name_counts_only_when_no_other_name_ends_with_it() -> None:
    people = [
        {"person_id": "ada", "name": "Ada Brix"},
        {"person_id": "brix", "name": "Brix"},
        {"person_id": "ivo", "name": "Ivo Kel Marsh"},
    ]
    aliases = [
        {"person_id": "", "place_id": "", "organization_id": "guild", "alias": "the Guild"},
        {"person_id": "", "place_id": "atlantis", "organization_id": "", "alias": "Atlantis"},
    ]
    registry = sf.Registry.of({"people": people, "aliases": aliases})
    assert registry.of_entity("people", "ada") == ("Ada Brix",)  # a one-word name "Brix" shares it
    assert registry.of_entity("people", "brix") == ("Brix",)
    assert registry.of_entity("people", "ivo") == ("Ivo Kel Marsh", "Marsh")  # the last word
    assert registry.of_entity("organizations", "guild") == ("the Guild",)  # an alias alone
    assert registry.of_entity("places", "atlantis") == ("Atlantis",)


def test_references_match_with_their_case() -> None:
    registry = sf.Registry.of(tables())
    members = sf.Claim("name", "organization_id", "us-congress")
    assert sf.holds(members, "the Members agreed", registry)
    assert not sf.holds(members, "the members agreed", registry)
    assert not sf.holds(members, "the Membership agreed", registry)
    tokayev = sf.Claim("name", "person_id", "tokayev-kassym-jomart")
    assert sf.holds(tokayev, "then the president signed", sf.Registry.of({}))
    assert not sf.holds(tokayev, "then the presidency signed", sf.Registry.of({}))


def test_the_claims_of_rows_of_each_table() -> None:
    assert sf.claims("people", {"person_id": "x"}) == []
    sentence = {"person_id": "p", "prison_years": "", "verdict_start": "", "verdict_end": "", "verdict_basis": ""}
    assert sf.claims("sentences", sentence) == [sf.Claim("name", "person_id", "p")]
    dated = sentence | {"verdict_start": "2022-06-05", "verdict_end": "2022-06-05", "verdict_basis": "stated"}
    assert sf.claims("sentences", dated) == [
        sf.Claim("date", "verdict:day", "6-5"),
        sf.Claim("date", "verdict:year", "2022"),
        sf.Claim("name", "person_id", "p"),
    ]
    # equal figures are looked for once; a figure that is not a number is not a claim
    value = _value("v", "5", "5", "7", date_basis="from_context", place_id="kazakhstan")
    assert sf.claims("indicator_values", value) == [
        sf.Claim("number", "value", "5"),
        sf.Claim("number", "value_high", "7"),
    ]
    assert sf.claims("indicator_values", _value("w", "n/a")) == []
    # a stated range of days states both days; a stated end of validity its month and year
    ranged = _value("r", "n/a", date_start="2031-01-05", date_end="2031-01-09", date_basis="stated")
    ranged |= {"valid_to": "2031-06-30", "valid_basis": "stated"}
    assert sf.claims("indicator_values", ranged) == [
        sf.Claim("date", "date:day", "1-5"),
        sf.Claim("date", "date:day", "1-9"),
        sf.Claim("date", "date:year", "2031"),
        sf.Claim("date", "valid_to:month", "6"),
        sf.Claim("date", "valid_to:year", "2031"),
    ]
    span = sentence | {"verdict_start": "2022-06-05", "verdict_end": "2022-06-07", "verdict_basis": "year_from_context"}
    assert sf.claims("sentences", span) == [
        sf.Claim("date", "verdict:day", "6-5"),
        sf.Claim("date", "verdict:day", "6-7"),
        sf.Claim("name", "person_id", "p"),
    ]
    assert sf.claims("event_actors", _actor("a")) == []
    both = _actor("b", person="p", organization="o")
    assert sf.claims("event_actors", both) == [
        sf.Claim("name", "person_id", "p"),
        sf.Claim("name", "organization_id", "o"),
    ]
    undated = _event("e", "", "", "stated", "kazakhstan", "Three things happen")
    assert sf.claims("events", undated) == [sf.Claim("number", "title", "3")]
    bad_date = _event("e", "2022-13-40", "", "stated")
    assert sf.claims("events", bad_date) == []


def test_cells_as_raw_writes_them() -> None:
    assert sf._cell(None) == "" and sf._cell("") == ""
    assert sf._cell(18.0) == "18" and sf._cell(33.3) == "33.3" and sf._cell(True) == "True"
    assert sf._cell(datetime.datetime(2022, 1, 5, 10, 30)) == "2022-01-05"
    assert sf._cell("x") == "x" and sf._cell(7) == "7"


# --------------------------------------------------------------------------- arguments, the release and the command


def test_wrong_tables_and_citations_are_usage_errors(world: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="is not a folder of raw-shaped"):
        run(world, tables=world / "missing")
    (world / "bad.csv").write_bytes(b"\xff\xfe")
    with pytest.raises(InvalidArgumentError, match="is not UTF-8 text"):
        sf.verify_span_facts(world / "docs", citations=world / "bad.csv", skeletons=world / "skeletons")
    header = ",".join(sf.REQUIRED_COLUMNS["events"])
    (world / "tables" / "events.csv").write_text(header + "\nx," + "y" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="is not a well-formed CSV file"):
        run(world)
    (world / "tables" / "events.csv").write_text("id,title\nx,y\n", encoding="utf-8")
    with pytest.raises(
        InvalidArgumentError,
        match=r"not shaped like raw/events.csv: its header lacks event_id, date_start, date_end, date_basis, place_id$",
    ):
        run(world)
    _write(world / "tables" / "events.csv", tables()["events"])
    (world / "citations.csv").write_text("citation_id,record_table\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="its header lacks record_id"):
        run(world)


def test_each_path_argument_is_named_when_it_is_not_a_path(world: Path) -> None:
    docs, skeletons, tables = world / "docs", world / "skeletons", world / "tables"
    with pytest.raises(InvalidArgumentError, match=r"^path= must be a path"):
        sf.verify_span_facts(5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"^skeletons= must be a path"):
        sf.verify_span_facts(docs, skeletons=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"^tables= must be a path"):
        sf.verify_span_facts(docs, skeletons=skeletons, tables=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"^citations= must be a path"):
        sf.verify_span_facts(docs, skeletons=skeletons, tables=tables, citations=5)  # type: ignore[arg-type]
    assert run(world).where == str(docs)


def test_a_table_without_a_file_has_no_rows(world: Path) -> None:
    (world / "tables" / "event_actors.csv").unlink()
    report = run(world)
    assert report.rows["event_actors"] == 0
    assert report.count("event_actors") == 0


def test_the_release_tables_without_the_documents_leave_every_row_unread(tmp_path: Path, repo: Path) -> None:
    """The default path: the release's own tables and citations, and a folder without the documents."""
    (tmp_path / "notes.txt").write_text("Not one of the documents.\n", encoding="utf-8")
    report = sf.verify_span_facts(tmp_path)
    for table in sf.CHECKED_TABLES:
        with (repo / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            assert report.rows[table] == sum(1 for _ in csv.DictReader(handle))
    assert not report.ok and set(report.unread) == {f"{f.table} {f.record_id}" for f in report.facts}
    assert not any(f.found for f in report.facts)
    # the release's dates and figures are read as raw/ writes them
    prison = [f.claim for f in report.facts if f.record_id == "massimov-karim-conviction"]
    assert sf.Claim("number", "prison_years", "18") in prison
    referendum = [f.claim for f in report.facts if f.record_id == "2022-06-05-constitutional-referendum"]
    assert referendum == [sf.Claim("date", "date:day", "6-5"), sf.Claim("date", "date:year", "2022")]


def _command(world: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["verify-sources", str(world / "docs"), "--citations", str(world / "citations.csv")]
    return subprocess.run(
        [sys.executable, "-m", "kzdata", *args, "--skeletons", str(world / "skeletons"), *extra],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_fails_on_a_missing_fact_and_passes_without(world: Path) -> None:
    plain = _command(world)
    assert plain.returncode == 0 and "rows checked" not in plain.stdout
    failed = _command(world, "--facts", "--tables", str(world / "tables"))
    assert failed.returncode == 1, failed.stderr
    assert "every anchored span re-found" in failed.stdout
    assert "  - events verdict: place_id 'oslo' is in none of its spans" in failed.stderr
    rows = tables()
    rows["sentences"] = rows["sentences"][:1]
    rows["indicator_values"] = rows["indicator_values"][:2]
    rows["events"] = [rows["events"][0], rows["events"][3]]
    rows["event_actors"] = rows["event_actors"][:4]
    for name in ("sentences", "indicator_values", "events", "event_actors"):
        _write(world / "tables" / f"{name}.csv", rows[name])
    ok = _command(world, "--facts", "--tables", str(world / "tables"))
    assert ok.returncode == 0, ok.stderr
    assert "Every fact is stated in a span its row's citations anchor." in ok.stdout


def test_a_span_found_at_shifted_offsets_still_counts(world: Path) -> None:
    """Text added before a span moves it; verify-sources finds it further on, and so does the facts check."""
    longer = DOCUMENT.replace("the council of Varno met", "the whole council of Varno met")
    longer = longer.replace("2.5 million crowns", "2.5 million silver crowns")
    (world / "docs" / "report.txt").write_text(longer, encoding="utf-8")
    report = run(world)
    # the changed sentences' own citations are not found; the other citation of two-citations is
    assert report.unread == ("indicator_values spend", "indicator_values smugglers", "events meeting")
    # the last words of a moved span are read: its 29 November ends it
    court = [(f.claim.stated, f.found) for f in report.facts if f.record_id == "court"]
    assert court == [("11-28", True), ("11-29", True), ("2031", False)]
    lanterns = [f for f in report.facts if f.record_id == "lanterns"]
    assert [f.found for f in lanterns] == [True]
    brix = [f for f in report.facts if f.record_id == "meeting-brix"]
    assert [f.found for f in brix] == [True]


def test_only_the_checked_tables_citations_are_read(world: Path) -> None:
    rows = _citation_rows()
    # a malformed anchor of another table is never parsed (and the rows after it are read);
    # one of a checked table is refused with its row
    rows.insert(0, dict(rows[0], citation_id="y", record_table="people", record_id="varga", span_start="x"))
    _write(world / "citations.csv", rows)
    assert missing(run(world)) == MISSING
    rows.append(dict(rows[1], citation_id="z", span_start="x"))
    _write(world / "citations.csv", rows)
    with pytest.raises(InvalidArgumentError, match=rf"citation z \(row {len(rows) + 1}\): 'x' is not a whole number"):
        run(world)


def test_a_row_without_facts_needs_no_span() -> None:
    report = sf.check_facts({"event_actors": [_actor("nobody")]}, {}, where="here", exceptions={})
    assert report.ok and report.unread == () and report.facts == ()
    assert report.rows == {"sentences": 0, "indicator_values": 0, "events": 0, "event_actors": 1}
    assert str(report).startswith(
        "1 rows checked for the numbers and names they state, in the spans of the documents in here"
    )


def test_check_facts_takes_its_exceptions() -> None:
    rows = {"event_actors": [_actor("a", person="p")], "people": [{"person_id": "p", "name": "Pim"}]}
    spans = {("event_actors", "a"): ["No one here."]}
    excused = sf.check_facts(rows, spans, where="w", exceptions={("event_actors", "a", "person_id"): "because"})
    assert excused.ok and excused.facts[0].exception == "because" and not excused.facts[0].found
    assert not sf.check_facts(rows, spans, where="w", exceptions={}).ok
    found = sf.check_facts(rows, {("event_actors", "a"): ["Pim came."]}, where="w", exceptions={})
    assert found.ok and found.facts[0].exception is None


def test_title_numbers_are_printed_plainly() -> None:
    event = _event("e", "", "", "stated", "", "Fees of 2.50 and 1,500 and 2 million in the 1980s")
    assert sf.claims("events", event) == [
        sf.Claim("number", "title", "2.5"),
        sf.Claim("number", "title", "1500"),
        sf.Claim("number", "title", "2000000"),
        sf.Claim("number", "title", "1980s"),
    ]
    assert sf.holds(sf.Claim("number", "title", "1980s"), "in the 1980s", sf.Registry.of({}))
    assert not sf.holds(sf.Claim("number", "title", "1980s"), "in 1980", sf.Registry.of({}))
    assert sf.holds(sf.Claim("number", "title", "2.5"), "a 2.50 fee", sf.Registry.of({}))


def test_a_short_row_is_malformed_whatever_the_csv_field_limit(world: Path) -> None:
    """A row with fewer fields than the header is refused, even when another module raised csv's field limit."""
    import csv as csv_module

    header = ",".join(sf.REQUIRED_COLUMNS["events"])
    (world / "tables" / "events.csv").write_text(header + "\nx," + "y" * 200_000 + "\n", encoding="utf-8")
    old = csv_module.field_size_limit(10**9)
    try:
        with pytest.raises(InvalidArgumentError, match="record 2 has not as many fields as the header"):
            run(world)
    finally:
        csv_module.field_size_limit(old)
