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
CITED_TABLES = [t for t in oracle.TABLE_ORDER if t not in ("changes", "editorial_values")]


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


def test_editorial_values_cite_the_release_and_say_that_no_source_stands_behind_them() -> None:
    """Their rows mark values no document states (docs/editorial.md): no work to list, and no bare heading."""
    text = kzdata.cite(kzdata.editorial_values())
    head, _, body = text.partition("\n\n")
    assert head == kzdata.cite()
    assert body == (
        "No source stands behind these rows: they are the dataset's own (editorial values, docs/editorial.md; "
        "the change log), or the frame holds no cited record."
    )
    assert "Sources behind these rows" not in text
    assert work_keys(kzdata.cite(kzdata.editorial_values(), style="bibtex")) == set()


def test_the_events_cite_all_their_sources_and_no_placeholder() -> None:
    text = kzdata.cite(kzdata.events(), style="bibtex")
    expected = oracle.sources_behind("events", {r["event_id"] for r in oracle.rows("events")})
    assert work_keys(text) == expected
    # 2 documents + 34 works (toqmadi-2021 since 0.3.0, through a new citation on footnote 30);
    # footnotes 16 and 17 are placeholders
    assert len(expected) == 36
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
    assert work_keys(kzdata.cite(merged, style="bibtex", table="sentences")) == oracle.sources_behind(
        "sentences", sentences
    )


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


# --------------------------------------------------------------------------- pinpoints


def parse_pinpoints(line: str) -> tuple[dict[str, set[int]], set[int]]:
    """``Pinpoints: H, paras. 1, 2; H2, para. 3; nn. 4, 5`` read back: {heading: paragraphs}, notes."""
    assert line.startswith("Pinpoints: "), line
    paragraphs: dict[str, set[int]] = {}
    notes: set[int] = set()
    for part in line.removeprefix("Pinpoints: ").split("; "):
        if re.fullmatch(r"nn?\. [\d, ]+", part):
            notes |= {int(n) for n in part.split(" ", 1)[1].split(", ")}
            continue
        heading, numbers = re.fullmatch(r"(.+), paras?\. ([\d, ]+)", part).groups()  # type: ignore[union-attr]
        paragraphs[heading] = {int(n) for n in numbers.split(", ")}
    return paragraphs, notes


def text_pinpoints(text: str) -> dict[str, str]:
    """Entry line -> its pinpoint line, for every source of a text citation."""
    lines = text.split("\nSources behind these rows, with their pinpoints:\n", 1)[1].splitlines()
    assert len(lines) % 2 == 0 and all(line.startswith("  ") for line in lines[1::2]), "one pinpoint line per entry"
    return {entry: pins.strip() for entry, pins in zip(lines[0::2], lines[1::2], strict=True)}


def pinpoints_of(pins: dict[str, str], title: str) -> str:
    """The pinpoint line of the one entry whose title (right after its date) is ``title``."""
    found = [p for entry, p in pins.items() if re.search(rf"\)\. {re.escape(title)}[.?!]?( |$)", entry)]
    assert len(found) == 1, (title, found)
    return found[0]


@pytest.mark.parametrize("table", CITED_TABLES)
def test_each_document_lists_the_sections_paragraphs_and_notes_of_the_rows_held(table: str) -> None:
    """The pinpoints, read back from the text, are those of raw/citations.csv for exactly the sampled rows."""
    part = sample(kzdata.load(table))  # type: ignore[arg-type]
    ids = set(part[oracle.key(table)])
    expected = oracle.document_pinpoints(table, ids)
    titles = {r["source_id"]: r["title"] for r in oracle.rows("sources")}
    pins = text_pinpoints(kzdata.cite(part))
    for document, (paragraphs, notes) in expected.items():
        line = pinpoints_of(pins, titles[document])
        assert parse_pinpoints(line) == (paragraphs, notes), document


@pytest.mark.parametrize("table", ["events", "people", "indicator_values", "footnotes"])
def test_each_cited_work_names_the_notes_and_pages_that_cite_it(table: str) -> None:
    """Read from each work's BibTeX note (keyed by source id: some works have no title)."""
    frame = kzdata.load(table)  # type: ignore[arg-type]
    expected = oracle.work_pinpoints(table, set(frame[oracle.key(table)]))
    assert expected, "the oracle found no works: the test would prove nothing"
    document = next(r for r in oracle.rows("sources") if r["source_id"] == "cornell-2024")
    notes_of = {key: fields["note"] for _, key, fields in parse_bibtex(kzdata.cite(frame, style="bibtex"))}
    for work, notes in expected.items():
        line = notes_of[work]
        assert line.startswith(f"Cited in {document['authors']} ({document['published_start'][:4]}): "), line
        found = re.findall(r"n\. (\d+)(?:, ([^;]+))?", line.split(": ", 1)[1])
        assert {("cornell-2024", int(n), p) for n, p in found} == notes, work


