"""Issue 21: a command line that answers questions, and the small defects of its output.

``show --where/--sort`` and the views, ``search``, ``--max-colwidth`` below 4, ``info``'s
fingerprint and ``validate`` at 30 columns. Expected rows come from raw/*.csv read with the
csv module (tests/oracle.py); vocabularies and messages are written out by hand.
"""

from __future__ import annotations

import pytest

import kzdata
from kzdata._cli import main
from tests import oracle


def out_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ids_printed(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines()[1:] if line.strip() and not line.startswith("...")]


# --------------------------------------------------------------------------- show --where / --sort


def test_where_keeps_the_rows_of_a_category(capsys: pytest.CaptureFixture[str]) -> None:
    expected = [r["event_id"] for r in oracle.rows("events") if r["category"] == "protest"]
    assert expected, "raw/events.csv has protests"
    code, out, _ = out_of(
        [
            "show",
            "events",
            "--where",
            "category=protest",
            "--columns",
            "event_id",
            "--limit",
            "all",
            "--width",
            "200",
            "--max-colwidth",
            "200",
        ],
        capsys,
    )
    assert code == 0
    assert sorted(ids_printed(out)) == sorted(expected)


def test_several_where_must_all_hold(capsys: pytest.CaptureFixture[str]) -> None:
    expected = [
        r["event_id"] for r in oracle.rows("events") if r["category"] == "protest" and r["date_precision"] == "day"
    ]
    argv = ["show", "events", "--where", "category=protest", "--where", "date_precision=day"]
    code, out, _ = out_of(
        [*argv, "--columns", "event_id", "--limit", "all", "--width", "200", "--max-colwidth", "200"], capsys
    )
    assert code == 0 and sorted(ids_printed(out)) == sorted(expected)


def test_where_on_a_date_column_takes_a_month(capsys: pytest.CaptureFixture[str]) -> None:
    expected = [r["event_id"] for r in oracle.rows("events") if r["date_start"][:7] == "2022-01"]
    argv = ["show", "events", "--where", "date_start=2022-01", "--columns", "event_id", "--limit", "all"]
    code, out, _ = out_of([*argv, "--width", "200", "--max-colwidth", "200"], capsys)
    assert code == 0 and sorted(ids_printed(out)) == sorted(expected)


