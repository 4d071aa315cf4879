"""cite(): the sources of exactly the rows held, and a dataset citation that names the release.

Every expected bibliography is computed from raw/citations.csv, raw/footnotes.csv and
raw/sources.csv with the csv module (tests/oracle.py), never by kzdata.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import tomllib

import kzdata
from kzdata import _files
from kzdata.errors import IntegrityError, InvalidArgumentError, UnknownTableError
from tests import oracle

VERSION = tomllib.loads((oracle.REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
CITED_TABLES = [t for t in oracle.TABLE_ORDER if t != "changes"]


DATASET_KEY = f"kzdata_{VERSION.replace('.', '_')}"


def work_keys(bibtex: str) -> set[str]:
    """The keys of the works cited, after checking that the dataset's entry comes first."""
    found = re.findall(r"^@misc\{([^,]+),$", bibtex, flags=re.M)
    assert found[0] == DATASET_KEY, "the dataset citation comes first"
    assert DATASET_KEY not in found[1:]
    return set(found[1:])


def entry_lines(text: str) -> list[str]:
    """The bibliography entries of a text citation: the lines after the heading that are not pinpoints."""
    head, _, body = text.partition("\nSources behind these rows, with their pinpoints:\n")
    assert head.startswith("kzdata contributors (") and body, "the dataset citation comes first, then the sources"
    return [line for line in body.splitlines() if not line.startswith("  ")]


def sample(frame: pd.DataFrame) -> pd.DataFrame:
    """The first, middle and last rows and a few random ones (fixed seed)."""
    picks = {0, len(frame) // 2, len(frame) - 1} | set(frame.sample(n=min(5, len(frame)), random_state=7).index)
    return frame.loc[sorted(picks)]


@pytest.mark.parametrize("table", CITED_TABLES)
def test_bibtex_of_a_sample_of_every_table_names_exactly_its_sources(table: str) -> None:
    part = sample(kzdata.load(table))  # type: ignore[arg-type]
    ids = set(part[oracle.key(table)])
    expected = oracle.sources_behind(table, ids)
    assert expected, f"the oracle found no sources for {table}: the test would prove nothing"
    assert work_keys(kzdata.cite(part, style="bibtex")) == expected


@pytest.mark.parametrize("table", CITED_TABLES)
def test_text_bibliography_of_a_whole_table_has_one_line_per_source(table: str) -> None:
    frame = kzdata.load(table)  # type: ignore[arg-type]
    expected = oracle.sources_behind(table, set(frame[oracle.key(table)]))
    assert len(entry_lines(kzdata.cite(frame))) == len(expected)


def test_the_events_cite_all_their_sources_and_no_placeholder() -> None:
    text = kzdata.cite(kzdata.events(), style="bibtex")
    expected = oracle.sources_behind("events", {r["event_id"] for r in oracle.rows("events")})
    assert work_keys(text) == expected
    assert len(expected) == 35  # 2 documents + 33 works; footnotes 16 and 17 are placeholders
    assert "cornell-2024-fn16" not in text and "cornell-2024-fn17" not in text


def test_a_merged_frame_gets_the_sources_of_both_tables() -> None:
    merged = kzdata.sentences().merge(kzdata.people(), on="person_id")
    people = set(merged["person_id"])
    sentences = set(merged["sentence_id"])
    expected = oracle.sources_behind("sentences", sentences) | oracle.sources_behind("people", people)
    assert work_keys(kzdata.cite(merged, style="bibtex")) == expected
    merged.attrs["kzdata_table"] = "sentences"  # as if pandas kept the left frame's mark
    assert work_keys(kzdata.cite(merged, style="bibtex")) == expected
    assert work_keys(kzdata.cite(merged, style="bibtex", table=["people", "sentences"])) == expected
    assert work_keys(kzdata.cite(merged, style="bibtex", table="sentences")) == oracle.sources_behind("sentences", sentences)


def test_the_table_survives_filtering_and_column_choice() -> None:
    events = kzdata.events()
    protests = events[events["category"] == "protest"][["event_id", "title"]].copy().head(4)
    expected = oracle.sources_behind("events", set(protests["event_id"]))
    assert work_keys(kzdata.cite(protests, style="bibtex")) == expected


def test_a_frame_that_names_no_table_is_refused_with_a_way_out() -> None:
    ids = pd.DataFrame({"event_id": kzdata.events()["event_id"].head(3)})
    ids.attrs.clear()
    with pytest.raises(InvalidArgumentError, match=r"table='events'"):
        kzdata.cite(ids)
    assert work_keys(kzdata.cite(ids, style="bibtex", table="events")) == oracle.sources_behind(
        "events", set(ids["event_id"])
    )
    with pytest.raises(UnknownTableError):
        kzdata.cite(ids, table="event")
    with pytest.raises(InvalidArgumentError, match="no 'person_id' column"):
        kzdata.cite(ids, table="people")
    with pytest.raises(InvalidArgumentError, match="cites no sources"):
        kzdata.cite(kzdata.changes())


def test_dataset_citation_names_version_date_and_fingerprint() -> None:
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    release_date = json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))["kzdata:release_date"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", release_date)
    text = kzdata.cite()
    assert f"(Version {VERSION}) [Data set]." in text
    assert f"Released {release_date}." in text
    assert f"Fingerprint {fingerprint}." in text
    bib = kzdata.cite(style="bibtex")
    assert f"version = {{{VERSION}}}" in bib
    assert f"date = {{{release_date}}}" in bib
    assert f"fingerprint = {{{fingerprint}}}" in bib
    assert "url =" not in bib, "the project has no web address; a citation must not invent one"


def test_the_fingerprint_is_recorded_everywhere_alike() -> None:
    fingerprint = oracle.release_fingerprint(oracle.REPO / "kzdata" / "data")
    top = json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))
    shipped = json.loads((oracle.REPO / "kzdata" / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert top["kzdata:fingerprint"] == shipped["kzdata:fingerprint"] == fingerprint
    assert f'value: "{fingerprint}"' in (oracle.REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert fingerprint in json.loads((oracle.REPO / ".zenodo.json").read_text(encoding="utf-8"))["notes"]


def test_verify_checks_the_fingerprint(release_copy: Path) -> None:
    """A CSV edited together with its recorded hash passes the file check but not the fingerprint."""
    events = release_copy / "csv" / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"2022", b"2021", 1))
    descriptor = json.loads((release_copy / "datapackage.json").read_text(encoding="utf-8"))
    import hashlib

    for resource in descriptor["resources"]:
        if resource["name"] == "events":
            resource["hash"] = "sha256:" + hashlib.sha256(events.read_bytes()).hexdigest()
            resource["bytes"] = events.stat().st_size
    (release_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = kzdata.verify(raise_on_error=False)
    assert not report.ok
    assert any(p.startswith("content fingerprint") for p in report.problems), report.problems
    with pytest.raises(IntegrityError, match="content fingerprint"):
        kzdata.verify()


@pytest.mark.parametrize("thing", [[1, 2], "events", 3], ids=["list", "str", "int"])
def test_cite_refuses_what_is_not_a_frame(thing: object) -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match="takes a pandas DataFrame"):
        kzdata.cite(thing)  # type: ignore[arg-type]


def test_cite_refuses_a_series_and_says_what_to_do() -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match=r"Series.*cite its frame"):
        kzdata.cite(kzdata.events()["event_id"])  # type: ignore[arg-type]
