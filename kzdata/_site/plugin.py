"""kzdata's Datasette plugin: what the reader's site shows beyond Datasette's defaults.

It imports Datasette and the standard library only, never kzdata: ``kzdata export
--format datasette`` copies this file into the exported site's ``plugins/`` folder, where
Datasette loads it without kzdata installed. What it needs to know comes from the
``kzdata-site`` entry of ``metadata.json`` (:func:`kzdata._formats.datasette.site_config`)
and from the site's own tables (``_kzdata_records``, ``_kzdata_evidence``, ``_kzdata_tables``).

* ``render_cell``: a yes/no column shows ``yes`` or ``no``, not 1 or 0; a search result's
  title links to the record's page.
* ``extra_template_vars``: every page gets the configuration and the column labels; the
  landing page the tables with their row counts; a record's page its name, its citation
  and its sources with their pinpoints and anchors.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

NAME = "kzdata-site"
RECORDS = "_kzdata_records"
EVIDENCE = "_kzdata_evidence"
TABLES = "_kzdata_tables"
SEARCH = "search"


def config(datasette: Any) -> dict[str, Any]:
    """The ``kzdata-site`` configuration of the metadata, empty when the site has none."""
    return dict(datasette.plugin_config(NAME) or {})


def yes_no(value: object) -> str | None:
    """``yes`` for 1, ``no`` for 0; None (Datasette's own rendering) for anything else, a missing value included.

    >>> yes_no(1), yes_no(0), yes_no(None), yes_no("1")
    ('yes', 'no', None, None)
    """
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return "yes" if value else "no"
    return None


@hookimpl  # type: ignore[untyped-decorator]  # pluggy's marker is untyped
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    settings = config(datasette)
    if table is None or database != settings.get("database"):
        return None
    if column in settings.get("booleans", {}).get(table, []):
        return yes_no(value)
    if table == SEARCH and column == "title" and row is not None:
        keys = row.keys() if hasattr(row, "keys") else []
        if "record_table" in keys and "record_id" in keys:
            href = datasette.urls.row(database, row["record_table"], row["record_id"])
            return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')  # noqa: S704 - both parts escaped
    return None


async def _record(datasette: Any, database: str, table: str, record_id: str) -> dict[str, Any]:
    """The record's name, its citation and its sources, from the site's own tables."""
    db = datasette.get_database(database)
    found = await db.execute(
        f'SELECT label, kind, citation FROM "{RECORDS}" WHERE record_table = ? AND record_id = ?',  # noqa: S608
        [table, record_id],
    )
    first = found.first()
    columns = (
        "citation_id, source_id, document, section, paragraph, footnote, locator, span_start, span_end, span_sha256"
    )
    sources = await db.execute(
        f'SELECT {columns} FROM "{EVIDENCE}" WHERE record_table = ? AND record_id = ? ORDER BY position',  # noqa: S608
        [table, record_id],
    )
    return {
        "id": record_id,
        "label": first["label"] if first else None,
        "kind": first["kind"] if first else None,
        "citation": first["citation"] if first else None,
        "evidence": [dict(row) for row in sources.rows],
    }


async def _tables(datasette: Any, database: str, settings: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The tables as the landing page lists them: the main ones first, then the others; each with its count."""
    db = datasette.get_database(database)
    rows = await db.execute(f'SELECT name, title, row_description, row_count FROM "{TABLES}"')  # noqa: S608
    by_name = {row["name"]: dict(row) for row in rows.rows}
    return {part: [by_name[name] for name in settings.get(part, []) if name in by_name] for part in ("main", "more")}


@hookimpl  # type: ignore[untyped-decorator]  # pluggy's marker is untyped
def extra_template_vars(
    template: str, database: str | None, table: str | None, view_name: str, request: Any, datasette: Any
) -> Any:
    async def inner() -> dict[str, Any]:
        settings = config(datasette)
        if not settings:
            return {}
        labels = settings.get("labels", {}).get(table or "", {})
        out: dict[str, Any] = {"kzdata_site": settings, "kzdata_labels": labels}
        name = settings.get("database")
        if view_name == "index" and isinstance(name, str) and name in datasette.databases:
            out["kzdata_tables"] = await _tables(datasette, name, settings)
        if view_name == "row" and database is not None and database == name and table and request is not None:
            from datasette.utils import tilde_decode

            record_id = tilde_decode(request.url_vars.get("pks", ""))
            out["kzdata_record"] = await _record(datasette, database, table, record_id)
        return out

    return inner
