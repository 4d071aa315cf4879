"""The reader's site (issue 21): record pages with their sources, a landing page, labels, yes/no, search.

The database and the metadata are made by kzdata (:mod:`kzdata._formats.datasette`); the
pages are rendered by a real Datasette, in this process (``datasette.client``), with the
templates and the plugin of :mod:`kzdata._site`. Expected values come from the raw CSV
files (``tests/oracle.py``) and from hand counts.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kzdata._formats.datasette import PLUGIN, metadata, site_config, write_site_database
from tests import oracle

DESCRIPTOR = json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site_database(tmp_path_factory.mktemp("reader-site") / "kzdata.db")


def _query(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(database)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _locator(citation: dict[str, str], headings: dict[str, str]) -> str:
    """A citation's pinpoint as docs/citing.md spells it: document id, section heading, paragraph, footnote."""
    parts = [citation["source_id"], headings[citation["section_id"]]]
    parts += [f"para. {citation['paragraph']}"] if citation["paragraph"] else []
    parts += [f"fn. {citation['footnote']}"] if citation["footnote"] else []
    return ", ".join(parts)


def test_every_record_gets_the_citations_that_support_it(database: Path) -> None:
    """Each raw citation is evidence of its record; a claim's citation also of the claim's discrepancy."""
    claims = {c["claim_id"]: c["discrepancy_id"] for c in oracle.rows("discrepancy_claims")}
    titles = {s["source_id"]: s["title"] for s in oracle.rows("sources")}
    headings = {s["section_id"]: s["heading"] for s in oracle.rows("sections")}
    expected = set()
    for c in oracle.rows("citations"):
        pinpoint = (
            c["source_id"],
            titles[c["source_id"]],
            headings.get(c["section_id"]) if c["section_id"] else None,
            int(c["paragraph"]) if c["paragraph"] else None,
            int(c["footnote"]) if c["footnote"] else None,
            _locator(c, headings),
            int(c["span_start"]) if c["span_start"] else None,
            int(c["span_end"]) if c["span_end"] else None,
            c["span_sha256"] or None,
        )
        expected.add((c["record_table"], c["record_id"], c["citation_id"], *pinpoint))
        if c["record_table"] == "discrepancy_claims":
            expected.add(("discrepancies", claims[c["record_id"]], c["citation_id"], *pinpoint))
    found = _query(
        database,
        "select record_table, record_id, citation_id, source_id, document, section, paragraph, footnote, locator, "
        "span_start, span_end, span_sha256 from _kzdata_evidence",
    )
    assert len(found) == len(set(found))
    assert set(found) == expected
    # numbered 1, 2, ... per record, in citation order (the order kzdata.evidence() gives)
    massimov = _query(
        database,
        "select position, citation_id from _kzdata_evidence where record_id = 'massimov-karim' order by position",
    )
    assert massimov == [(i, f"people-massimov-karim-{i}") for i in range(1, 7)]  # six citations: a hand count


def test_every_record_has_a_name_and_a_citation_to_copy(database: Path) -> None:
    records = _query(database, "select record_table, record_id, label, kind, citation from _kzdata_records")
    assert len(records) == sum(len(oracle.rows(t)) for t in oracle.TABLE_ORDER)
    by_key = {(t, i): (label, kind, citation) for t, i, label, kind, citation in records}
    label, kind, citation = by_key[("people", "massimov-karim")]
    assert (label, kind) == ("Karim Massimov", "People")
    headings = {s["section_id"]: s["heading"] for s in oracle.rows("sections")}
    locators = [_locator(c, headings) for c in oracle.rows("citations") if c["record_id"] == "massimov-karim"]
    assert len(locators) == 6
    assert citation.startswith("Karim Massimov (kzdata record people/massimov-karim). In kzdata contributors (")
    assert f"Fingerprint {DESCRIPTOR['kzdata:fingerprint']}." in citation
    assert citation.endswith(" Sources: " + "; ".join(locators) + ".")
    # a record without a name is titled by its table and id; a record no citation names has no "Sources:"
    actor = oracle.rows("event_actors")[0]
    assert by_key[("event_actors", actor["event_actor_id"])][0] == f"Event actors: {actor['event_actor_id']}"
    change = oracle.rows("changes")[0]
    assert "Sources:" not in by_key[("changes", change["change_id"])][2]


