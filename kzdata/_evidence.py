"""``kzdata.evidence(id)``: every citation of one record, with its pinpoint and anchor, in one call.

A record is named by its id alone, as a reader meets it in a table or a paper; the table
is found by looking the id up in every table's primary key. Ids are unique within a table,
not across tables (``constitutional-court`` is an organization and a reform), so an id
found in several tables needs ``table=``. The rows are those ``kzdata.cite()`` uses for
the record (:func:`kzdata._citing.used_citations`): a record's own citations, a
discrepancy's through its claims, a citation itself. The returned frame carries the
``citations`` mark (``frame.attrs["kzdata_table"]``), so ``kzdata.cite(evidence(id))``
gives the bibliography of exactly this evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import CHANGES, CITATIONS, REGISTRY, SECTIONS, SOURCES, TABLES
from kzdata.errors import InvalidArgumentError, UnknownEntityError

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = (
    "citation_id",
    "record_table",
    "record_id",
    "source_id",
    "document",
    "section_id",
    "section",
    "paragraph",
    "footnote",
    "span_start",
    "span_end",
    "span_sha256",
)
"""The columns of :func:`evidence`, in order: who is supported, the pinpoint, then the anchor."""


def _tables_with(record_id: str) -> list[str]:
    """The tables whose primary key holds ``record_id``, in registry order."""
    from kzdata._load import load

    return [t.name for t in TABLES if (load(t.name)[t.primary_key] == record_id).any()]


def _unknown(record_id: str, table: str | None) -> UnknownEntityError:
    """The error for an id no table (or not ``table``) has, with the closest ids kzdata has."""
    import difflib

    from kzdata._load import check_name, load

    names = [table] if table else [t.name for t in TABLES]
    known = sorted({str(v) for name in names for v in load(check_name(name))[REGISTRY[name].primary_key]})
    close = difflib.get_close_matches(record_id, known)  # difflib's defaults: three at most, ratio 0.6 or more
    where = f"table {table}" if table else "any table"
    suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
    others = _tables_with(record_id)  # none unless a table was given: only then can another have it
    if others:
        suggestion += f" It is an id of {', '.join(others)}: kzdata.evidence({record_id!r}, table={others[0]!r})."
    return UnknownEntityError(
        f"no record of {where} has the id {record_id!r}.{suggestion} Ids are the first column of each table: "
        "find the record with kzdata.load(TABLE) (or `kzdata show TABLE`) and pass its id."
    )


def evidence(record_id: str, table: str | None = None) -> pd.DataFrame:
    """Every citation of one record: its pinpoint in a primary document and its anchor.

    Parameters
    ----------
    record_id
        The record's id (the first column of its table), e.g. an ``event_id``.
    table
        The record's table, needed only when the id is an id of several tables.

    Returns
    -------
    pandas.DataFrame
        One row per citation, sorted by ``citation_id``: ``citation_id``, the record
        supported (``record_table``, ``record_id``: a discrepancy's claims for a
        discrepancy), the pinpoint (``source_id`` and the ``document``'s title,
        ``section_id`` and the ``section``'s heading, ``paragraph``, ``footnote``) and
        the anchor (``span_start``, ``span_end``, ``span_sha256``: offsets in the
        paragraph's normalised text, docs/anchors.md; missing where not anchored yet).

    Examples
    --------
    >>> import kzdata
    >>> found = kzdata.evidence("massimov-karim")
    >>> found["record_table"].unique().tolist(), found["source_id"].unique().tolist()
    (['people'], ['cornell-2024'])
    """
    from kzdata._citing import ATTR, used_citations
    from kzdata._load import check_name, load

    if not isinstance(record_id, str) or not record_id.strip():
        raise InvalidArgumentError(
            f"evidence() needs a record id, such as an event_id, not {record_id!r}; "
            "find one with kzdata.load(TABLE) (or `kzdata show TABLE`)"
        )
    if table is not None:
        key = REGISTRY[check_name(table)].primary_key
        if not (load(check_name(table))[key] == record_id).any():
            raise _unknown(record_id, table)
        name = table
    else:
        found = _tables_with(record_id)
        if not found:
            raise _unknown(record_id, None)
        if len(found) > 1:
            raise InvalidArgumentError(
                f"{record_id!r} is an id in {len(found)} tables: {', '.join(found)}; say which, e.g. "
                f"kzdata.evidence({record_id!r}, table={found[0]!r}) (`kzdata evidence {record_id} "
                f"--table {found[0]}`)"
            )
        name = found[0]
    if name == CHANGES.name:
        raise InvalidArgumentError(
            f"{record_id!r} is an entry of the changes table, the release log, which cites no sources; "
            "ask for the evidence of the record it changed"
        )
    import pandas as pd

    rows = used_citations(pd.DataFrame({REGISTRY[name].primary_key: [record_id]}), name)
    titles = load(SOURCES.name).set_index("source_id")["title"]
    headings = load(SECTIONS.name).set_index("section_id")["heading"]
    rows = rows.assign(
        document=rows["source_id"].map(titles).astype("string"),
        section=rows["section_id"].map(headings).astype("string"),
    )
    # in citation_id order already: the release stores every table sorted by its primary key
    out = rows.loc[:, list(COLUMNS)].reset_index(drop=True)
    out.attrs[ATTR] = CITATIONS.name
    return out
