"""The primary documents, as ``raw/`` states them: read from the tables, never restated in code.

The documents every record is drawn from are the rows of ``sources`` whose kind is
``primary_document``; their authors are in ``authorships`` and ``people``. Everything that
names them (the descriptor's ``sources``, ``CITATION.cff``'s references, ``.zenodo.json``,
Croissant's ``isBasedOn``, the workbook's ``about`` sheet, the SQLite ``_kzdata_meta`` and
the site's front page) is generated from :func:`primary_documents`, so a correction to a
title in ``raw/sources.csv`` reaches every copy.

The function reads the canonical CSV bytes of the three tables with the standard library,
so the build (from the frames it is about to write) and :func:`kzdata.verify` (from the
checked shipped files) derive the same statements without pandas. Two rules turn a row
into a reference:

* a document with authors in ``authorships`` is an article in the outlet its ``publisher``
  names; one without is a report by that publisher (an organisation as author);
* ``people.name`` is written given names first: the last word is the family name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kzdata._registry import AUTHORSHIPS, PEOPLE, SOURCES

PRIMARY = "primary_document"
"""The ``sources.kind`` of a primary document."""
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class PrimaryDocument:
    """One primary document, as the tables describe it."""

    source_id: str
    type: str
    """CFF reference type: ``article`` (it has authors) or ``report`` (its publisher is the author)."""
    title: str
    authors: tuple[tuple[str, str], ...]
    """``(family or organisation name, given names)``; given names empty for an organisation."""
    year: int
    month: int | None
    journal: str | None
    summary: str
    """One line naming the document (descriptor ``sources``, Croissant, the workbook, the site)."""


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _when(start: str, end: str, precision: str) -> str:
    first = date.fromisoformat(start)
    if precision == "day":
        return f"{first.day} {_MONTHS[first.month - 1]} {first.year}"
    if precision == "month":
        return f"{_MONTHS[first.month - 1]} {first.year}"
    if precision == "year":
        return str(first.year)
    return f"between {_when(start, start, 'day')} and {_when(end, end, 'day')}"


def primary_documents(csv_files: Mapping[str, bytes]) -> tuple[PrimaryDocument, ...]:
    """The primary documents described by the canonical CSV bytes of sources, authorships and people.

    ``csv_files`` maps table names to CSV bytes (others are ignored). Documents come in
    ``source_id`` order (the order of the shipped table).
    """
    people = {row["person_id"]: row["name"] for row in _rows(csv_files[PEOPLE.name])}
    authors: dict[str, list[tuple[int, str]]] = {}
    for row in _rows(csv_files[AUTHORSHIPS.name]):
        if row["role"] == "author":
            authors.setdefault(row["source_id"], []).append((int(row["position"]), people[row["person_id"]]))
    out = []
    for row in _rows(csv_files[SOURCES.name]):
        if row["kind"] != PRIMARY:
            continue
        names = [name for _, name in sorted(authors.get(row["source_id"], []))]
        publisher = row["publisher"]
        start = date.fromisoformat(row["published_start"])
        precise = row["published_precision"] in ("day", "month")
        people_authors = tuple((n.rsplit(" ", 1)[-1], n.rsplit(" ", 1)[0] if " " in n else "") for n in names)
        by = ", ".join(names) if names else publisher
        title = row["title"]
        shown = title if title.startswith("[") else f"'{title}'"
        outlet = f", {publisher}" if names and publisher else ""
        when = _when(row["published_start"], row["published_end"], row["published_precision"])
        out.append(
            PrimaryDocument(
                source_id=row["source_id"],
                type="article" if names else "report",
                title=title,
                authors=people_authors if names else ((publisher, ""),),
                year=start.year,
                month=start.month if precise else None,
                journal=publisher if names else None,
                summary=f"{by}, {shown}{outlet}, {when} (source_id {row['source_id']})",
            )
        )
    return tuple(out)
