"""``kzdata.count_by_period()``: records per day, month or year, and apart those that fit in none.

The oracle is raw/events.csv read with the csv module (tests/oracle.py): a record belongs to
a period when the ISO texts of its start and end agree on the period's leading characters
(10 for a day, 7 for a month, 4 for a year); the others are counted by their own date,
written by hand from the raw columns (a day, a whole month, a whole year, or start/end).
"""

from __future__ import annotations

import calendar
from collections import Counter

import pandas as pd
import pytest

import kzdata
from kzdata.errors import InvalidArgumentError
from tests import oracle

WIDTH = {"day": 10, "month": 7, "year": 4}


def _own(start: str, end: str) -> str:
    if start == end:
        return start
    if start[4:] == "-01-01" and end[4:] == "-12-31" and start[:4] == end[:4]:
        return start[:4]
    last = calendar.monthrange(int(start[:4]), int(start[5:7]))[1]
    if start[:7] == end[:7] and start[8:] == "01" and end[8:] == f"{last:02d}":
        return start[:7]
    return f"{start}/{end}"


def _raw(table: str, period: str, prefix: str = "date") -> tuple[Counter[str], Counter[str | None]]:
    width = WIDTH[period]
    placed: Counter[str] = Counter()
    apart: Counter[str | None] = Counter()
    for row in oracle.rows(table):
        start, end = row[f"{prefix}_start"], row[f"{prefix}_end"]
        if not start or not end:
            apart[None] += 1
        elif start[:width] == end[:width]:
            placed[start[:width]] += 1
        else:
            apart[_own(start, end)] += 1
    return placed, apart


@pytest.mark.parametrize("period", ["day", "month", "year"])
def test_events_are_counted_where_their_whole_date_lies_and_the_rest_apart(period: str) -> None:
    got = kzdata.count_by_period(kzdata.events(), period)
    placed, apart = _raw("events", period)
    rows = got[got["placed"]]
    assert {p: n for p, n in zip(rows["period"], rows["count"], strict=True) if n} == dict(placed)
    assert list(rows["period"]) == sorted(rows["period"])
    assert rows["period"].iloc[0] == min(placed) and rows["period"].iloc[-1] == max(placed)
    others = got[~got["placed"]]
    found: Counter[str | None] = Counter()
    for label, n in zip(others["period"], others["count"], strict=True):
        found[None if pd.isna(label) else label] += n
    assert found == apart
    assert int(got["count"].sum()) == len(oracle.rows("events"))


def test_a_month_has_no_gaps_and_the_year_only_records_are_not_put_in_january() -> None:
    got = kzdata.count_by_period(kzdata.events(), "month")
    rows = got[got["placed"]]
    months = pd.period_range(rows["period"].iloc[0], rows["period"].iloc[-1], freq="M").astype(str).tolist()
    assert list(rows["period"]) == months
    year_only = sum(1 for r in oracle.rows("events") if r["date_precision"] == "year")
    assert year_only, "raw/events.csv has events known only to the year"
    january = dict(zip(rows["period"], rows["count"], strict=True))["2022-01"]
    assert january == sum(1 for r in oracle.rows("events") if r["date_start"][:7] == r["date_end"][:7] == "2022-01")


def test_sentences_are_counted_by_their_verdict_dates() -> None:
    got = kzdata.count_by_period(kzdata.sentences(), "year", prefix="verdict")
    placed, _ = _raw("sentences", "year", "verdict")
    rows = got[got["placed"]]
    assert {p: n for p, n in zip(rows["period"], rows["count"], strict=True) if n} == dict(placed)
    assert int(got["count"].sum()) == len(oracle.rows("sentences"))
    assert dict(got.dtypes.astype(str)) == {"period": "string", "count": "Int64", "placed": "boolean"}


def test_undated_records_are_counted_apart_with_no_period() -> None:
    got = kzdata.count_by_period(kzdata.reforms(), "year")
    undated = sum(1 for r in oracle.rows("reforms") if not r["date_start"])
    assert undated, "raw/reforms.csv has a reform with no date"
    assert int(got.loc[got["period"].isna(), "count"].sum()) == undated
    assert not got.loc[got["period"].isna(), "placed"].any()


def test_an_empty_frame_counts_nothing() -> None:
    got = kzdata.count_by_period(kzdata.events().iloc[:0], "day")
    assert got.empty and list(got.columns) == ["period", "count", "placed"]


DTYPES = {"period": "string", "count": "Int64", "placed": "boolean"}


def test_the_columns_have_the_same_types_whatever_the_frame_holds() -> None:
    """A text period, a nullable integer count and a nullable Boolean, even with nothing or nothing dated."""
    reforms = kzdata.reforms()
    undated = reforms[reforms["date_start"].isna()]
    assert len(undated) == sum(1 for r in oracle.rows("reforms") if not r["date_start"])
    for frame in (kzdata.events(), kzdata.events().iloc[:0], undated):
        got = kzdata.count_by_period(frame, "month")
        assert {c: str(t) for c, t in got.dtypes.items()} == DTYPES


def test_a_record_with_only_a_start_or_only_an_end_is_undated() -> None:
    """Half a date is no interval: counted apart with no period, like a record with none."""
    events = kzdata.events()
    day = pd.Timestamp("2022-01-05")
    frame = pd.DataFrame({"date_start": [day, pd.NaT, day], "date_end": [pd.NaT, day, day]}).astype(
        {"date_start": events["date_start"].dtype, "date_end": events["date_end"].dtype}
    )
    got = kzdata.count_by_period(frame, "day")
    assert [None if pd.isna(p) else p for p in got["period"]] == ["2022-01-05", None]
    assert got["count"].tolist() == [1, 2]
    assert got["placed"].tolist() == [True, False]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: kzdata.count_by_period(kzdata.events(), "week"),
            "period must be 'day', 'month' or 'year', got 'week'",
        ),
        (lambda: kzdata.count_by_period([1, 2], "day"), "count_by_period() needs a pandas DataFrame, got list"),
        (
            lambda: kzdata.count_by_period(kzdata.sentences(), "day"),
            "count_by_period() needs the columns date_start and date_end; the frame lacks date_start, date_end. "
            "Pass prefix='verdict' for sentences, or a frame with dates.",
        ),
        (
            lambda: kzdata.count_by_period(kzdata.events(), ["month"]),  # type: ignore[arg-type]
            "period must be 'day', 'month' or 'year', got ['month']",
        ),
        (
            lambda: kzdata.count_by_period(
                pd.concat([kzdata.events()[["date_start", "date_end"]], kzdata.events()[["date_end"]]], axis=1)
            ),
            "count_by_period() reads one date_end column; the frame has more (drop the copies, "
            "e.g. frame.loc[:, ~frame.columns.duplicated()])",
        ),
        (
            lambda: kzdata.count_by_period(pd.concat([kzdata.events()[["date_start", "date_end"]]] * 2, axis=1)),
            "count_by_period() reads one date_start and one date_end column; the frame has more (drop the copies, "
            "e.g. frame.loc[:, ~frame.columns.duplicated()])",
        ),
        (
            lambda: kzdata.count_by_period(kzdata.events(), "day", prefix=3),
            "count_by_period() needs the columns 3_start and 3_end; the frame lacks them. "
            "Pass prefix='verdict' for sentences, or a frame with dates.",
        ),
    ],
    ids=["period", "not-a-frame", "no-dates", "period-list", "columns-twice", "both-twice", "prefix"],
)
def test_misuse_is_refused_with_what_to_pass(call, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        call()
    assert str(caught.value) == message
