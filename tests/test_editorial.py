"""docs/editorial.md against raw/editorial_values.csv (read with the csv module): counts and examples."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import pytest

import kzdata
from kzdata._pipeline.build import build
from kzdata.errors import RawDataError
from tests.conftest import REPO

DOC = (REPO / "docs" / "editorial.md").read_text(encoding="utf-8")


def _marks() -> list[dict[str, str]]:
    with (REPO / "raw" / "editorial_values.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_counts_of_what_0_3_0_marks() -> None:
    marks = _marks()
    by = collections.Counter((m["record_table"], m["column_name"]) for m in marks)
    links = by["places", "parent_id"] + by["organizations", "country_id"]
    documents = by["sources", "title"] + by["sources", "publisher"]
    # the sentence of docs/editorial.md, "What 0.3.0 marks", with the figures from raw/
    assert (
        f"{len(marks)} values: {by['organizations', 'name']} organization names, {by['places', 'name']} place name, "
        f"{links} parent or country links, {documents} document facts"
    ) in " ".join(DOC.split())
    assert f"{by['aliases', 'alias']} aliases of the editors" in " ".join(DOC.split())
    assert f"and {by['discrepancies', 'explanation']} discrepancy explanations" in " ".join(DOC.split())
    assert len(marks) == len(kzdata.editorial_values())


def test_each_kind_has_its_example_in_the_data() -> None:
    """Every row of the table of kinds names a mark of that kind (the record's id or table.id.column)."""
    marks = _marks()
    table = DOC.split("| kind | what it means | example |", 1)[1].split("\n\n", 1)[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.strip().splitlines()[1:]]
    assert [r[0].strip("`") for r in rows] == [
        "completed_name",
        "expanded_abbreviation",
        "normalised_spelling",
        "editorial_form",
        "outside_knowledge",
        "document_metadata",
    ]
    for kind, _, example in rows:
        named = example.split("`")[1]
        parts = named.split(".")
        record = parts[1] if len(parts) == 3 else parts[0]
        hits = [m for m in marks if m["kind"] == kind.strip("`") and m["record_id"] == record]
        if len(parts) == 3:
            hits = [m for m in hits if (m["record_table"], m["column_name"]) == (parts[0], parts[2])]
        assert hits, (kind, named)


def test_the_example_of_the_doc_runs() -> None:
    marks = kzdata.editorial_values()
    places = marks.query("record_table == 'places'")[["record_id", "column_name", "recorded_value", "kind"]]
    expected = [m for m in _marks() if m["record_table"] == "places"]
    assert sorted(places["record_id"]) == sorted(m["record_id"] for m in expected)


@pytest.mark.parametrize(
    ("value", "rule"), [("", "a value is required"), ("Turkey ", "no leading or trailing whitespace")]
)
def test_the_build_reports_a_blank_recorded_value_and_the_rest(project_copy: Path, value: str, rule: str) -> None:
    """Once a crash of the rule (a traceback hid every other problem): now the schema's report, with the others."""
    path = project_copy / "raw" / "editorial_values.csv"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("places-turkiye-name,"))
    path.write_text(text.replace(",Turkey,normalised_spelling,", f",{value},normalised_spelling,"), encoding="utf-8")
    places = project_copy / "raw" / "places.csv"
    places.write_text(places.read_text(encoding="utf-8").replace("berlin,Berlin,city,germany,", "berlin,Berlin,city,,"))
    with pytest.raises(RawDataError) as caught:
        build(project_copy)
    issues = [(i.where, i.row, i.column, i.rule) for i in caught.value.issues]
    assert ("raw/editorial_values.csv", f"line {line}", "recorded_value") in [i[:3] for i in issues], issues
    assert any(i[:3] == ("raw/editorial_values.csv", f"line {line}", "recorded_value") and rule in i[3] for i in issues)
    assert any("the record holds no value there now: remove the mark" in i[3] for i in issues), issues
