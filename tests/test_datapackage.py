"""datapackage.json: generated, valid for frictionless, and consistent with the files."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
from frictionless import Package

import kzdata
from kzdata._registry import TABLE_NAMES
from tests import oracle
from tests.conftest import REPO
from tests.expected_keys import FOREIGN_KEYS

DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
SHIPPED = json.loads((REPO / "kzdata" / "data" / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_frictionless_validates_the_package() -> None:
    report = Package(str(REPO / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_one_resource_per_table_with_version_and_licence() -> None:
    assert [r["name"] for r in DESCRIPTOR["resources"]] == list(TABLE_NAMES)
    assert DESCRIPTOR["version"] == kzdata.__version__ == SHIPPED["version"]
    assert DESCRIPTOR["licenses"][0]["name"] == "CC-BY-4.0"


def test_the_shipped_copy_differs_only_in_paths() -> None:
    for top, shipped in zip(DESCRIPTOR["resources"], SHIPPED["resources"], strict=True):
        assert top["path"] == "kzdata/data/" + shipped["path"]
        assert top["hash"] == shipped["hash"]
        assert top["schema"] == shipped["schema"]


@pytest.mark.parametrize("resource", DESCRIPTOR["resources"], ids=lambda r: r["name"])
def test_hashes_and_sizes_match_the_files(resource: dict) -> None:  # type: ignore[type-arg]
    for entry in (resource, resource["kzdata:parquet"]):
        data = (REPO / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("resource", DESCRIPTOR["resources"], ids=lambda r: r["name"])
def test_schema_states_keys_and_descriptions(resource: dict) -> None:  # type: ignore[type-arg]
    """Keys from raw/ (the first column) and tests/expected_keys.py, fields from the shipped CSV header."""
    name = resource["name"]
    schema = resource["schema"]
    assert schema["primaryKey"] == [oracle.key(name)]
    with (REPO / "kzdata" / "data" / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        assert [f["name"] for f in schema["fields"]] == next(csv.reader(fh))
    assert all(f["description"] for f in schema["fields"])
    declared = {
        (fk["fields"][0], fk["reference"]["resource"] or name, fk["reference"]["fields"][0])
        for fk in schema.get("foreignKeys", [])
    }
    assert declared == {(col, ref, ref_col) for table, col, ref, ref_col in FOREIGN_KEYS if table == name}


def test_known_constraints_are_exported() -> None:
    fields = {f["name"]: f for f in DESCRIPTOR["resources"][TABLE_NAMES.index("events")]["schema"]["fields"]}
    assert fields["date_precision"]["constraints"]["enum"] == ["day", "month", "year", "range"]
    assert fields["date_start"]["type"] == "date"
    assert fields["event_id"]["constraints"] == {"required": True, "unique": True, "pattern": "[a-z0-9]+(-[a-z0-9]+)*"}
