"""A third primary document needs data, not code: it builds, loads and cites.

The test copies the build's inputs to a temporary directory, appends a synthetic
document to ``raw/`` (its source row with its footnote count, two sections, one
footnote citing one work, one event cited to a paragraph and that footnote, and the
citations every record needs), builds, loads the result and cites the new event. No
module of kzdata is changed or patched except where the data directory is.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import kzdata
from kzdata._pipeline.build import build
from tests.conftest import point_kzdata_at

DOC = "synthetic-2025"
WORK = "synthetic-cited-2025"
EVENT = "2025-03-synthetic-event"


def _append(raw: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Append rows to ``raw/<table>.csv`` under its own header (missing cells empty)."""
    path = raw / f"{table}.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    with path.open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header, lineterminator="\n")
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in header})


def _cite(record_table: str, record_id: str, section: str, paragraph: str = "", footnote: str = "") -> dict[str, str]:
    return {
        "citation_id": f"{record_table.replace('_', '-')}-{record_id}-1",
        "record_table": record_table,
        "record_id": record_id,
        "source_id": DOC,
        "section_id": section,
        "paragraph": paragraph,
        "footnote": footnote,
    }


def _add_third_document(raw: Path) -> None:
    day = {"published_precision": "day", "published_inferred": "false", "published_basis": "stated"}
    _append(
        raw,
        "sources",
        [
            {
                "source_id": DOC,
                "kind": "primary_document",
                "title": "A synthetic third document",
                "publisher": "Test Press",
                "published_start": "2025-04-01",
                "published_end": "2025-04-01",
                **day,
                "footnote_count": "1",
                "text_missing": "false",
            },
            {
                "source_id": WORK,
                "kind": "cited_work",
                "title": "A synthetic cited work",
                "publisher": "Test Gazette",
                "published_start": "2025-03-02",
                "published_end": "2025-03-02",
                **day,
                "footnote": "1",
                "text_missing": "false",
            },
        ],
    )
    _append(
        raw,
        "sections",
        [
            {"section_id": f"{DOC}-body", "source_id": DOC, "heading": "Body", "position": "1", "paragraph_count": "2"},
            {
                "section_id": f"{DOC}-notes",
                "source_id": DOC,
                "heading": "[Footnotes]",
                "position": "2",
                "paragraph_count": "1",
            },
        ],
    )
    # Footnote 1 of the new document: the same number as the article's footnote 1, on purpose.
    _append(
        raw,
        "footnotes",
        [
            {
                "footnote_entry_id": f"{DOC}-fn-01-1",
                "document_id": DOC,
                "footnote": "1",
                "position": "1",
                "source_id": WORK,
            }
        ],
    )
    _append(
        raw,
        "events",
        [
            {
                "event_id": EVENT,
                "date_start": "2025-03-01",
                "date_end": "2025-03-31",
                "date_precision": "month",
                "date_inferred": "false",
                "date_basis": "stated",
                "title": "A synthetic event",
                "description": "An event that only the synthetic document reports.",
                "category": "other",
                "status": "occurred",
            }
        ],
    )
    _append(
        raw,
        "citations",
        [
            _cite("sources", DOC, f"{DOC}-body", paragraph="1"),
            _cite("sources", WORK, f"{DOC}-notes", footnote="1"),
            _cite("sections", f"{DOC}-body", f"{DOC}-body", paragraph="1"),
            _cite("sections", f"{DOC}-notes", f"{DOC}-notes", footnote="1"),
            _cite("footnotes", f"{DOC}-fn-01-1", f"{DOC}-notes", footnote="1"),
            _cite("events", EVENT, f"{DOC}-body", paragraph="2", footnote="1"),
        ],
    )


@pytest.fixture
def third(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _add_third_document(project_copy / "raw")
    build(project_copy)
    point_kzdata_at(project_copy / "kzdata" / "data", monkeypatch)
    return project_copy


def test_a_third_document_builds_and_loads(third: Path) -> None:
    sources = kzdata.sources().set_index("source_id")
    assert sources.loc[DOC, "kind"] == "primary_document"
    assert sources.loc[DOC, "footnote_count"] == 1
    events = kzdata.events().set_index("event_id")
    assert events.loc[EVENT, "title"] == "A synthetic event"
    footnotes = kzdata.footnotes()
    assert set(footnotes.loc[footnotes["footnote"] == 1, "document_id"]) == {"cornell-2024", DOC}
    assert kzdata.validate(raise_on_error=False).ok


def test_a_third_document_is_cited_through_its_own_footnotes(third: Path) -> None:
    events = kzdata.events()
    text = kzdata.cite(events.loc[events["event_id"] == EVENT, ["event_id", "title"]])
    assert "A synthetic third document" in text
    assert "A synthetic cited work" in text
    assert "Halbach" not in text, "the article's footnote 1 is not the new document's footnote 1"


@pytest.mark.slow
def test_a_footnote_beyond_the_documents_count_is_refused(project_copy: Path) -> None:
    _add_third_document(project_copy / "raw")
    path = project_copy / "raw" / "citations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"{DOC}-body,2,1,,,\n", f"{DOC}-body,2,2,,,\n"), encoding="utf-8")
    with pytest.raises(kzdata.KzdataError, match="must not exceed the cited document's footnote_count"):
        build(project_copy)
