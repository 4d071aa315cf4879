"""Facts about the dataset as a work: the single statement of its metadata.

Title, description, authors, licence, keywords and release date are written here
once (the primary documents are rows of ``raw/sources.csv``: :mod:`kzdata._documents`).
Everything that states them is generated from this module: :func:`kzdata.cite`,
``CITATION.cff`` and ``.zenodo.json`` (:mod:`kzdata._citation_files`), ``datapackage.json``
(:mod:`kzdata._descriptor`) and ``croissant.json``; ``pyproject.toml`` repeats the summary,
keywords, licence and authors, because packaging tools read them there.
``tests/test_metadata.py`` fails when a generated file or ``pyproject.toml`` drifts from
it, or when a generator hard-codes a fact of its own.

The version is not here: it lives in ``pyproject.toml`` only and reaches
everything else through the package metadata. The release date is stated here and
bumped with the version; it is a fixed date, never the build time, so that the same
``raw/`` always builds to the same bytes. The project has no web address yet, so no
citation carries a URL (:data:`URL` is ``None``); set it when one exists.
"""

from __future__ import annotations

TITLE = "kzdata: Kazakhstan's January 2022 events and the reforms that followed"
SHORT_TITLE = "kzdata"
SUMMARY = "Typed, cited tables on Kazakhstan's January 2022 events and the reforms that followed"
"""One line on what kzdata is (``pyproject.toml``'s description, the command line's help)."""
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
RELEASE_DATE = "2026-12-05"
"""ISO date of the current release (bumped with the version in ``pyproject.toml``)."""
RELEASE_YEAR = int(RELEASE_DATE[:4])
URL: str | None = None
"""The project's web address, once it has one (none yet: citations carry no URL)."""
