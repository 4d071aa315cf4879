"""The README's Python examples run as written and print what the README says they print.

Each block has an oracle below that computes, from raw/*.csv with the csv module, what
its output must contain; a new block without an oracle fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests import oracle
from tests.conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.S)


def _sentenced() -> list[tuple[str, str]]:
    """(name, prison years or '') of every sentence, longest term first, unknown terms last."""
    people = {r["person_id"]: r["name"] for r in oracle.rows("people")}
    rows = [(people[r["person_id"]], r["prison_years"]) for r in oracle.rows("sentences")]
    return sorted(rows, key=lambda r: (r[1] == "", -int(r[1] or 0)))


def check_usage(out: str) -> None:
    inside = [r for r in oracle.dated_records() if r[0] >= "2022-01-01" and r[1] <= "2022-01-19"]
    for start, end, precision, kind, _, title in inside[:5]:
        date = {"day": start, "month": start[:7], "year": start[:4]}.get(precision, f"{start}/{end}")
        assert re.search(rf"^\s*{re.escape(date)}\s+{kind}\s+{re.escape(title)}\s*$", out, flags=re.M), title
    for name, _ in _sentenced():
        assert name in out
    titles = {r["source_id"]: r["title"] for r in oracle.rows("sources")}
    behind = oracle.sources_behind("sentences", {r["sentence_id"] for r in oracle.rows("sentences")})
    for source in behind:
        assert titles[source] in out, source
    # cite(sentences): the release's fingerprint, then each document's pinpoints (docs/citing.md)
    assert re.search(r"\[Data set\]\. Released [0-9-]+\. Fingerprint sha256:[0-9a-f]{64}\.", out)
    sentences = {r["sentence_id"] for r in oracle.rows("sentences")}
    for paragraphs, notes in oracle.document_pinpoints("sentences", sentences).values():
        for heading, numbers in paragraphs.items():
            label = "para." if len(numbers) == 1 else "paras."
            assert f"{heading}, {label} {', '.join(map(str, sorted(numbers)))}" in out, heading
        if notes:
            assert f"{'n.' if len(notes) == 1 else 'nn.'} {', '.join(map(str, sorted(notes)))}" in out
    total = sum(len(oracle.rows(t)) for t in oracle.TABLE_ORDER)
    assert f"20 tables, {total} rows: all schema and cross-table checks passed" in out


def check_january(out: str) -> None:
    """The events of January 2022 that happened (status occurred or reported), and those left out."""
    inside = [r for r in oracle.rows("events") if r["date_start"] >= "2022-01-01" and r["date_end"] <= "2022-01-31"]
    happened = [r for r in inside if r["status"] in ("occurred", "reported")]
    assert f"{len(happened)} events happened in January 2022" in out
    left_out = [r for r in inside if r["status"] not in ("occurred", "reported")]
    assert ("2022-01-abish-reported-detained", "contradicted") in [(r["event_id"], r["status"]) for r in left_out]
    lines = out.splitlines()
    assert len(lines) == 2 + len(left_out)
    for r in left_out:
        assert any(re.fullmatch(rf"\s*{re.escape(r['event_id'])}\s+{r['status']}", line) for line in lines), r


def check_duckdb(out: str) -> None:
    names = [name for name, _ in _sentenced()]
    positions = [out.index(name) for name in names]
    assert positions == sorted(positions), "longest sentence first, unknown terms last"
    for name, years in _sentenced():
        line = next(line for line in out.splitlines() if name in line)
        assert (years or "NULL") in line


def check_polars(out: str) -> None:
    counts: dict[str, int] = {}
    for r in oracle.rows("events"):
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    assert ranked[1][1] > ranked[2][1], "the README's top two would be ambiguous"
    top = ranked[:2]
    for category, n in top:
        assert re.search(rf"{re.escape(category)}\W+{n}\b", out), (category, n)
    positions = [out.index(category) for category, _ in top]
    assert positions == sorted(positions), "most frequent first"


def check_history(out: str) -> None:
    """0.2.0's events, and what diff 0.2.0 0.3.0 lists, from raw/changes.csv (the log of 0.3.0) and raw/events.csv."""
    log = [r for r in oracle.rows("changes") if r["version"] == "0.3.0"]
    events = len(oracle.rows("events"))
    added = sum(1 for r in log if r["record_table"] == "events" and r["change"] == "added")
    gone = sum(1 for r in log if r["record_table"] == "events" and r["change"] in ("retracted", "merged"))
    assert f"{events - added + gone} events in 0.2.0\n" in out
    assert f"\n{len(log)} change-log entries of 0.3.0\n" in out
    for kind in ("added", "retracted", "renamed"):
        n = sum(1 for r in log if r["change"] == kind)
        assert re.search(rf"^{kind}\s+{n}$", out, flags=re.M), (kind, n)
    renamed = [(r["record_id"], r["merged_into"]) for r in log if r["change"] == "renamed"]
    for old, new in renamed:
        assert re.search(rf"^\s*{re.escape(old)}\s+{re.escape(new)}$", out, flags=re.M), old
    assert len(re.findall(r"^\s*\S+\s+\S+$", out.split("record_id")[1], flags=re.M)) == len(renamed)


