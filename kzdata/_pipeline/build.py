"""The build: ``raw/*.csv`` in, Parquet, CSV and ``datapackage.json`` out.

Three steps, each with one job:

1. **read** every raw table (:mod:`kzdata._pipeline.raw_tables`), collecting bad cells;
2. **check** every table with its pandera schema (lazily: all failures at once) and
   the whole dataset with the cross-table rules (:mod:`kzdata._rules`); any problem
   raises :class:`~kzdata.errors.RawDataError` listing every failing cell with
   file, line, column, value and rule, before anything is written;
3. **write** every output (the data folder and the generated top-level files
   ``datapackage.json``, ``CITATION.cff``, ``docs/data-dictionary.md``) as one
   mapping of path -> bytes, published all or nothing by
   :mod:`kzdata._pipeline.transaction` (staging, a journal as commit point, an atomic
   exchange of the data folder; see ``docs/build-transactions.md``), so a failed or
   interrupted build leaves the last good output in place or is completed by the next
   command. The generated top-level files are ``datapackage.json``, ``croissant.json``,
   ``CITATION.cff``, ``.zenodo.json``, ``docs/data-dictionary.md`` and ``kzdata/_release.py``
   (the sha256 of the data folder's descriptor, which the loaders trust). The derived
   files come from :func:`kzdata._descriptor.release`, the generator ``kzdata verify``
   regenerates them with.

Before anything is read, the installed writers are compared with ``build-lock.txt``
(:mod:`kzdata._pipeline.writer_lock`): the release's bytes are only reproducible under the lock.

The same ``raw/`` always builds to the same bytes (see :mod:`kzdata._pipeline.encode`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kzdata import _descriptor as describe
from kzdata import _fingerprint
from kzdata import _integrity as integrity
from kzdata._dictionary import render_markdown
from kzdata._pipeline import encode
from kzdata._pipeline import writer_lock as lock
from kzdata._pipeline.codegen import generated_files
from kzdata._pipeline.derive import derive
from kzdata._pipeline.inputs import decode_text, read_input
from kzdata._pipeline.quality_page import pages as quality_pages
from kzdata._pipeline.raw_tables import RawTable, read_raw, record_of
from kzdata._pipeline.stable_ids import CHANGELOG, stable_id_issues
from kzdata._pipeline.transaction import commit_outputs
from kzdata._registry import CHANGES, REGISTRY, TABLES
from kzdata._versions import parse_version
from kzdata.errors import InvalidArgumentError, Issue, RawDataError, StableIdError


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote."""

    version: str
    rows: dict[str, int]
    data_dir: Path
    descriptor: Path


def project_version(root: Path) -> str:
    """The version stated in ``pyproject.toml`` (the only place it is written)."""
    version = _version_or_issue(root)
    if isinstance(version, Issue):
        if version.rule.startswith("the file is missing"):
            raise InvalidArgumentError(
                f"no pyproject.toml in {root}; run `kzdata build` from the root of a kzdata source checkout, "
                "or pass --root"
            )
        raise RawDataError([version])
    return version


def _version_or_issue(root: Path) -> str | Issue:
    """The project version, or the problem that keeps the build from knowing it."""
    label = "pyproject.toml"
    data = read_input(root / "pyproject.toml", label)
    text = decode_text(data, label) if isinstance(data, bytes) else data
    if isinstance(text, Issue):
        return text
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: loading works there, building does not
        raise InvalidArgumentError(
            "`kzdata build` needs Python 3.11 or later (it reads pyproject.toml with tomllib); "
            "loading, validate and verify work on 3.10"
        ) from None
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        return Issue(label, f"line {line}" if line else "-", "-", "-", f"the file is not valid TOML ({exc})")
    project = meta.get("project")
    version = project.get("version") if isinstance(project, dict) else None
    if not isinstance(version, str):
        return Issue(label, "-", "version", repr(version), '[project] needs a version = "MAJOR.MINOR.PATCH"')
    try:
        parse_version(version)
    except InvalidArgumentError:
        return Issue(label, "-", "version", repr(version), "the version is MAJOR.MINOR.PATCH, e.g. 0.1.0")
    return version


#: Files the release must carry beside the data (copied into kzdata/data/ for exports).
RELEASE_FILES = {_fingerprint.LICENSE_FILE: "LICENSE-DATA", _fingerprint.CARD_FILE: "docs/dataset-card.md"}


def _release_files(root: Path) -> tuple[dict[str, bytes], list[Issue]]:
    """The data licence and the dataset card (required: a release without them is not citable)."""
    out: dict[str, bytes] = {}
    issues: list[Issue] = []
    for name, source in RELEASE_FILES.items():
        data = read_input(root / source, source, missing=f"the release needs this file; restore {source}")
        text = decode_text(data, source) if isinstance(data, bytes) else data
        if isinstance(text, Issue):
            issues.append(text)
        elif not text.strip():
            issues.append(Issue(source, "-", "-", "-", "the file is empty; the release needs its text"))
        elif isinstance(data, bytes):
            out[name] = data
    return out, issues


