"""Why ``datapackage.json`` stays Data Package v1 (docs/publishing.md, "Data Package v1, not v2").

frictionless-py (the version the lock pins) accepts a v2 descriptor but does not check what
v2 adds: a value outside a field's ``categories`` passes, and so does a malformed
``categories``. v1's ``constraints.enum`` is enforced. These tests pin that evidence: when a
frictionless release starts enforcing v2, the first two fail, and the choice should be
revisited.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

frictionless = pytest.importorskip("frictionless")

V2_PACKAGE = "https://datapackage.org/profiles/2.0/datapackage.json"
V2_SCHEMA = "https://datapackage.org/profiles/2.0/tableschema.json"


def _one_table(tmp_path: Path, *, v2: bool, enum: bool, categories: Any = "declared", value: str) -> Path:
    """The release's ``discrepancies`` table alone, its first ``severity`` replaced by ``value``."""
    shipped = json.loads((REPO / "kzdata" / "data" / "datapackage.json").read_bytes())
    (resource,) = [r for r in shipped["resources"] if r["name"] == "discrepancies"]
    for key in ("hash", "bytes", "kzdata:parquet"):
        resource.pop(key, None)
    resource["schema"].pop("foreignKeys", None)
    (field,) = [f for f in resource["schema"]["fields"] if f["name"] == "severity"]
    declared = field["constraints"]["enum"]
    assert declared == ["contradiction", "inconsistent_detail", "emphasis_or_scope"]  # docs/data-dictionary.md
    if not enum:
        del field["constraints"]["enum"]
    if v2:
        field["categories"] = declared if categories == "declared" else categories
        resource["type"] = "table"
        resource["schema"]["$schema"] = V2_SCHEMA
    text = (REPO / "kzdata" / "data" / "csv" / "discrepancies.csv").read_text(encoding="utf-8")
    assert ",contradiction," in text
    (tmp_path / "csv").mkdir(parents=True)
    (tmp_path / "csv" / "discrepancies.csv").write_text(text.replace(",contradiction,", f",{value},", 1), "utf-8")
    package = {"name": "probe", "resources": [resource]}
    package |= {"$schema": V2_PACKAGE} if v2 else {"profile": "tabular-data-package"}
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    shutil.copy(REPO / "LICENSE-DATA", tmp_path / "LICENSE-DATA")
    return tmp_path / "datapackage.json"


def _valid(path: Path) -> bool:
    return bool(frictionless.validate(str(path)).valid)


def test_frictionless_passes_a_value_outside_v2_categories(tmp_path: Path) -> None:
    assert _valid(_one_table(tmp_path, v2=True, enum=False, value="nonsense"))


def test_frictionless_passes_malformed_v2_categories(tmp_path: Path) -> None:
    assert _valid(_one_table(tmp_path, v2=True, enum=False, categories=5, value="contradiction"))


def test_frictionless_refuses_a_value_outside_the_v1_enum(tmp_path: Path) -> None:
    report = frictionless.validate(str(_one_table(tmp_path, v2=False, enum=True, value="nonsense")))
    assert [e.type for task in report.tasks for e in task.errors] == ["constraint-error"]
    assert _valid(_one_table(tmp_path / "ok", v2=False, enum=True, value="contradiction"))


def test_the_release_descriptor_is_v1() -> None:
    shipped = json.loads((REPO / "kzdata" / "data" / "datapackage.json").read_bytes())
    assert shipped["profile"] == "tabular-data-package" and "$schema" not in shipped
