"""The analysis-ready views against joins done by hand on raw/*.csv."""

from __future__ import annotations

import re

import pytest

import kzdata
from tests import oracle


def _na(value: object) -> str:
    return "" if value is None or str(value) in ("<NA>", "nan") else str(value)


@pytest.mark.parametrize("every", [False, True], ids=["happened", "every-status"])
def test_events_view_has_every_event_with_its_place_name_and_actors(every: bool) -> None:
    """By default the events that happened (status occurred or reported), with status=None every event."""
    view = kzdata.events_view(status=None) if every else kzdata.events_view()
    places = {r["place_id"]: r["name"] for r in oracle.rows("places")}
    people = {r["person_id"]: r["name"] for r in oracle.rows("people")}
    orgs = {r["organization_id"]: r["name"] for r in oracle.rows("organizations")}
    actors: dict[str, list[str]] = {}
    for r in sorted(oracle.rows("event_actors"), key=lambda r: r["event_actor_id"]):
        who = people.get(r["person_id"]) or orgs[r["organization_id"]]
        actors.setdefault(r["event_id"], []).append(f"{who} ({r['role']})" if r["role"] else who)
    events = [r for r in oracle.rows("events") if every or r["status"] in ("occurred", "reported")]
    assert len(events) == (100 if every else 92), "raw/events.csv: 100 events, 8 of them not occurred or reported"
    assert sorted(view["event_id"]) == sorted(r["event_id"] for r in events)
    by_id = view.set_index("event_id")
    for r in events:
        row = by_id.loc[r["event_id"]]
        assert _na(row["place_name"]) == places.get(r["place_id"], ""), r["event_id"]
        assert _na(row["actors"]) == "; ".join(actors.get(r["event_id"], [])), r["event_id"]
    assert list(view.columns[-4:]) == ["place_id", "place_name", "location_precision", "actors"]
    assert sum(1 for r in events if r["event_id"] in actors) > 50


def test_sentences_view_names_each_person() -> None:
    view = kzdata.sentences_view()
    people = {r["person_id"]: r["name"] for r in oracle.rows("people")}
    expected = [(r["sentence_id"], people[r["person_id"]]) for r in oracle.rows("sentences")]
    assert sorted(zip(view["sentence_id"], view["person_name"], strict=True)) == sorted(expected)


def test_indicator_values_view_has_name_unit_direction_and_publisher() -> None:
    view = kzdata.indicator_values_view().set_index("value_id")
    indicators = {r["indicator_id"]: r for r in oracle.rows("indicators")}
    orgs = {r["organization_id"]: r["name"] for r in oracle.rows("organizations")}
    values = oracle.rows("indicator_values")
    assert sorted(view.index) == sorted(r["value_id"] for r in values)
    for r in values:
        ind = indicators[r["indicator_id"]]
        row = view.loc[r["value_id"]]
        assert row["indicator_name"] == ind["name"]
        assert _na(row["unit"]) == ind["unit"]
        assert _na(row["higher_is_better"]).lower() == ind["higher_is_better"]
        assert _na(row["publisher_name"]) == orgs.get(ind["publisher"], "")
        assert float(row["value"]) == float(r["value"])


def test_views_cite_their_base_records() -> None:
    view = kzdata.sentences_view()
    found = re.findall(r"^@misc\{([^,]+),$", kzdata.cite(view, style="bibtex"), flags=re.M)
    assert found[0] == f"kzdata_{kzdata.__version__.replace('.', '_')}", "the release's own entry first"
    assert set(found[1:]) == oracle.sources_behind("sentences", {r["sentence_id"] for r in oracle.rows("sentences")})
