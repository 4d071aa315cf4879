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

import datetime
import re
from typing import TYPE_CHECKING

from kzdata._registry import INDICATOR_VALUES

if TYPE_CHECKING:
    import pandas as pd

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: How sure the texts make a rule's being in force on the day asked about.
CERTAINTIES = ("certain", "possible")


def _day(day: object) -> pd.Timestamp:
    """``day`` as a midnight Timestamp: an ISO date string, a ``datetime.date`` or a Timestamp."""
    import pandas as pd

    from kzdata.errors import InvalidArgumentError

    if day is pd.NaT:
        pass  # a missing day: refused below (NaT passes as a datetime but has no date)
    elif isinstance(day, str) and _ISO_DAY.fullmatch(day):  # fromisoformat alone takes '20221201' too
        try:
            return pd.Timestamp(datetime.date.fromisoformat(day))
        except ValueError:
            pass
    elif isinstance(day, datetime.date):  # datetime.datetime and pd.Timestamp are dates too
        return pd.Timestamp(day.year, day.month, day.day)
    raise InvalidArgumentError(
        f"rules_in_force() needs one day, as 'YYYY-MM-DD', a datetime.date or a pandas Timestamp; "
        f"got {day!r}. For a month or a year, ask for its first and last days."
    )


def rules_in_force(day: object) -> pd.DataFrame:
    """The rules in force on ``day``, each marked ``certain`` or ``possible``.

    ``certain``: the day lies in the rule's known period (``valid_from`` to ``known_to``),
    the days the text shows it held. ``possible``: the day lies in its possible period
    (``possible_from`` to ``valid_to``; a missing bound is open) but not in the known one.
    Rules not possibly in force on the day are left out. The frame has the columns of
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

    when = _day(day)
    values = load(INDICATOR_VALUES.name)
    rules = values[values["value_kind"].astype("string") == "rule"]
    # Comparisons with a missing date (NaT) are False, so an open bound is tested with isna().
    possible = (rules["possible_from"].isna() | (rules["possible_from"] <= when)) & (
        rules["valid_to"].isna() | (rules["valid_to"] >= when)
    )
    certain = (rules["valid_from"] <= when) & (rules["known_to"] >= when)
    found = rules[possible].copy()
    labels = certain[possible].map({True: "certain", False: "possible"})
    found.insert(0, "certainty", pd.Categorical(labels, categories=CERTAINTIES))
    return found.sort_values(["certainty", "indicator_id", "value_id"]).reset_index(drop=True)
