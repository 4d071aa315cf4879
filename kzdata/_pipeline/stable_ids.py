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
  :func:`kzdata.changes` (:mod:`kzdata._changes`) reads it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kzdata._registry import CHANGES, ID_PATTERN, REGISTRY, RETIRING_CHANGES, TABLES
from kzdata._versions import parse_version
from kzdata.errors import InvalidArgumentError, Issue

if TYPE_CHECKING:
    import pandas as pd

MANIFEST_DIR = "releases"
CHANGE_LOG = f"raw/{CHANGES.name}.csv"
"""The change log as the build names it in messages."""
_ID = re.compile(ID_PATTERN)


MANIFEST_HEADER = ["record_table", "record_id"]


def load_manifests(raw_dir: Path) -> tuple[dict[str, set[tuple[str, str]]], list[Issue]]:
    """The frozen ``(table, id)`` pairs of every published release, by version, and every problem.

    ``raw/releases/`` must exist (empty before the first release): without it the
    stable-id check would silently check nothing. Each manifest is read as the raw
    tables are (regular file, size limit, UTF-8 without BOM), is named after a version,
    and lists known tables and id-shaped record ids under the header
    ``record_table,record_id``.
    """
    from kzdata._pipeline.inputs import decode_text, read_input

    out: dict[str, set[tuple[str, str]]] = {}
    issues: list[Issue] = []
    folder = raw_dir / MANIFEST_DIR
    label_dir = f"raw/{MANIFEST_DIR}/"
    if not folder.is_dir():
        rule = (
            "the folder of release manifests is missing (or not a folder); restore it from version control "
            "(before the first release it is an empty folder)"
        )
        return out, [Issue(label_dir, "-", "-", "-", rule)]
    for file in sorted(folder.glob("*.csv")):
        label = f"{label_dir}{file.name}"
        data = read_input(file, label)
        text = decode_text(data, label) if isinstance(data, bytes) else data
        if isinstance(text, Issue):
            issues.append(text)
            continue
        try:
            parse_version(file.stem)
        except InvalidArgumentError:
            issues.append(Issue(label, "-", "-", repr(file.stem), "a manifest is named <MAJOR.MINOR.PATCH>.csv"))
            continue
        if "\r" in text:
            first = text[: text.index("\r")].count("\n") + 1
            rule = f"lines end with LF only (\\n), as in the raw tables (line {first} is the first with a \\r)"
            issues.append(Issue(label, f"line {first}", "-", "-", rule))
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        rows: list[tuple[int, list[str]]] = []
        line = 1
        try:
            for row in reader:  # each row with the physical line it starts on
                rows.append((line, row))
                line = reader.line_num + 1
        except csv.Error as exc:
            issues.append(Issue(label, f"line {line}", "-", "-", f"malformed CSV: {exc}"))
            continue
        if not rows or rows[0][1] != MANIFEST_HEADER:
            shown = repr(",".join(rows[0][1])) if rows else "-"
            issues.append(Issue(label, "-", "-", shown, f"the header must be exactly: {','.join(MANIFEST_HEADER)}"))
            continue
        frozen = set()
        for line, row in rows[1:]:
            if len(row) != 2 or row[0] not in REGISTRY or not _ID.match(row[1]):
                rule = "each row is a table name and an id, e.g. events,almaty-protest"
                issues.append(Issue(label, f"line {line}", "-", repr(",".join(row)), rule))
                continue
            if (row[0], row[1]) in frozen:
                issues.append(Issue(label, f"line {line}", "-", repr(",".join(row)), "each id is listed once"))
                continue
            frozen.add((row[0], row[1]))
        if not frozen and len(rows) == 1:
            rule = (
                "a manifest lists the ids its release shipped, and this one lists none; restore it from version "
                "control (`kzdata release` writes it)"
            )
            issues.append(Issue(label, "-", "-", "-", rule))
            continue
        out[file.stem] = frozen
    return out, issues


CHANGELOG = "CHANGELOG.md"
_CHANGELOG_HEADING = re.compile(r"^##\s+\[?v?([0-9]+\.[0-9]+\.[0-9]+)\]?(?:[\s(:-].*)?$")


def changelog_versions(root: Path) -> tuple[list[tuple[int, str]], list[Issue]]:
    """The versions ``CHANGELOG.md`` has a section for (``## [0.1.0]``), each with its line.

    The file is optional (a project may keep none); when present it is read as every
    input is (regular file, size limit, UTF-8 without BOM).
    """
    from kzdata._pipeline.inputs import decode_text, read_input

    path = root / CHANGELOG
    if not path.exists() and not path.is_symlink():
        return [], []
    data = read_input(path, CHANGELOG)
    text = decode_text(data, CHANGELOG) if isinstance(data, bytes) else data
    if isinstance(text, Issue):
        return [], [text]
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        heading = _CHANGELOG_HEADING.match(line.rstrip("\r"))
        if heading:
            found.append((number, heading.group(1)))
    return found, []


