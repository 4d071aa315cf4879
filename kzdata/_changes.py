"""The change log, read: :func:`kzdata.changes` (records added, corrected, retracted, merged or renamed)
and :func:`kzdata.replacement` (the id a merged or renamed id now goes by).

Writing the log (freezing a release's ids, checking that no released id vanished) is the
pipeline's job (:mod:`kzdata._pipeline.stable_ids`); this module only reads the shipped
table, so the reader never imports the pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import CHANGES, REGISTRY, REPLACING_CHANGES
from kzdata._versions import parse_version
from kzdata.errors import InvalidArgumentError, UnknownTableError

if TYPE_CHECKING:
    import pandas as pd


def changes(since: str | None = None) -> pd.DataFrame:
    """The changes table, optionally only the releases after ``since``.

    Examples
    --------
    >>> import kzdata
    >>> log = kzdata.changes()
    >>> set(log["change"].unique()) <= {"added", "corrected", "retracted", "merged", "renamed"}
    True
    >>> len(kzdata.changes(since="99.0.0"))
    0
    """
    from kzdata._load import load

    log = load(CHANGES.name)
    if since is None:
        return log
    floor = parse_version(since)
    newer = log["version"].map(lambda v: parse_version(v) > floor).astype(bool)
    return log[newer].reset_index(drop=True)


def replacement(table: str, record_id: str) -> str | None:
    """The id under which the record ``record_id`` of ``table`` is found now.

    An id in the data is its own answer. An id that the change log retired by a merge or
    a rename (``merged``, ``renamed``) resolves to the id in ``merged_into``: an old
    citation of kzdata that names ``events`` ``2023-11-kgb-archives-opened`` still finds
    its record after a rename. A retracted id, or one kzdata never had, gives None.

    Examples
    --------
    >>> import kzdata
    >>> kzdata.replacement("indicator_values", "smaller-parties-vote-share-min-2023")
    'smaller-parties-vote-share-2023'
    >>> kzdata.replacement("people", "massimov-karim")
    'massimov-karim'
    >>> kzdata.replacement("people", "nobody") is None
    True
    """
    from kzdata._load import load

    if table not in REGISTRY:
        raise UnknownTableError(table, tuple(REGISTRY))
    if not isinstance(record_id, str) or not record_id:
        raise InvalidArgumentError(f"replacement() needs an id, got {record_id!r}")
    key = REGISTRY[table].primary_key
    if table != CHANGES.name and (load(table)[key] == record_id).any():  # type: ignore[call-overload]
        return record_id
    log = load(CHANGES.name)
    row = log[(log["record_table"] == table) & (log["record_id"] == record_id) & log["change"].isin(REPLACING_CHANGES)]
    if row.empty:
        return None
    # the change log rule forbids chains, so the replacement is in the data
    return str(row["merged_into"].iloc[-1])
