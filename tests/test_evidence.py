"""kzdata.evidence(id) and `kzdata evidence ID`: a record's citations, pinpoints and anchors in one call.

Expected rows come from raw/citations.csv, raw/sources.csv and raw/sections.csv read with the
csv module (tests/oracle.py); the ids in several tables and the close spellings are found by hand.
"""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

import kzdata
from kzdata._cli import main
from kzdata.errors import InvalidArgumentError, UnknownEntityError, UnknownTableError
from tests import oracle

COLUMNS = [
    "citation_id",
    "record_table",
    "record_id",
    "source_id",
    "document",
    "section_id",
    "section",
    "paragraph",
    "footnote",
    "span_start",
    "span_end",
    "span_sha256",
]
DTYPES = {
    "citation_id": "string",
    "record_table": "category",
    "record_id": "string",
    "source_id": "string",
    "document": "string",
    "section_id": "string",
    "section": "string",
    "paragraph": "Int64",
    "footnote": "Int64",
    "span_start": "Int64",
    "span_end": "Int64",
    "span_sha256": "string",
}


def expected_rows(table: str, record_id: str) -> list[dict[str, str]]:
    """The citation rows of one record as raw/ gives them, with the document's title and section heading."""
    titles = {r["source_id"]: r["title"] for r in oracle.rows("sources")}
    headings = {r["section_id"]: r["heading"] for r in oracle.rows("sections")}
    rows = oracle.citations_behind(table, {record_id})
    out = []
    for c in sorted(rows, key=lambda c: c["citation_id"]):
        out.append(
            {
                **{k: c[k] for k in COLUMNS if k in c},
                "document": titles[c["source_id"]],
                "section": headings[c["section_id"]],
            }
        )
    return out


