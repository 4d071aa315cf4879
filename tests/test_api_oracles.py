"""``targets()``, ``timeline()`` and ``cite()`` answered in full, against answers they did not compute.

Every column of ``targets()`` is worked out from the rows of ``raw/indicators.csv`` and
``raw/indicator_values.csv`` read with the csv module (tests/oracle.py); the cases the real
data lack (an indicator with a target and no observed value, a latest value in the target
year, a release without any target) are made in a copy of the release
(tests/release_copy.py) and their answers written out by hand.
"""

from __future__ import annotations

import datetime
import enum
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzdata
from kzdata import _files
from tests import oracle
from tests.release_copy import ReleaseCopy

REPO = Path(__file__).resolve().parents[1]


def documented_target_dtypes() -> dict[str, str]:
    """The columns of targets() and their dtypes, as docs/figures.md's table promises them."""
    text = (REPO / "docs" / "figures.md").read_text(encoding="utf-8")
    section = text.split("## Targets and the pace needed", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \|", section, flags=re.MULTILINE)
    return dict(rows)


TARGET_DTYPES = documented_target_dtypes()


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReleaseCopy:
    """A copy of the shipped release that kzdata reads instead of the installed one."""
    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    return copy


def raw_targets() -> dict[str, dict[str, object]]:
    """targets() worked out from raw/: earliest and latest observed value by date (then id), last target."""
    indicators = {r["indicator_id"]: r for r in oracle.rows("indicators")}
    values = sorted(oracle.rows("indicator_values"), key=lambda r: (r["date_start"], r["value_id"]))
    out: dict[str, dict[str, object]] = {}
    for indicator_id in sorted({r["indicator_id"] for r in values if r["value_kind"] == "target"}):
        seen = [r for r in values if r["indicator_id"] == indicator_id and r["value_kind"] == "observed"]
        target = [r for r in values if r["indicator_id"] == indicator_id and r["value_kind"] == "target"][-1]
        first, last = seen[0], seen[-1]
        target_year, latest_year = int(target["date_start"][:4]), int(last["date_start"][:4])
        latest_high = int(last["date_end"][:4])
        gap = float(target["value"]) - float(last["value"])
        info = indicators[indicator_id]
        slow, fast = gap / (target_year - latest_year), gap / (target_year - latest_high)
        out[indicator_id] = {
            "indicator_id": indicator_id,
            "name": info["name"],
            "unit": info["unit"],
            "higher_is_better": {"true": True, "false": False}[info["higher_is_better"]],
            "baseline_value": float(first["value"]),
            "baseline_year": int(first["date_start"][:4]),
            "baseline_basis": first["date_basis"],
            "latest_value": float(last["value"]),
            "latest_year": latest_year,
            "latest_year_high": latest_high,
            "latest_basis": last["date_basis"],
            "target_value": float(target["value"]),
            "target_year": target_year,
            "gap": gap,
            "needed_per_year": slow,
            "needed_per_year_low": min(slow, fast),
            "needed_per_year_high": max(slow, fast),
        }
    return out


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with missing values as None, so that they compare with ==."""
    return [{k: (None if v is pd.NA else v) for k, v in row.items()} for row in frame.to_dict("records")]


# --------------------------------------------------------------------------- targets()


def test_targets_answer_every_column_from_the_raw_rows() -> None:
    got = kzdata.targets()
    assert dict(got.dtypes.astype(str)) == TARGET_DTYPES
    expected = raw_targets()
    assert len(expected) == 3, "raw/ has three indicators with a target"
    rows = records(got)
    notes = {row["indicator_id"]: row.pop("pace_note") for row in rows}
    assert rows == list(expected.values())
    for indicator_id, row in expected.items():  # a note exactly where the latest value spans years
        if row["latest_year"] == row["latest_year_high"]:
            assert notes[indicator_id] is None
        else:
            assert f"{row['latest_year']}-{row['latest_year_high']}" in str(notes[indicator_id])


def test_the_voice_and_accountability_pace_is_the_range_the_evidence_allows() -> None:
    """Issue 20: 19th percentile "presently" (2022 to January 2024), 57th by 2026.

    By hand: 38 points over 2026 - 2022 = 4 years is 9.5 a year; over 2026 - 2024 = 2 years, 19.
    """
    row = kzdata.targets().set_index("indicator_id").loc["voice-and-accountability"]
    assert (row["latest_year"], row["latest_year_high"]) == (2022, 2024)
    assert row["needed_per_year_low"] == 9.5
    assert row["needed_per_year_high"] == 19.0
    assert row["needed_per_year"] == 9.5  # the 0.2.0 column keeps its meaning
    assert row["pace_note"] == (
        "The latest value is dated to 2022-2024 (cited_work_date, docs/dates.md); "
        "the pace depends on when in that range it held."
    )


def test_one_year_left_needs_the_whole_gap_in_that_year(release: ReleaseCopy) -> None:
    """A latest value one year before its target: the pace is the gap itself (by hand: 74 - 70 = 4)."""
    release.add(
        "indicator_values",
        "government-effectiveness-2022",
        value_id="zz-government-effectiveness-2025",
        date_start="2025-01-01",
        date_end="2025-12-31",
        value=70.0,
        value_low=70.0,
        value_high=70.0,
    )
    release.save()
    row = kzdata.targets().set_index("indicator_id").loc["government-effectiveness"]
    assert (row["latest_year"], row["latest_year_high"], row["target_year"]) == (2025, 2025, 2026)
    assert row["needed_per_year"] == row["needed_per_year_low"] == row["needed_per_year_high"] == 4.0
    assert row["pace_note"] is pd.NA


def test_a_target_without_observed_values_and_one_in_the_latest_year(release: ReleaseCopy) -> None:
    """Nothing observed: every observed column is missing. Latest in the target year: no pace to give.

    The indicator with only a target is dated 2025, before the others' 2026, and its id sorts
    last: the rows still come by indicator id, not by the targets' dates.
    """
    release.add("indicators", "corruption-perceptions-index", indicator_id="zz-only-a-target", name="Only a target")
    release.add(
        "indicator_values",
        "cpi-2026-target",
        value_id="zz-only-a-target-2025",
        indicator_id="zz-only-a-target",
        date_start="2025-01-01",
        date_end="2025-12-31",
        value=5.0,
        value_low=5.0,
        value_high=5.0,
    )
    release.add(
        "indicator_values",
        "government-effectiveness-2022",
        value_id="zz-government-effectiveness-2026",
        date_start="2026-01-01",
        date_end="2026-12-31",
        value=70.0,
        value_low=70.0,
        value_high=70.0,
    )
    release.save()
    got = kzdata.targets()
    assert dict(got.dtypes.astype(str)) == TARGET_DTYPES
    assert got["indicator_id"].tolist() == [
        "corruption-perceptions-index",
        "government-effectiveness",
        "voice-and-accountability",
        "zz-only-a-target",
    ]
    rows = {row["indicator_id"]: row for row in records(got)}
    # by hand: observed 58 in 2022 (stated) and the added 70 in 2026; target 74 in 2026
    assert rows["government-effectiveness"] == {
        "indicator_id": "government-effectiveness",
        "name": "World Bank Government Effectiveness",
        "unit": "percentile",
        "higher_is_better": True,
        "baseline_value": 58.0,
        "baseline_year": 2022,
        "baseline_basis": "stated",
        "latest_value": 70.0,
        "latest_year": 2026,
        "latest_year_high": 2026,
        "latest_basis": "stated",
        "target_value": 74.0,
        "target_year": 2026,
        "gap": 4.0,
        "needed_per_year": None,
        "needed_per_year_low": None,
        "needed_per_year_high": None,
        "pace_note": None,
    }
    # by hand: a copy of the CPI indicator (points, higher is better) with one target, 5 in 2025
    assert rows["zz-only-a-target"] == {
        "indicator_id": "zz-only-a-target",
        "name": "Only a target",
        "unit": "points",
        "higher_is_better": True,
        "baseline_value": None,
        "baseline_year": None,
        "baseline_basis": None,
        "latest_value": None,
        "latest_year": None,
        "latest_year_high": None,
        "latest_basis": None,
        "target_value": 5.0,
        "target_year": 2025,
        "gap": None,
        "needed_per_year": None,
        "needed_per_year_low": None,
        "needed_per_year_high": None,
        "pace_note": None,
    }


def test_a_release_without_targets_gives_an_empty_frame_with_every_column(release: ReleaseCopy) -> None:
    assert release.drop("indicator_values", value_kind="target") == 3
    release.save()
    got = kzdata.targets()
    assert got.empty
    assert dict(got.dtypes.astype(str)) == TARGET_DTYPES


# --------------------------------------------------------------------------- timeline()

TIMELINE_DTYPES = {
    "date": "string",
    "kind": "category",
    "title": "string",
    "date_start": "datetime64[ms]",
    "date_end": "datetime64[ms]",
    "date_precision": "category",
    "date_inferred": "boolean",
    "record_id": "string",
    "category": "string",
    "status": "string",
}


def raw_timeline(statuses: tuple[str, ...] | None = oracle.HAPPENED) -> list[dict[str, object]]:
    """Every dated record as timeline() gives it, from raw/ (order and titles: tests/oracle.py)."""
    inferred = {("event", r["event_id"]): r["date_inferred"] for r in oracle.rows("events")}
    inferred |= {("reform", r["reform_id"]): r["date_inferred"] for r in oracle.rows("reforms")}
    inferred |= {("sentence", r["sentence_id"]): r["verdict_inferred"] for r in oracle.rows("sentences")}
    category = {("event", r["event_id"]): r["category"] for r in oracle.rows("events")}
    category |= {("reform", r["reform_id"]): r["kind"] for r in oracle.rows("reforms")}
    category |= {("sentence", r["sentence_id"]): "conviction" for r in oracle.rows("sentences")}
    status = {("event", r["event_id"]): r["status"] for r in oracle.rows("events")}
    label = {"day": lambda s, e: s, "month": lambda s, e: s[:7], "year": lambda s, e: s[:4]}
    return [
        {
            "date": label.get(precision, lambda s, e: f"{s}/{e}")(start, end),
            "kind": kind,
            "title": title,
            "date_start": pd.Timestamp(start),
            "date_end": pd.Timestamp(end),
            "date_precision": precision,
            "date_inferred": {"true": True, "false": False}[inferred[kind, record_id]],
            "record_id": record_id,
            "category": category[kind, record_id],
            "status": status.get((kind, record_id)),
        }
        for start, end, precision, kind, record_id, title in oracle.dated_records(statuses)
    ]


def test_timeline_answers_every_column_from_the_raw_rows() -> None:
    got = kzdata.timeline()
    assert dict(got.dtypes.astype(str)) == TIMELINE_DTYPES
    assert list(got["kind"].cat.categories) == ["event", "reform", "sentence"]
    assert list(got["date_precision"].cat.categories) == ["day", "month", "year", "range"]
    expected = raw_timeline()
    dated = got.iloc[: len(expected)].astype({"kind": str, "date_precision": str})
    assert records(dated) == expected
    undated = [r for r in oracle.rows("reforms") if not r["date_start"]]
    rest = records(got.iloc[len(expected) :].astype({"kind": str}))
    assert [(r["kind"], r["record_id"], r["title"], r["category"]) for r in rest] == [
        ("reform", r["reform_id"], r["name"], r["kind"]) for r in undated
    ]
    assert all(r["date"] is None and pd.isna(r["date_start"]) and pd.isna(r["date_end"]) for r in rest)


def test_a_window_of_one_day_holds_that_days_records() -> None:
    """start == end is a window, not a reversed one (docs: both bounds inclusive)."""
    day = "2022-01-05"
    expected = [(r[3], r[4]) for r in oracle.dated_records() if r[0] >= day and r[1] <= day]
    assert len(expected) > 3, "raw/ has several records dated 5 January 2022"
    got = kzdata.timeline(day, day)
    assert list(zip(got["kind"].astype(str), got["record_id"], strict=True)) == expected
    assert set(got["date"]) == {day}


def _inside(first: str, last: str, statuses: tuple[str, ...] | None = oracle.HAPPENED) -> list[tuple[str, str]]:
    return [(r[3], r[4]) for r in oracle.dated_records(statuses) if r[0] >= first and r[1] <= last]


def test_a_month_as_both_ends_is_that_month() -> None:
    """Issue 21's done-when: ``timeline("2022-01", "2022-01")`` is January 2022's records."""
    got = kzdata.timeline("2022-01", "2022-01")
    assert list(zip(got["kind"].astype(str), got["record_id"], strict=True)) == _inside("2022-01-01", "2022-01-31")
    every = kzdata.timeline("2022-01", "2022-01", status=None)
    expected = _inside("2022-01-01", "2022-01-31", None)
    assert list(zip(every["kind"].astype(str), every["record_id"], strict=True)) == expected
    month_long = [r for r in oracle.dated_records(None) if (r[0], r[1]) == ("2022-01-01", "2022-01-31")]
    assert month_long, "raw/ has a record known only to January 2022"
    assert "2022-01" in set(every["date"])  # the records known only to the month are inside it


@pytest.mark.parametrize(
    ("start", "end", "first", "last"),
    [
        ("2022", "2022", "2022-01-01", "2022-12-31"),
        ("2022-01", "2022-02", "2022-01-01", "2022-02-28"),
        ("2021-12-20", "2022-01", "2021-12-20", "2022-01-31"),
        (datetime.date(2022, 1, 5), pd.Timestamp("2022-01-06 18:00"), "2022-01-05", "2022-01-06"),
        (datetime.datetime(2022, 1, 5, 23, 0), np.datetime64("2022-01-06T01:00"), "2022-01-05", "2022-01-06"),
        (np.datetime64("2022-01"), np.datetime64("2022-03"), "2022-01-01", "2022-03-31"),
        (np.datetime64("2023", "Y"), None, "2023-01-01", "9999-12-31"),
    ],
    ids=str,
)
def test_a_window_may_be_written_as_the_data_write_dates(start, end, first: str, last: str) -> None:
    """A month or year starts a window on its first day and ends it on its last (docs/dates.md)."""
    got = kzdata.timeline(start, end)
    assert list(zip(got["kind"].astype(str), got["record_id"], strict=True)) == _inside(first, last)


def test_overlapping_with_a_month_meets_what_touches_the_month() -> None:
    expected = {(r[3], r[4]) for r in oracle.dated_records() if r[1] >= "2022-02-01" and r[0] <= "2022-02-28"}
    got = kzdata.timeline("2022-02", "2022-02", overlapping=True)
    assert set(zip(got["kind"].astype(str), got["record_id"], strict=True)) == expected


def test_a_window_keeps_every_kind_as_a_category_even_when_it_holds_one() -> None:
    got = kzdata.timeline("2022-01-01", "2022-01-19")
    assert set(got["kind"].astype(str)) == {"event"}, "the oracle's window (tests/test_user_api.py) holds events only"
    assert list(got["kind"].cat.categories) == ["event", "reform", "sentence"]
    assert list(got["date_precision"].cat.categories) == ["day", "month", "year", "range"]


def test_an_empty_window_has_every_column_and_its_type() -> None:
    assert not [r for r in oracle.dated_records() if r[0] >= "1000-01-01" and r[1] <= "1000-12-31"]
    got = kzdata.timeline("1000-01-01", "1000-12-31")
    assert got.empty
    assert dict(got.dtypes.astype(str)) == TIMELINE_DTYPES


#: The written forms the refusals list (docs/dates.md).
FORMS = "'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' (or a datetime.date, datetime, pandas Timestamp or numpy datetime64)"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: kzdata.timeline("January 2022"),
            f"start must be a day, a month or a year written {FORMS}; got 'January 2022'",
        ),
        (
            lambda: kzdata.timeline(end="2022-13-01"),
            f"end must be a day, a month or a year written {FORMS}; got '2022-13-01'",
        ),
        (lambda: kzdata.timeline(end=20220105), f"end must be a day, a month or a year written {FORMS}; got 20220105"),
        (lambda: kzdata.timeline(overlapping="yes"), "overlapping must be True or False, got 'yes'"),
        (
            lambda: kzdata.timeline("2022-01-06", "2022-01-05"),
            "start '2022-01-06' is after end '2022-01-05'; give start <= end",
        ),
    ],
    ids=["start", "end", "end-number", "overlapping", "reversed"],
)
def test_timeline_refusals_name_the_argument_and_what_it_must_be(call, message: str) -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as caught:
        call()
    assert str(caught.value) == message


def test_records_with_the_same_interval_come_by_precision(release: ReleaseCopy) -> None:
    """docs (kzdata/_timeline.py): after start and end, day before month before year before range.

    The added range spans exactly the month of the month-precision record and its id sorts
    first, so only the precision can put it second.
    """
    month = "2022-01-commentary-on-csto-intervention"  # raw/events.csv: 2022-01-01 to 2022-01-31, month
    release.add("events", month, event_id="0-january-as-a-range", date_precision="range")
    release.save()
    got = kzdata.timeline("2022-01-01", "2022-01-31", status=None)  # the month record is an assessment
    tied = got[(got["date_start"] == pd.Timestamp("2022-01-01")) & (got["date_end"] == pd.Timestamp("2022-01-31"))]
    assert tied["record_id"].tolist() == [month, "0-january-as-a-range"]
    assert tied["date"].tolist() == ["2022-01", "2022-01-01/2022-01-31"]


def test_a_record_with_half_a_date_gets_no_date_label() -> None:
    from kzdata._timeline import date_label

    day = pd.Timestamp("2022-01-05")
    assert date_label(day, pd.NaT, "range") is None
    assert date_label(pd.NaT, day, "day") is None


def test_a_release_without_sentences_still_has_every_kind(release: ReleaseCopy) -> None:
    """The kinds are fixed, not read off the rows: a release without a kind keeps its category."""
    assert release.drop("sentences") == len(oracle.rows("sentences"))
    release.save()
    got = kzdata.timeline(status=None)
    assert "sentence" not in set(got["kind"].astype(str))
    assert list(got["kind"].cat.categories) == ["event", "reform", "sentence"]
    assert len(got) == len(oracle.rows("events")) + len(oracle.rows("reforms"))


# --------------------------------------------------------------------------- timeline(status=...)

ALL_STATUSES = ["occurred", "reported", "alleged", "contradicted", "assessment", "planned"]  # docs/events.md
STATUS_LIST = "occurred, reported, alleged, contradicted, assessment, planned"


def january_2022_events(statuses: tuple[str, ...] | None) -> list[str]:
    """Ids of the events dated wholly within January 2022 whose status is one of ``statuses``.

    Read from raw/events.csv with the csv module: the hand rule "2022-01-01 <= start and
    end <= 2022-01-31, status among those asked for" (None: any), in file order.
    """
    return [
        r["event_id"]
        for r in oracle.rows("events")
        if r["date_start"] >= "2022-01-01"
        and r["date_end"] <= "2022-01-31"
        and (statuses is None or r["status"] in statuses)
    ]


def test_counting_the_events_of_january_2022_leaves_out_the_contradicted_detention() -> None:
    """docs/model-0.3.md, section 3: counting what happened in January 2022 excludes the report
    the article itself contradicts (Abish's detention: the same paragraph says he remained at large)."""
    happened = january_2022_events(("occurred", "reported"))
    every = january_2022_events(None)
    assert "2022-01-abish-reported-detained" in every
    assert "2022-01-abish-reported-detained" not in happened
    got = kzdata.timeline("2022-01-01", "2022-01-31")
    events = got[got["kind"] == "event"]
    assert len(events) == len(happened)
    assert sorted(events["record_id"]) == sorted(happened)
    assert set(events["status"]) == {"occurred", "reported"}
    assert got[got["kind"] != "event"]["status"].isna().all()
    everything = kzdata.timeline("2022-01-01", "2022-01-31", status=None)
    assert sorted(everything[everything["kind"] == "event"]["record_id"]) == sorted(every)
    assert len(every) - len(happened) == 3, "raw/events.csv: one contradicted, one alleged, one assessment in January"


@pytest.mark.parametrize(
    "status",
    [
        "contradicted",
        ["alleged", "assessment"],
        ("planned",),
        {"reported"},
        ("occurred", "reported", "alleged", "contradicted", "assessment", "planned"),
    ],
    ids=["one", "list", "tuple", "set", "all-six"],
)
def test_timeline_keeps_the_statuses_asked_for_and_every_reform_and_sentence(status) -> None:
    wanted = (status,) if isinstance(status, str) else tuple(status)
    expected = raw_timeline(wanted)
    got = kzdata.timeline(status=status)
    dated = got.iloc[: len(expected)].astype({"kind": str, "date_precision": str})
    assert records(dated) == expected
    assert len(got) == len(expected) + sum(1 for r in oracle.rows("reforms") if not r["date_start"])
    assert set(got.loc[got["kind"] == "event", "status"]) == set(wanted) & {r["status"] for r in oracle.rows("events")}


def test_each_status_holds_its_events_and_none_holds_them_all() -> None:
    """Every event has exactly one status: the six selections partition the events."""
    counts = {s: sum(1 for r in oracle.rows("events") if r["status"] == s) for s in ALL_STATUSES}
    assert sum(counts.values()) == len(oracle.rows("events"))
    for status, n in counts.items():
        got = kzdata.timeline(status=status)
        assert (got["kind"] == "event").sum() == n, status
        assert len(kzdata.events_view(status=status)) == n, status
    assert (kzdata.timeline(status=None)["kind"] == "event").sum() == len(oracle.rows("events"))
    assert records(kzdata.timeline(status=None)) == records(kzdata.timeline(status=ALL_STATUSES))
    default = kzdata.timeline()
    assert (default["kind"] == "event").sum() == counts["occurred"] + counts["reported"]


class _Status(str, enum.Enum):
    """A str Enum member compares equal to its text but would match nothing if taken as text."""

    ALLEGED = "alleged"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("happened", f"status 'happened' is not an event status; the statuses are: {STATUS_LIST}"),
        ("Occurred", f"status 'Occurred' is not an event status; the statuses are: {STATUS_LIST}"),
        (["occurred", None], f"status None is not an event status; the statuses are: {STATUS_LIST}"),
        (["occurred", "rumoured"], f"status 'rumoured' is not an event status; the statuses are: {STATUS_LIST}"),
        ([], f"status names no event status; give one or more of: {STATUS_LIST} (or None for every status)"),
        (
            3,
            "status must be an event status, a list of them or None (every status), got 3; "
            f"the statuses are: {STATUS_LIST}",
        ),
        (["occurred", pd.NA], f"status <NA> is not an event status; the statuses are: {STATUS_LIST}"),
        (b"alleged", f"status must be text, not bytes (b'alleged'); the statuses are: {STATUS_LIST}"),
    ],
    ids=["unknown", "case", "none-inside", "one-of-two", "empty", "number", "missing-inside", "bytes"],
)
@pytest.mark.parametrize("helper", ["timeline", "events_view", "event_figures"])
def test_an_invalid_status_is_refused_with_the_valid_ones(helper: str, status, message: str) -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as caught:
        getattr(kzdata, helper)(status=status)
    assert str(caught.value) == message


