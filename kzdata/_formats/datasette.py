"""A browsable website of kzdata: Datasette metadata from the registry, and ``kzdata serve``.

Datasette (https://datasette.io, built for data journalism) turns a SQLite database
into a website with faceted browsing, SQL, a JSON API and CSV downloads. This module
supplies what Datasette cannot guess, all derived from the registry and :mod:`kzdata._meta`
so that it never drifts from the data:

* the title, description, licence, primary sources and citation of the release;
* per table: title, what one row is, and a description of every column;
* facets: every category column, plus the place and source a row refers to;
* the label column of each table that others reference (``name``, ``title``, ...), so
  a foreign key shows "Karim Massimov" rather than ``massimov-karim``;
* canned queries for the common questions (:data:`QUERIES`);
* for a reader who does not code (:mod:`kzdata._site` renders them): a landing page naming
  the main tables first, human column labels, yes/no booleans, and per record its name,
  its sources with their pinpoints and anchors, and a citation to copy.

The site's database is the SQLite export (:mod:`kzdata._formats.sqlite`) plus three
tables made here, at export time, because Datasette only reads a database: ``_kzdata_records``
(each record's name and citation), ``_kzdata_evidence`` (each record's citations with the
document's title and the section's heading, as :func:`kzdata.evidence` gives them) and
``search`` with its full-text index ``search_fts`` (titles, names and descriptions).

:func:`metadata` is a pure function of the registry; :func:`write_site` writes
``kzdata.db``, ``metadata.json``, the templates and the plugin so that the site can be
published with Datasette's own tools (``datasette publish``, ``datasette package``);
``kzdata serve`` (:mod:`kzdata._serve`) serves the same site (the optional extra ``web``
installs Datasette).
"""

from __future__ import annotations

import html
import json
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kzdata._registry import (
    CHANGES,
    CITATIONS,
    COUNTED_EVENT_STATUSES,
    DISCREPANCIES,
    DISCREPANCY_CLAIMS,
    EDITORIAL_VALUES,
    EVENTS,
    INDICATOR_VALUES,
    INDICATORS,
    ORGANIZATIONS,
    PEOPLE,
    PLACES,
    REFORMS,
    SECTIONS,
    SENTENCES,
    SOURCES,
    TABLES,
    Table,
)

DATABASE = "kzdata"
"""The database name in Datasette URLs (Datasette takes it from the file name ``kzdata.db``)."""

LABEL_CANDIDATES = ("name", "title", "heading", "topic", "claim", "alias")
"""Columns that identify a row for people, in order of preference."""

FACET_REFERENCES = frozenset({"places.place_id", "sources.source_id", "indicators.indicator_id"})
"""Foreign keys worth a facet besides the category columns: where, which source, which indicator."""

MAIN_TABLES = tuple(
    t.name for t in (EVENTS, PEOPLE, SENTENCES, REFORMS, ORGANIZATIONS, PLACES, INDICATORS, DISCREPANCIES, SOURCES)
)
"""The tables a reader starts from, in the order the landing page lists them; the others follow."""

PLUGIN = "kzdata-site"
"""The name of kzdata's Datasette plugin (:mod:`kzdata._site.plugin`) and of its configuration in the metadata."""

RECORDS = "_kzdata_records"
EVIDENCE = "_kzdata_evidence"
SEARCH = "search"
"""The site's own tables: each record's name and citation, its citations, and the search index's rows."""

SITE_DDL = (
    f"""CREATE TABLE "{RECORDS}" (
  "record_table" TEXT NOT NULL,
  "record_id" TEXT NOT NULL,
  "label" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "citation" TEXT NOT NULL,
  PRIMARY KEY ("record_table", "record_id")
)""",
    f"""CREATE TABLE "{EVIDENCE}" (
  "record_table" TEXT NOT NULL,
  "record_id" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "citation_id" TEXT NOT NULL,
  "source_id" TEXT NOT NULL,
  "document" TEXT,
  "section" TEXT,
  "paragraph" INTEGER,
  "footnote" INTEGER,
  "locator" TEXT NOT NULL,
  "span_start" INTEGER,
  "span_end" INTEGER,
  "span_sha256" TEXT,
  PRIMARY KEY ("record_table", "record_id", "position")
)""",
    f"""CREATE TABLE "{SEARCH}" (
  "rowid" INTEGER PRIMARY KEY,
  "title" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "text" TEXT,
  "record_table" TEXT NOT NULL,
  "record_id" TEXT NOT NULL
)""",
    f"""CREATE VIRTUAL TABLE "{SEARCH}_fts" USING fts5("title", "text", content="{SEARCH}", content_rowid="rowid")""",
)
"""The site's own tables; ``search_fts`` is SQLite's FTS5 index of ``search``, which Datasette searches."""

