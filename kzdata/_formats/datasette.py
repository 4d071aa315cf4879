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
* canned queries for the common questions (:data:`QUERIES`).

:func:`metadata` is a pure function of the registry; :func:`write_site` writes
``kzdata.db`` and ``metadata.json`` so that the site can be published with
Datasette's own tools (``datasette publish``, ``datasette package``);
``kzdata serve`` (:mod:`kzdata._serve`) serves the same site (the optional extra ``web``
installs Datasette).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kzdata._registry import (
    CITATIONS,
    COUNTED_EVENT_STATUSES,
    EVENTS,
    INDICATOR_VALUES,
    INDICATORS,
    PEOPLE,
    PLACES,
    SENTENCES,
    TABLES,
    Table,
)

DATABASE = "kzdata"
"""The database name in Datasette URLs (Datasette takes it from the file name ``kzdata.db``)."""

LABEL_CANDIDATES = ("name", "title", "heading", "topic", "claim", "alias")
"""Columns that identify a row for people, in order of preference."""

FACET_REFERENCES = frozenset({"places.place_id", "sources.source_id", "indicators.indicator_id"})
"""Foreign keys worth a facet besides the category columns: where, which source, which indicator."""

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


def _table_metadata(table: Table) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "title": table.title,
        "description": table.row + (" " + " ".join(table.notes) if table.notes else ""),
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
        f"<p>Cite as: {html.escape(dataset_citation('text'))}</p>"
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
    }


def write_site(target: Path) -> list[Path]:
    """Write ``kzdata.db`` and its Datasette ``metadata.json`` into ``target``.

    Serve or publish them with Datasette's own tools, e.g.
    ``datasette kzdata.db --metadata metadata.json`` or
    ``datasette publish cloudrun kzdata.db --metadata metadata.json --service kzdata``.
    """
    from kzdata._formats.sqlite import write_sqlite

    db = write_sqlite(target / f"{DATABASE}.db")
    meta_file = target / "metadata.json"
    meta_file.write_text(json.dumps(metadata(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [db, meta_file]


def write(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """The datasette export format, written into its folder inside the export folder ``target``."""
    return write_site(folders[0])
