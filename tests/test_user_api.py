"""What a user touches: the dictionary, resolve(), timeline(), targets(), SQL and exports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kzdata
from kzdata.dictionary import render_markdown
from kzdata.errors import InvalidArgumentError, UnknownEntityError, UnknownTableError
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


def test_timeline_of_january_2022_is_in_order() -> None:
    jan = kzdata.timeline("2022-01-01", "2022-01-19")
    assert jan["date_start"].is_monotonic_increasing
    assert (jan["date_end"] >= pd.Timestamp("2022-01-01")).all()
    assert (jan["date_start"] <= pd.Timestamp("2022-01-19")).all()
    first_days = jan[jan["date_precision"] == "day"]["date_start"].dt.day.tolist()
    assert first_days[:2] == sorted(first_days[:2])
    assert first_days[0] in (1, 2), "the gas price rise of 1 January or the first protests of 2 January come first"
    assert {"event", "reform", "sentence"} >= set(kzdata.timeline()["kind"])


def test_timeline_rejects_bad_dates() -> None:
    with pytest.raises(InvalidArgumentError, match="ISO date"):
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


def test_export_csv_and_xlsx(tmp_path: Path) -> None:
    written = kzdata.export(tmp_path / "csv", "csv")
    assert len(written) == len(kzdata.tables())
    pytest.importorskip("openpyxl")
    (xlsx,) = kzdata.export(tmp_path / "x", "xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == set(kzdata.tables())


def test_resolve_returns_every_candidate_for_ambiguous_text() -> None:
    found = kzdata.resolve("Marat")
    assert {"osipov-marat", "kolkobayev-marat"} <= set(found["entity_id"])
    assert (found["entity_type"] == "person").all()


def test_resolve_ignores_case_and_diacritics() -> None:
    assert kzdata.resolve("türkiye")["entity_id"].tolist() == kzdata.resolve("Turkiye")["entity_id"].tolist()
