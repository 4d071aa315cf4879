"""Write the data for people outside Python: a release bundle, CSV, Parquet or a spreadsheet.

The bundle (``format="bundle"``) is self-contained: ``csv/`` and the Parquet files,
``datapackage.json`` whose paths are relative to the bundle (so
``frictionless validate datapackage.json`` works inside it), ``CITATION.cff``, the
dataset card as ``README.md`` and the data licence. Files are copied byte for byte
from the installed package, so their hashes still match the descriptor.

Nothing is written outside ``out``; ``out`` must be new or empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal

from kzdata import _files
from kzdata.errors import InvalidArgumentError
from kzdata.tables import TABLE_NAMES

Format = Literal["bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata"]
FORMATS: tuple[str, ...] = ("bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata")


def _target(out: Path | str) -> Path:
    if not isinstance(out, (str, Path)) or not str(out):
        raise InvalidArgumentError(f"out must be a directory path, got {out!r}")
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidArgumentError(f"{target} exists and is not an empty directory; choose a new or empty one")
    target.mkdir(parents=True, exist_ok=True)
    return target


def export(out: Path | str, format: Format = "bundle") -> list[Path]:
    """Write kzdata to ``out`` and return the files written.

    Parameters
    ----------
    out
        A new or empty directory.
    format
        ``"bundle"`` (everything, for a release), ``"csv"``, ``"parquet"`` or
        ``"xlsx"`` (one sheet per table; needs ``pip install "kzdata[excel]"``),
        ``"sqlite"``, ``"datasette"`` (the database and its ``metadata.json``) or
        ``"stata"`` (one ``.dta`` per table); see :mod:`kzdata.publish`.
    """
    if format not in FORMATS:
        raise InvalidArgumentError(f"unknown export format {format!r}; use one of: {', '.join(FORMATS)}")
    target = _target(out)
    if format in ("sqlite", "datasette", "stata"):  # kzdata.publish: SQLite, Datasette site, Stata .dta
        from kzdata.publish import write

        return write(format, target)
    data = _files.data_dir()
    written: list[Path] = []

    def copy(source: Path, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)

    if format in ("bundle", "csv"):
        for name in TABLE_NAMES:
            copy(_files.csv_path(name), target / "csv" / f"{name}.csv")
    if format in ("bundle", "parquet"):
        for name in TABLE_NAMES:
            copy(_files.parquet_path(name), target / f"{name}.parquet")
    if format == "bundle":
        copy(_files.descriptor_path(), target / "datapackage.json")
        for source, dest in (
            ("CITATION.cff", "CITATION.cff"),
            ("dataset-card.md", "README.md"),
            ("LICENSE-DATA", "LICENSE-DATA"),
        ):
            if (data / source).exists():
                copy(data / source, target / dest)
    if format == "xlsx":
        written.append(_xlsx(target / "kzdata.xlsx"))
    return written


def _xlsx(file: Path) -> Path:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InvalidArgumentError('xlsx export needs openpyxl: pip install "kzdata[excel]"') from None
    import pandas as pd

    from kzdata.load import load

    with pd.ExcelWriter(file, engine="openpyxl") as writer:
        for name in TABLE_NAMES:
            frame = load(name)
            for col in frame.select_dtypes(include="datetime").columns:
                frame[col] = frame[col].dt.date
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return file
