"""Where kzdata's packaged files live: the one module that builds their paths.

Data is found with :mod:`importlib.resources`, so it works from a source checkout,
an installed wheel or a zip import alike. Nothing else in kzdata joins paths to
packaged files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DATA_PACKAGE = "kzdata.data"
DESCRIPTOR = "datapackage.json"
CSV_DIR = "csv"


def data_dir() -> Path:
    """The directory holding the shipped Parquet files, CSV files and descriptor.

    A missing data folder (a damaged install) is an :class:`~kzdata.errors.IntegrityError`,
    not the ``ModuleNotFoundError`` importlib would raise.
    """
    try:
        return Path(str(resources.files(DATA_PACKAGE)))
    except ModuleNotFoundError as exc:
        from kzdata.errors import IntegrityError

        raise IntegrityError(
            f"the kzdata data folder is missing ({exc}). Reinstall kzdata "
            "(pip install --force-reinstall kzdata), or from a source checkout run `kzdata build`."
        ) from None


def parquet_path(table: str) -> Path:
    """The shipped Parquet file of ``table`` (the name must already be checked)."""
    return data_dir() / f"{table}.parquet"


def csv_path(table: str) -> Path:
    """The shipped CSV file of ``table`` (the name must already be checked)."""
    return data_dir() / CSV_DIR / f"{table}.csv"


def descriptor_path() -> Path:
    """The shipped ``datapackage.json`` (paths in it are relative to :func:`data_dir`)."""
    return data_dir() / DESCRIPTOR
