"""The public API is small, sorted, documented and cheap to import."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
import tomllib

import kzdata
from tests.conftest import REPO

#: Written out by hand: adding or removing a public name must change this list too.
EXPECTED_ALL = [
    "DataValidationError",
    "FormatName",
    "IntegrityError",
    "InvalidArgumentError",
    "KzdataError",
    "MissingDependencyError",
    "RawDataError",
    "StableIdError",
    "TableName",
    "UnknownEntityError",
    "UnknownTableError",
    "ValidationReport",
    "VerifyReport",
    "__version__",
    "aliases",
    "annotations",
    "authorships",
    "changes",
    "citations",
    "cite",
    "connect",
    "count_by_period",
    "describe",
    "diff",
    "discrepancies",
    "discrepancy_claims",
    "editorial_values",
    "event_actors",
    "event_figures",
    "events",
    "events_view",
    "evidence",
    "export",
    "footnotes",
    "indicator_values",
    "indicator_values_view",
    "indicators",
    "load",
    "organizations",
    "path",
    "people",
    "places",
    "positions",
    "quality",
    "reforms",
    "replacement",
    "resolve",
    "retired",
    "rules_in_force",
    "schema",
    "search",
    "sections",
    "sentences",
    "sentences_view",
    "sources",
    "tables",
    "targets",
    "timeline",
    "validate",
    "verify",
    "verify_sources",
]


def test_all_is_pinned() -> None:
    assert kzdata.__all__ == EXPECTED_ALL


def test_every_lazy_name_is_public_and_importable_from_its_module() -> None:
    import importlib

    lazy = kzdata._LAZY
    assert set(lazy) <= set(EXPECTED_ALL)
    for name, module in lazy.items():
        assert hasattr(importlib.import_module(module), name), f"{module} has no {name}"


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in kzdata.__all__:
        obj = getattr(kzdata, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__, f"kzdata.{name} has no docstring"


def test_version_is_stated_once() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert kzdata.__version__ == pyproject["project"]["version"]


@pytest.mark.slow
def test_import_is_light() -> None:
    code = (
        "import sys, kzdata\n"
        "heavy = [m for m in ('pandas', 'pandera', 'frictionless', 'pyarrow') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
        "kzdata.events()\n"
        "print('pandera' in sys.modules, 'frictionless' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["", "False False"]


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        kzdata.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
