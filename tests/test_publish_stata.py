"""The Stata export: one .dta per table that reads back with its rows, variable labels and value labels."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from kzdata._cli import main
from kzdata._formats.stata import short_label, stata_frame, write_stata, write_table
from kzdata._load import load
from kzdata._registry import EVENTS, PEOPLE
from kzdata.errors import InvalidArgumentError
from tests import oracle
from tests.conftest import REPO
from tests.expected_keys import FOREIGN_KEYS
from tests.oracle import rows as raw_rows


def shipped_header(table: str) -> list[str]:
    """The columns of the shipped CSV copy (raw/'s columns plus the derived ones)."""
    with (REPO / "kzdata" / "data" / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("stata")
    assert main(["export", "--format", "stata", "--out", str(target)]) == 0
    return target / "stata"


def read(file: Path) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[int, str]], str]:
    with pd.io.stata.StataReader(file) as reader:
        frame = reader.read()
        return frame, reader.variable_labels(), reader.value_labels(), reader.data_label


def test_one_file_per_table_and_a_dictionary(out: Path) -> None:
    assert sorted(p.stem for p in out.glob("*.dta")) == sorted([*oracle.RAW_TABLES, "kzdata_columns"])


def _as_raw_text(value: object, raw: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return raw if raw and float(raw) == value else repr(value)
    return str(value)


@pytest.mark.parametrize("table", oracle.RAW_TABLES)
def test_rows_and_values_read_back(out: Path, table: str) -> None:
    """Row counts equal raw/ records; categories and booleans come back as their labels; dates as dates."""
    frame, _, _, _ = read(out / f"{table}.dta")
    rows = oracle.rows(table)
    assert len(frame) == len(rows)
    header = oracle.header(table)
    pk = header[0]
    stored = {r[pk]: r for r in frame.astype(object).to_dict("records")}
    for raw in rows:
        row = stored[raw[pk]]
        for name in header:
            assert _as_raw_text(row[name], raw[name]) == raw[name], (table, raw[pk], name)


def test_variable_labels_fit_stata_and_come_from_the_descriptions(out: Path) -> None:
    _, labels, _, data_label = read(out / "sentences.dta")
    assert data_label == "Court sentences"
    assert labels["person_id"] == "The person who was convicted."
    long = labels["closed_trial"]
    assert long.endswith("...") and long.startswith("True when the source says the trial was closed")
    for table in oracle.RAW_TABLES:
        _, labels, _, _ = read(out / f"{table}.dta")
        assert set(labels) == set(shipped_header(table))
        assert all(0 < len(label) <= 80 for label in labels.values()), table
        assert all(len(name) <= 32 for name in labels), table


def test_value_labels_for_categories_and_booleans(out: Path) -> None:
    _, _, values, _ = read(out / "events.dta")
    assert "protest" in values["category"].values()
    assert set(values["date_inferred"].values()) == {"false", "true"}
    raw = pd.read_stata(out / "events.dta", convert_categoricals=False)
    assert set(raw["date_inferred"].dropna().astype(int)) <= {0, 1}


def test_the_dictionary_keeps_the_full_descriptions(out: Path) -> None:
    frame = pd.read_stata(out / "kzdata_columns.dta")
    row = frame[(frame.table_name == "sentences") & (frame.column_name == "closed_trial")].iloc[0]
    assert row.description == (
        "True when the source says the trial was closed or classified; null when it does not say."
    )


def test_short_label_cuts_at_a_word() -> None:
    text = "alpha " * 30
    label = short_label(text)
    assert len(label) <= 80 and label.endswith("alpha...")
    assert short_label("fits as it is") == "fits as it is"


def test_readstat_reads_every_file_with_its_labels(out: Path) -> None:
    """ReadStat (the C library behind R's haven) agrees: rows, variable labels, value labels."""
    pyreadstat = pytest.importorskip("pyreadstat")
    for table in oracle.RAW_TABLES:
        frame, meta = pyreadstat.read_dta(str(out / f"{table}.dta"))
        assert len(frame) == len(raw_rows(table)), table
        assert meta.column_names == shipped_header(table)
        assert all(meta.column_names_to_labels.values()), table
    _, meta = pyreadstat.read_dta(str(out / "sentences.dta"))
    assert meta.file_label == "Court sentences"
    assert meta.column_names_to_labels["person_id"] == "The person who was convicted."
    assert meta.variable_value_labels["verdict_precision"] == {0: "day", 1: "month", 2: "year", 3: "range"}
    assert meta.variable_value_labels["closed_trial"] == {0: "false", 1: "true"}


# --------------------------------------------------------------------------- one fresh export per test
# These write their own files instead of sharing the module's, so that mutation testing (which
# credits a shared fixture to the first test only) runs each against every mutant it covers.

DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))


