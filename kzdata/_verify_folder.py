"""``kzdata verify DIR``: prove that an exported copy is the release a citation names.

The content fingerprint (:mod:`kzdata._fingerprint`) is defined over the values in
canonical form, not over one file format, so a copy in another format can be checked
against the same citation. This module recomputes it from a folder written by
``kzdata export`` in the ``bundle``, ``csv``, ``parquet`` or ``sqlite`` format:

* the values from every copy the folder holds: the CSV files (``csv/``, already in
  canonical form), the Parquet files (``parquet/``, decoded as a loader decodes them and
  re-encoded in canonical form, their types and pandas metadata checked) and the SQLite
  database (``sqlite/kzdata.db``, read back strictly: every value must have the storage
  class and the form the export writes, nothing is converted); when it holds several,
  they must agree;
* each table's schema from the folder's ``datapackage.json`` when the format has one (so
  an edited schema changes the fingerprint), otherwise from the registry;
* ``LICENSE-DATA`` and the dataset card (``README.md`` in an export).

Everything else a reader of the export sees is generated from those and the installed
kzdata, so it is regenerated here and compared exactly: ``CITATION.cff``,
``data-dictionary.md``, the export's ``datapackage.json`` and, in the SQLite database,
its schema and its data dictionary (``_kzdata_meta``, ``_kzdata_tables``,
``_kzdata_columns``). A file the format does not write is a problem too, and so is a
symbolic link anywhere in the folder: an export writes none, and nothing is read through
one (:func:`link_problems`). Workbooks and
Stata files are not read back (their types are not the release's); verify the CSV,
Parquet or SQLite export instead.
"""

from __future__ import annotations

import datetime
import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata import _files
from kzdata._formats import CSV_FOLDER, PARQUET_FOLDER, SQLITE_FOLDER, VERIFIABLE
from kzdata._integrity import (
    MAX_DESCRIPTOR_BYTES,
    MAX_FILE_BYTES,
    RefusedFileError,
    VerifyReport,
    fingerprint_problem,
    load_json,
    read_regular,
)
from kzdata._registry import TABLES, Column, Table
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    from kzdata._formats import ExportFormat

_CITATION = "CITATION.cff"
_DICTIONARY = "data-dictionary.md"
SQLITE_FILE = f"{SQLITE_FOLDER}/kzdata.db"
"""Where the sqlite format writes its database."""
DICTIONARY_TABLES = ("_kzdata_meta", "_kzdata_tables", "_kzdata_columns")
"""The SQLite export's data dictionary: tables that are not kzdata tables, compared whole."""
STORAGE = {"integer": "integer", "boolean": "integer", "number": "real"}
"""The SQLite storage class (``typeof()``) the export writes for a kind of column; ``text`` for the others."""
SHOWN = 5
"""At most this many bad values are listed per SQLite table (then how many more there are)."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def through_link(folder: Path, name: str) -> str | None:
    """The first part of the relative path ``name`` (itself included) that is a symbolic link, else None."""
    parts = Path(name).parts
    for end in range(1, len(parts) + 1):
        if folder.joinpath(*parts[:end]).is_symlink():
            return Path(*parts[:end]).as_posix()
    return None


def _read(folder: Path, name: str, problems: list[str], limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of ``folder/name``; None (and a problem) when missing or unusable.

    Nothing is read through a symbolic link: the link itself is a problem
    (:func:`link_problems`), so the file is left out without a second one.
    """
    if through_link(folder, name) is not None:
        return None
    try:
        data = read_regular(folder / name, limit)
    except (RefusedFileError, OSError) as exc:
        problems.append(f"{name}: cannot be used: {exc}")
        return None
    if data is None:
        problems.append(f"{name}: missing")
    return data


# --------------------------------------------------------------------------- what the folder must hold


def export_format(folder: Path) -> ExportFormat | None:
    """The verifiable format whose folders ``folder`` holds (the one with the most folders), or None."""
    from kzdata._formats import FORMATS

    # A link to a folder counts for the format (it is named as a link, and nothing is read through it).
    present = {p.name for p in folder.iterdir() if p.is_dir()}
    fitting = [FORMATS[name] for name in VERIFIABLE if set(FORMATS[name].folders) <= present]
    return max(fitting, key=lambda f: len(f.folders), default=None)


