"""One chronology of everything dated: events, reforms, sentences and offices.

Records of different precision are ordered by the start of their interval, then
by its end (so "5 January" comes before "January 2022", which spans the month),
then by precision (day, month, year, range), kind and id: a total, stable order.

A window ``[start, end]`` keeps, by default, only the records whose whole date
interval falls inside it: "January 2022" (1 to 31 January) is not inside 1 to 19
January, and a 2021-2023 range is not inside January 2022. ``overlapping=True``
keeps every record whose interval meets the window instead. The first columns are
``date`` (the date as precisely as the source gives it: ``2022-01-05``, ``2022-01``,
``2022``, or ``2021-12-20/2022-01-03`` for a range), ``kind`` and ``title``, so the
precision of every row is visible where the eye starts reading.

Events carry a ``status`` (docs/events.md): what the text asserts about them. By default
the timeline keeps the events that happened as far as the texts say, ``occurred`` and
``reported``, and leaves out the ``alleged``, ``contradicted``, ``assessment`` and
``planned`` ones, so that counting the events of January 2022 does not count a detention
the article itself says did not hold. ``status=`` chooses other statuses (``None``: all).
Reforms and sentences are always kept: they have no event status (a reform has its own
``status``, how far it got, which ``status=`` does not filter; an announced reform is kept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import COUNTED_EVENT_STATUSES, EVENT_STATUSES, EVENTS, PEOPLE, REFORMS, SENTENCES
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from kzdata._dates import DateLike

PRECISION_ORDER = {"day": 0, "month": 1, "year": 2, "range": 3}
COLUMNS = [
    "date",
    "kind",
    "title",
    "date_start",
    "date_end",
    "date_precision",
    "date_inferred",
    "record_id",
    "category",
    "status",
]


def event_statuses(status: str | Iterable[str] | None) -> tuple[str, ...]:
    """The event statuses that ``status=`` names, checked: one status, several, or None for all.

    Every helper that counts or lists events takes ``status=`` and reads it through this
    function, so that each refuses the same way: an unknown status, a value that is not
    text, or no status at all is an :class:`~kzdata.errors.InvalidArgumentError` that
    lists the valid statuses.

    >>> event_statuses(("occurred", "reported"))
    ('occurred', 'reported')
    >>> event_statuses("planned"), len(event_statuses(None))
    (('planned',), 6)
    """
    valid = ", ".join(EVENT_STATUSES)
    if status is None:
        return EVENT_STATUSES
    if isinstance(status, str):
        chosen: tuple[object, ...] = (status,)
    elif isinstance(status, (bytes, bytearray)):
        raise InvalidArgumentError(f"status must be text, not bytes ({status!r}); the statuses are: {valid}")
    else:
        try:
            chosen = tuple(status)
        except TypeError:
            raise InvalidArgumentError(
                f"status must be an event status, a list of them or None (every status), got {status!r}; "
                f"the statuses are: {valid}"
            ) from None
    if not chosen:
        raise InvalidArgumentError(
            f"status names no event status; give one or more of: {valid} (or None for every status)"
        )
    for value in chosen:
        # isinstance first: a missing value (pd.NA) cannot be compared, and a str Enum
        # member compares equal to its text but prints as its name.
        if not isinstance(value, str) or value not in EVENT_STATUSES:
            raise InvalidArgumentError(f"status {value!r} is not an event status; the statuses are: {valid}")
    return tuple(EVENT_STATUSES[EVENT_STATUSES.index(value)] for value in chosen)


def _parts(statuses: tuple[str, ...]) -> list[pd.DataFrame]:
    import pandas as pd

    from kzdata._load import load

    events = load(EVENTS.name)
    events = events[events["status"].isin(statuses)]
    reforms = load(REFORMS.name)
    sentences = load(SENTENCES.name).dropna(subset=["verdict_start"])
    people = load(PEOPLE.name).set_index("person_id")["name"]
    term = sentences["prison_years"].astype("string")
    sentence_title = (
        "Sentence: "
        + sentences["person_id"].map(people).astype("string")
        + (", " + term + " years").fillna(", term not stated")
    )
    return [
        pd.DataFrame(
            {
                "date_start": events["date_start"],
                "date_end": events["date_end"],
                "date_precision": events["date_precision"],
                "date_inferred": events["date_inferred"],
                "kind": "event",
                "record_id": events["event_id"],
                "title": events["title"],
                "category": events["category"].astype("string"),
                "status": events["status"].astype("string"),
            }
        ),
        pd.DataFrame(
            {
                "date_start": reforms["date_start"],
                "date_end": reforms["date_end"],
                "date_precision": reforms["date_precision"],
                "date_inferred": reforms["date_inferred"],
                "kind": "reform",
                "record_id": reforms["reform_id"],
                "title": reforms["name"],
                "category": reforms["kind"].astype("string"),
            }
        ),
        pd.DataFrame(
            {
                "date_start": sentences["verdict_start"],
                "date_end": sentences["verdict_end"],
                "date_precision": sentences["verdict_precision"],
                "date_inferred": sentences["verdict_inferred"],
                "kind": "sentence",
                "record_id": sentences["sentence_id"],
                "title": sentence_title,
                "category": "conviction",
            }
        ),
    ]


def _iso(day: pd.Timestamp) -> str:
    """``YYYY-MM-DD`` with a four-digit year, also before the year 1000 (``strftime`` would drop the zeros)."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def date_label(start: pd.Timestamp, end: pd.Timestamp, precision: str) -> str | None:
    """The date of a record as precisely as its source gives it (ISO 8601 forms); None when undated.

    A record missing either end of its interval counts as undated: half an interval is no date.

    Years have four digits, as ISO 8601 writes them (``0001``, not ``1``).

    >>> import pandas as pd
    >>> date_label(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-01-31"), "month")
    '2022-01'
    >>> date_label(pd.Timestamp("2021-12-20"), pd.Timestamp("2022-01-03"), "range")
    '2021-12-20/2022-01-03'
    >>> from datetime import datetime
    >>> first = pd.Timestamp(datetime(1, 1, 1))
    >>> date_label(first, first, "day"), date_label(first, pd.Timestamp(datetime(1, 12, 31)), "year")
    ('0001-01-01', '0001')
    """
    import pandas as pd

    if pd.isna(start) or pd.isna(end):
        return None
    if precision == "day":
        return _iso(start)
    if precision == "month":
        return _iso(start)[:7]
    if precision == "year":
        return _iso(start)[:4]
    return f"{_iso(start)}/{_iso(end)}"


