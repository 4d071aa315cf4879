"""The export formats: one registry, one module per format.

:data:`FORMATS` maps each format's name to an :class:`ExportFormat` that says what the
format is, which module writes it, which optional extra it needs and which importable
modules that extra provides. Everything that lists formats derives from it: the CLI's
``--format`` choices and help, the :data:`kzdata.FormatName` literal
(``kzdata/_generated.py``), the table in ``docs/formats.md`` (generated), the extras the
tests check in ``pyproject.toml``, and the parametrised export tests.

Adding a format is one module here with a ``write(target, folders, checked)`` function and one
entry below (``docs/changing.md``). :func:`kzdata.export` (:mod:`kzdata._exporting`) writes
the files every export shares, then calls the format's ``write`` with the export folder,
the format's folders and the shipped files' bytes, already checked against the release. A writer is imported
only when its format is asked for, so neither ``import kzdata`` nor the loaders import any.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from kzdata.errors import InvalidArgumentError, MissingDependencyError

if TYPE_CHECKING:
    from kzdata._documents import PrimaryDocument
    from kzdata._generated import FormatName

Writer = Callable[[Path, tuple[Path, ...], Mapping[str, bytes]], list[Path]]
"""``write(target, folders, checked)``: write the format's data into its ``folders`` (created by
:func:`kzdata.export` inside the export folder ``target``, named as :attr:`ExportFormat.folders`
says) from the shipped files' ``checked`` bytes; top-level files go into ``target``."""


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name, what it writes, and what it needs."""

    name: str
    summary: str
    """What the format writes, in a phrase (CLI help, docs)."""
    folders: tuple[str, ...]
    """The folders its data go into inside the export folder (named after the format: data under
    a folder of the format's name; the bundle is the csv and parquet formats together)."""
    writer_name: str
    """``module:function`` in this package that writes it (see :data:`Writer`)."""
    extra: str | None = None
    """The optional extra of ``pyproject.toml`` that installs what it needs, if any."""
    requires: tuple[str, ...] = ()
    """The importable modules the extra provides (checked before anything is written)."""

    def writer(self) -> Writer:
        """The format's ``write`` function (imports its module on first use)."""
        module, _, function = self.writer_name.partition(":")
        return cast(Writer, getattr(importlib.import_module(f"{__name__}.{module}"), function))

    def check_available(self) -> None:
        """Raise :class:`MissingDependencyError` naming the extra when a required module is missing."""
        for name in self.requires:
            try:
                importlib.import_module(name)
            except ImportError:
                raise MissingDependencyError(
                    f'the {self.name} export needs {name}: pip install "kzdata[{self.extra}]" '
                    f'(from a source checkout: pip install ".[{self.extra}]")'
                ) from None


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "bundle",
            "CSV and Parquet, with datapackage.json (the release bundle)",
            ("csv", "parquet"),
            "files:write_bundle",
        ),
        ExportFormat("csv", "CSV files with a Frictionless datapackage.json", ("csv",), "files:write_csv"),
        ExportFormat("parquet", "Parquet files", ("parquet",), "files:write_parquet"),
        ExportFormat(
            "xlsx",
            "one Excel workbook: about, dictionary and one sheet per table",
            ("xlsx",),
            "xlsx:write",
            extra="excel",
            requires=("openpyxl",),
        ),
        ExportFormat(
            "sqlite", "one SQLite database with keys, checks and the data dictionary", ("sqlite",), "sqlite:write"
        ),
        ExportFormat(
            "datasette",
            "the SQLite database and its Datasette metadata.json, for publishing the site",
            ("datasette",),
            "datasette:write",
        ),
        ExportFormat(
            "stata", "one Stata .dta file per table, with variable and value labels", ("stata",), "stata:write"
        ),
    )
}
"""Every export format by name, in the order they are documented; ``bundle`` is the default."""

VERIFIABLE: tuple[str, ...] = ("bundle", "csv", "parquet", "sqlite")
"""The formats ``kzdata verify DIR`` reads back, whose values keep the release's types (kzdata._verify_folder)."""
CSV_FOLDER = FORMATS["csv"].folders[0]
PARQUET_FOLDER = FORMATS["parquet"].folders[0]
SQLITE_FOLDER = FORMATS["sqlite"].folders[0]
"""The folders of an export that hold its CSV files, Parquet files and SQLite database."""

DEFAULT: FormatName = cast("FormatName", next(iter(FORMATS)))
"""The format :func:`kzdata.export` writes when none is named."""


def release_documents() -> tuple[PrimaryDocument, ...]:
    """The primary documents of the installed release, read from its checked CSV files (for the formats)."""
    from kzdata import _files
    from kzdata._documents import primary_documents
    from kzdata._integrity import read_checked
    from kzdata._registry import AUTHORSHIPS, PEOPLE, SOURCES

    names = (SOURCES.name, AUTHORSHIPS.name, PEOPLE.name)
    return primary_documents({n: read_checked(f"{_files.CSV_DIR}/{n}.csv", what=f"table {n!r}") for n in names})


def get(name: object) -> ExportFormat:
    """The format called ``name``, or :class:`InvalidArgumentError` listing the formats."""
    if not isinstance(name, str) or name not in FORMATS:
        raise InvalidArgumentError(f"unknown export format {name!r}; use one of: {', '.join(FORMATS)}")
    return FORMATS[name]
