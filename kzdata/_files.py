"""Where kzdata's packaged files live: the one module that builds their paths.

:func:`data_dir` is the only function that locates the data folder; every reader of
shipped files starts there. It takes the ``data`` folder beside the code that runs (this
file's real location, links resolved), finishes a build that was interrupted in a source
checkout (:mod:`kzdata._recovery`), and raises :class:`~kzdata.errors.IntegrityError` when
the folder is missing, never the ``ModuleNotFoundError`` importlib would raise.

It is never looked up through the import system (``importlib.resources``, or importing
``kzdata.data``): an editable install's finder maps ``kzdata.data`` to whichever checkout it
was installed from, and a strict editable install runs the code through a tree of links whose
``data`` folder holds links (or hard-linked copies) made at install time. Either could serve
another checkout's, or a stale, release while this installation's folder is missing or newer.
"""

from __future__ import annotations

from pathlib import Path

DATA_FOLDER = "data"
DESCRIPTOR = "datapackage.json"
CSV_DIR = "csv"
REINSTALL = "Reinstall kzdata (pip install --force-reinstall kzdata), or from a source checkout run `kzdata build`."


def locate() -> Path:
    """Where the data folder should be (it may be missing): beside this module, links resolved.

    The one place the location is computed; the tests point kzdata at a copy of the
    release by replacing this function (``tests/conftest.py``).
    """
    return Path(__file__).resolve().parent / DATA_FOLDER


def data_dir() -> Path:
    """The directory holding the shipped Parquet files, CSV files and descriptor.

    Raises :class:`~kzdata.errors.IntegrityError` when it is missing (a damaged install),
    after trying to finish an interrupted build of a source checkout.
    """
    from kzdata._recovery import finish_interrupted_build

    folder = finish_interrupted_build(locate())
    if not folder.is_dir():
        from kzdata.errors import IntegrityError

        raise IntegrityError(f"the kzdata data folder is missing: {folder} (the folder does not exist). {REINSTALL}")
    return folder


def parquet_path(table: str) -> Path:
    """The shipped Parquet file of ``table`` (the name must already be checked)."""
    return data_dir() / f"{table}.parquet"


def csv_path(table: str) -> Path:
    """The shipped CSV file of ``table`` (the name must already be checked)."""
    return data_dir() / CSV_DIR / f"{table}.csv"


def descriptor_path() -> Path:
    """The shipped ``datapackage.json`` (paths in it are relative to :func:`data_dir`)."""
    return data_dir() / DESCRIPTOR


HISTORY_FOLDER = "_history"


def history_dir() -> Path:
    """The history store of past releases (``kzdata/_history``, beside the code; docs/versioning.md).

    Read only by ``load(name, version=...)`` and ``diff()``, never by ``load(name)``.
    """
    return Path(__file__).resolve().parent / HISTORY_FOLDER