def timeline(
    start: DateLike | None = None,
    end: DateLike | None = None,
    *,
    overlapping: bool = False,
    status: str | Iterable[str] | None = COUNTED_EVENT_STATUSES,
) -> pd.DataFrame:
    """Events, reforms and sentences in one chronological frame.

    Parameters
    ----------
    start, end
        The window, both ends inclusive; either may be omitted. Each is a day, a month or a
        year (``"2022-01-05"``, ``"2022-01"``, ``"2022"``, or a ``datetime.date``,
        ``datetime.datetime``, ``pandas.Timestamp`` or ``numpy.datetime64``): ``start`` is
        the first day of what it names and ``end`` the last, so ``timeline("2022-01",
        "2022-01")`` is January 2022 (docs/dates.md, "Dates you pass to kzdata").
    overlapping
        ``False`` (default): keep only records whose whole date interval lies in
        ``[start, end]``. ``True``: keep every record whose interval overlaps it
        (e.g. "January 2022" or a multi-year range in a one-week window).
    status
        The event statuses to keep (docs/events.md): one status, several, or ``None`` for
        every event. The default, ``("occurred", "reported")``, keeps what happened as far
        as the texts say: events stated in the text's own voice (a statement or address
        counts as the event) and events the text reports second-hand without doubting
        them. It leaves out ``alleged`` events (allegations the text keeps at a distance),
        ``contradicted`` ones (reports the text says did not hold, such as Samat Abish's
        reported detention), ``assessment`` (opinions and interpretations) and ``planned``
        (announcements of later measures). Reforms and sentences have no event status and
        are kept whatever ``status`` is (a reform's own ``status``, how far it got, is not
        filtered: an announced reform stays). An unknown status is an ``InvalidArgumentError``
        listing the valid ones.

    Returns
    -------
    One row per dated record: ``date`` (as precise as the source), ``kind``
    (event, reform, sentence), ``title``, then ``date_start``, ``date_end``,
    ``date_precision``, ``date_inferred``, ``record_id``, ``category`` and ``status``
    (the event's status; null for reforms and sentences).
    Without a window, undated records (a reform with no date) come last, with
    ``date`` null; any window leaves them out.

    Examples
    --------
    >>> import kzdata
    >>> jan = kzdata.timeline("2022-01-01", "2022-01-31")
    >>> jan["date_start"].is_monotonic_increasing
    True
    >>> kzdata.timeline("2022-01", "2022-01").equals(jan)  # a month: its first day to its last
    True
    >>> "2022-01-abish-reported-detained" in set(jan["record_id"])  # contradicted: left out
    False
    >>> every = kzdata.timeline("2022-01-01", "2022-01-31", status=None)
    >>> every.loc[every["record_id"] == "2022-01-abish-reported-detained", "status"].tolist()
    ['contradicted']
    """
    import pandas as pd

    from kzdata._dates import bound

    bounds = [
        None if value is None else bound(value, label, end=label == "end")
        for label, value in (("start", start), ("end", end))
    ]
    statuses = event_statuses(status)
    frame = pd.concat(_parts(statuses), ignore_index=True)
    frame["date_precision"] = pd.Categorical(frame["date_precision"].astype("string"), categories=list(PRECISION_ORDER))
    frame["kind"] = pd.Categorical(frame["kind"], categories=["event", "reform", "sentence"])
    frame = frame.astype(
        {"record_id": "string", "title": "string", "category": "string", "status": "string", "date_inferred": "boolean"}
    )
    if not isinstance(overlapping, bool):
        raise InvalidArgumentError(f"overlapping must be True or False, got {overlapping!r}")
    lo, hi = bounds
    if lo is not None and hi is not None and lo > hi:
        raise InvalidArgumentError(f"start {start!r} is after end {end!r}; give start <= end")
    if lo is not None:
        frame = frame[frame["date_end" if overlapping else "date_start"] >= lo]
    if hi is not None:
        frame = frame[frame["date_start" if overlapping else "date_end"] <= hi]
    frame = frame.assign(_rank=frame["date_precision"].cat.codes)
    frame = frame.sort_values(["date_start", "date_end", "_rank", "kind", "record_id"], kind="stable")
    labels = [
        date_label(a, b, str(p))
        for a, b, p in zip(frame["date_start"], frame["date_end"], frame["date_precision"], strict=True)
    ]
    frame = frame.assign(date=pd.array(labels, dtype="string"))
    return frame[COLUMNS].reset_index(drop=True)
