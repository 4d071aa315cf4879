"""``kzdata.rules_in_force(day)``: which rules certainly, and which only possibly, held on a day.

The expected answers are worked out by hand from the periods of raw/indicator_values.csv
(listed in tests/test_rules.py, "rules in force"): a day inside valid_from..known_to is
certain; inside possible_from..valid_to (a missing bound open) but not the known period,
possible; otherwise the rule is left out. Issue 20: the answer for 1 December 2022 must
not count the 7% threshold as certain, since the change to 5% may have come as early as
March 2022.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

import kzdata
from kzdata.errors import InvalidArgumentError
from tests import oracle

#: day -> [(value_id, certainty)] in the documented order: certain first, then by indicator and value id.
BY_HAND = {
    "2022-01-15": [
        ("parliamentary-threshold-old", "possible"),
        ("presidential-term-before-2022", "possible"),
    ],
    "2022-03-01": [  # the first day the new electoral system's rules can have held
        ("parliamentary-threshold-new", "possible"),
        ("parliamentary-threshold-old", "possible"),
        ("party-list-seat-share-2023", "possible"),
        ("presidential-term-before-2022", "possible"),
    ],
    "2022-11-20": [
        ("presidential-term-after-2022", "certain"),
        ("presidential-term-limit-2022", "certain"),
        ("parliamentary-threshold-new", "possible"),
        ("parliamentary-threshold-old", "possible"),
        ("party-list-seat-share-2023", "possible"),
    ],
    "2022-12-01": [
        ("parliamentary-threshold-new", "possible"),
        ("parliamentary-threshold-old", "possible"),
        ("party-list-seat-share-2023", "possible"),
        ("presidential-term-after-2022", "possible"),
        ("presidential-term-limit-2022", "possible"),
    ],
    "2023-03-30": [
        ("parliamentary-threshold-new", "possible"),
        ("parliamentary-threshold-old", "possible"),
        ("party-list-seat-share-2023", "possible"),
        ("presidential-term-after-2022", "possible"),
        ("presidential-term-limit-2022", "possible"),
    ],
    "2023-03-31": [
        ("parliamentary-threshold-new", "certain"),
        ("party-list-seat-share-2023", "certain"),
        ("presidential-term-after-2022", "possible"),
        ("presidential-term-limit-2022", "possible"),
    ],
    "2024-01-02": [
        ("asset-recovery-threshold-2023", "certain"),
        ("parliamentary-threshold-new", "certain"),
        ("party-list-seat-share-2023", "certain"),
        ("presidential-term-after-2022", "possible"),
        ("presidential-term-limit-2022", "possible"),
    ],
    "2024-01-03": [
        ("asset-recovery-threshold-2023", "possible"),
        ("parliamentary-threshold-new", "possible"),
        ("party-list-seat-share-2023", "possible"),
        ("presidential-term-after-2022", "possible"),
        ("presidential-term-limit-2022", "possible"),
    ],
}


@pytest.mark.parametrize("day", sorted(BY_HAND))
def test_each_rule_certain_or_possible_as_worked_out_by_hand(day: str) -> None:
    got = kzdata.rules_in_force(day)
    assert list(zip(got["value_id"], got["certainty"], strict=True)) == BY_HAND[day]


def test_the_7_percent_threshold_is_not_certainly_in_force_on_1_december_2022() -> None:
    """Issue 20's done-when, on its own."""
    got = kzdata.rules_in_force("2022-12-01").set_index("value_id")
    assert got.loc["parliamentary-threshold-old", "certainty"] == "possible"
    assert "certain" not in set(got["certainty"])


@pytest.mark.parametrize(
    "day",
    [
        "2022-11-20",
        datetime.date(2022, 11, 20),
        datetime.datetime(2022, 11, 20, 23, 59),
        pd.Timestamp("2022-11-20 08:00"),
    ],
)
def test_a_day_may_be_given_as_text_a_date_or_a_timestamp(day: object) -> None:
    got = kzdata.rules_in_force(day)
    assert list(zip(got["value_id"], got["certainty"], strict=True)) == BY_HAND["2022-11-20"]