def export_layout(fmt: ExportFormat) -> set[str]:
    """Every path (file or folder) an export in ``fmt`` has, from the registry and the code."""
    from kzdata._exporting import COMMON_FILES

    layout = set(COMMON_FILES) | set(fmt.folders)
    if CSV_FOLDER in fmt.folders:
        layout.add(_files.DESCRIPTOR)
        layout.update(f"{CSV_FOLDER}/{t.name}.csv" for t in TABLES)
    if PARQUET_FOLDER in fmt.folders:
        layout.update(f"{PARQUET_FOLDER}/{t.name}.parquet" for t in TABLES)
    if SQLITE_FOLDER in fmt.folders:
        layout.add(SQLITE_FILE)
    return layout


def link_problems(folder: Path) -> tuple[set[str], list[str]]:
    """Every symbolic link under ``folder`` (relative paths, never followed), and the problem each one is.

    ``kzdata export`` writes no links, and verify follows none: a link to a file or folder
    elsewhere would make verify vouch for whatever it points to, or (skipped) check less
    than the folder shows. So each link is a problem, named, and nothing is read through it.
    """
    links: set[str] = set()
    for here, dirs, names in os.walk(folder, followlinks=False):
        rel = Path(here).relative_to(folder)
        links.update((rel / name).as_posix() for name in [*dirs, *names] if Path(here, name).is_symlink())
    problems = []
    for name in sorted(links):
        try:
            to = f" to {(folder / name).readlink()}"
        except OSError:
            to = ""
        problems.append(
            f"{name}: a symbolic link{to}, which `kzdata export` never writes; verify follows no links, "
            "so it cannot vouch for what it points to: put the file or folder itself there"
        )
    return links, problems


def present_paths(folder: Path) -> set[str]:
    """The relative path of every entry under ``folder`` (links listed, never followed)."""
    found: set[str] = set()
    for here, dirs, names in os.walk(folder, followlinks=False):
        rel = Path(here).relative_to(folder)
        found.update((rel / name).as_posix() for name in [*dirs, *names])
    return found


# --------------------------------------------------------------------------- the copies of the values