def history_issues(
    root: Path,
    manifests: Mapping[str, set[tuple[str, str]]],
    logged: int,
    version: str | None,
) -> list[Issue]:
    """Releases that evidently happened but left no manifest (docs/raw-format.md, "raw/releases/").

    ``raw/releases/`` is *empty* when it holds no manifest (a ``.gitkeep`` does not count, and a
    manifest listing no id is refused by :func:`load_manifests`). That is right only before the
    first release, and the stable-id check would check nothing, so an empty folder is refused
    once anything shows that a release came before the version being built:

    * ``raw/changes.csv`` has rows (``logged`` of them): the first release logs nothing, so a
      logged change belongs to a later release;
    * ``CHANGELOG.md`` has a section for a version earlier than the one being built: that
      version was released, and its manifest (every such manifest, not only when the folder
      is empty) must be there.
    """
    current = _version_or_none(version)
    issues: list[Issue] = []
    if not manifests and logged:
        rule = (
            f"the folder holds no release manifest, but {CHANGE_LOG} logs {logged} change(s), and only releases "
            "after the first log changes, so a release came before and the stable-id check needs its manifest: "
            f"restore raw/{MANIFEST_DIR}/ from version control (e.g. git checkout -- raw/{MANIFEST_DIR})"
        )
        issues.append(Issue(f"raw/{MANIFEST_DIR}/", "-", "-", "-", rule))
    named, problems = changelog_versions(root)
    issues += problems
    for line, released in named:
        parsed = _version_or_none(released)
        if current is None or parsed is None or parsed >= current or released in manifests:
            continue
        rule = (
            f"{CHANGELOG} has a section for release {released}, earlier than the version being built ({version}), "
            f"but raw/{MANIFEST_DIR}/{released}.csv is missing; restore it from version control (every published "
            "release keeps its manifest, so its ids stay stable)"
        )
        issues.append(Issue(CHANGELOG, f"line {line}", "-", repr(released), rule))
    return issues


def read_manifests(raw_dir: Path) -> dict[str, set[tuple[str, str]]]:
    """The frozen ``(table, id)`` pairs of every published release, by version.

    Raises :class:`~kzdata.errors.RawDataError` listing every unusable manifest.
    """
    manifests, issues = load_manifests(raw_dir)
    if issues:
        from kzdata.errors import RawDataError

        raise RawDataError(issues)
    return manifests