SEARCHED = {  # the tables with words in them, and the columns a reader's words are in (docs/publishing.md)
    "people": ("name", "description"),
    "organizations": ("name", "description"),
    "places": ("name", "description"),
    "events": ("title", "description"),
    "sentences": ("charges", "description"),
    "reforms": ("name", "description"),
    "indicators": ("name", "description"),
    "discrepancies": ("topic", "explanation", "resolution"),
    "sources": ("title", "authors", "container", "publisher", "note"),
    "sections": ("heading",),
    "positions": ("title", "note"),
    "indicator_values": ("stated_as", "note"),
    "aliases": ("alias", "note"),
    "discrepancy_claims": ("claim",),
    "footnotes": ("note",),
}

UNNAMED = ("sentences", "indicator_values", "footnotes")  # searched tables whose records have no name column
TITLES = {r["name"]: r["title"] for r in DESCRIPTOR["resources"]}
NAMING = ("name", "title", "heading", "topic", "claim", "alias")  # docs/publishing.md: what names a record


def _label(table: str, row: dict[str, str]) -> str:
    """A record's name as the reader's site titles it: its naming column, else its table's title and its id."""
    key = oracle.key(table)
    column = next((c for c in NAMING if c in oracle.header(table) and c != key), None)
    value = row[column] if column else ""
    return value if value.strip() else f"{TITLES[table]}: {row[key]}"


@pytest.mark.parametrize("word", ["Massimov", "Tokayev", "Almaty", "internet"])
def test_the_search_finds_every_record_whose_words_match(database: Path, word: str) -> None:
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    keys = {t: oracle.key(t) for t in SEARCHED}
    # a record without a name is titled by its table and id, and found by its id's words as well
    words = {t: (*SEARCHED[t], *((keys[t],) if t in UNNAMED else ())) for t in SEARCHED}
    expected = {
        (t, row[keys[t]]) for t in SEARCHED for row in oracle.rows(t) if any(pattern.search(row[c]) for c in words[t])
    }
    found = _query(
        database,
        "select record_table, record_id from search where rowid in (select rowid from search_fts where search_fts "
        "match ?)",
        word,
    )
    assert expected, word
    assert set(found) == expected


def test_the_search_lists_people_first(database: Path) -> None:
    found = _query(
        database,
        "select record_table, title from search where rowid in (select rowid from search_fts where search_fts "
        "match 'Massimov') order by rowid",
    )
    people = sorted(
        (r for r in oracle.rows("people") if "massimov" in (r["name"] + r["description"]).lower()),
        key=lambda r: r["person_id"],
    )
    assert found[: len(people)] == [("people", r["name"]) for r in people]
    assert ("people", "Karim Massimov") in found


# The site's tables made directly, in each test: mutation testing credits a function to the tests it runs in,
# and the shared database above is made in the first test that asks for it.


