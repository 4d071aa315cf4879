"""Exports that travel: one layout for every format, each carrying licence, citation and card.

Expected file lists are written out by hand; expected bytes are the repository's own
LICENSE-DATA, CITATION.cff and dataset card, and the shipped data files.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomllib
from frictionless import Package

import kzdata
from kzdata import _files
from kzdata.errors import ExportWriteError, IntegrityError, InvalidArgumentError
from tests import oracle

COMMON = {"README.md", "LICENSE-DATA", "CITATION.cff", "data-dictionary.md"}
CSVS = {f"csv/{t}.csv" for t in oracle.TABLE_ORDER}
PARQUETS = {f"parquet/{t}.parquet" for t in oracle.TABLE_ORDER}
#: The reader's site's templates (kzdata/_site/templates/), written out by hand.
SITE_TEMPLATES = ("_table-kzdata-search.html", "_table.html", "base.html", "index.html", "row.html", "table.html")

LAYOUT = {
    "bundle": COMMON | {"datapackage.json"} | CSVS | PARQUETS,
    "csv": COMMON | {"datapackage.json"} | CSVS,
    "parquet": COMMON | PARQUETS,
    "xlsx": COMMON | {"xlsx/kzdata.xlsx"},
    "sqlite": COMMON | {"sqlite/kzdata.db"},
    "datasette": COMMON
    | {"datasette/kzdata.db", "datasette/metadata.json", "datasette/plugins/kzdata_site.py"}
    | {f"datasette/templates/{t}" for t in SITE_TEMPLATES},
    "stata": COMMON | {f"stata/{t}.dta" for t in oracle.TABLE_ORDER} | {"stata/kzdata_columns.dta"},
}


def _files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata"])
def test_every_format_has_the_same_layout_and_carries_licence_citation_and_card(tmp_path: Path, fmt: str) -> None:
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    out = tmp_path / fmt
    written = kzdata.export(out, fmt)  # type: ignore[arg-type]
    assert {p.relative_to(out).as_posix() for p in written} == LAYOUT[fmt]
    assert _files_under(out) == LAYOUT[fmt], "nothing but the files reported"
    assert (out / "LICENSE-DATA").read_bytes() == (oracle.REPO / "LICENSE-DATA").read_bytes()
    assert (out / "CITATION.cff").read_bytes() == (oracle.REPO / "CITATION.cff").read_bytes()
    assert (out / "README.md").read_bytes() == (oracle.REPO / "docs" / "dataset-card.md").read_bytes()
    assert (out / "data-dictionary.md").read_bytes() == (oracle.REPO / "docs" / "data-dictionary.md").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["bundle", "csv"])
def test_csv_exports_are_valid_packages_whose_files_match_the_release(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / fmt
    kzdata.export(out, fmt)  # type: ignore[arg-type]
    for name in oracle.TABLE_ORDER:
        assert (out / "csv" / f"{name}.csv").read_bytes() == (_files.data_dir() / "csv" / f"{name}.csv").read_bytes()
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (out / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        if fmt == "bundle":
            parquet = (out / resource["kzdata:parquet"]["path"]).read_bytes()
            assert resource["kzdata:parquet"]["hash"] == "sha256:" + hashlib.sha256(parquet).hexdigest()
        else:
            assert "kzdata:parquet" not in resource
    assert oracle.release_fingerprint(out) == descriptor["kzdata:fingerprint"]
    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]


@pytest.mark.slow
def test_xlsx_says_what_it_is_how_to_cite_it_and_keeps_text_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    loading = importlib.import_module("kzdata._load")
    real_load = loading.load
    risky = ["=1+1", "+7 700", "-5", "@SUM(A1)"]

    def load(name, backend="pandas"):  # type: ignore[no-untyped-def]
        frame = real_load(name, backend)
        if name == "people":
            frame.loc[: len(risky) - 1, "description"] = risky
        return frame

    monkeypatch.setattr(loading, "load", load)
    out = tmp_path / "x"
    kzdata.export(out, "xlsx")
    book = openpyxl.load_workbook(out / "xlsx" / "kzdata.xlsx")
    views = ["events_view", "sentences_view", "indicator_values_view"]
    assert book.sheetnames == ["about", "dictionary", *oracle.TABLE_ORDER, *views]
    about = {row[0]: row[1] for row in book["about"].iter_rows(min_row=2, values_only=True)}
    fingerprint = oracle.release_fingerprint(_files.data_dir())
    assert about["content fingerprint"] == fingerprint
    version = tomllib.loads((oracle.REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    released = json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))["kzdata:release_date"]
    assert about["version"] == version and about["release date"] == released
    parts = (f"(Version {version}) [Data set].", f"Released {released}.", f"Fingerprint {fingerprint}.", "CC-BY-4.0")
    for part in parts:
        assert part in about["cite as"], part
    assert "CC-BY-4.0" in about["licence"] and "creativecommons.org/licenses/by/4.0" in about["licence"]
    assert [cell.value for cell in book["about"][1]] == ["item", "value"]
    assert about["sheets"] == (
        "about (this sheet); dictionary (every column of every table); then one sheet per table, "
        "named after it, with one row per record; then the views events_view, sentences_view and "
        "indicator_values_view (kzdata's analysis-ready joins). Every sheet has a filter on its header row"
    )
    assert about["added columns"].startswith("columns in italics are not in the data: beside each id")
    assert about["check"] == "the fingerprint is recorded in datapackage.json and checked by `kzdata verify`"
    # the two primary documents (seeds README), one after the other, each ending with its source id
    assert re.fullmatch(r".+ \(source_id cornell-2024\); .+ \(source_id crs-2022\)", about["primary documents"])
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
    people = book["people"]
    header = [c.value for c in people[1]]
    descriptions = [people.cell(row=r, column=header.index("description") + 1).value for r in range(2, 6)]
    assert descriptions == risky
    header_row, *body = list(book["dictionary"].values)
    dictionary = pd.DataFrame(body, columns=header_row)
    expected_columns = [(t, c) for t in oracle.TABLE_ORDER for c in _shipped_header(t)]
    assert list(zip(dictionary["table"], dictionary["column"], strict=True)) == expected_columns
    rows = {t: len(oracle.rows(t)) for t in oracle.TABLE_ORDER}
    assert {t: book[t].max_row - 1 for t in oracle.TABLE_ORDER} == rows


def _shipped_header(table: str) -> list[str]:
    with (_files.data_dir() / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def test_export_refuses_damaged_data_and_writes_nothing(release_copy: Path, tmp_path: Path) -> None:
    people = release_copy / "csv" / "people.csv"
    people.write_bytes(people.read_bytes().replace(b"a", b"o", 1))
    for fmt in ("bundle", "csv", "parquet"):
        with pytest.raises(IntegrityError, match=r"people\.csv"):
            kzdata.export(tmp_path / f"out-{fmt}", fmt)  # type: ignore[arg-type]
        assert not (tmp_path / f"out-{fmt}").exists()


def test_export_refuses_paths_it_cannot_use(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="not below a file"):
        kzdata.export(tmp_path / "file" / "sub", "csv")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InvalidArgumentError, match="link to a path that does not exist"):
        kzdata.export(tmp_path / "dangling", "csv")
    with pytest.raises(InvalidArgumentError, match="unknown export format"):
        kzdata.export(tmp_path / "new", "zip")  # type: ignore[arg-type]


def test_the_exported_descriptor_lists_the_files_beside_the_data_where_they_are(tmp_path: Path) -> None:
    """kzdata:files names the card, the licence and the citation at their place in the export, hashes intact."""
    out = tmp_path / "x"
    kzdata.export(out, "csv")
    text = (out / "datapackage.json").read_text(encoding="utf-8")
    assert text.startswith('{\n  "profile": ') and text.endswith("\n}\n"), "two-space indent, newline at the end"
    beside = json.loads(text)["kzdata:files"]
    assert {(e["name"], e["path"]) for e in beside} == {
        ("dataset-card.md", "README.md"),
        ("LICENSE-DATA", "LICENSE-DATA"),
        ("CITATION.cff", "CITATION.cff"),
    }, "croissant.json is not part of an export"
    for entry in beside:
        data = (out / entry["path"]).read_bytes()
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)


def test_the_descriptor_paths_follow_the_folders_it_is_given() -> None:
    """Resource paths name the folders passed in, and text outside ASCII stays readable UTF-8."""
    from kzdata._formats.files import export_descriptor

    shipped = {
        "title": "Қаңтар 2022",
        "resources": [{"name": "events", "path": "csv/events.csv", "kzdata:parquet": {"path": "events.parquet"}}],
    }
    raw = json.dumps(shipped).encode("utf-8")
    both = json.loads(export_descriptor(raw, "tables", "columns"))
    assert both["resources"][0]["path"] == "tables/events.csv"
    assert both["resources"][0]["kzdata:parquet"] == {"path": "columns/events.parquet"}
    assert both["kzdata:files"] == []
    only_csv = export_descriptor(raw, "tables", None)
    assert "kzdata:parquet" not in json.loads(only_csv)["resources"][0]
    assert "Қаңтар 2022".encode() in only_csv


# --------------------------------------------------------------------------- an export is whole or absent


def _failing_writer(monkeypatch: pytest.MonkeyPatch, error: BaseException, outside: Path | None = None) -> None:
    """Make the parquet format write a file, a folder and (given ``outside``) two links, then fail with ``error``."""
    files = importlib.import_module("kzdata._formats.files")

    def write(target: Path, folders: tuple[Path, ...], checked: object) -> list[Path]:
        (folders[0] / "events.parquet").write_bytes(b"partial")
        (target / "extra" / "deeper").mkdir(parents=True)
        if outside is not None:
            (target / "to-a-file").symlink_to(outside / "keep.txt")
            (target / "to-a-folder").symlink_to(outside)
        raise error

    monkeypatch.setattr(files, "write_parquet", write)


def test_a_full_disk_removes_every_folder_the_export_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ExportWriteError naming the reason and the file; the new folders (from the topmost one made) are gone."""
    (tmp_path / "there").mkdir()
    _failing_writer(monkeypatch, OSError(28, "No space left on device", "events.parquet"))
    out = tmp_path / "there" / "new" / "deeper"
    with pytest.raises(ExportWriteError) as refused:
        kzdata.export(out, "parquet")
    message = str(refused.value)
    assert message.startswith(f"cannot write the export in {out}: No space left on device (events.parquet);")
    assert message.endswith(
        "what had been written was removed. Free disk space or choose a directory you can write to, then export again."
    )
    assert isinstance(refused.value.__cause__, OSError)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["there"], "the folder that existed stays, nothing else"


