"""What the code answers, checked against an answer it did not compute.

* ``resolve()``: every column of the answer (type, id, the entity's name, the name or alias
  that matched, and how) against the rows of ``raw/aliases.csv`` and the entity tables;
* ``cite()`` on a merge that keeps only some columns of the second table: the sources of
  both tables, from ``raw/citations.csv`` (tests/oracle.py);
* the workbook: a text cell that a spreadsheet would read as a formula (beginning with
  ``=``, ``+``, ``-`` or ``@``) is stored as text *and* marked with a quote prefix, which
  is what keeps it text when a user edits the cell; values written here by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kzdata
from kzdata import _files, _integrity
from tests import oracle
from tests.conftest import REPO
from tests.release_copy import ReleaseCopy

ENTITY = {"person": ("people", "person_id"), "organization": ("organizations", "organization_id")}
ENTITY |= {"place": ("places", "place_id"), "reform": ("reforms", "reform_id")}


def raw_name(entity_type: str, entity_id: str) -> str:
    table, key = ENTITY[entity_type]
    return next(r["name"] for r in oracle.rows(table) if r[key] == entity_id)


def raw_alias(alias_id: str) -> dict[str, str]:
    return next(r for r in oracle.rows("aliases") if r["alias_id"] == alias_id)


@pytest.mark.parametrize(
    ("text", "entity_type", "entity_id", "alias_id"),
    [
        ("KNB", "organization", "national-security-committee", "knb-abbreviation"),
        ("Nur-Sultan", "place", "astana", "astana-nur-sultan"),
        ("Nur Sultan", "place", "astana", "astana-nur-sultan"),  # punctuation folds to a space
        ("Tokaev", "person", "tokayev-kassym-jomart", "tokayev-short"),  # folds to the alias Tokayev
        ("Masimov", "person", "massimov-karim", "massimov-short"),  # a doubled letter folds away
        ("türkiye", "place", "turkiye", "turkiye-spelling"),  # case and diacritics
        ("Turkiye", "place", "turkiye", "turkiye-spelling"),
        ("Turkey", "place", "turkiye", None),  # the place's own name
        ("Collective Security Treaty Organization", "organization", "csto", None),
        ("Almaty", "place", "almaty", None),
    ],
)
def test_resolve_answers_with_the_raw_name_and_the_alias_that_matched(
    text: str, entity_type: str, entity_id: str, alias_id: str | None
) -> None:
    if alias_id is None:
        matched, via = raw_name(entity_type, entity_id), "name"
    else:
        alias = raw_alias(alias_id)
        assert alias[ENTITY[entity_type][1]] == entity_id, "the alias row names the entity"
        matched, via = alias["alias"], f"alias:{alias['kind']}"
    got = kzdata.resolve(text)
    assert list(got.columns) == ["entity_type", "entity_id", "name", "matched", "via"]
    assert got.astype(str).to_dict("records") == [
        {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "name": raw_name(entity_type, entity_id),
            "matched": matched,
            "via": via,
        }
    ]


def unknown_entity_message(text: str) -> str:
    with pytest.raises(kzdata.UnknownEntityError) as caught:
        kzdata.resolve(text)
    return str(caught.value)


def test_an_unknown_name_gets_the_message_docs_errors_md_shows() -> None:
    """The example of docs/errors.md, word for word: the close spellings, then where to look."""
    doc = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    example = doc.split('>>> kzdata.resolve("Nazarbaeff")\n', 1)[1].split("\n```", 1)[0]
    assert unknown_entity_message("Nazarbaeff") == " ".join(example.removeprefix("UnknownEntityError: ").split("\n"))
    assert raw_alias("nazarbayev-nazarbaev")["alias"] == "Nazarbaev", "the doc's suggestion is a raw alias"


def test_a_suggestion_is_made_once_whatever_its_case_or_transliteration() -> None:
    """Issue 21: "Nazarbaeff" was answered "Nazarbaev, nazarbaev, Nazarbayev", one spelling three times.

    The three raw aliases differ only in case and in "-yev"/"-ev", which resolve() ignores
    (kzdata/_resolve.py), so only the first of them, in the order of raw/aliases.csv, is suggested.
    """
    same = [raw_alias(a)["alias"] for a in ("nazarbayev-nazarbaev", "nazarbayev-nazarbaev-url", "nazarbayev-short")]
    assert same == ["Nazarbaev", "nazarbaev", "Nazarbayev"]
    message = unknown_entity_message("Nazarbaeff")
    suggested = message.split("Did you mean: ", 1)[1].split("?", 1)[0].split(", ")
    assert suggested == ["Nazarbaev"]


def test_a_name_with_nothing_close_gets_no_suggestion() -> None:
    assert unknown_entity_message("Xyzzy") == (
        "no person, organization, place or reform is called 'Xyzzy'. "
        "Search kzdata.aliases() for the variants kzdata knows."
    )


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        # only the alias Massimov is close enough; the full name Karim Massimov is not suggested
        ("Masimoff", [raw_alias("massimov-short")["alias"]]),
        # four spellings are close; the three closest are suggested, not Qazaqstan
        ("Of Kazakhstan", ["Oyan Qazaqstan", "Kazakhstan", "New Kazakhstan"]),
    ],
)
def test_an_unknown_name_suggests_at_most_three_close_spellings(text: str, suggested: list[str]) -> None:
    message = unknown_entity_message(text)
    assert message == (
        f"no person, organization, place or reform is called {text!r}. Did you mean: {', '.join(suggested)}? "
        "Search kzdata.aliases() for the variants kzdata knows."
    )
    every = {r["name"] for t in ("people", "organizations", "places", "reforms") for r in oracle.rows(t)}
    assert set(suggested) <= every | {r["alias"] for r in oracle.rows("aliases")}, "suggestions are raw spellings"


@pytest.mark.parametrize("text", ["", "   ", None, 3])
def test_resolve_without_a_name_says_what_it_needs(text: object) -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as caught:
        kzdata.resolve(text)  # type: ignore[arg-type]
    assert str(caught.value) == f"resolve() needs a non-empty name, got {text!r}"


# --------------------------------------------------------------------------- cite() on a partial merge


@pytest.mark.parametrize(
    ("left", "right", "key", "kept"),
    [
        ("sentences", "people", "person_id", ["person_id", "name"]),
        ("aliases", "people", "person_id", ["person_id", "name"]),
        ("positions", "organizations", "organization_id", ["organization_id", "kind"]),
    ],
)
def test_a_merge_with_some_columns_of_another_table_cites_both_tables(
    left: str, right: str, key: str, kept: list[str]
) -> None:
    merged = kzdata.load(left).merge(kzdata.load(right)[kept], on=key)  # type: ignore[call-overload]
    expected = oracle.sources_behind(left, set(merged[oracle.key(left)])) | oracle.sources_behind(
        right, set(merged[key])
    )
    assert expected > oracle.sources_behind(left, set(merged[oracle.key(left)])), "the right table adds sources"
    got = re.findall(r"^@misc\{([^,]+),$", kzdata.cite(merged, style="bibtex"), flags=re.M)
    assert got[0] == f"kzdata_{kzdata.__version__.replace('.', '_')}", "the dataset citation comes first"
    assert set(got[1:]) == expected


# --------------------------------------------------------------------------- the workbook


RISKY = {"=1+1": "equals", "+7 700 123": "plus", "-5 dead": "minus", "@SUM(A1)": "at"}


@pytest.mark.slow
def test_every_formula_start_is_stored_as_quoted_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    release = ReleaseCopy(tmp_path / "kzdata" / "data")
    people = [r["person_id"] for r in oracle.rows("people")]
    written = dict(zip(people, [*RISKY, "Plain text, not a formula"], strict=False))
    for person, text in written.items():
        release.set("people", person, description=text)
    release.save()
    monkeypatch.setattr(_files, "locate", lambda: release.folder)
    # The edited copy is a forgery that verify refuses (tests/test_trust.py); what is under test
    # here is the workbook writer, so the gate hands it the copy's files unverified.
    files = {p.relative_to(release.folder).as_posix(): p.read_bytes() for p in release.folder.rglob("*") if p.is_file()}
    monkeypatch.setattr(_integrity, "verified_files", lambda: files)
    kzdata.export(tmp_path / "out", "xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "xlsx" / "kzdata.xlsx")["people"]
    header = [c.value for c in sheet[1]]
    cells = {
        row[header.index("person_id")].value: row[header.index("description")] for row in sheet.iter_rows(min_row=2)
    }
    for person, text in written.items():
        cell = cells[person]
        assert (cell.value, cell.data_type) == (text, "s"), person
        assert cell.quotePrefix is (text in RISKY), f"{text!r}: a quote prefix exactly on formula-like text"