def test_pages_of_a_note_are_given_with_it() -> None:
    """Footnote 1 of the article cites Halbach at p. 21 (raw/footnotes.csv, fn-01-1)."""
    row = next(r for r in oracle.rows("footnotes") if r["footnote_entry_id"] == "fn-01-1")
    assert (row["source_id"], row["pages"]) == ("halbach-2008", "p. 21")
    notes = kzdata.footnotes()
    text = kzdata.cite(notes[notes["footnote_entry_id"] == "fn-01-1"])
    assert "\n  Cited in Svante E. Cornell (2024): n. 1, p. 21\n" in text + "\n"


def test_a_document_cited_in_one_paragraph_says_para_not_paras() -> None:
    """Hand count: massimov-karim's citations name The January Events para. 4 only (raw/citations.csv)."""
    rows = [c for c in oracle.rows("citations") if c["record_table"] == "people" and c["record_id"] == "massimov-karim"]
    assert {(c["section_id"], c["paragraph"]) for c in rows if c["section_id"] == "cornell-2024-january-events"} == {
        ("cornell-2024-january-events", "4")
    }
    people = kzdata.people()
    text = kzdata.cite(people[people["person_id"] == "massimov-karim"])
    assert (
        "Pinpoints: The January Events, para. 4; Aftermath and Remaining Questions, paras. 3, 7, 16, 17; nn. 24, 25"
        in text
    )


# --------------------------------------------------------------------------- the README's example


def test_the_readme_example_carries_the_fingerprint_and_the_pinpoints() -> None:
    """``print(kzdata.cite(sentences))`` of the README: the release's fingerprint, then pinpoints."""
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    text = kzdata.cite(kzdata.sentences_view())
    first = text.splitlines()[0]
    assert f"(Version {VERSION}) [Data set]." in first and f"Fingerprint {fingerprint}." in first
    ids = {r["sentence_id"] for r in oracle.rows("sentences")}
    titles = {r["source_id"]: r["title"] for r in oracle.rows("sources")}
    pins = text_pinpoints(text)
    assert len(pins) == len(oracle.sources_behind("sentences", ids))
    for document, expected in oracle.document_pinpoints("sentences", ids).items():
        line = pinpoints_of(pins, titles[document])
        assert parse_pinpoints(line) == expected
    bib = kzdata.cite(kzdata.sentences_view(), style="bibtex")
    assert f"fingerprint {fingerprint}}}" in bib.split("\n}\n", 1)[0], "the dataset entry's note has it"


# --------------------------------------------------------------------------- CSL-JSON and BibTeX parse


def csl_items(text: str) -> list[dict[str, object]]:
    items = json.loads(text)
    assert isinstance(items, list)
    return items


def test_csl_json_is_the_dataset_then_the_sources_with_fingerprint_and_pinpoints() -> None:
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    release_date = json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))["kzdata:release_date"]
    sentences = kzdata.sentences_view()
    items = csl_items(kzdata.cite(sentences, style="csl-json"))
    dataset, works = items[0], items[1:]
    assert dataset["id"] == DATASET_KEY and dataset["type"] == "dataset"
    assert dataset["version"] == VERSION
    assert dataset["issued"] == {"date-parts": [[int(p) for p in release_date.split("-")]]}
    assert fingerprint in str(dataset["note"]) and fingerprint in str(dataset["medium"])
    ids = {r["sentence_id"] for r in oracle.rows("sentences")}
    assert {w["id"] for w in works} == oracle.sources_behind("sentences", ids)
    sources = {r["source_id"]: r for r in oracle.rows("sources")}
    for work in works:
        raw = sources[str(work["id"])]
        assert work["title"] == raw["title"]
        assert str(work["note"]).startswith("Pinpoints: " if raw["kind"] == "primary_document" else "Cited in ")
        assert work.get("URL", "") == raw["url"]
    assert csl_items(kzdata.cite(style="csl-json")) == [dataset]