def test_every_record_is_named_and_cited_with_the_pinpoints_behind_it() -> None:
    from kzdata._citing import dataset_citation
    from kzdata._formats.datasette import record_rows

    claims = {c["claim_id"]: c["discrepancy_id"] for c in oracle.rows("discrepancy_claims")}
    headings = {s["section_id"]: s["heading"] for s in oracle.rows("sections")}
    evidence: list[tuple[Any, ...]] = []
    locators: dict[tuple[str, str], list[str]] = {}
    for c in oracle.rows("citations"):
        owners = [(c["record_table"], c["record_id"]), ("citations", c["citation_id"])]
        owners += [("discrepancies", claims[c["record_id"]])] if c["record_table"] == "discrepancy_claims" else []
        for table, record in owners:
            found = locators.setdefault((table, record), [])
            found.append(_locator(c, headings))
            evidence.append((table, record, len(found), c["citation_id"], c["source_id"], None, None, None, None,
                             found[-1], None, None, None))  # fmt: skip
    dataset = dataset_citation()
    assert dataset.endswith(f"Fingerprint {DESCRIPTOR['kzdata:fingerprint']}. CC-BY-4.0.")
    expected = {}
    for table in oracle.TABLE_ORDER:
        for row in oracle.rows(table):
            record, label = row[oracle.key(table)], _label(table, row)
            sources = locators.get((table, record), [])
            citation = f"{label} (kzdata record {table}/{record}). In {dataset}"
            expected[(table, record)] = (
                label,
                TITLES[table],
                citation + (f" Sources: {'; '.join(sources)}." if sources else ""),
            )
    found_rows = record_rows(evidence)
    assert len(found_rows) == len(expected)
    assert {(t, i): (label, kind, citation) for t, i, label, kind, citation in found_rows} == expected
    assert sum(1 for sources in locators.values() if len(sources) > 1) > 100  # records with several pinpoints


def test_the_search_rows_hold_each_records_name_and_words_in_the_order_a_search_lists_them() -> None:
    from kzdata._formats.datasette import search_rows

    first = ("people", "organizations", "places", "events", "sentences", "reforms", "indicators", "discrepancies")
    expected = []
    for table in [*first, *(t for t in oracle.TABLE_ORDER if t in SEARCHED and t not in first)]:
        key = oracle.key(table)
        texts = SEARCHED[table] if table in UNNAMED else SEARCHED[table][1:]
        for row in sorted(oracle.rows(table), key=lambda r: r[key]):
            words = " ".join(row[c] for c in texts if row[c]) or None
            expected.append((_label(table, row), TITLES[table], words, table, row[key]))
    assert search_rows() == expected
    assert any(words and len(words.split()) > 1 for _, _, words, _, _ in expected)
    assert any(words is None for _, _, words, _, _ in expected)


def test_column_labels_spell_abbreviations_as_a_reader_writes_them() -> None:
    labels = site_config()["labels"]
    assert labels["sources"]["url"] == "URL"
    assert labels["citations"]["span_sha256"] == "Span SHA-256"
    assert labels["citations"]["source_id"] == "Source"
    assert labels["indicator_values"]["date_start"] == "Date start"
    assert labels["search"] == {"title": "Record", "kind": "In", "text": "Description"}


def test_the_metadata_file_keeps_letters_beyond_ascii_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kzdata import _meta
    from kzdata._formats.datasette import write_site

    abstract = _meta.ABSTRACT + " Қаңтар оқиғалары."  # "the January events", in Kazakh
    monkeypatch.setattr(_meta, "ABSTRACT", abstract)
    write_site(tmp_path)
    text = (tmp_path / "metadata.json").read_bytes().decode("utf-8")
    assert f'"description": {json.dumps(abstract, ensure_ascii=False)}' in text
    assert "\\u" not in text
    assert (
        (tmp_path / "plugins" / "kzdata_site.py")
        .read_bytes()
        .decode("utf-8")
        .startswith('"""kzdata\'s Datasette plugin')
    )


