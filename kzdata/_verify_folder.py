"""``kzdata verify DIR``: prove that an exported copy is the release a citation names.

The content fingerprint (:mod:`kzdata._fingerprint`) is defined over the values in
canonical form, not over one file format, so a copy in another format can be checked
against the same citation. This module recomputes it from a folder written by
``kzdata export``:

* the values from every copy the folder holds: the CSV files (``csv/``, already in
  canonical form), the Parquet files (``parquet/``, decoded and re-encoded in canonical
  form, with the registry's types) and the SQLite database (``sqlite/``, its rows read
  back into canonical form); when it holds several, they must agree;
* each table's schema from the folder's ``datapackage.json`` when it has one (so an
  edited schema changes the fingerprint), otherwise from the registry;
* ``LICENSE-DATA`` and the dataset card (``README.md`` in an export).

When the folder carries ``datapackage.json`` or ``CITATION.cff``, the fingerprint they
state must be the recomputed one. Workbooks and Stata files are not read back (their
types are not the release's); verify the CSV, Parquet or SQLite export instead.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from typing import Any

from kzdata import _files
from kzdata._integrity import (
    MAX_DESCRIPTOR_BYTES,
    MAX_FILE_BYTES,
    RefusedFileError,
    VerifyReport,
    fingerprint_problem,
    load_json,
    read_regular,
)
from kzdata._registry import TABLES, Table
from kzdata.errors import InvalidArgumentError

_CITATION = "CITATION.cff"


def _read(folder: Path, name: str, problems: list[str], limit: int = MAX_FILE_BYTES) -> bytes | None:
    try:
        data = read_regular(folder / name, limit)
    except (RefusedFileError, OSError) as exc:
        problems.append(f"{name}: cannot be used: {exc}")
        return None
    if data is None:
        problems.append(f"{name}: missing")
    return data


def _csv_copy(folder: Path, sub: str, problems: list[str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for table in TABLES:
        data = _read(folder, f"{sub}/{table.name}.csv", problems)
        if data is not None:
            out[table.name] = data
    return out


def _parquet_copy(folder: Path, sub: str, problems: list[str]) -> dict[str, bytes]:
    from kzdata._canonical import parquet_problems

    out: dict[str, bytes] = {}
    for table in TABLES:
        name = f"{sub}/{table.name}.parquet"
        data = _read(folder, name, problems)
        if data is None:
            continue
        found, canonical = parquet_problems(table, data, name)
        problems += found
        if canonical is not None:
            out[table.name] = canonical
    return out


def _sqlite_rows(con: sqlite3.Connection, table: Table) -> bytes:
    from kzdata._canonical import rows_csv

    columns = ", ".join('"' + c.name.replace('"', '""') + '"' for c in table.columns)
    quoted = '"' + table.name.replace('"', '""') + '"'
    rows: list[tuple[Any, ...]] = con.execute(f"SELECT {columns} FROM {quoted}").fetchall()  # noqa: S608
    booleans = [i for i, c in enumerate(table.columns) if c.kind == "boolean"]
    if booleans:
        rows = [tuple(bool(v) if i in booleans and v is not None else v for i, v in enumerate(r)) for r in rows]
    rows.sort(key=lambda r: r[0])  # the canonical order: by primary key, the first column
    return rows_csv(list(table.columns), rows)


def _sqlite_copy(folder: Path, sub: str, problems: list[str]) -> dict[str, bytes]:
    found = sorted(p for p in (folder / sub).iterdir() if p.suffix == ".db")
    if len(found) != 1:
        problems.append(f"{sub}/: holds {len(found)} SQLite databases (*.db), expected one")
        return {}
    file = found[0]
    name = f"{sub}/{file.name}"
    info = file.stat()
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        problems.append(f"{name}: cannot be used: not a regular file of acceptable size")
        return {}
    out: dict[str, bytes] = {}
    con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        for table in TABLES:
            try:
                out[table.name] = _sqlite_rows(con, table)
            except sqlite3.Error as exc:
                problems.append(f"{name}: table {table.name!r} cannot be read ({exc})")
    except sqlite3.DatabaseError as exc:
        problems.append(f"{name}: not a SQLite database ({exc})")
    finally:
        con.close()
    return out


def _copies(folder: Path, problems: list[str]) -> dict[str, dict[str, bytes]]:
    """Every copy of the values the folder holds: ``{label: {table: canonical CSV}}``."""
    copies: dict[str, dict[str, bytes]] = {}
    for sub in sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.is_symlink()):
        names = {p.name for p in (folder / sub).iterdir()}
        if any(f"{t.name}.csv" in names for t in TABLES):
            copies[f"{sub}/ (CSV)"] = _csv_copy(folder, sub, problems)
        if any(f"{t.name}.parquet" in names for t in TABLES):
            copies[f"{sub}/ (Parquet)"] = _parquet_copy(folder, sub, problems)
        if any(n.endswith(".db") for n in names):
            copies[f"{sub}/ (SQLite)"] = _sqlite_copy(folder, sub, problems)
    return copies


def _values(folder: Path, problems: list[str]) -> dict[str, bytes] | None:
    from kzdata._canonical import first_difference

    copies = _copies(folder, problems)
    if not copies:
        problems.append(
            f"{folder} holds no CSV, Parquet or SQLite copy of the tables; verify a folder written by "
            "`kzdata export` with the bundle, csv, parquet or sqlite format"
        )
        return None
    (reference_label, reference), *others = copies.items()
    for label, copy in others:
        for table in TABLES:
            a, b = copy.get(table.name), reference.get(table.name)
            if a is not None and b is not None and a != b:
                problems.append(
                    f"table {table.name!r}: the values in {label} differ from those in {reference_label} "
                    f"({first_difference(a, b)})"
                )
    if len(reference) != len(TABLES):
        return None
    return reference


def _schemas(folder: Path, problems: list[str]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The tables' schemas (from the folder's descriptor, else the registry) and the descriptor itself."""
    from kzdata._fingerprint import registry_schemas

    if not (folder / _files.DESCRIPTOR).exists():
        return registry_schemas(), {}
    data = _read(folder, _files.DESCRIPTOR, problems, MAX_DESCRIPTOR_BYTES)
    if data is None:
        return None, {}
    try:
        document = load_json(data, _files.DESCRIPTOR)
    except RefusedFileError as exc:
        problems.append(f"{_files.DESCRIPTOR}: {exc}")
        return None, {}
    resources = document.get("resources") if isinstance(document, dict) else None
    named = {r.get("name"): r for r in resources if isinstance(r, dict)} if isinstance(resources, list) else {}
    schemas: dict[str, Any] = {}
    for table in TABLES:
        resource = named.get(table.name)
        if resource is None or "schema" not in resource:
            problems.append(f"{_files.DESCRIPTOR}: no resource {table.name!r} with a schema")
        else:
            schemas[table.name] = resource["schema"]
    return (schemas if len(schemas) == len(TABLES) else None), document


