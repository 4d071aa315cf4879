"""Versioning, citation, integrity, stable ids and the release bundle."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import tomllib

import kzdata
from kzdata._pipeline.build import build
from kzdata._versions import installed_version, parse_version
from kzdata.errors import (
    IntegrityError,
    InvalidArgumentError,
    MissingDependencyError,
    RawDataError,
    StableIdError,
)
from tests.conftest import REPO

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_one_version_everywhere() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert kzdata.__version__ == VERSION
    assert json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["version"] == VERSION
    assert f'version: "{VERSION}"' in (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version {VERSION}" in (REPO / "docs" / "dataset-card.md").read_text(encoding="utf-8").lower()
    assert f"## [{VERSION}]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def _hide_kzdata_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make kzdata look like a source tree that was never installed: no distribution metadata for it."""
    import importlib.metadata

    real = importlib.metadata.version

    def version(name: str) -> str:
        if name == "kzdata":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)


@pytest.mark.parametrize("value", [3, None, b"0.2.0", ("0", "2", "0")])
def test_a_version_that_is_not_text_is_an_invalid_argument(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_version(value)
    assert str(caught.value) == f"a version is MAJOR.MINOR.PATCH without leading zeros, e.g. '0.1.0'; got {value!r}"


def test_the_installed_version_is_the_one_in_pyproject() -> None:
    assert installed_version() == VERSION


@pytest.mark.parametrize("read", [installed_version, lambda: kzdata.__version__], ids=["function", "attribute"])
def test_without_package_metadata_the_version_asks_for_an_install(monkeypatch: pytest.MonkeyPatch, read) -> None:
    """A source tree never installed has no version to vouch for the data: refused, saying how to install."""
    _hide_kzdata_metadata(monkeypatch)
    with pytest.raises(MissingDependencyError) as caught:
        read()
    assert isinstance(caught.value, ImportError), "code that catches ImportError keeps working"
    assert caught.value.exit_code == 2, "docs/errors.md: an environment that cannot be used"
    # word for word as docs/errors.md shows it
    doc = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    example = doc.split(">>> kzdata.__version__  # PYTHONPATH=checkout, never installed\n", 1)[1].split("\n```", 1)[0]
    assert str(caught.value) == " ".join(example.removeprefix("MissingDependencyError: ").split("\n"))
    assert "`pip install -e .` in the checkout" in str(caught.value)


def test_without_package_metadata_commands_exit_2_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process twin of tests/test_attack_fixed.py's check: --version and info say what to do."""
    from kzdata._cli import main

    _hide_kzdata_metadata(monkeypatch)
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.startswith("kzdata --version: kzdata is not installed")
    assert main(["info"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kzdata info: kzdata is not installed") and "pip install -e ." in err


def test_version_option_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from kzdata._cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr() == (f"kzdata {VERSION}\n", "")


def test_dataset_citation_names_the_version() -> None:
    text = kzdata.cite()
    assert f"(Version {VERSION})" in text
    bib = kzdata.cite(style="bibtex")
    assert bib.startswith(f"@misc{{kzdata_{VERSION.replace('.', '_')},")
    assert f"version = {{{VERSION}}}" in bib


def test_bibliography_of_a_filtered_frame() -> None:
    sentences = kzdata.sentences()
    massimov = sentences[sentences["person_id"] == "massimov-karim"]
    text = kzdata.cite(massimov)
    assert "Svante E. Cornell (2 January 2024). Two years later: Kazakhstan's January events." in text
    assert "Congressional Research Service" not in text, "the CRS brief does not report the sentences"


def test_cite_rejects_frames_without_ids_and_bad_styles() -> None:
    with pytest.raises(InvalidArgumentError, match="keep the id column"):
        kzdata.cite(kzdata.events()[["title"]])
    with pytest.raises(InvalidArgumentError, match="use 'text', 'bibtex' or 'csl-json'"):
        kzdata.cite(style="apa")  # type: ignore[arg-type]


def test_verify_passes_on_the_installed_files() -> None:
    report = kzdata.verify()
    assert report.ok
    # a CSV and a Parquet file per table, the five files shipped beside them (CITATION.cff,
    # croissant.json, quality.json, the dataset card and the data licence), the descriptor and __init__.py
    assert report.checked == 2 * len(kzdata.tables()) + 5 + 2


def test_verify_names_an_altered_file(release_copy: Path) -> None:
    events = release_copy / "csv" / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"2022", b"2021", 1))
    (release_copy / "people.parquet").unlink()
    report = kzdata.verify(raise_on_error=False)
    assert not report.ok
    assert "csv/events.csv: sha256 differs" in str(report)
    assert "people.parquet: missing" in str(report)
    with pytest.raises(IntegrityError, match="Reinstall kzdata"):
        kzdata.verify()


def test_changes_since() -> None:
    log = kzdata.changes()
    assert len(log) > 0
    assert VERSION in set(log["version"])
    assert len(kzdata.changes(since=VERSION)) == 0
    with pytest.raises(InvalidArgumentError, match=r"MAJOR\.MINOR\.PATCH"):
        kzdata.changes(since="latest")
    assert parse_version("1.10.0") > parse_version("1.9.3")


def test_every_current_record_is_in_the_first_manifest_or_logged_as_added() -> None:
    # The first release is recorded by its manifest alone (docs/versioning.md); anything newer
    # is logged as added. Oracle: the manifest CSV files under raw/releases/, read directly.
    # A record renamed since (change renamed, 0.3.0) is the same record under its new id.
    first = (REPO / "raw" / "releases" / "0.1.0.csv").read_text(encoding="utf-8").splitlines()[1:]
    frozen = {tuple(line.split(",")) for line in first}
    log = kzdata.changes()
    assert not ((log["version"] == "0.1.0") & (log["change"] == "added")).any(), "0.1.0 is its manifest"
    added_rows = log[log["change"] == "added"]
    added = set(zip(added_rows["record_table"].astype(str), added_rows["record_id"], strict=True))
    renamed_rows = log[log["change"] == "renamed"]
    renamed = set(zip(renamed_rows["record_table"].astype(str), renamed_rows["merged_into"], strict=True))
    assert not renamed & added, "a renamed record's new id is not logged as added"
    added |= renamed
    for name in ("events", "people", "sentences", "indicator_values", "citations", "editorial_values"):
        table = kzdata.load(name)
        ids = {(name, str(i)) for i in table.iloc[:, 0]}
        assert ids <= frozen | added, sorted(ids - frozen - added)[:5]


def test_the_change_log_is_not_most_of_the_dataset() -> None:
    rows = {name: len(kzdata.load(name)) for name in kzdata.tables()}
    assert rows["changes"] < sum(rows.values()) / 10


@pytest.mark.slow
def test_dropping_a_released_id_fails_the_build(project_copy: Path) -> None:
    people = project_copy / "raw" / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
    victim = next(line for line in lines[1:] if line.startswith("osipov-marat,"))
    people.write_text("".join(line for line in lines if line != victim), encoding="utf-8")
    with pytest.raises(RawDataError) as info:
        build(project_copy)
    assert "release 0.1.0 shipped this id" in str(info.value)
    assert "'osipov-marat'" in str(info.value)


def test_export_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="not an empty directory"):
        kzdata.export(tmp_path)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