_COUNTED = ", ".join(f"'{status}'" for status in COUNTED_EVENT_STATUSES)
"""The event statuses the January timeline keeps, as an SQL list (docs/events.md)."""

QUERIES: dict[str, dict[str, str]] = {
    "january_2022_timeline": {
        "title": "The January 2022 timeline",
        "description": "Every event dated within January 2022 that happened as far as the texts say "
        "(status occurred or reported; alleged, contradicted, assessment and planned events are left "
        "out, as kzdata.timeline() does), in order, with its place.",
        "sql": f"""select e.date_start, e.date_end, e.date_precision, e.time_of_day, e.title,
  e.category, e.status, p.name as place, e.description, e.event_id
from {EVENTS.name} e left join {PLACES.name} p on p.place_id = e.place_id
where e.date_start >= '2022-01-01' and e.date_end <= '2022-01-31'
  and e.status in ({_COUNTED})
order by e.date_start, e.time_of_day is null, e.time_of_day, e.event_id""",  # noqa: S608 - table names from the registry, not input
    },
    "sentences_with_names": {
        "title": "Court sentences with names and sources",
        "description": "Every conviction with the person's name, the term, the charges and the passages "
        "of the primary documents that report it. Give a person_id (e.g. massimov-karim) to see one "
        "person, or leave it empty for all.",
        "sql": f"""select p.name, s.prison_years, s.charges, s.closed_trial, s.verdict_start, s.verdict_end,
  s.verdict_precision,
  (select group_concat(c.locator, ' | ') from {CITATIONS.name} c
   where c.record_table = '{SENTENCES.name}' and c.record_id = s.sentence_id) as sources,
  s.description, s.person_id, s.sentence_id
from {SENTENCES.name} s join {PEOPLE.name} p on p.person_id = s.person_id
where :person_id = '' or s.person_id = :person_id
order by s.prison_years is null, s.prison_years desc, p.name""",  # noqa: S608 - table names from the registry, not input
    },
    "indicator_targets": {
        "title": "Targets and the figures behind them",
        "description": "Every figure of every indicator that has a target (such as the 2026 "
        "anti-corruption goals): observed values and targets side by side, in date order.",
        "sql": f"""select i.name as indicator, i.unit, v.value_kind, v.qualifier, v.value,
  v.date_start, v.date_end, v.date_precision, v.source_id, v.note, i.indicator_id, v.value_id
from {INDICATOR_VALUES.name} v join {INDICATORS.name} i on i.indicator_id = v.indicator_id
where v.indicator_id in (select indicator_id from {INDICATOR_VALUES.name} where value_kind = 'target')
order by i.name, v.value_kind = 'target', v.date_start""",  # noqa: S608 - table names from the registry, not input
    },
}


def label_column(table: Table) -> str | None:
    """The column that names a row of ``table`` for people (``None`` if it has none)."""
    for name in LABEL_CANDIDATES:
        if name in table.column_names and name != table.primary_key:
            return name
    return None


def facets(table: Table) -> list[str]:
    """The columns Datasette offers as facets on ``table``."""
    return [
        c.name
        for c in table.columns
        if c.name != table.primary_key and (c.kind == "category" or c.references in FACET_REFERENCES)
    ]


def human_label(column: str) -> str:
    """A column's name as a reader reads it: words, not ``snake_case``; a reference named by what it names.

    >>> human_label("person_id"), human_label("date_start"), human_label("url"), human_label("span_sha256")
    ('Person', 'Date start', 'URL', 'Span SHA-256')
    """
    words = column.removesuffix("_id").split("_")
    spelled = {"url": "URL", "sha256": "SHA-256"}
    text = " ".join(spelled.get(w, w) for w in words)
    return text[:1].upper() + text[1:]


