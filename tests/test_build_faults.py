"""Issue 18: what the build, `kzdata release`, the exports and `kzdata serve` do when something is off.

* the build proves every output path writable before its commit point, and changes nothing
  when one is not (a folder where a generated file goes, a file where a folder goes, a
  read-only folder);
* a refused raw file names its line, also after a quoted line break (physical lines);
* every file in raw/ that the build does not read is a problem, and the source
  distribution holds only what rebuilds the release (and what its own tests read);
* an empty raw/releases/ is refused once a release evidently came before;
* `kzdata release --reason` is checked as the build checks the cell, before anything is written;
* exports: any date the registry allows reaches Stata; a full disk is an ExportWriteError
  (exit 2) and leaves nothing behind; the SQLite export's own foreign-key refusal leaves no
  temporary file; an export inside the data folder is refused;
* serve: an empty host is refused, bad requests print no traceback (and nothing a visitor
  typed), SIGTERM deletes the temporary database;
* invisible characters, four-digit years in timeline labels, and the data folder beside the
  code that runs (not one an editable install's finder or link tree points at).

Oracles are the file system (hashes of every output), the command's exit code and stderr,
and files read back with other tools (pyreadstat, sqlite3, tarfile).
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import tomllib

import kzdata
from kzdata import _files, _recovery
from kzdata._cli import main
from kzdata._pipeline import transaction
from kzdata._pipeline.build import build
from kzdata._pipeline.raw_tables import read_raw
from kzdata._registry import EVENTS, PEOPLE, TABLES
from kzdata.errors import BuildWriteError, IntegrityError, InvalidArgumentError, RawDataError
from tests.conftest import REPO

GENERATED = (
    "datapackage.json",
    "croissant.json",
    "CITATION.cff",
    ".zenodo.json",
    "docs/data-dictionary.md",
    "docs/formats.md",
    "docs/quality.md",
    "docs/quality-changes.svg",
    "kzdata/_generated.py",
)


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that imports kzdata from this checkout, whatever its working folder."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file and the kind of every folder outside raw/ (inputs excepted): all a build may change."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("raw/") or rel == "raw" or rel.endswith("/lock"):
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return out


def leftovers(root: Path) -> list[str]:
    found = [p.name for p in (root / "kzdata").glob(".data-*")] if (root / "kzdata").is_dir() else []
    state = root / _recovery.STATE_DIR
    found += [p.name for p in state.iterdir() if p.name != _recovery.LOCK] if state.is_dir() else []
    found += [str(p) for p in root.rglob(f"{transaction.PROBE_PREFIX}*")]
    return found


#: The version being built (pyproject.toml) and the patch release after it, which ``bump`` moves to.
CURRENT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
NEXT = ".".join([*CURRENT.split(".")[:2], str(int(CURRENT.split(".")[2]) + 1)])


def bump(root: Path) -> None:
    project = root / "pyproject.toml"
    project.write_text(project.read_text(encoding="utf-8").replace(f'version = "{CURRENT}"', f'version = "{NEXT}"', 1))


def rewrite(path: Path, edit: object) -> None:
    """Rewrite a raw CSV: ``edit(rows)`` changes the list of rows (header first) in place."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    edit(rows)  # type: ignore[operator]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


@pytest.fixture
def built(project_copy: Path) -> Path:
    """A project built once, then moved to the next version: the next build changes every output."""
    build(project_copy)
    shutil.rmtree(project_copy / _recovery.STATE_DIR)
    bump(project_copy)
    return project_copy


# --------------------------------------------------------------------------- 1. all or nothing, completely


