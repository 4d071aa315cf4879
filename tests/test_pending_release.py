"""The corrections waiting for 0.3.0 can be cut into a release: a rehearsal in a copy.

While 0.2.0 is the version built, the audit's corrections wait in
``docs/changes-0.3.0-pending.csv`` and ``docs/citations-0.3.0-pending.csv``
(``scripts/apply_pending.py`` explains why). A pending log that could not be applied (an
id given twice, a retraction of a record that is still cited, a citation of a record that
does not exist) would only show on the day of the release. This test applies them to a
copy of the build's inputs, as the maintainer will: version bumped, pending files moved
into raw/, the release frozen with ``kzdata release``, then built. The expected counts
come from the pending files themselves, read with the csv module.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzdata._pipeline.build import build

REPO = Path(__file__).resolve().parents[1]
VERSION = "0.3.0"
CHANGES = REPO / "docs" / f"changes-{VERSION}-pending.csv"
CITATIONS = REPO / "docs" / f"citations-{VERSION}-pending.csv"

pytestmark = pytest.mark.skipif(not CHANGES.exists(), reason="no pending change log: the release has been cut")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _bump(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(re.sub(r'^version = ".*"$', f'version = "{VERSION}"', text, flags=re.M), encoding="utf-8")


def _apply(project: Path) -> subprocess.CompletedProcess[str]:
    script = REPO / "scripts" / "apply_pending.py"
    return subprocess.run([sys.executable, str(script), str(project)], capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_the_pending_logs_apply_and_build_as_0_3_0(project_copy: Path) -> None:
    (project_copy / "docs").mkdir(exist_ok=True)
    shutil.copy2(CHANGES, project_copy / "docs" / CHANGES.name)
    shutil.copy2(CITATIONS, project_copy / "docs" / CITATIONS.name)
    changes, citations = _rows(CHANGES), _rows(CITATIONS)
    retracted = {r["record_id"] for r in changes if r["change"] == "retracted" and r["record_table"] == "citations"}
    before = _rows(project_copy / "raw" / "citations.csv")
    log_before = _rows(project_copy / "raw" / "changes.csv")

    _bump(project_copy)
    done = _apply(project_copy)
    assert done.returncode == 0, done.stderr
    after = _rows(project_copy / "raw" / "citations.csv")
    assert len(after) == len(before) - len(retracted) + len(citations)
    assert not retracted & {r["citation_id"] for r in after}
    assert len(_rows(project_copy / "raw" / "changes.csv")) == len(log_before) + len(changes)
    assert not (project_copy / "docs" / CHANGES.name).exists()

    from kzdata._pipeline.build import read_all
    from kzdata._pipeline.stable_ids import freeze

    tables, issues = read_all(project_copy / "raw")
    assert not issues, issues
    freeze(project_copy, VERSION, {n: t.frame for n, t in tables.items()}, "0.3.0: anchors, audit and data model")
    result = build(project_copy)
    assert result is not None


def test_the_script_refuses_before_the_version_is_bumped(tmp_path: Path) -> None:
    """Applied to a 0.2.0 project, it changes nothing and says to bump the version."""
    project = tmp_path / "p"
    (project / "docs").mkdir(parents=True)
    (project / "raw").mkdir()
    shutil.copy2(REPO / "pyproject.toml", project / "pyproject.toml")
    shutil.copy2(CHANGES, project / "docs" / CHANGES.name)
    done = _apply(project)
    assert done.returncode != 0
    assert f"the pending files are for {VERSION}, but pyproject.toml says 0.2.0: bump it first" in done.stderr
    assert (project / "docs" / CHANGES.name).exists()


OLD_EVENT = "2023-11-kgb-archives-opened"
NEW_EVENT = "kgb-archives-opened"
RENAME = {
    "change_id": "0-3-0-renamed-events-2023-11-kgb-archives-opened",
    "version": VERSION,
    "change": "renamed",
    "record_table": "events",
    "record_id": OLD_EVENT,
    "merged_into": NEW_EVENT,
    "reason": "The id named the month of the report cited for the event, not the event's dates.",
}


def _pending_rename(project: Path) -> None:
    """A pending log holding one rename (the real pending log may hold none)."""
    (project / "docs").mkdir(exist_ok=True)
    header = list(RENAME)
    with (project / "docs" / CHANGES.name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerow(RENAME)
    _bump(project)


def test_a_pending_rename_renames_the_record_and_every_reference(project_copy: Path) -> None:
    raw = project_copy / "raw"
    _pending_rename(project_copy)
    done = _apply(project_copy)
    assert done.returncode == 0, done.stderr
    assert "1 ids renamed in raw/events.csv" in done.stdout
    events = {r["event_id"] for r in _rows(raw / "events.csv")}
    assert NEW_EVENT in events and OLD_EVENT not in events
    actors = [r for r in _rows(raw / "event_actors.csv") if r["event_id"] == NEW_EVENT]
    # the actors' own ids embed the old event id: they are names of other records and stay
    assert sorted(r["event_actor_id"] for r in actors) == [
        "2023-11-kgb-archives-opened-government-of-kazakhstan",
        "2023-11-kgb-archives-opened-kgb",
    ]
    cited = [r for r in _rows(raw / "citations.csv") if r["record_table"] == "events" and r["record_id"] == NEW_EVENT]
    assert [r["citation_id"] for r in cited] == ["events-2023-11-kgb-archives-opened-1"]
    assert not [r for r in _rows(raw / "citations.csv") if r["record_id"] == OLD_EVENT]
    # the change log's earlier entries are about the old id and keep it
    log = _rows(raw / "changes.csv")
    assert [r["change"] for r in log if r["record_id"] == OLD_EVENT] == ["corrected", "renamed"]


@pytest.mark.slow
def test_a_pending_rename_builds_and_the_old_id_is_retired(project_copy: Path) -> None:
    _pending_rename(project_copy)
    assert _apply(project_copy).returncode == 0
    from kzdata._pipeline.build import read_all

    _, issues = read_all(project_copy / "raw")
    assert not issues, issues
    assert build(project_copy) is not None