@pytest.mark.parametrize(
    ("error", "said"),
    [(OSError(13, "Permission denied"), "Permission denied"), (OSError("quota exceeded"), "quota exceeded")],
    ids=["strerror", "message-only"],
)
def test_a_failure_without_a_file_name_still_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, said: str
) -> None:
    _failing_writer(monkeypatch, error)
    with pytest.raises(ExportWriteError) as refused:
        kzdata.export(tmp_path / "x", "parquet")
    assert f"{tmp_path / 'x'}: {said}; what had been written was removed" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [KeyboardInterrupt(), IntegrityError("damaged")], ids=["ctrl-c", "kzdata"])
def test_an_interrupted_export_into_an_empty_folder_empties_it_and_spares_what_links_point_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    """The user's empty folder stays (emptied); files behind links in it are never followed; errors pass unchanged."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    out = tmp_path / "mine"
    out.mkdir()
    _failing_writer(monkeypatch, error, outside)
    with pytest.raises(type(error)) as raised:
        kzdata.export(out, "parquet")
    assert raised.value is error, "not wrapped in ExportWriteError"
    assert out.is_dir() and list(out.iterdir()) == []
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
def test_export_refuses_an_existing_file_or_folder_with_content(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x", encoding="utf-8")
    for out in (tmp_path / "file", str(tmp_path / "full")):
        with pytest.raises(InvalidArgumentError, match="exists and is not an empty directory; choose a new or empty"):
            kzdata.export(out, "csv")
    wrong: tuple[object, ...] = ("", 3, None)
    for value in wrong:
        with pytest.raises(InvalidArgumentError, match="out must be a directory path"):
            kzdata.export(value, "csv")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["file", "full", "something"]


def test_export_into_an_empty_folder_returns_the_common_files_first(tmp_path: Path) -> None:
    """The dataset card, licence, citation and dictionary come first, then the format's own files."""
    written = kzdata.export(tmp_path, "parquet")
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "README.md", "LICENSE-DATA", "CITATION.cff", "data-dictionary.md",
        *(f"parquet/{t}.parquet" for t in oracle.TABLE_ORDER),
    ]  # fmt: skip
    assert (tmp_path / "data-dictionary.md").read_bytes() == (oracle.REPO / "docs" / "data-dictionary.md").read_bytes()


