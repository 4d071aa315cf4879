"""The integrity gate stands before every export format, and the command says so with exit code 1.

A byte of a shipped file is flipped by hand (a Parquet file, a CSV copy, a file shipped
beside the data); every format of ``kzdata._formats.FORMATS`` must then refuse with
:class:`~kzdata.errors.IntegrityError` naming the file, before it writes anything: the
export folder is not even created.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kzdata
from kzdata import _files
from kzdata._cli import main
from kzdata._formats import FORMATS
from tests.conftest import REPO

DAMAGED = ["events.parquet", "csv/people.csv", "CITATION.cff"]


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "kzdata" / "data"
    shutil.copytree(REPO / "kzdata" / "data", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_files, "locate", lambda: copy)
    return copy


def flip_a_byte(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))


def test_the_formats_are_the_seven_documented_ones() -> None:
    """docs/formats.md, by hand: a format left out of the registry would escape the tests below."""
    assert list(FORMATS) == ["bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata"]


@pytest.mark.parametrize("damaged", DAMAGED)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_refuses_a_damaged_release_and_writes_nothing(
    data_copy: Path, tmp_path: Path, fmt: str, damaged: str
) -> None:
    FORMATS[fmt].check_available()  # the test environment has every extra
    flip_a_byte(data_copy / damaged)
    out = tmp_path / "out"
    with pytest.raises(kzdata.IntegrityError, match=rf"{damaged}: sha256 differs"):
        kzdata.export(out, fmt)  # type: ignore[arg-type]
    assert not out.exists(), "nothing is written, not even the folder"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_command_exits_1_naming_the_damaged_file(
    data_copy: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    flip_a_byte(data_copy / "events.parquet")
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), "--format", fmt]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kzdata export: ") and "events.parquet: sha256 differs" in err
    assert "Traceback" not in err
    assert not out.exists()
