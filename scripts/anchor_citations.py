"""Anchor the citations of raw/citations.csv in the primary documents (maintainers).

    python scripts/anchor_citations.py SEEDS_DIR [--dry-run]

SEEDS_DIR holds the two primary documents and the README.md whose table names each
file's source id. The script

1. cuts each document into the paragraphs and footnotes of docs/paragraph-map.md and
   writes its hash-only skeleton to ``kzdata/_skeletons/<source_id>.csv``, checking the
   counts against raw/sections.csv (docs/anchors.md, "Paragraphs");
2. for each citation, proposes the smallest run of whole sentences of its paragraph (or
   footnote) that holds the cited record's own words, numbers and names, and writes its
   offsets and hash into raw/citations.csv where the choice is clear: one sentence run
   holds every term of the record that the paragraph holds, and it holds at least one
   distinctive term (a name, a number or a rare word);
3. prints the rows left without an anchor, for review by a person.

Rows that already have an anchor keep it (unless ``--redo``), so anchors a person set stay.
No source text is written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kzdata._anchors import (  # noqa: E402 - the checkout's own kzdata, not an installed one
    ANCHOR_COLUMNS,
    CLOSERS,
    SKELETON_FOLDER,
    Place,
    Skeleton,
    SkeletonLine,
    digest,
    document_lines,
    join_lines,
    normalise,
    sentences,
    write_skeleton,
)

RAW = REPO / "raw"


def _rows(table: str) -> list[dict[str, str]]:
    with (RAW / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- which file is which


def seed_files(folder: Path) -> dict[str, Path]:
    """Each source id and its file, from the table of the folder's README.md."""
    readme = folder / "README.md"
    if not readme.is_file():
        sys.exit(f"{readme} is missing: the script reads each file's source id from its table")
    table = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|", readme.read_text("utf-8"), re.M)
    found = {source: folder / name for name, source in table}
    for source, path in found.items():
        if not path.is_file():
            sys.exit(f"{path} ({source}) is missing from {folder}")
    return found


# --------------------------------------------------------------------------- paragraphs


_TERMINAL = re.compile("[.?!][" + re.escape(CLOSERS) + "]*$")


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text))


def _sections(source: str) -> list[dict[str, str]]:
    return sorted((r for r in _rows("sections") if r["source_id"] == source), key=lambda r: int(r["position"]))


def cornell_places(lines: list[str], source: str) -> list[Place | None]:
    """The place of each line of the article (docs/anchors.md, "Paragraphs", the article)."""
    sections = _sections(source)
    by_heading = {normalise(s["heading"]): s["section_id"] for s in sections}
    front, intro, notes, author = (
        sections[0]["section_id"],
        sections[1]["section_id"],
        sections[-1]["section_id"],
        sections[-2]["section_id"],
    )
    places: list[Place | None] = []
    section = front
    paragraph = 0
    open_paragraph = False  # the last body line ended mid-sentence
    footnote: int | None = None  # the footnote being read, while inside a block of notes
    footnote_open = False
    body_started = False
    for index, raw in enumerate(lines):
        text = normalise(raw)
        mark = re.match(r"\s*<sup>(\d+)</sup>", raw)
        if index == len(lines) - 1 and raw.startswith("**"):  # the author note closes the article
            places.append((author, 1, None))
            continue
        if text in by_heading and raw.lstrip().startswith("#"):
            section, paragraph, open_paragraph = by_heading[text], 0, False
            places.append(None)
            continue
        if not body_started:
            if raw.startswith("*") and not raw.startswith("**") and len(text) > 200:  # the standfirst
                places.append((front, 1, None))
                section, body_started = intro, True
                continue
            places.append((front, 1, None))  # label, date, title, byline
            continue
        if text == "---":
            footnote, footnote_open = 0, False
            places.append(None)
            continue
        if mark:
            footnote = int(mark.group(1))
            footnote_open = not text.endswith(")")
            places.append((notes, None, footnote))
            continue
        if footnote and (footnote_open or text.startswith("(http")):
            footnote_open = not text.endswith(")")
            places.append((notes, None, footnote))
            continue
        footnote = None
        if re.fullmatch(r"[^.]*\. Via [^.]*\.", text):  # an image caption
            places.append(None)
            continue
        naumkin = text.startswith("organized crime and political extremism")  # the block quotation
        if not open_paragraph or naumkin:
            paragraph += 1
        places.append((section, paragraph, None))
        open_paragraph = not _ends_sentence(text)
    return places


