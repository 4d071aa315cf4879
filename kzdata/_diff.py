"""What changed between two releases, cell by cell, and which change-log entry says so.

``kzdata.diff("0.2.0", "0.3.0")`` compares two releases table by table, in the spirit of
PUDL's per-release table diffs and Dolt's ``dolt diff``: rows added, rows gone (retracted,
merged or renamed by the change log, or removed without an entry), and every changed cell
(table, record, column, old value, new value). Values are compared as the releases'
canonical CSV text (docs/versioning.md), so a changed dtype is not a changed value.

Records are matched by id; a renamed record is matched to its new id through the change
log of the later release, so its cells are compared and not reported as one row gone and
one added. A column the later release has and the earlier lacks (or the reverse) is a
*schema* change (``column_added``, ``column_removed``), never a column of changed cells:
nothing was there to change. The change log itself (``changes``) is what differences are
explained by, not a table that is compared.

Each difference names the entry of the later release's change log that explains it
(``change_id``): ``added`` for a new row, ``retracted``/``merged``/``renamed`` for a row
gone, ``corrected`` for a changed cell, and a ``merged``/``renamed`` entry for a cell that
held the retired id and now holds its replacement (a reference following its record). A
cell of a column the build derives (``Column.derived``) follows its inputs and needs no
entry of its own. :func:`problems` lists what the change log does not explain and the
entries that change nothing; ``kzdata build`` refuses both (:mod:`kzdata._pipeline.reconcile`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kzdata._files import CSV_DIR
from kzdata._registry import CHANGES, CITATIONS, REGISTRY, REPLACING_CHANGES
from kzdata._versions import parse_version
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

Rows = list[tuple[str | None, ...]]

KINDS = (
    "table_added",
    "table_removed",
    "column_added",
    "column_removed",
    "added",
    "retracted",
    "merged",
    "renamed",
    "removed",
    "changed",
    "filled",
)
"""Every kind of difference, in the order a diff lists them per table."""
COLUMNS = ("table", "record_id", "kind", "column", "old", "new", "change_id")
"""The columns of :func:`diff`'s frame."""
EXPECTED = {"added": "added", "retracted": "retracted", "merged": "merged", "renamed": "renamed"}
"""The change-log entry each kind of row difference needs."""


@dataclass(frozen=True)
class Snapshot:
    """One release's tables as canonical text: per table its columns and rows."""

    version: str
    tables: Mapping[str, tuple[list[str], Rows]]
    derived: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class Difference:
    """One difference between two releases (one row of :func:`diff`)."""

    table: str
    record_id: str | None
    kind: str
    column: str | None = None
    old: str | None = None
    new: str | None = None
    change_id: str | None = None
    derived: bool = False


@dataclass(frozen=True)
class Entry:
    """One change-log entry of the later release."""

    change_id: str
    version: str
    change: str
    record_table: str
    record_id: str
    merged_into: str | None
    line: int = 0
    """The entry's line in the change log's CSV (for the build's messages)."""