def _version_or_none(text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    try:
        return parse_version(text)
    except InvalidArgumentError:
        return None


def current_ids(frames: Mapping[str, pd.DataFrame]) -> set[tuple[str, str]]:
    """Every ``(table, id)`` in the data, the change log excepted."""
    return {(t.name, str(i)) for t in TABLES if t.name != CHANGES.name for i in frames[t.name][t.primary_key].dropna()}


def stable_id_issues(
    raw_dir: Path,
    frames: Mapping[str, pd.DataFrame],
    change_row: Callable[[int, str], str],
    *,
    version: str | None = None,
) -> list[Issue]:
    """Frozen ids that vanished without a retraction, retracted ids that came back, and
    change-log versions without a manifest (``version``, the one being built, needs none).

    ``change_row(position, column)`` names the line of a row of the change log in an Issue
    (:meth:`kzdata._pipeline.raw_tables.RawTable.where`).
    """
    manifests, problems = load_manifests(raw_dir)
    if problems:
        return problems
    log = frames[CHANGES.name]
    problems = history_issues(raw_dir.parent, manifests, len(log), version)
    if problems:
        return problems
    gone = {
        (str(t), str(i))
        for t, i, c in zip(log["record_table"], log["record_id"], log["change"], strict=True)
        if c in RETIRING_CHANGES
    }
    now = current_ids(frames)
    issues = []
    for release, frozen in manifests.items():
        for table, record_id in sorted(frozen - now - gone):
            issues.append(
                Issue(
                    f"raw/{table}.csv",
                    "-",
                    REGISTRY[table].primary_key,
                    repr(record_id),
                    f"release {release} shipped this id; keep it, or record its retraction, merge or rename "
                    "in raw/changes.csv with a reason",
                )
            )
    current = _version_or_none(version)
    for release in manifests:
        if current is not None and parse_version(release) > current:
            rule = (
                f"a manifest of release {release}, later than the version being built ({version}); "
                "a manifest is written by `kzdata release` for a published version: remove this one"
            )
            issues.append(Issue(f"raw/{MANIFEST_DIR}/{release}.csv", "-", "-", repr(release), rule))
    for pos, logged in enumerate(log["version"]):
        text = str(logged)
        parsed = _version_or_none(text)
        if parsed is None or text in manifests or text == version:
            continue  # a malformed version is reported by the change-log rule
        where = change_row(pos, "version")
        if current is not None and parsed > current:
            rule = (
                f"a change logged under {text}, later than the version being built ({version}); log it under {version}"
            )
            issues.append(Issue(CHANGE_LOG, where, "version", repr(text), rule))
        elif current is not None and parsed < current:
            rule = (
                f"release {text} has no manifest raw/{MANIFEST_DIR}/{text}.csv; restore it "
                f"(or log the change under {version})"
            )
            issues.append(Issue(CHANGE_LOG, where, "version", repr(text), rule))
    for pos, (t, i, c) in enumerate(zip(log["record_table"], log["record_id"], log["change"], strict=True)):
        if c in RETIRING_CHANGES and (str(t), str(i)) in now:
            issues.append(
                Issue(
                    CHANGE_LOG,
                    change_row(pos, "record_id"),
                    "record_id",
                    repr(i),
                    "a retracted, merged or renamed id may not be used again",
                )
            )
    return issues


def check_reason(reason: object) -> str:
    """``reason`` if the next build accepts it as a cell of ``raw/changes.csv``'s ``reason`` column.

    It is checked exactly as the build checks that cell (:func:`kzdata._pipeline.raw_tables.cell_problem`):
    required, one line, no surrounding whitespace, no control characters (escape sequences
    included) and no invisible formatting. Otherwise raises
    :class:`~kzdata.errors.InvalidArgumentError` (nothing is written).
    """
    from kzdata._pipeline.raw_tables import cell_problem

    if not isinstance(reason, str):
        raise InvalidArgumentError(f"the reason must be text, not {type(reason).__name__}")
    problem = cell_problem(REGISTRY[CHANGES.name].column("reason"), reason)
    if problem:
        raise InvalidArgumentError(
            f"--reason {reason!r} cannot be logged: the build would refuse it in {CHANGE_LOG}, column 'reason' "
            f"({problem}); nothing was written. Give the reason as one line of plain text"
        )
    return reason


def freeze(root: Path, version: str, frames: Mapping[str, pd.DataFrame], reason: str) -> list[str]:
    """Write ``raw/releases/<version>.csv`` and log every id new since the last release as added.

    The first release logs nothing: its manifest is the record of what it shipped.
    Returns the lines appended to ``raw/changes.csv``. Rebuild afterwards.

    Everything is checked before anything is written: the reason (:func:`check_reason`), the
    version, the manifests, and that an empty ``raw/releases/`` really means a first release
    (:func:`history_issues`). Raises :class:`~kzdata.errors.InvalidArgumentError` or
    :class:`~kzdata.errors.RawDataError`.
    """
    from kzdata.errors import RawDataError

    check_reason(reason)
    parse_version(version)
    raw_dir = root / "raw"
    manifest = raw_dir / MANIFEST_DIR / f"{version}.csv"
    if manifest.exists():
        raise InvalidArgumentError(f"release {version} is already frozen in {manifest}; bump the version first")
    manifests = read_manifests(raw_dir)
    log = frames[CHANGES.name]
    history = history_issues(root, manifests, len(log), version)
    if history:
        raise RawDataError(history)
    earlier: set[tuple[str, str]] = set().union(*manifests.values())
    now = sorted(current_ids(frames))
    logged = {(str(t), str(i)) for t, i in zip(log["record_table"], log["record_id"], strict=True)}
    # A renamed record's new id is the same record under another name, not an addition.
    renamed = log["change"].astype("string") == "renamed"
    logged |= {(str(t), str(i)) for t, i in zip(log["record_table"][renamed], log["merged_into"][renamed], strict=True)}
    first_release = not manifests
    added = [] if first_release else [(t, i) for t, i in now if (t, i) not in earlier and (t, i) not in logged]
    rows = [
        [f"{version.replace('.', '-')}-added-{t.replace('_', '-')}-{i}", version, "added", t, i, "", reason]
        for t, i in added
    ]
    log_file = raw_dir / f"{CHANGES.name}.csv"
    text = log_file.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    body = _csv(list(REGISTRY[CHANGES.name].raw_column_names), rows).split("\n", 1)[1]
    # Both files are written in full under temporary names first, then renamed into place.
    staged = [
        (manifest, _csv(MANIFEST_HEADER, now)),
        (log_file, text + body),
    ]
    manifest.parent.mkdir(exist_ok=True)
    temporary = [(path.with_name(f".{path.name}.tmp-{os.getpid()}"), path, content) for path, content in staged]
    try:
        for tmp, _, content in temporary:
            tmp.write_text(content, encoding="utf-8", newline="")
        for tmp, path, _ in temporary:
            tmp.replace(path)
    finally:
        for tmp, _, _ in temporary:
            tmp.unlink(missing_ok=True)
    return body.splitlines()


def _csv(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