def test_the_datasets_csl_item_word_for_word() -> None:
    """From CITATION.cff and the fingerprint's definition, written out by hand."""
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    cff = (oracle.REPO / "CITATION.cff").read_text(encoding="utf-8")
    title = re.search(r'^title: "?(.+?)"?$', cff, flags=re.M).group(1)  # type: ignore[union-attr]
    released = re.search(r"^date-released: \"?([0-9-]+)", cff, flags=re.M).group(1)  # type: ignore[union-attr]
    licence = re.search(r"^license: \"?([A-Za-z0-9.-]+)", cff, flags=re.M).group(1)  # type: ignore[union-attr]
    assert csl_items(kzdata.cite(style="csl-json")) == [
        {
            "id": DATASET_KEY,
            "type": "dataset",
            "title": title,
            "author": [{"literal": "kzdata contributors"}],
            "issued": {"date-parts": [[int(p) for p in released.split("-")]]},
            "version": VERSION,
            "medium": f"Data set, fingerprint {fingerprint}",
            "note": f"Fingerprint {fingerprint}; licence {licence}",
        }
    ]


@pytest.mark.parametrize(
    ("authors", "publisher", "published", "expected"),
    [
        ("Svante E. Cornell", "Central Asia-Caucasus Analyst", "2024-01-02", "Svante E. Cornell (2024)"),
        (None, "Congressional Research Service", "2022-11-20", "Congressional Research Service (2022)"),
        (None, None, None, "Anonymous (n.d.)"),
    ],
    ids=["author", "publisher", "nothing"],
)
def test_a_citing_document_is_named_by_author_or_publisher_and_year(
    authors: str | None, publisher: str | None, published: str | None, expected: str
) -> None:
    """Written by hand: a third document without an author (as the CRS brief) or a date still gets a label."""
    from kzdata._citing import _label

    row = pd.Series(
        {
            "authors": pd.NA if authors is None else authors,
            "publisher": pd.NA if publisher is None else publisher,
            "published_start": pd.NaT if published is None else pd.Timestamp(published),
        }
    )
    assert _label(row) == expected