@pytest.mark.slow
def test_export_refuses_the_data_folder_itself_and_anything_below_it(release_copy: Path, tmp_path: Path) -> None:
    for out in (release_copy, release_copy / "csv", release_copy / "new" / "deeper"):
        with pytest.raises(
            InvalidArgumentError, match=r"inside kzdata's data folder .*choose a directory outside"
        ) as e:
            kzdata.export(out, "csv")
        assert str(e.value).endswith("deleting the export without a word; choose a directory outside it")
    assert not (release_copy / "new").exists()
    assert len(kzdata.export(release_copy.parent / "beside", "parquet")) == 4 + len(oracle.TABLE_ORDER)


@pytest.mark.slow
def test_a_workbook_the_disk_refuses_leaves_no_open_writer_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl's half-written sheet is closed and its temporary file removed; the export raises ExportWriteError.

    Left open, the sheet's writer would later try to finish its file, fail again and print
    "Exception ignored ... Traceback" after kzdata's message (tests/test_attack_fixed.py runs
    that end to end under a file-size limit).
    """
    pytest.importorskip("openpyxl")
    import errno
    import gc
    import inspect
    import tempfile
    import zipfile

    sheets = importlib.import_module("openpyxl.worksheet._writer")
    real_write_cell = sheets.write_cell
    cells = 0

    def write_cell(*args: object, **kwargs: object) -> object:
        nonlocal cells
        cells += 1
        if cells > 40:  # the about sheet's last rows: its writer and file are open
            raise OSError(errno.EFBIG, "File too large")
        return real_write_cell(*args, **kwargs)

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(sheets, "write_cell", write_cell)
    out = tmp_path / "out"
    with pytest.raises(ExportWriteError, match="File too large") as refused:
        kzdata.export(out, "xlsx")
    assert cells > 40 and not out.exists()
    assert list(scratch.iterdir()) == [], "openpyxl's temporary sheet file is removed"
    streams = [o for o in gc.get_objects() if inspect.isgenerator(o) and o.__qualname__.endswith("get_stream")]
    assert all(inspect.getgeneratorstate(s) == inspect.GEN_CLOSED for s in streams)
    archives = [o for o in gc.get_objects() if isinstance(o, zipfile.ZipFile) and str(out) in str(o.filename)]
    assert archives and all(a.fp is None for a in archives), "the workbook's zip file is closed"
    del refused


def _sheet_header(book: Any, sheet: str) -> list[str]:
    return [c.value for c in book[sheet][1]]


def _cell_as_raw(value: object, raw: str) -> str:
    """A workbook value written the way raw/ writes it."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, float):
        return raw if raw and float(raw) == value else repr(value)
    return str(value)


