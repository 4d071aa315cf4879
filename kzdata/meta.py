"""Facts about the dataset as a work: the single statement of its metadata.

Title, description, authors, licence, keywords, release date and the two primary
documents are written here once. Everything that states them is generated from
this module: :func:`kzdata.cite`, ``CITATION.cff`` (:mod:`kzdata.build.citation`),
``.zenodo.json`` (same module) and ``datapackage.json``
(:mod:`kzdata.build.describe`); ``tests/test_metadata.py`` fails when a generated
file drifts from it or when a generator hard-codes a fact of its own.

The version is not here: it lives in ``pyproject.toml`` only and reaches
everything else through the package metadata. The release date is stated here and
bumped with the version; it is a fixed date, never the build time, so that the same
``raw/`` always builds to the same bytes. The project has no web address yet, so no
citation carries a URL (:data:`URL` is ``None``); set it when one exists.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "kzdata: Kazakhstan's January 2022 events and the reforms that followed"
SHORT_TITLE = "kzdata"
AUTHORS: tuple[tuple[str, str], ...] = (("kzdata contributors", ""),)
"""``(family or team name, given names)`` of each author."""
LICENSE = "CC-BY-4.0"
"""SPDX identifier of the data licence."""
LICENSE_TITLE = "Creative Commons Attribution 4.0 International"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
DESCRIPTION = (
    "Typed, cited tables of the January 2022 unrest in Kazakhstan and the political reforms "
    "after it: events, people, court sentences, reforms, indicators with baselines and targets, "
    "and the sources, citations and discrepancies behind them, drawn from two primary documents "
    "with a pinpoint citation for every record."
)
ABSTRACT = DESCRIPTION
KEYWORDS = ("Kazakhstan", "January events", "political reform", "Central Asia", "dataset")
RELEASE_DATE = "2026-12-02"
"""ISO date of the current release (bumped with the version in ``pyproject.toml``)."""
RELEASE_YEAR = int(RELEASE_DATE[:4])
URL: str | None = None
"""The project's web address, once it has one (none yet: citations carry no URL)."""


@dataclass(frozen=True)
class PrimaryDocument:
    """One of the two documents every record is drawn from (also a row of ``sources``)."""

    source_id: str
    type: str
    """CFF reference type: ``article`` or ``report``."""
    title: str
    authors: tuple[tuple[str, str], ...]
    """``(family or organisation name, given names)``; given names empty for an organisation."""
    year: int
    month: int | None
    journal: str | None
    summary: str
    """One line naming the document, for ``datapackage.json`` ``sources``."""


PRIMARY_DOCUMENTS: tuple[PrimaryDocument, ...] = (
    PrimaryDocument(
        source_id="cornell-2024",
        type="article",
        title="Two years later: Kazakhstan's January events",
        authors=(("Cornell", "Svante E."),),
        year=2024,
        month=1,
        journal="Central Asia-Caucasus Analyst",
        summary="Svante E. Cornell, 'Two years later: Kazakhstan's January events', "
        "Central Asia-Caucasus Analyst, 2 January 2024 (source_id cornell-2024)",
    ),
    PrimaryDocument(
        source_id="crs-2022",
        type="report",
        title="Untitled CRS brief on Kazakhstan's political reforms after the January 2022 unrest",
        authors=(("Congressional Research Service", ""),),
        year=2022,
        month=None,
        journal=None,
        summary="U.S. Congressional Research Service, untitled brief on Kazakhstan's political "
        "reforms after the January 2022 unrest, late 2022 (source_id crs-2022)",
    ),
)
