"""The build: deterministic, atomic, and precise about bad input."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kzdata import _files
from kzdata.build.run import build
from kzdata.errors import RawDataError
from kzdata.load import load
from tests.conftest import REPO


def digests(root: Path) -> dict[str, str]:
    generated = ("datapackage.json", "croissant.json", "CITATION.cff", ".zenodo.json", "docs/data-dictionary.md")
    files = sorted((root / "kzdata" / "data").rglob("*")) + [root / name for name in generated]
    return {
        str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in files
        if f.is_file() and "__pycache__" not in f.parts
    }


def test_committed_outputs_are_fresh(project_copy: Path) -> None:
    """The shipped files are exactly what `kzdata build` makes of raw/ (else: run it)."""
    build(project_copy)
    fresh = digests(project_copy)
    committed = digests(REPO)
    assert fresh.keys() == committed.keys()
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale generated files, run `kzdata build`: {stale}"


def test_two_builds_are_byte_identical(project_copy: Path) -> None:
    build(project_copy)
    first = digests(project_copy)
    build(project_copy)
    assert digests(project_copy) == first


def test_a_bad_cell_is_reported_with_file_line_column_value_and_rule(project_copy: Path) -> None:
    events = project_copy / "raw" / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    start = header.index("date_start")
    cells[start] = "2022-02-30"
    lines[1] = ",".join(cells) + "\n"
    events.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    message = str(info.value)
    assert (
        "raw/events.csv, line 2, column 'date_start': value '2022-02-30' breaks rule: "
        "the date does not exist in the calendar"
    ) in message
    assert "nothing was written" in message


def test_every_problem_is_reported_at_once(project_copy: Path) -> None:
    people = project_copy / "raw" / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "Bad Id," + lines[1].split(",", 1)[1]
    people.write_text("".join(lines), encoding="utf-8")
    (project_copy / "raw" / "places.csv").write_text("", encoding="utf-8")
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    issues = info.value.issues
    files = {i.where for i in issues}
    assert {"raw/people.csv", "raw/places.csv"} <= files
    assert any(i.column == "person_id" and i.value == "'Bad Id'" for i in issues)
    assert any("the file is empty" in i.rule for i in issues)


def test_a_failed_build_leaves_the_last_good_output(project_copy: Path) -> None:
    build(project_copy)
    before = digests(project_copy)
    (project_copy / "raw" / "sentences.csv").write_text("sentence_id\n", encoding="utf-8")
    with pytest.raises(RawDataError, match=r"raw/sentences.csv, -, column '-'"):
        build(project_copy)
    assert digests(project_copy) == before
    assert not list(project_copy.glob("kzdata/.data-*")), "no staging directory is left behind"


def test_an_empty_table_keeps_its_categories(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change log may be empty before a first release; its categories must survive."""
    (project_copy / "raw" / "changes.csv").write_text(
        "change_id,version,change,record_table,record_id,merged_into,reason\n", encoding="utf-8"
    )
    # Before a first release raw/releases/ is an empty folder (a missing one is an error).
    shutil.rmtree(project_copy / "raw" / "releases", ignore_errors=True)
    (project_copy / "raw" / "releases").mkdir()
    build(project_copy)
    monkeypatch.setattr(_files, "data_dir", lambda: project_copy / "kzdata" / "data")
    changes = load("changes")
    assert len(changes) == 0
    assert list(changes["change"].cat.categories) == ["added", "corrected", "retracted", "merged"]