@pytest.mark.slow
def test_every_workbook_cell_is_the_raw_value_with_readable_columns(tmp_path: Path) -> None:
    """Each table sheet holds the raw values (missing empty, dates as dates, numbers as numbers), a bold header
    and columns wide enough to read: the header plus two, at least 8 and at most 60 (120 on the about sheet)."""
    openpyxl = pytest.importorskip("openpyxl")
    import datetime

    kzdata.export(tmp_path, "xlsx")
    book = openpyxl.load_workbook(tmp_path / "xlsx" / "kzdata.xlsx")
    for table in oracle.TABLE_ORDER:
        sheet = book[table]
        header = [c.value for c in sheet[1]]
        added = [c.value for c in sheet[1] if c.font.i]
        assert [h for h in header if h not in added] == _shipped_header(table)
        assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2]), table
        stored = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        for raw in oracle.rows(table):
            row = stored[raw[header[0]]]
            for name in oracle.header(table):
                value = row[header.index(name)]
                assert _cell_as_raw(value, raw[name]) == raw[name], (table, raw[header[0]], name)
                if raw[name] and name.endswith(("_start", "_end")) and len(raw[name]) == 10:
                    assert isinstance(value, datetime.datetime), (table, name)
                if raw[name].isdigit() and name not in ("title", "name"):
                    assert isinstance(value, int | float), (table, name, value)
        widths = [sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, len(header) + 1)]
        assert all(8 <= w <= 60 for w in widths), table
    width = {
        (sheet, column): book[sheet].column_dimensions[openpyxl.utils.get_column_letter(position)].width
        for sheet, column, position in [
            ("discrepancy_claims", "side", _sheet_header(book, "discrepancy_claims").index("side") + 1),
            ("sentences", "prison_years", _sheet_header(book, "sentences").index("prison_years") + 1),
            ("events", "description", _sheet_header(book, "events").index("description") + 1),
            ("about", "item", 1),
            ("about", "value", 2),
        ]
    }
    assert width == {
        ("discrepancy_claims", "side"): 8,  # at least 8 although "side" and 1, 2 are shorter
        ("sentences", "prison_years"): 14,  # the header and two
        ("events", "description"): 60,  # long text, capped
        ("about", "item"): 21,  # "content fingerprint" and two
        ("about", "value"): 120,  # the about sheet's wider cap
    }
    about = list(book["about"].iter_rows(values_only=True))
    assert [r[0] for r in about] == [
        "item", "title", "what this is", "version", "release date", "content fingerprint", "cite as", "licence",
        "primary documents", "sheets", "added columns", "check",
    ]  # fmt: skip
    documents = [r for r in oracle.rows("sources") if r["kind"] == "primary_document"]
    primary = dict(about)["primary documents"]
    assert primary.count("(source_id ") == len(documents) and all(d["title"] in primary for d in documents)
    assert dict(about)["title"] == json.loads((oracle.REPO / "datapackage.json").read_text(encoding="utf-8"))["title"]


