"""Analysis-ready views: the joins almost every analysis starts with, one call each.

Each view keeps the rows of one base table, in its order, one row per record (for
events, the rows of the statuses asked for), and
adds readable labels from the tables it points to, so that nothing is multiplied
or lost by the join:

* :func:`events_view`: the events with ``place_name`` and ``actors`` (the people
  and organizations taking part, ``"Name (role)"`` joined by ``"; "``, in
  ``event_actor_id`` order; null when none is recorded). Like every helper that counts
  or lists events, it keeps by default only the events whose ``status`` is ``occurred``
  or ``reported`` (docs/events.md); ``status=None`` keeps every event;
* :func:`sentences_view`: every sentence with ``person_name``;
* :func:`indicator_values_view`: every figure with its indicator's ``indicator_name``,
  ``unit``, ``higher_is_better`` and ``publisher_name``;
* :func:`event_figures`: the figures that belong to events (deaths, injuries, detentions,
  troops, participants), one row per figure a source states, UCDP-style with ``low``,
  ``best`` and ``high``; figures of the same event from different sources stay side by
  side (the dataset does not choose between them).

The id columns stay, so any other join is still possible, and each view is marked
as its base table (``attrs["kzdata_table"]``): ``kzdata.cite(view)`` lists the
sources of the base records it holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import (
    COUNTED_EVENT_STATUSES,
    EVENT_ACTORS,
    EVENT_MEASURES,
    EVENT_STATUSES,
    EVENTS,
    INDICATOR_VALUES,
    INDICATORS,
    ORGANIZATIONS,
    PEOPLE,
    PLACES,
    SENTENCES,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from kzdata._generated import TableName


def _names(table: TableName, key: str) -> pd.Series:
    from kzdata._load import load

    return load(table).set_index(key)["name"]


def _insert_after(frame: pd.DataFrame, after: str, name: str, values: pd.Series, dtype: str = "string") -> None:
    frame.insert(list(frame.columns).index(after) + 1, name, values.astype(dtype))


def _mark(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    frame.attrs["kzdata_table"] = table
    return frame


def events_view(*, status: str | Iterable[str] | None = COUNTED_EVENT_STATUSES) -> pd.DataFrame:
    """The events with the name of their place and the people and organizations taking part.

    Parameters
    ----------
    status
        The event statuses to keep (docs/events.md): one status, several, or ``None`` for
        every event. The default, ``("occurred", "reported")``, keeps what happened as far
        as the texts say and leaves out ``alleged``, ``contradicted``, ``assessment`` and
        ``planned`` events, as :func:`kzdata.timeline` does. An unknown status is an
        ``InvalidArgumentError`` listing the valid ones.

    Examples
    --------
    >>> import kzdata
    >>> v = kzdata.events_view(status=None)
    >>> len(v) == len(kzdata.events()) and {"place_name", "actors"} <= set(v.columns)
    True
    >>> sorted(kzdata.events_view()["status"].unique())
    ['occurred', 'reported']
    """
    from kzdata._load import load
    from kzdata._timeline import event_statuses

    statuses = event_statuses(status)
    events = load(EVENTS.name)
    events = events[events["status"].isin(statuses)]
    actors = load(EVENT_ACTORS.name).sort_values("event_actor_id")
    who = actors["person_id"].map(_names(PEOPLE.name, "person_id"))
    who = who.fillna(actors["organization_id"].map(_names(ORGANIZATIONS.name, "organization_id"))).astype("string")
    role = actors["role"].astype("string")
    label = (who + (" (" + role + ")").fillna("")).fillna(who)
    joined = label.groupby(actors["event_id"].to_numpy(), sort=False).agg("; ".join)
    frame = events.copy()
    _insert_after(frame, "place_id", "place_name", frame["place_id"].map(_names(PLACES.name, "place_id")))
    frame["actors"] = frame["event_id"].map(joined).astype("string")
    return _mark(frame.reset_index(drop=True), EVENTS.name)


def sentences_view() -> pd.DataFrame:
    """Every court sentence with the name of the person convicted.

    Examples
    --------
    >>> import kzdata
    >>> v = kzdata.sentences_view()
    >>> v.loc[v["person_id"] == "massimov-karim", "person_name"].iloc[0]
    'Karim Massimov'
    """
    from kzdata._load import load

    frame = load(SENTENCES.name).copy()
    _insert_after(frame, "person_id", "person_name", frame["person_id"].map(_names(PEOPLE.name, "person_id")))
    return _mark(frame.reset_index(drop=True), SENTENCES.name)


def indicator_values_view() -> pd.DataFrame:
    """Every indicator value with its indicator's name, unit, direction and publisher.

    Examples
    --------
    >>> import kzdata
    >>> v = kzdata.indicator_values_view()
    >>> {"indicator_name", "unit", "higher_is_better", "publisher_name"} <= set(v.columns)
    True
    """
    from kzdata._load import load

    frame = load(INDICATOR_VALUES.name).copy()
    indicators = load(INDICATORS.name).set_index("indicator_id")
    ids = frame["indicator_id"]
    publisher = ids.map(indicators["publisher"]).map(_names(ORGANIZATIONS.name, "organization_id"))
    _insert_after(frame, "indicator_id", "publisher_name", publisher)
    _insert_after(frame, "indicator_id", "higher_is_better", ids.map(indicators["higher_is_better"]), "boolean")
    _insert_after(frame, "indicator_id", "unit", ids.map(indicators["unit"]))
    _insert_after(frame, "indicator_id", "indicator_name", ids.map(indicators["name"]))
    return _mark(frame.reset_index(drop=True), INDICATOR_VALUES.name)


#: The columns of :func:`event_figures`, in order.
EVENT_FIGURE_COLUMNS = (
    "value_id",
    "event_id",
    "event_title",
    "event_status",
    "measure",
    "indicator_id",
    "indicator_name",
    "low",
    "best",
    "high",
    "qualifier",
    "stated_as",
    "unit",
    "date_start",
    "date_end",
    "date_precision",
    "source_id",
    "note",
)


def event_figures(*, status: str | Iterable[str] | None = COUNTED_EVENT_STATUSES) -> pd.DataFrame:
    """The figures of events: deaths, injuries, detentions, troops and participants, with low, best and high.

    One row per ``indicator_values`` row whose indicator has an ``event_measure``
    (docs/figures.md, "Figures of events"): ``best`` is the figure's ``value``, ``low`` and
    ``high`` its ``value_low`` and ``value_high`` (missing where the text sets no bound), as
    UCDP GED gives deaths. Each figure keeps its source: two sources' figures for one event
    are two rows, never merged or averaged. Rows are ordered by the event's start date,
    ``event_id``, ``measure`` and ``value_id``; ``kzdata.cite()`` of the frame lists the
    figures' sources.

    Parameters
    ----------
    status
        The statuses of the events whose figures are kept, as for :func:`events_view`
        (default ``("occurred", "reported")``; ``None`` keeps every event's figures).

    Examples
    --------
    >>> import kzdata
    >>> f = kzdata.event_figures()
    >>> f.loc[f["value_id"] == "unrest-deaths-crs", ["measure", "low", "best", "high"]].values.tolist()
    [['deaths', 200.0, 200.0, <NA>]]
    """
    import pandas as pd

    from kzdata._load import load
    from kzdata._timeline import event_statuses

    statuses = event_statuses(status)
    indicators = load(INDICATORS.name).set_index("indicator_id")
    events = load(EVENTS.name).set_index("event_id")
    values = load(INDICATOR_VALUES.name)
    measure = values["indicator_id"].map(indicators["event_measure"].astype("string")).astype("string")
    figures = values[measure.notna()].copy()
    figures["measure"] = pd.Categorical(measure[measure.notna()], categories=EVENT_MEASURES)
    figures["event_title"] = figures["event_id"].map(events["title"]).astype("string")
    figures["event_status"] = pd.Categorical(
        figures["event_id"].map(events["status"].astype("string")), categories=EVENT_STATUSES
    )
    figures = figures[figures["event_status"].isin(statuses)]
    figures["indicator_name"] = figures["indicator_id"].map(indicators["name"]).astype("string")
    figures["unit"] = figures["indicator_id"].map(indicators["unit"].astype("string")).astype("string")
    figures = figures.rename(columns={"value": "best", "value_low": "low", "value_high": "high"})
    start = figures["event_id"].map(events["date_start"])
    order = figures.assign(_start=start).sort_values(["_start", "event_id", "measure", "value_id"])
    return _mark(order.loc[:, list(EVENT_FIGURE_COLUMNS)].reset_index(drop=True), INDICATOR_VALUES.name)


#: The views ``kzdata show`` offers beside the tables, by name: each the function of that name.
VIEWS = {
    "events_view": events_view,
    "sentences_view": sentences_view,
    "indicator_values_view": indicator_values_view,
    "event_figures": event_figures,
}