def test_the_site_config_comes_from_the_descriptor() -> None:
    config = site_config()
    assert metadata()["plugins"] == {PLUGIN: config}
    booleans = {
        r["name"]: [f["name"] for f in r["schema"]["fields"] if f["type"] == "boolean"] for r in DESCRIPTOR["resources"]
    }
    assert config["booleans"] == booleans
    assert config["labels"]["sentences"]["closed_trial"] == "Closed trial"
    assert config["labels"]["sentences"]["person_id"] == "Person"
    assert config["labels"]["sentences"]["sentence_id"] == "ID"
    assert config["main"][:3] == ["events", "people", "sentences"]
    assert sorted(config["main"] + config["more"]) == sorted(oracle.TABLE_ORDER)
    assert [t for t in oracle.TABLE_ORDER if t in config["more"]] == config["more"]
    assert config["citation"].endswith(f"Fingerprint {DESCRIPTOR['kzdata:fingerprint']}. CC-BY-4.0.")
    assert config["version"] == DESCRIPTOR["version"]


# --------------------------------------------------------------------------- pages rendered by Datasette in-process


@pytest.fixture
def pages(database: Path) -> Iterator[Any]:
    """A function from a path to (status, HTML) of the site, as Datasette renders it with kzdata's templates.

    Made for each test (the database is shared): the metadata and the plugin's configuration are
    then made within every test that reads a page, so mutation testing credits each of them.
    """
    pytest.importorskip("datasette", reason='the site needs the web extra: pip install "kzdata[web]"')
    from datasette.app import Datasette
    from datasette.plugins import pm

    from kzdata import _site
    from kzdata._site import plugin

    pm.register(plugin, name=PLUGIN)
    try:
        with _site.templates() as templates:
            site = Datasette(immutables=[str(database)], metadata=metadata(), template_dir=str(templates))

            def get(path: str) -> tuple[int, str]:
                response = asyncio.run(site.client.get(path))
                return response.status_code, response.text

            yield get
    finally:
        pm.unregister(name=PLUGIN)


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert found
    return html.unescape(found.group(1).strip())


def test_a_persons_page_is_titled_by_name_and_lists_the_sources(pages: Any) -> None:
    status, page = pages("/kzdata/people/massimov-karim")
    assert status == 200
    assert _title(page) == "Karim Massimov"
    assert "<h1>Karim Massimov</h1>" in page
    listed = re.findall(r'<li><span class="kz-pinpoint">(.*?)</span>(.*?)\n', page)
    titles = {s["source_id"]: s["title"] for s in oracle.rows("sources")}
    headings = {s["section_id"]: s["heading"] for s in oracle.rows("sections")}
    expected = []
    for c in oracle.rows("citations"):
        if c["record_id"] == "massimov-karim":
            where = f", {headings[c['section_id']]}, paragraph {c['paragraph']}"
            expected.append((titles[c["source_id"]], where + (f", footnote {c['footnote']}" if c["footnote"] else "")))
    assert [(html.unescape(a), html.unescape(b)) for a, b in listed] == expected
    assert "(6 citations)" in page
    assert "anchor: characters 647 to 793 of the paragraph, sha256:e315d4dd1a1b&hellip;" in page
    assert 'id="kz-record-citation"' in page and "Sources: cornell-2024, The January Events, para. 4;" in page


def test_a_record_with_no_citation_of_its_own_says_so(pages: Any) -> None:
    change = oracle.rows("changes")[0]["change_id"]
    status, page = pages(f"/kzdata/changes/{change}")
    assert status == 200
    assert "the release log cites no sources" in page
    assert '<ol class="kz-sources">' not in page and "In Python," not in page


def test_yes_no_and_labels_on_a_table_page(pages: Any) -> None:
    status, page = pages("/kzdata/sentences?_size=max")
    assert status == 200
    closed = [r["closed_trial"] for r in oracle.rows("sentences")]
    cells = re.findall(r'<td class="col-closed_trial type-[a-z]+">(.*?)</td>', page)
    assert sorted(cells) == sorted({"true": "yes", "false": "no", "": "&nbsp;"}[v] for v in closed)
    assert "yes" in cells
    header = re.search(r'<th [^>]*data-column="closed_trial"[^>]*>(.*?)</th>', page, re.DOTALL)
    assert header and re.sub(r"<[^>]+>|\s", "", header.group(1)).startswith("Closedtrial")
    # the glossary is one click away, not a block above the rows
    assert '<details class="kz-glossary">' in page and "<summary>What the columns mean</summary>" in page
    assert page.index("What the columns mean") < page.index('class="rows-and-columns"')
    assert _title(page) == f"Court sentences: {len(closed)} records · kzdata"


