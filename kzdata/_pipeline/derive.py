"""Columns the build computes from others, so that ``raw/`` states each fact once."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kzdata._registry import (
    CITATIONS,
    EVENTS,
    INDICATOR_VALUES,
    LOCATION_PRECISIONS,
    PLACE_KIND_PRECISION,
    PLACES,
    SECTIONS,
)


def citation_locator(citations: pd.DataFrame, sections: pd.DataFrame) -> pd.Series:
    """A readable pinpoint: document, section heading, paragraph and footnote.

    >>> cit = pd.DataFrame({"source_id": ["cornell-2024"], "section_id": ["s"],
    ...                     "paragraph": pd.array([3], dtype="Int64"),
    ...                     "footnote": pd.array([8], dtype="Int64")})
    >>> sec = pd.DataFrame({"section_id": ["s"], "heading": ["The January Events"]})
    >>> citation_locator(cit, sec).tolist()
    ['cornell-2024, The January Events, para. 3, fn. 8']
    """
    heading = citations["section_id"].map(sections.set_index("section_id")["heading"]).astype("string")
    para = citations["paragraph"].astype("string")
    note = citations["footnote"].astype("string")
    locator = citations["source_id"].astype("string") + ", " + heading.fillna("?")
    locator = locator + (", para. " + para).fillna("")
    locator = locator + (", fn. " + note).fillna("")
    return locator.astype("string")


def location_precision(place_ids: pd.Series, places: pd.DataFrame) -> pd.Series:
    """How precisely each record is located: its place's kind as site, city, region or country.

    >>> places = pd.DataFrame({"place_id": ["almaty", "almaty-airport"], "kind": ["city", "other"]})
    >>> location_precision(pd.Series(["almaty-airport", None, "almaty"]), places).tolist()
    ['site', nan, 'city']
    """
    kind = place_ids.map(places.set_index("place_id")["kind"].astype("string"))
    return pd.Series(
        pd.Categorical(kind.map(PLACE_KIND_PRECISION), categories=LOCATION_PRECISIONS), index=place_ids.index
    )


def derive(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return ``frames`` with every derived column filled in."""
    out = dict(frames)
    for table in (EVENTS.name, INDICATOR_VALUES.name):
        located = out[table].copy()
        precision = location_precision(located["place_id"], out[PLACES.name])
        located.insert(list(located.columns).index("place_id") + 1, "location_precision", precision)
        out[table] = located
    citations = out[CITATIONS.name].copy()
    citations["locator"] = citation_locator(citations, out[SECTIONS.name])
    out[CITATIONS.name] = citations
    return out
