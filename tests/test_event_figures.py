"""``kzdata.event_figures()``: the events' deaths, injuries, troops and participants, UCDP-style.

The expected rows are written out by hand from raw/indicator_values.csv and
raw/indicators.csv (the indicators with an ``event_measure``): best is the stated value,
low and high the bounds the text allows (docs/figures.md, "Bounds"; None where the text
sets none). Two sources' figures for one event stay two rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kzdata
from kzdata import _files
from kzdata.errors import InvalidArgumentError
from tests.release_copy import ReleaseCopy

#: (value_id, event_id, measure, low, best, high, qualifier, source_id), in the documented order:
#: event start date, event id, measure (deaths, injuries, ..., troops, participants), value id.
BY_HAND = [
    (
        "russian-troops-near-ukraine-2021",
        "2021-12-russian-troops-massed-near-ukraine",
        "troops",
        20000.0,
        20000.0,
        99999.0,
        "at_least",
        "cornell-2024",
    ),
    (
        "unrest-deaths-crs",
        "2022-01-unrest-largest-and-deadliest",
        "deaths",
        200.0,
        200.0,
        None,
        "more_than",
        "crs-2022",
    ),
    (
        "violent-newcomers-cornell",
        "2022-01-armed-groups-join-almaty-protests",
        "participants",
        200.0,
        200.0,
        999.0,
        "at_least",
        "cornell-2024",
    ),
    (
        "officers-killed-cornell",
        "2022-01-05-looting-and-casualties-in-almaty",
        "deaths",
        None,
        18.0,
        18.0,
        "up_to",
        "cornell-2024",
    ),
    (
        "officers-wounded-cornell",
        "2022-01-05-looting-and-casualties-in-almaty",
        "injuries",
        200.0,
        200.0,
        999.0,
        "at_least",
        "cornell-2024",
    ),
    (
        "csto-troops-cornell",
        "2022-01-06-csto-contingent-deployed",
        "troops",
        2000.0,
        2000.0,
        2000.0,
        "exact",
        "cornell-2024",
    ),
    (
        "csto-troops-crs",
        "2022-01-06-csto-contingent-deployed",
        "troops",
        None,
        2500.0,
        None,
        "approximately",
        "crs-2022",
    ),
    (
        "taldykorgan-attackers-2022",
        "2022-01-06-taldykorgan-detention-centre-attack",
        "participants",
        20.0,
        20.0,
        20.0,
        "exact",
        "cornell-2024",
    ),
]


def _rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    columns = ["value_id", "event_id", "measure", "low", "best", "high", "qualifier", "source_id"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[columns].itertuples(index=False)]


def test_every_event_figure_as_worked_out_by_hand() -> None:
    assert _rows(kzdata.event_figures()) == BY_HAND


def test_the_columns_and_their_types() -> None:
    got = kzdata.event_figures()
    assert list(got.columns) == [
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
    ]
    assert list(got["measure"].cat.categories) == ["deaths", "injuries", "detentions", "troops", "participants"]
    assert {str(got[c].dtype) for c in ("low", "best", "high")} == {"Float64"}
    assert got.attrs["kzdata_table"] == "indicator_values"  # so that cite() lists the figures' sources
    csto = got.set_index("value_id").loc["csto-troops-crs"]
    assert csto["event_title"] == "CSTO contingent deployed in Kazakhstan"
    assert csto["indicator_name"] == kzdata.indicators().set_index("indicator_id").loc["csto-troops", "name"]
    assert csto["unit"] == "troops"


def test_two_sources_on_one_event_stay_two_rows() -> None:
    """The CSTO contingent: 2,000 in the article, about 2,500 in the brief (discrepancy csto-troop-numbers)."""
    got = kzdata.event_figures()
    csto = got[got["event_id"] == "2022-01-06-csto-contingent-deployed"]
    assert sorted(csto["source_id"]) == ["cornell-2024", "crs-2022"]


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReleaseCopy:
    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    return copy


def test_figures_of_uncounted_events_are_left_out_unless_asked_for(release: ReleaseCopy) -> None:
    """As timeline() and events_view() do: a contradicted event's figures drop out by default."""
    release.set("events", "2022-01-06-taldykorgan-detention-centre-attack", status="contradicted")
    release.save()
    assert "taldykorgan-attackers-2022" not in set(kzdata.event_figures()["value_id"])
    every = kzdata.event_figures(status=None)
    assert "taldykorgan-attackers-2022" in set(every["value_id"])
    assert every.set_index("value_id").loc["taldykorgan-attackers-2022", "event_status"] == "contradicted"
    assert len(kzdata.event_figures(status="contradicted")) == 1


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="occurred, reported, alleged, contradicted, assessment, planned"):
        kzdata.event_figures(status="happened")
