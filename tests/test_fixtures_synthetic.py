"""Synthetic releases for what the real data cannot show.

The real data hides some mistakes: every indicator with a target has exactly one observed
value (so its baseline *is* its latest value), no id is used by two tables, and every raw
record is one line. Each fixture here copies the build's inputs, edits ``raw/*.csv`` with
the csv module, runs the real build, and points kzdata at the result. Expected answers
are worked out by hand from the rows written here.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import kzdata
from kzdata import _files
from kzdata._pipeline.build import build
from kzdata.errors import RawDataError
from tests.conftest import REPO

INDICATOR = "corruption-perceptions-index"  # observed 36 in 2022 (cpi-2022), target 47 in 2026
SHARED = "zz-shared-id"  # a place and an organization


def _rows(raw: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (raw / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _append(raw: Path, table: str, like: tuple[str, str], rows: list[dict[str, str]]) -> None:
    """Append copies of the row whose column ``like[0]`` is ``like[1]``, each with some cells changed."""
    header, existing = _rows(raw, table)
    model = next(r for r in existing if r[like[0]] == like[1])
    with (raw / f"{table}.csv").open("a", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header, lineterminator="\n")
        for row in rows:
            writer.writerow({**model, **row})


def _cite(raw: Path, record_table: str, record_id: str, source: str, section: str, paragraph: str) -> None:
    _append(
        raw,
        "citations",
        ("citation_id", "indicator-values-cpi-2022-1"),
        [
            {
                "citation_id": f"zz-{record_table.replace('_', '-')}-{record_id}",
                "record_table": record_table,
                "record_id": record_id,
                "source_id": source,
                "section_id": section,
                "paragraph": paragraph,
                "footnote": "",
            }
        ],
    )


def _copy_inputs(root: Path) -> Path:
    shutil.copytree(REPO / "raw", root / "raw")
    (root / "docs").mkdir()
    for name in ("pyproject.toml", "build-lock.txt", "LICENSE-DATA", "docs/dataset-card.md"):
        shutil.copy2(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with two more observed values of one indicator and one id in two tables."""
    root = _copy_inputs(tmp_path_factory.mktemp("synthetic"))
    raw = root / "raw"
    year = {"date_precision": "year", "date_inferred": "false", "date_basis": "stated", "note": ""}
    # Written latest first, and with ids that sort against their dates, so that neither file order
    # nor id order can stand in for date order.
    _append(
        raw,
        "indicator_values",
        ("value_id", "cpi-2022"),
        [
            {
                "value_id": "cpi-a-2024",
                "date_start": "2024-01-01",
                "date_end": "2024-12-31",
                **year,
                "value": "40",
                "value_low": "40",
                "value_high": "40",
            },
            {
                "value_id": "cpi-z-2021",
                "date_start": "2021-01-01",
                "date_end": "2021-12-31",
                **year,
                "date_basis": "cited_work_date",
                "date_inferred": "true",
                "value": "34",
                "value_low": "34",
                "value_high": "34",
            },
        ],
    )
    for value_id in ("cpi-a-2024", "cpi-z-2021"):
        _cite(raw, "indicator_values", value_id, "cornell-2024", "cornell-2024-reforms", "7")
    # One id, two tables, two different documents behind them.
    _append(raw, "places", ("place_id", "aktau"), [{"place_id": SHARED, "name": "Shared Place"}])
    _append(raw, "organizations", ("organization_id", "abc-news"), [{"organization_id": SHARED, "name": "Shared Org"}])
    _cite(raw, "places", SHARED, "crs-2022", "crs-2022-introduction", "1")
    _cite(raw, "organizations", SHARED, "cornell-2024", "cornell-2024-front", "1")
    build(root)
    return root / "kzdata" / "data"


