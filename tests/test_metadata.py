"""kzdata/_meta.py is the one statement of the dataset's metadata; nothing drifts from it.

The generated files (datapackage.json, CITATION.cff, .zenodo.json) must say what
_meta.py says, the generators must not state facts of their own, the primary documents
they name are the rows of raw/sources.csv of kind primary_document (written out by hand
below from the raw file, not from the code), and pyproject.toml states what _meta.py states.
"""

from __future__ import annotations

import json
import re

import pytest
import tomllib

from kzdata import _meta as meta
from tests import oracle

REPO = oracle.REPO
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
CFF = (REPO / "CITATION.cff").read_text(encoding="utf-8")
ZENODO = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
PRIMARY = {r["source_id"]: r for r in oracle.rows("sources") if r["kind"] == "primary_document"}
SUMMARIES = [  # written by hand from the two primary rows of raw/sources.csv and raw/authorships.csv
    "Svante E. Cornell, 'Two years later: Kazakhstan's January events', Central Asia-Caucasus Analyst, "
    "2 January 2024 (source_id cornell-2024)",
    "Congressional Research Service, [Kazakhstan: political reforms after the January 2022 unrest; untitled "
    "CRS brief], between 20 November 2022 and 31 December 2022 (source_id crs-2022)",
]


def test_datapackage_says_what_meta_says() -> None:
    assert DESCRIPTOR["title"] == meta.TITLE
    assert DESCRIPTOR["description"] == meta.DESCRIPTION
    assert DESCRIPTOR["keywords"] == list(meta.KEYWORDS)
    assert DESCRIPTOR["licenses"] == [{"name": meta.LICENSE, "title": meta.LICENSE_TITLE, "path": meta.LICENSE_URL}]
    assert DESCRIPTOR["sources"] == [{"title": summary} for summary in SUMMARIES]
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
    for row in PRIMARY.values():
        assert f"title: {json.dumps(row['title'])}" in CFF
        assert f"year: {row['published_start'][:4]}" in CFF
    assert '    authors:\n      - family-names: "Cornell"\n        given-names: "Svante E."\n' in CFF
    assert '    authors:\n      - name: "Congressional Research Service"\n' in CFF
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
    assert sorted(PRIMARY) == ["cornell-2024", "crs-2022"]
    assert ZENODO["references"] == SUMMARIES


def test_pyproject_states_what_meta_states() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["keywords"] == list(meta.KEYWORDS)
    assert project["license"] == f"{meta.LICENSE} AND MIT"  # the data licence, and the code's
    assert project["authors"] == [{"name": family} for family, _ in meta.AUTHORS]
    assert project["description"] == meta.SUMMARY


@pytest.mark.parametrize(
    "generator", ["kzdata/_descriptor.py", "kzdata/_citation_files.py", "kzdata/_documents.py", "kzdata/_croissant.py"]
)
def test_generators_state_no_fact_of_their_own(generator: str) -> None:
    source = (REPO / generator).read_text(encoding="utf-8")
    for fact in ("Cornell", "Congressional", "Kazakhstan", "CC-BY", "creativecommons", "Creative Commons", "2024"):
        assert fact not in source, f"{generator} states {fact!r}; take it from kzdata/_meta.py"


def test_release_date_is_an_iso_date_in_the_release_year() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.RELEASE_DATE)
    assert int(meta.RELEASE_DATE[:4]) == meta.RELEASE_YEAR