def _csv_copy(folder: Path, problems: list[str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for table in TABLES:
        data = _read(folder, f"{CSV_FOLDER}/{table.name}.csv", problems)
        if data is not None:
            out[table.name] = data
    return out


def _parquet_copy(folder: Path, problems: list[str], raw: dict[str, bytes]) -> dict[str, bytes]:
    """The canonical CSV of every Parquet file that decodes as the release's; ``raw`` gets their bytes."""
    from kzdata._canonical import parquet_problems

    out: dict[str, bytes] = {}
    for table in TABLES:
        name = f"{PARQUET_FOLDER}/{table.name}.parquet"
        data = _read(folder, name, problems)
        if data is None:
            continue
        raw[table.name] = data
        found, canonical = parquet_problems(table, data, name)
        problems += found
        if canonical is not None:
            out[table.name] = canonical
    return out


def sqlite_value(column: Column, storage: str, value: Any) -> Any:
    """The value of one SQLite cell for the canonical form, or ValueError saying why the export never writes it.

    Strict on purpose: the storage class must be the one the export writes for the column
    (:data:`STORAGE`), NULL only where the registry allows a missing value, a boolean 0 or 1, a
    date the text ``YYYY-MM-DD`` of a real date; so
    18.9 in an integer column, 7 or ``'false'`` as a boolean and ``'01/05/2022'`` as a date
    are problems, never converted into a release value.

    >>> from kzdata._registry import Column
    >>> nullable = Column("n", "integer", "", nullable=True)
    >>> sqlite_value(Column("b", "boolean", ""), "integer", 1), sqlite_value(nullable, "null", None)
    (True, None)
    """
    if storage == "null":
        if not column.nullable:
            raise ValueError("is NULL, where the release always has a value")
        return None
    want = STORAGE.get(column.kind, "text")
    if storage != want:
        raise ValueError(f"is stored as {storage.upper()}, where the export stores {want.upper()}")
    if column.kind == "boolean":
        if value not in (0, 1):
            raise ValueError("is neither 0 (false) nor 1 (true), the only booleans the export writes")
        return value == 1
    if column.kind == "date":
        day = iso_date(value)
        if day is None:
            raise ValueError("is not a date written YYYY-MM-DD, the only form the export writes")
        return day
    return value


def iso_date(text: str) -> datetime.date | None:
    """The date ``text`` writes as ``YYYY-MM-DD`` (digits only, a real day), else None.

    >>> iso_date("2022-01-05"), iso_date("2022-02-30"), iso_date("20220105"), iso_date("2022-01-05 00:00")
    (datetime.date(2022, 1, 5), None, None, None)
    """
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _sqlite_rows(con: sqlite3.Connection, table: Table, label: str, problems: list[str]) -> tuple[bytes | None, int]:
    """One table of the database: its canonical CSV (None when a value is not one the export writes), its row count."""
    from kzdata._canonical import rows_csv
    from kzdata._formats.sqlite import quote

    selected = ", ".join(f"typeof({quote(c.name)}), {quote(c.name)}" for c in table.columns)
    fetched = con.execute(f"SELECT {selected} FROM {quote(table.name)}").fetchall()  # noqa: S608
    rows, bad = [], []
    for cells in fetched:
        row = []
        for i, column in enumerate(table.columns):
            storage, value = cells[2 * i], cells[2 * i + 1]
            try:
                row.append(sqlite_value(column, storage, value))
            except ValueError as exc:
                bad.append(
                    f"{label}: table {table.name!r}, {table.primary_key}={cells[1]!r}, column {column.name!r}: "
                    f"the value {value!r} {exc}"
                )
        rows.append(tuple(row))
    if bad:
        more = [f"{label}: table {table.name!r}: {len(bad) - SHOWN} more such value(s)"] if len(bad) > SHOWN else []
        problems += bad[:SHOWN] + more
        return None, len(fetched)
    rows.sort(key=lambda r: r[0])  # the canonical order: by primary key (the first column, never NULL here)
    return rows_csv(list(table.columns), rows), len(fetched)


Snapshot = dict[str, list[tuple[Any, ...]]]
"""A database's schema (``sqlite_master``) and data dictionary tables, each value as SQL text (``quote()``)."""


def sqlite_snapshot(con: sqlite3.Connection) -> Snapshot:
    """What a reader sees of a database besides the kzdata tables' rows, exactly (types included)."""
    from kzdata._formats.sqlite import quote

    master = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    out: Snapshot = {"sqlite_master": sorted(master, key=repr)}
    for name in DICTIONARY_TABLES:
        columns = [row[1] for row in con.execute(f"PRAGMA table_info({quote(name)})")]
        if columns:
            quoted = ", ".join(f"quote({quote(c)})" for c in columns)
            out[name] = sorted(con.execute(f"SELECT {quoted} FROM {quote(name)}").fetchall())  # noqa: S608
    return out


def _sqlite_copy(folder: Path, problems: list[str]) -> tuple[dict[str, bytes], dict[str, int], Snapshot | None]:
    """The canonical CSV of each table of the database, each table's row count, and its snapshot."""
    file = folder / SQLITE_FILE
    if through_link(folder, SQLITE_FILE) is not None:
        return {}, {}, None  # named as a link (link_problems); nothing is read through it
    try:
        info = file.lstat()
    except OSError:
        problems.append(f"{SQLITE_FILE}: missing")
        return {}, {}, None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        problems.append(f"{SQLITE_FILE}: cannot be used: not a regular file of acceptable size")
        return {}, {}, None
    out: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    snapshot: Snapshot | None = None
    con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        snapshot = sqlite_snapshot(con)
        for table in TABLES:
            try:
                canonical, counts[table.name] = _sqlite_rows(con, table, SQLITE_FILE, problems)
            except sqlite3.Error as exc:
                problems.append(f"{SQLITE_FILE}: table {table.name!r} cannot be read ({exc})")
                continue
            if canonical is not None:
                out[table.name] = canonical
    except sqlite3.DatabaseError as exc:
        problems.append(f"{SQLITE_FILE}: not a SQLite database ({exc})")
    finally:
        con.close()
    return out, counts, snapshot


def _values(folder: Path, fmt: ExportFormat, problems: list[str], found: dict[str, Any]) -> dict[str, bytes] | None:
    """The canonical CSV of every table, when every copy the format holds reads back and they agree.

    ``found`` receives what the other checks need: the Parquet bytes, the SQLite row counts
    and snapshot.
    """
    from kzdata._canonical import first_difference

    copies: dict[str, dict[str, bytes]] = {}
    if CSV_FOLDER in fmt.folders:
        copies[f"{CSV_FOLDER}/ (CSV)"] = _csv_copy(folder, problems)
    if PARQUET_FOLDER in fmt.folders:
        found["parquet_bytes"] = {}
        copies[f"{PARQUET_FOLDER}/ (Parquet)"] = _parquet_copy(folder, problems, found["parquet_bytes"])
    if SQLITE_FOLDER in fmt.folders:
        copies[f"{SQLITE_FOLDER}/ (SQLite)"], found["counts"], found["snapshot"] = _sqlite_copy(folder, problems)
    (reference_label, reference), *others = copies.items()
    for label, copy in others:
        for table in TABLES:
            a, b = copy.get(table.name), reference.get(table.name)
            if a is not None and b is not None and a != b:
                problems.append(
                    f"table {table.name!r}: the values in {label} differ from those in {reference_label} "
                    f"({first_difference(a, b)})"
                )
    if any(len(copy) != len(TABLES) for copy in copies.values()):
        return None
    return reference


def _schemas(folder: Path, problems: list[str], found: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The tables' schemas from the folder's descriptor, and the descriptor itself (its bytes go into ``found``)."""
    data = _read(folder, _files.DESCRIPTOR, problems, MAX_DESCRIPTOR_BYTES)
    if data is None:
        return None, {}
    found["descriptor"] = data
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
    return (schemas if len(schemas) == len(TABLES) else None), (document if isinstance(document, dict) else {})


# --------------------------------------------------------------------------- what is generated from the values


def _compare(name: str, found: bytes | None, expected: bytes, what: str, problems: list[str]) -> None:
    from kzdata._canonical import first_difference

    if found is not None and found != expected:
        problems.append(
            f"{name}: is not {what} ({first_difference(found, expected)}); it was edited, or belongs to other data"
        )


def _installed_mark() -> Any:
    """The unlocked-build mark of the installed release's descriptor, which its exports copy (None: none).

    Taken from the installed release (pinned by the code's record), never from the export, so
    an export cannot drop the mark of an unlocked build, nor add one.
    """
    from kzdata._descriptor import UNLOCKED_MARK
    from kzdata._integrity import descriptor as installed
    from kzdata.errors import IntegrityError

    try:
        return installed().document.get(UNLOCKED_MARK)
    except IntegrityError:
        return None


def _expected_descriptor(fmt: ExportFormat, generated: dict[str, Any], parquet: dict[str, bytes]) -> bytes | None:
    """The ``datapackage.json`` the export writes for these values (None without every Parquet file it names)."""
    from kzdata._descriptor import CITATION_FILE, UNLOCKED_MARK, descriptor, to_bytes
    from kzdata._formats.files import export_descriptor

    twins = PARQUET_FOLDER in fmt.folders
    if twins and len(parquet) != len(TABLES):
        return None
    values: dict[str, bytes] = generated["values"]
    files: dict[str, tuple[bytes, bytes]] = {t.name: (values[t.name], parquet.get(t.name, b"")) for t in TABLES}
    beside = {CITATION_FILE: generated["citation"], **generated["beside"]}
    whole = descriptor(generated["version"], files, content_fingerprint=generated["fingerprint"], release_files=beside)
    mark = _installed_mark()
    whole |= {UNLOCKED_MARK: mark} if isinstance(mark, dict) else {}
    return export_descriptor(to_bytes(whole), CSV_FOLDER, PARQUET_FOLDER if twins else None)


def _sqlite_problems(found: Snapshot, expected: Snapshot) -> list[str]:
    """How the database's schema and data dictionary differ from what the export writes."""
    problems = []
    for part in sorted(set(found) | set(expected)):
        have, want = found.get(part, []), expected.get(part, [])
        if have == want:
            continue
        extra = [row for row in have if row not in want]
        lacking = [row for row in want if row not in have]
        where = f"{SQLITE_FILE}: {'the schema (sqlite_master)' if part == 'sqlite_master' else f'table {part}'}"
        shown = [f"{where} holds {row!r}, which the export does not write" for row in extra[:3]]
        shown += [f"{where} lacks {row!r}, which the export writes" for row in lacking[:3]]
        problems += shown
        if len(extra) + len(lacking) > len(shown):
            problems.append(f"{where}: {len(extra) + len(lacking) - len(shown)} more difference(s)")
    return problems


def _expected_snapshot(generated: dict[str, Any] | None, counts: dict[str, int]) -> Snapshot:
    """The schema and data dictionary the export writes for tables of ``counts`` rows.

    Without ``generated`` (the values did not read back, so there is no fingerprint to cite)
    ``_kzdata_meta`` is left out; the rest does not depend on the values.
    """
    from kzdata._formats.sqlite import fill_dictionary, meta_rows

    meta = meta_rows(generated["version"], generated["fingerprint"], generated["documents"]) if generated else []
    con = sqlite3.connect(":memory:")
    try:
        fill_dictionary(con, meta, counts, data_tables=True)
        expected = sqlite_snapshot(con)
    finally:
        con.close()
    if generated is None:
        del expected["_kzdata_meta"]
    return expected


def sqlite_dictionary_problems(found: dict[str, Any], generated: dict[str, Any] | None) -> list[str]:
    """The SQLite database's schema and data dictionary against what the export writes (none without a database)."""
    snapshot = found.get("snapshot")
    if snapshot is None or len(found.get("counts", {})) != len(TABLES):
        return []
    if generated is None:
        snapshot = {k: v for k, v in snapshot.items() if k != "_kzdata_meta"}
    return _sqlite_problems(snapshot, _expected_snapshot(generated, found["counts"]))


def _generated_problems(folder: Path, fmt: ExportFormat, generated: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Regenerate every file (or part of one) the export derives from its values, and compare."""
    from kzdata._dictionary import render_markdown
    from kzdata._formats.files import BESIDE
    from kzdata._integrity import _derived_problem

    problems: list[str] = []
    version = generated["version"]
    cited = _read(folder, BESIDE[_CITATION], problems)
    if cited is not None and cited != generated["citation"]:
        text = cited.decode("utf-8", "replace")
        stated = next((line[8:].strip().strip('"') for line in text.splitlines() if line.startswith("version:")), "?")
        against = "" if stated == version else f"; this kzdata is {version}: verify it with kzdata {stated}"
        problems.append(
            f"{BESIDE[_CITATION]}: is not the citation of these files (release {version}, fingerprint "
            f"{generated['fingerprint']}); it states release {stated}{against}; it was edited, or belongs to other data"
        )
    dictionary = _read(folder, _DICTIONARY, problems)
    _compare(
        _DICTIONARY, dictionary, render_markdown().encode("utf-8"), f"the data dictionary of kzdata {version}", problems
    )
    if CSV_FOLDER in fmt.folders:
        # The descriptor was read (its schemas gave the fingerprint); compare those very bytes.
        expected = _expected_descriptor(fmt, generated, found.get("parquet_bytes", {}))
        problem = _derived_problem(_files.DESCRIPTOR, found["descriptor"], expected) if expected else None
        if problem:
            problems.append(problem)
    return problems + sqlite_dictionary_problems(found, generated)


def verify_folder(folder: Path, expected: str | None) -> VerifyReport:
    """Recompute the fingerprint of the export in ``folder`` and check everything else it holds (see the module doc)."""
    try:
        is_folder = stat.S_ISDIR(folder.stat().st_mode)
    except (OSError, ValueError) as exc:  # missing, a link loop, a name too long, a NUL byte
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidArgumentError(
            f"cannot use {folder} as an export folder ({reason}); give a folder written by `kzdata export`"
        ) from None
    if not is_folder:
        raise InvalidArgumentError(f"{folder} is not a folder; give a folder written by `kzdata export`")
    from kzdata._citation_files import citation_cff
    from kzdata._documents import primary_documents
    from kzdata._fingerprint import PROPERTY, SOURCE_FILES, fingerprint, registry_schemas
    from kzdata._formats.files import BESIDE
    from kzdata._integrity import installed_version

    version = installed_version()
    links, problems = link_problems(folder)
    fmt = export_format(folder)
    content: str | None = None
    if fmt is None:
        problems.append(
            f"{folder} holds no CSV, Parquet or SQLite copy of the tables; verify a folder written by "
            "`kzdata export` with the bundle, csv, parquet or sqlite format"
        )
    else:
        problems += [
            f"{name}: not a file of a {fmt.name} export of kzdata {version}; remove it (verify cannot vouch for it)"
            for name in sorted(present_paths(folder) - export_layout(fmt) - links)
        ]
        found: dict[str, Any] = {}
        values = _values(folder, fmt, problems, found)
        schemas, document = _schemas(folder, problems, found) if CSV_FOLDER in fmt.folders else (registry_schemas(), {})
        sources = {name: _read(folder, BESIDE[name], problems) for name in SOURCE_FILES}
        if values is not None and schemas is not None and all(v is not None for v in sources.values()):
            present = {k: v for k, v in sources.items() if v is not None}
            content = fingerprint(values, schemas, present)
            if document and document.get(PROPERTY) != content:
                problems.append(
                    f"{_files.DESCRIPTOR}: records the fingerprint {document.get(PROPERTY)!r}, the files give {content}"
                )
            documents = primary_documents(values)
            generated = {
                "version": version,
                "fingerprint": content,
                "values": values,
                "beside": present,
                "documents": documents,
                "citation": citation_cff(version, content, documents).encode("utf-8"),
            }
            problems += _generated_problems(folder, fmt, generated, found)
        else:
            problems += sqlite_dictionary_problems(found, None)
    problem = fingerprint_problem(content, expected)
    if problem:
        problems.append(problem)
    checked = sum(1 for _ in folder.rglob("*") if _.is_file())
    return VerifyReport(version, checked, problems, content, expected, str(folder), export=True)