@pytest.mark.parametrize("helper", ["timeline", "events_view", "event_figures"])
def test_a_str_enum_status_counts_as_its_text(helper: str) -> None:
    """A (str, Enum) member is text: it selects what its value selects (it once matched nothing)."""
    by_enum = getattr(kzdata, helper)(status=[_Status.ALLEGED])
    by_text = getattr(kzdata, helper)(status="alleged")
    assert by_enum.equals(by_text)


# --------------------------------------------------------------------------- cite(): the bibliography entries

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def raw_when(row: dict[str, str]) -> str:
    """The date of an entry as kzdata/_citing.py documents it, from the raw row."""
    start = row["published_start"]
    if not start:
        return "n.d."
    year, month, day = (int(part) for part in start.split("-"))
    return {"day": f"{day} {MONTHS[month - 1]} {year}", "month": f"{MONTHS[month - 1]} {year}"}.get(
        row["published_precision"], str(year)
    )


def raw_text_entry(row: dict[str, str]) -> str:
    """APA as written by hand; a publisher that heads the entry (no person named) is not repeated (APA 7, 9.24)."""
    head = f"{row['authors'] or row['publisher'] or 'Anonymous'} ({raw_when(row)})."
    publisher = row["publisher"] if row["authors"] else ""
    parts = [p if p.endswith((".", "?", "!")) else p + "." for p in (row["title"], row["container"], publisher) if p]
    return " ".join([head, *parts, *([row["url"]] if row["url"] else [])])


