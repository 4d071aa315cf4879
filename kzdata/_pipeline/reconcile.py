"""The build's reconciliation: every change since the last release is logged; every entry changes something.

The build compares the tables it is about to write with the last release before the
version it builds, taken from the history store of the checkout (``kzdata/_history``,
docs/versioning.md "Past releases"), with :func:`kzdata._diff.compare`. It refuses, with
the file, line, column, value and rule of each:

* a changed cell (of a column the build does not derive) whose record has no
  ``corrected`` entry of the version being built, and which is not a reference to a
  merged or renamed id following it to its replacement;
* a record gone with no ``retracted``, ``merged`` or ``renamed`` entry;
* a record new since the last release with no ``added`` entry, once the version's ids are
  frozen (``raw/releases/<version>.csv``; before that, ``kzdata release`` logs them);
* an entry of the version being built that changes nothing.

A source tree without a history store (a copy of ``raw/`` alone) has nothing to compare
with and is not reconciled.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from kzdata import _diff, _history
from kzdata._pipeline import encode
from kzdata._pipeline.raw_tables import RawTable
from kzdata._registry import CHANGES, REGISTRY
from kzdata._versions import parse_version
from kzdata.errors import Issue

LOG = "raw/changes.csv"
_RECORD = re.compile(r'^INDEX_SHA256 = "(sha256:[0-9a-f]{64})"$', re.M)
_HOW = "docs/versioning.md, Reconciliation"


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def previous_release(root: Path, version: str) -> tuple[_diff.Snapshot | None, list[Issue]]:
    """The last stored release before ``version`` as text, or None; and the problems of the store."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = root / _history.FOLDER
    index_file = store / _history.INDEX
    if not index_file.is_file():
        return None, []
    data = index_file.read_bytes()
    record = root / _history.RECORD_MODULE
    found = _RECORD.search(record.read_text(encoding="utf-8")) if record.is_file() else None
    if found is None or found.group(1) != _sha(data):
        rule = f"the history index does not have the sha256 {_history.RECORD_MODULE} records; run scripts/history.py"
        return None, [Issue(f"{_history.FOLDER}/{_history.INDEX}", "-", "-", _sha(data), rule)]
    index = json.loads(data)
    prior = [r for r in index["releases"] if parse_version(r["version"]) < parse_version(version)]
    if not prior:
        return None, []
    base = max(prior, key=lambda r: parse_version(r["version"]))
    tables = {}
    for table in base["tables"]:
        name = table["name"]
        raw = (store / f"{name}.parquet").read_bytes()
        if _sha(raw) != index["files"].get(name):
            rule = f"the history file does not have the sha256 {_history.INDEX} records; run scripts/history.py"
            return None, [Issue(f"{_history.FOLDER}/{name}.parquet", "-", "-", _sha(raw), rule)]
        columns = [c["name"] for c in table["columns"]]
        stored = pq.ParquetFile(pa.BufferReader(raw)).read()
        tables[name] = (columns, _history.release_rows(stored, columns, base["version"]))
    return _diff.Snapshot(base["version"], tables), []


def reconcile_issues(root: Path, version: str, tables: dict[str, RawTable]) -> list[Issue]:
    """Every change since the last release that the change log does not explain, and every idle entry."""
    old, issues = previous_release(root, version)
    if old is None:
        return issues
    derived: dict[str, frozenset[str]] = {
        t.name: frozenset(c.name for c in t.columns if c.derived) for t in REGISTRY.values()
    }
    texts = {
        name: _diff.parse_csv(encode.csv_bytes(REGISTRY[name], encode.sort_frame(REGISTRY[name], raw.frame)))
        for name, raw in tables.items()
    }
    new = _diff.Snapshot(version, texts, derived)
    log = _diff.entries(texts[CHANGES.name], old.version, version)
    unexplained, idle = _diff.problems(_diff.compare(old, new, log), log)
    frozen = (root / "raw" / "releases" / f"{version}.csv").is_file()
    for d in unexplained:
        if d.kind == "added" and not frozen:
            continue
        issues.append(_issue(d, old.version, version, tables))
    changes = tables[CHANGES.name]
    rows = {str(v): i for i, v in enumerate(changes.frame[CHANGES.primary_key])}
    for entry in idle:
        where = changes.where(rows[entry.change_id], "change") if entry.change_id in rows else "-"
        rule = (
            f"this {entry.change} entry of {version} changes nothing since release {old.version} "
            f"({entry.record_table} {entry.record_id!r} is as it was); remove it or make the change it states ({_HOW})"
        )
        issues.append(Issue(LOG, where, "change_id", repr(entry.change_id), rule))
    return issues


def _issue(d: _diff.Difference, base: str, version: str, tables: dict[str, RawTable]) -> Issue:
    raw = tables[d.table]
    key = REGISTRY[d.table].primary_key
    ids = {str(v): i for i, v in enumerate(raw.frame[key])}
    where = raw.where(ids[str(d.record_id)], d.column or key) if str(d.record_id) in ids else "-"
    if d.kind == "changed":
        rule = (
            f"the value changed since release {base} (it was {d.old!r}) and {LOG} has no entry of {version} "
            f"for {d.table} {d.record_id!r}; log a 'corrected' entry with the reason ({_HOW})"
        )
        return Issue(raw.file, where, str(d.column), repr(d.new), rule)
    if d.kind == "added":
        rule = f"a record new since release {base} needs an 'added' entry of {version} in {LOG} ({_HOW})"
        return Issue(raw.file, where, key, repr(d.record_id), rule)
    rule = (
        f"a record of release {base} is gone and {LOG} has no 'retracted', 'merged' or 'renamed' entry "
        f"of {version} for it ({_HOW})"
    )
    return Issue(raw.file, "-", key, repr(d.record_id), rule)
