"""The build: ``raw/*.csv`` in, Parquet, CSV and ``datapackage.json`` out.

Three steps, each with one job:

1. **read** every raw table (:mod:`kzdata.build.read`), collecting bad cells;
2. **check** every table with its pandera schema (lazily: all failures at once) and
   the whole dataset with the cross-table rules (:mod:`kzdata.rules`); any problem
   raises :class:`~kzdata.errors.RawDataError` listing every failing cell with
   file, line, column, value and rule, before anything is written;
3. **write** all outputs into a staging directory, then swap it in for
   ``kzdata/data/`` with two renames and replace the generated top-level files
   (``datapackage.json``, ``CITATION.cff``, ``.zenodo.json``, ``docs/data-dictionary.md``) atomically,
   so a failed or interrupted build leaves the last good output in place.

The same ``raw/`` always builds to the same bytes (see :mod:`kzdata.build.encode`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kzdata.build import describe, encode, lock
from kzdata.build.citation import citation_cff, zenodo_json
from kzdata.build.derive import derive
from kzdata.build.read import RawTable, read_raw
from kzdata.dictionary import render_markdown
from kzdata.errors import InvalidArgumentError, Issue, RawDataError, StableIdError
from kzdata.publish import croissant
from kzdata.releases import stable_id_issues
from kzdata.tables import REGISTRY, TABLES


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote."""

    version: str
    rows: dict[str, int]
    data_dir: Path
    descriptor: Path


def project_version(root: Path) -> str:
    """The version stated in ``pyproject.toml`` (the only place it is written)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: loading works there, building does not
        raise InvalidArgumentError(
            "`kzdata build` needs Python 3.11 or later (it reads pyproject.toml with tomllib); "
            "loading, validate and verify work on 3.10"
        ) from None
    try:
        meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidArgumentError(
            f"no pyproject.toml in {root}; run `kzdata build` from the root of a kzdata source checkout, or pass --root"
        ) from None
    return str(meta["project"]["version"])


def _schema_issues(raw: RawTable) -> list[Issue]:
    """pandera's lazy report for one table, as issues located by file line."""
    import pandera.errors
    import pandera.pandas

    from kzdata.rules import plain_value
    from kzdata.schemas import rule_text, schema

    frame = raw.frame.copy()
    for col in raw.table.columns:
        if col.derived and col.name not in frame:
            frame[col.name] = pd.array(["-"] * len(frame), dtype="string")
    try:
        schema(raw.table.name).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        issues = []
        for case in err.failure_cases.itertuples(index=False):
            index = case.index
            row = f"line {raw.lines[int(index)]}" if index is not None and not pd.isna(index) else "-"
            rule = rule_text(str(case.check))
            issues.append(Issue(raw.file, row, str(case.column), repr(plain_value(case.failure_case)), rule))
        return issues
    return []


def read_all(raw_dir: Path) -> tuple[dict[str, RawTable], list[Issue]]:
    """Read and check every raw table; return the parsed tables and every issue found."""
    tables: dict[str, RawTable] = {t.name: read_raw(t, raw_dir / f"{t.name}.csv", f"raw/{t.name}.csv") for t in TABLES}
    issues = [issue for raw in tables.values() for issue in raw.issues]
    reported = {(i.where, i.row, i.column) for i in issues}
    for raw in tables.values():
        if not raw.complete and not raw.lines:
            continue  # the file as a whole is unusable; its cells were not checked
        issues += [i for i in _schema_issues(raw) if (i.where, i.row, i.column) not in reported]
    if not all(raw.complete for raw in tables.values()):
        return tables, issues  # rows are missing: cross-table rules would only report their absence
    frames = derive({name: raw.frame for name, raw in tables.items()})
    from kzdata.rules import check, plain_value

    for failure in check(frames):
        raw = tables[failure.table]
        row = f"line {raw.lines[failure.row]}"
        if (raw.file, row, failure.column) in reported:
            continue
        issues.append(Issue(raw.file, row, failure.column, repr(plain_value(failure.value)), failure.rule))
    for name, raw in tables.items():
        raw.frame = frames[name]
    return tables, issues


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)