def test_where_on_a_number_a_yes_no_and_an_empty_value(capsys: pytest.CaptureFixture[str]) -> None:
    rows = oracle.rows("sentences")
    for where, keep in [
        ("prison_years=18", lambda r: r["prison_years"] == "18"),
        ("closed_trial=true", lambda r: r["closed_trial"] == "true"),
        ("prison_years=", lambda r: r["prison_years"] == ""),
    ]:
        expected = sorted(r["sentence_id"] for r in rows if keep(r))
        assert expected, where
        argv = [
            "show",
            "sentences",
            "--where",
            where,
            "--columns",
            "sentence_id",
            "--width",
            "200",
            "--max-colwidth",
            "200",
        ]
        code, out, _ = out_of(argv, capsys)
        assert code == 0 and sorted(ids_printed(out)) == expected, where


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["show", "events", "--where", "categry=protest"],
            "kzdata show: --where categry=protest: 'categry' is not a column of events; its columns are: "
            + ", ".join(oracle.header("events")),
        ),
        (
            ["show", "events", "--where", "category=protests"],
            "kzdata show: --where category=protests: 'protests' is not a value of category; it is one of: "
            "background, protest, violence, emergency_measure, security_deployment, personnel_change, detention, "
            "investigation, conviction, statement, reform, legislation, referendum, election, foreign_policy, "
            "economy, other",
        ),
        (["show", "events", "--where", "category"], "--where 'category': write COLUMN=VALUE"),
        (["show", "sentences", "--where", "closed_trial=yes"], "closed_trial is yes/no; give true or false"),
        (["show", "sentences", "--where", "prison_years=ten"], "prison_years is a number; give one"),
        (["show", "sentences", "--where", "prison_years=nan"], "prison_years is a number; give one"),
        (["show", "sentences_view", "--where", "prison_years=inf"], "prison_years is a number; give one"),
        (["show", "events", "--where", "date_start=January"], "date_start is a date; give 'YYYY-MM-DD', 'YYYY-MM'"),
        (["show", "events", "--sort", "dat"], "--sort dat: 'dat' is not a column of events; its columns are:"),
        (["show", "events", "--desc"], "--desc orders by the column of --sort; give one"),
    ],
    ids=["column", "vocabulary", "no-equals", "boolean", "number", "nan", "inf", "date", "sort-column", "desc-alone"],
)
def test_a_bad_condition_is_wrong_usage_listing_what_is_allowed(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = out_of(argv, capsys)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv", [["--sort", "-date_start"], ["--sort=-date_start"], ["--sort", "date_start", "--desc"]]
)
def test_sort_descending_by_a_minus_or_desc(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    rows = [r for r in oracle.rows("events") if r["category"] == "protest"]
    latest = max(r["date_start"] for r in rows)
    code, out, _ = out_of(
        ["show", "events", "--where", "category=protest", *argv, "--columns", "date_start", "--limit", "all"], capsys
    )
    printed = ids_printed(out)
    assert code == 0 and printed[0] == latest
    assert printed == sorted((r["date_start"] for r in rows), reverse=True)


def test_sort_ascending_puts_empty_values_last(capsys: pytest.CaptureFixture[str]) -> None:
    years = sorted(int(r["prison_years"]) for r in oracle.rows("sentences") if r["prison_years"])
    empty = sum(1 for r in oracle.rows("sentences") if not r["prison_years"])
    code, out, _ = out_of(["show", "sentences", "--sort", "prison_years", "--columns", "prison_years"], capsys)
    assert code == 0
    assert ids_printed(out) == [str(y) for y in years] + ["NA"] * empty


def _ids_where(table: str, where: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    argv = ["show", table, "--where", where, "--columns", oracle.key(table), "--limit", "all"]
    code, out, _ = out_of([*argv, "--width", "200", "--max-colwidth", "200"], capsys)
    assert code == 0, where
    return sorted(ids_printed(out))


def test_where_takes_a_value_that_holds_an_equals_sign(capsys: pytest.CaptureFixture[str]) -> None:
    """The condition splits at its first ``=``: a URL with a query string matches as written."""
    hits = [r for r in oracle.rows("sources") if "=" in r["url"]]
    assert hits, "raw/sources.csv has a URL with a query string"
    for row in hits:
        assert _ids_where("sources", f"url={row['url']}", capsys) == [row["source_id"]]


@pytest.mark.parametrize(
    ("table", "column"),
    [("sources", "published_precision"), ("sources", "publisher"), ("reforms", "date_start")],
    ids=["category", "text", "date"],
)
def test_where_never_keeps_an_empty_cell_for_a_value(
    table: str, column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every value of a column that has empty cells keeps exactly its rows (a day, for a date column)."""
    rows = oracle.rows(table)
    assert any(not r[column] for r in rows), f"raw/{table}.csv has an empty {column}"
    for value in sorted({r[column] for r in rows if r[column]}):
        expected = sorted(r[oracle.key(table)] for r in rows if r[column] == value)
        assert _ids_where(table, f"{column}={value}", capsys) == expected, value


def test_a_bad_date_says_the_forms_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = out_of(["show", "events", "--where", "date_start=January"], capsys)
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == (
        "kzdata show: --where date_start=January: date_start is a date; give 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'"
    )


@pytest.mark.parametrize("spec", ["category", "-category"])
def test_sort_keeps_the_order_of_rows_that_tie(spec: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Events of one category stay in the table's order, by id (docs/raw-format.md); categories in vocabulary order."""
    vocabulary = [
        "background",
        "protest",
        "violence",
        "emergency_measure",
        "security_deployment",
        "personnel_change",
        "detention",
        "investigation",
        "conviction",
        "statement",
        "reform",
        "legislation",
        "referendum",
        "election",
        "foreign_policy",
        "economy",
        "other",
    ]
    rows = sorted(oracle.rows("events"), key=lambda r: r["event_id"])
    rank = {value: (-i if spec.startswith("-") else i) for i, value in enumerate(vocabulary)}
    expected = [r["event_id"] for r in sorted(rows, key=lambda r: rank[r["category"]])]
    argv = ["show", "events", "--sort", spec, "--columns", "event_id", "--limit", "all"]
    code, out, _ = out_of([*argv, "--width", "200", "--max-colwidth", "200"], capsys)
    assert code == 0 and ids_printed(out) == expected


def test_where_that_keeps_nothing_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """No protest is planned (oracle: raw/events.csv), though both values are in their vocabularies."""
    rows = oracle.rows("events")
    assert any(r["status"] == "planned" for r in rows) and any(r["category"] == "protest" for r in rows)
    assert not any(r["status"] == "planned" and r["category"] == "protest" for r in rows)
    code, out, _ = out_of(["show", "events", "--where", "category=protest", "--where", "status=planned"], capsys)
    assert code == 0 and out == "no row of events has category=protest and status=planned\n"


# --------------------------------------------------------------------------- views


def test_the_views_are_showable_and_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    people = {r["person_id"]: r["name"] for r in oracle.rows("people")}
    code, out, _ = out_of(
        ["show", "sentences_view", "--columns", "person_name", "--width", "200", "--max-colwidth", "200"], capsys
    )
    assert code == 0
    names = [line.strip() for line in out.splitlines()[1:]]
    assert names == [people[r["person_id"]] for r in oracle.rows("sentences")]
    with pytest.raises(SystemExit):
        main(["show", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for view in ("events_view", "sentences_view", "indicator_values_view", "event_figures"):
        assert view in shown
        assert out_of(["show", view, "--limit", "1"], capsys)[0] == 0


# --------------------------------------------------------------------------- search


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _raw_hits(text: str) -> set[tuple[str, str, str]]:
    """(table, id, column) of every title, name, heading, description and alias holding ``text``, from raw/."""
    wanted = _fold(text)
    hits = set()
    for table in oracle.TABLE_ORDER:
        for row in oracle.rows(table):
            for column in ("title", "name", "heading", "description"):
                if wanted in _fold(row.get(column) or ""):
                    hits.add((table, row[oracle.key(table)], column))
    owners = {"person_id": "people", "organization_id": "organizations", "place_id": "places", "reform_id": "reforms"}
    for row in oracle.rows("aliases"):
        if wanted in _fold(row["alias"]):
            for column, table in owners.items():
                if row[column]:
                    hits.add((table, row[column], "alias"))
    return hits


@pytest.mark.parametrize("text", ["Massimov", "MASSIMOV", "Mássimov", "almaty", "Tokayev"])
def test_search_finds_the_text_in_every_table_whatever_its_case_and_accents(text: str) -> None:
    found = kzdata.search(text)
    assert list(found.columns) == ["table", "id", "column", "text"]
    got = set(zip(found["table"], found["id"], found["column"], strict=True))
    assert got == _raw_hits(text) and got
    assert len(found) == len(got)


def test_search_reports_an_alias_under_what_it_names() -> None:
    aliases = [r for r in oracle.rows("aliases") if r["person_id"] == "massimov-karim"]
    found = kzdata.search("massimov")
    rows = found[(found["id"] == "massimov-karim") & (found["column"] == "alias")]
    assert set(rows["text"]) == {r["alias"] for r in aliases if "massimov" in _fold(r["alias"])}
    assert set(rows["table"]) == {"people"}


def test_search_refuses_nothing_to_look_for() -> None:
    for text in ("", "   ", None, 3):
        with pytest.raises(kzdata.InvalidArgumentError, match="search\\(\\) needs some text to look for"):
            kzdata.search(text)  # type: ignore[arg-type]


def test_fold_drops_case_accents_and_repeated_spaces() -> None:
    from kzdata._search import fold

    assert fold("  Qasym-Jomart  TOQAYEV ") == "qasym-jomart toqayev"
    assert fold("Mássimov") == "massimov"


LETTERS = "abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize(
    ("text", "wanted", "room", "shown"),
    [
        # 12 characters from a quarter of the room (3) before the match, cut with ... at both ends
        (LETTERS, "m", 12, "...mnopqr..."),
        (LETTERS, "a", 12, "abcdefghi..."),  # at the start: nothing cut before
        (LETTERS, "e", 12, "...efghij..."),  # one character cut before: still marked
        (LETTERS, "y", 12, "...rstuvwxyz"),  # near the end: the last 12 characters
        ("m" + LETTERS, "m", 12, "mabcdefgh..."),  # around the first place it is found
        ("a  b   c", "b", 10, "a b c"),  # runs of spaces shown as one; short text whole
        ("a  b   c", "b", 5, "a b c"),  # exactly the room: whole, nothing marked
    ],
)
def test_an_excerpt_shows_the_room_around_the_first_match(text: str, wanted: str, room: int, shown: str) -> None:
    from kzdata._search import excerpt

    assert excerpt(text, wanted, room) == shown
    assert (
        excerpt("The new deputy head, who after Massimov's sentencing said the case was secret", "massimov", 30)
        == "...ter Massimov's sentencin..."
    )


def test_search_orders_by_table_id_and_column() -> None:
    """Tables in the registry's order, then ids, then title, name, heading, description, alias."""
    from kzdata._registry import TABLE_NAMES

    found = kzdata.search("a")
    columns = ["title", "name", "heading", "description", "alias"]
    keys = [
        (TABLE_NAMES.index(t), i, columns.index(c))
        for t, i, c in zip(found["table"], found["id"], found["column"], strict=True)
    ]
    assert len(set(found["table"])) > 3 and keys == sorted(keys)


def test_the_search_command_prints_table_id_and_the_matching_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = out_of(["search", "Massimov", "--limit", "all", "--width", "120"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["table", "id", "column", "text"]
    assert lines[-1] == f"{len(_raw_hits('Massimov'))} match(es)"
    body = lines[1:-1]
    assert len(body) == len(_raw_hits("Massimov"))
    assert all("massimov" in line.casefold() for line in body)  # the excerpt shows the match
    assert all(len(line) <= 120 for line in lines)


def test_the_search_command_says_when_nothing_matches(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = out_of(["search", "zzqqzz"], capsys)
    assert code == 0 and out == "nothing matches 'zzqqzz' in the titles, descriptions, names or aliases\n"


# --------------------------------------------------------------------------- small defects of the output


@pytest.mark.parametrize("command", ["show", "describe"])
@pytest.mark.parametrize("colwidth", ["1", "2", "3"])
def test_max_colwidth_below_4_is_wrong_usage(command: str, colwidth: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = out_of([command, "events", "--max-colwidth", colwidth], capsys)
    assert code == 2 and out == ""
    assert f"'{colwidth}' is too narrow; give at least 4 (one character and the '...' of a cut)" in err


def test_max_colwidth_4_shows_that_cells_were_cut(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = out_of(["show", "events", "--columns", "title", "--max-colwidth", "4", "--limit", "3"], capsys)
    assert code == 0
    assert [line.rstrip() for line in out.splitlines()[1:4]] == [
        r["title"][:1] + "..." for r in oracle.rows("events")[:3]
    ]


@pytest.mark.parametrize("width", ["20", "30", "60", "78"])
def test_info_never_breaks_the_fingerprint(width: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = out_of(["info", "--width", width], capsys)
    fingerprint = oracle.release_fingerprint(oracle.REPO / "kzdata" / "data")
    assert code == 0
    assert fingerprint in out  # whole on one line
    wider = [line for line in out.splitlines() if len(line) > int(width)]
    assert all(fingerprint in line and len(line.split()) == 1 for line in wider), wider


def test_validate_at_30_columns_says_each_table_on_its_own_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = out_of(["validate", "--width", "30"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert all(len(line) <= 30 for line in lines)
    for name in oracle.TABLE_ORDER:
        assert any(line.startswith(f"{name}: {len(oracle.rows(name))} rows,") for line in lines), name
    assert "failures" not in [line.strip() for line in lines]  # no heading left alone on a line


@pytest.mark.parametrize(("view", "column"), [("events_view", "status"), ("event_figures", "event_status")])
def test_a_view_filtered_on_status_shows_every_status_it_is_asked_for(
    view: str, column: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """events_view keeps occurred and reported events by default; --where status=alleged must still find the others."""
    argv = ["show", "events_view", "--where", "status=alleged", "--columns", "event_id", "--max-colwidth", "80"]
    code, out, _ = out_of([*argv, "--width", "200"], capsys)
    alleged = sorted(r["event_id"] for r in oracle.rows("events") if r["status"] == "alleged")
    assert code == 0 and alleged and ids_printed(out) == alleged
    code, out, _ = out_of(["show", view, "--where", f"{column}=occurred", "--limit", "all"], capsys)
    assert code == 0 and "no row of" not in out
