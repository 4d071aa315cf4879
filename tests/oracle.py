"""The one independent oracle: answers read straight from the hand-curated ``raw/*.csv`` with the csv module.

Nothing here imports kzdata, nor the test modules (``tests/test_harness.py`` checks it): these functions are
the oracles the tests compare the library against, so they must not share its code.
Records are text exactly as curated (quoted newlines stay inside a record).
"""

from __future__ import annotations

import csv
import hashlib
import json
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: The twenty tables in registry order, written out by hand.
TABLE_ORDER = [
    "sources",
    "sections",
    "footnotes",
    "authorships",
    "people",
    "organizations",
    "places",
    "positions",
    "events",
    "event_actors",
    "sentences",
    "reforms",
    "indicators",
    "indicator_values",
    "aliases",
    "citations",
    "discrepancies",
    "discrepancy_claims",
    "editorial_values",
    "changes",
]


#: Every table that has a file in raw/, sorted by name (found on disk, not from the registry).
RAW_TABLES = sorted(p.stem for p in (REPO / "raw").glob("*.csv"))


@cache
def rows(table: str) -> tuple[dict[str, str], ...]:
    """Every row of ``raw/<table>.csv`` as a dict of strings."""
    with (REPO / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def header(table: str) -> list[str]:
    """The column names of ``raw/<table>.csv``, in file order."""
    with (REPO / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def key(table: str) -> str:
    """The primary key column: the first column of the raw file."""
    return header(table)[0]


def sources_behind(table: str, ids: set[str]) -> set[str]:
    """The source ids that the citations of these records name, plus their footnotes' works.

    Placeholders (sources whose ``text_missing`` is true) are no works and are left out.
    """
    citations = rows("citations")
    if table == "citations":
        used = [c for c in citations if c["citation_id"] in ids]
    elif table == "discrepancies":
        claims = {c["claim_id"] for c in rows("discrepancy_claims") if c["discrepancy_id"] in ids}
        used = [c for c in citations if c["record_table"] == "discrepancy_claims" and c["record_id"] in claims]
    else:
        used = [c for c in citations if c["record_table"] == table and c["record_id"] in ids]
    # A footnote number means something only within its document.
    notes = {(c["source_id"], c["footnote"]) for c in used if c["footnote"]}
    works = {f["source_id"] for f in rows("footnotes") if (f["document_id"], f["footnote"]) in notes}
    placeholders = {s["source_id"] for s in rows("sources") if s["text_missing"] == "true"}
    return ({c["source_id"] for c in used} | works) - placeholders


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_fingerprint(folder: Path) -> str:
    """The content fingerprint of a release folder, from its definition in docs/versioning.md.

    ``folder`` is the data folder or a csv/bundle export: it has ``csv/<table>.csv``
    (the canonical values), ``datapackage.json`` (each table's Table Schema),
    ``LICENSE-DATA`` and the dataset card (``dataset-card.md``, or ``README.md`` in an
    export). Written from the text of the definition with hashlib and json only.
    """
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {resource["name"]: resource["schema"] for resource in descriptor["resources"]}
    card = folder / "dataset-card.md" if (folder / "dataset-card.md").exists() else folder / "README.md"
    lines = ["kzdata-fingerprint-2"]
    for name in TABLE_ORDER:
        schema = json.dumps(schemas[name], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        values = (folder / "csv" / f"{name}.csv").read_bytes()
        lines.append(f"table {name} schema sha256:{_sha256(schema.encode('utf-8'))} values sha256:{_sha256(values)}")
    lines.append(f"file LICENSE-DATA sha256:{_sha256((folder / 'LICENSE-DATA').read_bytes())}")
    lines.append(f"file dataset-card.md sha256:{_sha256(card.read_bytes())}")
    return "sha256:" + _sha256("".join(line + "\n" for line in lines).encode("utf-8"))


RANK = {"day": 0, "month": 1, "year": 2, "range": 3}


#: The event statuses that count as having happened (docs/events.md), written out by hand:
#: stated in the text's own voice, or reported without doubt.
HAPPENED = ("occurred", "reported")


def dated_records(statuses: tuple[str, ...] | None = HAPPENED) -> list[tuple[str, str, str, str, str, str]]:
    """(start, end, precision, kind, id, title) of every dated record, from raw/ (the oracle).

    Events are kept when their status is one of ``statuses`` (``None``: every event);
    reforms and sentences have no status and are always kept.
    """
    people = {r["person_id"]: r["name"] for r in rows("people")}
    out = [
        (r["date_start"], r["date_end"], r["date_precision"], "event", r["event_id"], r["title"])
        for r in rows("events")
        if statuses is None or r["status"] in statuses
    ]
    out += [
        (r["date_start"], r["date_end"], r["date_precision"], "reform", r["reform_id"], r["name"])
        for r in rows("reforms")
        if r["date_start"]
    ]
    for r in rows("sentences"):
        if r["verdict_start"]:
            term = f"{r['prison_years']} years" if r["prison_years"] else "term not stated"
            title = f"Sentence: {people[r['person_id']]}, {term}"
            out.append(
                (r["verdict_start"], r["verdict_end"], r["verdict_precision"], "sentence", r["sentence_id"], title)
            )
    return sorted(out, key=lambda x: (x[0], x[1], RANK[x[2]], x[3], x[4]))


def citations_behind(table: str, ids: set[str]) -> list[dict[str, str]]:
    """The rows of raw/citations.csv behind these records (a discrepancy's through its claims)."""
    citations = rows("citations")
    if table == "citations":
        return [c for c in citations if c["citation_id"] in ids]
    if table == "discrepancies":
        claims = {c["claim_id"] for c in rows("discrepancy_claims") if c["discrepancy_id"] in ids}
        return [c for c in citations if c["record_table"] == "discrepancy_claims" and c["record_id"] in claims]
    return [c for c in citations if c["record_table"] == table and c["record_id"] in ids]


def document_pinpoints(table: str, ids: set[str]) -> dict[str, tuple[dict[str, set[int]], set[int]]]:
    """Per primary document: {section heading: paragraphs named} and the footnote numbers named."""
    headings = {s["section_id"]: s["heading"] for s in rows("sections")}
    out: dict[str, tuple[dict[str, set[int]], set[int]]] = {}
    for c in citations_behind(table, ids):
        paragraphs, notes = out.setdefault(c["source_id"], ({}, set()))
        if c["paragraph"]:
            paragraphs.setdefault(headings[c["section_id"]], set()).add(int(c["paragraph"]))
        if c["footnote"]:
            notes.add(int(c["footnote"]))
    return out


def work_pinpoints(table: str, ids: set[str]) -> dict[str, set[tuple[str, int, str]]]:
    """Per cited work (placeholders left out): (citing document, note number, pages or '') of each note."""
    named = {(c["source_id"], c["footnote"]) for c in citations_behind(table, ids) if c["footnote"]}
    placeholders = {s["source_id"] for s in rows("sources") if s["text_missing"] == "true"}
    out: dict[str, set[tuple[str, int, str]]] = {}
    for f in rows("footnotes"):
        if (f["document_id"], f["footnote"]) in named and f["source_id"] not in placeholders:
            out.setdefault(f["source_id"], set()).add((f["document_id"], int(f["footnote"]), f["pages"]))
    return out