def raw_bibtex_entry(row: dict[str, str], note: str = "") -> str:
    fields = {
        "author": row["authors"].replace("; ", " and "),
        "title": row["title"],
        "howpublished": "; ".join(p for p in (row["container"], row["publisher"]) if p),
        "year": row["published_start"][:4],
        "url": row["url"],
        "note": note,
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@misc{{{row['source_id']},\n{body}\n}}"


def raw_csl_item(row: dict[str, str], note: str = "") -> dict[str, object]:
    """A source as CSL-JSON, as docs/citing.md describes it: type document, names as literals
    (the publisher when no person is named), the date as precise as the raw row, absent fields left out."""
    names = row["authors"].split("; ") if row["authors"] else [row["publisher"]] if row["publisher"] else []
    item: dict[str, object] = {"id": row["source_id"], "type": "document"}
    if names:
        item["author"] = [{"literal": name} for name in names]
    for key, column in (("title", "title"), ("container-title", "container"), ("publisher", "publisher")):
        if row[column]:
            item[key] = row[column]
    if row["url"]:
        item["URL"] = row["url"]
    if row["published_start"]:
        year, month, day = (int(p) for p in row["published_start"].split("-"))
        parts = {"day": [year, month, day], "month": [year, month]}.get(row["published_precision"], [year])
        item["issued"] = {"date-parts": [parts]}
    if note:
        item["note"] = note
    return item


def listed_sources() -> list[dict[str, str]]:
    """Every source but the placeholders: primary documents first, then the works, each by id."""
    works = [r for r in oracle.rows("sources") if r["text_missing"] != "true"]
    return sorted(works, key=lambda r: (r["kind"] != "primary_document", r["source_id"]))


def test_every_source_is_a_csl_item_made_from_its_raw_row() -> None:
    """Word for word, as JSON text with non-ASCII characters kept (the Cyrillic title of weisskopf-2022)."""
    from kzdata._citing import format_sources

    rows = listed_sources()
    got = format_sources([r["source_id"] for r in rows], "csl-json")
    assert got == [json.dumps(raw_csl_item(r), ensure_ascii=False) for r in rows]
    assert any("Протесты" in entry for entry in got)


def test_a_csl_item_without_author_or_date_leaves_them_out(release: ReleaseCopy) -> None:
    from kzdata._citing import format_sources

    release.set("sources", "abc-news-2022-01-06", publisher=None, published_start=None, published_end=None)
    release.set("sources", "abc-news-2022-01-06", published_precision=None)
    release.set("sources", "ilyushina-2022", published_precision="month")
    release.save()
    (item,) = (json.loads(entry) for entry in format_sources(["abc-news-2022-01-06"], "csl-json"))
    raw = {r["source_id"]: r for r in oracle.rows("sources")}["abc-news-2022-01-06"]
    assert item == {"id": "abc-news-2022-01-06", "type": "document", "title": raw["title"], "URL": raw["url"]}
    (month,) = (json.loads(entry) for entry in format_sources(["ilyushina-2022"], "csl-json"))
    assert month["issued"] == {"date-parts": [[2022, 1]]}, "raw/sources.csv: published 2022-01-07, month kept"


@pytest.mark.parametrize("style", ["text", "bibtex"])
def test_every_source_is_formatted_from_its_raw_row(style: str) -> None:
    from kzdata._citing import format_sources

    rows = listed_sources()
    assert len(rows) == len(oracle.rows("sources")) - 2, "two placeholders (footnotes 16 and 17)"
    entry = raw_text_entry if style == "text" else raw_bibtex_entry
    assert format_sources([r["source_id"] for r in rows], style) == [entry(r) for r in rows]  # type: ignore[arg-type]


def raw_pinpoints(table: str, ids: set[str]) -> dict[str, str]:
    """The pinpoints of each source as kzdata/_citing.py documents them, from raw/ alone.

    A document: each section's paragraphs in the document's order, then its notes
    (``para.``/``paras.``, ``n.``/``nn.``). A cited work: the notes citing it, with pages.
    """
    sections = {s["section_id"]: s for s in oracle.rows("sections")}
    sources = {s["source_id"]: s for s in oracle.rows("sources")}
    used = oracle.citations_behind(table, ids)
    out = {}
    for document in {c["source_id"] for c in used}:
        mine = [c for c in used if c["source_id"] == document]
        parts = []
        named = {c["section_id"] for c in mine if c["paragraph"]}
        for section in sorted(named, key=lambda s: int(sections[s]["position"])):
            paragraphs = sorted({int(c["paragraph"]) for c in mine if c["section_id"] == section and c["paragraph"]})
            label = "para." if len(paragraphs) == 1 else "paras."
            parts.append(f"{sections[section]['heading']}, {label} {', '.join(map(str, paragraphs))}")
        notes = sorted({int(c["footnote"]) for c in mine if c["footnote"]})
        if notes:
            parts.append(f"{'n.' if len(notes) == 1 else 'nn.'} {', '.join(map(str, notes))}")
        out[document] = "Pinpoints: " + "; ".join(parts)
    for work, entries in oracle.work_pinpoints(table, ids).items():
        cited_in = []
        for document in sorted({d for d, _, _ in entries}):
            row = sources[document]
            notes = "; ".join(f"n. {n}" + (f", {p}" if p else "") for d, n, p in sorted(entries) if d == document)
            cited_in.append(f"{row['authors'] or row['publisher']} ({row['published_start'][:4]}): {notes}")
        out[work] = "Cited in " + "; ".join(cited_in)
    return out


def test_the_events_bibliography_is_the_dataset_then_each_source_with_its_pinpoints() -> None:
    events = {r["event_id"] for r in oracle.rows("events")}
    ids = oracle.sources_behind("events", events)
    pins = raw_pinpoints("events", events)
    assert set(pins) == ids, "every source listed has pinpoints, and only those"
    rows = [r for r in listed_sources() if r["source_id"] in ids]
    heading = "Sources behind these rows, with their pinpoints:"
    assert kzdata.cite(kzdata.events()) == "\n".join(
        [kzdata.cite(), "", heading, *(f"{raw_text_entry(r)}\n  {pins[r['source_id']]}" for r in rows)]
    )
    assert kzdata.cite(kzdata.events(), style="bibtex") == "\n\n".join(
        [kzdata.cite(style="bibtex"), *(raw_bibtex_entry(r, pins[r["source_id"]]) for r in rows)]
    )


def test_a_work_without_author_publisher_or_date(release: ReleaseCopy) -> None:
    """Written by hand: no author or publisher reads 'Anonymous', no date 'n.d.'; BibTeX leaves them out."""
    from kzdata._citing import format_sources

    work = "abc-news-2022-01-06"
    release.set("sources", work, publisher=None, published_start=None, published_end=None, published_precision=None)
    release.set("sources", "ilyushina-2022", published_precision="month")
    release.save()
    raw = {r["source_id"]: r for r in oracle.rows("sources")}[work]  # the title and address as raw/ gives them
    title, url = raw["title"], raw["url"]
    assert format_sources([work]) == [f"Anonymous (n.d.). {title}. {url}"]
    assert format_sources([work], "bibtex") == [f"@misc{{{work},\n  title = {{{title}}},\n  url = {{{url}}}\n}}"]
    assert format_sources(["ilyushina-2022"])[0].startswith("Mary Ilyushina; Amy Cheng (January 2022). ")


# --------------------------------------------------------------------------- cite(): the dataset and the refusals


def cff(field: str) -> str:
    """A top-level field of CITATION.cff, the release's citation metadata, read as text."""
    text = (oracle.REPO / "CITATION.cff").read_text(encoding="utf-8")
    return next(line.split(": ", 1)[1].strip('"') for line in text.splitlines() if line.startswith(f"{field}: "))


def test_the_dataset_citation_word_for_word() -> None:
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    title, version, released, licence = cff("title"), cff("version"), cff("date-released"), cff("license")
    author = "kzdata contributors"  # CITATION.cff: authors: - name: "kzdata contributors"
    assert kzdata.cite() == (
        f"{author} ({released[:4]}). {title} (Version {version}) [Data set]. Released {released}. "
        f"Fingerprint {fingerprint}. {licence}."
    )
    month = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")[int(released[5:7]) - 1]
    assert kzdata.cite(style="bibtex") == (
        f"@misc{{kzdata_{version.replace('.', '_')},\n"
        f"  author = {{{{{author}}}}},\n"
        f"  title = {{{{{title}}}}},\n"
        f"  year = {{{released[:4]}}},\n"
        f"  month = {{{month}}},\n"
        f"  date = {{{released}}},\n"
        f"  version = {{{version}}},\n"
        f"  note = {{Dataset, version {version}, released {released}, licence {licence}, "
        f"fingerprint {fingerprint}}},\n"
        f"  howpublished = {{Python package kzdata {version}}},\n"
        f"  fingerprint = {{{fingerprint}}}\n"
        "}"
    )


def test_a_person_author_and_a_web_address_are_cited(monkeypatch: pytest.MonkeyPatch) -> None:
    """Written by hand for metadata the release does not have yet: family, given; the URL last."""
    from kzdata import _meta
    from kzdata._citing import dataset_citation

    monkeypatch.setattr(_meta, "AUTHORS", (("Doe", "Jane"), ("kzdata contributors", "")))
    monkeypatch.setattr(_meta, "URL", "https://example.org/kzdata")
    text = dataset_citation("text", version="1.2.3", fingerprint="sha256:abc")
    assert text.startswith("Doe, Jane and kzdata contributors (")
    assert text.endswith(". Fingerprint sha256:abc. CC-BY-4.0. https://example.org/kzdata")
    bib = dataset_citation("bibtex", version="1.2.3", fingerprint="sha256:abc")
    assert bib.startswith("@misc{kzdata_1_2_3,\n  author = {{Doe, Jane and kzdata contributors}},\n")
    assert bib.endswith("  fingerprint = {sha256:abc},\n  url = {https://example.org/kzdata}\n}")
    (item,) = json.loads(dataset_citation("csl-json", version="1.2.3", fingerprint="sha256:abc"))
    assert item["author"] == [{"literal": "Jane Doe"}, {"literal": "kzdata contributors"}], "given names first"
    assert item["URL"] == "https://example.org/kzdata"


def test_a_version_without_its_fingerprint_cites_the_installed_release() -> None:
    from kzdata._citing import dataset_citation

    assert dataset_citation("text", version="9.9.9") == kzdata.cite()
    assert dataset_citation("text", fingerprint="sha256:0") == kzdata.cite()


def test_a_merge_that_suffixes_a_shared_column_still_finds_both_tables() -> None:
    """Both tables have `description`; pandas writes description_x and description_y."""
    left = kzdata.sentences()[["sentence_id", "person_id", "description"]]
    merged = left.merge(kzdata.people()[["person_id", "description"]], on="person_id")
    merged.attrs.clear()
    assert {"description_x", "description_y"} <= set(merged.columns)
    expected = oracle.sources_behind("sentences", set(merged["sentence_id"]))
    expected |= oracle.sources_behind("people", set(merged["person_id"]))
    assert bibtex_keys(kzdata.cite(merged, style="bibtex")) == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: kzdata.cite(style="apa"), "unknown citation style 'apa'; use 'text', 'bibtex' or 'csl-json'"),
        (lambda: kzdata.cite(table="events"), "table= needs a frame: cite(frame, table='events')"),
        (
            lambda: kzdata.cite([1, 2]),
            "cite() takes a pandas DataFrame of kzdata rows, not list; for a column (a Series), cite its "
            "frame: cite(frame[['event_id', 'title']])",
        ),
        (
            lambda: kzdata.cite(kzdata.events(), table=[3]),
            "table= is a table name or a list of table names, such as 'events', not list ([3])",
        ),
        (
            lambda: kzdata.cite(kzdata.events(), table=[]),
            "table= names no table; give a table name such as 'events'",
        ),
        (
            lambda: kzdata.cite(kzdata.events()[["title"]]),
            "the frame comes from table 'events' but lost its id column 'event_id'; keep the id column when filtering, "
            "or cite the rows before aggregating them (kzdata.cite(frame) on the events you grouped, filtered or "
            "not), or pass the ids of the records you used: kzdata.cite(pd.DataFrame({'event_id': ids}), "
            "table='events')",
        ),
        (
            lambda: kzdata.cite(pd.DataFrame({"event_id": ["x"], "person_id": ["y"]})),
            "cannot tell which kzdata table(s) the frame holds (it has the id columns person_id, event_id); keep "
            "the other columns when filtering, or name the table, e.g. cite(frame, table='people')",
        ),
        (
            lambda: kzdata.cite(pd.DataFrame({"x": [1]})),
            "the frame holds no id column of any kzdata table (an aggregate such as groupby(...).size() keeps "
            "none), so it names no records to cite; cite the rows before aggregating them (kzdata.cite(frame) on "
            "the events you grouped, filtered or not), or pass the ids of the records you used: "
            "kzdata.cite(pd.DataFrame({'event_id': ids}), table='events') (for rows of another table, its id "
            "column: kzdata.describe(TABLE) lists it first)",
        ),
        (
            lambda: kzdata.cite(kzdata.changes()),
            "the changes table is the release log and cites no sources; cite the release with kzdata.cite()",
        ),
    ],
    ids=["style", "table-alone", "not-a-frame", "table-not-names", "table-empty", "lost-id", "ids", "nothing", "log"],
)
def test_cite_refusals_say_what_was_wrong_and_what_to_do(call, message: str) -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as caught:
        call()
    assert str(caught.value) == message