def parse_csv(data: bytes) -> tuple[list[str], Rows]:
    """Columns and rows of a canonical CSV file (an empty field is missing)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header = next(reader)
    return header, [tuple(v if v != "" else None for v in row) for row in reader]


def entries(log: tuple[list[str], Rows], after: str, upto: str) -> list[Entry]:
    """The entries of the change log ``log`` whose version is after ``after`` and at most ``upto``."""
    columns, rows = log
    low, high = parse_version(after), parse_version(upto)
    out = []
    for line, row in enumerate(rows, start=2):
        cell = dict(zip(columns, row, strict=True))
        version = cell.get("version") or ""
        if low < parse_version(version) <= high:
            out.append(
                Entry(
                    str(cell["change_id"]),
                    version,
                    str(cell["change"]),
                    str(cell["record_table"]),
                    str(cell["record_id"]),
                    cell.get("merged_into"),
                    line,
                )
            )
    return out


def compare(old: Snapshot, new: Snapshot, log: Iterable[Entry]) -> list[Difference]:
    """Every difference from ``old`` to ``new``, each with the entry of ``log`` that explains it."""
    log = list(log)
    by_record: dict[tuple[str, str, str], Entry] = {}
    for entry in log:
        by_record.setdefault((entry.record_table, entry.record_id, entry.change), entry)
    replaced: dict[tuple[str | None, str | None], Entry] = {
        (e.record_id, e.merged_into): e for e in log if e.change in REPLACING_CHANGES and e.merged_into
    }
    out: list[Difference] = []
    names = [*old.tables, *(n for n in new.tables if n not in old.tables)]
    for name in names:
        if name == CHANGES.name:
            continue
        if name not in old.tables:
            out.append(Difference(name, None, "table_added"))
        if name not in new.tables:
            out.append(Difference(name, None, "table_removed"))
            continue
        out += _table(
            name,
            old.tables.get(name, ([], [])),
            new.tables[name],
            new.derived.get(name, frozenset()),
            by_record,
            replaced,
            schema=name in old.tables,
        )
    explained = {d.change_id for d in out}
    for entry in log:
        if entry.change == "corrected" and entry.change_id not in explained:
            out += _filled(entry, old, new)
    return out


def _filled(entry: Entry, old: Snapshot, new: Snapshot) -> list[Difference]:
    """The values a correction gave in columns the later release added, for its record and its citations.

    Used only for a ``corrected`` entry with no changed cell: when the later release adds a
    column (such as the citations' evidence spans of 0.3.0), a correction made before the
    release may have changed only that column's value, which the earlier release cannot
    show as an old value. Such an entry is reported by these ``filled`` cells; an entry
    with none still changes nothing.
    """
    out: list[Difference] = []
    targets: list[tuple[str, Callable[[tuple[str | None, ...]], bool]]] = [
        (entry.record_table, lambda row: row[0] == entry.record_id)
    ]
    citations = new.tables.get(CITATIONS.name)
    if citations is not None and entry.record_table != CITATIONS.name:
        cols = citations[0]
        if "record_table" in cols and "record_id" in cols:
            t, r = cols.index("record_table"), cols.index("record_id")
            targets.append((CITATIONS.name, lambda row: row[t] == entry.record_table and row[r] == entry.record_id))
    for name, wanted in targets:
        if name not in old.tables or name not in new.tables:
            continue
        old_cols, old_rows = old.tables[name]
        new_cols, new_rows = new.tables[name]
        before = {row[0] for row in old_rows}
        added = [i for i, c in enumerate(new_cols) if c not in old_cols]
        for row in new_rows:
            if row[0] in before and wanted(row):
                out += [
                    Difference(name, row[0], "filled", new_cols[i], None, row[i], entry.change_id)
                    for i in added
                    if row[i] is not None
                ]
    return out


def _table(
    name: str,
    old: tuple[list[str], Rows],
    new: tuple[list[str], Rows],
    derived: frozenset[str],
    by_record: Mapping[tuple[str, str, str], Entry],
    replaced: Mapping[tuple[str | None, str | None], Entry],
    *,
    schema: bool,
) -> list[Difference]:
    (old_cols, old_rows), (new_cols, new_rows) = old, new
    out: list[Difference] = []
    if schema:
        out += [Difference(name, None, "column_added", c) for c in new_cols if c not in old_cols]
        out += [Difference(name, None, "column_removed", c) for c in old_cols if c not in new_cols]
    common = [c for c in new_cols[1:] if c in old_cols]
    before = {str(r[0]): dict(zip(old_cols, r, strict=True)) for r in old_rows}
    after = {str(r[0]): dict(zip(new_cols, r, strict=True)) for r in new_rows}
    renamed_to: dict[str, str] = {}
    for rid in before:
        if rid in after:
            continue
        kind, entry = "removed", None
        for change in ("retracted", "merged", "renamed"):
            entry = by_record.get((name, rid, change))
            if entry is not None:
                kind = change
                break
        target = entry.merged_into if entry is not None else None
        if kind == "renamed" and target in after and target not in before:
            renamed_to[rid] = str(target)
        out.append(Difference(name, rid, kind, None, rid, target, entry.change_id if entry else None))
    matched = {rid: rid for rid in before if rid in after} | {new: old for old, new in renamed_to.items()}
    for rid in after:
        if rid not in matched:
            entry = by_record.get((name, rid, "added"))
            out.append(Difference(name, rid, "added", None, None, rid, entry.change_id if entry else None))
    for rid, was in matched.items():
        a, b = before[was], after[rid]
        correction = by_record.get((name, rid, "corrected")) or by_record.get((name, was, "corrected"))
        for column in common:
            if a[column] == b[column]:
                continue
            entry = correction or replaced.get((a[column], b[column]))
            out.append(
                Difference(
                    name,
                    rid,
                    "changed",
                    column,
                    a[column],
                    b[column],
                    entry.change_id if entry else None,
                    column in derived,
                )
            )
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda d: (order[d.kind], d.record_id or "", d.column or ""))
    return out


def problems(differences: Iterable[Difference], log: Iterable[Entry]) -> tuple[list[Difference], list[Entry]]:
    """What the change log does not explain, and the entries that explain nothing.

    A row added or gone, or a changed cell of a column the build does not derive, needs an
    entry; every entry needs a difference it explains (docs/versioning.md, "Reconciliation").
    """
    differences = list(differences)
    # a difference of a record (a schema change has none) that names no entry and follows no inputs
    unexplained = [d for d in differences if d.record_id is not None and d.change_id is None and not d.derived]
    used = {d.change_id for d in differences if not d.derived}
    idle = [e for e in log if e.change_id not in used]
    return unexplained, idle


# --------------------------------------------------------------------------- releases


def snapshot(version: str) -> Snapshot:
    """Release ``version`` as text: the installed data folder, or the history store."""
    from kzdata import _history
    from kzdata._integrity import read_checked

    derived: dict[str, frozenset[str]] = {
        t.name: frozenset(c.name for c in t.columns if c.derived) for t in REGISTRY.values()
    }
    if version == _history.current_version():
        tables = {name: parse_csv(read_checked(f"csv/{name}.csv", what=f"table {name!r}")) for name in REGISTRY}
    else:
        record = _history.release(version)
        tables = {t["name"]: _history.checked_texts(version, t["name"]) for t in record["tables"]}
    return Snapshot(version, tables, derived)


def diff_releases(a: object, b: object) -> tuple[list[Difference], list[Entry]]:
    """The differences from release ``a`` to release ``b`` and the entries of ``b``'s log after ``a``."""
    from kzdata._history import check_version

    a, b = check_version(a), check_version(b)
    if parse_version(a) >= parse_version(b):
        raise InvalidArgumentError(f"diff compares an earlier release with a later one; {a} is not earlier than {b}")
    old, new = snapshot(a), snapshot(b)
    log = entries(new.tables[CHANGES.name], a, b)
    return compare(old, new, log), log


def diff(a: str, b: str) -> pd.DataFrame:
    """Every difference between releases ``a`` and ``b``, one row each, with the entry that explains it.

    Columns: ``table``, ``record_id``, ``kind`` (``added``, ``retracted``, ``merged``,
    ``renamed``, ``removed``, ``changed``, and the schema changes ``table_added``,
    ``table_removed``, ``column_added``, ``column_removed``), ``column``, ``old`` and
    ``new`` (canonical text; for a row gone, its id and the id that replaces it),
    ``change_id`` (the entry of ``b``'s change log; empty when none explains it).

    Examples
    --------
    >>> import kzdata
    >>> d = kzdata.diff("0.2.0", "0.3.0")
    >>> int((d["kind"] == "renamed").sum())
    8
    """
    import pandas as pd

    differences, _ = diff_releases(a, b)
    rows = [[getattr(d, c) for c in COLUMNS] for d in differences]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype("string")


FORMATS = ("text", CSV_DIR, "json")
"""The output formats of ``kzdata diff``."""


def render(differences: list[Difference], fmt: str, a: str, b: str) -> str:
    """``differences`` as readable text (a summary per table, then one line each), CSV or JSON."""
    if fmt == "json":
        import json

        rows = [{c: getattr(d, c) for c in COLUMNS} for d in differences]
        return json.dumps({"from": a, "to": b, "differences": rows}, indent=1, ensure_ascii=False) + "\n"
    if fmt == CSV_DIR:
        from kzdata._canonical import rows_csv
        from kzdata._registry import Column

        return rows_csv(
            [Column(c, "text", "") for c in COLUMNS], ([getattr(d, c) for c in COLUMNS] for d in differences)
        ).decode("utf-8")
    lines = [f"kzdata {a} -> {b}: {len(differences)} differences"]
    tables: dict[str, list[Difference]] = {}
    for d in differences:
        tables.setdefault(d.table, []).append(d)
    for name, items in tables.items():
        counts: dict[str, int] = {}
        for d in items:
            counts[d.kind] = counts.get(d.kind, 0) + 1
        lines += ["", f"{name}: " + ", ".join(f"{n} {k}" for k, n in counts.items())]
        for d in items:
            where = d.record_id or ""
            if d.kind in ("changed", "filled"):
                start = _common_prefix(d.old or "", d.new or "")
                what = f"{d.column}: {_show(d.old, start)} -> {_show(d.new, start)}"
            elif d.kind in ("merged", "renamed"):
                what = f"-> {d.new}"
            else:
                what = d.column or ""
            schema = d.record_id is None
            entry = (
                f"  [{d.change_id}]"
                if d.change_id
                else ("  [derived]" if d.derived else "" if schema else "  [no change entry]")
            )
            lines.append(f"  {d.kind:<14} {where} {what}{entry}".rstrip())
    return "\n".join(lines) + "\n"


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _show(value: str | None, start: int, limit: int = 60) -> str:
    """A value, from a little before where it first differs, cut to ``limit`` characters."""
    if value is None:
        return "(missing)"
    begin = max(0, start - 15) if len(value) > limit else 0
    text = value[begin : begin + limit]
    return ("..." if begin else "") + repr(text) + ("..." if begin + limit < len(value) else "")
