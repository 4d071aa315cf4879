"""kzdata.annotations() and `kzdata annotations`: the anchors as W3C Web Annotations (JSON-LD).

The structure is checked against the Web Annotation Data Model (https://www.w3.org/TR/annotation-model/):
the keys it requires, the context it names, and only terms its JSON-LD context defines (listed here by
hand from the model). Every value is compared with raw/citations.csv and raw/sources.csv read with the
csv module (tests/oracle.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kzdata
from kzdata import _files
from kzdata._cli import main
from tests import oracle
from tests.release_copy import ReleaseCopy

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: Terms of the Web Annotation context used here (the model's sections 3 and 4), and the prefixes
#: (dcterms, schema) the context declares: a key outside these would be dropped by a JSON-LD processor.
TERMS = {
    "annotation": {"@context", "id", "type", "motivation", "body", "target"},
    "body": {"id", "dcterms:isPartOf", "dcterms:identifier"},
    "target": {"type", "source", "selector"},
    "fragment": {"type", "conformsTo", "value", "refinedBy"},
    "position": {"type", "start", "end", "schema:sha256"},
}
#: The model's motivations (section 3.3.5).
MOTIVATIONS = {
    "assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
    "identifying", "linking", "moderating", "questioning", "replying", "tagging",
}  # fmt: skip


def anchored() -> list[dict[str, str]]:
    return sorted((c for c in oracle.rows("citations") if c["span_sha256"]), key=lambda c: c["citation_id"])


@pytest.fixture
def annotations() -> list[dict[str, object]]:
    """Made anew for each test (not once per module), so that mutation testing sees every test call it."""
    return kzdata.annotations()


def test_one_annotation_per_anchored_citation_in_citation_order(annotations: list[dict[str, object]]) -> None:
    rows = anchored()
    assert len(rows) < len(oracle.rows("citations")), "some citations are not anchored: they must be left out"
    assert [a["id"] for a in annotations] == [f"urn:kzdata:citations:{c['citation_id']}" for c in rows]


def test_every_annotation_has_what_the_model_requires(annotations: list[dict[str, object]]) -> None:
    """@context names the annotation context (one value: a string), type Annotation, id, body and target."""
    for a in annotations:
        assert a["@context"] == CONTEXT
        assert a["type"] == "Annotation"
        assert isinstance(a["id"], str) and a["id"].startswith("urn:kzdata:")
        assert a["motivation"] in MOTIVATIONS
        target = a["target"]
        assert isinstance(target, dict) and target["type"] == "SpecificResource"
        assert isinstance(target["source"], str) and ":" in target["source"], "an IRI"
        selector = target["selector"]
        assert selector["type"] == "FragmentSelector" and selector["conformsTo"]
        position = selector["refinedBy"]
        assert position["type"] == "TextPositionSelector"
        assert isinstance(position["start"], int) and isinstance(position["end"], int)
        assert 0 <= position["start"] < position["end"], "the model: start before end, from 0"


def test_only_terms_of_the_annotation_context_are_used(annotations: list[dict[str, object]]) -> None:
    for a in annotations:
        target = a["target"]
        assert set(a) == TERMS["annotation"]
        assert set(a["body"]) == TERMS["body"]  # type: ignore[arg-type]
        assert set(target) == TERMS["target"]  # type: ignore[arg-type]
        assert set(target["selector"]) == TERMS["fragment"]  # type: ignore[index]
        assert set(target["selector"]["refinedBy"]) == TERMS["position"]  # type: ignore[index]


def test_every_value_is_the_citations_own(annotations: list[dict[str, object]]) -> None:
    """Source, section, paragraph or footnote, offsets and hash of each citation; its record as body."""
    for a, c in zip(annotations, anchored(), strict=True):
        body, target = a["body"], a["target"]
        assert body == {  # type: ignore[comparison-overlap]
            "id": f"urn:kzdata:{c['record_table']}:{c['record_id']}",
            "dcterms:isPartOf": c["record_table"],
            "dcterms:identifier": c["record_id"],
        }
        assert target["source"] == f"urn:kzdata:sources:{c['source_id']}"  # type: ignore[index]
        fragment = f"section={c['section_id']}"
        fragment += f"&paragraph={c['paragraph']}" if c["paragraph"] else ""
        fragment += f"&footnote={c['footnote']}" if c["footnote"] else ""
        selector = target["selector"]  # type: ignore[index]
        assert selector["value"] == fragment
        assert selector["refinedBy"] == {
            "type": "TextPositionSelector",
            "start": int(c["span_start"]),
            "end": int(c["span_end"]),
            "schema:sha256": c["span_sha256"].removeprefix("sha256:"),
        }


def test_every_fragment_kind_occurs(annotations: list[dict[str, object]]) -> None:
    """A paragraph, a footnote of the notes section, and a paragraph with the note hanging on it."""
    values = [a["target"]["selector"]["value"] for a in annotations]  # type: ignore[index]
    assert any("&paragraph=" in v and "&footnote=" not in v for v in values)
    assert any("&paragraph=" not in v and "&footnote=" in v for v in values)
    assert any("&paragraph=" in v and "&footnote=" in v for v in values)


def test_a_document_with_a_web_address_is_the_target_by_that_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    copy.set("sources", "crs-2022", url="https://example.org/crs-brief")
    copy.save()
    sources = {a["target"]["source"] for a in kzdata.annotations()}  # type: ignore[index]
    assert sources == {"https://example.org/crs-brief", "urn:kzdata:sources:cornell-2024"}


def test_the_annotations_are_json(annotations: list[dict[str, object]]) -> None:
    assert json.loads(json.dumps(annotations)) == annotations


def test_the_command_writes_the_annotations_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "anchors.jsonld"
    assert main(["annotations", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {len(anchored())} annotations to {out}\n"
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == kzdata.annotations()


def test_the_command_prints_them_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotations"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in printed] == [f"urn:kzdata:citations:{c['citation_id']}" for c in anchored()]


def test_a_file_that_cannot_be_written_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["annotations", "-o", str(tmp_path / "file" / "below.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kzdata annotations: ") and "Traceback" not in err
