"""kzdata's diff on small hand-made releases: every kind of difference, its entry, and how it is shown.

Oracle: the tables below are written by hand, and so is every difference they must give
(table, record, kind, column, old, new, entry) and every line of text or CSV it prints.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import kzdata
from kzdata import _cli
from kzdata._diff import (
    Difference,
    Entry,
    Snapshot,
    _show,
    compare,
    entries,
    parse_csv,
    problems,
    render,
)

LOG_COLUMNS = ["change_id", "version", "change", "record_table", "record_id", "merged_into", "note"]


def _entry(change_id: str, change: str, table: str, record: str, into: str | None = None) -> Entry:
    return Entry(change_id, "0.3.0", change, table, record, into)


def _rows(*rows: tuple[str | None, ...]) -> list[tuple[str | None, ...]]:
    return list(rows)


OLD = Snapshot(
    "0.2.0",
    {
        "people": (["person_id", "name", "org"], _rows(("a", "Ann", "o1"), ("b", "Bob", "o2"), ("c", "Cy", None))),
        "orgs": (["org_id", "label", "dropped"], _rows(("o1", "One", "x"), ("o2", "Two", "y"), ("o3", "Three", "z"))),
        "gone": (["gone_id"], _rows(("g",))),
        "changes": (["change_id"], _rows()),
    },
)
NEW = Snapshot(
    "0.3.0",
    {
        # a: name corrected; b: gone (retracted); c: renamed to c2 and its org filled; d: added
        "people": (
            ["person_id", "name", "org"],
            _rows(("a", "Anne", "o1"), ("c2", "Cy", "o4"), ("d", "Dee", "o4")),
        ),
        # o2 merged into o4 (a new id); o3 gone with no entry; o1's label derived; column added and removed
        "orgs": (
            ["org_id", "label", "extra"],
            _rows(("o1", "ONE", "e1"), ("o4", "Four", None), ("o5", "Five", "e5")),
        ),
        "fresh": (["fresh_id"], _rows(("f",))),
        "changes": (["change_id"], _rows(("ignored",))),
    },
    {"orgs": frozenset({"label"})},
)
LOG = [
    _entry("e-a", "corrected", "people", "a"),
    _entry("e-b", "retracted", "people", "b"),
    _entry("e-c", "renamed", "people", "c", "c2"),
    _entry("e-d", "added", "people", "d"),
    _entry("e-o2", "merged", "orgs", "o2", "o4"),
    _entry("e-o4", "added", "orgs", "o4"),
    _entry("e-idle", "corrected", "people", "zz"),
]


def test_compare_gives_every_kind_of_difference_with_its_entry() -> None:
    got = compare(OLD, NEW, LOG)
    assert got == [
        Difference("people", "d", "added", None, None, "d", "e-d"),
        Difference("people", "b", "retracted", None, "b", None, "e-b"),
        Difference("people", "c", "renamed", None, "c", "c2", "e-c"),
        Difference("people", "a", "changed", "name", "Ann", "Anne", "e-a"),
        Difference("people", "c2", "changed", "org", None, "o4", None),
        Difference("orgs", None, "column_added", "extra"),
        Difference("orgs", None, "column_removed", "dropped"),
        Difference("orgs", "o4", "added", None, None, "o4", "e-o4"),
        Difference("orgs", "o5", "added", None, None, "o5", None),
        Difference("orgs", "o2", "merged", None, "o2", "o4", "e-o2"),
        Difference("orgs", "o3", "removed", None, "o3", None, None),
        Difference("orgs", "o1", "changed", "label", "One", "ONE", None, True),
        Difference("gone", None, "table_removed"),
        Difference("fresh", None, "table_added"),
        Difference("fresh", "f", "added", None, None, "f", None),
    ]


def test_problems_are_the_unexplained_differences_and_the_idle_entries() -> None:
    unexplained, idle = problems(compare(OLD, NEW, LOG), LOG)
    assert [(d.table, d.record_id, d.kind) for d in unexplained] == [
        ("people", "c2", "changed"),
        ("orgs", "o5", "added"),
        ("orgs", "o3", "removed"),
        ("fresh", "f", "added"),
    ]
    assert [e.change_id for e in idle] == ["e-idle"]


def test_an_entry_explains_only_through_a_difference_that_is_not_derived() -> None:
    log = [_entry("e-o1", "corrected", "orgs", "o1")]
    differences = [Difference("orgs", "o1", "changed", "label", "One", "ONE", "e-o1", True)]
    assert problems(differences, log) == ([], log)


def test_a_reference_following_a_merged_id_is_explained_by_the_merge() -> None:
    old = Snapshot(
        "1.0.0",
        {
            "p": (
                ["id", "org"],
                _rows(
                    ("p1", "o2"),
                ),
            )
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "p": (
                ["id", "org"],
                _rows(
                    ("p1", "o4"),
                ),
            )
        },
    )
    merge = _entry("m", "merged", "orgs", "o2", "o4")
    assert compare(old, new, [merge]) == [Difference("p", "p1", "changed", "org", "o2", "o4", "m")]
    # the same values the other way round are not what the merge explains
    assert compare(new, old, [merge]) == [Difference("p", "p1", "changed", "org", "o4", "o2", None)]


def test_a_rename_onto_an_id_the_earlier_release_had_is_not_a_match() -> None:
    old = Snapshot("1.0.0", {"p": (["id", "v"], _rows(("x", "1"), ("y", "2")))})
    new = Snapshot(
        "1.1.0",
        {
            "p": (
                ["id", "v"],
                _rows(
                    ("y", "3"),
                ),
            )
        },
    )
    got = compare(old, new, [_entry("r", "renamed", "p", "x", "y")])
    assert got == [
        Difference("p", "x", "renamed", None, "x", "y", "r"),
        Difference("p", "y", "changed", "v", "2", "3", None),
    ]


def test_a_renamed_record_takes_a_correction_logged_under_either_id() -> None:
    old = Snapshot(
        "1.0.0",
        {
            "p": (
                ["id", "v"],
                _rows(
                    ("x", "1"),
                ),
            )
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "p": (
                ["id", "v"],
                _rows(
                    ("y", "2"),
                ),
            )
        },
    )
    for logged in ("x", "y"):
        log = [_entry("r", "renamed", "p", "x", "y"), _entry("c", "corrected", "p", logged)]
        assert compare(old, new, log)[1] == Difference("p", "y", "changed", "v", "1", "2", "c")


def test_the_first_entry_of_a_record_and_kind_is_the_one_named() -> None:
    old = Snapshot(
        "1.0.0",
        {
            "p": (
                ["id", "v"],
                _rows(
                    ("x", "1"),
                ),
            )
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "p": (
                ["id", "v"],
                _rows(
                    ("x", "2"),
                ),
            )
        },
    )
    log = [_entry("first", "corrected", "p", "x"), _entry("second", "corrected", "p", "x")]
    assert compare(old, new, log) == [Difference("p", "x", "changed", "v", "1", "2", "first")]
    assert problems(compare(old, new, log), log)[1] == [log[1]]


def test_a_record_gone_is_retracted_before_merged_before_renamed() -> None:
    old = Snapshot("1.0.0", {"p": (["id"], _rows(("x",)))})
    new = Snapshot("1.1.0", {"p": (["id"], _rows(("z",)))})
    log = [_entry("rn", "renamed", "p", "x", "z"), _entry("mg", "merged", "p", "x", "z")]
    assert compare(old, new, log) == [
        Difference("p", "z", "added", None, None, "z", None),
        Difference("p", "x", "merged", None, "x", "z", "mg"),
    ]
    log.append(_entry("rt", "retracted", "p", "x"))
    assert [d for d in compare(old, new, log) if d.record_id == "x"] == [
        Difference("p", "x", "retracted", None, "x", None, "rt")
    ]


def test_a_correction_of_a_column_the_later_release_added_is_filled() -> None:
    old = Snapshot(
        "1.0.0",
        {
            "people": (["person_id", "name"], _rows(("a", "Ann"), ("b", "Bob"))),
            "citations": (
                ["citation_id", "record_table", "record_id"],
                _rows(("c1", "people", "a"), ("c2", "people", "b")),
            ),
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "people": (["person_id", "name", "born"], _rows(("a", "Ann", "1950"), ("b", "Bob", "1960"))),
            "citations": (
                ["citation_id", "record_table", "record_id", "span"],
                _rows(("c1", "people", "a", "10-20"), ("c2", "people", "b", "5-9"), ("c3", "people", "a", "1-2")),
            ),
        },
    )
    got = compare(old, new, [_entry("fix-a", "corrected", "people", "a")])
    assert [d for d in got if d.kind == "filled"] == [
        Difference("people", "a", "filled", "born", None, "1950", "fix-a"),
        Difference("citations", "c1", "filled", "span", None, "10-20", "fix-a"),
    ]
    # a correction with a changed cell is not also reported as filled
    new_name = Snapshot(
        "1.1.0",
        {
            **new.tables,
            "people": (
                ["person_id", "name", "born"],
                _rows(
                    ("a", "Anne", "1950"),
                ),
            ),
        },
    )
    got = compare(old, new_name, [_entry("fix-a", "corrected", "people", "a")])
    assert not [d for d in got if d.kind == "filled"]


def test_a_correction_of_a_citation_fills_only_that_citation() -> None:
    old = Snapshot(
        "1.0.0",
        {
            "citations": (
                ["citation_id", "record_table", "record_id"],
                _rows(("c1", "citations", "c2"), ("c2", "people", "a")),
            )
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "citations": (
                ["citation_id", "record_table", "record_id", "span"],
                _rows(("c1", "citations", "c2", "1-2"), ("c2", "people", "a", "3-4")),
            )
        },
    )
    got = compare(old, new, [_entry("fix", "corrected", "citations", "c2")])
    assert [d for d in got if d.kind == "filled"] == [
        Difference("citations", "c2", "filled", "span", None, "3-4", "fix")
    ]


def test_a_correction_in_a_table_without_citations_or_their_record_columns_fills_its_own_row() -> None:
    old = Snapshot("1.0.0", {"people": (["person_id"], _rows(("a",)))})
    new = Snapshot(
        "1.1.0",
        {
            "people": (
                ["person_id", "born"],
                _rows(
                    ("a", "1950"),
                ),
            ),
            "citations": (["citation_id"], _rows(("c1",))),
        },
    )
    got = compare(old, new, [_entry("fix", "corrected", "people", "a")])
    assert [d for d in got if d.kind == "filled"] == [Difference("people", "a", "filled", "born", None, "1950", "fix")]
    gone = Snapshot("1.1.0", {"other": (["x"], _rows())})
    assert not [d for d in compare(old, gone, [_entry("fix", "corrected", "people", "a")]) if d.kind == "filled"]


def test_entries_are_those_after_one_release_up_to_another() -> None:
    rows = [
        ("x1", "0.1.0", "added", "people", "a", "", "n"),
        ("x2", "0.2.0", "renamed", "people", "a", "b", "n"),
        ("x3", "0.3.0", "added", "people", "c", None, "n"),
        ("x4", "0.4.0", "added", "people", "d", None, "n"),
    ]
    got = entries((LOG_COLUMNS, rows), "0.1.0", "0.3.0")
    assert got == [
        Entry("x2", "0.2.0", "renamed", "people", "a", "b", 3),
        Entry("x3", "0.3.0", "added", "people", "c", None, 4),
    ]


def test_parse_csv_reads_empty_fields_as_missing_and_keeps_quoted_text() -> None:
    data = b'id,text,n\na,"x, ""y""\nz",\n,b,1\n'
    assert parse_csv(data) == (["id", "text", "n"], [("a", 'x, "y"\nz', None), (None, "b", "1")])


DIFFS = [
    Difference("people", None, "column_added", "born"),
    Difference("people", "a", "changed", "name", "Ann", "Anne", "e-a"),
    Difference("people", "c", "renamed", None, "c", "c2", "e-c"),
    Difference("people", "o", "removed", None, "o", None, None),
    Difference("orgs", "o1", "changed", "label", None, "ONE", None, True),
    Difference("people", "d", "filled", "born", None, "1950", "e-d"),
]


def test_render_text_has_a_summary_per_table_then_one_line_per_difference() -> None:
    assert render(DIFFS, "text", "1.0.0", "1.1.0").splitlines() == [
        "kzdata 1.0.0 -> 1.1.0: 6 differences",
        "",
        "people: 1 column_added, 1 changed, 1 renamed, 1 removed, 1 filled",
        "  column_added    born",
        "  changed        a name: 'Ann' -> 'Anne'  [e-a]",
        "  renamed        c -> c2  [e-c]",
        "  removed        o   [no change entry]",
        "  filled         d born: (missing) -> '1950'  [e-d]",
        "",
        "orgs: 1 changed",
        "  changed        o1 label: (missing) -> 'ONE'  [derived]",
    ]


def test_render_text_of_no_differences_is_one_line() -> None:
    assert render([], "text", "1.0.0", "1.1.0") == "kzdata 1.0.0 -> 1.1.0: 0 differences\n"


def test_render_csv_and_json_carry_every_field() -> None:
    rows = list(csv.reader(io.StringIO(render(DIFFS[:2], "csv", "1.0.0", "1.1.0"), newline="")))
    assert rows == [
        ["table", "record_id", "kind", "column", "old", "new", "change_id"],
        ["people", "", "column_added", "born", "", "", ""],
        ["people", "a", "changed", "name", "Ann", "Anne", "e-a"],
    ]
    text = render(DIFFS[1:2], "json", "1.0.0", "1.1.0")
    assert text.endswith("}\n")
    assert json.loads(text) == {
        "from": "1.0.0",
        "to": "1.1.0",
        "differences": [
            {
                "table": "people",
                "record_id": "a",
                "kind": "changed",
                "column": "name",
                "old": "Ann",
                "new": "Anne",
                "change_id": "e-a",
            }
        ],
    }
    assert '\n "from"' in text  # indented one space
    assert render([Difference("t", "é", "added")], "json", "a", "b").count("é") == 1  # not escaped


def test_a_long_value_is_shown_from_a_little_before_where_it_first_differs() -> None:
    old, new = "a" * 100 + "X" + "b" * 100, "a" * 100 + "Y" + "b" * 100
    (line,) = [
        line
        for line in render([Difference("t", "r", "changed", "c", old, new, "e")], "text", "a", "b").splitlines()
        if line.startswith("  ")
    ]
    shown_old = "..." + repr("a" * 15 + "X" + "b" * 44) + "..."
    shown_new = "..." + repr("a" * 15 + "Y" + "b" * 44) + "..."
    assert line == f"  changed        r c: {shown_old} -> {shown_new}  [e]"


def test_show_cuts_only_values_longer_than_the_limit() -> None:
    assert _show("x" * 60, 50) == repr("x" * 60)
    assert _show("x" * 61, 50) == "..." + repr("x" * 26)
    assert _show("x" * 100, 50) == "..." + repr("x" * 60) + "..."
    assert _show("x" * 61, 0) == repr("x" * 60) + "..."
    assert _show("x" * 61, 16) == "..." + repr("x" * 60)
    assert _show("x" * 61, 15) == repr("x" * 60) + "..."
    assert _show("abcdef", 0, limit=3) == repr("abc") + "..."
    assert _show(None, 0) == "(missing)"


def test_diff_refuses_the_same_release_twice_and_a_version_that_is_no_text() -> None:
    with pytest.raises(
        kzdata.InvalidArgumentError,
        match=r"diff compares an earlier release with a later one; 0\.2\.0 is not earlier than 0\.2\.0",
    ):
        kzdata.diff("0.2.0", "0.2.0")
    with pytest.raises(kzdata.InvalidArgumentError, match=r"the releases are"):
        kzdata.diff("0.2.0", 3)  # type: ignore[arg-type]


def test_diff_frame_has_its_columns_as_text() -> None:
    d = kzdata.diff("0.1.0", "0.2.0")
    assert list(d.columns) == ["table", "record_id", "kind", "column", "old", "new", "change_id"]
    assert set(map(str, d.dtypes)) == {"string"}


def test_kzdata_diff_in_process_filters_one_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.main(["diff", "0.2.0", "0.3.0", "--format", "csv", "--table", "people"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["table"] for r in rows} == {"people"}
    assert _cli.main(["diff", "0.2.0", "0.3.0", "--format", "json"]) == 0
    tables = {d["table"] for d in json.loads(capsys.readouterr().out)["differences"]}
    assert {"people", "events", "editorial_values"} <= tables


def test_a_quoted_line_break_keeps_its_carriage_return() -> None:
    assert parse_csv(b'id,text\r\na,"x\r\ny"\r\n') == (["id", "text"], [("a", "x\r\ny")])


def test_a_row_with_too_few_fields_is_refused() -> None:
    with pytest.raises(ValueError, match="zip"):
        entries((LOG_COLUMNS, [("x1", "0.2.0", "added", "people", "a")]), "0.1.0", "0.3.0")
    short = Snapshot("1.0.0", {"p": (["id", "v"], _rows(("x",)))})
    full = Snapshot("1.1.0", {"p": (["id", "v"], _rows(("x", "1")))})
    for old, new in ((short, full), (full, short)):
        with pytest.raises(ValueError, match="zip"):
            compare(old, new, [])


def test_an_entry_without_a_version_is_refused() -> None:
    with pytest.raises(kzdata.InvalidArgumentError, match=r"got ''$"):
        entries((LOG_COLUMNS, [("x1", None, "added", "people", "a", None, "n")]), "0.1.0", "0.3.0")


def test_only_a_merge_or_rename_explains_a_reference_to_its_new_id() -> None:
    old = Snapshot(
        "1.0.0",
        {
            "p": (
                ["id", "org"],
                _rows(
                    ("p1", "o2"),
                ),
            )
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "p": (
                ["id", "org"],
                _rows(
                    ("p1", "o4"),
                ),
            )
        },
    )
    other = _entry("c", "corrected", "orgs", "o2", "o4")  # a correction that (wrongly) names a replacement
    assert compare(old, new, [other]) == [Difference("p", "p1", "changed", "org", "o2", "o4", None)]
    renamed = _entry("r", "renamed", "orgs", "o2", "o4")
    assert compare(old, new, [renamed]) == [Difference("p", "p1", "changed", "org", "o2", "o4", "r")]


def test_a_citation_table_without_record_columns_is_not_searched() -> None:
    old = Snapshot("1.0.0", {"people": (["person_id"], _rows(("a",))), "citations": (["citation_id"], _rows())})
    for cols in (["citation_id", "record_table"], ["citation_id", "record_id"]):
        new = Snapshot(
            "1.1.0",
            {
                "people": (
                    ["person_id", "born"],
                    _rows(
                        ("a", "1950"),
                    ),
                ),
                "citations": (cols, _rows(("c1", "people"))),
            },
        )
        got = compare(old, new, [_entry("fix", "corrected", "people", "a")])
        assert [d.table for d in got if d.kind == "filled"] == ["people"], cols


def test_a_correction_of_a_record_whose_table_is_new_still_fills_its_citations() -> None:
    cols = ["citation_id", "record_table", "record_id"]
    old = Snapshot(
        "1.0.0",
        {
            "citations": (
                cols,
                _rows(
                    ("c1", "fresh", "a"),
                ),
            )
        },
    )
    new = Snapshot(
        "1.1.0",
        {
            "fresh": (["fresh_id"], _rows(("a",))),
            "citations": (
                [*cols, "span"],
                _rows(
                    ("c1", "fresh", "a", "1-2"),
                ),
            ),
        },
    )
    got = compare(old, new, [_entry("fix", "corrected", "fresh", "a")])
    assert [d for d in got if d.kind == "filled"] == [
        Difference("citations", "c1", "filled", "span", None, "1-2", "fix")
    ]


def test_differences_are_ordered_by_kind_then_record_then_column() -> None:
    old = Snapshot("1.0.0", {"p": (["id", "z", "a"], _rows(("r1", "1", "1"), ("r2", "1", "1")))})
    new = Snapshot(
        "1.1.0",
        {
            "p": (
                ["id", "z", "a", "n2", "n1"],
                _rows(("r3", "2", "2", None, None), ("r2", "2", "2", None, None), ("r0", "2", "2", None, None)),
            )
        },
    )
    got = [(d.kind, d.record_id, d.column) for d in compare(old, new, [])]
    assert got == [
        ("column_added", None, "n1"),
        ("column_added", None, "n2"),
        ("added", "r0", None),
        ("added", "r3", None),
        ("removed", "r1", None),
        ("changed", "r2", "a"),
        ("changed", "r2", "z"),
    ]


def test_render_counts_each_kind_and_shows_merges() -> None:
    diffs = [
        Difference("t", "a", "added", None, None, "a", "e1"),
        Difference("t", "b", "added", None, None, "b", "e2"),
        Difference("t", "m", "merged", None, "m", "n", "e3"),
    ]
    assert render(diffs, "text", "1", "2").splitlines()[2:] == [
        "t: 2 added, 1 merged",
        "  added          a   [e1]",
        "  added          b   [e2]",
        "  merged         m -> n  [e3]",
    ]


def test_a_long_value_that_differs_at_once_is_shown_from_its_start() -> None:
    old, new = "A" + "b" * 100, "B" + "b" * 100
    line = render([Difference("t", "r", "changed", "c", old, new, "e")], "text", "a", "b").splitlines()[-1]
    assert line == f"  changed        r c: {'A' + 'b' * 59!r}... -> {'B' + 'b' * 59!r}...  [e]"
    old, new = "a" * 101 + "X" + "b" * 100, "a" * 101 + "Y" + "b" * 100
    line = render([Difference("t", "r", "changed", "c", old, new, "e")], "text", "a", "b").splitlines()[-1]
    assert f"...{'a' * 15 + 'X' + 'b' * 44!r}... -> ...{'a' * 15 + 'Y' + 'b' * 44!r}..." in line


def test_a_release_as_text_names_its_version_and_the_columns_the_build_derives() -> None:
    from kzdata._diff import snapshot

    for version in ("0.2.0", "0.3.0"):
        snap = snapshot(version)
        assert snap.version == version
        assert {t: set(c) for t, c in snap.derived.items() if c} == {
            "events": {"location_precision"},
            "indicator_values": {"location_precision"},
            "citations": {"locator"},
        }


def test_diff_names_the_table_whose_installed_file_is_damaged(release_copy: Path) -> None:
    file = release_copy / "csv" / "people.csv"
    file.write_bytes(file.read_bytes().replace(b"a", b"b", 1))
    with pytest.raises(kzdata.IntegrityError, match=r"table 'people'"):
        kzdata.diff("0.2.0", "0.3.0")