def bibtex_keys(text: str) -> set[str]:
    """The keys of the works cited, after checking that the dataset's entry (and only it) comes first."""
    found = re.findall(r"^@misc\{([^,]+),$", text, flags=re.M)
    assert found[0] == f"kzdata_{cff('version').replace('.', '_')}", "the dataset citation comes first"
    return set(found[1:])


def test_a_record_cited_by_one_document_only_gets_that_document() -> None:
    """No source creeps in from elsewhere in the citations table (e.g. its first row, a Cornell citation)."""
    events = kzdata.events()
    only_crs = [e for e in events["event_id"] if "cornell-2024" not in oracle.sources_behind("events", {e})]
    assert only_crs, "raw/ has events that only the CRS brief reports"
    part = events[events["event_id"] == only_crs[0]]
    assert bibtex_keys(kzdata.cite(part, style="bibtex")) == oracle.sources_behind("events", {only_crs[0]})


def test_a_whole_table_without_its_mark_is_that_table_alone() -> None:
    """events has place_id and description, as places does; all of events' columns explain them."""
    events = kzdata.events()
    events.attrs.clear()
    assert bibtex_keys(kzdata.cite(events, style="bibtex")) == oracle.sources_behind("events", set(events["event_id"]))


def test_a_mark_that_names_no_table_is_ignored() -> None:
    events = kzdata.events().head(3)
    events.attrs["kzdata_table"] = "not-a-table"
    assert bibtex_keys(kzdata.cite(events, style="bibtex")) == oracle.sources_behind("events", set(events["event_id"]))