def crs_places(lines: list[str], source: str) -> list[Place | None]:
    """The place of each line of the brief: one line per block, a short closing line ends a paragraph."""
    sections = _sections(source)
    by_heading = {normalise(s["heading"]): s["section_id"] for s in sections}
    places: list[Place | None] = []
    section, paragraph, open_paragraph = sections[0]["section_id"], 0, False
    for raw in lines:
        text = normalise(raw)
        if text in by_heading:
            section, paragraph, open_paragraph = by_heading[text], 0, False
            places.append(None)
            continue
        if not open_paragraph:
            paragraph += 1
        places.append((section, paragraph, None))
        open_paragraph = not (_ends_sentence(text) and len(text) < 90)
    return places


LAYOUTS = {"cornell-2024": cornell_places, "crs-2022": crs_places}


def skeleton_of(source: str, text: str) -> Skeleton:
    lines = document_lines(text)
    places = LAYOUTS[source](lines, source)
    skeleton = Skeleton(
        source,
        tuple(
            SkeletonLine(n, digest(normalise(line)), place)
            for n, (line, place) in enumerate(zip(lines, places, strict=True), 1)
        ),
    )
    counts = Counter(p[0] for p in skeleton.places())
    for section in _sections(source):
        want = int(section["paragraph_count"])
        got = counts[section["section_id"]]
        if section["section_id"].endswith("-notes"):
            missing = {int(r["footnote"]) for r in _rows("footnotes") if r["source_id"].endswith(("fn16", "fn17"))}
            want -= len(missing)
        if got != want:
            sys.exit(f"{source}: {section['section_id']} has {got} paragraphs here, raw/sections.csv says {want}")
    return skeleton


def paragraph_texts(skeleton: Skeleton, text: str) -> dict[Place, str]:
    normalised = [normalise(line) for line in document_lines(text)]
    return {place: join_lines(normalised[i] for i in idx) for place, idx in skeleton.places().items()}


# --------------------------------------------------------------------------- the terms of a record

#: Words too common to say where a fact is (matched in lower case).
STOP = frozenset(
    re.findall(
        r"\S+",
        "a about after against all also an and any are as at be been before being between both but by can "
        "could did do does during each even first for from had has have he her his how however if in into is "
        "it its itself last may more most new no not of on one only or other our out over own same she "
        "should since so some such than that the their them then there these they this those through to two "
        "under until up upon us was we were what when where which while who whom why will with within would "
        "year years yet kazakhstan kazakh kazakhstani president government state country record records "
        "document paper article text named later early late time january ",
    )
)


def _words(text: str) -> list[str]:
    return re.findall("[^\\W_]+(?:[-\u2019'][^\\W_]+)*", text.lower())


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text) if n.replace(",", "")}


class Terms:
    """What to look for in the paragraph: names (strong), numbers (strong) and words."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.numbers: set[str] = set()
        self.words: set[str] = set()

    def add_name(self, name: str) -> None:
        for word in _words(name):
            if len(word) >= 3 and word not in STOP:
                self.names.add(word)

    def add_text(self, text: str) -> None:
        for word in _words(text):
            if len(word) >= 4 and word not in STOP and not word.isdigit():
                self.words.add(_stem(word))
        self.numbers |= {n for n in _numbers(text) if len(n) <= 6}


class Records:
    """The raw tables, indexed by primary key, and each entity's names and aliases."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        for path in sorted(RAW.glob("*.csv")):
            rows = _rows(path.stem)
            if rows:
                key = next(iter(rows[0]))
                self.tables[path.stem] = {r[key]: r for r in rows}
        self.aliases: dict[str, list[str]] = {}
        for alias in self.tables["aliases"].values():
            for column in ("person_id", "organization_id", "place_id", "reform_id"):
                if alias[column]:
                    self.aliases.setdefault(alias[column], []).append(alias["alias"])

    def name_of(self, table: str, key: str, terms: Terms) -> None:
        row = self.tables.get(table, {}).get(key)
        if row is None:
            return
        for column in ("name", "title", "alias"):
            if row.get(column):
                terms.add_name(row[column])
        for alias in self.aliases.get(key, []):
            terms.add_name(alias)

    def terms(self, table: str, key: str) -> Terms:
        row = self.tables[table][key]
        terms = Terms()
        links = {
            "person_id": "people",
            "organization_id": "organizations",
            "place_id": "places",
            "reform_id": "reforms",
            "indicator_id": "indicators",
            "country_id": "places",
        }
        if table in ("people", "organizations", "places"):
            self.name_of(table, key, terms)
        for column, value in row.items():
            if not value:
                continue
            if column in links and table not in ("aliases",):
                self.name_of(links[column], value, terms)
            elif column in ("alias", "name"):
                terms.add_name(value)
            elif column in ("title", "description", "claim", "charges", "stated_as", "note", "topic", "container"):
                terms.add_text(value)
            elif column in ("value", "value_low", "value_high", "prison_years"):
                terms.numbers |= _numbers(value.rstrip("0").rstrip(".") if "." in value else value)
            elif column in ("authors",):
                terms.add_name(value)
        if table == "aliases":
            terms.names = {w for w in terms.names if w in set(_words(row["alias"]))}
        if table == "event_actors":
            event = self.tables["events"][row["event_id"]]
            terms.add_text(event["title"])
        if table == "authorships":
            source = self.tables["sources"][row["source_id"]]
            terms.add_text(source["title"])
        if table == "footnotes":
            source = self.tables["sources"].get(row["source_id"], {})
            terms.add_text(source.get("title", ""))
            terms.add_name(source.get("authors", ""))
            terms.numbers |= _numbers(row.get("pages", ""))
        return terms


