"""What a user touches: the dictionary, resolve(), timeline(), targets(), SQL and exports."""

from __future__ import annotations

import pytest

import kzdata
from kzdata._dictionary import render_markdown
from kzdata.errors import InvalidArgumentError, UnknownEntityError, UnknownTableError
from tests import oracle
from tests.conftest import REPO


def test_describe_lists_every_column() -> None:
    d = kzdata.describe("events")
    assert d["column"].tolist()[:3] == ["event_id", "date_start", "date_end"]
    row = d.set_index("column").loc["date_precision"]
    assert row["allowed_values"] == "day, month, year, range"
    assert row["dtype"] == "category"
    assert not row["nullable"]
    assert d.attrs["row"].startswith("One dated or datable happening")


def test_describe_unknown_table() -> None:
    with pytest.raises(UnknownTableError, match="kzdata has these tables: sources, sections"):
        kzdata.describe("event")  # type: ignore[arg-type]


def test_data_dictionary_doc_is_fresh() -> None:
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "docs/data-dictionary.md is stale: run `kzdata build`"
    assert "| `prison_years` | Int64 | yes |" in committed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nazarbaev", "nazarbayev-nursultan"),
        ("NAZARBAYEV", "nazarbayev-nursultan"),
        ("Nursultan Nazarbayev", "nazarbayev-nursultan"),
        ("Massimov", "massimov-karim"),
        ("Masimov", "massimov-karim"),
        ("Tokaev", "tokayev-kassym-jomart"),
        ("KNB", "national-security-committee"),
        ("Nur-Sultan", "astana"),
        ("Collective Security Treaty Organization", "csto"),
    ],
)
def test_resolve_finds_entities_under_any_spelling(text: str, expected: str) -> None:
    assert kzdata.resolve(text)["entity_id"].tolist() == [expected]


def test_resolve_says_when_nothing_matches() -> None:
    with pytest.raises(UnknownEntityError, match=r"no person, organization, place or reform is called 'Xyzzy'"):
        kzdata.resolve("Xyzzy")
    with pytest.raises(InvalidArgumentError):
        kzdata.resolve("  ")


def _label(start: str, end: str, precision: str) -> str:
    return {"day": start, "month": start[:7], "year": start[:4]}.get(precision, f"{start}/{end}")


@pytest.mark.parametrize(
    ("start", "end", "kinds"),
    [("2022-01-01", "2022-01-19", {"event"}), ("2022-01-01", "2023-12-31", {"event", "reform", "sentence"})],
)
def test_timeline_holds_exactly_the_records_inside_the_window(start: str, end: str, kinds: set[str]) -> None:
    got = kzdata.timeline(start, end)
    expected = [r for r in oracle.dated_records() if r[0] >= start and r[1] <= end]
    assert len(expected) > 20
    assert {r[3] for r in expected} == kinds, "the oracle's window holds these kinds of record"
    assert list(got.columns[:3]) == ["date", "kind", "title"]
    assert list(zip(got["kind"].astype(str), got["record_id"], strict=True)) == [(r[3], r[4]) for r in expected]
    assert got["title"].tolist() == [r[5] for r in expected]
    assert got["date"].tolist() == [_label(r[0], r[1], r[2]) for r in expected]
    assert got["date_precision"].astype(str).tolist() == [r[2] for r in expected]


def test_timeline_overlapping_adds_records_that_only_meet_the_window() -> None:
    got = kzdata.timeline("2022-01-01", "2022-01-19", overlapping=True)
    expected = [r for r in oracle.dated_records() if r[1] >= "2022-01-01" and r[0] <= "2022-01-19"]
    assert list(zip(got["kind"].astype(str), got["record_id"], strict=True)) == [(r[3], r[4]) for r in expected]
    inside = kzdata.timeline("2022-01-01", "2022-01-19")
    assert len(got) > len(inside)


def test_timeline_without_a_window_holds_every_dated_record_of_each_kind() -> None:
    got = kzdata.timeline()
    dated = got[got["date"].notna()]
    expected = oracle.dated_records()
    assert list(zip(dated["kind"].astype(str), dated["record_id"], strict=True)) == [(r[3], r[4]) for r in expected]
    undated = [r["reform_id"] for r in oracle.rows("reforms") if not r["date_start"]]
    assert got[got["date"].isna()]["record_id"].tolist() == undated
    with pytest.raises(InvalidArgumentError, match="after end"):
        kzdata.timeline("2022-02-01", "2022-01-01")


def test_timeline_rejects_bad_dates() -> None:
    with pytest.raises(InvalidArgumentError, match="'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'"):
        kzdata.timeline("January 2022")


def test_targets_match_the_article() -> None:
    t = kzdata.targets().set_index("indicator_id")
    assert len(t) == 3
    assert t["target_year"].tolist() == [2026, 2026, 2026]
    cpi = t.loc["corruption-perceptions-index"]
    assert (cpi["baseline_value"], cpi["baseline_year"], cpi["target_value"]) == (36, 2022, 47)
    assert cpi["gap"] == 11
    assert cpi["needed_per_year"] == pytest.approx(11 / 4)


def test_path_points_at_a_parquet_file() -> None:
    assert kzdata.path("events").suffix == ".parquet"
    assert kzdata.path("events").exists()


def test_pyarrow_backend() -> None:
    table = kzdata.load("events", backend="pyarrow")
    assert table.num_rows == len(kzdata.events())
    assert str(table.schema.field("date_start").type) == "date32[day]"


def test_connect_gives_sql_over_every_table() -> None:
    pytest.importorskip("duckdb")
    con = kzdata.connect()
    assert con.sql("select count(*) from events").fetchall() == [(len(kzdata.events()),)]


def test_resolve_returns_every_candidate_for_ambiguous_text() -> None:
    found = kzdata.resolve("Marat")
    assert {"osipov-marat", "kolkobayev-marat"} <= set(found["entity_id"])
    assert (found["entity_type"] == "person").all()


def test_resolve_ignores_case_and_diacritics() -> None:
    # raw/aliases.csv spells the place "Türkiye"; its place_id is the answer to every spelling
    expected = [next(a["place_id"] for a in oracle.rows("aliases") if a["alias"] == "Türkiye")]
    assert expected == ["turkiye"]
    for text in ("türkiye", "Turkiye", "TÜRKIYE", "turkiye"):
        assert kzdata.resolve(text)["entity_id"].tolist() == expected, text