def _schema_issues(raw: RawTable) -> list[Issue]:
    """pandera's lazy report for one table, as issues located by file line."""
    import pandera.errors
    import pandera.pandas

    from kzdata._rules import plain_value
    from kzdata._schemas import rule_text, schema

    frame = raw.frame.copy()
    for col in raw.table.columns:
        if col.derived and col.name not in frame:
            # The derived values come later (derive.py); a stand-in the schema accepts: missing
            # where the column may be, else a placeholder.
            if col.kind == "category":
                frame[col.name] = pd.Categorical([None] * len(frame), categories=list(col.enum))
            else:
                frame[col.name] = pd.array([pd.NA if col.nullable else "-"] * len(frame), dtype="string")
    if set(raw.table.column_names) <= set(frame.columns):  # the schema checks the registry's column order
        frame = frame[[*raw.table.column_names, *(c for c in frame.columns if c not in raw.table.column_names)]]
    try:
        schema(raw.table.name).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        issues = []
        for case in err.failure_cases.itertuples(index=False):
            index = case.index
            row = raw.where(int(index), str(case.column)) if index is not None and not pd.isna(index) else "-"
            rule = rule_text(str(case.check))
            issues.append(Issue(raw.file, row, str(case.column), repr(plain_value(case.failure_case)), rule))
        return issues
    return []


UNUSED_RULE = (
    "not a kzdata table file, and the build does not read it, yet everything in raw/ belongs to the "
    "source of the release; move it out of raw/ (notes and private material do not belong there), "
    "or name it after a table (see docs/data-dictionary.md)"
)


def unused_files(raw_dir: Path) -> list[Issue]:
    """Everything in ``raw/`` that the build does not read, each as an Issue (see docs/raw-format.md).

    The build reads ``raw/<table>.csv`` for each table and the manifests
    ``raw/releases/*.csv`` (checked by :mod:`kzdata._pipeline.stable_ids`); a placeholder
    ``raw/releases/.gitkeep`` may hold the folder before the first release. Any other file,
    folder or link, in a sub-folder too, hidden or not, is a problem: a misspelt table
    (``placez.csv``, ``events.CSV``) would otherwise be ignored unseen, and a private note
    would ship in the source distribution. Links are not followed.
    """
    from kzdata._pipeline.stable_ids import MANIFEST_DIR

    tables = {f"{t.name}.csv" for t in TABLES}
    issues: list[Issue] = []

    def unused(path: Path, rule: str = UNUSED_RULE) -> None:
        issues.append(Issue(f"raw/{path.relative_to(raw_dir).as_posix()}", "-", "-", "-", rule))

    for folder, dirs, files in os.walk(raw_dir, followlinks=False):
        here = Path(folder)
        inside = here.relative_to(raw_dir).parts
        for name in sorted(files):
            path = here / name
            if not inside and name in tables:
                continue
            if inside == (MANIFEST_DIR,) and (name.endswith(".csv") or name == ".gitkeep"):
                continue
            if not inside and name.lower() in tables:
                rule = f"the build reads raw/{name.lower()} (lower case); rename this file or move it out of raw/"
                unused(path, rule)
            else:
                unused(path)
        for name in sorted(dirs):
            path = here / name
            if path.is_symlink():
                unused(path, "a link to a folder; the build does not follow it: move it out of raw/")
            elif not inside and name == MANIFEST_DIR:
                continue
            elif not any(path.iterdir()):
                unused(path, "an empty folder the build does not read; remove it")
        dirs[:] = [d for d in sorted(dirs) if not (here / d).is_symlink()]
    return sorted(issues)


def read_all(raw_dir: Path) -> tuple[dict[str, RawTable], list[Issue]]:
    """Read and check every raw table; return the parsed tables and every issue found."""
    tables: dict[str, RawTable] = {t.name: read_raw(t, raw_dir / f"{t.name}.csv", f"raw/{t.name}.csv") for t in TABLES}
    issues = [issue for raw in tables.values() for issue in raw.issues]
    issues += unused_files(raw_dir)
    reported = {(i.where, record_of(i.row), i.column) for i in issues}
    # A row with a cell that could not be read is reported for that cell only: the rules
    # would otherwise report the cell's absence again under other columns of the row.
    unreadable_rows = {(i.where, record_of(i.row)) for i in issues if i.row.startswith("line ")}

    def new(issue: Issue) -> bool:
        record = record_of(issue.row)
        return (issue.where, record, issue.column) not in reported and (issue.where, record) not in unreadable_rows

    for raw in tables.values():
        if not raw.complete and not raw.lines:
            continue  # the file as a whole is unusable; its cells were not checked
        issues += [i for i in _schema_issues(raw) if new(i)]
    if not all(raw.complete for raw in tables.values()):
        return tables, issues  # rows are missing: cross-table rules would only report their absence
    frames = derive({name: raw.frame for name, raw in tables.items()})
    from kzdata._rules import check, plain_value

    for failure in check(frames):
        raw = tables[failure.table]
        issue = Issue(
            raw.file,
            raw.where(failure.row, failure.column),
            failure.column,
            repr(plain_value(failure.value)),
            failure.rule,
        )
        if new(issue):
            issues.append(issue)
    for name, raw in tables.items():
        raw.frame = frames[name]
    return tables, issues


