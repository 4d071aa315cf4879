"""``kzdata.replacement``: an id retired by a merge or a rename still finds its record.

The shipped log holds merges only (0.2.0); a rename is made on a copy of the release
(``tests/release_copy.py``): the event keeps its row under a new id, the log says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kzdata
from kzdata import _files
from kzdata.errors import InvalidArgumentError, UnknownTableError
from tests.release_copy import ReleaseCopy

OLD = "2023-11-kgb-archives-opened"
NEW = "kgb-archives-opened"


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReleaseCopy:
    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    return copy


def test_an_id_in_the_data_is_its_own_replacement() -> None:
    assert kzdata.replacement("events", OLD) == OLD
    assert kzdata.replacement("people", "massimov-karim") == "massimov-karim"


def test_a_merged_id_resolves_to_the_record_it_was_merged_into() -> None:
    assert kzdata.replacement("indicator_values", "smaller-parties-vote-share-min-2023") == (
        "smaller-parties-vote-share-2023"
    )


def test_an_unknown_id_or_one_of_another_table_resolves_to_nothing() -> None:
    assert kzdata.replacement("events", "no-such-event") is None
    # the merged id is an indicator value's, not an event's
    assert kzdata.replacement("events", "smaller-parties-vote-share-min-2023") is None


def test_a_change_log_id_is_not_taken_for_a_record() -> None:
    assert kzdata.replacement("changes", "0-2-0-corrected-people-karin-erlan") is None


def test_a_renamed_id_resolves_to_its_new_id(release: ReleaseCopy) -> None:
    release.set("events", OLD, event_id=NEW)
    release.add(
        "changes",
        "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
        change_id="0-3-0-renamed-events-2023-11-kgb-archives-opened",
        version="0.3.0",
        change="renamed",
        record_table="events",
        record_id=OLD,
        merged_into=NEW,
        reason="The id named the month of the cited report, not the event's dates.",
    )
    release.save()
    assert kzdata.replacement("events", OLD) == NEW
    assert kzdata.replacement("events", NEW) == NEW


def test_a_retracted_id_resolves_to_nothing(release: ReleaseCopy) -> None:
    release.drop("events", event_id=OLD)
    release.add(
        "changes",
        "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
        change_id="0-3-0-retracted-events-2023-11-kgb-archives-opened",
        version="0.3.0",
        change="retracted",
        record_table="events",
        record_id=OLD,
        merged_into=None,
        reason="Retracted.",
    )
    release.save()
    assert kzdata.replacement("events", OLD) is None


def test_replacement_refuses_an_unknown_table_or_no_id() -> None:
    with pytest.raises(UnknownTableError, match="unknown table 'event'"):
        kzdata.replacement("event", OLD)
    with pytest.raises(InvalidArgumentError, match="replacement\\(\\) needs an id, got ''"):
        kzdata.replacement("events", "")
    with pytest.raises(InvalidArgumentError, match="needs an id, got None"):
        kzdata.replacement("events", None)  # type: ignore[arg-type]