# --------------------------------------------------------------------------- choosing a span


def _found(terms: Terms, sentence: str) -> set[str]:
    words = _words(sentence)
    plain, stems = set(words), {_stem(w) for w in words}
    numbers = _numbers(sentence)
    found = {f"n:{w}" for w in terms.names if w in plain or any(x.startswith(w) for x in plain if len(w) >= 5)}
    found |= {f"#:{n}" for n in terms.numbers if n in numbers}
    found |= {f"w:{w}" for w in terms.words if w in stems}
    return found


def choose(terms: Terms, text: str) -> tuple[int, int] | None:
    """The smallest run of sentences holding every term the paragraph holds, when that is clear."""
    bounds = sentences(text)
    if len(bounds) == 1:
        return bounds[0]
    found = [_found(terms, text[a:b]) for a, b in bounds]
    everything = set().union(*found)
    strong = {t for t in everything if not t.startswith("w:")}
    if not strong and len([t for t in everything if t.startswith("w:")]) < 2:
        return None
    # Terms found in every sentence say nothing about where the fact is.
    common = set.intersection(*found) if found else set()
    wanted = everything - common
    if not wanted:
        return None
    best: list[tuple[int, int]] = []
    for length in range(1, len(bounds) + 1):
        starts = range(len(bounds) - length + 1)
        best = [(i, i + length) for i in starts if wanted <= set().union(*found[i : i + length])]
        if best:
            break
    if len(best) != 1 or best[0][1] - best[0][0] > 3:
        # Several equally small runs, or a long one: the words are spread out; a person decides.
        return None
    first, last = best[0]
    return bounds[first][0], bounds[last - 1][1]


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", type=Path, help="the folder holding the primary documents and their README.md")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; report what would be anchored")
    parser.add_argument("--redo", action="store_true", help="propose a span for every row, also those anchored")
    args = parser.parse_args(argv)
    files = seed_files(args.seeds)
    texts: dict[str, dict[Place, str]] = {}
    for source in sorted(LAYOUTS):
        text = files[source].read_text(encoding="utf-8")
        skeleton = skeleton_of(source, text)
        if not args.dry_run:
            SKELETON_FOLDER.mkdir(exist_ok=True)
            write_skeleton(skeleton, SKELETON_FOLDER / f"{source}.csv")
        texts[source] = paragraph_texts(skeleton, text)

    records = Records()
    path = RAW / "citations.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    for column in ANCHOR_COLUMNS:
        if column not in header:
            header.append(column)
    review: list[str] = []
    done: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for row in rows:
        place: Place = (
            (row["section_id"], int(row["paragraph"]), None)
            if row["paragraph"]
            else (row["section_id"], None, int(row["footnote"]))
        )
        if row.get("span_sha256") and not args.redo:
            done[row["record_table"]] += 1
            continue
        text = texts.get(row["source_id"], {}).get(place)
        span = None if text is None else choose(records.terms(row["record_table"], row["record_id"]), text)
        if text is None or span is None:
            for column in ANCHOR_COLUMNS:
                row[column] = ""
            left[row["record_table"]] += 1
            why = "no text for this place in the copy" if text is None else "no clear sentence run"
            review.append(f"{row['citation_id']}: {why}")
            continue
        start, end = span
        row["span_start"], row["span_end"], row["span_sha256"] = str(start), str(end), digest(text[start:end])
        done[row["record_table"]] += 1
    if not args.dry_run:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    print("record_table anchored review")
    for table in sorted(set(done) | set(left)):
        print(f"{table} {done[table]} {left[table]}")
    print(f"total {sum(done.values())} {sum(left.values())} of {len(rows)}")
    print("\n".join(["", "needing review:", *review]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
