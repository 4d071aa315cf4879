"""Every foreign key of the data, written out by hand from docs/data-dictionary.md.

``(table, column, referenced table, referenced column)``. Tests compare the descriptor,
the SQLite indexes and the data with this list, never with the registry's own
declaration, so a key dropped from the registry fails here. Standard library only.
"""

from __future__ import annotations

FOREIGN_KEYS: list[tuple[str, str, str, str]] = [
    ("sections", "source_id", "sources", "source_id"),
    ("footnotes", "document_id", "sources", "source_id"),
    ("footnotes", "source_id", "sources", "source_id"),
    ("authorships", "source_id", "sources", "source_id"),
    ("authorships", "person_id", "people", "person_id"),
    ("organizations", "country_id", "places", "place_id"),
    ("places", "parent_id", "places", "place_id"),
    ("positions", "person_id", "people", "person_id"),
    ("positions", "organization_id", "organizations", "organization_id"),
    ("positions", "ended_by_event_id", "events", "event_id"),
    ("events", "place_id", "places", "place_id"),
    ("event_actors", "event_id", "events", "event_id"),
    ("event_actors", "person_id", "people", "person_id"),
    ("event_actors", "organization_id", "organizations", "organization_id"),
    ("sentences", "person_id", "people", "person_id"),
    ("sentences", "event_id", "events", "event_id"),
    ("reforms", "event_id", "events", "event_id"),
    ("indicators", "publisher", "organizations", "organization_id"),
    ("indicator_values", "indicator_id", "indicators", "indicator_id"),
    ("indicator_values", "source_id", "sources", "source_id"),
    ("indicator_values", "place_id", "places", "place_id"),
    ("indicator_values", "event_id", "events", "event_id"),
    ("indicator_values", "reform_id", "reforms", "reform_id"),
    ("aliases", "person_id", "people", "person_id"),
    ("aliases", "organization_id", "organizations", "organization_id"),
    ("aliases", "place_id", "places", "place_id"),
    ("aliases", "reform_id", "reforms", "reform_id"),
    ("citations", "source_id", "sources", "source_id"),
    ("citations", "section_id", "sections", "section_id"),
    ("discrepancy_claims", "discrepancy_id", "discrepancies", "discrepancy_id"),
    ("discrepancy_claims", "source_id", "sources", "source_id"),
]
