"""Anchors and ``verify-sources`` on two synthetic documents of our own (docs/anchors.md).

The documents below are invented and mimic the primary documents' layouts: an article in
Markdown with a title, a byline, footnote markers, a sentence cut by a page break and a
block of footnotes, a footnote continued on a second line and an image caption; a brief
with one line per block, a heading line and a word broken at a line's end. Their
skeletons, their paragraphs' normalised text and the anchors are written out by hand here;
offsets come from ``str.index`` on those hand-written texts, hashes from :mod:`hashlib`.
Nothing expected is computed by kzdata.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from kzdata import _anchors as anchors
from kzdata._verify_sources import verify_sources

ARTICLE = """

Field Note
March 3, 2030

## The Lantern Festival of Nova Brda

*Jana Q. Dovic*

The festival opened on 1 March in the old square. Dr. Ivo K. Marsh lit the first lantern at 18:00.<sup>1</sup> About 4,000 people came that evening, the guild said. Heavy

---

<sup>1</sup> Lantern Guild, "Attendance," *Town Bulletin*, 2 Mar. 2030. (<https://example.org/guild\\_2030>)

<sup>2</sup> Ivo Marsh, "Words at the square,"

*Harbour Review*, 4 Mar. 2030.

rain stopped the parade on 2 March. The council moved it to the river bank.<sup>2</sup>

Lanterns over the river. Via [Commons](#).

### **Costs**

The council spent 1.2 million crowns on lanterns, twice the 2029 sum. It plans a smaller festival.

Critics said the money was wasted on café lights. The mayor disagreed.
"""  # noqa: E501 - the article keeps a paragraph on one line, as the real one does

BRIEF = """Harbour Brief

The harbour of Nova Brda reopened on 5 May after a two-

week closure. Ships had waited offshore.

Trade

Trade fell by 12% in May. The U.S. consul visited on 9 May.
"""

#: Each counted line of the article (docs/anchors.md: every line with a non-space character),
#: normalised by hand, and its place: (section, paragraph, footnote), or None.
ARTICLE_LINES: list[tuple[str, tuple[str, int | None, int | None] | None]] = [
    ("Field Note", ("syn-front", 1, None)),
    ("March 3, 2030", ("syn-front", 1, None)),
    ("The Lantern Festival of Nova Brda", ("syn-front", 1, None)),
    ("Jana Q. Dovic", ("syn-front", 1, None)),
    (
        "The festival opened on 1 March in the old square. Dr. Ivo K. Marsh lit the first lantern at 18:00. "
        "About 4,000 people came that evening, the guild said. Heavy",
        ("syn-intro", 1, None),
    ),
    ("---", None),
    (
        'Lantern Guild, "Attendance," Town Bulletin, 2 Mar. 2030. (https://example.org/guild_2030)',
        ("syn-notes", None, 1),
    ),
    ('Ivo Marsh, "Words at the square,"', ("syn-notes", None, 2)),
    ("Harbour Review, 4 Mar. 2030.", ("syn-notes", None, 2)),
    ("rain stopped the parade on 2 March. The council moved it to the river bank.", ("syn-intro", 1, None)),
    ("Lanterns over the river. Via Commons.", None),
    ("Costs", None),
    (
        "The council spent 1.2 million crowns on lanterns, twice the 2029 sum. It plans a smaller festival.",
        ("syn-costs", 1, None),
    ),
    ("Critics said the money was wasted on café lights. The mayor disagreed.", ("syn-costs", 2, None)),
]

BRIEF_LINES: list[tuple[str, tuple[str, int | None, int | None] | None]] = [
    ("Harbour Brief", None),
    ("The harbour of Nova Brda reopened on 5 May after a two-", ("brief-main", 1, None)),
    ("week closure. Ships had waited offshore.", ("brief-main", 1, None)),
    ("Trade", None),
    ("Trade fell by 12% in May. The U.S. consul visited on 9 May.", ("brief-trade", 1, None)),
]

INTRO = (
    "The festival opened on 1 March in the old square. Dr. Ivo K. Marsh lit the first lantern at 18:00. "
    "About 4,000 people came that evening, the guild said. Heavy rain stopped the parade on 2 March. "
    "The council moved it to the river bank."
)
NOTE_2 = 'Ivo Marsh, "Words at the square," Harbour Review, 4 Mar. 2030.'
COSTS = "The council spent 1.2 million crowns on lanterns, twice the 2029 sum. It plans a smaller festival."
CRITICS = "Critics said the money was wasted on café lights. The mayor disagreed."
HARBOUR = "The harbour of Nova Brda reopened on 5 May after a two-week closure. Ships had waited offshore."
TRADE = "Trade fell by 12% in May. The U.S. consul visited on 9 May."

#: The sentences of each paragraph, split by hand.
INTRO_SENTENCES = [
    "The festival opened on 1 March in the old square.",
    "Dr. Ivo K. Marsh lit the first lantern at 18:00.",
    "About 4,000 people came that evening, the guild said.",
    "Heavy rain stopped the parade on 2 March.",
    "The council moved it to the river bank.",
]


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _span(paragraph: str, first: str, last: str | None = None) -> tuple[int, int, str]:
    start = paragraph.index(first)
    end = paragraph.index(last or first) + len(last or first)
    return start, end, _sha(paragraph[start:end])


#: citation id -> (source, section, paragraph, footnote, span or None)
CITATIONS = {
    "c-opened": ("syn-article", "syn-intro", 1, None, _span(INTRO, INTRO_SENTENCES[0])),
    "c-marsh": ("syn-article", "syn-intro", 1, 1, _span(INTRO, INTRO_SENTENCES[1])),
    "c-crowd": ("syn-article", "syn-intro", 1, 1, _span(INTRO, INTRO_SENTENCES[2])),
    "c-rain": ("syn-article", "syn-intro", 1, 2, _span(INTRO, INTRO_SENTENCES[3])),
    "c-moved": ("syn-article", "syn-intro", 1, 2, _span(INTRO, INTRO_SENTENCES[4])),
    "c-rain-and-move": ("syn-article", "syn-intro", 1, None, _span(INTRO, INTRO_SENTENCES[3], INTRO_SENTENCES[4])),
    "c-unanchored": ("syn-article", "syn-intro", 1, None, None),
    "c-note-2": ("syn-article", "syn-notes", None, 2, _span(NOTE_2, NOTE_2)),
    "c-spent": (
        "syn-article",
        "syn-costs",
        1,
        None,
        _span(COSTS, "The council spent 1.2 million crowns on lanterns, twice the 2029 sum."),
    ),
    "c-plans": ("syn-article", "syn-costs", 1, None, _span(COSTS, "It plans a smaller festival.")),
    "c-critics": (
        "syn-article",
        "syn-costs",
        2,
        None,
        _span(CRITICS, "Critics said the money was wasted on café lights."),
    ),
    "c-reopened": ("syn-brief", "brief-main", 1, None, _span(HARBOUR, HARBOUR)),
    "c-consul": ("syn-brief", "brief-trade", 1, None, _span(TRADE, "The U.S. consul visited on 9 May.")),
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A folder with the two documents (docs/), their skeletons (skeletons/) and the citations CSV."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "docs" / "b.md").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "skeletons").mkdir()
    for source, lines in (("syn-article", ARTICLE_LINES), ("syn-brief", BRIEF_LINES)):
        with (tmp_path / "skeletons" / f"{source}.csv").open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["line", "sha256", "section_id", "paragraph", "footnote"])
            for number, (text, place) in enumerate(lines, start=1):
                section, paragraph, footnote = place or ("", None, None)
                out.writerow([number, _sha(text), section, paragraph or "", footnote or ""])
    write_citations(tmp_path / "citations.csv", CITATIONS)
    return tmp_path


def write_citations(path: Path, rows: dict[str, tuple]) -> None:
    header = ["citation_id", "record_table", "record_id", "source_id", "section_id", "paragraph", "footnote"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([*header, "span_start", "span_end", "span_sha256"])
        for cid, (source, section, paragraph, footnote, span) in rows.items():
            anchor = list(span) if span else ["", "", ""]
            out.writerow([cid, "events", "e", source, section, paragraph or "", footnote or "", *anchor])


def run(world: Path, docs: Path | None = None) -> anchors.SourcesReport:
    return verify_sources(docs or world / "docs", citations=world / "citations.csv", skeletons=world / "skeletons")


def problems(report: anchors.SourcesReport) -> dict[str, str]:
    return {p.citation_id: p.kind for p in report.problems}


def edit(world: Path, name: str, old: str, new: str) -> None:
    path = world / "docs" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------- normalisation and sentences


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("e\u0301t\u00e9", "\u00e9t\u00e9"),  # NFC: a decomposed accent composes
        ("  two\t\tspaces\n\nand\u00a0lines  ", "two spaces and lines"),
        ("lit it.<sup>12</sup> Then", "lit it. Then"),
        ("the 19<sup>th</sup> place", "the 19th place"),
        ("### **Costs and Reforms**", "Costs and Reforms"),
        ("## Title # not a heading", "Title # not a heading"),
        ("Via [Commons](#).", "Via Commons."),
        ("(<https://example.org/a_b>)", "(https://example.org/a_b)"),
        ("a \\_ b \\* c *emphasis* d_e", "a _ b * c emphasis d_e"),
        ("quotes \u201ckept\u201d and \u2019 dash \u2013 too", "quotes \u201ckept\u201d and \u2019 dash \u2013 too"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert anchors.normalise(raw) == expected


def test_sentences_of_a_paragraph_with_abbreviations_initials_and_times() -> None:
    assert [INTRO[a:b] for a, b in anchors.sentences(INTRO)] == INTRO_SENTENCES
    assert [TRADE[a:b] for a, b in anchors.sentences(TRADE)] == [
        "Trade fell by 12% in May.",
        "The U.S. consul visited on 9 May.",
    ]
    assert [NOTE_2[a:b] for a, b in anchors.sentences(NOTE_2)] == [NOTE_2]  # "Mar." ends no sentence


def test_sentences_after_closing_quotes_and_before_opening_ones() -> None:
    text = "He called it \u201cdone.\u201d \u201cNot so,\u201d said one. (She left.) 5 stayed."
    assert [text[a:b] for a, b in anchors.sentences(text)] == [
        "He called it \u201cdone.\u201d",
        "\u201cNot so,\u201d said one.",
        "(She left.)",
        "5 stayed.",
    ]


def test_locate_joins_page_break_pieces_and_footnote_lines_and_skips_captions(world: Path) -> None:
    skeleton = anchors.read_skeletons(world / "skeletons")["syn-article"]
    found = anchors.locate(skeleton, anchors.document_lines(ARTICLE))
    assert found == {
        ("syn-front", 1, None): "Field Note March 3, 2030 The Lantern Festival of Nova Brda Jana Q. Dovic",
        ("syn-intro", 1, None): INTRO,
        (
            "syn-notes",
            None,
            1,
        ): 'Lantern Guild, "Attendance," Town Bulletin, 2 Mar. 2030. (https://example.org/guild_2030)',
        ("syn-notes", None, 2): NOTE_2,
        ("syn-costs", 1, None): COSTS,
        ("syn-costs", 2, None): CRITICS,
    }
    brief = anchors.read_skeletons(world / "skeletons")["syn-brief"]
    assert anchors.locate(brief, anchors.document_lines(BRIEF))[("brief-main", 1, None)] == HARBOUR


# --------------------------------------------------------------------------- verify_sources


def test_the_unchanged_documents_verify(world: Path) -> None:
    report = run(world)
    assert report.ok, str(report)
    assert (report.checked, report.anchored, report.moved) == (13, 12, 0)
    assert report.documents == {
        "syn-article": str(world / "docs" / "a.txt"),
        "syn-brief": str(world / "docs" / "b.md"),
    }


def test_a_copy_with_another_layout_verifies(world: Path) -> None:
    """Windows line ends, a byte-order mark, a decomposed accent in a cited sentence, more blank lines."""
    article = world / "docs" / "a.txt"
    text = article.read_text(encoding="utf-8").replace("\n\n", "\n\n\n").replace("\n", "\r\n")
    article.write_bytes(b"\xef\xbb\xbf" + text.lstrip().replace("caf\u00e9", "cafe\u0301").encode("utf-8"))
    front = "Field Note March 3, 2030 The Lantern Festival of Nova Brda Jana Q. Dovic"
    write_citations(
        world / "citations.csv", {**CITATIONS, "c-front": ("syn-article", "syn-front", 1, None, _span(front, front))}
    )
    report = run(world)
    assert report.ok, str(report)
    assert report.moved == 0


def test_one_altered_sentence_fails_exactly_the_citations_on_it(world: Path) -> None:
    # The fourth sentence, cut by the page break: its second piece is on another line.
    edit(world, "a.txt", "rain stopped the parade on 2 March.", "rain stopped the great parade on 2 March.")
    report = run(world)
    assert problems(report) == {"c-rain": anchors.CHANGED, "c-rain-and-move": anchors.CHANGED}
    assert report.moved == 1  # c-moved: the sentence after it, found six characters further on


def test_an_altered_sentence_in_a_footnote_or_the_brief(world: Path) -> None:
    edit(world, "a.txt", "*Harbour Review*, 4 Mar. 2030.", "*Harbour Review*, 5 Mar. 2030.")
    edit(world, "b.md", "The U.S. consul visited on 9 May.", "The U.S. consul visited on 10 May.")
    assert problems(run(world)) == {"c-note-2": anchors.CHANGED, "c-consul": anchors.CHANGED}


def test_a_change_outside_any_cited_sentence_fails_nothing(world: Path) -> None:
    edit(world, "a.txt", "## The Lantern Festival of Nova Brda", "## The Lantern Festival")  # an uncited paragraph
    edit(world, "a.txt", "Via [Commons](#).", "Via [Wikimedia](#).")  # a caption is no paragraph
    assert problems(run(world)) == {}


def test_a_removed_paragraph_is_reported_missing(world: Path) -> None:
    edit(world, "a.txt", "Critics said the money was wasted on café lights. The mayor disagreed.\n", "")
    assert problems(run(world)) == {"c-critics": anchors.PARAGRAPH_MISSING}


def test_a_span_past_the_end_of_its_shortened_paragraph_is_outside(world: Path) -> None:
    edit(world, "a.txt", " It plans a smaller festival.", "")
    report = run(world)
    assert problems(report) == {"c-plans": anchors.OUTSIDE}
    assert "syn-costs paragraph 1 has 69 characters; the span is 70-98" in str(report)


def test_offsets_outside_the_paragraph_in_the_citations(world: Path) -> None:
    rows = dict(CITATIONS)
    rows["c-critics"] = ("syn-article", "syn-costs", 2, None, (40, 400, _sha("x")))
    write_citations(world / "citations.csv", rows)
    assert problems(run(world)) == {"c-critics": anchors.OUTSIDE}


def test_a_missing_document_fails_its_citations_only(world: Path) -> None:
    (world / "docs" / "b.md").unlink()
    report = run(world)
    assert problems(report) == {"c-reopened": anchors.DOCUMENT_MISSING, "c-consul": anchors.DOCUMENT_MISSING}
    assert report.documents["syn-brief"] is None


def test_one_file_instead_of_a_folder(world: Path) -> None:
    report = run(world, world / "docs" / "b.md")
    assert set(problems(report)) == {cid for cid, row in CITATIONS.items() if row[0] == "syn-article"}


def test_wrong_arguments_are_usage_errors(world: Path) -> None:
    from kzdata.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="does not exist"):
        run(world, world / "nowhere")
    with pytest.raises(InvalidArgumentError, match="must be a path"):
        verify_sources(3)  # type: ignore[arg-type]
    (world / "citations.csv").write_text("citation_id,source_id\nx,y\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="its header lacks section_id"):
        run(world)


# --------------------------------------------------------------------------- the command, as a real process


def _command(world: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    args = ["verify-sources", str(folder), "--citations", str(world / "citations.csv")]
    return subprocess.run(
        [sys.executable, "-m", "kzdata", *args, "--skeletons", str(world / "skeletons")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_exit_codes_of_the_command(world: Path) -> None:
    ok = _command(world, world / "docs")
    assert ok.returncode == 0, ok.stderr
    assert "13 citations checked" in ok.stdout and "every anchored span re-found" in ok.stdout
    edit(world, "a.txt", "The mayor disagreed.", "The mayor agreed.")
    edit(world, "a.txt", "Critics said the money", "Critics said that the money")
    failed = _command(world, world / "docs")
    assert failed.returncode == 1
    assert "c-critics: span changed: syn-costs paragraph 2" in failed.stderr
    usage = _command(world, world / "missing")
    assert usage.returncode == 2
    assert "does not exist" in usage.stderr and "Traceback" not in usage.stderr


def test_the_shipped_skeletons_cut_every_section_as_raw_sections_counts_it(repo: Path) -> None:
    shipped = anchors.read_skeletons()
    assert sorted(shipped) == ["cornell-2024", "crs-2022"]
    places = [place for skeleton in shipped.values() for place in skeleton.places()]
    with (repo / "raw" / "sections.csv").open(encoding="utf-8", newline="") as handle:
        sections = list(csv.DictReader(handle))
    for section in sections:
        mine = [p for p in places if p[0] == section["section_id"]]
        if section["section_id"] == "cornell-2024-notes":
            # docs/paragraph-map.md: counted by footnote; 16 and 17 have no text in the copy
            assert sorted(f for _, _, f in mine) == [*range(1, 16), *range(18, 39)]
        else:
            assert sorted(p for _, p, _ in mine) == list(range(1, int(section["paragraph_count"]) + 1))


def test_the_release_citations_are_read_with_their_anchors(tmp_path: Path, repo: Path) -> None:
    """The default path: the shipped citations and skeletons, against a folder without the documents."""
    with (repo / "raw" / "citations.csv").open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    (tmp_path / "notes.txt").write_text("Not one of the documents.\n", encoding="utf-8")
    report = verify_sources(tmp_path)
    assert report.checked == len(raw)
    assert report.anchored == sum(1 for row in raw if row["span_sha256"])
    assert report.documents == {"cornell-2024": None, "crs-2022": None}
    assert {p.kind for p in report.problems} == {anchors.DOCUMENT_MISSING}
    assert len(report.problems) == len(raw)


def test_no_change_to_a_skeleton_makes_an_altered_sentence_pass(world: Path) -> None:
    """docs/anchors.md: a skeleton chooses where to look, never what a span hashes to.

    The sentence c-spent anchors is altered in the copy; then each line of the article's
    skeleton in turn is relabelled as the paragraph c-spent cites (and, separately, the
    skeleton's hash of that line is replaced by the altered line's hash). In every case
    c-spent is still reported: the skeletons are outside the fingerprint, and need not be in it.
    """
    edit(world, "a.txt", "1.2 million crowns", "1.3 million crowns")
    altered = COSTS.replace("1.2 million", "1.3 million")
    path = world / "skeletons" / "syn-article.csv"
    original = path.read_text(encoding="utf-8").splitlines()
    header, rows = original[0], [line.split(",") for line in original[1:]]
    tamperings = []
    for index in range(len(rows)):
        relabelled = [list(r) for r in rows]
        relabelled[index][2:5] = ["syn-costs", "1", ""]
        tamperings.append(relabelled)
    rehashed = [list(r) for r in rows]
    costs_line = next(i for i, (text, _) in enumerate(ARTICLE_LINES) if text == COSTS)
    rehashed[costs_line][1] = _sha(altered)
    tamperings.append(rehashed)
    for tampered in tamperings:
        path.write_text("\n".join([header, *(",".join(r) for r in tampered)]) + "\n", encoding="utf-8")
        assert "c-spent" in problems(run(world)), tampered
