"""The harness itself: the oracle stays independent, and the shared copies are private."""

from __future__ import annotations

import ast
from pathlib import Path

import kzdata
from kzdata import _files
from tests.conftest import REPO


def test_the_oracle_imports_neither_kzdata_nor_the_tests() -> None:
    """tests/oracle.py answers from raw/ with the standard library alone, so it cannot share kzdata's mistakes."""
    tree = ast.parse((REPO / "tests" / "oracle.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported, "the oracle imports something (csv at least)"
    assert not {m for m in imported if m.split(".")[0] in ("kzdata", "tests")}, sorted(imported)


def test_release_copy_is_what_kzdata_reads_and_leaves_the_shipped_files_alone(release_copy: Path) -> None:
    shipped = REPO / "kzdata" / "data"
    assert not release_copy.is_relative_to(REPO)
    assert _files.data_dir() == release_copy
    assert kzdata.path("events") == release_copy / "events.parquet"
    names = sorted(str(p.relative_to(shipped)) for p in shipped.rglob("*") if "__pycache__" not in p.parts)
    assert sorted(str(p.relative_to(release_copy)) for p in release_copy.rglob("*")) == names
    before = (shipped / "events.parquet").read_bytes()
    (release_copy / "events.parquet").write_bytes(b"damaged")
    assert not kzdata.verify(raise_on_error=False).ok
    assert (shipped / "events.parquet").read_bytes() == before
