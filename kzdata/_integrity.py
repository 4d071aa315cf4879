"""The one gate between the shipped files and everything that reads them.

``datapackage.json`` (inside the data folder) records the sha256 hash and size of
every CSV and Parquet file. Every path in kzdata that reads shipped data goes through
this module, so a damaged, edited or missing file fails the same way everywhere:

* :func:`read_checked` returns a file's bytes after comparing them with the release
  (the loaders parse exactly the bytes that were checked);
* :func:`checked_path` checks a file and returns its path, for readers that need a
  path (DuckDB views in :func:`kzdata.connect`, copies in exports);
* :func:`verify` checks every file and reports all differences at once.

Each raises :class:`~kzdata.errors.IntegrityError`. The descriptor itself is checked
before it is trusted: every entry needs a ``path``, ``hash`` and ``bytes``, and a path
must stay inside the data folder (no absolute paths, no ``..``), so an edited
descriptor cannot make kzdata read, hash or copy a file elsewhere on the machine.

Reads are safe against a build that swaps the data folder at the same moment: when a
file does not match, the descriptor is read again, and if it changed in between (a
new release was swapped in) the read is retried against the new release instead of
failing (see ``docs/build-transactions.md``).

:func:`verify` also recomputes the release's content fingerprint
(:mod:`kzdata._fingerprint`) from the CSV files' hashes and compares it with the one
recorded in ``datapackage.json`` and cited by :func:`kzdata.cite`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kzdata import _files
from kzdata.errors import IntegrityError

REINSTALL = _files.REINSTALL
_RETRIES = 3


@dataclass(frozen=True)
class Entry:
    """One file the release recorded: its path inside the data folder, hash and size."""

    path: str
    hash: str
    bytes: int


@dataclass(frozen=True)
class Descriptor:
    """The parsed shipped descriptor: version, usable entries and the problems of the others."""

    version: str
    entries: dict[str, Entry]
    problems: list[str]
    raw: bytes


@dataclass(frozen=True)
class VerifyReport:
    """The files checked and, for each that differs, what is wrong."""

    version: str
    checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file matches its recorded hash and size."""
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return f"kzdata {self.version}: all {self.checked} data files match datapackage.json"
        lines = [f"kzdata {self.version}: {len(self.problems)} of {self.checked} data files differ:"]
        lines += [f"  - {p}" for p in self.problems]
        lines.append("Reinstall kzdata (pip install --force-reinstall kzdata) to restore the released files.")
        return "\n".join(lines)


def safe_relative(path: object) -> str | None:
    """``path`` if it is a plain relative POSIX path inside the data folder, else None.

    >>> safe_relative("csv/events.csv"), safe_relative("../x"), safe_relative("/etc/passwd")
    ('csv/events.csv', None, None)
    """
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("..", ".", "") for part in path.split("/")) or ":" in pure.parts[0]:
        return None
    return path


_last: list[Descriptor] = []
"""The last descriptor parsed: reused while the file's bytes are the same (parsing costs more than reading)."""


def _parse(raw: bytes, where: Path) -> Descriptor:
    if _last and _last[0].raw == raw:
        return _last[0]
    parsed = _parse_fresh(raw, where)
    _last[:] = [parsed]
    return parsed