def record_label(table: Table, row: Mapping[str, Any]) -> str:
    """What a record's page is titled: its name (or title, heading...), else its table and id.

    >>> from kzdata._registry import REGISTRY
    >>> record_label(REGISTRY["people"], {"person_id": "massimov-karim", "name": "Karim Massimov"})
    'Karim Massimov'
    >>> record_label(REGISTRY["event_actors"], {"event_actor_id": "x-1"})
    'Event actors: x-1'
    """
    label = label_column(table)
    value = row.get(label) if label else None
    if isinstance(value, str) and value.strip():
        return value
    return f"{table.title}: {row[table.primary_key]}"


def _table_metadata(table: Table) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "title": table.title,
        "description": " ".join([table.row, *table.notes]),
        "columns": {c.name: c.description for c in table.columns},
    }
    if facets(table):
        entry["facets"] = facets(table)
    label = label_column(table)
    if label:
        entry["label_column"] = label
    dated = [c.name for c in table.columns if c.kind == "date"]
    if dated:
        entry["sort"] = dated[0]
    return entry


def _description_html() -> str:
    from kzdata import _meta as meta
    from kzdata._citing import dataset_citation
    from kzdata._formats import release_documents

    sources = "".join(f"<li>{html.escape(doc.summary)}</li>" for doc in release_documents())
    return (
        f"<p>{html.escape(meta.ABSTRACT)}</p>"
        f"<p>Primary sources:</p><ul>{sources}</ul>"
        f"<p>Cite as: {html.escape(dataset_citation())}</p>"
        "<p>Each record is supported by at least one row of <code>citations</code> (document, section, "
        "paragraph, footnote). The data dictionary is in the tables <code>_kzdata_tables</code> and "
        "<code>_kzdata_columns</code>. Read the dataset card's notes on responsible use before publishing: "
        "a sentence records a conviction as reported; an event naming a suspect records an allegation.</p>"
    )


def metadata() -> dict[str, Any]:
    """Datasette's ``metadata.json`` for the kzdata database, generated from the registry."""
    from kzdata import _meta as meta
    from kzdata._formats import release_documents
    from kzdata._formats.sqlite import POLYMORPHIC_NOTE
    from kzdata._versions import installed_version

    documents = release_documents()
    tables: dict[str, dict[str, Any]] = {t.name: _table_metadata(t) for t in TABLES}
    tables["_kzdata_tables"] = {"title": "Data dictionary: tables", "description": "One row per kzdata table."}
    tables["_kzdata_columns"] = {
        "title": "Data dictionary: columns",
        "description": "One row per column of every kzdata table. " + POLYMORPHIC_NOTE,
        "facets": ["table_name", "type"],
    }
    tables["_kzdata_meta"] = {"title": "About this release", "description": "Version, licence and citation."}
    for name in ("_kzdata_tables", "_kzdata_columns", "_kzdata_meta"):
        tables[name]["hidden"] = True
    tables[RECORDS] = {"title": "Records: names and citations", "hidden": True}
    tables[EVIDENCE] = {"title": "Records: their citations with pinpoints and anchors", "hidden": True}
    tables[SEARCH] = {
        "title": "Search",
        "description": "Names, titles and descriptions of every record; search them with the box below.",
        "fts_table": f"{SEARCH}_fts",
        "fts_pk": "rowid",
        "columns": {
            "title": "The record's name or title: open it to see its sources.",
            "kind": "The table the record is in.",
            "text": "The record's descriptions and notes.",
        },
    }
    return {
        "title": f"{meta.TITLE} (version {installed_version()})",
        "description_html": _description_html(),
        "license": meta.LICENSE,
        "license_url": meta.LICENSE_URL,
        "source": f"{len(documents)} primary documents ({', '.join(d.source_id for d in documents)}); "
        "see the sources table",
        "source_url": "/kzdata/sources?kind=primary_document",
        "databases": {
            DATABASE: {
                "title": meta.TITLE,
                "description": meta.ABSTRACT,
                "license": meta.LICENSE,
                "license_url": meta.LICENSE_URL,
                "tables": tables,
                "queries": QUERIES,
            }
        },
        "plugins": {PLUGIN: site_config()},
    }


