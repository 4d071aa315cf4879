"""Counting records by day, month or year without placing any of them by guess.

A record dated "January 2022" cannot be counted on any one day of January, and one dated
"2021-12-20/2022-01-03" belongs to no single month. Counting such records under their
start date (what ``groupby(date_start.dt.to_period("M"))`` does) puts every record known
only to the year into January, and makes January look busier than the texts say.
:func:`count_by_period` counts a record in a period only when its whole date interval lies
in that period, and reports the others apart, grouped by the date the source gives them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

Period = Literal["day", "month", "year"]

#: Each period's pandas frequency and the width of its ``YYYY-MM-DD`` label.
PERIODS: dict[str, tuple[str, int]] = {"day": ("D", 10), "month": ("M", 7), "year": ("Y", 4)}


def count_by_period(frame: pd.DataFrame, period: Period = "month", *, prefix: str = "date") -> pd.DataFrame:
    """How many records of ``frame`` fall in each day, month or year, and which cannot be placed.

    A record is counted in a period when its whole date interval (``{prefix}_start`` to
    ``{prefix}_end``) lies in it: an event of 5 January 2022 counts in that day, that month
    and that year; one known only to January 2022 counts in the month and the year, never in
    a day; a range over two months counts in no month. The records that fit in no single
    period (their date is coarser than the period, or their range spans several) are not
    spread or guessed: they are counted apart, one row per date as the source gives it.

    Parameters
    ----------
    frame
        Any frame with the two date columns: a table (``events``, ``reforms``,
        ``indicator_values``), a view, a filtered copy, or :func:`kzdata.timeline`.
    period
        ``"day"``, ``"month"`` (default) or ``"year"``.
    prefix
        The date columns' prefix: ``"date"`` (default) or ``"verdict"`` for ``sentences``.

    Returns
    -------
    A frame with ``period`` (``2022-01-05``, ``2022-01`` or ``2022``; for a record that
    cannot be placed, its own date: ``2022``, ``2022-01`` or ``2021-12-20/2022-01-03``;
    null when it is undated), ``count`` and ``placed``. The placed rows come first, one per
    period from the first to the last that holds a record (periods without one count 0);
    then the records not placed (``placed`` false), in date order. ``count`` sums to the
    number of rows of ``frame``.

    Examples
    --------
    >>> import kzdata
    >>> events = kzdata.events()
    >>> by_month = count_by_period(events, "month")
    >>> int(by_month["count"].sum()) == len(events)
    True
    >>> by_day = count_by_period(events, "day")
    >>> bool((~by_day["placed"]).any())  # some events are known only to a month, a year or a range
    True
    """
    import pandas as pd

    from kzdata._timeline import _iso

    if not isinstance(period, str) or period not in PERIODS:
        raise InvalidArgumentError(f"period must be 'day', 'month' or 'year', got {period!r}")
    if not isinstance(frame, pd.DataFrame):
        raise InvalidArgumentError(f"count_by_period() needs a pandas DataFrame, got {type(frame).__name__}")
    columns = [f"{prefix}_start", f"{prefix}_end"] if isinstance(prefix, str) else []
    missing = [c for c in columns if c not in frame.columns]
    if missing or not columns:
        raise InvalidArgumentError(
            f"count_by_period() needs the columns {prefix}_start and {prefix}_end; the frame lacks "
            f"{', '.join(missing) or 'them'}. Pass prefix='verdict' for sentences, or a frame with dates."
        )
    twice = [c for c in columns if list(frame.columns).count(c) > 1]
    if twice:
        raise InvalidArgumentError(
            f"count_by_period() reads one {' and one '.join(twice)} column; the frame has more (drop the copies, "
            "e.g. frame.loc[:, ~frame.columns.duplicated()])"
        )
    freq, width = PERIODS[period]
    start = pd.to_datetime(frame[columns[0]])
    end = pd.to_datetime(frame[columns[1]])
    dated = start.notna() & end.notna()
    first = start[dated].dt.to_period(freq)
    placed = dated.copy()
    placed[dated] = first.to_numpy() == end[dated].dt.to_period(freq).to_numpy()
    labels = pd.Series([_iso(day)[:width] for day in start[placed]])
    counts = labels.value_counts()
    spans = pd.period_range(first[placed[dated]].min(), first[placed[dated]].max()) if len(labels) else []
    rows: list[tuple[str | None, int, bool]] = [
        (_iso(p.start_time)[:width], int(counts.get(_iso(p.start_time)[:width], 0)), True) for p in spans
    ]
    rest = frame.loc[~placed, columns].assign(_start=start[~placed], _end=end[~placed])
    rest = rest.sort_values(["_start", "_end"])  # undated (NaT) last: pandas' default
    others: dict[str | None, int] = {}
    for a, b in zip(rest["_start"], rest["_end"], strict=True):
        label = None if pd.isna(a) or pd.isna(b) else _own_date(a, b)
        others[label] = others.get(label, 0) + 1
    rows += [(label, n, False) for label, n in others.items()]
    return pd.DataFrame(
        {
            "period": pd.array([r[0] for r in rows], dtype="string"),
            "count": pd.array([r[1] for r in rows], dtype="Int64"),
            "placed": pd.array([r[2] for r in rows], dtype="boolean"),
        }
    )


def _own_date(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A record's interval written as the data write it: a day, a whole month, a whole year, or a range.

    >>> import pandas as pd
    >>> _own_date(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31"))
    '2022'
    >>> _own_date(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-28"))
    '2022-02'
    >>> _own_date(pd.Timestamp("2022-02-01"), pd.Timestamp("2022-02-27"))
    '2022-02-01/2022-02-27'
    """
    from kzdata._timeline import _iso

    a, b = _iso(start), _iso(end)
    if a == b:
        return a
    if a[5:] == "01-01" and b[5:] == "12-31" and a[:4] == b[:4]:
        return a[:4]
    if a[:7] == b[:7] and a[8:] == "01" and end.is_month_end:
        return a[:7]
    return f"{a}/{b}"
