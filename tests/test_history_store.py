"""The history store's checks and lookups, one at a time (kzdata/_history.py).

Oracles: the fingerprints the releases recorded (0.2.0's written out by hand, 0.3.0's read
from the installed datapackage.json with the json module), the release list and table
names written out by hand, and values typed by hand for the text-to-value conversion.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

import kzdata
from kzdata import _files, _history
from tests.conftest import REPO

FINGERPRINT_0_2_0 = "sha256:347a3e81e13d165c1b811cff575b1c63e00206a4a0dceb2bdb25847a8c2c90ce"


def _hashes(version: str) -> dict[str, str]:
    return {t["name"]: t["csv"]["sha256"] for t in _history.release(version)["tables"]}


def test_each_release_s_fingerprint_by_its_own_scheme() -> None:
    installed = json.loads((REPO / "kzdata" / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert _history.fingerprint(_history.release("0.3.0"), _hashes("0.3.0")) == installed["kzdata:fingerprint"]
    assert _history.fingerprint(_history.release("0.2.0"), _hashes("0.2.0")) == FINGERPRINT_0_2_0
    assert _history.fingerprint(_history.release("0.1.0"), _hashes("0.1.0")) is None


def test_a_fingerprint_depends_on_every_table_hash() -> None:
    for version in ("0.2.0", "0.3.0"):
        record = _history.release(version)
        hashes = _hashes(version)
        for name in (next(iter(hashes)), list(hashes)[-1]):
            other = {**hashes, name: "sha256:" + "0" * 64}
            assert _history.fingerprint(record, other) != record["fingerprint"], (version, name)


def test_the_second_scheme_covers_schemas_and_the_files_beside_the_data() -> None:
    record = _history.release("0.3.0")
    hashes = _hashes("0.3.0")
    schema = {**record, "tables": [{**t, "schema_sha256": "sha256:" + "1" * 64} for t in record["tables"]]}
    assert _history.fingerprint(schema, hashes) != record["fingerprint"]
    for beside in ("LICENSE-DATA", "dataset-card.md"):
        files = {**record, "files": {**record["files"], beside: "sha256:" + "2" * 64}}
        assert _history.fingerprint(files, hashes) != record["fingerprint"], beside


def test_a_release_whose_hashes_do_not_give_its_fingerprint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _history.release

    def forged(version: str) -> dict[str, object]:
        record = real(version)
        tables = [dict(t) for t in record["tables"]]
        tables[0] = {**tables[0], "csv": {"sha256": "sha256:" + "0" * 64}}
        return {**record, "tables": tables}

    monkeypatch.setattr(_history, "release", forged)
    with pytest.raises(
        kzdata.IntegrityError,
        match=rf"the history of release 0\.2\.0 does not give its recorded fingerprint {FINGERPRINT_0_2_0}\. Reinstall",
    ):
        _history.check_fingerprint("0.2.0")
    _history.check_fingerprint("0.1.0")  # 0.1.0 recorded no fingerprint: nothing to check


def test_the_store_lists_its_releases_oldest_first() -> None:
    assert _history.stored_versions() == ["0.1.0", "0.2.0", "0.3.0"]
    assert _history.versions() == ["0.1.0", "0.2.0", "0.3.0"]
    assert _history.check_version("0.1.0") == "0.1.0"


def test_a_release_the_store_lacks_is_refused_with_the_ones_it_holds() -> None:
    with pytest.raises(
        kzdata.InvalidArgumentError,
        match=r"^the history store holds no release '9\.9\.9'; it holds: 0\.1\.0, 0\.2\.0, 0\.3\.0$",
    ):
        _history.release("9.9.9")


def test_a_table_no_release_had_is_refused_with_the_release_s_tables() -> None:
    names = [t["name"] for t in _history.release("0.2.0")["tables"]]
    assert len(names) == 19 and "editorial_values" not in names
    with pytest.raises(kzdata.UnknownTableError) as err:
        _history.table_record("0.2.0", "nonesuch")
    assert str(err.value) == f"release 0.2.0 had no table 'nonesuch'; its tables are: {', '.join(names)}"
    assert (err.value.name, err.value.valid) == ("nonesuch", tuple(names))
    with pytest.raises(kzdata.UnknownTableError) as err:
        _history.table_record("0.1.0", "editorial_values")
    assert "(it first shipped in 0.3.0);" in str(err.value)


def test_text_becomes_the_value_of_its_kind() -> None:
    assert _history._value("integer", "12") == 12
    assert _history._value("number", "2.5") == 2.5
    assert _history._value("boolean", "true") is True
    assert _history._value("boolean", "false") is False
    assert _history._value("date", "2022-01-05") == datetime.date(2022, 1, 5)
    assert _history._value("text", "12") == "12"
    assert _history._value("integer", None) is None


def test_a_stored_table_rebuilds_with_its_values_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    events = kzdata.load("events", "pyarrow", version="0.1.0")
    row = events.slice(0, 1).to_pylist()[0]
    assert isinstance(row["date_start"], (datetime.date, datetime.datetime))
    frame = kzdata.load("indicator_values", version="0.2.0")
    assert frame.attrs == {"kzdata_table": "indicator_values", "kzdata_version": "0.2.0"}


def _copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "_history"
    shutil.copytree(_files.history_dir(), copy)
    monkeypatch.setattr(_files, "history_dir", lambda: copy)
    return copy


def test_a_missing_history_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _copy(tmp_path, monkeypatch)
    (copy / "people.parquet").unlink()
    with pytest.raises(
        kzdata.IntegrityError, match=rf"^the history file {copy}/people\.parquet is missing\. Reinstall"
    ):
        kzdata.load("people", version="0.2.0")
    assert len(kzdata.load("events", version="0.2.0")) == 100


def test_a_history_file_that_is_no_regular_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _copy(tmp_path, monkeypatch)
    (copy / "people.parquet").unlink()
    (copy / "people.parquet").mkdir()
    with pytest.raises(kzdata.IntegrityError, match=rf"^the history file {copy}/people\.parquet cannot be read \("):
        kzdata.load("people", version="0.2.0")


def test_a_history_file_over_the_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _copy(tmp_path, monkeypatch)
    with (copy / "people.parquet").open("ab") as f:
        f.truncate((64 << 20) + 1)
    with pytest.raises(kzdata.IntegrityError, match=r"people\.parquet cannot be read"):
        kzdata.load("people", version="0.2.0")
    with (copy / "events.parquet").open("ab") as f:
        f.truncate(64 << 20)
    with pytest.raises(kzdata.IntegrityError, match=r"history file events\.parquet has sha256"):
        kzdata.load("events", version="0.2.0")


def test_the_record_module_is_the_index_hash_as_python() -> None:
    text = (REPO / "kzdata" / "_history_record.py").read_text(encoding="utf-8")
    data = (REPO / "kzdata" / "_history" / "releases.json").read_bytes()
    import hashlib

    assert _history.record_module("sha256:" + hashlib.sha256(data).hexdigest()) == text


def test_a_table_name_that_is_no_text_is_named_in_the_refusal() -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match=r"^a table name must be a string, not int \(3\);"):
        kzdata.load(3, version="0.2.0")  # type: ignore[call-overload]


def test_releases_are_ordered_by_version_not_by_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_history, "stored_versions", lambda: ["0.10.0", "0.9.0", "0.2.0"])
    monkeypatch.setattr(_history, "current_version", lambda: "1.0.0")
    assert _history.versions() == ["0.2.0", "0.9.0", "0.10.0", "1.0.0"]


def test_an_unknown_version_is_refused_with_how_to_write_one() -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as err:
        _history.check_version("0.2")
    assert str(err.value) == (
        "kzdata has no release '0.2'; the releases are: 0.1.0, 0.2.0, 0.3.0 (write the version in full, e.g. '0.2.0')"
    )
