"""The change log, read: :func:`kzdata.changes` (records added, corrected, retracted or merged).

Writing the log (freezing a release's ids, checking that no released id vanished) is the
pipeline's job (:mod:`kzdata._pipeline.stable_ids`); this module only reads the shipped
table, so the reader never imports the pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import CHANGES
from kzdata._versions import parse_version

if TYPE_CHECKING:
    import pandas as pd


def changes(since: str | None = None) -> pd.DataFrame:
    """The changes table, optionally only the releases after ``since``.

    Examples
    --------
    >>> import kzdata
    >>> log = kzdata.changes()
    >>> set(log["change"].unique()) <= {"added", "corrected", "retracted", "merged"}
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