def site_config() -> dict[str, Any]:
    """What kzdata's Datasette plugin (:mod:`kzdata._site.plugin`) needs to know, from the registry.

    The plugin imports nothing of kzdata (it is copied beside an exported site), so the
    landing page's text, the table order, the column labels and the yes/no columns come
    from here, through ``metadata.json``.
    """
    from kzdata import _meta as meta
    from kzdata._citing import dataset_citation
    from kzdata._formats import release_documents
    from kzdata._quality import quality
    from kzdata._versions import installed_version

    return {
        "database": DATABASE,
        "title": meta.TITLE,
        "version": installed_version(),
        "abstract": meta.ABSTRACT,
        "citation": dataset_citation(),
        "documents": [doc.summary for doc in release_documents()],
        "main": list(MAIN_TABLES),
        "more": [t.name for t in TABLES if t.name not in MAIN_TABLES],
        "queries": [{"name": n, "title": q["title"], "description": q["description"]} for n, q in QUERIES.items()],
        "labels": {
            **{
                t.name: {c.name: "ID" if c.name == t.primary_key else human_label(c.name) for c in t.columns}
                for t in TABLES
            },
            SEARCH: {"title": "Record", "kind": "In", "text": "Description"},
        },
        "booleans": {t.name: [c.name for c in t.columns if c.kind == "boolean"] for t in TABLES},
        "quality": quality(),  # the release's quality report (issue 22), shown on the landing page
    }


def evidence_rows() -> list[tuple[Any, ...]]:
    """The ``_kzdata_evidence`` rows: every record's citations, pinpointed and anchored.

    The rows :func:`kzdata.evidence` gives record by record (the rows ``kzdata.cite()``
    uses: a discrepancy's through its claims), for every record at once, in citation order.
    The changes table (the release log) cites nothing, and a citation is its own evidence.
    """
    import pandas as pd

    from kzdata._citing import used_citations
    from kzdata._load import load

    titles = load(SOURCES.name).set_index("source_id")["title"]
    headings = load(SECTIONS.name).set_index("section_id")["heading"]
    claims = load(DISCREPANCY_CLAIMS.name).set_index("claim_id")["discrepancy_id"]
    out: list[tuple[Any, ...]] = []
    for table in TABLES:
        if table.name in (CHANGES.name, CITATIONS.name):
            continue
        used = used_citations(load(table.name), table.name)
        owner = used["record_id"].map(claims) if table.name == DISCREPANCIES.name else used["record_id"]
        positions: dict[str, int] = {}
        for record, row in zip(owner.astype(str), used.itertuples(index=False), strict=True):
            positions[record] = positions.get(record, 0) + 1

            def value(v: Any) -> Any:
                return None if v is pd.NA or v is None else v

            out.append(
                (
                    table.name,
                    record,
                    positions[record],
                    row.citation_id,
                    row.source_id,
                    value(titles.get(row.source_id)),
                    value(headings.get(row.section_id)) if value(row.section_id) else None,
                    None if value(row.paragraph) is None else int(row.paragraph),
                    None if value(row.footnote) is None else int(row.footnote),
                    row.locator,
                    None if value(row.span_start) is None else int(row.span_start),
                    None if value(row.span_end) is None else int(row.span_end),
                    value(row.span_sha256),
                )
            )
    return out


def record_citation(label: str, table: str, record_id: str, locators: list[str], dataset: str) -> str:
    """The citation a reader copies from a record's page: the record, the dataset, the pinpoints behind it.

    >>> print(record_citation("Karim Massimov", "people", "massimov-karim", ["doc, Part, para. 4"], "kzdata (2026)."))
    Karim Massimov (kzdata record people/massimov-karim). In kzdata (2026). Sources: doc, Part, para. 4.
    """
    sources = f" Sources: {'; '.join(locators)}." if locators else ""
    return f"{label} (kzdata record {table}/{record_id}). In {dataset}{sources}"


def record_rows(evidence: list[tuple[Any, ...]]) -> list[tuple[str, str, str, str, str]]:
    """The ``_kzdata_records`` rows: every record's name, its table's title and its citation."""
    from kzdata._citing import dataset_citation
    from kzdata._load import load

    dataset = dataset_citation()
    locators: dict[tuple[str, str], list[str]] = {}
    for row in evidence:
        locators.setdefault((row[0], row[1]), []).append(row[9])
    out: list[tuple[str, str, str, str, str]] = []
    for table in TABLES:
        for row in load(table.name).to_dict("records"):
            record_id = str(row[table.primary_key])
            label = record_label(table, row)
            found = locators.get((table.name, record_id), [])
            citation = record_citation(label, table.name, record_id, found, dataset)
            out.append((table.name, record_id, label, table.title, citation))
    return out


