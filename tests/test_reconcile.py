"""The build's reconciliation of raw/ with the change log, called directly on the checkout's tables.

Oracles: raw/changes.csv read with the csv module (which records have an entry of 0.3.0),
the sha256 each release recorded for its CSV files (tests/test_history.py checks them
against the files in git), and the exact messages the build promises (docs/versioning.md,
"Reconciliation").
"""

from __future__ import annotations

import copy
import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from kzdata import _history
from kzdata._pipeline.raw_tables import RawTable
from kzdata._pipeline.reconcile import previous_release, reconcile_issues
from tests.conftest import REPO

HOW = "docs/versioning.md, Reconciliation"


@pytest.fixture(scope="module")
def checkout_tables() -> dict[str, RawTable]:
    from kzdata._pipeline.build import read_all

    tables, issues = read_all(REPO / "raw")
    assert issues == []
    return tables


@pytest.fixture
def tables(checkout_tables: dict[str, RawTable]) -> dict[str, RawTable]:
    out = {}
    for name, raw in checkout_tables.items():
        raw_copy = copy.copy(raw)
        raw_copy.frame = raw.frame.copy()
        out[name] = raw_copy
    return out


def _root(tmp_path: Path, *, frozen: bool = True) -> Path:
    """A root with the checkout's history store and its record (and the frozen ids of 0.3.0)."""
    shutil.copytree(REPO / "kzdata" / "_history", tmp_path / "kzdata" / "_history")
    shutil.copy(REPO / "kzdata" / "_history_record.py", tmp_path / "kzdata" / "_history_record.py")
    if frozen:
        (tmp_path / "raw" / "releases").mkdir(parents=True)
        shutil.copy(REPO / "raw" / "releases" / "0.3.0.csv", tmp_path / "raw" / "releases" / "0.3.0.csv")
    return tmp_path


def _logged(version: str) -> set[tuple[str, str]]:
    with (REPO / "raw" / "changes.csv").open(encoding="utf-8", newline="") as f:
        return {(r["record_table"], r["record_id"]) for r in csv.DictReader(f) if r["version"] == version}


def _unlogged_person() -> str:
    with (REPO / "raw" / "people.csv").open(encoding="utf-8", newline="") as f:
        ids = [r["person_id"] for r in csv.DictReader(f)]
    logged = _logged("0.3.0")
    return next(i for i in ids if ("people", i) not in logged)


def _t(issue: object) -> tuple[str, ...]:
    return tuple(getattr(issue, f) for f in ("where", "row", "column", "value", "rule"))


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_the_checkout_is_reconciled(tables: dict[str, RawTable]) -> None:
    assert reconcile_issues(REPO, "0.3.0", tables) == []


def test_the_previous_release_is_the_last_stored_one_before_the_version(tmp_path: Path) -> None:
    root = _root(tmp_path)
    for version, base in (("0.3.0", "0.2.0"), ("0.2.5", "0.2.0"), ("0.4.0", "0.3.0"), ("0.2.0", "0.1.0")):
        old, issues = previous_release(root, version)
        assert issues == [] and old is not None
        assert old.version == base
        recorded = {t["name"]: t["csv"]["sha256"] for t in _history.release(base)["tables"]}
        assert set(old.tables) == set(recorded)
        for name, (columns, rows) in old.tables.items():
            assert _sha(_history.csv_bytes(columns, rows)) == recorded[name], (version, name)
    assert previous_release(root, "0.1.0") == (None, [])


def test_a_root_without_a_history_store_is_not_reconciled(tmp_path: Path, tables: dict[str, RawTable]) -> None:
    assert previous_release(tmp_path, "0.3.0") == (None, [])
    tables["people"].frame.loc[0, "name"] = "Someone Else"
    assert reconcile_issues(tmp_path, "0.3.0", tables) == []


def test_a_first_release_has_nothing_to_reconcile(tmp_path: Path, tables: dict[str, RawTable]) -> None:
    tables["people"].frame.loc[0, "name"] = "Someone Else"
    assert reconcile_issues(_root(tmp_path), "0.1.0", tables) == []


@pytest.mark.parametrize("record", ["missing", "other", "malformed"])
def test_a_history_index_without_its_recorded_hash_is_an_issue(tmp_path: Path, record: str) -> None:
    root = _root(tmp_path)
    module = root / "kzdata" / "_history_record.py"
    if record == "missing":
        module.unlink()
    elif record == "other":
        module.write_text(module.read_text(encoding="utf-8").replace('= "sha256:', '= "sha256:0', 1)[:-3] + '"\n')
    else:
        module.write_text(module.read_text(encoding="utf-8").replace("INDEX_SHA256 = ", "INDEX_SHA256 =  "))
    old, issues = previous_release(root, "0.3.0")
    data = (root / "kzdata" / "_history" / "releases.json").read_bytes()
    assert old is None
    assert [_t(i) for i in issues] == [
        (
            "kzdata/_history/releases.json",
            "-",
            "-",
            _sha(data),
            "the history index does not have the sha256 kzdata/_history_record.py records; run scripts/history.py",
        )
    ]


