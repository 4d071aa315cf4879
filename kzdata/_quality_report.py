"""The quality report of a release (``quality.json``), computed from the release's own values.

A citable dataset is checked years after it was cited, so every release carries the state
of its data at a glance: rows per table and their change since the previous release,
missing values per column, the rules the release passed, how many citations are anchored
to their sentences, the open discrepancies by severity, and the change log's summary for
the release (the diff summary), with every id ever retired.

Everything here is computed from the canonical CSV files of the release (read with the
``csv`` module, no pandas) and the version, never from ``raw/``: so :func:`kzdata.verify`
regenerates the file from the shipped values and compares it byte for byte, like
``datapackage.json``, and the file cannot be edited without ``verify`` noticing. For the
same reason the rows of the previous release are derived from this release's change log
(rows now, less the records added, plus those retracted or merged away; a rename keeps its
row); the tests check that this equals the previous release's manifest,
``raw/releases/<version>.csv``.

The rules section lists every cross-table rule of :mod:`kzdata._rules` with its failing
rows. The build refuses to write a release while any row fails a rule, so a shipped report
always says 0; it records what the release was checked against, and ``kzdata validate``
runs the rules again on the installed copy.

Bytes are deterministic: no timestamp but the release date, keys in a fixed order, counts
as integers, shares as text with one decimal computed in integers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from kzdata import _meta as meta
from kzdata._registry import (
    CHANGE_KINDS,
    CHANGES,
    CITATIONS,
    DISCREPANCIES,
    DISCREPANCY_SEVERITIES,
    DISCREPANCY_STATUSES,
    REPLACING_CHANGES,
    RETIRING_CHANGES,
    TABLES,
)

FORMAT = 1
"""The report's layout version (``kzdata:quality``); a new layout gets a new number."""
_REMOVING = ("retracted", "merged")
"""Changes that remove a row (a rename keeps the row under its new id)."""


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage with one decimal, rounded half up, in integers (no float).

    >>> percent(1, 3), percent(2, 3), percent(0, 5), percent(1, 0)
    ('33.3', '66.7', '0.0', '-')
    """
    if whole <= 0:
        return "-"
    tenths = (part * 2000 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


def _version_key(text: str) -> tuple[int, ...] | None:
    """``MAJOR.MINOR.PATCH`` as numbers, or None for anything else (a damaged log must not stop the report)."""
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def read_rows(data: bytes, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a canonical CSV file, each with exactly ``columns`` (an empty field is a missing value).

    The header row says where each column is. Bytes that are not UTF-8, a column the header
    lacks, and rows with too few or too many fields are read as well as they can be (a
    missing field is empty): the report of a damaged release must still be written, so
    that ``verify`` can say that it differs.

    >>> read_rows(b"b,a\\n1,\\n2\\n", ("a", "b", "c"))
    [{'a': '', 'b': '1', 'c': ''}, {'a': '', 'b': '2', 'c': ''}]
    """
    # A StringIO translates no line end (its default newline is "\n"), as csv needs: a CR inside a text stays.
    reader = csv.reader(io.StringIO(data.decode(errors="replace")))
    where = {name: index for index, name in enumerate(next(reader, []))}
    return [{c: row[where[c]] if where.get(c, len(row)) < len(row) else "" for c in columns} for row in reader]


def previous_release(log: list[dict[str, str]], version: str) -> str | None:
    """The latest version before ``version`` that the change log names (None: the log names none).

    >>> previous_release([{"version": "0.2.0"}, {"version": "0.10.0"}, {"version": "0.3.0"}], "0.10.0")
    '0.3.0'
    """
    current = _version_key(version)
    if current is None:
        return None
    earlier = {key: row["version"] for row in log if (key := _version_key(row["version"])) and key < current}
    return earlier[max(earlier)] if earlier else None


def _table_section(name: str, rows: list[dict[str, str]], changed: dict[str, int]) -> dict[str, Any]:
    """One table's rows, missing values per column (in the registry's order) and its changes in the release."""
    table = next(t for t in TABLES if t.name == name)
    missing = {c: sum(1 for r in rows if not r[c]) for c in table.column_names}
    return {
        "name": name,
        "rows": len(rows),
        "columns": len(table.column_names),
        "missing_cells": sum(missing.values()),
        "missing": missing,
        "changed": changed,
    }