def test_csl_json_renders_with_a_real_csl_style() -> None:
    """citeproc-py, with the Harvard style it ships, reads the items and writes one entry each."""
    from pathlib import Path as _Path

    import citeproc
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = csl_items(kzdata.cite(kzdata.events(), style="csl-json"))
    style = CitationStylesStyle(str(_Path(citeproc.__file__).parent / "data/styles/harvard-cite-them-right.csl"))
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(str(item["id"]))]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items) == 1 + 36  # the dataset, 2 documents and 34 works (hand count above)
    text = "\n".join(rendered)
    for row in oracle.rows("sources"):
        if row["source_id"] in oracle.sources_behind("events", {r["event_id"] for r in oracle.rows("events")}):
            assert row["title"] in text, row["source_id"]
    assert "kzdata contributors (20" in text


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small BibTeX reader, independent of kzdata: (type, key, fields) of each entry; braces must balance."""
    entries = []
    position = 0
    while (start := text.find("@", position)) != -1:
        head = re.compile(r"@(\w+)\{([^,\s]+),").match(text, start)
        assert head, text[start : start + 40]
        fields: dict[str, str] = {}
        i = head.end()
        while True:
            i = len(text[i:]) - len(text[i:].lstrip()) + i
            if text[i] == "}":
                break
            name = re.compile(r"(\w+) = \{").match(text, i)
            assert name, text[i : i + 40]
            depth, j = 1, name.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            fields[name.group(1)] = text[name.end() : j - 1]
            i = j + 1 if text[j] == "," else j
        entries.append((head.group(1), head.group(2), fields))
        position = i + 1
    return entries


def test_bibtex_parses_and_keeps_the_fingerprint_where_styles_print_it() -> None:
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    entries = parse_bibtex(kzdata.cite(kzdata.events(), style="bibtex"))
    (kind, key, dataset), works = entries[0], entries[1:]
    assert (kind, key) == ("misc", DATASET_KEY)
    assert dataset["version"] == VERSION and fingerprint in dataset["note"]
    assert {k for _, k, _ in works} == oracle.sources_behind("events", {r["event_id"] for r in oracle.rows("events")})
    assert all(fields["note"].startswith(("Pinpoints: ", "Cited in ")) for _, _, fields in works)


# --------------------------------------------------------------------------- frames without ids


def test_an_aggregate_gets_advice_that_works_when_followed() -> None:
    """events().groupby("category").size().reset_index() holds no ids; both ways out give a citation."""
    events = kzdata.events()
    protests = events[events["category"] == "protest"]
    counts = protests.groupby("category", observed=True).size().reset_index()
    with pytest.raises(InvalidArgumentError) as caught:
        kzdata.cite(counts)
    message = str(caught.value)
    assert "cite the rows before aggregating them" in message
    expected = oracle.sources_behind(
        "events", {r["event_id"] for r in oracle.rows("events") if r["category"] == "protest"}
    )
    # way 1: cite the rows that were aggregated
    assert work_keys(kzdata.cite(protests, style="bibtex")) == expected
    # way 2: the ids, as the message writes them (ids: the records used)
    advice = re.search(r"kzdata\.cite\(pd\.DataFrame\(.*?\), table='events'\)", message)
    assert advice, message
    ids = list(protests["event_id"])
    cited = eval(advice.group(0), {"kzdata": kzdata, "pd": pd, "ids": ids, "__builtins__": {}})
    assert cited == kzdata.cite(protests)


def test_an_aggregate_of_a_marked_frame_that_lost_its_ids_gets_the_same_advice() -> None:
    events = kzdata.events()
    titles = events[["title", "category"]]  # the mark survives column choice, the id does not
    with pytest.raises(InvalidArgumentError, match=r"lost its id column 'event_id'.*before aggregating") as caught:
        kzdata.cite(titles)
    advice = re.search(r"kzdata\.cite\(pd\.DataFrame\(.*?\), table='events'\)", str(caught.value))
    assert advice
    ids = list(events["event_id"].head(4))
    cited = eval(advice.group(0), {"kzdata": kzdata, "pd": pd, "ids": ids, "__builtins__": {}})
    assert cited == kzdata.cite(events.head(4))


def test_counts_under_an_id_columns_name_are_refused_not_cited() -> None:
    """A count column named event_id (groupby(...)["event_id"].count()) holds no ids: nothing to cite."""
    counts = kzdata.events().groupby("category", observed=True)["event_id"].count().reset_index()
    with pytest.raises(InvalidArgumentError, match=r"event_id values .* are not ids of events.*before aggregating"):
        kzdata.cite(counts)


def test_a_frame_with_only_another_tables_id_is_told_to_name_that_table() -> None:
    ids = pd.DataFrame({"person_id": ["massimov-karim"], "event_id": ["x"]})
    with pytest.raises(InvalidArgumentError, match=r"table='people'"):
        kzdata.cite(ids)
    assert work_keys(kzdata.cite(ids[["person_id"]], style="bibtex", table="people")) == oracle.sources_behind(
        "people", {"massimov-karim"}
    )


def test_the_command_offers_csl_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`kzdata cite sentences --style csl-json`: the release's item, then one item per source."""
    from kzdata._cli import main

    assert main(["cite", "sentences", "--style", "csl-json"]) == 0
    items = csl_items(capsys.readouterr().out)
    ids = {r["sentence_id"] for r in oracle.rows("sentences")}
    assert items[0]["id"] == DATASET_KEY
    assert {i["id"] for i in items[1:]} == oracle.sources_behind("sentences", ids)


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        (["nope-a", "nope-b", "nope-c"], "'nope-a', 'nope-b', 'nope-c'"),
        (["nope-a", "nope-b", "nope-c", "nope-d"], "'nope-a', 'nope-b', 'nope-c' and 1 more"),
    ],
    ids=["three", "four"],
)
def test_ids_that_are_not_ids_are_named_three_at_most(values: list[str], shown: str) -> None:
    """Written by hand: the first three unknown values, sorted, and how many more there are."""
    frame = pd.DataFrame({"event_id": [*values, "2022-massimov-arrested"]})
    with pytest.raises(InvalidArgumentError) as caught:
        kzdata.cite(frame, table="events")
    assert str(caught.value) == (
        f"the frame's event_id values {shown} are not ids of events, so they name no records to cite; cite the "
        "rows before aggregating them (kzdata.cite(frame) on the events you grouped, filtered or not), or pass "
        "the ids of the records you used: kzdata.cite(pd.DataFrame({'event_id': ids}), table='events')"
    )