def test_dropping_only_a_released_id_is_a_stable_id_error(project_copy: Path) -> None:
    aliases = project_copy / "raw" / "aliases.csv"
    aliases.write_text(
        "".join(
            line for line in aliases.read_text(encoding="utf-8").splitlines(True) if not line.startswith("abish-short,")
        ),
        encoding="utf-8",
    )
    citations = project_copy / "raw" / "citations.csv"
    citations.write_text(
        "".join(
            line
            for line in citations.read_text(encoding="utf-8").splitlines(True)
            if ",aliases,abish-short," not in line
        ),
        encoding="utf-8",
    )
    with pytest.raises(StableIdError) as info:
        build(project_copy)
    assert isinstance(info.value, RawDataError)
    assert (
        "raw/aliases.csv, -, column 'alias_id': value 'abish-short' breaks rule: release 0.1.0 shipped this id"
        in str(info.value)
    )


@pytest.mark.slow
def test_a_retraction_lets_an_id_go_but_never_come_back(project_copy: Path) -> None:
    changes = project_copy / "raw" / "changes.csv"
    with changes.open("a", encoding="utf-8") as fh:
        fh.write("0-2-0-retracted-abish-short,0.2.0,retracted,aliases,abish-short,,test retraction\n")
    with pytest.raises(StableIdError, match="a retracted, merged or renamed id may not be used again"):
        build(project_copy)


def test_bibtex_lists_authors_with_and() -> None:
    sources = kzdata.sources()
    barro = sources[
        sources["source_id"]
        == sources.loc[sources["authors"] == "Svante E. Cornell; Albert Barro", "source_id"].iloc[0]
    ]
    bib = kzdata.cite(barro, style="bibtex")
    assert "author = {Svante E. Cornell and Albert Barro}" in bib


def test_text_bibliography_does_not_end_urls_with_a_full_stop() -> None:
    for line in kzdata.cite(kzdata.events()).splitlines():
        assert not line.endswith((".html.", "/.")), line


def test_the_changelog_counts_the_change_entries_of_its_release() -> None:
    """CHANGELOG's figure for 0.3.0, against raw/changes.csv read with the csv module."""

    with (REPO / "raw" / "changes.csv").open(encoding="utf-8", newline="") as handle:
        entries = sum(row["version"] == "0.3.0" for row in csv.DictReader(handle))
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"`kzdata changes --since 0.2.0` lists {entries} entries of 0.3.0." in text
    assert len(kzdata.changes(since="0.2.0")) == entries


def test_changes_since_a_release_keeps_the_tables_columns_and_a_fresh_index() -> None:
    """Oracle: raw/changes.csv's header and its 0.3.0 rows, read with the csv module."""
    with (REPO / "raw" / "changes.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), [r for r in reader if r["version"] == "0.3.0"]
    since = kzdata.changes(since="0.2.0")
    assert list(since.columns) == header
    assert isinstance(since.index, pd.RangeIndex) and since.index.start == 0
    assert set(since["change_id"]) == {r["change_id"] for r in rows} and len(since) == len(rows)