def as_text(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The frame's cells as raw/ writes them: missing is empty, numbers without a decimal point."""
    return [
        {k: "" if pd.isna(v) else str(v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def ids_in_one_table() -> list[tuple[str, str]]:
    """A fixed sample of (table, id) with the id in that table only, over every cited table."""
    seen: dict[str, set[str]] = {}
    for table in oracle.TABLE_ORDER:
        for r in oracle.rows(table):
            seen.setdefault(r[oracle.key(table)], set()).add(table)
    picks = []
    rng = random.Random(19)
    for table in oracle.TABLE_ORDER[:-1]:  # all but changes
        ids = sorted(r[oracle.key(table)] for r in oracle.rows(table) if seen[r[oracle.key(table)]] == {table})
        picks += [(table, i) for i in rng.sample(ids, 2)]
    return picks


@pytest.mark.parametrize(("table", "record_id"), ids_in_one_table(), ids=lambda v: str(v))
def test_evidence_is_the_records_citation_rows_with_pinpoint_and_anchor(table: str, record_id: str) -> None:
    found = kzdata.evidence(record_id)
    assert list(found.columns) == COLUMNS
    assert {c: str(t) for c, t in found.dtypes.items()} == DTYPES
    assert as_text(found) == expected_rows(table, record_id)
    assert list(found.index) == list(range(len(found))), "a fresh index, as for a loaded table"


def test_a_discrepancy_has_the_citations_of_its_claims() -> None:
    discrepancy = oracle.rows("discrepancies")[0]["discrepancy_id"]
    claims = {c["claim_id"] for c in oracle.rows("discrepancy_claims") if c["discrepancy_id"] == discrepancy}
    found = kzdata.evidence(discrepancy)
    assert len(claims) >= 2 and set(found["record_id"]) == claims
    assert set(found["record_table"]) == {"discrepancy_claims"}


def test_the_anchor_is_missing_where_the_citation_has_none() -> None:
    unanchored = next(c for c in oracle.rows("citations") if not c["span_sha256"])
    found = kzdata.evidence(unanchored["record_id"], table=unanchored["record_table"])
    row = found[found["citation_id"] == unanchored["citation_id"]].iloc[0]
    assert pd.isna(row["span_start"]) and pd.isna(row["span_end"]) and pd.isna(row["span_sha256"])


def test_the_evidence_cites_as_the_record_does() -> None:
    """evidence() marks its rows as citations, so cite() gives the sources of exactly this evidence."""
    found = kzdata.evidence("massimov-karim")
    assert kzdata.cite(found) == kzdata.cite(kzdata.people().query("person_id == 'massimov-karim'"))


# --------------------------------------------------------------------------- ids in several tables, unknown ids


def test_an_id_of_two_tables_needs_the_table_and_the_error_lists_both() -> None:
    """Hand-checked: constitutional-court is an organization and a reform (raw/organizations.csv, raw/reforms.csv)."""
    in_tables = [
        t for t in oracle.TABLE_ORDER if any(r[oracle.key(t)] == "constitutional-court" for r in oracle.rows(t))
    ]
    assert in_tables == ["organizations", "reforms"]
    with pytest.raises(InvalidArgumentError) as caught:
        kzdata.evidence("constitutional-court")
    assert str(caught.value) == (
        "'constitutional-court' is an id in 2 tables: organizations, reforms; say which, e.g. "
        "kzdata.evidence('constitutional-court', table='organizations') "
        "(`kzdata evidence constitutional-court --table organizations`)"
    )
    for table in in_tables:
        assert as_text(kzdata.evidence("constitutional-court", table=table)) == expected_rows(
            table, "constitutional-court"
        )


def test_an_unknown_id_suggests_the_close_ones_and_says_what_to_do() -> None:
    with pytest.raises(UnknownEntityError) as caught:
        kzdata.evidence("masimov-karim")
    message = str(caught.value)
    # by hand: the person, then two of the citations whose ids contain the name (three suggestions at most)
    assert message.startswith(
        "no record of any table has the id 'masimov-karim'. Did you mean: massimov-karim, "
        "people-massimov-karim-6, people-massimov-karim-5? Ids"
    )
    assert message.endswith(
        "Ids are the first column of each table: find the record with kzdata.load(TABLE) (or `kzdata show TABLE`) "
        "and pass its id."
    )
    assert isinstance(caught.value, LookupError)


def test_an_id_of_another_table_is_unknown_in_the_table_given() -> None:
    """The suggestions are ids of the table given; the error also names the table that has the id."""
    with pytest.raises(UnknownEntityError, match=r"^no record of table events has the id 'massimov-karim'\.") as e:
        kzdata.evidence("massimov-karim", table="events")
    message = str(e.value)
    suggested = message.split("Did you mean: ", 1)[1].split("?", 1)[0].split(", ")
    events = {r["event_id"] for r in oracle.rows("events")}
    assert suggested and set(suggested) <= events
    assert " It is an id of people: kzdata.evidence('massimov-karim', table='people')." in message


def test_an_id_with_nothing_close_suggests_nothing() -> None:
    with pytest.raises(UnknownEntityError) as caught:
        kzdata.evidence("zzzzzzzzzzzzzzzz")
    assert str(caught.value) == (
        "no record of any table has the id 'zzzzzzzzzzzzzzzz'. Ids are the first column of each table: find the "
        "record with kzdata.load(TABLE) (or `kzdata show TABLE`) and pass its id."
    )


def test_an_id_of_two_other_tables_names_both() -> None:
    """constitutional-court is an organization and a reform (hand-checked above), not an event."""
    with pytest.raises(UnknownEntityError) as caught:
        kzdata.evidence("constitutional-court", table="events")
    assert (
        " It is an id of organizations, reforms: kzdata.evidence('constitutional-court', table='organizations')."
        in str(caught.value)
    )


@pytest.mark.parametrize("bad", ["", "   ", None, 3], ids=["empty", "blank", "none", "int"])
def test_what_is_not_an_id_is_refused(bad: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        kzdata.evidence(bad)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"evidence() needs a record id, such as an event_id, not {bad!r}; find one with kzdata.load(TABLE) "
        "(or `kzdata show TABLE`)"
    )


def test_an_unknown_table_is_refused() -> None:
    with pytest.raises(UnknownTableError):
        kzdata.evidence("massimov-karim", table="person")  # type: ignore[arg-type]


def test_a_change_entry_cites_nothing() -> None:
    change = oracle.rows("changes")[0][oracle.key("changes")]
    with pytest.raises(InvalidArgumentError) as caught:
        kzdata.evidence(change, table="changes")
    assert str(caught.value) == (
        f"{change!r} is an entry of the changes table, the release log, which cites no sources; ask for the "
        "evidence of the record it changed"
    )


# --------------------------------------------------------------------------- the command


def test_the_command_prints_each_citation_readably_within_the_width(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "constitutional-court", "--table", "reforms", "--width", "40"]) == 0
    narrow = capsys.readouterr().out
    assert max(len(line) for line in narrow.splitlines()) == 40, "wrapped, and the hashes split, at 40"
    assert main(["evidence", "constitutional-court", "--table", "reforms", "--width", "120"]) == 0
    out = capsys.readouterr().out
    rows = expected_rows("reforms", "constitutional-court")
    assert out.startswith(f"constitutional-court (reforms): {len(rows)} citation(s)\n")
    for row in rows:
        assert f"\n{row['citation_id']}\n" in out
        where = f"  where     {row['section']} ({row['section_id']}), para. {row['paragraph']}"
        assert where + (f", fn. {row['footnote']}" if row["footnote"] else "") in out
        assert f"  span      characters {row['span_start']} to {row['span_end']} of the normalised text" in out
        assert f"  sha256    {row['span_sha256'].removeprefix('sha256:')}" in out
        assert f"  document  {row['source_id']}: {row['document']}" in out
        assert "  supports  reforms constitutional-court" in out


def test_the_command_says_when_a_citation_is_not_anchored(capsys: pytest.CaptureFixture[str]) -> None:
    unanchored = next(c for c in oracle.rows("citations") if not c["span_sha256"])
    assert main(["evidence", unanchored["record_id"], "--table", unanchored["record_table"]]) == 0
    assert "  span      not anchored yet" in capsys.readouterr().out


def test_the_command_writes_csv_that_reads_back_as_the_raw_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "massimov-karim", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows == expected_rows("people", "massimov-karim")


def test_the_command_exits_2_with_the_message_for_an_ambiguous_or_unknown_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evidence", "constitutional-court"]) == 2
    assert "kzdata evidence: 'constitutional-court' is an id in 2 tables" in capsys.readouterr().err
    assert main(["evidence", "masimov-karim"]) == 2
    assert "Did you mean: massimov-karim" in capsys.readouterr().err
