"""Issue 21: sentences of the README that said what kzdata does not do, each now checked."""

from __future__ import annotations

import re

import kzdata
from tests import oracle

README = (oracle.REPO / "README.md").read_text(encoding="utf-8")


def _block_with(text: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    return next(b for b in blocks if text in b)


def test_the_readme_merge_example_keeps_every_column_name() -> None:
    """It produced ``description_x``/``description_y``; its frame must carry no pandas suffix."""
    space: dict[str, object] = {}
    exec(compile(_block_with(".merge("), "README.md", "exec"), space)
    merged = space["with_events"]
    assert not [c for c in merged.columns if c.endswith(("_x", "_y"))]
    assert len(merged) == len(oracle.rows("sentences"))
    titles = {r["event_id"]: r["title"] for r in oracle.rows("events")}
    assert list(merged["title"].fillna("")) == [titles.get(r["event_id"], "") for r in oracle.rows("sentences")]


def test_the_readme_names_the_verdict_columns_the_table_has() -> None:
    row = next(line for line in README.splitlines() if line.startswith("| `sentences` |"))
    assert "verdict date" not in row
    for column in re.findall(r"`(verdict_[a-z]+)`", row):
        assert column in oracle.header("sentences")
    assert {"verdict_start", "verdict_end"} <= set(re.findall(r"`(verdict_[a-z]+)`", row))


def test_the_bundle_descriptor_is_where_the_readme_says(tmp_path) -> None:
    flat = " ".join(README.split())
    assert "`csv/` (described by the `datapackage.json` at the top of the export, beside `csv/`" in flat
    assert "`csv/` (with a `datapackage.json`" not in flat
    kzdata.export(tmp_path / "out", "bundle")
    assert (tmp_path / "out" / "datapackage.json").is_file()
    assert not (tmp_path / "out" / "csv" / "datapackage.json").exists()
