"""Move the pending change log and citations of the next release into raw/ (maintainers).

    python scripts/apply_pending.py [ROOT]

Corrections made while the version being built is still the last release cannot be logged
in ``raw/changes.csv``: the build accepts change entries only up to the version it builds.
They wait in ``docs/changes-<version>-pending.csv`` (and new citations, which a retraction
or a correction needs, in ``docs/citations-<version>-pending.csv``). When that version is
cut, after ``pyproject.toml`` and ``kzdata/_meta.py`` carry it, this script

1. appends every pending change entry to ``raw/changes.csv``;
2. deletes from ``raw/<table>.csv`` every record a pending entry retracts or merges (a retired
   id may not stay in the data; its entry keeps it resolvable), and gives every record a
   pending entry renames its new id (``merged_into``), in its row and in every reference;
3. appends the pending citations to ``raw/citations.csv``;
4. deletes the pending files.

It refuses, changing nothing, when the version in ``pyproject.toml`` is not the one the
pending files name, when a pending change id is already logged or given twice, or when a
pending citation id already exists. Then run ``kzdata release`` (which logs the added
records) and ``kzdata build`` (docs/versioning.md, "Making a release").
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

PENDING = re.compile(r"^changes-(\d+\.\d+\.\d+)-pending\.csv$")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _primary_key(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))[0]


def _rename(
    raw: Path, renamed: dict[str, dict[str, str]], citations: list[dict[str, str]], done: list[str]
) -> list[dict[str, str]]:
    """Give each renamed record its new id, in its own row and in every reference to it.

    References are the foreign keys the registry declares into the table and the
    ``(record_table, record_id)`` pairs of citations and discrepancy claims. The change log
    is left alone: its earlier entries are about the old id. Ids that merely embed the old
    one (an event actor's, a citation's) are names of other records and keep them.
    Returns the citations with their references renamed (they are written by the caller).
    """
    from kzdata._registry import TABLES

    edits: dict[str, list[tuple[str, str | None, dict[str, str]]]] = {}
    for table, names in renamed.items():
        target = next(t for t in TABLES if t.name == table)
        edits.setdefault(table, []).append((target.primary_key, None, names))
        for referring in TABLES:
            for column, ref_table, _ in referring.foreign_keys:
                if ref_table == table:
                    edits.setdefault(referring.name, []).append((column, None, names))
        for polymorphic in ("citations", "discrepancy_claims"):
            edits.setdefault(polymorphic, []).append(("record_id", table, names))
    for table, columns in sorted(edits.items()):
        if table == "changes":
            continue
        header: list[str] = []
        if table == "citations":
            rows = citations
        else:
            header, rows = _read(raw / f"{table}.csv")
        count = 0
        for row in rows:
            for column, only_table, names in columns:
                if only_table is not None and row["record_table"] != only_table:
                    continue
                if row[column] in names:
                    row[column] = names[row[column]]
                    count += 1
        if table != "citations":
            _write(raw / f"{table}.csv", header, rows)
        if count:
            done.append(f"{count} ids renamed in raw/{table}.csv")
    return citations


def apply(root: Path) -> list[str]:
    """Apply the pending files of ``root``; return what was done, one line per step."""
    docs, raw = root / "docs", root / "raw"
    pending = sorted(p for p in docs.glob("changes-*-pending.csv") if PENDING.match(p.name))
    if len(pending) != 1:
        raise SystemExit(f"expected one docs/changes-<version>-pending.csv, found {len(pending)}")
    version = PENDING.match(pending[0].name).group(1)  # type: ignore[union-attr]
    found = re.search(r'^version = "([^"]+)"$', (root / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    project = found.group(1) if found else "(none)"
    if project != version:
        raise SystemExit(f"the pending files are for {version}, but pyproject.toml says {project}: bump it first")
    log_header, log = _read(raw / "changes.csv")
    _, changes = _read(pending[0])
    logged = {row["change_id"] for row in log}
    ids = [row["change_id"] for row in changes]
    twice = sorted({i for i in ids if ids.count(i) > 1} | (set(ids) & logged))
    if twice:
        raise SystemExit(f"change ids given twice or already logged: {', '.join(twice)}")
    cited_path = docs / f"citations-{version}-pending.csv"
    citation_header, citations = _read(raw / "citations.csv")
    new_citations = _read(cited_path)[1] if cited_path.exists() else []
    clash = sorted({c["citation_id"] for c in new_citations} & {c["citation_id"] for c in citations})
    if clash:
        raise SystemExit(f"pending citation ids already in raw/citations.csv: {', '.join(clash)}")

    appended = len(new_citations)  # counted now: a rename folds them into the citations it rewrites
    done = [f"{len(changes)} change entries appended to raw/changes.csv"]
    _write(raw / "changes.csv", log_header, log + changes)
    retired: dict[str, set[str]] = {}
    renamed: dict[str, dict[str, str]] = {}
    for row in changes:
        if row["change"] in ("retracted", "merged"):
            retired.setdefault(row["record_table"], set()).add(row["record_id"])
        elif row["change"] == "renamed":
            renamed.setdefault(row["record_table"], {})[row["record_id"]] = row["merged_into"]
    if renamed:
        citations, new_citations = _rename(raw, renamed, citations + new_citations, done), []
    for table, gone in sorted(retired.items()):
        if table == "citations":
            before = len(citations)
            citations = [c for c in citations if c["citation_id"] not in gone]
            removed = before - len(citations)
        else:
            path = raw / f"{table}.csv"
            header, rows = _read(path)
            key = _primary_key(path)
            kept = [r for r in rows if r[key] not in gone]
            _write(path, header, kept)
            removed = len(rows) - len(kept)
        done.append(f"{removed} retired records deleted from raw/{table}.csv")
    _write(raw / "citations.csv", citation_header, citations + new_citations)
    done.append(f"{appended} citations appended to raw/citations.csv")
    pending[0].unlink()
    if cited_path.exists():
        cited_path.unlink()
    done.append("pending files removed")
    return done


if __name__ == "__main__":
    for line in apply(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()):
        print(line)