def _label_for(description: str) -> tuple[str, bool]:
    """The description with its spaces evened out, and whether it is over Stata's 80 characters."""
    text = " ".join(description.split())
    return text, len(text) > 80


@pytest.mark.slow
def test_a_fresh_export_reads_back_whole(tmp_path: Path) -> None:
    """Every value, every label and every vocabulary of every table, from files written for this test."""
    written = write_stata(tmp_path)
    assert written == [tmp_path / f"{t}.dta" for t in oracle.TABLE_ORDER] + [tmp_path / "kzdata_columns.dta"]
    for resource in DESCRIPTOR["resources"]:
        table, fields = resource["name"], resource["schema"]["fields"]
        with pd.io.stata.StataReader(tmp_path / f"{table}.dta") as reader:
            frame = reader.read()
            labels, values, data_label = reader.variable_labels(), reader.value_labels(), reader.data_label
        assert data_label == resource["title"], table
        assert list(frame.columns) == [f["name"] for f in fields], table
        stored = {r[fields[0]["name"]]: r for r in frame.astype(object).to_dict("records")}
        for raw in raw_rows(table):
            row = stored[raw[fields[0]["name"]]]
            for name in oracle.header(table):
                assert _as_raw_text(row[name], raw[name]) == raw[name], (table, name)
        for field in fields:
            name, full = field["name"], field["description"]
            text, cut = _label_for(full)
            if cut:
                assert labels[name].endswith("...") and len(labels[name]) <= 80, (table, name)
                assert text.startswith(labels[name][:-3]) and text[len(labels[name]) - 3] in " ,;:(", (table, name)
            else:
                assert labels[name] == text, (table, name)
            if "enum" in field.get("constraints", {}):
                assert values[name] == dict(enumerate(field["constraints"]["enum"])), (table, name)
            elif field["type"] == "boolean":
                assert values[name] == {0: "false", 1: "true"}, (table, name)
            else:
                assert name not in values, (table, name)
        raw_frame = pd.read_stata(tmp_path / f"{table}.dta", convert_categoricals=False, convert_dates=False)
        for field in fields:
            column = raw_frame[field["name"]]
            if field["type"] == "string" and "enum" not in field.get("constraints", {}):
                assert column.map(type).eq(str).all(), (table, field["name"])  # missing text is ""
            else:
                assert column.dtype.kind == "f" or column.dtype.kind == "i", (table, field["name"])


@pytest.mark.slow
def test_dates_are_stata_daily_dates(tmp_path: Path) -> None:
    """%td: days since 1 January 1960, so Stata shows a date, never a number of milliseconds."""
    write_stata(tmp_path)
    raw = pd.read_stata(tmp_path / "events.dta", convert_dates=False)
    first = next(r for r in raw_rows("events") if r["event_id"] == "1930s-famines-in-kazakhstan")
    row = raw[raw.event_id == first["event_id"]].iloc[0]
    days = (pd.Timestamp(first["date_start"]) - pd.Timestamp("1960-01-01")).days
    assert row.date_start == days
    with pd.io.stata.StataReader(tmp_path / "events.dta") as reader:
        reader.read()
        formats = dict(zip(reader._varlist, reader._fmtlist, strict=True))
    assert formats["date_start"] == "%td" and formats["date_end"] == "%td"


