"""Which rules were in force on a day: certainly, or only possibly.

A rule (an ``indicator_values`` row with ``value_kind`` ``rule``: a threshold, a term
length) carries two nested periods (docs/figures.md, "Rules"): the days the text shows it
in force (``valid_from`` to ``known_to``) and every day the evidence allows
(``possible_from`` to ``valid_to``, a missing bound being open). 0.2.0 stored one period
whose ends were partly conventions, so a filter for 1 December 2022 returned the 7%
parliamentary threshold as if it were known to hold then; the text allows the change to
5% as early as March 2022. This module answers with both periods, so that a date inside
the possible period but outside the known one is reported as ``possible``, never as
``certain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._dates import period
from kzdata._registry import INDICATOR_VALUES

if TYPE_CHECKING:
    import pandas as pd

    from kzdata._dates import DateLike

#: How sure the texts make a rule's being in force on the day asked about.
CERTAINTIES = ("certain", "possible")


def rules_in_force(day: DateLike) -> pd.DataFrame:
    """The rules in force on ``day``, each marked ``certain`` or ``possible``.

    ``certain``: the day lies in the rule's known period (``valid_from`` to ``known_to``),
    the days the text shows it held. ``possible``: the day lies in its possible period
    (``possible_from`` to ``valid_to``; a missing bound is open) but not in the known one.
    Rules not possibly in force on the day are left out.

    ``day`` is a day, a month or a year, written ``"2022-12-01"``, ``"2022-12"`` or
    ``"2022"``, or a ``datetime.date``, ``datetime.datetime``, ``pandas.Timestamp`` or
    ``numpy.datetime64`` (docs/dates.md, "Dates you pass to kzdata"). A month or a year
    asks about each of its days: a rule is ``certain`` when it is certainly in force on
    every one of them, ``possible`` when it is possibly in force on at least one. The frame has the columns of
    ``indicator_values`` and, first, ``certainty``; rows are ordered by certainty
    (certain first), then ``indicator_id`` and ``value_id``.

    Examples
    --------
    >>> import kzdata
    >>> on = kzdata.rules_in_force("2022-12-01").set_index("value_id")
    >>> on.loc["parliamentary-threshold-old", "certainty"]
    'possible'
    """
    import pandas as pd

    from kzdata._load import load

    first, last = period(day, "day")
    values = load(INDICATOR_VALUES.name)
    rules = values[values["value_kind"].astype("string") == "rule"]
    # Comparisons with a missing date (NaT) are False, so an open bound is tested with isna().
    possible = (rules["possible_from"].isna() | (rules["possible_from"] <= last)) & (
        rules["valid_to"].isna() | (rules["valid_to"] >= first)
    )
    certain = (rules["valid_from"] <= first) & (rules["known_to"] >= last)
    found = rules[possible].copy()
    labels = certain[possible].map({True: "certain", False: "possible"})
    found.insert(0, "certainty", pd.Categorical(labels, categories=CERTAINTIES))
    return found.sort_values(["certainty", "indicator_id", "value_id"]).reset_index(drop=True)
