"""The dtype of every column of every table, written out by hand.

This is the promise "the same frames everywhere": on every supported stack,
``kzdata.load(table)`` returns exactly these pandas dtypes, column for column and in
this order. It is typed from the raw CSV headers and the meaning of each column, not
derived from :mod:`kzdata._registry`, so a change to the registry or the loader that moves
a dtype fails here. ``tests/test_dtypes.py`` asserts it in the test environment, and
``scripts/compat_matrix.py`` asserts it in a fresh virtual environment per stack of the
compatibility matrix (it loads this file by path, so it must import nothing but the
standard library).

Codes: ``s`` string, ``i`` Int64, ``f`` Float64, ``b`` boolean, ``c`` category (with
every declared category, also in an empty table), ``d`` datetime64[ms] (stored as
Arrow date32 in the Parquet files).
"""

from __future__ import annotations

DTYPE_CODES = {
    "s": "string",
    "i": "Int64",
    "f": "Float64",
    "b": "boolean",
    "c": "category",
    "d": "datetime64[ms]",
}

_COLUMNS = """
sources: source_id:s kind:c title:s authors:s container:s publisher:s published_start:d published_end:d
    published_precision:c published_inferred:b published_basis:c url:s footnote:i footnote_count:i
    text_missing:b note:s
sections: section_id:s source_id:s heading:s position:i paragraph_count:i
footnotes: footnote_entry_id:s document_id:s footnote:i position:i source_id:s pages:s note:s
authorships: authorship_id:s source_id:s person_id:s role:c position:i
people: person_id:s name:s description:s role_in_dataset:c
organizations: organization_id:s name:s kind:c country_id:s description:s
places: place_id:s name:s kind:c parent_id:s latitude:f longitude:f description:s
positions: position_id:s person_id:s organization_id:s title:s start_date:d start_precision:c start_inferred:b
    start_basis:c end_date:d end_precision:c end_inferred:b end_basis:c ended_by_event_id:s note:s
events: event_id:s date_start:d date_end:d date_precision:c date_inferred:b date_basis:c time_of_day:s title:s
    description:s category:c status:c place_id:s location_precision:c
event_actors: event_actor_id:s event_id:s person_id:s organization_id:s role:c
sentences: sentence_id:s person_id:s prison_years:i charges:s closed_trial:b verdict_start:d verdict_end:d
    verdict_precision:c verdict_inferred:b verdict_basis:c event_id:s description:s
reforms: reform_id:s name:s kind:c date_start:d date_end:d date_precision:c date_inferred:b date_basis:c status:c
    description:s event_id:s
indicators: indicator_id:s name:s publisher:s unit:c higher_is_better:b topic:c event_measure:c
    description:s
indicator_values: value_id:s indicator_id:s date_start:d date_end:d date_precision:c date_inferred:b date_basis:c
    value:f value_low:f value_high:f stated_as:s value_kind:c valid_from:d valid_to:d
    known_to:d possible_from:d valid_basis:c qualifier:c
    source_id:s place_id:s location_precision:c event_id:s reform_id:s note:s
aliases: alias_id:s person_id:s organization_id:s place_id:s reform_id:s alias:s kind:c note:s
citations: citation_id:s record_table:c record_id:s source_id:s section_id:s paragraph:i footnote:i span_start:i
    span_end:i span_sha256:s locator:s
discrepancies: discrepancy_id:s topic:s kind:c explanation:s severity:c status:c resolution:s
discrepancy_claims: claim_id:s discrepancy_id:s side:i claim:s source_id:s record_table:c record_id:s
editorial_values: editorial_id:s record_table:c record_id:s column_name:s recorded_value:s kind:c basis:s
changes: change_id:s version:s change:c record_table:c record_id:s merged_into:s reason:s
"""

#: Every declared category of a few category columns, in declaration order (from the
#: data dictionary's wording and the raw files' values, typed by hand).
CATEGORIES: dict[tuple[str, str], list[str]] = {
    ("events", "date_precision"): ["day", "month", "year", "range"],
    ("sources", "kind"): ["primary_document", "cited_work"],
    ("authorships", "role"): ["author", "editor"],
    ("people", "role_in_dataset"): ["actor", "author"],
    ("places", "kind"): ["country", "region", "city", "town", "port", "building", "sea", "other"],
    ("indicator_values", "value_kind"): ["observed", "target", "rule"],
    ("indicator_values", "qualifier"): [
        "exact",
        "approximately",
        "more_than",
        "at_least",
        "up_to",
        "less_than",
        "almost",
        "between",
    ],
    ("events", "status"): ["occurred", "reported", "alleged", "contradicted", "assessment", "planned"],
    ("discrepancies", "kind"): ["between_sources", "within_source", "text_vs_cited_work"],
    ("events", "location_precision"): ["site", "city", "region", "country"],
    ("indicator_values", "location_precision"): ["site", "city", "region", "country"],
    ("indicators", "event_measure"): ["deaths", "injuries", "detentions", "troops", "participants"],
    ("discrepancies", "severity"): ["contradiction", "inconsistent_detail", "emphasis_or_scope"],
    ("discrepancies", "status"): ["unresolved", "resolved"],
    ("editorial_values", "kind"): [
        "completed_name",
        "expanded_abbreviation",
        "normalised_spelling",
        "editorial_form",
        "outside_knowledge",
        "document_metadata",
    ],
    ("changes", "change"): ["added", "corrected", "retracted", "merged", "renamed"],
}


def expected_dtypes() -> dict[str, list[tuple[str, str]]]:
    """``{table: [(column, pandas dtype name), ...]}`` in table and column order."""
    tables: dict[str, list[tuple[str, str]]] = {}
    name = ""
    for line in _COLUMNS.strip().splitlines():
        if not line.startswith(" "):
            name, line = line.split(":", 1)
            tables[name] = []
        for item in line.split():
            column, code = item.split(":")
            tables[name].append((column, DTYPE_CODES[code]))
    return tables