@pytest.fixture
def on_synthetic(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(_files, "locate", lambda: synthetic)
    yield synthetic


def test_targets_take_the_earliest_value_as_baseline_and_the_latest_as_latest(on_synthetic: Path) -> None:
    row = kzdata.targets().set_index("indicator_id").loc[INDICATOR]
    # by hand: observed 34 (2021, cited_work_date), 36 (2022, stated), 40 (2024, stated); target 47 in 2026
    assert (row["baseline_value"], row["baseline_year"], row["baseline_basis"]) == (34, 2021, "cited_work_date")
    assert (row["latest_value"], row["latest_year"], row["latest_basis"]) == (40, 2024, "stated")
    assert (row["target_value"], row["target_year"]) == (47, 2026)
    assert row["gap"] == 47 - 40
    assert row["needed_per_year"] == pytest.approx((47 - 40) / (2026 - 2024))


def test_the_other_targets_are_unchanged(on_synthetic: Path) -> None:
    """Indicators without added values keep baseline == latest (from raw/, one observed value each)."""
    t = kzdata.targets().set_index("indicator_id")
    other = t.drop(index=INDICATOR)
    assert len(other) == 2
    assert (other["baseline_value"] == other["latest_value"]).all()


def test_an_id_in_two_tables_is_cited_with_each_tables_own_sources(on_synthetic: Path) -> None:
    def keys(text: str) -> set[str]:
        """The works' keys; the release's own entry comes first and is not one of them."""
        found = re.findall(r"^@misc\{([^,]+),$", text, flags=re.M)
        assert found[0].startswith("kzdata_")
        return set(found[1:])

    places = kzdata.places()
    organizations = kzdata.organizations()
    place = places[places["place_id"] == SHARED]
    organization = organizations[organizations["organization_id"] == SHARED]
    assert keys(kzdata.cite(place, style="bibtex")) == {"crs-2022"}
    assert keys(kzdata.cite(organization, style="bibtex")) == {"cornell-2024"}
    ids = place[["place_id"]].copy()
    ids.attrs.clear()
    assert keys(kzdata.cite(ids, style="bibtex", table="places")) == {"crs-2022"}


@pytest.mark.slow
def test_the_synthetic_release_validates(on_synthetic: Path) -> None:
    assert kzdata.validate(raise_on_error=False).ok


# --------------------------------------------------------------------------- records over several lines


def _write_events(root: Path, edit: dict[int, dict[str, str]]) -> None:
    """Rewrite raw/events.csv with the cells of some records (by position) changed."""
    header, rows = _rows(root / "raw", "events")
    for i, cells in edit.items():
        rows[i].update(cells)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (root / "raw" / "events.csv").write_text(out.getvalue(), encoding="utf-8", newline="")


def _issues(root: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(RawDataError) as info:
        build(root)
    assert not (root / "kzdata").exists()
    return [(i.row, i.column, i.value) for i in info.value.issues if i.where == "raw/events.csv"]


def test_raw_events_are_one_line_each() -> None:
    """The premise of the line numbers below: record i of raw/events.csv is on line i + 2."""
    text = (REPO / "raw" / "events.csv").read_text(encoding="utf-8")
    assert text.count("\n") == len(_rows(REPO / "raw", "events")[1]) + 1


@pytest.mark.slow
def test_a_quoted_line_break_is_refused_and_later_records_keep_their_lines(project_copy: Path) -> None:
    # record 3 (line 5) gets a line break in its description, so it spans lines 5 and 6;
    # record 4 starts on line 7, and its category is bad
    _write_events(project_copy, {3: {"description": "first line\nsecond line"}, 4: {"category": "riot"}})
    issues = _issues(project_copy)
    assert ("line 5", "description", repr("first line\nsecond line")) in issues
    assert ("line 7", "category", "'riot'") in issues
    assert len(issues) == 2


@pytest.mark.slow
def test_a_bad_cell_after_a_line_break_is_named_by_its_own_physical_line(project_copy: Path) -> None:
    # record 3 starts on line 5; its description breaks onto line 6, where its category is
    _write_events(project_copy, {3: {"description": "first line\nsecond line", "category": "riot"}})
    issues = _issues(project_copy)
    assert ("line 5", "description", repr("first line\nsecond line")) in issues
    assert ("line 6 (record from line 5)", "category", "'riot'") in issues  # docs/raw-format.md
