"""The README's Python examples run as written."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    if "duckdb" in code:
        pytest.importorskip("duckdb")
    if "polars" in code:
        pytest.importorskip("polars")
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.strip(), "each example prints something"
