"""The ``xlsx`` export format: one workbook for people who work in a spreadsheet.

The workbook opens on an ``about`` sheet (what it is, the release, the fingerprint,
how to cite it, the licence), then a ``dictionary`` sheet, then one sheet per table,
then the three views of :mod:`kzdata._views`. Every sheet has a frozen header row and
an autofilter, so a reader can filter any column without preparing the sheet.

A spreadsheet reader filters by what they can read, so each table sheet adds columns
that are not in the data, each after the column it explains, its header in italics with
a comment saying where it comes from:

* beside every foreign key, the name of the row it points to (``person_name`` beside
  ``person_id``, ``event_title`` beside ``event_id``: the referenced table's ``name``,
  ``title`` or ``heading`` column), the ids themselves unchanged;
* at the end of every table whose records are cited, ``sources``: the locators of the
  record's citations (source, section, paragraph or note), in citation order.

Every text cell is stored as text: a value beginning with ``=``, ``+``, ``-`` or ``@``
is never a live formula. Needs openpyxl (the ``excel`` extra).
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

from kzdata._registry import CITATIONS, REGISTRY, TABLE_NAMES, UNCITED_TABLES, Table

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

WORKBOOK = "kzdata.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@")
LABELS = ("name", "title", "heading")
"""The column that names a row, in order of preference, of a table a foreign key points to."""
SOURCES_COLUMN = "sources"
"""The added column with the locators of a record's citations."""


def label_column(table: Table) -> str | None:
    """The column a reader knows ``table``'s rows by (``name``, ``title`` or ``heading``), if it has one.

    >>> from kzdata._registry import PEOPLE, SECTIONS
    >>> label_column(PEOPLE), label_column(SECTIONS)
    ('name', 'heading')
    """
    return next((c for c in LABELS if c in table.column_names), None)


def label_name(column: str, label: str) -> str:
    """The added column's name: the key's name without ``_id``, then the label's.

    >>> label_name("person_id", "name"), label_name("publisher", "name"), label_name("event_id", "title")
    ('person_name', 'publisher_name', 'event_title')
    """
    return f"{column.removesuffix('_id')}_{label}"


def with_labels(table: Table, frame: pd.DataFrame, labels: Callable[[str], pd.Series]) -> dict[str, str]:
    """Insert, after each foreign key of ``table`` in ``frame``, the name of the row it points to.

    ``labels(table_name)`` gives a referenced table's label column indexed by its key. A
    key whose table has no label column, or whose added name is already a column (a view
    has some), gets none. Returns every added column with the note its header carries.
    """
    added: dict[str, str] = {}
    for column, ref, _ in table.foreign_keys:
        label = label_column(REGISTRY[ref])
        if label is None or column not in frame.columns:
            continue
        name = label_name(column, label)
        if name in frame.columns:
            continue
        values = frame[column].map(labels(ref)).astype("string")
        frame.insert(list(frame.columns).index(column) + 1, name, values)
        added[name] = f"Added in this workbook: {ref}.{label} of the row {column} names (not a column of the data)."
    return added


def with_sources(table: Table, frame: pd.DataFrame, citations: pd.DataFrame) -> dict[str, str]:
    """Append ``sources`` to a cited table: each record's citation locators, joined by ``"; "``."""
    if table.name in UNCITED_TABLES:
        return {}
    mine = citations[citations["record_table"] == table.name].sort_values("citation_id")
    joined = mine.groupby(mine["record_id"].astype(str), sort=False)["locator"].agg(lambda s: "; ".join(map(str, s)))
    frame[SOURCES_COLUMN] = frame[table.primary_key].astype(str).map(joined).astype("string")
    return {
        SOURCES_COLUMN: f"Added in this workbook: the locator of each {CITATIONS.name} row of the record "
        "(source, section, paragraph or note), in citation order (not a column of the data)."
    }


def _views() -> list[Callable[[], pd.DataFrame]]:
    from kzdata._views import events_view, indicator_values_view, sentences_view

    return [events_view, sentences_view, indicator_values_view]


def sheets() -> list[tuple[str, pd.DataFrame, dict[str, str]]]:
    """Every data sheet: ``(sheet name, frame with the added columns, added column -> note)``.

    One per table, in registry order, then one per view, named after its function.
    """
    from functools import cache

    from kzdata._load import load

    @cache
    def labels(name: str) -> pd.Series:
        ref = REGISTRY[name]
        label = label_column(ref)
        return load(ref.name).set_index(ref.primary_key)[label]

    citations = load(CITATIONS.name)
    out = []
    for name, frame in [*((n, load(n)) for n in TABLE_NAMES), *((v.__name__, v()) for v in _views())]:
        table = REGISTRY[frame.attrs["kzdata_table"]]
        frame = frame.reset_index(drop=True)
        added = with_labels(table, frame, labels)
        added |= with_sources(table, frame, citations)
        out.append((name[:31], frame, added))
    return out


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


def _write_rows(
    sheet: Worksheet,
    header: list[str],
    rows: list[list[Any]],
    widths: int = 60,
    added: Mapping[str, str] | None = None,
) -> None:
    """Write ``header`` and ``rows``; freeze the header and put an autofilter on it.

    A column named in ``added`` (column -> note) has its header in italics with the note as a comment.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    added = added or {}
    for c, name in enumerate(header, start=1):
        _put(sheet, 1, c, name)
        cell = sheet.cell(row=1, column=c)
        cell.font = Font(bold=True, italic=name in added)
        if name in added:
            cell.comment = Comment(added[name], "kzdata")
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
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
            "named after it, with one row per record; then the views events_view, sentences_view and "
            "indicator_values_view (kzdata's analysis-ready joins). Every sheet has a filter on its header row",
        ],
        [
            "added columns",
            "columns in italics are not in the data: beside each id that points to another table, the name "
            "(or title, or heading) of that row, e.g. person_name beside person_id; and sources, the locators "
            "of the record's citations. Their header's comment says where each comes from",
        ],
        ["check", "the fingerprint is recorded in datapackage.json and checked by `kzdata verify`"],
    ]


def _xlsx(file: Path) -> Path:
    import openpyxl

    from kzdata._dictionary import describe

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
    for title, frame, added in sheets():
        body = [list(r) for r in frame.itertuples(index=False, name=None)]
        _write_rows(book.create_sheet(title), [str(c) for c in frame.columns], body, added=added)
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