def build(root: Path | str = ".", *, unlocked: bool = False) -> BuildResult:
    """Build the dataset from ``root/raw`` into ``root/kzdata/data`` and the top-level files.

    Raises :class:`~kzdata.errors.RawDataError` listing every problem, without
    touching the previous output, when ``raw/`` (or the licence, the card, the
    manifests, ``pyproject.toml``) breaks any rule. The outputs are published all or
    nothing by :func:`kzdata._pipeline.transaction.publish`. Raises
    :class:`~kzdata.errors.InvalidArgumentError` when the installed writers differ from
    ``build-lock.txt`` and ``unlocked`` is false (then nothing is read or written).
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise InvalidArgumentError(
            f"{root} is not a folder; run `kzdata build` from the root of a kzdata source checkout, or pass --root"
        )
    raw_dir = root / "raw"
    if not (root / "pyproject.toml").exists() and not (root / "pyproject.toml").is_symlink():
        project_version(root)  # raises the usage error: this is not a source checkout
    if not raw_dir.is_dir():
        raise InvalidArgumentError(f"no raw/ directory in {root}; run `kzdata build` from a kzdata source checkout")
    unlocked_mark = lock.check(root, unlocked=unlocked)
    version = _version_or_issue(root)
    extra, issues = _release_files(root)
    if isinstance(version, Issue):
        issues.append(version)
    tables, table_issues = read_all(raw_dir)
    issues += table_issues
    complete = all(raw.complete for raw in tables.values())
    stable = (
        stable_id_issues(
            raw_dir,
            {n: t.frame for n, t in tables.items()},
            tables[CHANGES.name].where,
            version=version if isinstance(version, str) else None,
        )
        if complete
        else []
    )
    if not issues and not stable and isinstance(version, str):
        from kzdata._pipeline.reconcile import reconcile_issues

        issues += reconcile_issues(root, version, tables)  # docs/versioning.md, "Reconciliation"
    if issues:
        raise RawDataError(issues + stable)
    if stable:
        raise StableIdError(stable) if _only_stable_ids(stable) else RawDataError(stable)
    assert isinstance(version, str)
    outputs, rows = outputs_of(root, version, tables, extra, unlocked_mark)
    commit_outputs(root, outputs)
    return BuildResult(version, rows, root / "kzdata" / "data", root / "datapackage.json")


def _only_stable_ids(issues: list[Issue]) -> bool:
    """True when every issue is a dropped or reused id (not an unusable or missing manifest, or a version)."""
    return all(
        not i.where.startswith("raw/releases/") and i.where != CHANGELOG and i.column != "version" for i in issues
    )


def outputs_of(
    root: Path,
    version: str,
    tables: dict[str, RawTable],
    extra: dict[str, bytes],
    unlocked_mark: dict[str, Any] | None = None,
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every file the build writes, as relative path -> bytes, and the row count of each table.

    ``unlocked_mark`` (from :func:`kzdata._pipeline.writer_lock.check`) is merged into both
    descriptors when the build ran outside the lock, so such output never passes for
    the release bytes.
    """
    files: dict[str, tuple[bytes, bytes]] = {}
    rows: dict[str, int] = {}
    for table in TABLES:
        frame = encode.sort_frame(table, tables[table.name].frame)
        files[table.name] = (encode.csv_bytes(table, frame), encode.parquet_bytes(table, frame))
        rows[table.name] = len(frame)
    data = describe.DATA_PREFIX
    # Every derived file comes from the one generator `kzdata verify` regenerates them with.
    release = describe.release(version, files, extra, mark=unlocked_mark)
    out: dict[str, bytes] = {f"{data}__init__.py": integrity.DATA_PACKAGE_INIT}
    for name, (csv_data, parquet_data) in files.items():
        out[f"{data}csv/{name}.csv"] = csv_data
        out[f"{data}{name}.parquet"] = parquet_data
    # The release bundle (`kzdata export`) needs these beside the data, also in an installed wheel.
    for name in _fingerprint.SOURCE_FILES:
        out[f"{data}{name}"] = extra[name]
    out.update({f"{data}{name}": content for name, content in release.data_files.items()})
    out.update(release.top_files)
    # The code-side record of the descriptor the loaders trust (kzdata/_release.py).
    out[integrity.RECORD_PATH] = integrity.record_module(release.data_files[describe.DESCRIPTOR_FILE])
    out["docs/data-dictionary.md"] = render_markdown().encode("utf-8")
    out.update(generated_files())  # kzdata/_generated.py, docs/formats.md
    out.update(quality_pages(release.data_files[describe.QUALITY_FILE]))  # docs/quality.md and its chart
    return out, rows


__all__ = ["REGISTRY", "BuildResult", "build", "outputs_of", "read_all"]
