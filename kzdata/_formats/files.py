"""The release's own files, copied: the ``bundle``, ``csv`` and ``parquet`` export formats.

The data files are copied byte for byte from the checked bytes, so their hashes still
match the descriptor; ``datapackage.json`` is the shipped one with its paths set to the
export's layout, so ``frictionless validate datapackage.json`` works inside the folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from kzdata import _files
from kzdata._registry import TABLE_NAMES

BESIDE = {"dataset-card.md": "README.md", "LICENSE-DATA": "LICENSE-DATA", "CITATION.cff": "CITATION.cff"}
"""Shipped files every export carries, by their name in the data folder and in the export."""


def _write(target: Path, dest: str, content: bytes) -> Path:
    path = target / dest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def export_descriptor(descriptor: bytes, csv_folder: str, parquet_folder: str | None) -> bytes:
    """The shipped descriptor with its paths set to the export layout (no Parquet twins without ``parquet_folder``)."""
    document = json.loads(descriptor)
    for resource in document["resources"]:
        name = resource["name"]
        resource["path"] = f"{csv_folder}/{name}.csv"
        if parquet_folder is not None:
            resource["kzdata:parquet"]["path"] = f"{parquet_folder}/{name}.parquet"
        else:
            del resource["kzdata:parquet"]
    # The files beside the data, at their place in the export (the card becomes README.md).
    beside = document.get("kzdata:files", [])
    document["kzdata:files"] = [dict(e, path=BESIDE[e["name"]]) for e in beside if e["name"] in BESIDE]
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _csv(target: Path, folder: Path, checked: Mapping[str, bytes], parquet: Path | None) -> list[Path]:
    descriptor = export_descriptor(checked[_files.DESCRIPTOR], folder.name, None if parquet is None else parquet.name)
    written = [_write(target, _files.DESCRIPTOR, descriptor)]
    written += [_write(folder, f"{name}.csv", checked[f"{_files.CSV_DIR}/{name}.csv"]) for name in TABLE_NAMES]
    return written


def _parquet(folder: Path, checked: Mapping[str, bytes]) -> list[Path]:
    return [_write(folder, f"{name}.parquet", checked[f"{name}.parquet"]) for name in TABLE_NAMES]


def write_parquet(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """``<folder>/<table>.parquet`` for every table."""
    return _parquet(folders[0], checked)


def write_csv(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """``datapackage.json`` and ``<folder>/<table>.csv`` for every table."""
    return _csv(target, folders[0], checked, None)


def write_bundle(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """The release bundle: ``datapackage.json``, the CSV files (first folder) and the Parquet files (second)."""
    csv_folder, parquet_folder = folders
    return _csv(target, csv_folder, checked, parquet_folder) + _parquet(parquet_folder, checked)