@pytest.mark.slow
def test_the_fresh_dictionary_has_one_row_per_column_with_everything(tmp_path: Path) -> None:
    write_stata(tmp_path)
    with pd.io.stata.StataReader(tmp_path / "kzdata_columns.dta") as reader:
        frame = reader.read()
        data_label = reader.data_label
    assert data_label == "kzdata data dictionary: one row per column of every table"
    expected = [(r["name"], f["name"]) for r in DESCRIPTOR["resources"] for f in r["schema"]["fields"]]
    assert list(zip(frame.table_name, frame.column_name, strict=True)) == expected
    references = {(t, c): f"{ref}.{ref_col}" for t, c, ref, ref_col in FOREIGN_KEYS}
    rows = frame.set_index(["table_name", "column_name"])
    for resource in DESCRIPTOR["resources"]:
        for field in resource["schema"]["fields"]:
            row = rows.loc[(resource["name"], field["name"])]
            rules = field.get("constraints", {})
            assert row.description == field["description"]
            assert row.nullable == (0 if rules.get("required") else 1), field["name"]
            assert row.allowed_values == ", ".join(rules.get("enum", [])), field["name"]
            assert row.references == references.get((resource["name"], field["name"]), ""), field["name"]
    assert set(frame.type) == {"id", "text", "url", "category", "integer", "number", "boolean", "date"}


def test_text_longer_than_a_stata_str_is_stored_as_strl(tmp_path: Path) -> None:
    """A cell over 2,045 bytes makes its column strL, which Stata reads whole; missing text is ""."""
    people = load("people")
    long = "x" * 2046
    people.loc[0, "description"] = long
    people.loc[1, "description"] = pd.NA
    _, _, strl = stata_frame(PEOPLE, people)
    assert strl == ["description"]
    write_table(PEOPLE, people, tmp_path / "people.dta")
    back = pd.read_stata(tmp_path / "people.dta")
    assert back.loc[0, "description"] == long and back.loc[1, "description"] == ""
    _, _, none_long = stata_frame(PEOPLE, load("people"))
    assert none_long == []


def test_a_missing_boolean_or_category_stays_missing(tmp_path: Path) -> None:
    events = load("events").copy(deep=True)
    events.loc[0, "date_inferred"] = pd.NA
    events.loc[0, "date_basis"] = pd.NA
    write_table(EVENTS, events, tmp_path / "events.dta")
    back = pd.read_stata(tmp_path / "events.dta")
    assert pd.isna(back.loc[0, "date_inferred"]) and pd.isna(back.loc[0, "date_basis"])
    assert back.loc[1, "date_inferred"] in ("false", "true")


