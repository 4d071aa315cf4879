"""``kzdata.annotations()``: the anchors as W3C Web Annotations (JSON-LD).

One annotation per anchored citation (https://www.w3.org/TR/annotation-model/), so that
annotation tools can show, on a copy of a primary document, which sentences support
which record:

* ``target``: the document (``source``: its ``url`` in ``sources``, or, as the primary
  documents have none, ``urn:kzdata:sources:<source_id>``), with a ``FragmentSelector``
  naming the section and the paragraph or footnote, refined by a ``TextPositionSelector``
  whose ``start`` and ``end`` are the anchor's offsets. The offsets count code points in
  the paragraph's (or footnote's) *normalised* text (docs/anchors.md), not in the file:
  the selector says so by ``conformsTo``, and the span's sha256 rides along as
  ``schema:sha256`` so a tool can check that it found the same text;
* ``body``: the record supported, ``urn:kzdata:<table>:<id>``, with its table and id;
* ``id``: ``urn:kzdata:citations:<citation_id>``, stable as citation ids are.

kzdata has no web address yet, so its resources are named by URNs in a ``kzdata``
namespace of its own (not a registered one); every term used is the annotation
context's own or one of its prefixes (``dcterms:``, ``schema:``), so the single
context ``http://www.w3.org/ns/anno.jsonld`` covers the whole document. No text of the
documents is shipped or exported: offsets and hashes only.
"""

from typing import Any

from kzdata._registry import CITATIONS, SOURCES

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
"""The Web Annotation JSON-LD context every annotation names."""
FRAGMENTS = "urn:kzdata:docs:anchors"
"""What the fragment selector's value conforms to: the paragraph counts of docs/anchors.md."""
PREFIX = "urn:kzdata:"
"""The namespace of kzdata's own resource names: ``urn:kzdata:<table>:<id>``."""


def record_iri(table: str, record_id: str) -> str:
    """The name of a kzdata record in annotations.

    >>> record_iri("events", "ev-1")
    'urn:kzdata:events:ev-1'
    """
    return f"{PREFIX}{table}:{record_id}"


def _fragment(section: str, paragraph: int | None, footnote: int | None) -> str:
    """The fragment naming the text the offsets count in: the paragraph when given, else the footnote.

    >>> _fragment("s", 6, None), _fragment("s", None, 13), _fragment("s", 4, 11)
    ('section=s&paragraph=6', 'section=s&footnote=13', 'section=s&paragraph=4&footnote=11')
    """
    parts = [f"section={section}"]
    if paragraph is not None:
        parts.append(f"paragraph={paragraph}")
    if footnote is not None:
        parts.append(f"footnote={footnote}")
    return "&".join(parts)


def annotations() -> list[dict[str, Any]]:
    """Every anchored citation as a W3C Web Annotation (a JSON-LD object), sorted by citation id.

    Citations not anchored yet (no ``span_start``) have no text position and are left
    out. Write them out with ``json.dump(kzdata.annotations(), file)`` or
    ``kzdata annotations -o FILE``.

    Examples
    --------
    >>> import kzdata
    >>> first = kzdata.annotations()[0]
    >>> first["type"], first["target"]["selector"]["refinedBy"]["type"]
    ('Annotation', 'TextPositionSelector')
    """
    import pandas as pd

    from kzdata._load import load

    citations = load(CITATIONS.name)
    # in citation_id order already: the release stores every table sorted by its primary key
    anchored = citations[citations["span_start"].notna()]
    urls = load(SOURCES.name).set_index("source_id")["url"]

    def number(value: object) -> int | None:
        return None if value is None or value is pd.NA else int(str(value))

    out = []
    for row in anchored.astype(object).itertuples(index=False):
        url = urls.get(row.source_id)
        position: dict[str, Any] = {
            "type": "TextPositionSelector",
            "start": int(row.span_start),
            "end": int(row.span_end),
            "schema:sha256": str(row.span_sha256).removeprefix("sha256:"),
        }
        out.append(
            {
                "@context": CONTEXT,
                "id": record_iri(CITATIONS.name, row.citation_id),
                "type": "Annotation",
                "motivation": "linking",
                "body": {
                    "id": record_iri(str(row.record_table), row.record_id),
                    "dcterms:isPartOf": str(row.record_table),
                    "dcterms:identifier": row.record_id,
                },
                "target": {
                    "type": "SpecificResource",
                    "source": url if isinstance(url, str) else record_iri(SOURCES.name, row.source_id),
                    "selector": {
                        "type": "FragmentSelector",
                        "conformsTo": FRAGMENTS,
                        "value": _fragment(row.section_id, number(row.paragraph), number(row.footnote)),
                        "refinedBy": position,
                    },
                },
            }
        )
    return out