@pytest.mark.slow
def test_a_folder_where_the_data_dictionary_goes_is_refused_and_nothing_changes(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built / "docs" / "data-dictionary.md").unlink()
    (built / "docs" / "data-dictionary.md").mkdir()
    (built / "docs" / "data-dictionary.md" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(built)
    assert main(["build", "--root", str(built)]) == 2
    err = capsys.readouterr().err
    assert "docs/data-dictionary.md is a folder, where the build writes a file" in err
    assert "nothing was changed, the previous release is intact" in err and "move the folder away" in err
    assert "committed" not in err and "Traceback" not in err
    assert snapshot(built) == before, "a refused build changed an output"
    assert not leftovers(built), leftovers(built)
    shutil.rmtree(built / "docs" / "data-dictionary.md")
    assert build(built).version == NEXT
    assert not leftovers(built)


@pytest.mark.slow
def test_a_file_where_a_folder_must_be_is_refused_and_nothing_is_created(project_copy: Path) -> None:
    (project_copy / "kzdata").write_text("not a folder\n", encoding="utf-8")
    before = snapshot(project_copy)
    with pytest.raises(BuildWriteError) as info:
        build(project_copy)
    message = str(info.value)
    assert "kzdata is a file, but the build writes kzdata/_generated.py inside it" in message
    assert "kzdata is a file, but the build writes kzdata/data inside it" in message
    assert "nothing was changed" in message
    assert snapshot(project_copy) == before
    assert not (project_copy / "datapackage.json").exists()


@pytest.mark.slow
def test_a_folder_that_refuses_new_files_is_refused_before_staging(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only mount refuses even root (who ignores permission bits), so the probe's create fails."""
    docs = built / "docs"
    real_open = os.open

    def read_only_docs(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(path)).parent == docs and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    before = snapshot(built)
    monkeypatch.setattr(os, "open", read_only_docs)
    with pytest.raises(BuildWriteError) as info:
        build(built)
    monkeypatch.undo()
    message = str(info.value)
    assert "cannot create files in docs (Read-only file system), where the build writes docs/" in message
    assert "make it writable" in message and "nothing was changed" in message
    assert snapshot(built) == before
    assert not leftovers(built)


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root ignores permission bits (the test above simulates a read-only mount)"
)
def test_a_folder_without_write_permission_is_refused(built: Path) -> None:  # pragma: no cover - not run as root
    docs = built / "docs"
    before = snapshot(built)
    docs.chmod(0o555)
    try:
        with pytest.raises(BuildWriteError, match=r"cannot create files in docs"):
            build(built)
    finally:
        docs.chmod(0o755)
    assert snapshot(built) == before


# --------------------------------------------------------------------------- 2. lines


def test_a_single_crlf_line_end_is_refused_with_its_line(project_copy: Path) -> None:
    places = project_copy / "raw" / "places.csv"
    lines = places.read_bytes().split(b"\n")
    lines[4] += b"\r"  # line 5 ends in CRLF, every other line in LF
    places.write_bytes(b"\n".join(lines))
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    (issue,) = [i for i in info.value.issues if i.where == "raw/places.csv"]
    assert issue.row == "line 5"
    assert "\\r\\n" in issue.rule and "line 5 is the first" in issue.rule


@pytest.mark.slow
def test_lines_after_a_quoted_line_break_are_physical_lines(project_copy: Path) -> None:
    """Record 5 (physical line 6) gets a line break in its description: its category is on line 7."""
    events = project_copy / "raw" / "events.csv"

    def edit(rows: list[list[str]]) -> None:
        header = rows[0]
        rows[5][header.index("description")] = "First line\nsecond line"
        rows[5][header.index("category")] = "riot"
        rows[7][header.index("category")] = "uprising"  # record 7 now starts on physical line 9

    rewrite(events, edit)
    physical = events.read_text(encoding="utf-8").split("\n")
    assert physical[6].startswith('second line",riot,'), "the category is on line 7"
    assert ",uprising," in physical[8]
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    rows = [(i.row, i.column) for i in info.value.issues if i.where == "raw/events.csv"]
    assert rows == [
        ("line 6", "description"),  # the line break itself: the record starts on line 6
        ("line 7 (record from line 6)", "category"),  # the cell after the break, and its record
        ("line 9", "category"),  # a later record: its physical line
    ]
    assert "raw/events.csv, line 7 (record from line 6), column 'category': value 'riot'" in str(info.value)


@pytest.mark.slow
def test_a_manifest_with_crlf_names_its_line(project_copy: Path) -> None:
    manifest = project_copy / "raw" / "releases" / "0.2.0.csv"
    lines = manifest.read_bytes().split(b"\n")
    lines[2] += b"\r"
    manifest.write_bytes(b"\n".join(lines))
    with pytest.raises(RawDataError, match=r"raw/releases/0\.2\.0\.csv, line 3, .*LF only.*line 3 is the first"):
        build(project_copy)


# --------------------------------------------------------------------------- 3. what the build ignores


@pytest.mark.slow
def test_every_file_in_raw_that_the_build_does_not_read_is_a_problem(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = project_copy / "raw"
    (raw / "private").mkdir()
    (raw / "private" / "informants.csv").write_text("name,phone\nsomeone,+7 700 000 00 00\n", encoding="utf-8")
    shutil.copy(raw / "events.csv", raw / "events.CSV")
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (raw / "releases" / "notes.txt").write_text("to do\n", encoding="utf-8")
    (raw / "empty").mkdir()
    before = snapshot(project_copy)
    assert main(["build", "--root", str(project_copy)]) == 1
    err = capsys.readouterr().err
    for path in ("raw/private/informants.csv", "raw/.DS_Store", "raw/releases/notes.txt"):
        assert re.search(rf"{re.escape(path)}, -, column '-'.*not a kzdata table file.*move it out of raw/", err), path
    assert re.search(r"raw/events\.CSV, .*the build reads raw/events\.csv \(lower case\)", err)
    assert re.search(r"raw/empty, .*empty folder", err)
    assert "Traceback" not in err
    assert snapshot(project_copy) == before


@pytest.mark.slow
def test_the_sdist_holds_only_what_rebuilds_and_tests_the_release(tmp_path: Path) -> None:
    """Built from a copy of the checkout with a private note, a case variant and stale egg-info in raw/."""
    pytest.importorskip("build")
    src = tmp_path / "src"
    skip = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".kzdata-build")
    shutil.copytree(REPO, src, ignore=skip)
    for stray in (src / "kzdata").glob(".data-*"):
        shutil.rmtree(stray)
    (src / "raw" / "private").mkdir()
    (src / "raw" / "private" / "informants.csv").write_text("name\nsomeone\n", encoding="utf-8")
    shutil.copy(src / "raw" / "events.csv", src / "raw" / "events.CSV")
    shutil.copy(src / "raw" / "events.csv", src / "raw" / "placez.csv")
    # An earlier sdist's file list names the private file: setuptools reads it back unless pruned.
    (src / "kzdata.egg-info").mkdir()
    (src / "kzdata.egg-info" / "SOURCES.txt").write_text("raw/private/informants.csv\nraw/placez.csv\n")
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(out), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (sdist,) = out.glob("kzdata-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name and m.isfile()}
    raw = {n for n in names if n.startswith("raw/")}
    manifests = {f"raw/releases/{p.name}" for p in (REPO / "raw" / "releases").glob("*.csv")}
    assert raw == {f"raw/{t.name}.csv" for t in TABLES} | manifests
    # What the sdist's own tests read (tests/test_metadata.py, test_citing.py, test_readme.py):
    assert {".zenodo.json", ".ci/run", "CHANGELOG.md", "CITATION.cff", "datapackage.json", "croissant.json"} <= names
    assert "tests/test_build_faults.py" in names and "kzdata/data/datapackage.json" in names


# --------------------------------------------------------------------------- 4. an empty raw/releases/


def _empty_releases(root: Path) -> None:
    shutil.rmtree(root / "raw" / "releases")
    (root / "raw" / "releases").mkdir()


def _empty_change_log(root: Path) -> None:
    log = root / "raw" / "changes.csv"
    log.write_text(log.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")


@pytest.mark.slow
def test_an_empty_releases_folder_is_refused_once_changes_are_logged(project_copy: Path) -> None:
    _empty_releases(project_copy)
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    assert not isinstance(info.value, kzdata.StableIdError)
    assert re.search(r"raw/releases/, -, .*holds no release manifest.*logs \d+ change\(s\).*restore", str(info.value))


@pytest.mark.slow
def test_an_empty_releases_folder_is_refused_once_the_changelog_names_an_earlier_release(project_copy: Path) -> None:
    _empty_releases(project_copy)
    _empty_change_log(project_copy)
    shutil.copy(REPO / "CHANGELOG.md", project_copy / "CHANGELOG.md")
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    message = str(info.value)
    for earlier in ("0.1.0", "0.2.0"):  # every release before the one being built
        assert re.search(
            rf"CHANGELOG\.md, line \d+, column '-': value '{re.escape(earlier)}' breaks rule: .*release "
            rf"{re.escape(earlier)}, earlier than the version being built \({re.escape(CURRENT)}\), but "
            rf"raw/releases/{re.escape(earlier)}\.csv is missing",
            message,
        ), message
    assert f"'{CURRENT}'" not in message, "the version being built needs no manifest yet"


@pytest.mark.slow
def test_a_missing_manifest_of_an_earlier_release_is_refused(project_copy: Path) -> None:
    shutil.copy(REPO / "CHANGELOG.md", project_copy / "CHANGELOG.md")
    (project_copy / "raw" / "releases" / "0.1.0.csv").unlink()
    with pytest.raises(RawDataError, match=r"raw/releases/0\.1\.0\.csv is missing"):
        build(project_copy)


@pytest.mark.slow
def test_a_manifest_listing_no_id_is_refused(project_copy: Path) -> None:
    (project_copy / "raw" / "releases" / "0.1.0.csv").write_text("record_table,record_id\n", encoding="utf-8")
    with pytest.raises(RawDataError, match=r"raw/releases/0\.1\.0\.csv, -, .*lists none"):
        build(project_copy)


@pytest.mark.slow
def test_before_the_first_release_an_empty_folder_with_a_placeholder_builds(project_copy: Path) -> None:
    _empty_releases(project_copy)
    _empty_change_log(project_copy)
    (project_copy / "raw" / "releases" / ".gitkeep").write_bytes(b"")
    assert build(project_copy).version == CURRENT


# --------------------------------------------------------------------------- 5. kzdata release --reason


def _raw_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*.csv")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reason", "rule"),
    [
        ("first line\nsecond line", r"no line breaks inside a field"),
        ("\x1b[31mred\x1b[0m", r"no control characters"),
        ("zero\u200bwidth", r"no control characters"),
        (" padded", r"whitespace"),
        ("", r"required"),
    ],
    ids=["line-break", "escape-sequence", "zero-width-space", "whitespace", "empty"],
)
def test_release_refuses_a_reason_the_build_would_refuse_and_writes_nothing(
    project_copy: Path, capsys: pytest.CaptureFixture[str], reason: str, rule: str
) -> None:
    bump(project_copy)
    before = _raw_digests(project_copy / "raw")
    assert main(["release", "--root", str(project_copy), "--reason", reason]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"--reason .*raw/changes\.csv, column 'reason' .*{rule}.*nothing was written", err), err
    assert "Traceback" not in err
    assert _raw_digests(project_copy / "raw") == before
    assert not (project_copy / "raw" / "releases" / f"{NEXT}.csv").exists()


@pytest.mark.slow
def test_release_with_a_plain_reason_builds(project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bump(project_copy)
    assert main(["release", "--root", str(project_copy), "--reason", "a correction release"]) == 0
    assert (project_copy / "raw" / "releases" / f"{NEXT}.csv").is_file()
    assert not list((project_copy / "raw").rglob(".*.tmp-*"))
    assert build(project_copy).version == NEXT


# --------------------------------------------------------------------------- 6. exports


@pytest.fixture(scope="module")
def ancient(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with dates before 1677 (where nanosecond timestamps end): year 1 and 1500."""
    root = tmp_path_factory.mktemp("ancient")
    shutil.copytree(REPO / "raw", root / "raw")
    (root / "docs").mkdir()
    for name in ("pyproject.toml", "build-lock.txt", "LICENSE-DATA", "docs/dataset-card.md"):
        shutil.copy2(REPO / name, root / name)

    def edit(rows: list[list[str]], *, ranged: bool) -> None:
        h = rows[0]
        start, end, precision = h.index("date_start"), h.index("date_end"), h.index("date_precision")
        if ranged:
            row = next(r for r in rows[1:] if r[precision] == "range")
            row[start], row[end] = "0001-01-01", "1500-12-31"
        else:
            row = next(r for r in rows[1:] if r[precision] == "day")
            row[start] = row[end] = "0001-01-01"

    # The event moved to year 1 has an undated id (1930s-famines-in-kazakhstan); an event whose id
    # begins with a date cannot move there (id_date_agrees), so the day of year 1 is a reform's.
    rewrite(root / "raw" / "events.csv", lambda rows: edit(rows, ranged=True))
    rewrite(root / "raw" / "reforms.csv", lambda rows: edit(rows, ranged=False))
    build(root)
    return root / "kzdata" / "data"


def _stata_days(day: date) -> int:
    return (day - date(1960, 1, 1)).days


@pytest.mark.slow
def test_stata_export_writes_dates_before_1677(
    ancient: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    monkeypatch.setattr(_files, "locate", lambda: ancient)
    out = tmp_path / "stata"
    assert main(["export", "--format", "stata", "--out", str(out)]) == 0, capsys.readouterr().err
    frame, meta = pyreadstat.read_dta(str(out / "stata" / "events.dta"), disable_datetime_conversion=True)
    assert meta.original_variable_types["date_start"] == "%td"
    assert {_stata_days(date(1, 1, 1)), _stata_days(date(1500, 12, 31))} <= set(frame["date_start"]) | set(
        frame["date_end"]
    )
    events = kzdata.load(EVENTS.name)
    assert len(frame) == len(events)
    expected = sorted(_stata_days(d.date()) for d in events["date_start"].dropna())
    assert sorted(frame["date_start"].dropna()) == expected


def test_timeline_writes_four_digit_years(ancient: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_files, "locate", lambda: ancient)
    labels = kzdata.timeline()["date"].dropna().tolist()
    assert labels[:2] == ["0001-01-01", "0001-01-01/1500-12-31"]
    assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?(/\d{4}-\d{2}-\d{2})?", label) for label in labels), labels


_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from kzdata._cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["sqlite", "datasette"])
def test_an_export_that_runs_out_of_space_is_exit_2_and_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "exports" / fmt
    limit = 128 * 1024  # above every common file (card, licence, dictionary), below the database
    result = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(limit), "export", "--format", fmt, "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=checkout_env(),
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"kzdata export: cannot write the SQLite database {out / fmt / 'kzdata.db'}")
    assert "removed" in result.stderr and "Free disk space" in result.stderr
    assert "Traceback" not in result.stderr and "OperationalError" not in result.stderr
    assert not (tmp_path / "exports").exists(), sorted(p.name for p in (tmp_path / "exports").rglob("*"))


def test_the_sqlite_exports_own_foreign_key_refusal_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kzdata's check (PRAGMA foreign_key_check before the rename) refuses a row that names no record."""
    from kzdata._formats import sqlite as writer

    cells = writer._cells

    def one_dangling_place(table: object) -> Iterator[tuple[object, ...]]:
        rows = list(cells(table))  # type: ignore[arg-type]
        if table is EVENTS:
            at = EVENTS.column_names.index("place_id")
            rows[0] = (*rows[0][:at], "atlantis", *rows[0][at + 1 :])
        return iter(rows)

    monkeypatch.setattr(writer, "_cells", one_dangling_place)
    folder = tmp_path / "db"
    folder.mkdir()
    with pytest.raises(IntegrityError, match=r"1 row\(s\) whose foreign key does not resolve.*events.*places"):
        writer.write_sqlite(folder / "kzdata.db")
    assert list(folder.iterdir()) == [], "no database and no .kzdata.db.tmp-<pid>"
    out = tmp_path / "export"
    with pytest.raises(IntegrityError):
        kzdata.export(out, "sqlite")
    assert not out.exists(), "the export created the folder, so the refused export removes it"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "install" / "kzdata" / "data"
    shutil.copytree(REPO / "kzdata" / "data", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_files, "locate", lambda: copy)
    return copy


@pytest.mark.slow
def test_an_export_inside_the_data_folder_is_refused(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(data_copy)
    (tmp_path / "link").symlink_to(data_copy)
    for out in (data_copy / "export", data_copy / "csv" / "deeper" / "export", tmp_path / "link" / "x"):
        with pytest.raises(InvalidArgumentError, match=r"inside kzdata's data folder .*choose a directory outside"):
            kzdata.export(out, "csv")
    assert main(["export", "--format", "csv", "--out", str(data_copy / "mine")]) == 2
    assert "inside kzdata's data folder" in capsys.readouterr().err
    assert snapshot(data_copy) == before
    assert len(kzdata.export(tmp_path / "beside", "csv")) > 0  # next to it is fine


# --------------------------------------------------------------------------- 7. serve


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kzdata", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or checkout_env(),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"kzdata serve printed {line!r}; stderr: {process.communicate(timeout=30)[1]}")
    return process, line[line.index("http://") :].split()[0]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # the local test server only
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_refuses_an_empty_host() -> None:
    pytest.importorskip("datasette")
    for host in ("", " "):
        result = subprocess.run(
            [sys.executable, "-m", "kzdata", "serve", "--host", host, "--port", "0"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=checkout_env(),
        )
        assert result.returncode == 2, result.stdout
        assert "--host" in result.stderr and "names no address" in result.stderr
        assert "served at" not in result.stdout
    with pytest.raises(InvalidArgumentError, match=r"names no address"):
        from kzdata._serve import serve

        serve(host="")


@pytest.mark.slow
def test_serve_answers_bad_requests_without_tracebacks_or_visitor_text() -> None:
    pytest.importorskip("datasette")
    process, url = _start()
    try:
        assert _get(f"{url}kzdata/events.json?_sort=no_such_column") >= 400
        assert _get(f"{url}kzdata/events?_sort=no_such_column") >= 400
        assert _get(f"{url}kzdata.json?sql=select+%1b%5b31mred+from+nowhere") == 400
        assert _get(f"{url}kzdata/no_such_table.json") == 404
        host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(b"GARBAGE \x00\x1b[31m /\r\n\r\n")
            assert raw.recv(100).startswith(b"HTTP/1.1 400")
        assert _get(f"{url}kzdata.json") == 200, "still serving"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    both = out + err
    assert "Traceback" not in both and "locals" not in both and "─" not in both, both
    assert "\x1b" not in both and "\x00" not in both, repr(both)
    assert "ERROR: conn=" not in both and "nowhere" not in both, both


@pytest.mark.slow
def test_serve_deletes_its_temporary_database_on_sigterm(tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process, url = _start(env=checkout_env(TMPDIR=str(tmp)))
    try:
        assert _get(f"{url}kzdata.json") == 200
        (folder,) = tmp.iterdir()
        assert folder.name.startswith("kzdata-serve-") and (folder / "kzdata.db").is_file()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
    assert list(tmp.iterdir()) == [], "the temporary database is gone"


@pytest.mark.slow
def test_serve_deletes_its_temporary_database_on_sigterm_while_building_it(tmp_path: Path) -> None:
    """SIGTERM before the server runs (while the database is written) cleans up too."""
    pytest.importorskip("datasette")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "kzdata", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=checkout_env(TMPDIR=str(tmp)),
    )
    deadline = time.monotonic() + 60
    while not any(tmp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert list(tmp.iterdir()) == []


# --------------------------------------------------------------------------- 8. smaller


@pytest.mark.parametrize(
    "char",
    ["\u061c", "\u00ad", "\u180e", "\U000e0001", "\U000e0041", "\U000e007f", "\u115f", "\u1160", "\u3164", "\uffa0"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_invisible_characters_are_refused(tmp_path: Path, char: str) -> None:
    file = tmp_path / "people.csv"
    shutil.copy(REPO / "raw" / "people.csv", file)

    def edit(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("name")] = f"Na{char}zarbayev"

    rewrite(file, edit)
    raw = read_raw(PEOPLE, file, "raw/people.csv")
    assert [(i.row, i.column) for i in raw.issues] == [("line 2", "name")]
    assert "no control characters or invisible formatting" in raw.issues[0].rule


def test_the_data_folder_is_the_one_beside_the_code_not_an_install_time_copy(tmp_path: Path) -> None:
    """A strict editable install runs kzdata through a tree of links made at install time.

    Its data folder holds links, or copies where links cannot be made, of the data as they
    were then. When the checkout's own data folder is gone, kzdata must say so, not serve
    the copy; ``importlib.resources`` followed the link tree.
    """
    checkout = tmp_path / "checkout" / "kzdata"
    shutil.copytree(REPO / "kzdata", checkout, ignore=shutil.ignore_patterns("__pycache__", ".data-*"))
    tree = tmp_path / "link-tree" / "kzdata"
    for source in checkout.rglob("*.py"):
        rel = source.relative_to(checkout)
        if rel.parts[0] == "data":
            continue
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).symlink_to(source)
    shutil.copytree(checkout / "data", tree / "data")  # the install-time copy
    shutil.rmtree(checkout / "data")  # this installation's data folder is gone
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import kzdata\n"
        "assert kzdata.__file__.startswith(sys.argv[1]), kzdata.__file__\n"
        "print(len(kzdata.load('events')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tree.parent)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode != 0, f"loaded {result.stdout.strip()} events from the install-time copy"
    assert f"the kzdata data folder is missing: {checkout.resolve() / 'data'}" in result.stderr