def report(version: str, values: Mapping[str, bytes]) -> dict[str, Any]:
    """The quality report of release ``version``, from each table's canonical CSV bytes.

    >>> import kzdata
    >>> from kzdata import _files
    >>> from kzdata._registry import TABLES
    >>> values = {t.name: _files.csv_path(t.name).read_bytes() for t in TABLES}
    >>> report(kzdata.__version__, values)["version"] == kzdata.__version__
    True
    """
    read = {t.name: read_rows(values[t.name], t.column_names) for t in TABLES}
    log = read[CHANGES.name]
    previous = previous_release(log, version)
    previous_key = _version_key(previous) if previous is not None else None
    in_release = [r for r in log if r["version"] == version]

    tables = []
    for table in TABLES:
        rows = read[table.name]
        kinds = [r["change"] for r in in_release if r["record_table"] == table.name]
        changed = {kind: kinds.count(kind) for kind in CHANGE_KINDS}
        section = _table_section(table.name, rows, changed)
        before: int | None = None
        if previous_key is not None and table.name == CHANGES.name:
            before = sum(1 for r in log if (key := _version_key(r["version"])) and key <= previous_key)
        elif previous_key is not None:
            before = len(rows) - changed["added"] + sum(changed[k] for k in _REMOVING)
        section["previous_rows"] = before
        section["change"] = None if before is None else len(rows) - before
        tables.append(section)

    citations = read[CITATIONS.name]
    sources = sorted({r["source_id"] for r in citations})
    anchored = [r for r in citations if r["span_sha256"]]
    anchors = {
        "total": len(citations),
        "anchored": len(anchored),
        "percent": percent(len(anchored), len(citations)),
        "by_source": [
            {
                "source_id": source,
                "total": sum(1 for r in citations if r["source_id"] == source),
                "anchored": sum(1 for r in anchored if r["source_id"] == source),
            }
            for source in sources
        ],
    }

    discrepancies = read[DISCREPANCIES.name]
    by_severity = [
        {"severity": severity}
        | {
            status: sum(1 for r in discrepancies if r["severity"] == severity and r["status"] == status)
            for status in DISCREPANCY_STATUSES
        }
        for severity in DISCREPANCY_SEVERITIES
    ]

    from kzdata._rules import RULES

    rules = [{"name": rule.__name__, "checks": _first_line(rule.__doc__), "failing_rows": 0} for rule in RULES]
    retired = [
        {
            "version": r["version"],
            "change": r["change"],
            "record_table": r["record_table"],
            "record_id": r["record_id"],
            "replacement": (r["merged_into"] or None) if r["change"] in REPLACING_CHANGES else None,
            "reason": r["reason"],
        }
        for r in log
        if r["change"] in RETIRING_CHANGES
    ]
    retired.sort(key=lambda r: (_version_key(str(r["version"])) or (), str(r["record_table"]), str(r["record_id"])))
    diff = {kind: sum(t["changed"][kind] for t in tables) for kind in CHANGE_KINDS}
    return {
        "kzdata:quality": FORMAT,
        "title": meta.TITLE,
        "version": version,
        "release_date": meta.RELEASE_DATE,
        "previous_version": previous,
        "rows": sum(t["rows"] for t in tables),
        "previous_rows": None if previous is None else sum(t["previous_rows"] for t in tables),
        "tables": tables,
        "rules": {"count": len(rules), "failing_rows": 0, "rules": rules},
        "anchors": anchors,
        "disagreements": {
            "total": len(discrepancies),
            "open": sum(s["unresolved"] for s in by_severity),
            "by_severity": by_severity,
        },
        "diff_summary": {"version": version, "total": sum(diff.values()), "by_kind": diff},
        "retired": retired,
    }


def _first_line(doc: str | None) -> str:
    """The first line of a docstring, the rule's own summary ("" for none).

    >>> _first_line("  Checks this.\\n\\n    More."), _first_line(None), _first_line("   ")
    ('Checks this.', '', '')
    """
    return doc.strip().partition("\n")[0] if doc else ""


def report_bytes(version: str, values: Mapping[str, bytes]) -> bytes:
    """The report as the release ships it: JSON, two-space indented, keys in the order written, final newline."""
    return (json.dumps(report(version, values), indent=2, ensure_ascii=False) + "\n").encode()
