"""Releases and stable identifiers.

Rules (also in ``docs/versioning.md``):

* An id never changes meaning and is never reused. Every published release
  freezes the ids it shipped in ``raw/releases/<version>.csv``.
* The build refuses to drop a frozen id unless ``raw/changes.csv`` records its
  retraction, or its merge into another id, with a reason; a retracted or merged
  id may not come back.
* The first release is recorded by its manifest alone: ``changes`` lists only what
  changed after it (records added, corrected, retracted and merged in later releases),
  so the log stays proportional to the edits, not to the dataset (docs/versioning.md).
  :func:`changes` filters it by release.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kzdata.errors import InvalidArgumentError, Issue
from kzdata.tables import REGISTRY, TABLES

if TYPE_CHECKING:
    import pandas as pd

MANIFEST_DIR = "releases"


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.2.3"`` as a tuple, with a clear error for anything else.

    >>> parse_version("0.10.2") > parse_version("0.9.9")
    True
    """
    parts = text.split(".") if isinstance(text, str) else []
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise InvalidArgumentError(f"a version is MAJOR.MINOR.PATCH, e.g. '0.1.0'; got {text!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


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
    from kzdata.load import load

    log = load("changes")
    if since is None:
        return log
    floor = parse_version(since)
    newer = log["version"].map(lambda v: parse_version(v) > floor).astype(bool)
    return log[newer].reset_index(drop=True)


def read_manifests(raw_dir: Path) -> dict[str, set[tuple[str, str]]]:
    """The frozen ``(table, id)`` pairs of every published release, by version."""
    out: dict[str, set[tuple[str, str]]] = {}
    folder = raw_dir / MANIFEST_DIR
    for file in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        rows = list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
        out[file.stem] = {(r["record_table"], r["record_id"]) for r in rows}
    return out


def current_ids(frames: Mapping[str, pd.DataFrame]) -> set[tuple[str, str]]:
    """Every ``(table, id)`` in the data, the change log excepted."""
    return {(t.name, str(i)) for t in TABLES if t.name != "changes" for i in frames[t.name][t.primary_key].dropna()}


def stable_id_issues(raw_dir: Path, frames: Mapping[str, pd.DataFrame], lines: Mapping[str, list[int]]) -> list[Issue]:
    """Frozen ids that vanished without a retraction, and retracted ids that came back."""
    log = frames["changes"]
    gone = {
        (str(t), str(i))
        for t, i, c in zip(log["record_table"], log["record_id"], log["change"], strict=True)
        if c in ("retracted", "merged")
    }
    now = current_ids(frames)
    issues = []
    for version, frozen in read_manifests(raw_dir).items():
        for table, record_id in sorted(frozen - now - gone):
            issues.append(
                Issue(
                    f"raw/{table}.csv",
                    "-",
                    REGISTRY[table].primary_key,
                    repr(record_id),
                    f"release {version} shipped this id; keep it, or record its retraction or merge "
                    "in raw/changes.csv with a reason",
                )
            )
    for pos, (t, i, c) in enumerate(zip(log["record_table"], log["record_id"], log["change"], strict=True)):
        if c in ("retracted", "merged") and (str(t), str(i)) in now:
            issues.append(
                Issue(
                    "raw/changes.csv",
                    f"line {lines['changes'][pos]}",
                    "record_id",
                    repr(i),
                    "a retracted or merged id may not be used again",
                )
            )
    return issues


def freeze(root: Path, version: str, frames: Mapping[str, pd.DataFrame], reason: str) -> list[str]:
    """Write ``raw/releases/<version>.csv`` and log every id new since the last release as added.

    The first release logs nothing: its manifest is the record of what it shipped.
    Returns the lines appended to ``raw/changes.csv``. Rebuild afterwards.
    """
    parse_version(version)
    raw_dir = root / "raw"
    manifest = raw_dir / MANIFEST_DIR / f"{version}.csv"
    if manifest.exists():
        raise InvalidArgumentError(f"release {version} is already frozen in {manifest}; bump the version first")
    manifests = read_manifests(raw_dir)
    earlier: set[tuple[str, str]] = set().union(*manifests.values())
    now = sorted(current_ids(frames))
    manifest.parent.mkdir(exist_ok=True)
    manifest.write_text(_csv(["record_table", "record_id"], now), encoding="utf-8", newline="")
    logged = {
        (str(t), str(i)) for t, i in zip(frames["changes"]["record_table"], frames["changes"]["record_id"], strict=True)
    }
    first_release = not manifests
    added = [] if first_release else [(t, i) for t, i in now if (t, i) not in earlier and (t, i) not in logged]
    rows = [
        [f"{version.replace('.', '-')}-added-{t.replace('_', '-')}-{i}", version, "added", t, i, "", reason]
        for t, i in added
    ]
    log_file = raw_dir / "changes.csv"
    text = log_file.read_text(encoding="utf-8")
    body = _csv(list(REGISTRY["changes"].raw_column_names), rows).split("\n", 1)[1]
    log_file.write_text(text + body, encoding="utf-8", newline="")
    return body.splitlines()


def _csv(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