def test_a_path_below_a_file_says_why_it_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidArgumentError) as refused:
        kzdata.export(tmp_path / "file" / "sub", "parquet")
    assert str(refused.value) == (
        f"cannot create the directory {tmp_path / 'file' / 'sub'} (Not a directory); choose a path you can write to, "
        "not below a file"
    )


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "empty-folder"])
def test_a_cleanup_that_fails_does_not_hide_why_the_export_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """A file the cleanup cannot delete is left, but the user still sees the disk error that stopped the export."""
    import os

    out = tmp_path / "out"
    if existing:
        out.mkdir()
    _failing_writer(monkeypatch, OSError(28, "No space left on device"))
    real_unlink = os.unlink

    def unlink(path: object, *args: object, **kwargs: object) -> None:
        if str(path).endswith("README.md"):
            raise PermissionError(13, "Permission denied", str(path))
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", unlink)
    with pytest.raises(ExportWriteError, match="No space left on device"):
        kzdata.export(out, "parquet")
    monkeypatch.setattr(os, "unlink", real_unlink)
    assert [p.name for p in out.iterdir()] == ["README.md"], "only the file that could not be deleted is left"


def test_an_export_folder_removed_during_the_export_does_not_hide_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else removes the (existing) export folder mid-way: the export's own error is what the user sees."""
    import shutil

    files = importlib.import_module("kzdata._formats.files")

    def write(target: Path, folders: tuple[Path, ...], checked: object) -> list[Path]:
        shutil.rmtree(target)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_parquet", write)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportWriteError, match="No space left on device"):
        kzdata.export(out, "parquet")


def test_workbook_cells_are_plain_python_values() -> None:
    """What openpyxl is given: dates as dates, a time kept when there is one, numpy scalars as Python ones."""
    import datetime

    import numpy as np

    from kzdata._formats.xlsx import _plain

    assert _plain(pd.Timestamp("2022-01-05")) == datetime.date(2022, 1, 5)
    assert type(_plain(pd.Timestamp("2022-01-05"))) is datetime.date
    assert _plain(pd.Timestamp("2022-01-05 01:30")) == datetime.datetime(2022, 1, 5, 1, 30)
    assert _plain(np.int64(7)) == 7 and type(_plain(np.int64(7))) is int
    assert _plain(5) == 5 and _plain("text") == "text"
    assert _plain(pd.NA) is None and _plain(float("nan")) is None and _plain(pd.NaT) is None
