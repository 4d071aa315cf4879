"""scripts/figures.py: the figures render as valid PNGs, and the data behind them is right.

The data functions are tested without matplotlib (it is the optional "plot" extra);
only the rendering tests skip when it is missing.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import kzdata
from tests import oracle

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "figures.py"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kzdata_figures_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


figures = _load_script()


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) chunks of a PNG, checking the signature first."""
    assert data[:8] == PNG_MAGIC, "not a PNG"
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append((data[at + 4 : at + 8], data[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a PNG must start with."""
    kind, header = _png_chunks(data)[0]
    assert kind == b"IHDR", "the first chunk of a PNG must be IHDR"
    return int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")


def _run(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True, check=False)


# --------------------------------------------------------------------------- rendering


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("figures")
    result = _run(out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.slow  # renders both figures with matplotlib in a fresh interpreter
@pytest.mark.parametrize(
    ("name", "size"),
    [(figures.TIMELINE_FILE, figures.TIMELINE_SIZE), (figures.TARGETS_FILE, figures.TARGETS_SIZE)],
)
def test_figure_is_a_png_of_the_declared_size(rendered: Path, name: str, size: tuple[float, float]) -> None:
    data = (rendered / name).read_bytes()
    assert _png_size(data) == (round(size[0] * figures.DPI), round(size[1] * figures.DPI))
    assert len(data) > 30_000, "a real chart, not an empty canvas"
    chunks = _png_chunks(data)
    assert chunks[-1][0] == b"IEND"
    assert b"tIME" not in {kind for kind, _ in chunks}, "no timestamp chunk"
    texts = [payload for kind, payload in chunks if kind in (b"tEXt", b"iTXt", b"zTXt")]
    assert not any(t.startswith(b"Software\0") for t in texts), "no matplotlib version in the metadata"


@pytest.mark.slow  # renders them again
def test_rerun_writes_identical_bytes(rendered: Path, tmp_path: Path) -> None:
    assert _run(tmp_path).returncode == 0
    for name in (figures.TIMELINE_FILE, figures.TARGETS_FILE):
        assert (tmp_path / name).read_bytes() == (rendered / name).read_bytes(), name


@pytest.mark.slow
def test_missing_matplotlib_exits_2_with_a_hint() -> None:
    code = (
        "import runpy, sys; sys.modules['matplotlib'] = None; sys.argv = ['figures.py', '--out', 'unused']; "
        f"runpy.run_path({str(SCRIPT)!r}, run_name='__main__')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == figures.EXIT_MISSING_DEPENDENCY == 2
    assert "pip install 'kzdata[plot]'" in result.stderr


# --------------------------------------------------------------------------- timeline data


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return figures.timeline_frame(kzdata.events())


def test_timeline_holds_only_events_overlapping_the_window(timeline: pd.DataFrame) -> None:
    assert len(timeline) > 0
    assert (timeline["date_start"] <= pd.Timestamp("2022-01-19")).all()
    assert (timeline["date_end"] >= pd.Timestamp("2022-01-01")).all()


def test_timeline_draws_every_overlapping_event_that_happened_and_no_other() -> None:
    """Oracle: raw/events.csv, read with the csv module; happened = occurred or reported (docs/events.md)."""
    import csv

    with (oracle.REPO / "raw" / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    overlapping = [r for r in rows if r["date_start"] <= "2022-01-19" and r["date_end"] >= "2022-01-01"]
    happened = {r["event_id"] for r in overlapping if r["status"] in ("occurred", "reported")}
    assert happened and len(happened) < len(overlapping)  # the window holds some events that did not happen
    assert set(figures.timeline_frame(kzdata.events())["event_id"]) == happened
    everything = figures.timeline_frame(kzdata.events(), statuses=None)
    assert set(everything["event_id"]) == {r["event_id"] for r in overlapping}


def test_timeline_is_sorted_by_date(timeline: pd.DataFrame) -> None:
    assert timeline["date_start"].is_monotonic_increasing
    assert timeline["event_id"].is_unique


def test_timeline_flags_multi_day_and_open_ended_events(timeline: pd.DataFrame) -> None:
    assert (timeline["multi_day"] == (timeline["date_end"] > timeline["date_start"])).all()
    outside = (timeline["date_start"] < figures.WINDOW_START) | (timeline["date_end"] > figures.WINDOW_END)
    assert (timeline["open_ended"] == outside).all()
    assert timeline["label"].str.len().gt(0).all()


def test_timeline_window_edges_are_inclusive() -> None:
    day = pd.Timestamp
    events = pd.DataFrame(
        {
            "event_id": ["before", "first-day", "spans-in", "last-day", "after"],
            "date_start": [
                day("2021-12-31"),
                day("2022-01-01"),
                day("2021-12-20"),
                day("2022-01-19"),
                day("2022-01-20"),
            ],
            "date_end": [day("2021-12-31"), day("2022-01-01"), day("2022-01-03"), day("2022-01-19"), day("2022-02-01")],
            "date_precision": ["day", "day", "range", "day", "range"],
            "date_inferred": [False] * 5,
            "time_of_day": [None] * 5,
            "title": ["a", "b", "c", "d", "e"],
            "category": ["other"] * 5,
        }
    )
    frame = figures.timeline_frame(events)
    assert frame["event_id"].tolist() == ["spans-in", "first-day", "last-day"]
    assert frame["open_ended"].tolist() == [True, False, False]
    assert frame["label"].iloc[0] == "c (between 20 Dec 2021 and 3 Jan 2022)"


def test_same_day_events_sort_by_time_of_day() -> None:
    assert figures.time_of_day_key("01:30") < figures.time_of_day_key("early afternoon")
    assert figures.time_of_day_key("early afternoon") < figures.time_of_day_key("evening")
    assert figures.time_of_day_key("evening") < figures.time_of_day_key(None)


def test_rows_keep_overlapping_spans_apart() -> None:
    starts, ends = [0.0, 1.0, 2.5, 0.5, 5.0], [2.0, 3.0, 4.0, 6.0, 6.0]
    rows = figures.assign_rows(starts, ends)
    assert rows == [0, 1, 0, 2, 0]
    for i in range(len(rows)):
        for j in range(i):
            if rows[i] == rows[j]:
                assert ends[j] <= starts[i] or ends[i] <= starts[j]


def test_label_layout_keeps_labels_inside_the_axes() -> None:
    layout = figures.label_layout([1.0, 18.5, 2.0], [1.0, 18.5, 19.4], [3.0, 3.0, 4.0], left=0.4, right=19.6)
    assert layout["ha"].tolist() == ["left", "right", "left"]
    assert (layout["span_start"] >= 0.4 - 0.2).all()
    assert (layout["span_end"] <= 19.6 + 0.2).all()


def test_every_declared_category_has_its_own_colour() -> None:
    # events.category's vocabulary, written out from docs/data-dictionary.md
    declared = [
        "background",
        "protest",
        "violence",
        "emergency_measure",
        "security_deployment",
        "personnel_change",
        "detention",
        "investigation",
        "conviction",
        "statement",
        "reform",
        "legislation",
        "referendum",
        "election",
        "foreign_policy",
        "economy",
        "other",
    ]
    assert tuple(figures.CATEGORY_COLOURS) == tuple(declared), "one colour per category, in registry order"
    assert len(set(figures.CATEGORY_COLOURS.values())) == len(figures.CATEGORY_COLOURS)


# --------------------------------------------------------------------------- targets data


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return figures.targets_frame(kzdata.indicators(), kzdata.indicator_values(), kzdata.organizations())


def test_targets_are_the_three_governance_indicators(targets: pd.DataFrame) -> None:
    assert len(targets) == 3
    assert targets["indicator_id"].is_unique
    topics = kzdata.indicators().set_index("indicator_id").loc[targets["indicator_id"], "topic"]
    assert set(topics.astype(str)) == {"governance"}
    assert set(targets["publisher"]) == {"Transparency International", "World Bank"}


def test_each_target_has_an_earlier_baseline(targets: pd.DataFrame) -> None:
    assert targets["baseline_value"].notna().all()
    assert (targets["baseline_year"] < 2026).all()
    assert (targets["target_year"] == 2026).all()
    assert set(targets["unit"]) <= {"points", "percentile"}


def test_baseline_is_the_earliest_observed_value(targets: pd.DataFrame) -> None:
    values = kzdata.indicator_values()
    for row in targets.itertuples():
        observed = values.loc[(values["indicator_id"] == row.indicator_id) & (values["value_kind"] == "observed")]
        assert row.baseline_year == observed["date_start"].min().year
        assert row.baseline_value_id in set(observed["value_id"])


def test_disputed_values_are_found(targets: pd.DataFrame) -> None:
    ids = [*targets["baseline_value_id"], *targets["target_value_id"]]
    notes = figures.value_discrepancies(ids, kzdata.discrepancy_claims(), kzdata.discrepancies())
    # The oracle: the same pairs read from raw/ with the csv module.
    topics = {r["discrepancy_id"]: r["topic"] for r in oracle.rows("discrepancies")}
    expected = {
        (r["record_id"], r["discrepancy_id"], topics[r["discrepancy_id"]])
        for r in oracle.rows("discrepancy_claims")
        if r["record_table"] == "indicator_values" and r["record_id"] in set(ids)
    }
    assert expected, "the oracle finds disputed values; an empty answer must fail"
    assert set(zip(notes["value_id"], notes["discrepancy_id"], notes["topic"], strict=True)) == expected
    assert len(notes) == len(expected)