def test_a_history_file_without_its_indexed_hash_is_an_issue(tmp_path: Path, tables: dict[str, RawTable]) -> None:
    root = _root(tmp_path)
    file = root / "kzdata" / "_history" / "people.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    file.write_bytes(bytes(data))
    old, issues = previous_release(root, "0.3.0")
    assert old is None
    assert [_t(i) for i in issues] == [
        (
            "kzdata/_history/people.parquet",
            "-",
            "-",
            _sha(bytes(data)),
            "the history file does not have the sha256 releases.json records; run scripts/history.py",
        )
    ]
    assert [_t(i) for i in reconcile_issues(root, "0.3.0", tables)] == [_t(i) for i in issues]


def test_a_changed_value_without_an_entry_is_an_issue_naming_its_cell(tables: dict[str, RawTable]) -> None:
    person = _unlogged_person()
    people = tables["people"]
    row = list(people.frame["person_id"]).index(person)
    was = people.frame.loc[row, "name"]
    people.frame.loc[row, "name"] = "Someone Else"
    (issue,) = reconcile_issues(REPO, "0.3.0", tables)
    assert _t(issue) == (
        "raw/people.csv",
        people.where(row, "name"),
        "name",
        "'Someone Else'",
        f"the value changed since release 0.2.0 (it was {was!r}) and raw/changes.csv has no entry of 0.3.0 "
        f"for people {person!r}; log a 'corrected' entry with the reason ({HOW})",
    )


def test_a_change_since_the_current_release_is_checked_against_it(tmp_path: Path, tables: dict[str, RawTable]) -> None:
    person = _unlogged_person()
    people = tables["people"]
    row = list(people.frame["person_id"]).index(person)
    assert reconcile_issues(_root(tmp_path), "0.4.0", tables) == []
    people.frame.loc[row, "name"] = "Someone Else"
    (issue,) = reconcile_issues(tmp_path, "0.4.0", tables)
    assert "changed since release 0.3.0" in issue.rule and "no entry of 0.4.0" in issue.rule


def test_an_id_changed_without_an_entry_is_a_record_gone_and_one_added(
    tmp_path: Path, tables: dict[str, RawTable]
) -> None:
    person = _unlogged_person()
    people = tables["people"]
    row = list(people.frame["person_id"]).index(person)
    people.frame.loc[row, "person_id"] = "brand-new-person"
    issues = reconcile_issues(_root(tmp_path), "0.3.0", tables)
    assert [_t(i) for i in issues] == [
        (
            "raw/people.csv",
            people.where(row, "person_id"),
            "person_id",
            "'brand-new-person'",
            f"a record new since release 0.2.0 needs an 'added' entry of 0.3.0 in raw/changes.csv ({HOW})",
        ),
        (
            "raw/people.csv",
            "-",
            "person_id",
            repr(person),
            "a record of release 0.2.0 is gone and raw/changes.csv has no 'retracted', 'merged' or 'renamed' "
            f"entry of 0.3.0 for it ({HOW})",
        ),
    ]
    # before the version's ids are frozen, `kzdata release` logs the new ones: only the record gone is an issue
    unfrozen = _root(tmp_path / "unfrozen", frozen=False)
    assert [i.value for i in reconcile_issues(unfrozen, "0.3.0", tables)] == [repr(person)]


def test_an_entry_that_changes_nothing_is_an_issue_at_its_line(tables: dict[str, RawTable]) -> None:
    with (REPO / "raw" / "changes.csv").open(encoding="utf-8", newline="") as f:
        entry = next(r for r in csv.DictReader(f) if r["version"] == "0.3.0" and r["change"] == "retracted")
    # point the retraction at a record that never existed: the row it retracted is gone without an entry,
    # and the entry retracts nothing
    changes = tables["changes"]
    line = list(changes.frame["change_id"]).index(entry["change_id"])
    changes.frame.loc[line, "record_id"] = "no-such-record"
    issues = reconcile_issues(REPO, "0.3.0", tables)
    assert [_t(i) for i in issues] == [
        (
            "raw/citations.csv",
            "-",
            "citation_id",
            repr(entry["record_id"]),
            "a record of release 0.2.0 is gone and raw/changes.csv has no 'retracted', 'merged' or 'renamed' "
            f"entry of 0.3.0 for it ({HOW})",
        ),
        (
            "raw/changes.csv",
            changes.where(line, "change"),
            "change_id",
            repr(entry["change_id"]),
            "this retracted entry of 0.3.0 changes nothing since release 0.2.0 (citations 'no-such-record' is as "
            f"it was); remove it or make the change it states ({HOW})",
        ),
    ]


def test_a_column_the_build_derives_needs_no_entry_of_its_own(tmp_path: Path, tables: dict[str, RawTable]) -> None:
    with (REPO / "raw" / "events.csv").open(encoding="utf-8", newline="") as f:
        ids = [r["event_id"] for r in csv.DictReader(f)]
    event = next(i for i in ids if ("events", i) not in _logged("0.3.0"))
    events = tables["events"]
    row = list(events.frame["event_id"]).index(event)
    # location_precision is derived from the event's place (kzdata/_registry.py): it follows its inputs
    current = events.frame.loc[row, "location_precision"]
    events.frame.loc[row, "location_precision"] = next(
        c for c in events.frame["location_precision"].cat.categories if c != current
    )
    # against 0.3.0, which has the column (0.2.0 did not)
    assert reconcile_issues(_root(tmp_path), "0.4.0", tables) == []
    events.frame.loc[row, "title"] = "Another title"
    assert [i.column for i in reconcile_issues(tmp_path, "0.4.0", tables)] == ["title"]
