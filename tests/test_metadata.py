"""kzdata/meta.py is the one statement of the dataset's metadata; nothing drifts from it.

The generated files (datapackage.json, CITATION.cff, .zenodo.json) must say what
meta.py says, the generators must not state facts of their own, and meta.py's
primary documents must be the two rows of raw/sources.csv of kind primary_document.
"""

from __future__ import annotations

import json
import re

import pytest
import tomllib

from kzdata import meta
from tests import oracle

REPO = oracle.REPO
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
CFF = (REPO / "CITATION.cff").read_text(encoding="utf-8")
ZENODO = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))


def test_datapackage_says_what_meta_says() -> None:
    assert DESCRIPTOR["title"] == meta.TITLE
    assert DESCRIPTOR["description"] == meta.DESCRIPTION
    assert DESCRIPTOR["keywords"] == list(meta.KEYWORDS)
    assert DESCRIPTOR["licenses"] == [{"name": meta.LICENSE, "title": meta.LICENSE_TITLE, "path": meta.LICENSE_URL}]
    assert DESCRIPTOR["sources"] == [{"title": d.summary} for d in meta.PRIMARY_DOCUMENTS]
    assert DESCRIPTOR["kzdata:release_date"] == meta.RELEASE_DATE
    assert DESCRIPTOR["version"] == VERSION


def test_citation_cff_says_what_meta_says() -> None:
    assert f"title: {json.dumps(meta.TITLE)}" in CFF
    assert f"abstract: {json.dumps(meta.DESCRIPTION)}" in CFF
    assert f"date-released: {json.dumps(meta.RELEASE_DATE)}" in CFF
    assert f"license: {meta.LICENSE}\n" in CFF
    assert re.findall(r"^  - \"(.*)\"$", CFF.split("keywords:\n")[1].split("references:")[0], flags=re.M) == list(
        meta.KEYWORDS
    )
    for doc in meta.PRIMARY_DOCUMENTS:
        assert f"title: {json.dumps(doc.title)}" in CFF
        assert f"year: {doc.year}" in CFF
    assert "url:" not in CFF, "the project has no web address yet"


def test_zenodo_json_says_what_meta_says() -> None:
    assert ZENODO["title"] == meta.TITLE
    assert ZENODO["description"] == meta.DESCRIPTION
    assert ZENODO["version"] == VERSION
    assert ZENODO["publication_date"] == meta.RELEASE_DATE
    assert ZENODO["license"] == meta.LICENSE.lower()
    assert ZENODO["keywords"] == list(meta.KEYWORDS)
    assert ZENODO["upload_type"] == "dataset"
    assert ZENODO["creators"] == [{"name": "kzdata contributors"}]


def test_primary_documents_are_the_primary_rows_of_raw_sources() -> None:
    rows = {r["source_id"]: r for r in oracle.rows("sources") if r["kind"] == "primary_document"}
    assert [d.source_id for d in meta.PRIMARY_DOCUMENTS] == sorted(rows)
    for doc in meta.PRIMARY_DOCUMENTS:
        row = rows[doc.source_id]
        assert int(row["published_start"][:4]) == doc.year
        assert doc.source_id in doc.summary
    cornell = rows["cornell-2024"]
    assert meta.PRIMARY_DOCUMENTS[0].title == cornell["title"]
    assert meta.PRIMARY_DOCUMENTS[0].journal == cornell["publisher"]
    assert cornell["authors"] == "Svante E. Cornell"
    assert meta.PRIMARY_DOCUMENTS[0].authors == (("Cornell", "Svante E."),)
    assert meta.PRIMARY_DOCUMENTS[1].authors == ((rows["crs-2022"]["publisher"], ""),)


@pytest.mark.parametrize("generator", ["kzdata/build/describe.py", "kzdata/build/citation.py"])
def test_generators_state_no_fact_of_their_own(generator: str) -> None:
    source = (REPO / generator).read_text(encoding="utf-8")
    for fact in ("Cornell", "Congressional", "Kazakhstan", "CC-BY", "creativecommons", "Creative Commons", "2024"):
        assert fact not in source, f"{generator} states {fact!r}; take it from kzdata/meta.py"


def test_release_date_is_an_iso_date_in_the_release_year() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.RELEASE_DATE)
    assert int(meta.RELEASE_DATE[:4]) == meta.RELEASE_YEAR
