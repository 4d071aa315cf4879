"""The ``xlsx`` export format: one workbook for people who work in a spreadsheet.

The workbook opens on an ``about`` sheet (what it is, the release, the fingerprint,
how to cite it, the licence), then a ``dictionary`` sheet, then one sheet per table
with a frozen header row. Every text cell is stored as text: a value beginning with
``=``, ``+``, ``-`` or ``@`` is never a live formula. Needs openpyxl (the ``excel`` extra).
"""

from __future__ import annotations

import contextlib
import errno
import inspect
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata._registry import TABLE_NAMES

if TYPE_CHECKING:
    from types import TracebackType

    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

WORKBOOK = "kzdata.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@")


def write(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """Write the workbook ``kzdata.xlsx`` into its folder inside the export folder ``target``."""
    return [_xlsx(folders[0] / WORKBOOK)]


def _plain(value: Any) -> Any:
    """A cell value openpyxl stores as itself: None for missing, dates as dates, text as text."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = _plain(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text begins with
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _write_rows(sheet: Worksheet, header: list[str], rows: list[list[Any]], widths: int = 60) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for c, name in enumerate(header, start=1):
        _put(sheet, 1, c, name)
        sheet.cell(row=1, column=c).font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value)
    sheet.freeze_panes = "A2"
    for c, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(len(str(v)) for v in (row[c - 1] for row in rows[:200]) if v is not None)])
        sheet.column_dimensions[get_column_letter(c)].width = min(widths, max(8, longest + 2))


def about_rows() -> list[list[str]]:
    """The ``about`` sheet: what the workbook is, the release, how to cite it, the licence."""
    from kzdata import _meta as meta
    from kzdata._citing import dataset_citation, release_fingerprint
    from kzdata._formats import release_documents
    from kzdata._versions import installed_version

    return [
        ["title", meta.TITLE],
        ["what this is", meta.DESCRIPTION],
        ["version", installed_version()],
        ["release date", meta.RELEASE_DATE],
        ["content fingerprint", release_fingerprint()],
        ["cite as", dataset_citation("text")],
        ["licence", f"{meta.LICENSE_TITLE} ({meta.LICENSE}), {meta.LICENSE_URL}"],
        ["primary documents", "; ".join(doc.summary for doc in release_documents())],
        [
            "sheets",
            "about (this sheet); dictionary (every column of every table); then one sheet per table, "
            "named after it, with one row per record",
        ],
        ["check", "the fingerprint is recorded in datapackage.json and checked by `kzdata verify`"],
    ]


def _xlsx(file: Path) -> Path:
    import openpyxl

    from kzdata._dictionary import describe
    from kzdata._load import load

    book = openpyxl.Workbook()
    about = book.active
    assert about is not None
    about.title = "about"
    _write_rows(about, ["item", "value"], [list(r) for r in about_rows()], widths=120)
    dictionary = book.create_sheet("dictionary")
    rows: list[list[Any]] = []
    header: list[str] = []
    for name in TABLE_NAMES:
        d = describe(name)
        header = ["table", *map(str, d.columns)]
        rows += [[name, *r] for r in d.itertuples(index=False, name=None)]
    _write_rows(dictionary, header, rows)
    for name in TABLE_NAMES:
        frame = load(name)
        sheet = book.create_sheet(name[:31])
        _write_rows(sheet, [str(c) for c in frame.columns], [list(r) for r in frame.itertuples(index=False, name=None)])
    _save(book, file)
    return file


def _save(book: Workbook, file: Path) -> None:
    """Save ``book`` as ``file``; when that fails, close what openpyxl left open, then raise.

    openpyxl writes each sheet through a generator into a temporary file of its own. When
    the disk or a file-size limit refuses a write, that generator is left half-way; once
    garbage collected it tries to finish its file, fails again, and Python prints "Exception
    ignored ... Traceback" after kzdata's own message (and the temporary file stays until
    the interpreter exits). Closing it here keeps the user's output to kzdata's message.
    """
    try:
        book.save(file)
    except BaseException as exc:
        _close_left_open(exc.__traceback__)
        failed = _io_error(exc, file)
        if failed is not None:
            raise failed from exc
        raise


def _io_error(exc: BaseException, file: Path) -> OSError | None:
    """The OSError behind lxml's ``SerialisationError('IO_EFBIG')``, which openpyxl raises when lxml is installed.

    Without lxml a full disk or a file-size limit is an OSError that the export turns into
    its message; with lxml (which other packages install) it arrives as a serialisation
    error naming the C errno, and would otherwise end in a traceback.
    """
    text = str(exc)
    if type(exc).__name__ != "SerialisationError" or not text.startswith("IO_"):
        return None
    code = getattr(errno, text[3:], None)
    if not isinstance(code, int):
        return OSError(f"writing {file} failed: {text}")
    return OSError(code, os.strerror(code), str(file))


def _close_left_open(tb: TracebackType | None) -> None:
    """Close, quietly, every sheet writer and zip archive the failed save's frames still hold.

    Their own failure on closing is the same refusal the save already raised, so it is dropped.
    """
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            stream = getattr(value, "xf", None)
            if inspect.isgenerator(stream):
                with contextlib.suppress(Exception):
                    stream.close()
                with contextlib.suppress(Exception):
                    value.cleanup()  # removes the sheet's temporary file
            elif isinstance(value, zipfile.ZipFile):
                with contextlib.suppress(Exception):
                    value.close()
        tb = tb.tb_next
