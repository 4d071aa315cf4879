"""Check that the shipped files are exactly the ones the release described.

``datapackage.json`` records the sha256 hash and size of every CSV and Parquet
file. :func:`verify` recomputes both and names every file that differs, so a user
can tell a damaged or edited installation from a genuine data question. It also
recomputes the release's content fingerprint (:mod:`kzdata.fingerprint`) from the CSV
files and compares it with the one recorded in ``datapackage.json`` and cited by
:func:`kzdata.cite`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from kzdata import _files
from kzdata.errors import IntegrityError


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


def _entries(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for resource in descriptor["resources"]:
        out.append(resource)
        out.append(resource["kzdata:parquet"])
    return out


def _fingerprint_problems(descriptor: dict[str, Any], csv_hashes: dict[str, str]) -> list[str]:
    """Recompute the content fingerprint from the CSV files read and compare with the recorded one."""
    from kzdata.fingerprint import PROPERTY, fingerprint
    from kzdata.tables import TABLE_NAMES

    recorded = descriptor.get(PROPERTY)
    if not isinstance(recorded, str):
        return [f"datapackage.json: no content fingerprint ({PROPERTY})"]
    if set(csv_hashes) != set(TABLE_NAMES):
        return []  # a missing file is already reported; the fingerprint cannot be recomputed
    actual = fingerprint(csv_hashes)
    if actual != recorded:
        return [f"content fingerprint: the files give {actual}, the release recorded {recorded}"]
    return []


def verify(*, raise_on_error: bool = True) -> VerifyReport:
    """Recompute the hash and size of every shipped file and compare with ``datapackage.json``.

    Raises :class:`~kzdata.errors.IntegrityError` naming the differing files (or
    returns them in the report when ``raise_on_error`` is false).

    Examples
    --------
    >>> import kzdata
    >>> kzdata.verify().ok
    True
    """
    base = _files.data_dir()
    try:
        descriptor = json.loads(_files.descriptor_path().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IntegrityError(
            f"cannot read {_files.descriptor_path()} ({exc}); reinstall kzdata to restore it"
        ) from None
    problems = []
    entries = _entries(descriptor)
    csv_hashes: dict[str, str] = {}
    for entry in entries:
        file = base / entry["path"]
        try:
            data = file.read_bytes()
        except OSError:
            problems.append(f"{entry['path']}: missing")
            continue
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if entry.get("format") == "csv":
            csv_hashes[str(entry.get("name"))] = digest
        if len(data) != entry["bytes"]:
            problems.append(f"{entry['path']}: {len(data)} bytes, expected {entry['bytes']}")
        elif digest != entry["hash"]:
            problems.append(f"{entry['path']}: sha256 differs from the recorded {entry['hash']}")
    problems += _fingerprint_problems(descriptor, csv_hashes)
    report = VerifyReport(str(descriptor.get("version")), len(entries), problems)
    if problems and raise_on_error:
        raise IntegrityError(str(report))
    return report
