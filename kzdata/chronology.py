"""One chronology of everything dated: events, reforms, sentences and offices.

Records of different precision are ordered by the start of their interval, then
by its end (so "5 January" comes before "January 2022", which spans the month),
then by precision (day, month, year, range), kind and id: a total, stable order.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

PRECISION_ORDER = {"day": 0, "month": 1, "year": 2, "range": 3}
COLUMNS = ["date_start", "date_end", "date_precision", "date_inferred", "kind", "record_id", "title", "category"]


def _parts() -> list[pd.DataFrame]:
    import pandas as pd

    from kzdata.load import load

    events = load("events")
    reforms = load("reforms")
    sentences = load("sentences").dropna(subset=["verdict_start"])
    people = load("people").set_index("person_id")["name"]
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


def timeline(start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Events, reforms and sentences in one chronological frame.

    Parameters
    ----------
    start, end
        ISO dates (``"2022-01-01"``); a record is kept when its interval overlaps
        ``[start, end]``. Either may be omitted.

    Examples
    --------
    >>> import kzdata
    >>> jan = kzdata.timeline("2022-01-01", "2022-01-31")
    >>> jan["date_start"].is_monotonic_increasing
    True
    """
    import pandas as pd

    bounds = []
    for label, value in (("start", start), ("end", end)):
        try:
            bounds.append(None if value is None else pd.Timestamp(date.fromisoformat(value)))
        except (ValueError, TypeError):
            raise InvalidArgumentError(f"{label} must be an ISO date such as '2022-01-05', got {value!r}") from None
    frame = pd.concat(_parts(), ignore_index=True)
    frame["date_precision"] = pd.Categorical(frame["date_precision"].astype("string"), categories=list(PRECISION_ORDER))
    frame["kind"] = pd.Categorical(frame["kind"], categories=["event", "reform", "sentence"])
    frame = frame.astype({"record_id": "string", "title": "string", "category": "string", "date_inferred": "boolean"})
    lo, hi = bounds
    if lo is not None:
        frame = frame[frame["date_end"] >= lo]
    if hi is not None:
        frame = frame[frame["date_start"] <= hi]
    frame = frame.assign(_rank=frame["date_precision"].cat.codes)
    frame = frame.sort_values(["date_start", "date_end", "_rank", "kind", "record_id"], kind="stable")
    return frame[COLUMNS].reset_index(drop=True)