def _parse_fresh(raw: bytes, where: Path) -> Descriptor:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise IntegrityError(f"cannot read the data package descriptor {where} ({exc}). {REINSTALL}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise IntegrityError(f"the data package descriptor {where} has no list of resources. {REINSTALL}")
    entries: dict[str, Entry] = {}
    problems: list[str] = []
    for index, resource in enumerate(doc["resources"]):
        name = resource.get("name", f"resources[{index}]") if isinstance(resource, dict) else f"resources[{index}]"
        twin = resource.get("kzdata:parquet") if isinstance(resource, dict) else None
        for label, item in ((f"{name}", resource), (f"{name} (kzdata:parquet)", twin)):
            entry = _entry(label, item, problems)
            if entry is not None:
                entries[entry.path] = entry
    beside = doc.get("kzdata:files", [])
    if not isinstance(beside, list):
        problems.append("descriptor entry kzdata:files: not a list of files")
        beside = []
    for index, item in enumerate(beside):
        label = f"kzdata:files[{index}]" if not isinstance(item, dict) else f"{item.get('name', index)} (kzdata:files)"
        entry = _entry(label, item, problems)
        if entry is not None:
            entries[entry.path] = entry
    return Descriptor(str(doc.get("version")), entries, problems, raw)


def _entry(label: str, item: object, problems: list[str]) -> Entry | None:
    if not isinstance(item, dict):
        problems.append(f"descriptor entry {label}: missing (the descriptor lacks this file's record)")
        return None
    missing = [k for k in ("path", "hash", "bytes") if k not in item]
    if missing:
        problems.append(f"descriptor entry {label}: lacks {', '.join(missing)}")
        return None
    path = safe_relative(item["path"])
    if path is None:
        problems.append(f"descriptor entry {label}: path {item['path']!r} points outside the data folder")
        return None
    if not isinstance(item["hash"], str) or not isinstance(item["bytes"], int):
        problems.append(f"descriptor entry {label}: hash or bytes has the wrong type")
        return None
    return Entry(path, item["hash"], item["bytes"])


def descriptor() -> Descriptor:
    """Read and check the shipped ``datapackage.json`` (fresh on every call: it is small)."""
    base = _files.data_dir()
    where = base / _files.DESCRIPTOR
    try:
        raw = where.read_bytes()
    except OSError as exc:
        raise IntegrityError(
            f"the data package descriptor is missing or unreadable: {where} ({exc}). {REINSTALL}"
        ) from None
    return _parse(raw, where)


def _check(entry: Entry, data: bytes | None) -> str | None:
    """What is wrong with ``data`` as the file ``entry`` describes (None: it matches)."""
    if data is None:
        return f"{entry.path}: missing"
    if len(data) != entry.bytes:
        return f"{entry.path}: {len(data)} bytes, expected {entry.bytes}"
    if "sha256:" + hashlib.sha256(data).hexdigest() != entry.hash:
        return f"{entry.path}: sha256 differs from the recorded {entry.hash}"
    return None


def _read(file: Path, limit: int) -> bytes | None:
    """The bytes of a regular file (None when missing); never follows into a FIFO or device."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        import stat

        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return b""  # not a file the release shipped: it can never match a recorded hash
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def read_checked(relative_path: str, *, what: str | None = None) -> bytes:
    """The bytes of shipped file ``relative_path`` after checking them against the release.

    ``what`` names the file in messages (e.g. ``"table 'events'"``). Raises
    :class:`IntegrityError` when the descriptor does not record the file, or the file is
    missing, unreadable, or differs in size or hash.
    """
    label = what or repr(relative_path)
    for _attempt in range(_RETRIES):
        desc = descriptor()
        base = _files.data_dir()
        file = base / relative_path
        entry = desc.entries.get(relative_path)
        if entry is None:
            raise IntegrityError(
                f"the data package descriptor {base / _files.DESCRIPTOR} has no usable record of {relative_path} "
                f"(the data file of {label}). Run `kzdata verify`, then: {REINSTALL}"
            )
        try:
            data = _read(file, entry.bytes)
        except OSError as exc:
            raise IntegrityError(f"the data file of {label} cannot be read ({exc}): {file}. {REINSTALL}") from None
        problem = _check(entry, data)
        if problem is None and data is not None:
            return data
        if _descriptor_changed(desc):
            continue  # a build swapped in a new release while we read: read that one
        if data is None:
            raise IntegrityError(f"the data file of {label} is missing: {file}. {REINSTALL}")
        raise IntegrityError(
            f"the data file of {label} differs from the released one: {file}. "
            "Run `kzdata verify` to see which files are damaged, then reinstall kzdata "
            "(from a source checkout: `kzdata build`)."
        )
    raise IntegrityError(f"the data folder kept changing while the data file of {label} was read; try again")


def _descriptor_changed(desc: Descriptor) -> bool:
    try:
        return (_files.data_dir() / _files.DESCRIPTOR).read_bytes() != desc.raw
    except OSError:
        return True


def checked_path(relative_path: str, *, what: str | None = None) -> Path:
    """The path of shipped file ``relative_path``, after :func:`read_checked` accepted its bytes.

    For readers that need a path (DuckDB, file copies). The file is checked at this
    moment; whoever then opens the path trusts that nothing rewrote it in between.
    """
    read_checked(relative_path, what=what)
    return _files.data_dir() / relative_path


def _fingerprint_problems(descriptor: dict[str, Any], csv_hashes: dict[str, str]) -> list[str]:
    """Recompute the content fingerprint from the CSV files read and compare with the recorded one."""
    from kzdata._fingerprint import PROPERTY, fingerprint
    from kzdata._registry import TABLE_NAMES

    recorded = descriptor.get(PROPERTY)
    if not isinstance(recorded, str):
        return [f"datapackage.json: no content fingerprint ({PROPERTY})"]
    if set(csv_hashes) != set(TABLE_NAMES):
        return []  # a missing file is already reported; the fingerprint cannot be recomputed
    actual = fingerprint(csv_hashes)
    if actual != recorded:
        return [f"content fingerprint: the files give {actual}, the release recorded {recorded}"]
    return []


def _metadata_problems(document: dict[str, Any], citation: bytes | None, csv_files: dict[str, bytes]) -> list[str]:
    """The descriptor's own statements, checked against what it cannot vouch for itself.

    The hashes protect the files, not the descriptor's metadata. Its title, licence,
    keywords and release date must say what :mod:`kzdata._meta` (code, shipped with the
    package) says, its sources what the hash-checked ``sources`` table says, and its
    version and fingerprint what the hash-checked ``CITATION.cff`` says, so an edited
    licence or version is reported rather than exported as the release's.
    """
    from kzdata import _meta as meta
    from kzdata._fingerprint import PROPERTY, RELEASE_DATE_PROPERTY

    expected: dict[str, object] = {
        "name": meta.SHORT_TITLE,
        "title": meta.TITLE,
        "description": meta.DESCRIPTION,
        "licenses": [{"name": meta.LICENSE, "title": meta.LICENSE_TITLE, "path": meta.LICENSE_URL}],
        "keywords": list(meta.KEYWORDS),
        RELEASE_DATE_PROPERTY: meta.RELEASE_DATE,
    }
    from kzdata._documents import primary_documents
    from kzdata._registry import AUTHORSHIPS, PEOPLE, SOURCES

    if {SOURCES.name, AUTHORSHIPS.name, PEOPLE.name} <= csv_files.keys():  # else a missing file is reported
        expected["sources"] = [{"title": doc.summary} for doc in primary_documents(csv_files)]
    problems = [
        f"datapackage.json: {key} is {document.get(key)!r}, the release states {value!r}"
        for key, value in expected.items()
        if document.get(key) != value
    ]
    if citation is not None:
        text = citation.decode("utf-8", errors="replace")
        for key, label in (("version", "version"), (PROPERTY, "fingerprint")):
            value = document.get(key)
            if not isinstance(value, str) or f'"{value}"' not in text:
                problems.append(f"datapackage.json: {label} {value!r} is not the one CITATION.cff cites")
    return problems


def verify(*, raise_on_error: bool = True) -> VerifyReport:
    """Recompute the hash and size of every shipped file and compare with ``datapackage.json``.

    Raises :class:`~kzdata.errors.IntegrityError` naming the differing files (or
    returns them in the report when ``raise_on_error`` is false). A descriptor entry
    lacking a field or pointing outside the data folder is reported as a problem.

    Examples
    --------
    >>> import kzdata
    >>> kzdata.verify().ok
    True
    """
    for _attempt in range(_RETRIES):
        desc = descriptor()
        base = _files.data_dir()
        problems = list(desc.problems)
        csv_hashes: dict[str, str] = {}
        csv_files: dict[str, bytes] = {}
        citation: bytes | None = None
        for entry in desc.entries.values():
            try:
                data = _read(base / entry.path, entry.bytes)
            except OSError as exc:
                problems.append(f"{entry.path}: unreadable ({exc})")
                continue
            problem = _check(entry, data)
            if problem or data is None:
                problems.append(problem or f"{entry.path}: missing")
            elif entry.path.startswith(f"{_files.CSV_DIR}/") and entry.path.endswith(".csv"):
                csv_hashes[entry.path[len(_files.CSV_DIR) + 1 : -len(".csv")]] = entry.hash
                csv_files[entry.path[len(_files.CSV_DIR) + 1 : -len(".csv")]] = data
            elif entry.path == "CITATION.cff":
                citation = data
        document = json.loads(desc.raw)
        problems += _fingerprint_problems(document, csv_hashes)
        problems += _metadata_problems(document, citation, csv_files)
        if problems and _descriptor_changed(desc):
            continue
        break
    report = VerifyReport(desc.version, len(desc.entries) + len(desc.problems), problems)
    if problems and raise_on_error:
        raise IntegrityError(str(report))
    return report


def verified_files() -> dict[str, bytes]:
    """Every file the descriptor records, with its checked bytes, and the descriptor itself (for exports).

    Raises :class:`IntegrityError` listing every problem when any file differs, so a
    caller copies these bytes, never a file that changed after the check.
    """
    report = verify(raise_on_error=True)
    desc = descriptor()
    out = {path: read_checked(path) for path in desc.entries}
    if len(out) != report.checked:  # a release swapped in between: its files were never verified
        raise IntegrityError("the data folder changed while it was checked; export again")
    out[_files.DESCRIPTOR] = desc.raw
    return out
