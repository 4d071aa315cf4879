"""The quality report of the release (issue 22): every figure against raw/ read with the csv module.

Expected values come from ``tests/oracle.py`` (the raw CSV files), the release manifests
``raw/releases/<version>.csv`` read here with the csv module, and counts written by hand;
never from :mod:`kzdata._quality_report`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

import kzdata
from kzdata import _quality_report as qr
from kzdata._quality import summary
from kzdata.errors import IntegrityError, InvalidArgumentError, UnknownTableError
from tests import oracle
from tests.conftest import REPO

VERSION = "0.3.0"
PREVIOUS = "0.2.0"
KINDS = ("added", "corrected", "retracted", "merged", "renamed")
RETIRING = ("retracted", "merged", "renamed")
#: Columns the build derives (not in raw/): when each is missing, by hand from docs/raw-format.md.
DERIVED_MISSING = {
    ("citations", "locator"): lambda rows: 0,
    ("events", "location_precision"): lambda rows: sum(1 for r in rows if not r["place_id"]),
    ("indicator_values", "location_precision"): lambda rows: sum(1 for r in rows if not r["place_id"]),
}


def manifest(version: str) -> Counter[str]:
    """Rows per table frozen for ``version``, read from raw/releases/ with the csv module."""
    with (REPO / "raw" / "releases" / f"{version}.csv").open(encoding="utf-8", newline="") as fh:
        return Counter(row["record_table"] for row in csv.DictReader(fh))


@pytest.fixture(scope="module")
def report() -> dict:
    return kzdata.quality()


def test_the_report_is_of_this_release_and_the_one_before(report: dict) -> None:
    assert report["kzdata:quality"] == 1
    assert (report["version"], report["previous_version"]) == (VERSION, PREVIOUS) == (kzdata.__version__, PREVIOUS)
    assert report["release_date"] == "2026-12-05"  # CHANGELOG.md, "## [0.3.0] - 2026-12-05"
    assert [t["name"] for t in report["tables"]] == oracle.TABLE_ORDER


def test_rows_per_table_are_the_raw_rows(report: dict) -> None:
    for table in report["tables"]:
        assert table["rows"] == len(oracle.rows(table["name"])), table["name"]
    assert report["rows"] == sum(len(oracle.rows(t)) for t in oracle.TABLE_ORDER) == 2189


def test_rows_in_the_previous_release_are_its_manifest(report: dict) -> None:
    before = manifest(PREVIOUS)
    log = oracle.rows("changes")
    for table in report["tables"]:
        name = table["name"]
        # The change log is not frozen in manifests: its rows then were the entries up to that version.
        expected = sum(1 for r in log if r["version"] in ("0.2.0",)) if name == "changes" else before[name]
        assert table["previous_rows"] == expected, name
        assert table["change"] == table["rows"] - expected, name
    assert report["previous_rows"] == sum(before.values()) + 54  # 54 entries logged for 0.2.0, counted by hand
    now = manifest(VERSION)
    assert {t["name"]: t["rows"] for t in report["tables"] if t["name"] != "changes"} == dict(now)


def test_rows_in_every_earlier_release_follow_from_its_change_log() -> None:
    """The derivation the report uses holds for every pair of manifests (0.1.0 -> 0.2.0 too)."""
    log = oracle.rows("changes")
    for previous, version in (("0.1.0", "0.2.0"), ("0.2.0", "0.3.0")):
        before, now = manifest(previous), manifest(version)
        for name in set(before) | set(now):
            kinds = Counter(r["change"] for r in log if r["version"] == version and r["record_table"] == name)
            assert now[name] - kinds["added"] + kinds["retracted"] + kinds["merged"] == before[name], (version, name)


def test_missing_values_per_column_are_the_empty_raw_cells(report: dict) -> None:
    for table in report["tables"]:
        name, rows = table["name"], oracle.rows(table["name"])
        raw_columns = oracle.header(name)
        expected = {}
        for column in table["missing"]:
            if column in raw_columns:
                expected[column] = sum(1 for r in rows if r[column] == "")
            else:
                expected[column] = DERIVED_MISSING[(name, column)](rows)
        assert table["missing"] == expected, name
        assert [c for c in table["missing"] if c in raw_columns] == raw_columns  # every raw column, in file order
        assert table["missing_cells"] == sum(expected.values())
        assert table["columns"] == len(table["missing"])


def test_every_rule_is_listed_and_none_fails(report: dict) -> None:
    from kzdata._rules import RULES

    rules = report["rules"]
    assert rules["count"] == len(rules["rules"]) == 24  # counted by hand in kzdata/_rules.py, RULES
    assert [r["name"] for r in rules["rules"]] == [r.__name__ for r in RULES]
    assert rules["rules"][0] == {
        "name": "foreign_keys",
        "checks": "Every declared foreign key resolves to an existing primary key.",
        "failing_rows": 0,
    }
    assert rules["failing_rows"] == 0 and all(r["failing_rows"] == 0 for r in rules["rules"])
    assert kzdata.validate(raise_on_error=False).ok  # the rules run again on the installed copy


def test_anchor_coverage_is_the_raw_citations_with_a_span_hash(report: dict) -> None:
    citations = oracle.rows("citations")
    anchored = [r for r in citations if r["span_sha256"]]
    anchors = report["anchors"]
    assert (anchors["total"], anchors["anchored"]) == (len(citations), len(anchored)) == (1208, 1202)
    assert anchors["percent"] == "99.5"  # 1202 / 1208 = 0.99503
    expected = [
        {
            "source_id": s,
            "total": sum(1 for r in citations if r["source_id"] == s),
            "anchored": sum(1 for r in anchored if r["source_id"] == s),
        }
        for s in sorted({r["source_id"] for r in citations})
    ]
    assert anchors["by_source"] == expected


def test_discrepancies_by_severity_are_the_raw_rows(report: dict) -> None:
    rows = oracle.rows("discrepancies")
    disc = report["disagreements"]
    assert disc["total"] == len(rows)
    assert disc["open"] == sum(1 for r in rows if r["status"] == "unresolved")
    expected = [
        {
            "severity": sev,
            "unresolved": sum(1 for r in rows if r["severity"] == sev and r["status"] == "unresolved"),
            "resolved": sum(1 for r in rows if r["severity"] == sev and r["status"] == "resolved"),
        }
        for sev in ("contradiction", "inconsistent_detail", "emphasis_or_scope")  # strongest first, docs/editorial.md
    ]
    assert disc["by_severity"] == expected


def test_the_diff_summary_is_the_change_log_of_the_release(report: dict) -> None:
    log = [r for r in oracle.rows("changes") if r["version"] == VERSION]
    assert report["diff_summary"] == {
        "version": VERSION,
        "total": len(log),
        "by_kind": {k: sum(1 for r in log if r["change"] == k) for k in KINDS},
    }
    assert report["diff_summary"]["by_kind"] == {
        "added": 46,
        "corrected": 72,
        "retracted": 6,
        "merged": 0,
        "renamed": 8,
    }
    for table in report["tables"]:
        assert table["changed"] == {
            k: sum(1 for r in log if r["record_table"] == table["name"] and r["change"] == k) for k in KINDS
        }


def test_every_retired_id_is_listed_with_its_replacement_and_reason(report: dict) -> None:
    log = [r for r in oracle.rows("changes") if r["change"] in RETIRING]
    expected = [
        (
            r["version"],
            r["change"],
            r["record_table"],
            r["record_id"],
            r["merged_into"] if r["change"] != "retracted" else None,
            r["reason"],
        )
        for r in sorted(log, key=lambda r: (r["version"], r["record_table"], r["record_id"]))  # versions < 0.10
    ]
    assert [tuple(r.values()) for r in report["retired"]] == expected
    assert len(expected) == 20


# --------------------------------------------------------------------------- the shipped file


def test_the_shipped_report_is_recorded_in_the_descriptor_and_regenerated_by_verify() -> None:
    data = (REPO / "kzdata" / "data" / "quality.json").read_bytes()
    descriptor = json.loads((REPO / "kzdata" / "data" / "datapackage.json").read_bytes())
    (entry,) = [e for e in descriptor["kzdata:files"] if e["name"] == "quality.json"]
    assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert json.loads(data) == kzdata.quality()
    assert kzdata.verify().ok


def test_a_tampered_report_is_refused(release_copy: Path) -> None:
    file = release_copy / "quality.json"
    file.write_bytes(file.read_bytes().replace(b'"anchored": 1202', b'"anchored": 1208', 1))
    with pytest.raises(IntegrityError, match="the quality report differs from the released one"):
        kzdata.quality()
    problems = kzdata.verify(raise_on_error=False).problems
    assert any(p.startswith("quality.json: ") for p in problems), problems


def test_a_report_rewritten_with_its_hash_entry_is_refused(release_copy: Path) -> None:
    """Whoever rewrites the report and its hash in datapackage.json still meets the code's record of the descriptor."""
    file, desc = release_copy / "quality.json", release_copy / "datapackage.json"
    forged = file.read_bytes().replace(b'"failing_rows": 0', b'"failing_rows": 1', 1)
    file.write_bytes(forged)
    document = json.loads(desc.read_bytes())
    for entry in document["kzdata:files"]:
        if entry["name"] == "quality.json":
            entry["hash"], entry["bytes"] = "sha256:" + hashlib.sha256(forged).hexdigest(), len(forged)
    desc.write_bytes((json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    with pytest.raises(IntegrityError):
        kzdata.quality()
    problems = kzdata.verify(raise_on_error=False).problems
    assert any(p.startswith("quality.json: differs from what kzdata generates") for p in problems), problems


def test_a_missing_report_is_refused(release_copy: Path) -> None:
    (release_copy / "quality.json").unlink()
    with pytest.raises(IntegrityError, match="the quality report is missing"):
        kzdata.quality()
    assert "quality.json: missing" in kzdata.verify(raise_on_error=False).problems


# --------------------------------------------------------------------------- the computation's edges


def test_percent_rounds_half_up_in_integers() -> None:
    assert [qr.percent(p, w) for p, w in ((1, 3), (2, 3), (1, 8), (3, 8), (0, 7), (7, 7), (1, 2000))] == [
        "33.3",
        "66.7",
        "12.5",
        "37.5",
        "0.0",
        "100.0",
        "0.1",  # 0.05 rounds up
    ]
    assert qr.percent(1, 2001) == "0.0" and qr.percent(0, 0) == "-" and qr.percent(3, -1) == "-"
    assert qr.percent(1, 1) == "100.0" and qr.percent(0, 1) == "0.0"


def test_previous_release_is_the_latest_logged_before() -> None:
    log = [{"version": v} for v in ("0.2.0", "0.9.0", "0.10.0", "1.0.0", "x.y.z", "0.1")]
    assert qr.previous_release(log, "0.10.0") == "0.9.0"  # compared as numbers, not text
    assert qr.previous_release(log, "1.0.0") == "0.10.0"
    assert qr.previous_release(log, "0.2.0") is None
    assert qr.previous_release(log, "0.2.1") == "0.2.0"
    assert qr.previous_release(log, "not-a-version") is None
    assert qr.previous_release([], "1.0.0") is None


def test_read_rows_survives_damaged_bytes() -> None:
    assert qr.read_rows(b"", ("a",)) == []
    assert qr.read_rows(b"a,b\n1,2,3\n\xff\n", ("a", "b")) == [{"a": "1", "b": "2"}, {"a": "\ufffd", "b": ""}]
    assert qr.read_rows(b"b\nx\n", ("a", "b")) == [{"a": "", "b": "x"}]  # a column the header lacks is empty
    assert qr.read_rows(b"a,b\n1\n", ("b", "a")) == [{"b": "", "a": "1"}]  # a short row: the rest is empty
    assert qr.read_rows('a\n"x\ny"\n"Türkiye"\n'.encode(), ("a",)) == [{"a": "x\ny"}, {"a": "Türkiye"}]
    assert qr.read_rows(b'a\n"x\ry"\n"u\r\nv"\n', ("a",)) == [{"a": "x\ry"}, {"a": "u\r\nv"}]  # kept as written


def test_first_line_of_a_rule_docstring() -> None:
    assert qr._first_line("\n    Checks this.\n\n    More.\n") == "Checks this."
    assert qr._first_line(None) == qr._first_line("") == ""


def _values(**changed: bytes) -> dict[str, bytes]:
    from kzdata._files import csv_path

    return {name: changed.get(name, csv_path(name).read_bytes()) for name in oracle.TABLE_ORDER}


def test_a_first_release_has_no_previous_rows() -> None:
    header = oracle.header("changes")
    report = qr.report("0.1.0", _values(changes=(",".join(header) + "\n").encode()))
    assert report["previous_version"] is None and report["previous_rows"] is None
    assert all(t["previous_rows"] is None and t["change"] is None for t in report["tables"])
    assert report["diff_summary"] == {"version": "0.1.0", "total": 0, "by_kind": dict.fromkeys(KINDS, 0)}
    assert report["retired"] == []


def test_the_log_itself_counts_entries_up_to_the_previous_release() -> None:
    report = qr.report("0.4.0", _values())
    (log,) = [t for t in report["tables"] if t["name"] == "changes"]
    assert report["previous_version"] == VERSION
    assert log["previous_rows"] == len(oracle.rows("changes")) and log["change"] == 0
    assert all(t["change"] == 0 for t in report["tables"])  # nothing logged for 0.4.0: nothing changed


def test_a_merge_keeps_its_replacement_and_a_retraction_has_none() -> None:
    text = "change_id,version,change,record_table,record_id,merged_into,reason\n"
    text += "a,0.2.0,merged,people,x,y,twice\nb,0.2.0,retracted,people,z,w,removed on request\n"
    text += "c,0.2.0,corrected,people,q,,typo\nd,0.1.0,renamed,events,old,new,the date\n"
    text += "e,0.2.0,merged,places,p,,no replacement given\n"
    report = qr.report("0.2.0", _values(changes=text.encode()))
    assert report["retired"] == [
        {
            "version": "0.1.0",
            "change": "renamed",
            "record_table": "events",
            "record_id": "old",
            "replacement": "new",
            "reason": "the date",
        },
        {
            "version": "0.2.0",
            "change": "merged",
            "record_table": "people",
            "record_id": "x",
            "replacement": "y",
            "reason": "twice",
        },
        {
            "version": "0.2.0",
            "change": "retracted",
            "record_table": "people",
            "record_id": "z",
            "replacement": None,
            "reason": "removed on request",
        },
        {
            "version": "0.2.0",
            "change": "merged",
            "record_table": "places",
            "record_id": "p",
            "replacement": None,
            "reason": "no replacement given",
        },
    ]
    (people,) = [t for t in report["tables"] if t["name"] == "people"]
    assert people["changed"] == {"added": 0, "corrected": 1, "retracted": 1, "merged": 1, "renamed": 0}
    assert people["previous_rows"] == people["rows"] + 2 and people["change"] == -2
    assert report["diff_summary"]["total"] == 4 and report["previous_version"] == "0.1.0"


def test_report_bytes_are_indented_json_with_a_final_newline() -> None:
    data = qr.report_bytes(VERSION, _values())
    assert data == (REPO / "kzdata" / "data" / "quality.json").read_bytes()
    assert data.endswith(b"}\n") and data.startswith(b'{\n  "kzdata:quality": 1,\n')
    header = ",".join(oracle.header("changes"))
    accented = qr.report_bytes("0.2.0", _values(changes=f"{header}\nx,0.2.0,retracted,places,p,,Türkiye\n".encode()))
    assert '"reason": "Türkiye"'.encode() in accented  # UTF-8, not \\u escapes


# --------------------------------------------------------------------------- people and the command line


def test_summary_states_the_headline_figures(report: dict) -> None:
    lines = summary(report, 200)
    assert lines[:8] == [
        "kzdata 0.3.0 quality report (2026-12-05)",
        "rows: 2189 in 20 tables (since 0.2.0: +172)",
        f"missing values: {sum(t['missing_cells'] for t in report['tables'])} of "
        f"{sum(t['rows'] * t['columns'] for t in report['tables'])} cells",
        "rules: 24 cross-table rules, 0 failing rows",
        "anchors: 1202 of 1208 citations anchored (99.5%)",
        "open discrepancies: 29 of 30 (3 contradiction, 17 inconsistent_detail, 9 emphasis_or_scope)",
        "changes in 0.3.0: 132 (46 added, 72 corrected, 6 retracted, 8 renamed)",
        "retired ids: 20 (kzdata retired lists them)",
    ]
    first = dict(
        report, previous_version=None, diff_summary=dict(report["diff_summary"], total=0, by_kind={"added": 0})
    )
    assert summary(first, 200)[1] == "rows: 2189 in 20 tables"
    assert summary(first, 200)[6] == "changes in 0.3.0: 0 (none)"


@pytest.mark.parametrize("width", [12, 20, 30, 45])
def test_summary_fits_any_width(report: dict, width: int) -> None:
    lines = summary(report, width)
    assert all(len(line) <= width and line == line.rstrip() for line in lines)
    # Nothing is lost: the same characters as the unwrapped lines, and a continuation is indented.
    assert "".join(lines).replace(" ", "") == "".join(summary(report, 1000)).replace(" ", "")
    starts = {line.split(" ")[0] for line in summary(report, 1000)}
    assert all(line.startswith("  ") or line.split(" ")[0] in starts for line in lines if line)


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kzdata", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def test_kzdata_quality_prints_the_summary_within_columns_and_in_ascii() -> None:
    done = run("quality", COLUMNS="30", PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(len(line) <= 30 for line in lines)
    assert "1202 of 1208" in " ".join(done.stdout.split())
    whole = run("quality", "--json")
    assert whole.returncode == 0 and json.loads(whole.stdout) == kzdata.quality()


def test_kzdata_retired_lists_the_raw_tombstones() -> None:
    done = run("retired", "--format", "csv")
    assert done.returncode == 0, done.stderr
    listed = list(csv.DictReader(io.StringIO(done.stdout)))
    log = [r for r in oracle.rows("changes") if r["change"] in RETIRING]
    assert sorted((r["record_table"], r["record_id"]) for r in listed) == sorted(
        (r["record_table"], r["record_id"]) for r in log
    )
    assert {r["replacement"] for r in listed if r["change"] == "retracted"} == {""}
    narrow = run("retired", "--table", "events", "--width", "40")
    assert narrow.returncode == 0 and all(len(line) <= 40 for line in narrow.stdout.splitlines())
    assert "2023-11-kgb-archives-opened" in narrow.stdout
    assert run("retired", "--table", "people").stdout == "no retired ids\n"
    wrong = run("retired", "--table", "nobody")
    assert wrong.returncode == 2 and "invalid choice: 'nobody'" in wrong.stderr


def test_retired_is_a_frame_of_the_raw_tombstones_oldest_first() -> None:
    frame = kzdata.retired()
    assert list(frame.columns) == ["version", "change", "record_table", "record_id", "replacement", "reason"]
    log = [r for r in oracle.rows("changes") if r["change"] in RETIRING]
    assert len(frame) == len(log) == 20
    assert list(frame["version"]) == sorted(frame["version"])
    events = kzdata.retired("events")
    assert set(events["record_id"]) == {r["record_id"] for r in log if r["record_table"] == "events"}
    for row in events.itertuples():
        assert kzdata.replacement("events", row.record_id) == row.replacement  # a rename resolves
    retracted = frame[frame["change"] == "retracted"]
    assert len(retracted) == 6 + 2 and retracted["replacement"].isna().all()
    for row in retracted.itertuples():
        assert kzdata.replacement(str(row.record_table), row.record_id) is None
    assert kzdata.retired("people").empty
    with pytest.raises(UnknownTableError, match="nobody"):
        kzdata.retired("nobody")
    with pytest.raises(InvalidArgumentError, match="a table name must be a string, not list"):
        kzdata.retired(["events"])  # type: ignore[arg-type]


def test_retired_orders_versions_as_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from kzdata import _changes

    log = pd.DataFrame(
        {
            "change_id": ["a", "b", "c", "d", "e"],
            "version": ["0.10.0", "0.9.0", "0.9.0", "0.9.0", "0.9.0"],
            "change": ["retracted", "merged", "corrected", "retracted", "renamed"],
            "record_table": ["people", "people", "people", "events", "people"],
            "record_id": ["a1", "p2", "p3", "z1", "b2"],
            "merged_into": [pd.NA, "p9", pd.NA, "ignored", "b3"],
            "reason": ["r1", "r2", "r3", "r4", "r5"],
        }
    ).astype("string")
    monkeypatch.setattr(_changes, "changes", lambda since=None: log)
    frame = kzdata.retired()
    assert frame[["version", "record_table", "record_id"]].values.tolist() == [
        ["0.9.0", "events", "z1"],  # by version as numbers, then table, then id
        ["0.9.0", "people", "b2"],
        ["0.9.0", "people", "p2"],
        ["0.10.0", "people", "a1"],
    ]
    assert frame["replacement"].isna().tolist() == [True, False, False, True]  # a retraction has none
    assert frame["replacement"].tolist()[1:3] == ["b3", "p9"]
    assert frame.index.tolist() == [0, 1, 2, 3]


# --------------------------------------------------------------------------- the page and the chart


def test_the_page_shows_the_report() -> None:
    page = (REPO / "docs" / "quality.md").read_text(encoding="utf-8")
    assert page.startswith("<!-- Generated by `kzdata build`")
    assert "| citations | 1208 | 1201 | +7 | 13 | 3 | 6 | 0 | 0 |" in page  # raw/ and the 0.2.0 manifest
    assert "| editorial_values | 32 | 0 | +32 | 32 | 0 | 0 | 0 | 0 |" in page
    assert "| citations anchored to their sentences | 1202 of 1208 (99.5%) |" in page
    assert "| contradiction | 3 | 0 |" in page
    assert "| 0.3.0 | renamed | events | `2023-11-kgb-archives-opened` |" in page
    assert "![Changes in 0.3.0 by table, stacked by kind of change](quality-changes.svg)" in page
    assert page.count("\n| `") >= 24  # one row per rule


def test_the_chart_is_svg_with_every_table_and_its_changes() -> None:
    root = ET.fromstring((REPO / "docs" / "quality-changes.svg").read_bytes())
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert all(name in texts for name in oracle.TABLE_ORDER)
    tips = {t.text for r in root.iter(f"{ns}rect") for t in r.iter(f"{ns}title")}
    assert "events: 8 renamed" in tips and "citations: 13 added" in tips and "editorial_values: 32 added" in tips
    assert texts.count("no change") == 4  # sections, footnotes, authorships, changes: none logged in 0.3.0


def test_page_cells_escape_pipes_and_line_breaks() -> None:
    from kzdata._pipeline.quality_page import _cell, _row

    assert _row("a|b", None, "", "x\ny\rz", 0) == "| a\\|b | - | - | x y z | 0 |"
    assert _cell("back\\slash") == "back\\\\slash"


def test_kzdata_quality_on_a_damaged_report_exits_1_and_says_what_to_do(
    release_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kzdata._cli import main

    (release_copy / "quality.json").write_bytes(b"{}\n")
    assert main(["quality"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kzdata quality: the data file of the quality report differs from the released one")
    assert "kzdata verify" in err