def test_the_landing_page_lists_the_main_tables_first_and_hides_the_internal_ones(pages: Any) -> None:
    status, page = pages("/")
    assert status == 200
    assert _title(page) == DESCRIPTOR["title"]
    main = page[page.index("Where to start") : page.index("Ready-made questions")]
    named = re.findall(r'<a href="/kzdata/([a-z_]+)">', main)
    assert named == [
        "events",
        "people",
        "sentences",
        "reforms",
        "organizations",
        "places",
        "indicators",
        "discrepancies",
        "sources",
    ]
    assert f"{len(oracle.rows('events'))} records" in main and "_kzdata" not in main and "citations" not in main
    assert html.escape(site_config()["citation"]) in page
    assert 'action="/kzdata/search"' in page
    assert 'placeholder="e.g. Massimov" required' in page  # an empty search would be Datasette's "Invalid SQL"
    more = page[page.index("More tables") :]
    assert all(f'href="/kzdata/{t}"' in more for t in ("citations", "changes", "_kzdata_columns"))
    lead = re.search(r'<p class="kz-lead">(.*?)</p>', page, re.DOTALL)
    assert lead and html.unescape(lead.group(1)) == DESCRIPTOR["description"]
    questions = re.findall(r'<li><a href="/kzdata/(\w+)">(.*?)</a><br><span class="kz-note">(.*?)</span></li>', page)
    assert [(name, html.unescape(title)) for name, title, _ in questions] == [
        ("january_2022_timeline", "The January 2022 timeline"),
        ("sentences_with_names", "Court sentences with names and sources"),
        ("indicator_targets", "Targets and the figures behind them"),
    ]
    assert html.unescape(questions[0][2]).startswith("Every event dated within January 2022 that happened")
    assert html.unescape(questions[1][2]).startswith("Every conviction with the person's name, the term")
    assert html.unescape(questions[2][2]).startswith("Every figure of every indicator that has a target")
    documents = page[page.index("<h2>Primary sources</h2>") : page.index("responsible use")]
    primary = [r for r in oracle.rows("sources") if r["kind"] == "primary_document"]
    assert len(re.findall("<li>", documents)) == len(primary) == 2
    assert all(f"(source_id {r['source_id']})</li>" in documents for r in primary)
    citation = re.search(r'<textarea id="kz-dataset-citation"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert citation and html.unescape(citation.group(1)).endswith(
        f"Fingerprint {DESCRIPTOR['kzdata:fingerprint']}. CC-BY-4.0."
    )


def test_the_search_table_says_what_it_holds_and_the_internal_tables_are_hidden(pages: Any) -> None:
    status, page = pages("/kzdata/search")
    assert status == 200
    assert _title(page).startswith("Search: ")
    described = re.search(r'<div class="metadata-description">(.*?)</div>', page, re.DOTALL)
    assert described and described.group(1).strip() == (
        "Names, titles and descriptions of every record; search them with the box below."
    )
    glossary = re.findall(r"<dt>(.*?)</dt><dd>(.*?) <code>(\w+)</code></dd>", page)
    assert [(html.unescape(a), html.unescape(b), c) for a, b, c in glossary] == [
        ("Record", "The record's name or title: open it to see its sources.", "title"),
        ("In", "The table the record is in.", "kind"),
        ("Description", "The record's descriptions and notes.", "text"),
    ]
    status, page = pages("/kzdata/_kzdata_records")
    assert status == 200 and _title(page).startswith("Records: names and citations: ")
    status, page = pages("/kzdata/_kzdata_evidence")
    assert status == 200 and _title(page).startswith("Records: their citations with pinpoints and anchors: ")
    status, page = pages("/kzdata")
    listed = set(re.findall(r'<h3><a href="/kzdata/(\w+)">', page))
    assert {"people", "search"} <= listed
    assert not listed & {"_kzdata_records", "_kzdata_evidence", "_kzdata_tables", "_kzdata_columns", "_kzdata_meta"}
    status, page = pages("/kzdata?_show_hidden=1")
    hidden = set(re.findall(r'<h3><a href="/kzdata/(\w+)">\w+</a><em> \(hidden\)</em>', page))
    assert {"_kzdata_records", "_kzdata_evidence"} <= hidden and "search" not in hidden


