"""The facts docs/people-policy.md and CONTRIBUTING.md state, checked against raw/ (read with the csv module)."""

from __future__ import annotations

import re
import unicodedata

import kzdata
from tests import oracle
from tests.conftest import REPO

POLICY = (REPO / "docs" / "people-policy.md").read_text(encoding="utf-8")
#: Words that would name personal data the policy says kzdata does not hold, by hand.
NOT_HELD = ("address", "birth", "born", "age", "phone", "email", "mail", "photo", "passport", "iin", "contact")


def test_people_and_sentences_hold_exactly_the_columns_the_policy_lists() -> None:
    assert oracle.header("people") == ["person_id", "name", "description", "role_in_dataset"]
    assert oracle.header("sentences") == [
        "sentence_id",
        "person_id",
        "prison_years",
        "charges",
        "closed_trial",
        "verdict_start",
        "verdict_end",
        "verdict_precision",
        "verdict_inferred",
        "verdict_basis",
        "event_id",
        "description",
    ]
    for table in ("people", "sentences"):
        listed = re.search(rf"^\| `{table}` \| (.+?) \|", POLICY, re.M)
        assert listed is not None
        assert re.findall(r"`([a-z_]+)`", listed.group(1)) == oracle.header(table)
    assert {"alias", "kind", "note"} <= set(oracle.header("aliases"))
    assert {"event_id", "person_id", "role"} <= set(oracle.header("event_actors"))
    assert {"person_id", "organization_id", "title", "start_date", "end_date"} <= set(oracle.header("positions"))


def test_no_table_about_people_has_a_column_for_personal_data_the_policy_excludes() -> None:
    for table in ("people", "sentences", "positions", "aliases", "event_actors"):
        words = {w for column in oracle.header(table) for w in column.split("_")}
        assert not words & set(NOT_HELD), table


def test_the_only_identifier_of_a_person_is_made_from_the_name() -> None:
    def plain(text: str) -> list[str]:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        return re.split(r"[\s.\-]+", ascii_text)

    for person in oracle.rows("people"):
        assert set(person["person_id"].split("-")) <= set(plain(person["name"])), person["person_id"]


def test_no_value_about_a_person_is_editorial() -> None:
    marked = oracle.rows("editorial_values")
    assert not [r for r in marked if r["record_table"] in ("people", "sentences", "positions", "event_actors")]
    person_aliases = {r["alias_id"] for r in oracle.rows("aliases") if r["person_id"]}
    assert not [r for r in marked if r["record_table"] == "aliases" and r["record_id"] in person_aliases]


def test_the_counts_the_policy_states() -> None:
    people = oracle.rows("people")
    roles = [p["role_in_dataset"] for p in people]
    assert (len(people), roles.count("actor"), roles.count("author")) == (44, 14, 30)
    assert len(oracle.rows("sentences")) == 5
    assert "names 44 people (14 actors, 30 authors of cited works)" in " ".join(POLICY.split())
    assert "and 5 sentences" in POLICY


def test_a_retracted_id_is_a_tombstone_listed_and_resolving_to_none() -> None:
    """What a removal on request leaves, shown on the retractions the log already holds."""
    retracted = [r for r in oracle.rows("changes") if r["change"] == "retracted"]
    assert retracted
    listed = kzdata.retired()
    for row in retracted:
        assert kzdata.replacement(row["record_table"], row["record_id"]) is None
        mine = listed[(listed["record_table"] == row["record_table"]) & (listed["record_id"] == row["record_id"])]
        assert mine["change"].tolist() == ["retracted"] and mine["reason"].tolist() == [row["reason"]]


def test_contributing_names_commands_that_exist() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    from kzdata._cli import parser

    commands = set(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    named = set(re.findall(r"`kzdata ([a-z-]+)", text))
    assert named == {"show", "evidence", "retired", "quality", "build", "release"}
    assert named <= commands
    assert (REPO / "scripts" / "apply_pending.py").is_file()
    assert "docs/people-policy.md" in text and (REPO / "docs" / "people-policy.md").is_file()
