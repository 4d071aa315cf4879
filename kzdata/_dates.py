"""Dates as people write them: the one parser behind every function that takes a date.

A date argument may be a day, a month or a year, written the way the data write it
(``"2022-01-05"``, ``"2022-01"``, ``"2022"``) or given as a Python or NumPy value
(``datetime.date``, ``datetime.datetime``, ``pandas.Timestamp``, ``numpy.datetime64``).
Each means the period it names, from its first to its last day (docs/dates.md, "Dates
you pass to kzdata"): as the start of a window a month is its first day, as the end its
last, so ``timeline("2022-01", "2022-01")`` is January 2022. A datetime is the day it
falls on (the time of day is dropped, a time zone is kept as given); a ``datetime64`` of
unit ``M`` or ``Y`` is a month or a year, of any finer unit the day it falls on.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import TYPE_CHECKING, Union

from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: What a date argument may be (a day, a month or a year; docs/dates.md).
DateLike = Union[str, datetime.date, "np.datetime64"]

#: The written forms, for messages.
FORMS = "'YYYY-MM-DD', 'YYYY-MM' or 'YYYY' (or a datetime.date, datetime, pandas Timestamp or numpy datetime64)"

_WRITTEN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _month(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def _from_text(text: str) -> tuple[datetime.date, datetime.date] | None:
    found = _WRITTEN.fullmatch(text)
    if found is None:
        return None
    year, month, day = (None if part is None else int(part) for part in found.groups())
    assert year is not None  # the pattern requires it
    try:
        if month is None:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if day is None:
            return _month(year, month)
        one = datetime.date(year, month, day)
    except ValueError:  # month 13, 30 February, year 0
        return None
    return one, one


def _from_numpy(value: np.datetime64) -> tuple[datetime.date, datetime.date] | None:
    import numpy as np

    if np.isnat(value):
        return None
    unit = np.datetime_data(value.dtype)[0]
    if unit in ("Y", "M"):
        return _from_text(str(value))
    try:
        day = value.astype("datetime64[D]").item()
    except OverflowError:  # fs, ps, as: NumPy cannot convert them to days; their count of units can
        count, (unit_name, _) = int(value.astype("int64")), np.datetime_data(value.dtype)
        per_day = 86_400 * {"ps": 10**12, "fs": 10**15, "as": 10**18}[unit_name]
        day = datetime.date(1970, 1, 1) + datetime.timedelta(days=count // per_day)
    return (day, day) if isinstance(day, datetime.date) else None


def period(value: object, what: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the period ``value`` names, as midnight Timestamps.

    ``what`` names the argument in the message of the :class:`~kzdata.errors.InvalidArgumentError`
    that anything else (a missing value, a number, another way of writing a date) raises.

    >>> [str(day.date()) for day in period("2022-02", "start")]
    ['2022-02-01', '2022-02-28']
    >>> [str(day.date()) for day in period("2024", "day")]
    ['2024-01-01', '2024-12-31']
    >>> import numpy as np
    >>> [str(day.date()) for day in period(np.datetime64("2022-01-05T13:00"), "day")]
    ['2022-01-05', '2022-01-05']
    """
    import numpy as np
    import pandas as pd

    found: tuple[datetime.date, datetime.date] | None = None
    if value is pd.NaT:
        pass  # NaT is a datetime with no date
    elif isinstance(value, str):
        found = _from_text(value)
    elif isinstance(value, datetime.date):  # datetime.datetime and pd.Timestamp are dates too
        one = datetime.date(value.year, value.month, value.day)
        found = (one, one)
    elif isinstance(value, np.datetime64):
        found = _from_numpy(value)
    if found is None:
        raise InvalidArgumentError(f"{what} must be a day, a month or a year written {FORMS}; got {value!r}")
    first, last = found
    return pd.Timestamp(first), pd.Timestamp(last)


def bound(value: object, what: str, *, end: bool) -> pd.Timestamp:
    """``value`` as the start (its first day) or, with ``end=True``, the end (its last day) of a window.

    >>> bound("2022-01", "start", end=False).date(), bound("2022-01", "end", end=True).date()
    (datetime.date(2022, 1, 1), datetime.date(2022, 1, 31))
    """
    first, last = period(value, what)
    return last if end else first
