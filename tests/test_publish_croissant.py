"""The shipped Croissant 1.1 description: every file hashed, every table a record set with keys and references."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import pytest

import kzdata
from tests import oracle
from tests.conftest import REPO

SHIPPED = REPO / "kzdata" / "data" / "croissant.json"
TOP = REPO / "croissant.json"


def load(file: Any) -> dict[str, Any]:
    return dict(json.loads(file.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("file", "base"), [(SHIPPED, REPO / "kzdata" / "data"), (TOP, REPO)])
def test_every_data_file_is_listed_with_its_sha256(file: Any, base: Any) -> None:
    doc = load(file)
    listed = {d["contentUrl"]: d for d in doc["distribution"]}
    assert len(listed) == 2 * len(oracle.RAW_TABLES)
    for url, entry in listed.items():
        data = (base / url).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), url
        assert entry["contentSize"] == f"{len(data)} B"
        assert entry["encodingFormat"] == ("text/csv" if url.endswith(".csv") else "application/x-parquet")


def test_dataset_facts() -> None:
    doc = load(SHIPPED)
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert doc["@type"] == "sc:Dataset"
    assert doc["version"] == kzdata.__version__
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    version = kzdata.__version__
    assert doc["citeAs"].startswith(f"@misc{{kzdata_{version.replace('.', '_')}")
    assert f"version = {{{version}}}" in doc["citeAs"]


def test_every_table_is_a_record_set_with_its_key_and_fields() -> None:
    doc = load(SHIPPED)
    sets = {rs["@id"]: rs for rs in doc["recordSet"]}
    assert sorted(sets) == oracle.RAW_TABLES
    for table in oracle.RAW_TABLES:
        header = oracle.header(table)
        rs = sets[table]
        assert rs["key"] == {"@id": f"{table}/{header[0]}"}
        names = [f["name"] for f in rs["field"]]
        assert set(header) <= set(names), table
        for field in rs["field"]:
            assert field["source"] == {"fileObject": {"@id": f"csv/{table}.csv"}, "extract": {"column": field["name"]}}
            assert field["description"]


def test_types_and_references() -> None:
    fields = {f["@id"]: f for rs in load(SHIPPED)["recordSet"] for f in rs["field"]}
    assert fields["sentences/prison_years"]["dataType"] == "sc:Integer"
    assert fields["events/date_start"]["dataType"] == "sc:Date"
    assert fields["sentences/closed_trial"]["dataType"] == "sc:Boolean"
    assert fields["places/latitude"]["dataType"] == "sc:Float"
    assert fields["sentences/person_id"]["references"] == {"field": {"@id": "people/person_id"}}
    assert fields["indicator_values/reform_id"]["references"] == {"field": {"@id": "reforms/reform_id"}}
    assert "references" not in fields["citations/record_id"]  # polymorphic: described, not declared
    assert "references" not in fields["places/parent_id"]  # self-reference: described, not declared
    assert "places.place_id" in fields["places/parent_id"]["description"]
    assert "protest" in fields["events/category"]["description"]
    referencing = [f for f in fields.values() if "references" in f]
    assert (
        len(referencing) == 30
    )  # the 31 hand-counted foreign keys (0.2.0 added footnotes.document_id, 0.3.0 positions.ended_by_event_id)
    # less the self-reference


def test_responsible_ai_fields_come_from_the_dataset_card() -> None:
    doc = load(SHIPPED)
    assert "Two sources only" in doc["rai:dataLimitations"]
    assert "allegation" in doc["rai:personalSensitiveInformation"]
    assert "Classified trials" in doc["rai:personalSensitiveInformation"]
    assert "CSTO contingent" in doc["rai:dataBiases"]
    assert "PATCH" in doc["rai:dataReleaseMaintenancePlan"]
    assert "paragraph by paragraph" in doc["rai:dataCollection"]


def test_the_top_level_copy_differs_only_in_paths() -> None:
    shipped, top = load(SHIPPED), load(TOP)
    for entry in top["distribution"]:
        entry["contentUrl"] = entry["contentUrl"].removeprefix("kzdata/data/")
    assert shipped == top


@pytest.mark.slow
def test_import_kzdata_does_not_import_publishing() -> None:
    import subprocess

    code = (
        "import sys, kzdata\n"
        "kzdata.load('events'); kzdata.events(); kzdata.load('people', backend='pyarrow')\n"
        "print(sorted(m for m in sys.modules if m.startswith('kzdata._formats') or m in ('datasette', 'sqlite3')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