def check_citing(out: str) -> None:
    """The release's citation with its fingerprint first, the protests' pinpoints, one record's evidence."""
    first = out.splitlines()[0]
    assert re.search(r"\(Version [0-9.]+\) \[Data set\]\. .*Fingerprint sha256:[0-9a-f]{64}\.", first), first
    protests = {r["event_id"] for r in oracle.rows("events") if r["category"] == "protest"}
    headings = {r["section_id"]: r["heading"] for r in oracle.rows("sections")}
    for c in oracle.citations_behind("events", protests):
        if c["paragraph"]:
            assert re.search(rf"{re.escape(headings[c['section_id']])}, paras?\. [\d, ]*\b{c['paragraph']}\b", out)
        if c["footnote"]:
            assert re.search(rf"nn?\. [\d, ]*\b{c['footnote']}\b", out)
    for c in oracle.citations_behind("people", {"massimov-karim"}):
        row = rf"{c['citation_id']}\s+{re.escape(headings[c['section_id']])}\s+{c['paragraph'] or '<NA>'}\s+"
        row += rf"{c['footnote'] or '<NA>'}\s+{c['span_start'] or '<NA>'}\s+{c['span_end'] or '<NA>'}"
        assert re.search(row, out), c["citation_id"]
    anchored = sum(1 for c in oracle.rows("citations") if c["span_sha256"])
    assert f"\n{anchored} annotations\n" in out


def check_quality(out: str) -> None:
    """The report's rows now and in the previous release (its manifest), anchors, and two merged ids."""
    import csv
    from collections import Counter

    lines = out.splitlines()
    now = sum(len(oracle.rows(t)) for t in oracle.TABLE_ORDER)
    log = oracle.rows("changes")
    with (oracle.REPO / "raw" / "releases" / "0.2.0.csv").open(encoding="utf-8", newline="") as fh:
        frozen = sum(Counter(r["record_table"] for r in csv.DictReader(fh)).values())
    before = frozen + sum(1 for r in log if r["version"] == "0.2.0")  # the log's own rows then
    assert lines[0] == f"0.3.0 {now} rows; in 0.2.0 {before}"
    citations = oracle.rows("citations")
    assert lines[1] == f"{sum(1 for r in citations if r['span_sha256'])} of {len(citations)} citations anchored"
    merged = sorted(r["record_id"] for r in log if r["record_table"] == "indicator_values" and r["change"] == "merged")
    assert len(lines) == 3 + len(merged)
    for line, record_id in zip(lines[3:], merged, strict=True):
        assert line.split() == [record_id, "merged", "smaller-parties-vote-share-2023"]


ORACLES: list[Callable[[str], None]] = [
    check_usage,
    check_january,
    check_duckdb,
    check_polars,
    check_history,
    check_citing,
    check_quality,
]


def test_every_example_has_an_oracle() -> None:
    assert len(BLOCKS) == len(ORACLES)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "check"),
    list(zip(BLOCKS, ORACLES, strict=False)),
    ids=["usage", "january", "duckdb", "polars", "history", "citing", "quality"],
)
def test_readme_example_prints_what_it_promises(
    code: str, check: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    if "duckdb" in code:
        pytest.importorskip("duckdb")
    if "polars" in code:
        pytest.importorskip("polars")
    exec(compile(code, "README.md", "exec"), {})
    check(capsys.readouterr().out)


def test_ci_runs_the_readmes_second_command() -> None:
    # The README promises a newcomer the command CI runs; the two must not drift apart.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", readme.split("## Two commands")[1].split("\n## ")[0], flags=re.S)
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").replace("pip install -q ", "pip install ")
    assert commands[1] in ci  # CI only adds pip's -q