def build(root: Path | str = ".", *, unlocked: bool = False) -> BuildResult:
    """Build the dataset from ``root/raw`` into ``root/kzdata/data`` and ``root/datapackage.json``.

    Raises :class:`~kzdata.errors.RawDataError` listing every problem, without
    touching the previous output, when ``raw/`` breaks any rule, and
    :class:`~kzdata.errors.InvalidArgumentError` when the installed writers differ
    from ``build-lock.txt`` and ``unlocked`` is false (:mod:`kzdata.build.lock`).
    """
    root = Path(root).resolve()
    version = project_version(root)
    unlocked_mark = lock.check(root, unlocked=unlocked)
    raw_dir = root / "raw"
    if not raw_dir.is_dir():
        raise InvalidArgumentError(f"no raw/ directory in {root}; run `kzdata build` from a kzdata source checkout")
    tables, issues = read_all(raw_dir)
    complete = not issues or all(raw.complete for raw in tables.values())
    stable = (
        stable_id_issues(raw_dir, {n: t.frame for n, t in tables.items()}, {n: t.lines for n, t in tables.items()})
        if complete
        else []
    )
    if issues:
        raise RawDataError(issues + stable)
    if stable:
        raise StableIdError(stable)

    files: dict[str, tuple[bytes, bytes]] = {}
    rows: dict[str, int] = {}
    for table in TABLES:
        frame = encode.sort_frame(table, tables[table.name].frame)
        files[table.name] = (encode.csv_bytes(table, frame), encode.parquet_bytes(table, frame))
        rows[table.name] = len(frame)

    data_dir = root / "kzdata" / "data"
    stage = data_dir.with_name(f".data-staging-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "csv").mkdir(parents=True)
    (stage / "__init__.py").write_text('"""The shipped data files of kzdata (generated by `kzdata build`)."""\n')
    for name, (csv_data, parquet_data) in files.items():
        (stage / "csv" / f"{name}.csv").write_bytes(csv_data)
        (stage / f"{name}.parquet").write_bytes(parquet_data)
    (stage / "datapackage.json").write_bytes(describe.to_bytes(describe.descriptor(version, files) | unlocked_mark))
    (stage / "croissant.json").write_bytes(croissant.build_bytes(root, version, files))
    package = describe.descriptor(version, files, prefix="kzdata/data/") | unlocked_mark
    top = describe.to_bytes(package)
    cff = citation_cff(version, package["kzdata:fingerprint"]).encode("utf-8")
    # The release bundle (`kzdata export`) needs these beside the data, also in an installed wheel.
    (stage / "CITATION.cff").write_bytes(cff)
    for name, source in (
        ("dataset-card.md", root / "docs" / "dataset-card.md"),
        ("LICENSE-DATA", root / "LICENSE-DATA"),
    ):
        if source.exists():
            shutil.copyfile(source, stage / name)

    old = data_dir.with_name(f".data-old-{os.getpid()}")
    if data_dir.exists():
        data_dir.rename(old)
    stage.rename(data_dir)
    shutil.rmtree(old, ignore_errors=True)
    _atomic_write(root / "datapackage.json", top)
    _atomic_write(root / "CITATION.cff", cff)
    _atomic_write(root / ".zenodo.json", zenodo_json(version, package["kzdata:fingerprint"]))
    _atomic_write(root / "croissant.json", croissant.build_bytes(root, version, files, prefix="kzdata/data/"))
    (root / "docs").mkdir(exist_ok=True)
    _atomic_write(root / "docs" / "data-dictionary.md", render_markdown().encode("utf-8"))
    return BuildResult(version, rows, data_dir, root / "datapackage.json")


__all__ = ["REGISTRY", "BuildResult", "build", "read_all"]
