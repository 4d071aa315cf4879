"""Write the data for people outside Python: a release bundle, CSV, Parquet or a spreadsheet.

Every format has the same layout, so a reader (or a script) finds each kind of file
at the same place whatever was exported::

    README.md            the dataset card (what the data are, how to use them responsibly)
    LICENSE-DATA         the data licence
    CITATION.cff         how to cite this release (version, date, content fingerprint)
    data-dictionary.md   every column of every table
    datapackage.json     Frictionless descriptor of the CSV files (bundle and csv only)
    csv/<table>.csv      bundle and csv
    parquet/<table>.parquet  bundle and parquet
    xlsx/kzdata.xlsx     xlsx

Before anything is written, :func:`kzdata.verify` checks every shipped file against
the hashes of the release and raises :class:`~kzdata.errors.IntegrityError` when one
differs, so damaged data are never exported. Data files are then copied byte for
byte, so their hashes still match the descriptor; ``datapackage.json`` is the shipped
one with its paths set to this layout (``frictionless validate datapackage.json``
works inside the folder).

The workbook opens on an ``about`` sheet (what it is, the release, the fingerprint,
how to cite it, the licence), then a ``dictionary`` sheet, then one sheet per table
with a frozen header row. Every text cell is stored as text: a value beginning with
``=``, ``+``, ``-`` or ``@`` is never a live formula.

Nothing is written outside ``out``; ``out`` must be new or empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kzdata import _files
from kzdata.errors import InvalidArgumentError
from kzdata.tables import TABLE_NAMES

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Format = Literal["bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata"]
FORMATS: tuple[str, ...] = ("bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata")
COMMON_FILES = ("README.md", "LICENSE-DATA", "CITATION.cff", "data-dictionary.md")
"""The files every export carries at its top level."""
WORKBOOK = "xlsx/kzdata.xlsx"
BESIDE = {"dataset-card.md": "README.md", "LICENSE-DATA": "LICENSE-DATA", "CITATION.cff": "CITATION.cff"}
"""Shipped files every export carries, by their name in the data folder and in the export."""
FORMULA_STARTS = ("=", "+", "-", "@")


def _target(out: Path | str) -> Path:
    if not isinstance(out, (str, Path)) or not str(out):
        raise InvalidArgumentError(f"out must be a directory path, got {out!r}")
    target = Path(out)
    if target.is_symlink() and not target.exists():
        raise InvalidArgumentError(f"{target} is a link to a path that does not exist; choose a new or empty directory")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidArgumentError(f"{target} exists and is not an empty directory; choose a new or empty one")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidArgumentError(
            f"cannot create the directory {target} ({exc.strerror or exc}); choose a path you can write to, "
            "not below a file"
        ) from None
    return target


def _descriptor(format: str) -> bytes:
    """The shipped descriptor with its paths set to the export layout."""
    descriptor = json.loads(_files.descriptor_path().read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        name = resource["name"]
        resource["path"] = f"csv/{name}.csv"
        if format == "bundle":
            resource["kzdata:parquet"]["path"] = f"parquet/{name}.parquet"
        else:
            del resource["kzdata:parquet"]
    # The files beside the data, at their place in the export (the card becomes README.md).
    beside = descriptor.get("kzdata:files", [])
    descriptor["kzdata:files"] = [dict(e, path=BESIDE[e["name"]]) for e in beside if e["name"] in BESIDE]
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def export(out: Path | str, format: Format = "bundle") -> list[Path]:
    """Write kzdata to ``out`` and return the files written.

    Parameters
    ----------
    out
        A new or empty directory.
    format
        ``"bundle"`` (CSV and Parquet, for a release), ``"csv"``, ``"parquet"``,
        ``"xlsx"`` (one workbook; needs ``pip install "kzdata[excel]"``), ``"sqlite"``,
        ``"datasette"`` (the database and its ``metadata.json``) or ``"stata"`` (one
        ``.dta`` per table); see :mod:`kzdata.publish`. Every
        format also carries the dataset card, the licence, ``CITATION.cff`` and the
        data dictionary (see the module documentation for the layout).

    Raises
    ------
    IntegrityError
        When a shipped file differs from the release (nothing is written then).
    InvalidArgumentError
        For an unknown format, or an ``out`` that is not a new or empty directory.
    """
    from kzdata.dictionary import render_markdown
    from kzdata.integrity import verified_files

    if format not in FORMATS:
        raise InvalidArgumentError(f"unknown export format {format!r}; use one of: {', '.join(FORMATS)}")
    if format == "xlsx":
        _need_openpyxl()
    # The one integrity gate: every shipped file checked against the release before
    # anything is written, and exactly the checked bytes written (nothing read twice).
    checked = verified_files()
    target = _target(out)
    written: list[Path] = []

    def write(dest: str, content: bytes) -> None:
        path = target / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)

    for name, dest in BESIDE.items():
        write(dest, checked[name])
    write("data-dictionary.md", render_markdown().encode("utf-8"))
    if format in ("bundle", "csv"):
        write("datapackage.json", _descriptor(format))
        for name in TABLE_NAMES:
            write(f"csv/{name}.csv", checked[f"{_files.CSV_DIR}/{name}.csv"])
    if format in ("bundle", "parquet"):
        for name in TABLE_NAMES:
            write(f"parquet/{name}.parquet", checked[f"{name}.parquet"])
    if format in ("sqlite", "datasette", "stata"):  # kzdata.publish: SQLite, Datasette site, Stata .dta
        from kzdata.publish import write as publish

        (target / format).mkdir()
        written += publish(format, target / format)
    if format == "xlsx":
        path = target / WORKBOOK
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(_xlsx(path))
    return written


def _need_openpyxl() -> None:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InvalidArgumentError('xlsx export needs openpyxl: pip install "kzdata[excel]"') from None


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
    from importlib.metadata import version

    from kzdata import meta
    from kzdata.citing import dataset_citation, release_fingerprint

    return [
        ["title", meta.TITLE],
        ["what this is", meta.DESCRIPTION],
        ["version", version("kzdata")],
        ["release date", meta.RELEASE_DATE],
        ["content fingerprint", release_fingerprint()],
        ["cite as", dataset_citation("text")],
        ["licence", f"{meta.LICENSE_TITLE} ({meta.LICENSE}), {meta.LICENSE_URL}"],
        ["primary documents", "; ".join(doc.summary for doc in meta.PRIMARY_DOCUMENTS)],
        [
            "sheets",
            "about (this sheet); dictionary (every column of every table); then one sheet per table, "
            "named after it, with one row per record",
        ],
        ["check", "the fingerprint is recorded in datapackage.json and checked by `kzdata verify`"],
    ]


def _xlsx(file: Path) -> Path:
    import openpyxl

    from kzdata.dictionary import describe
    from kzdata.load import load

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
    book.save(file)
    return file