def test_the_frame_is_indicator_values_with_certainty_first() -> None:
    got = kzdata.rules_in_force("2023-03-31")
    values = kzdata.indicator_values()
    assert list(got.columns) == ["certainty", *values.columns]
    assert list(got["certainty"].cat.categories) == ["certain", "possible"]
    only_possible = kzdata.rules_in_force("2022-12-01")["certainty"]
    assert set(only_possible) == {"possible"}
    assert list(only_possible.cat.categories) == ["certain", "possible"]  # both, whatever the day holds
    assert (got.drop(columns="certainty").dtypes == values.dtypes).all()
    assert list(got.index) == list(range(len(got)))


@pytest.mark.parametrize(
    "day",
    ["1 December 2022", "", "20221201", "2022-02-30", "2022-13", "0000", 20221201, None, pd.NaT, np.datetime64("NaT")],
)
def test_anything_but_a_day_month_or_year_is_refused_with_what_to_pass(day: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        kzdata.rules_in_force(day)
    message = str(caught.value)
    assert "'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'" in message and repr(day) in message
    assert message.startswith("day must be a day, a month or a year")


@pytest.mark.parametrize(
    "day", [np.datetime64("2022-11-20"), np.datetime64("2022-11-20T23:59:59"), np.datetime64("2022-11-20", "ns")]
)
def test_a_day_may_be_a_numpy_datetime64(day: object) -> None:
    """Issue 21: ``np.datetime64`` was refused."""
    got = kzdata.rules_in_force(day)
    assert list(zip(got["value_id"], got["certainty"], strict=True)) == BY_HAND["2022-11-20"]


def _by_raw(first: str, last: str) -> list[tuple[str, str]]:
    """The oracle for a period, from raw/indicator_values.csv (ISO text compares as dates do).

    Certain: the known period covers every day of [first, last]; possible: the possible
    period (a missing bound open) meets it. Ordered certain first, then indicator and value id.
    """
    found = []
    for row in oracle.rows("indicator_values"):
        if row["value_kind"] != "rule":
            continue
        if (row["possible_from"] or first) <= last and first <= (row["valid_to"] or last):
            certain = row["valid_from"] and row["valid_from"] <= first and last <= row["known_to"]
            found.append(("certain" if certain else "possible", row["indicator_id"], row["value_id"]))
    return [(value, certainty) for certainty, _, value in sorted(found)]


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        ("2022-11", "2022-11-01", "2022-11-30"),
        ("2023", "2023-01-01", "2023-12-31"),
        ("2023-04", "2023-04-01", "2023-04-30"),
        ("2022-03", "2022-03-01", "2022-03-31"),
        (np.datetime64("2023-04"), "2023-04-01", "2023-04-30"),
        (np.datetime64("2023", "Y"), "2023-01-01", "2023-12-31"),
    ],
    ids=str,
)
def test_a_month_or_year_is_certain_only_when_every_day_is(day: object, first: str, last: str) -> None:
    got = kzdata.rules_in_force(day)
    assert list(zip(got["value_id"], got["certainty"], strict=True)) == _by_raw(first, last)


def test_the_period_oracle_agrees_with_the_days_worked_out_by_hand() -> None:
    assert all(_by_raw(day, day) == BY_HAND[day] for day in BY_HAND)


def test_a_month_counts_a_rule_certain_only_if_known_on_its_first_and_last_day() -> None:
    """November 2022: the new presidential term is known from 20 November only, so only possible."""
    got = kzdata.rules_in_force("2022-11").set_index("value_id")["certainty"]
    assert got["presidential-term-after-2022"] == "possible"
    assert got["presidential-term-before-2022"] == "possible"  # ended 19 November: held on some days
    assert kzdata.rules_in_force("2023-04").set_index("value_id")["certainty"]["parliamentary-threshold-new"] == (
        "certain"
    )
