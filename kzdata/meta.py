"""Facts about the dataset as a work: title, authors, licence, how to cite it.

Stated once here and used by :func:`kzdata.cite`, the generated ``CITATION.cff``
and ``datapackage.json``. The version is not here: it lives in ``pyproject.toml``
only and reaches everything else through the package metadata.
"""

from __future__ import annotations

TITLE = "kzdata: Kazakhstan's January 2022 events and the reforms that followed"
SHORT_TITLE = "kzdata"
AUTHORS: tuple[tuple[str, str], ...] = (("kzdata contributors", ""),)
"""``(family or team name, given names)`` of each author."""
LICENSE = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
ABSTRACT = (
    "Typed, cited tables of the January 2022 unrest in Kazakhstan and the political reforms "
    "after it: events, people, court sentences, reforms, indicators with baselines and targets, "
    "and the sources, citations and discrepancies behind them, drawn from two primary documents "
    "with a pinpoint citation for every record."
)
KEYWORDS = ("Kazakhstan", "January events", "political reform", "Central Asia", "dataset")
RELEASE_YEAR = 2026
"""Year of the current release, for the citation (kept with the version bump)."""
