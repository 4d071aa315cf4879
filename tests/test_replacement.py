"""``kzdata.replacement``: an id retired by a merge or a rename still finds its record.

The shipped log holds the merges of 0.2.0 and the eight event renames of 0.3.0 (docs/dates.md,
"One fact, one date"); a retraction is made on a copy of the release
(``tests/release_copy.py``). The renames expected are written out by hand.
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

#: The events 0.3.0 renamed, old id to new id (docs/dates.md; written out by hand).
RENAMED_0_3_0 = {
    "2022-01-04-almaty-demonstrations-escalate": "2022-01-almaty-demonstrations-escalate",
    "2022-01-04-police-use-tear-gas-in-almaty": "2022-01-police-use-tear-gas-in-almaty",
    "2022-01-05-armed-groups-join-almaty-protests": "2022-01-armed-groups-join-almaty-protests",
    "2022-06-tokayev-tells-putin-no-recognition": "2022-tokayev-tells-putin-no-recognition",
    "2023-05-kolkobayev-says-case-secret": "kolkobayev-says-case-secret",
    "2023-08-rural-akims-elected": "rural-akims-elected",
    "2023-08-seven-regions-elect-rural-mayors": "seven-regions-elect-rural-mayors",
    OLD: NEW,
}


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReleaseCopy:
    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    return copy


def test_an_id_in_the_data_is_its_own_replacement() -> None:
    assert kzdata.replacement("events", NEW) == NEW
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


def test_every_renamed_id_resolves_to_its_new_id_which_is_in_the_data() -> None:
    events = set(kzdata.events()["event_id"])
    for old, new in RENAMED_0_3_0.items():
        assert kzdata.replacement("events", old) == new
        assert new in events and old not in events
    log = kzdata.changes()
    renamed = log[(log["change"] == "renamed") & (log["version"] == "0.3.0")]
    assert dict(zip(renamed["record_id"], renamed["merged_into"], strict=True)) == RENAMED_0_3_0


def test_a_retracted_id_resolves_to_nothing(release: ReleaseCopy) -> None:
    release.drop("events", event_id=NEW)
    release.add(
        "changes",
        "0-2-0-merged-indicator-values-smaller-parties-vote-share-min-2023",
        change_id="0-4-0-retracted-events-kgb-archives-opened",
        version="0.4.0",
        change="retracted",
        record_table="events",
        record_id=NEW,
        merged_into=None,
        reason="Retracted.",
    )
    release.save()
    assert kzdata.replacement("events", NEW) is None


def test_replacement_refuses_an_unknown_table_or_no_id() -> None:
    with pytest.raises(UnknownTableError, match="unknown table 'event'"):
        kzdata.replacement("event", OLD)
    with pytest.raises(InvalidArgumentError, match="replacement\\(\\) needs an id, got ''"):
        kzdata.replacement("events", "")
    with pytest.raises(InvalidArgumentError, match="needs an id, got None"):
        kzdata.replacement("events", None)  # type: ignore[arg-type]


def test_the_table_of_renames_in_docs_dates_is_the_change_log() -> None:
    """docs/dates.md, "One fact, one date": each row's old and new id, as written above by hand."""
    from tests.conftest import REPO

    text = (REPO / "docs" / "dates.md").read_text(encoding="utf-8")
    body = text.split("| 0.2.0 id | dates | 0.3.0 id |", 1)[1].split("\n\n", 1)[0]
    rows = [[c.strip().strip("`") for c in line.strip("|").split("|")] for line in body.strip().splitlines()[1:]]
    assert {old: new for old, _, new in rows} == RENAMED_0_3_0