def test_searching_massimov_finds_him(pages: Any) -> None:
    status, page = pages("/kzdata/search?_search=Massimov")
    assert status == 200
    assert '<a class="kz-result" href="/kzdata/people/massimov-karim">Karim Massimov</a>' in page
    status, page = pages("/kzdata/search?_search=%22unbalanced")  # a visitor's stray quote: no error page
    assert status == 200
    assert "if (!box.value.trim()) { box.disabled = true; }" in page  # an empty box is left out of the request


def test_without_the_plugin_the_templates_fall_back_to_datasettes_pages(database: Path) -> None:
    """A site served without kzdata's configuration shows Datasette's own pages, not broken ones."""
    pytest.importorskip("datasette", reason='the site needs the web extra: pip install "kzdata[web]"')
    from datasette.app import Datasette

    from kzdata import _site

    with _site.templates() as templates:
        site = Datasette(immutables=[str(database)], template_dir=str(templates))
        for path in ("/", "/kzdata/people/massimov-karim", "/kzdata/sentences"):
            assert asyncio.run(site.client.get(path)).status_code == 200, path


def test_the_landing_page_shows_the_quality_report_and_links_the_changes_and_retired_ids(pages: Any) -> None:
    """Issue 22: the site shows the release's quality report. Oracle: raw/*.csv read with the csv module."""
    status, page = pages("/")
    assert status == 200
    quality = page[page.index('id="kz-quality"') : page.index("<h2>Primary sources</h2>")]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", quality)).split())
    version = DESCRIPTOR["version"]
    rows = sum(len(oracle.rows(t)) for t in oracle.TABLE_ORDER)
    citations = oracle.rows("citations")
    anchored = sum(1 for c in citations if c["span_sha256"])
    disagreements = oracle.rows("discrepancies")
    open_ = sum(1 for d in disagreements if d["status"] == "unresolved")
    log = oracle.rows("changes")
    assert f"Release {version} holds {rows:,} rows in {len(oracle.TABLE_ORDER)} tables" in text
    assert f"{anchored:,} of {len(citations):,} citations" in text
    assert f"{open_} of {len(disagreements)} discrepancies" in text
    assert f"This release logs {sum(r['version'] == version for r in log)} changes" in text
    assert "All 24 cross-table rules pass." in text  # kzdata/_rules.py RULES, counted by hand
    for table in oracle.TABLE_ORDER:
        assert f"<td>{table}</td><td>{len(oracle.rows(table)):,}</td>" in quality, table
    links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', quality)]
    assert links == [
        f"/kzdata/changes?version={version}",
        "/kzdata/changes?change__in=retracted,merged,renamed",
    ]
    assert "kzdata quality" in text and "docs/quality.md" in text
    expected = {
        links[0]: sum(r["version"] == version for r in log),
        links[1]: sum(r["change"] in ("retracted", "merged", "renamed") for r in log),
    }
    for link, count in expected.items():
        status, listing = pages(link.replace("/kzdata/changes?", "/kzdata/changes.json?_shape=array&_size=max&"))
        assert status == 200 and count > 0
        assert len(json.loads(listing)) == count, link