def verify_folder(folder: Path, expected: str | None) -> VerifyReport:
    """Recompute the fingerprint of the export in ``folder`` and check what it states (see the module doc)."""
    from kzdata._formats.files import BESIDE
    from kzdata._integrity import installed_version
    from kzdata._versions import parse_version

    if not folder.is_dir():
        raise InvalidArgumentError(f"{folder} is not a folder; give a folder written by `kzdata export`")
    from kzdata._citation_files import citation_cff
    from kzdata._documents import primary_documents
    from kzdata._fingerprint import PROPERTY, SOURCE_FILES, fingerprint

    problems: list[str] = []
    values = _values(folder, problems)
    schemas, document = _schemas(folder, problems)
    sources = {name: _read(folder, BESIDE[name], problems) for name in SOURCE_FILES}
    content: str | None = None
    if values is not None and schemas is not None and all(v is not None for v in sources.values()):
        content = fingerprint(values, schemas, {k: v for k, v in sources.items() if v is not None})
    version = document.get("version") if isinstance(document.get("version"), str) else None
    if content is not None and document and document.get(PROPERTY) != content:
        problems.append(
            f"{_files.DESCRIPTOR}: records the fingerprint {document.get(PROPERTY)!r}, the files give {content}"
        )
    citation_file = folder / BESIDE[_CITATION]
    if content is not None and values is not None and citation_file.exists():
        cited = _read(folder, BESIDE[_CITATION], problems)
        text = cited.decode("utf-8", "replace") if cited is not None else ""
        stated = next(
            (line.split(":", 1)[1].strip().strip('"') for line in text.splitlines() if line.startswith("version:")), ""
        )
        version = version or stated
        try:
            parse_version(stated)
            regenerated = citation_cff(stated, content, primary_documents(values)).encode("utf-8")
        except InvalidArgumentError:
            regenerated = b""
        if cited is not None and cited != regenerated:
            problems.append(
                f"{BESIDE[_CITATION]}: is not the citation of these files (release {stated or '?'}, fingerprint "
                f"{content}); it was edited, or belongs to other data"
            )
    problem = fingerprint_problem(content, expected)
    if problem:
        problems.append(problem)
    checked = sum(1 for _ in folder.rglob("*") if _.is_file())
    return VerifyReport(version or installed_version(), checked, problems, content, expected, str(folder))
