"""Past releases load exactly as shipped; diff and the build reconcile changes with the log (issue 22).

Oracles: the sha256 each release recorded for its files (copied into the history index by
scripts/history.py from that release's own datapackage.json, and compared here with the
files in git when the clone has history), the fingerprint 0.2.0 recorded (written out
below from its datapackage.json), hashlib over the files written back, hand-written
column lists, and raw/changes.csv read with the csv module.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import kzdata
from kzdata import _files, _history
from tests.conftest import REPO

#: What 0.2.0's datapackage.json records as kzdata:fingerprint (scheme 1), written out by hand.
FINGERPRINT_0_2_0 = "sha256:347a3e81e13d165c1b811cff575b1c63e00206a4a0dceb2bdb25847a8c2c90ce"
#: The 0.2.0 columns of events, from its datapackage.json, by hand.
EVENTS_0_2_0 = [
    "event_id", "date_start", "date_end", "date_precision", "date_inferred", "date_basis",
    "time_of_day", "title", "description", "category", "place_id",
]  # fmt: skip
PAST = ("0.1.0", "0.2.0")


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _csv_back(frame: object) -> bytes:
    """The canonical CSV of a loaded frame, written with the csv module (docs/versioning.md)."""
    import numpy as np
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
                cells.append("")
            elif isinstance(value, (bool, np.bool_)):
                cells.append("true" if value else "false")
            elif isinstance(value, pd.Timestamp):
                cells.append(value.strftime("%Y-%m-%d"))
            elif isinstance(value, float):
                cells.append(kzdata._canonical.format_number(value))  # type: ignore[attr-defined]
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _recorded(version: str) -> dict[str, dict[str, object]]:
    return {t["name"]: t for t in _history.release(version)["tables"]}


@pytest.mark.parametrize("version", PAST)
def test_every_table_of_a_past_release_written_back_is_what_it_shipped(version: str) -> None:
    import kzdata._canonical

    for name, table in _recorded(version).items():
        frame = kzdata.load(name, version=version)  # type: ignore[call-overload]
        assert list(frame.columns) == [c["name"] for c in table["columns"]]  # type: ignore[index,union-attr]
        assert _sha(_csv_back(frame)) == table["csv"]["sha256"], name  # type: ignore[index]
        arrow = kzdata.load(name, "pyarrow", version=version)  # type: ignore[call-overload]
        sink = io.BytesIO()
        pq.write_table(arrow, sink, compression="zstd", write_statistics=True)
        assert _sha(sink.getvalue()) == table["parquet"]["sha256"], name  # type: ignore[index]


def _git_show(commit: str, path: str) -> bytes | None:
    if shutil.which("git") is None:
        return None
    done = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=REPO, capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


@pytest.mark.parametrize("version", PAST)
def test_the_recorded_hashes_are_those_of_the_files_in_git(version: str) -> None:
    commit = _history.release(version)["commit"]
    descriptor = _git_show(commit, "kzdata/data/datapackage.json")
    if descriptor is None:
        pytest.skip("no git history in this clone")
    import json

    resources = {r["name"]: r for r in json.loads(descriptor)["resources"]}
    for name, table in _recorded(version).items():
        assert table["csv"]["sha256"] == resources[name]["hash"]  # type: ignore[index]
        shipped = _git_show(commit, f"kzdata/data/csv/{name}.csv")
        assert shipped == _csv_back(kzdata.load(name, version=version))  # type: ignore[call-overload]


def test_the_0_2_0_fingerprint_checks_over_the_rebuilt_tables() -> None:
    names = [t["name"] for t in _history.release("0.2.0")["tables"]]
    lines = "".join(f"{n}.csv {_sha(_csv_back(kzdata.load(n, version='0.2.0')))}\n" for n in names)  # type: ignore[call-overload]
    assert _sha(lines.encode("utf-8")) == FINGERPRINT_0_2_0


def test_a_past_release_has_its_own_columns_and_dtypes() -> None:
    events = kzdata.load("events", version="0.2.0")
    assert list(events.columns) == EVENTS_0_2_0
    assert len(events) == 100
    assert str(events["date_start"].dtype) == "datetime64[ms]"
    assert str(events["event_id"].dtype) == "string"
    assert str(events["date_inferred"].dtype) == "boolean"
    assert list(events["date_precision"].cat.categories) == ["day", "month", "year", "range"]
    assert "2022-01-04-almaty-demonstrations-escalate" in set(events["event_id"])  # renamed in 0.3.0
    assert events.attrs["kzdata_version"] == "0.2.0"


def test_the_current_release_is_the_default_and_the_store_agrees_with_it() -> None:
    current = _history.current_version()
    for name, table in _recorded(current).items():
        assert _sha(_files.csv_path(name).read_bytes()) == table["csv"]["sha256"]  # type: ignore[index]
    assert kzdata.load("events", version=current).equals(kzdata.load("events"))


def test_load_without_a_version_never_reads_the_history(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_files, "history_dir", lambda: tmp_path / "nowhere")
    assert len(kzdata.load("events")) == 100
    with pytest.raises(kzdata.IntegrityError, match=r"history file .* is missing"):
        kzdata.load("events", version="0.2.0")


@pytest.mark.parametrize("version", ["0.2", "9.9.9", "", 2, None.__class__])
def test_an_unknown_version_lists_the_releases(version: object) -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match=r"the releases are: 0\.1\.0, 0\.2\.0, 0\.3\.0"):
        kzdata.load("events", version=version)  # type: ignore[call-overload]


def test_a_table_new_in_a_later_release_is_refused_for_an_earlier_one() -> None:
    with pytest.raises(
        kzdata.UnknownTableError,
        match=r"release 0\.2\.0 had no table 'editorial_values' \(it first shipped in 0\.3\.0\)",
    ):
        kzdata.load("editorial_values", version="0.2.0")
    with pytest.raises(kzdata.InvalidArgumentError, match=r"a table name must be a string"):
        kzdata.load(3, version="0.2.0")  # type: ignore[call-overload]
    with pytest.raises(kzdata.InvalidArgumentError, match=r"backend='pyarrow' and polars\.from_arrow"):
        kzdata.load("events", "polars", version="0.2.0")


def _store_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "_history"
    shutil.copytree(_files.history_dir(), copy)
    monkeypatch.setattr(_files, "history_dir", lambda: copy)
    return copy


def test_a_tampered_history_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _store_copy(tmp_path, monkeypatch)
    data = bytearray((copy / "events.parquet").read_bytes())
    data[len(data) // 2] ^= 1
    (copy / "events.parquet").write_bytes(bytes(data))
    with pytest.raises(kzdata.IntegrityError, match=r"history file events\.parquet has sha256 .* it was changed"):
        kzdata.load("events", version="0.2.0")
    assert len(kzdata.load("people", version="0.2.0")) > 0  # the other tables still load


def test_a_history_index_rewritten_with_its_files_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _store_copy(tmp_path, monkeypatch)
    index = (copy / "releases.json").read_bytes().replace(b'"0.1.0"', b'"0.1.1"')
    (copy / "releases.json").write_bytes(index)
    with pytest.raises(kzdata.IntegrityError, match=r"history index releases\.json has sha256"):
        kzdata.load("events", version="0.2.0")


def test_a_rebuilt_table_whose_values_differ_from_the_release_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _history.texts

    def edited(version: str, name: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
        columns, rows = real(version, name)
        return columns, [(*rows[0][:-1], "changed"), *rows[1:]]

    monkeypatch.setattr(_history, "texts", edited)
    with pytest.raises(
        kzdata.IntegrityError, match=r"table 'people' of release 0\.2\.0 rebuilt from the history store"
    ):
        kzdata.load("people", version="0.2.0")


def _log_0_3_0() -> set[str]:
    with (REPO / "raw" / "changes.csv").open(encoding="utf-8", newline="") as f:
        return {row["change_id"] for row in csv.DictReader(f) if row["version"] == "0.3.0"}


def test_diff_lists_every_change_entry_of_the_release_and_nothing_else() -> None:
    d = kzdata.diff("0.2.0", "0.3.0")
    rows = d[d["record_id"].notna()]
    assert set(rows["change_id"].dropna()) == _log_0_3_0()
    assert rows["change_id"].notna().all()
    schema = d[d["record_id"].isna()]
    assert set(schema["kind"]) == {"table_added", "column_added"}
    assert set(schema.loc[schema["kind"] == "table_added", "table"]) == {"editorial_values"}
    assert "changes" not in set(d["table"])


def test_diff_matches_a_renamed_record_and_its_references() -> None:
    d = kzdata.diff("0.2.0", "0.3.0")
    old, new = "2022-01-04-almaty-demonstrations-escalate", "2022-01-almaty-demonstrations-escalate"
    renamed = d[(d["kind"] == "renamed") & (d["record_id"] == old)]
    assert renamed["new"].tolist() == [new]
    refs = d[(d["kind"] == "changed") & (d["old"] == old)]
    assert len(refs) > 0 and set(refs["new"]) == {new}
    assert set(refs["change_id"]) == {f"0-3-0-renamed-events-{old}"}
    assert not ((d["kind"] == "added") & (d["record_id"] == new)).any()


def test_diff_refuses_releases_in_the_wrong_order() -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match=r"0\.3\.0 is not earlier than 0\.2\.0"):
        kzdata.diff("0.3.0", "0.2.0")


def test_kzdata_diff_from_the_command_line() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kzdata", "diff", *args], capture_output=True, text=True, check=False
        )

    text = run("0.2.0", "0.3.0")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("kzdata 0.2.0 -> 0.3.0: ")
    assert "[no change entry]" not in text.stdout
    got = run("0.2.0", "0.3.0", "--format", "csv", "--table", "events")
    rows = list(csv.DictReader(io.StringIO(got.stdout)))
    assert {r["table"] for r in rows} == {"events"}
    assert sum(r["kind"] == "renamed" for r in rows) == 8
    assert run("0.2", "0.3.0").returncode == 2
    import json

    data = json.loads(run("0.2.0", "0.3.0", "--format", "json").stdout)
    assert (data["from"], data["to"]) == ("0.2.0", "0.3.0")
    assert {d["change_id"] for d in data["differences"] if d["record_id"]} == _log_0_3_0()
    # the text: one summary line per table, then one line per difference naming its entry
    lines = text.stdout.splitlines()
    assert lines[0] == f"kzdata 0.2.0 -> 0.3.0: {len(data['differences'])} differences"
    entries = [line for line in lines if line.startswith("  ")]
    assert len(entries) == len(data["differences"])
    named = sorted(line.rsplit("[", 1)[1].rstrip("]") for line in entries if line.endswith("]"))
    assert named == sorted(d["change_id"] for d in data["differences"] if d["change_id"])


def _project_with_history(project_copy: Path) -> Path:
    shutil.copytree(REPO / "kzdata" / "_history", project_copy / "kzdata" / "_history")
    shutil.copy(REPO / "kzdata" / "_history_record.py", project_copy / "kzdata" / "_history_record.py")
    return project_copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unlogged_change_fails_the_build(project_copy: Path) -> None:
    from kzdata._pipeline.build import build

    root = _project_with_history(project_copy)
    _edit(
        root / "raw" / "people.csv",
        "Nephew of Nazarbayev and first deputy head",
        "Nephew of Nazarbayev and deputy head",
    )
    with pytest.raises(kzdata.RawDataError) as err:
        build(root)
    (issue,) = err.value.issues
    assert issue.where == "raw/people.csv" and issue.column == "description"
    assert issue.value.startswith("'Nephew of Nazarbayev and deputy head")
    assert "changed since release 0.2.0" in issue.rule and "'corrected' entry" in issue.rule


def test_a_change_entry_that_changes_nothing_fails_the_build(project_copy: Path) -> None:
    from kzdata._pipeline.build import build

    root = _project_with_history(project_copy)
    with (root / "raw" / "changes.csv").open("a", encoding="utf-8") as f:
        f.write("0-3-0-added-people-tokayev-kassym-jomart,0.3.0,added,people,tokayev-kassym-jomart,,Nothing.\n")
    with pytest.raises(kzdata.RawDataError) as err:
        build(root)
    (issue,) = err.value.issues
    assert issue.where == "raw/changes.csv" and issue.value == "'0-3-0-added-people-tokayev-kassym-jomart'"
    assert "changes nothing since release 0.2.0" in issue.rule
