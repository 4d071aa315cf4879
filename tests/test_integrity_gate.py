"""One gate for integrity: every reader of shipped data refuses an altered file the same way.

The damage is done here by hand (a flipped byte, an edited descriptor); the oracle is
the kind of the exception and the words of its message, never kzdata's own hashes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kzdata
from kzdata import _integrity as integrity
from kzdata._cli import main


def flip_last_byte(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[-20] ^= 0x01
    file.write_bytes(bytes(data))


def _connect() -> Any:
    pytest.importorskip("duckdb")
    return kzdata.connect()


READERS: dict[str, Callable[[], object]] = {
    "load": lambda: kzdata.load("events"),
    "load-pyarrow": lambda: kzdata.load("events", backend="pyarrow"),
    "connect": _connect,
    "verify": kzdata.verify,
    "read_checked": lambda: integrity.read_checked("events.parquet"),
    "checked_path": lambda: integrity.checked_path("events.parquet"),
    "verified_files": integrity.verified_files,
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_refuses_an_altered_parquet_file(release_copy: Path, reader: str) -> None:
    flip_last_byte(release_copy / "events.parquet")
    with pytest.raises(kzdata.IntegrityError, match=r"events\.parquet") as info:
        READERS[reader]()
    assert isinstance(info.value, OSError)
    assert "kzdata" in str(info.value).lower() and "reinstall" in str(info.value).lower()


def test_an_altered_csv_file_is_refused_by_the_export_helper(release_copy: Path) -> None:
    flip_last_byte(release_copy / "csv" / "people.csv")
    with pytest.raises(kzdata.IntegrityError, match=r"csv/people\.csv: sha256 differs"):
        integrity.verified_files()
    with pytest.raises(kzdata.IntegrityError, match=r"differs from the released one"):
        integrity.read_checked("csv/people.csv")


@pytest.mark.parametrize("name", ["LICENSE-DATA", "CITATION.cff", "dataset-card.md"])
def test_an_altered_file_beside_the_data_is_refused_by_verify_and_every_export(
    release_copy: Path, tmp_path: Path, name: str
) -> None:
    # Exports carry these files; an edited licence or citation must not travel as the release's.
    flip_last_byte(release_copy / name)
    with pytest.raises(kzdata.IntegrityError, match=rf"{re.escape(name)}: sha256 differs"):
        kzdata.verify()
    for fmt in ("bundle", "csv", "parquet"):
        with pytest.raises(kzdata.IntegrityError, match=re.escape(name)):
            kzdata.export(tmp_path / fmt, fmt)
        assert not (tmp_path / fmt).exists(), "nothing is written"


def _edit_descriptor(copy: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = copy / "datapackage.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d["resources"][0].pop("hash"), r"lacks hash"),
        (lambda d: d["resources"][0].pop("path"), r"lacks path"),
        (lambda d: d["resources"][1].pop("kzdata:parquet"), r"kzdata:parquet\): missing"),
        (lambda d: d["resources"][0].update(path="../../../etc/passwd"), r"points outside the data folder"),
        (lambda d: d["resources"][0].update(path="/etc/passwd"), r"points outside the data folder"),
        (lambda d: d["resources"][0].update(bytes="many"), r"wrong type"),
    ],
    ids=["no-hash", "no-path", "no-parquet-twin", "dot-dot", "absolute", "bytes-not-a-number"],
)
def test_verify_reports_a_broken_descriptor_entry(
    release_copy: Path, edit: Callable[[dict[str, Any]], None], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_descriptor(release_copy, edit)
    report = kzdata.verify(raise_on_error=False)
    assert not report.ok
    assert any(__import__("re").search(problem, p) for p in report.problems), report.problems
    assert main(["verify"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "differ" in err


def test_a_descriptor_that_is_not_json_is_an_integrity_error(release_copy: Path) -> None:
    (release_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    for reader in ("load", "verify", "connect"):
        with pytest.raises(kzdata.IntegrityError, match=r"descriptor"):
            READERS[reader]()


def test_a_path_outside_the_data_folder_is_never_read(release_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not kzdata's", encoding="utf-8")
    _edit_descriptor(release_copy, lambda d: d["resources"][0].update(path="../../secret.txt"))
    assert integrity.safe_relative("../../secret.txt") is None
    report = kzdata.verify(raise_on_error=False)
    assert not any("secret" in p and "sha256" in p for p in report.problems)
    with pytest.raises(kzdata.IntegrityError):
        integrity.read_checked("../../secret.txt")


def test_a_fifo_in_place_of_a_data_file_does_not_hang(release_copy: Path) -> None:
    import os

    (release_copy / "events.parquet").unlink()
    os.mkfifo(release_copy / "events.parquet")
    with pytest.raises(kzdata.IntegrityError, match=r"events"):
        kzdata.load("events")
    assert not kzdata.verify(raise_on_error=False).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "FAKE TITLE"),
        ("version", "6.6.6"),
        ("licenses", [{"name": "CC0-1.0", "path": "https://example.org"}]),
        ("kzdata:release_date", "1999-01-01"),
        ("kzdata:fingerprint", "sha256:" + "0" * 64),
    ],
    ids=["title", "version", "licence", "release-date", "fingerprint"],
)
def test_edited_descriptor_metadata_is_refused_by_verify_and_exports(
    release_copy: Path, tmp_path: Path, field: str, value: object
) -> None:
    # The hashes vouch for the files, not for the descriptor's own statements: an edited
    # licence or version must not pass verify or travel in an export as the release's.
    _edit_descriptor(release_copy, lambda d: d.update({field: value}))
    with pytest.raises(kzdata.IntegrityError, match=r"datapackage\.json|fingerprint"):
        kzdata.verify()
    with pytest.raises(kzdata.IntegrityError):
        kzdata.export(tmp_path / "out", "csv")
    assert not (tmp_path / "out").exists()
