"""The workbook for people who filter: filters, frozen headers, names beside ids, sources in the row.

The workbook is written once and read back with openpyxl. Oracles: the raw CSVs (names,
titles and headings by id, the citations of each record), tests/expected_keys.py (every
foreign key, by hand) and the view sheets' names and statuses written out by hand.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import kzdata
from tests import oracle
from tests.expected_keys import FOREIGN_KEYS

openpyxl = pytest.importorskip("openpyxl")

VIEWS = ["events_view", "sentences_view", "indicator_values_view"]
#: Tables whose records need no citation (docs/data-dictionary.md): no sources column.
UNCITED = {"citations", "discrepancies", "editorial_values", "changes"}


@pytest.fixture
def book(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # Made for each test (a few seconds): mutation testing credits the writer's functions to
    # the test that reads them only when the workbook is written inside that test.
    out = tmp_path_factory.mktemp("workbook") / "x"
    kzdata.export(out, "xlsx")
    return openpyxl.load_workbook(out / "xlsx" / "kzdata.xlsx")


def _rows(sheet: Any) -> tuple[list[str], list[dict[str, Any]]]:
    header, *body = list(sheet.values)
    return list(header), [dict(zip(header, row, strict=True)) for row in body]


def _label(table: str) -> str | None:
    return next((c for c in ("name", "title", "heading") if c in oracle.header(table)), None)


def test_every_sheet_has_a_filter_over_all_its_rows_and_a_frozen_header(book: Any) -> None:
    assert book.sheetnames[-3:] == VIEWS
    for sheet in book.worksheets:
        last = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
        assert sheet.freeze_panes == "A2", sheet.title


def test_sentences_name_the_person_beside_the_id(book: Any) -> None:
    header, rows = _rows(book["sentences"])
    assert header[header.index("person_id") + 1] == "person_name"
    names = {p["person_id"]: p["name"] for p in oracle.rows("people")}
    assert len(rows) == len(oracle.rows("sentences"))
    for row in rows:
        assert row["person_name"] == names[row["person_id"]]


def test_every_key_to_a_named_table_has_the_name_beside_it(book: Any) -> None:
    checked = 0
    for table, column, ref, ref_key in FOREIGN_KEYS:
        label = _label(ref)
        if label is None:
            continue
        name = column.removesuffix("_id") + "_" + label
        header, rows = _rows(book[table])
        assert header[header.index(column) + 1] == name, (table, column)
        cell = book[table].cell(row=1, column=header.index(name) + 1)
        assert cell.font.i and cell.comment is not None and f"{ref}.{label}" in cell.comment.text
        known = {r[ref_key]: r[label] for r in oracle.rows(ref)}
        by_key = {r[oracle.key(table)]: r for r in oracle.rows(table)}
        for row in rows:
            raw = by_key[row[oracle.key(table)]]
            assert row[column] == (raw[column] or None), "the id stays as it is"
            assert row[name] == ((known[raw[column]] or None) if raw[column] else None), (table, column, raw[column])
        checked += 1
    assert checked >= 25  # every key but the one to discrepancies (no name) of the 31 listed by hand


def test_the_columns_of_the_data_are_not_italic(book: Any) -> None:
    for table in oracle.TABLE_ORDER:
        plain = [c.value for c in book[table][1] if not c.font.i]
        assert plain == oracle.header(table) or set(oracle.header(table)) <= set(plain), table


def _cited() -> dict[tuple[str, str], list[dict[str, str]]]:
    out: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for c in sorted(oracle.rows("citations"), key=lambda r: r["citation_id"]):
        out[(c["record_table"], c["record_id"])].append(c)
    return out


def test_every_cited_record_lists_its_citations_with_pinpoints(book: Any) -> None:
    cited = _cited()
    for table in oracle.TABLE_ORDER:
        header, rows = _rows(book[table])
        if table in UNCITED:
            assert "sources" not in header, table
            continue
        assert header[-1] == "sources", table
        for row in rows:
            expected = cited[(table, row[oracle.key(table)])]
            pieces = row["sources"].split("; ") if row["sources"] else []
            assert len(pieces) == len(expected), (table, row[oracle.key(table)])
            for piece, citation in zip(pieces, expected, strict=True):
                assert piece.startswith(citation["source_id"] + ", "), (piece, citation)
                if citation["paragraph"]:
                    assert f"para. {citation['paragraph']}" in piece, (piece, citation)
                if citation["footnote"]:
                    assert f"fn. {citation['footnote']}" in piece, (piece, citation)


def test_the_views_are_sheets_with_their_names_and_sources(book: Any) -> None:
    happened = sorted(  # the release holds rows in id order
        (e for e in oracle.rows("events") if e["status"] in ("occurred", "reported")), key=lambda e: e["event_id"]
    )
    header, rows = _rows(book["events_view"])
    assert [r["event_id"] for r in rows] == [e["event_id"] for e in happened]
    places = {p["place_id"]: p["name"] for p in oracle.rows("places")}
    assert [r["place_name"] for r in rows] == [places.get(e["place_id"]) for e in happened]
    assert header.count("place_name") == 1 and header[-1] == "sources"
    header, rows = _rows(book["sentences_view"])
    names = {p["person_id"]: p["name"] for p in oracle.rows("people")}
    assert [r["person_name"] for r in rows] == [names[s["person_id"]] for s in oracle.rows("sentences")]
    header, rows = _rows(book["indicator_values_view"])
    indicators = {i["indicator_id"]: i["name"] for i in oracle.rows("indicators")}
    expected = [indicators[v["indicator_id"]] for v in oracle.rows("indicator_values")]
    assert [r["indicator_name"] for r in rows] == expected
    assert header.count("indicator_name") == 1


def test_an_empty_table_still_gets_its_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kzdata._formats import xlsx

    sheet = openpyxl.Workbook().active
    xlsx._write_rows(sheet, ["a", "b"], [])
    assert sheet.auto_filter.ref == "A1:B1"


def test_every_added_column_says_so_in_a_comment_signed_kzdata(book: Any) -> None:
    """The names beside ids and the sources column are marked as the workbook's own (README), never the data's."""
    seen = 0
    for sheet in book.worksheets:
        for cell in next(sheet.iter_rows(min_row=1, max_row=1)):
            if cell.font.i:
                assert cell.comment is not None, (sheet.title, cell.value)
                assert cell.comment.author == "kzdata", (sheet.title, cell.value)
                assert cell.comment.text.startswith("Added in this workbook"), (sheet.title, cell.value)
                seen += 1
            else:
                assert cell.comment is None, (sheet.title, cell.value)
    assert seen >= 25


def test_a_key_whose_name_column_is_there_already_does_not_stop_the_next() -> None:
    """with_labels on event_actors with event_title already present: the person and organization still get names."""
    from kzdata._formats.xlsx import with_labels
    from kzdata._registry import REGISTRY

    frame = kzdata.event_actors()
    frame.insert(2, "event_title", "given")
    keys = {"events": "event_id", "people": "person_id", "organizations": "organization_id", "places": "place_id"}
    added = with_labels(
        REGISTRY["event_actors"],
        frame,
        lambda ref: kzdata.load(ref).set_index(keys[ref])[{"events": "title"}.get(ref, "name")],  # type: ignore[arg-type]
    )
    assert "event_title" not in added and (frame["event_title"] == "given").all()
    assert set(added) == {"person_name", "organization_name"}, added  # event_actors has no place
