"""The workbook writer's small promises that the end-to-end export tests do not pin (issue 18, mutation testing).

Expected values are counted by hand in each test (a column's width from the lengths of
the values written into it) or follow from the docstring of the function under test.
"""

from __future__ import annotations

import errno
import inspect
import io
import zipfile
from collections.abc import Generator
from pathlib import Path
from types import TracebackType

import pytest

from kzdata._formats.xlsx import _close_left_open, _write_rows


def test_a_column_is_as_wide_as_its_longest_value_among_the_first_200_rows() -> None:
    """Widths are measured on the header and the first 200 rows only, so a long table costs no more to size.

    By hand: a one-letter header and one-letter values give the minimum width 8; a value of
    40 characters in row 200 widens the column to 40 + 2 = 42; the same value in row 201
    is not looked at.
    """
    openpyxl = pytest.importorskip("openpyxl")

    def width(rows: list[list[str]]) -> float:
        sheet = openpyxl.Workbook().create_sheet("t")
        _write_rows(sheet, ["v"], rows)
        return float(sheet.column_dimensions["A"].width)

    short = [["a"]] * 199
    assert width([*short, ["x" * 40]]) == 42
    assert width([*short, ["a"], ["x" * 40]]) == 8


class _LeftOpen:
    """What a failed openpyxl save leaves in its frames: a sheet writer (``xf``) and a temporary file to remove."""

    def __init__(self) -> None:
        self.xf = self._stream()
        next(self.xf)
        self.cleaned = False

    @staticmethod
    def _stream() -> Generator[None, None, None]:
        try:
            yield
        except GeneratorExit:  # finishing its file fails again: the disk is still full
            raise OSError(errno.ENOSPC, "No space left on device") from None

    def cleanup(self) -> None:
        self.cleaned = True
        raise OSError(errno.ENOSPC, "No space left on device")


class _FullDisk(io.BytesIO):
    """A file whose every write fails, as on a full disk."""

    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def _failed_save(left: _LeftOpen, archive: zipfile.ZipFile | None = None) -> TracebackType:
    def save() -> None:
        writer = left  # held by the failing frame, as openpyxl's writer holds its sheets
        book = archive  # and its zip archive
        assert writer.xf is not None and (book is None or book.fp is not None)
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        save()
    except OSError as exc:
        assert exc.__traceback__ is not None
        return exc.__traceback__
    raise AssertionError("the save did not fail")


def test_closing_what_a_failed_save_left_open_never_raises_its_own_failure() -> None:
    """_close_left_open's docstring: a writer's failure on closing is the save's own refusal, so it is dropped.

    The sheet writer is closed and its temporary file removed even when both fail again;
    the caller then raises the save's error, not a second one from the clean-up.
    """
    left = _LeftOpen()
    _close_left_open(_failed_save(left))
    assert inspect.getgeneratorstate(left.xf) == inspect.GEN_CLOSED
    assert left.cleaned


def test_closing_a_zip_archive_that_fails_again_is_quiet_too() -> None:
    """The workbook's zip archive, whose last write fails on the full disk again, is closed without a second error."""
    archive = zipfile.ZipFile(_FullDisk(), mode="w")
    _close_left_open(_failed_save(_LeftOpen(), archive))
    assert archive.fp is None


class SerialisationError(Exception):
    """Stands in for lxml.etree.SerialisationError: openpyxl raises it, with lxml installed, on a failed write."""


def test_an_lxml_io_failure_becomes_the_oserror_behind_it(tmp_path: Path) -> None:
    """With lxml, a file-size limit arrives as SerialisationError('IO_EFBIG'); the export expects an OSError."""
    from kzdata._formats import xlsx

    file = tmp_path / "kzdata.xlsx"
    got = xlsx._io_error(SerialisationError("IO_EFBIG"), file)
    assert isinstance(got, OSError)
    assert (got.errno, got.filename) == (errno.EFBIG, str(file))
    assert got.strerror == "File too large"
    unknown = xlsx._io_error(SerialisationError("IO_NOT_AN_ERRNO"), file)
    assert isinstance(unknown, OSError) and unknown.errno is None
    assert str(unknown) == f"writing {file} failed: IO_NOT_AN_ERRNO"
    assert xlsx._io_error(SerialisationError("something else"), file) is None
    assert xlsx._io_error(ValueError("IO_EFBIG"), file) is None


def test_saving_turns_an_lxml_io_failure_into_the_oserror(tmp_path: Path) -> None:
    """_save raises the OSError (errno EFBIG, the file's name) instead of lxml's error, chained to it."""
    from kzdata._formats import xlsx

    class Book:
        def save(self, file: Path) -> None:
            raise SerialisationError("IO_EFBIG")

    file = tmp_path / "kzdata.xlsx"
    with pytest.raises(OSError) as caught:
        xlsx._save(Book(), file)  # type: ignore[arg-type]
    assert (caught.value.errno, caught.value.filename) == (errno.EFBIG, str(file))
    assert isinstance(caught.value.__cause__, SerialisationError)