def test_a_pandas_that_cannot_write_the_dates_is_told_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal names the pandas version, the table and each date column's span, and what to do."""

    def refuse(self: pd.DataFrame, *args: object, **kwargs: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(pd.DataFrame, "to_stata", refuse)
    starts = sorted(r["date_start"] for r in raw_rows("events") if r["date_start"])
    with pytest.raises(InvalidArgumentError) as refused:
        write_table(EVENTS, load("events"), tmp_path / "events.dta")
    message = str(refused.value)
    assert message.startswith(f"the installed pandas {pd.__version__} cannot write the dates of table events to Stata")
    assert f"date_start from {starts[0]} to {starts[-1]}" in message
    assert "; date_end from " in message and "date value out of range" in message
    assert "pip install -U pandas" in message and message.endswith("(e.g. --format csv)")


def test_short_label_edges() -> None:
    """Spaces are evened out; a cut ends at a word, without trailing punctuation; a long word is cut hard."""
    assert short_label("  two   spaces\nand a line  ") == "two spaces and a line"
    exact = "y" * 80
    assert short_label(exact) == exact
    assert short_label("z" * 81) == "z" * 77 + "..."
    assert short_label("a" * 40 + " " + "b" * 60) == "a" * 40 + "..."
    assert short_label("word, " * 20) == "word, " * 11 + "word..."
    assert short_label("a" * 45 + " ( " + "r" * 60) == "a" * 45 + "..."
    assert short_label("a" * 45 + ": " + "r" * 60) == "a" * 45 + "..."
    assert short_label("a" * 30 + " " + "r" * 60) == "a" * 30 + " " + "r" * 46 + "...", (
        "no word ends in the second half"
    )
    assert short_label("short " * 5 + "x" * 70, limit=20) == "short short..."


def _types(file: Path) -> dict[str, object]:
    """Each variable's Stata storage type as pandas' reader gives it ("Q" is strL)."""
    with pd.io.stata.StataReader(file) as reader:
        reader.read()
        return dict(zip(reader._varlist, reader._typlist, strict=True))


@pytest.mark.slow
def test_files_are_stata_14_format_and_the_dictionary_keeps_long_text_whole(tmp_path: Path) -> None:
    """Format 118 (Stata 14 and later read it); the dictionary has its seven variables, the long ones as strL."""
    write_stata(tmp_path)
    for file in tmp_path.glob("*.dta"):
        assert file.read_bytes()[:41] == b"<stata_dta><header><release>118</release>", file.name
    types = _types(tmp_path / "kzdata_columns.dta")
    assert list(types) == [
        "table_name", "column_name", "type", "nullable", "allowed_values", "references", "description",
    ]  # fmt: skip
    assert types["description"] == "Q" and types["allowed_values"] == "Q"
    assert types["table_name"] != "Q"


def test_strl_is_used_above_2045_bytes_only(tmp_path: Path) -> None:
    people = load("people")
    exact = people.copy()
    exact.loc[0, "description"] = "x" * 2045
    assert stata_frame(PEOPLE, exact)[2] == []
    longer = people.copy()
    longer.loc[0, "description"] = "x" * 2046
    write_table(PEOPLE, longer, tmp_path / "people.dta")
    assert _types(tmp_path / "people.dta")["description"] == "Q"
    assert stata_frame(PEOPLE, people.iloc[:0])[2] == [], "an empty table has no long text"


def test_a_column_name_too_long_for_stata_is_refused() -> None:
    """Stata takes 32 characters: 32 pass, 33 are refused naming the column and what to do."""
    people = load("people")
    for length, refused in ((32, False), (33, True)):
        name = "n" * length
        table = dataclasses.replace(
            PEOPLE, columns=tuple(dataclasses.replace(c, name=name) if c.name == "name" else c for c in PEOPLE.columns)
        )
        frame = people.rename(columns={"name": name})
        if refused:
            with pytest.raises(InvalidArgumentError) as error:
                stata_frame(table, frame)
            assert str(error.value) == (
                f"column people.{name} is longer than Stata's 32 characters; rename it in the registry"
            )
        else:
            assert name in stata_frame(table, frame)[0].columns


def test_short_label_strips_only_separators_at_the_cut() -> None:
    assert short_label("a" * 45 + " BOX " + "r" * 60) == "a" * 45 + " BOX..."


def test_the_r_recipe_restores_missing_text_exactly_where_raw_is_empty(out: Path) -> None:
    """docs/publishing.md's R recipe, step by step with ReadStat (haven's library): "" -> NA in the
    nullable id, text and URL columns listed by kzdata_columns.dta gives NA exactly where raw/ is empty."""
    import re

    pyreadstat = pytest.importorskip("pyreadstat")
    recipe = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8").split("### Missing text in R", 1)[1]
    recipe = recipe.split("```r", 1)[1].split("```", 1)[0]
    kinds = re.search(r"columns\$type %in% c\(([^)]*)\)", recipe)
    assert kinds is not None
    text_kinds = {k.strip().strip('"') for k in kinds.group(1).split(",")}
    assert text_kinds == {"id", "text", "url"}
    assert "columns$nullable == 1" in recipe and "columns$table_name == table" in recipe
    columns, _ = pyreadstat.read_dta(str(out / "kzdata_columns.dta"))
    assert set(re.findall(r"columns\$(\w+)", recipe)) <= set(columns.columns)
    restored_somewhere = 0
    for table in oracle.RAW_TABLES:
        frame, _ = pyreadstat.read_dta(str(out / f"{table}.dta"))
        chosen = columns[
            (columns["table_name"] == table) & (columns["nullable"] == 1) & columns["type"].isin(text_kinds)
        ]
        for column in chosen["column_name"]:
            frame[column] = frame[column].where(frame[column] != "", None)
        for column in oracle.header(table):
            if frame[column].dtype != object:
                continue  # numbers, dates and labelled codes carry Stata's own missing value
            raw = [r[column] for r in raw_rows(table)]
            missing = frame[column].isna().tolist()
            assert missing == [v == "" for v in raw], (table, column)
            restored_somewhere += sum(missing)
    assert restored_somewhere > 100
