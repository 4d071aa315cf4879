"""The build: deterministic, atomic, and precise about bad input."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from kzdata._load import load
from kzdata._pipeline.build import build
from kzdata.errors import RawDataError
from tests.conftest import REPO, point_kzdata_at


def digests(root: Path) -> dict[str, str]:
    generated = (
        "datapackage.json",
        "croissant.json",
        "CITATION.cff",
        ".zenodo.json",
        "docs/data-dictionary.md",
        "docs/quality.md",
        "docs/quality-changes.svg",
    )
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


@pytest.mark.slow  # two full builds; test_committed_outputs_are_fresh above makes one
def test_two_builds_are_byte_identical(project_copy: Path) -> None:
    build(project_copy)
    first = digests(project_copy)
    build(project_copy)
    assert digests(project_copy) == first


@pytest.mark.slow
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


@pytest.mark.slow
def test_an_empty_table_keeps_its_categories(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change log may be empty before a first release; its categories must survive."""
    (project_copy / "raw" / "changes.csv").write_text(
        "change_id,version,change,record_table,record_id,merged_into,reason\n", encoding="utf-8"
    )
    # Before a first release raw/releases/ is an empty folder (a missing one is an error).
    shutil.rmtree(project_copy / "raw" / "releases", ignore_errors=True)
    (project_copy / "raw" / "releases").mkdir()
    build(project_copy)
    point_kzdata_at(project_copy / "kzdata" / "data", monkeypatch)
    changes = load("changes")
    assert len(changes) == 0
    assert list(changes["change"].cat.categories) == ["added", "corrected", "retracted", "merged", "renamed"]


@pytest.mark.slow
def test_a_stray_csv_in_raw_is_reported_not_ignored(project_copy: Path) -> None:
    shutil.copy(project_copy / "raw" / "places.csv", project_copy / "raw" / "placez.csv")
    with pytest.raises(RawDataError, match=r"raw/placez\.csv.*not a kzdata table"):
        build(project_copy)


@pytest.mark.slow
def test_an_unreadable_date_is_reported_once_not_again_by_the_rules(project_copy: Path) -> None:
    # 2022-02-30 cannot be read; the rules on the same row (precision, basis) would only
    # report its absence, so the build names the one real problem.
    events = project_copy / "raw" / "events.csv"
    with events.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("date_start")] = "2022-02-30"
    with events.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    problems = [line for line in str(info.value).splitlines() if line.strip().startswith("- ")]
    assert len(problems) == 1, problems
    assert "raw/events.csv, line 2, column 'date_start'" in problems[0]
    assert "does not exist in the calendar" in problems[0]


def _current_manifest(root: Path) -> Path:
    return sorted((root / "raw" / "releases").glob("*.csv"))[-1]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "rule"),
    [
        (lambda m: shutil.copy(m, m.with_name("9.9.9.csv")), r"raw/releases/9\.9\.9\.csv.*later than the version"),
        (
            lambda m: m.write_text(
                m.read_text(encoding="utf-8") + m.read_text(encoding="utf-8").splitlines()[-1] + "\n"
            ),
            r"each id is listed once",
        ),
        (lambda m: m.write_bytes(m.read_bytes().replace(b"\n", b"\r\n")), r"LF only"),
    ],
    ids=["manifest-from-the-future", "duplicate-row", "crlf"],
)
def test_release_manifests_are_checked_strictly(project_copy: Path, damage: object, rule: str) -> None:
    damage(_current_manifest(project_copy))  # type: ignore[operator]
    with pytest.raises(RawDataError, match=rule):
        build(project_copy)


@pytest.mark.slow
def test_a_change_logged_under_a_future_version_is_refused(project_copy: Path) -> None:
    log = project_copy / "raw" / "changes.csv"
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[1] = "9.9.9"
    lines[1] = ",".join(cells)
    log.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(RawDataError, match=r"raw/changes\.csv, line 2, column 'version'.*later than the version"):
        build(project_copy)


@pytest.mark.slow
def test_a_bare_quote_in_an_unquoted_field_is_refused(project_copy: Path) -> None:
    places = project_copy / "raw" / "places.csv"
    lines = places.read_text(encoding="utf-8").split("\n")
    place_id, name = lines[1].split(",")[:2]
    assert '"' not in name, "the test needs an unquoted name on line 2"
    lines[1] = lines[1].replace(f"{place_id},{name},", f'{place_id},{name[:2]}"{name[2:]},', 1)
    places.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RawDataError, match=r"raw/places\.csv, line 2, column 'name'.*RFC 4180"):
        build(project_copy)


def test_a_repeated_header_column_is_named(project_copy: Path) -> None:
    places = project_copy / "raw" / "places.csv"
    lines = places.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace("name,", "name,name,", 1)
    places.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RawDataError, match=r"repeated \['name'\]"):
        build(project_copy)
