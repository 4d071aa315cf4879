"""``kzdata.retired()``: every id the data no longer holds, and what became of it.

An id is a name people cite, so it is never reused and never silently dropped. When a
record is retracted, merged into another or renamed, the change log (``changes``) keeps
an entry for its id: its tombstone. This lists those tombstones, the way ACLED lists
deleted event ids: the release that retired the id, the kind of change, the id that holds
the record now (for a merge or a rename; :func:`kzdata.replacement` follows it) and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import REPLACING_CHANGES, RETIRING_CHANGES

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("version", "change", "record_table", "record_id", "replacement", "reason")
"""The columns of :func:`retired`, in order."""


def retired(table: str | None = None) -> pd.DataFrame:
    """Every retracted, merged or renamed id, oldest release first (optionally of one ``table``).

    ``replacement`` is the id that holds the record now (``merged_into`` of a merge or a
    rename), missing for a retraction: a retracted id resolves to nothing
    (``kzdata.replacement`` gives None) but stays listed here with its reason.

    Examples
    --------
    >>> import kzdata
    >>> gone = kzdata.retired("indicator_values")
    >>> gone.loc[0, ["record_id", "change", "replacement"]].tolist()
    ['smaller-parties-vote-share-max-2023', 'merged', 'smaller-parties-vote-share-2023']
    """
    from kzdata._changes import changes
    from kzdata._load import check_name
    from kzdata._versions import parse_version

    if table is not None:
        check_name(table)  # a string naming a table, or an error that lists them
    log = changes()
    rows = log[log["change"].isin(RETIRING_CHANGES)]
    if table is not None:
        rows = rows[rows["record_table"] == table]
    out = rows.assign(replacement=rows["merged_into"].where(rows["change"].isin(REPLACING_CHANGES)))
    out = out[list(COLUMNS)]
    records = out.to_dict("records")
    order = sorted(
        range(len(records)),
        key=lambda i: (parse_version(records[i]["version"]), str(records[i]["record_table"]), records[i]["record_id"]),
    )
    return out.iloc[order].reset_index(drop=True)