def test_csl_json_is_indented_by_two_and_keeps_non_ascii_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readable as written: two-space indentation, and a Cyrillic title as itself, not as \\u escapes."""
    from kzdata import _meta
    from kzdata._citing import dataset_citation

    text = kzdata.cite(kzdata.citations(), style="csl-json")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    assert "Протесты" in text, "raw/sources.csv: weisskopf-2022's title is in Russian"
    monkeypatch.setattr(_meta, "TITLE", "kzdata: Қазақстан")
    alone = dataset_citation("csl-json", version="1.2.3", fingerprint="sha256:abc")
    assert alone == json.dumps(json.loads(alone), indent=2, ensure_ascii=False)
    assert "Қазақстан" in alone


def test_a_work_cited_in_two_documents_names_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written by hand: a copy of the release in which the CRS brief's note 1 also cites lillis-2022
    (raw/footnotes.csv: the article's note 19 does); the work's pinpoint names each document's notes."""
    from kzdata._citing import pinpoints
    from tests.release_copy import ReleaseCopy

    copy = ReleaseCopy(tmp_path / "kzdata" / "data")
    monkeypatch.setattr(_files, "locate", lambda: copy.folder)
    copy.add("footnotes", "fn-19-1", footnote_entry_id="fn-crs-01-1", document_id="crs-2022", footnote=1)
    copy.save()
    used = pd.DataFrame(
        {
            "source_id": ["cornell-2024", "crs-2022"],
            "section_id": ["cornell-2024-notes", "crs-2022-introduction"],
            "paragraph": pd.array([None, None], dtype="Int64"),
            "footnote": pd.array([19, 1], dtype="Int64"),
        }
    )
    assert pinpoints(used)["lillis-2022"] == (
        "Cited in Svante E. Cornell (2024): n. 19; Congressional Research Service (2022): n. 1"
    )


def test_a_timeline_cites_exactly_the_sources_of_its_events_reforms_and_sentences() -> None:
    """A timeline names its records by kind and record_id (docs/citing.md); oracle: raw citations and footnotes."""
    frame = kzdata.timeline("2022-01", "2022-01")
    kinds = {"event": "events", "reform": "reforms", "sentence": "sentences"}
    expected: set[str] = set()
    for kind, table in kinds.items():
        ids = {str(i) for i in frame.loc[frame["kind"] == kind, "record_id"]}
        if ids:
            expected |= oracle.sources_behind(table, ids)
    assert expected
    assert work_keys(kzdata.cite(frame, style="bibtex")) == expected


def test_search_results_cite_the_sources_of_the_records_they_lead_to() -> None:
    found = kzdata.search("Massimov")
    expected: set[str] = set()
    for table in set(found["table"]):
        expected |= oracle.sources_behind(str(table), {str(i) for i in found.loc[found["table"] == table, "id"]})
    assert len(set(found["table"])) > 1 and expected
    assert work_keys(kzdata.cite(found, style="bibtex")) == expected
    assert kzdata.cite(found.iloc[0:0]).endswith("the frame holds no cited record.")


def test_a_frame_naming_a_table_kzdata_lacks_is_no_reference_frame() -> None:
    import pandas as pd

    with pytest.raises(InvalidArgumentError, match="holds no id column"):
        kzdata.cite(pd.DataFrame({"table": ["nope"], "id": ["x"]}))
    with pytest.raises(InvalidArgumentError, match="holds no id column"):
        kzdata.cite(pd.DataFrame({"kind": ["speech"], "record_id": ["x"]}))


def test_a_bare_reference_frame_naming_every_table_cites_their_records() -> None:
    """Just the two columns table and id, one record of each of the twenty tables (oracle: raw/, csv module)."""
    import pandas as pd

    rows = [(t, oracle.rows(t)[0][oracle.key(t)]) for t in oracle.TABLE_ORDER]
    frame = pd.DataFrame(rows, columns=["table", "id"])
    expected: set[str] = set()
    for table, record in rows:
        if table not in ("changes", "editorial_values"):
            expected |= oracle.sources_behind(table, {record})
    assert work_keys(kzdata.cite(frame, style="bibtex")) == expected


def test_table_given_with_a_reference_frame_is_read_as_asked() -> None:
    """table= names the frame's id column; a timeline has none, so table='events' is refused as for any frame."""
    with pytest.raises(InvalidArgumentError, match="table='events' but the frame has no 'event_id' column"):
        kzdata.cite(kzdata.timeline(), table="events")