SEARCH_ORDER = tuple(
    t.name for t in (PEOPLE, ORGANIZATIONS, PLACES, EVENTS, SENTENCES, REFORMS, INDICATORS, DISCREPANCIES)
)
"""The tables whose records a search lists first, in this order (a name is most often a person's); the others follow."""


SEARCH_SKIPPED = frozenset({"time_of_day", "span_sha256", "locator", "pages"})
"""Text columns that hold no words a reader searches for (a time of day, a hash, a pinpoint, page numbers)."""


def search_rows() -> list[tuple[str, str, str | None, str, str]]:
    """The ``search`` rows: one per record of a table with words in it (a name, a title, a text), the texts joined.

    In the order a search lists them: the tables of :data:`SEARCH_ORDER` first, then the
    others in registry order; within a table, by id.
    """
    from kzdata._load import load

    out: list[tuple[str, str, str | None, str, str]] = []
    for table in sorted(TABLES, key=lambda t: SEARCH_ORDER.index(t.name) if t.name in SEARCH_ORDER else len(TABLES)):
        texts = [
            c.name
            for c in table.columns
            if c.kind == "text" and c.name != label_column(table) and c.name not in SEARCH_SKIPPED
        ]
        # the log, the citations and the editorial marks (which repeat their records' values) are not searched
        if table.name in (CHANGES.name, CITATIONS.name, EDITORIAL_VALUES.name) or not (texts or label_column(table)):
            continue
        for row in load(table.name).to_dict("records"):
            words = [str(row[c]) for c in texts if isinstance(row[c], str)]
            record_id = str(row[table.primary_key])
            out.append((record_label(table, row), table.title, " ".join(words) or None, table.name, record_id))
    return out


def add_reader_tables(con: sqlite3.Connection) -> None:
    """Add the site's own tables (:data:`SITE_DDL`) to the SQLite export open in ``con``, and index the search."""
    evidence = evidence_rows()
    con.executescript(";\n".join(SITE_DDL) + ";")
    con.executemany(f'INSERT INTO "{EVIDENCE}" VALUES ({", ".join("?" * 13)})', evidence)  # noqa: S608
    con.executemany(f'INSERT INTO "{RECORDS}" VALUES (?, ?, ?, ?, ?)', record_rows(evidence))  # noqa: S608
    con.executemany(
        f'INSERT INTO "{SEARCH}" (title, kind, text, record_table, record_id) VALUES (?, ?, ?, ?, ?)',  # noqa: S608
        search_rows(),
    )
    con.execute(f'INSERT INTO "{SEARCH}_fts" ("{SEARCH}_fts") VALUES (\'rebuild\')')  # noqa: S608


def write_site_database(file: Path) -> Path:
    """The site's database: the SQLite export (:func:`~kzdata._formats.sqlite.write_sqlite`) and the reader's tables."""
    from kzdata._formats.sqlite import write_sqlite

    db = write_sqlite(file)
    con = sqlite3.connect(db)
    try:
        with con:
            add_reader_tables(con)
    finally:
        con.close()
    return db


def write_site(target: Path) -> list[Path]:
    """Write ``kzdata.db``, its Datasette ``metadata.json``, the site's templates and plugin into ``target``.

    Serve or publish them with Datasette's own tools, e.g.
    ``datasette kzdata.db --metadata metadata.json --template-dir templates --plugins-dir plugins`` or
    ``datasette publish cloudrun kzdata.db --metadata metadata.json --template-dir templates
    --plugins-dir plugins --service kzdata``.
    """
    from kzdata import _site

    db = write_site_database(target / f"{DATABASE}.db")
    meta_file = target / "metadata.json"
    meta_file.write_bytes((json.dumps(metadata(), indent=2, ensure_ascii=False) + "\n").encode())
    written = [db, meta_file]
    with _site.templates() as source:
        (target / "templates").mkdir()
        for template in sorted(source.glob("*.html")):
            written.append(Path(shutil.copyfile(template, target / "templates" / template.name)))
    (target / "plugins").mkdir()
    plugin = target / "plugins" / "kzdata_site.py"
    plugin.write_bytes(_site.plugin_source().encode())
    return [*written, plugin]


def write(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """The datasette export format, written into its folder inside the export folder ``target``."""
    return write_site(folders[0])