def test_an_id_column_with_one_merge_suffix_is_found() -> None:
    events = kzdata.events().head(3).rename(columns={"event_id": "event_id_x"})
    events.attrs.clear()
    expected = oracle.sources_behind("events", set(events["event_id_x"]))
    assert bibtex_keys(kzdata.cite(events, style="bibtex", table="events")) == expected


@pytest.mark.parametrize("kept", ["description_x", "description_y"])
def test_a_column_with_either_merge_suffix_counts_as_its_table(kept: str) -> None:
    """kzdata/_citing.py: a table counts when the frame has its key and one of its columns, also suffixed."""
    left = kzdata.sentences()[["sentence_id", "person_id", "description"]]
    merged = left.merge(kzdata.people()[["person_id", "description"]], on="person_id")
    merged = merged[["sentence_id", "person_id", kept]]
    merged.attrs.clear()
    expected = oracle.sources_behind("sentences", set(merged["sentence_id"]))
    expected |= oracle.sources_behind("people", set(merged["person_id"]))
    assert bibtex_keys(kzdata.cite(merged, style="bibtex")) == expected


def test_a_part_ending_in_a_full_stop_or_exclamation_gets_no_second_one(release: ReleaseCopy) -> None:
    from kzdata._citing import format_sources

    release.set("sources", "halbach-2008", title="Georgia after the War!", container="SWP Research Paper No. 9.")
    release.save()
    assert format_sources(["halbach-2008"]) == [
        "Uwe Halbach (2008). Georgia after the War! SWP Research Paper No. 9. SWP."
    ]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (np.datetime64(1, "fs"), "1970-01-01"),
        (np.datetime64(-1, "as"), "1969-12-31"),
        (np.datetime64(10**17, "ps"), "1970-01-02"),  # 100,000 seconds after the epoch
        (np.datetime64(-3600 * 10**15, "fs"), "1969-12-31"),
        # 100 days of 86,400 s after the epoch (1 January + 99 days is 10 April), and 1 ps before
        (np.datetime64(100 * 86_400 * 10**12, "ps"), "1970-04-11"),
        (np.datetime64(100 * 86_400 * 10**12 - 1, "ps"), "1970-04-10"),
        (np.datetime64(10**18, "as"), "1970-01-01"),  # one second after the epoch
    ],
)
def test_a_datetime64_finer_than_nanoseconds_is_the_day_it_falls_on(value: np.datetime64, day: str) -> None:
    """NumPy cannot turn fs, ps or as into days (an OverflowError once escaped); docs/dates.md promises the day."""
    from kzdata._dates import period

    assert [str(d.date()) for d in period(value, "day")] == [day, day]


def test_a_datetime64_day_past_the_year_9999_is_refused() -> None:
    """NumPy gives an integer, not a date, for a day after 9999-12-31; it is no day kzdata can read."""
    from kzdata._dates import period

    with pytest.raises(
        kzdata.InvalidArgumentError, match=r"day must be a day, a month or a year .*got .*datetime64\('10000-01-01'\)"
    ):
        period(np.datetime64("10000-01-01"), "day")
