"""Anchor the citations of raw/citations.csv in the primary documents (maintainers).

    python scripts/anchor_citations.py SEEDS_DIR [--dry-run] [--redo]
    python scripts/anchor_citations.py SEEDS_DIR --sweep

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

Rows that already have an anchor keep it, so anchors a person set stay. ``--redo`` re-proposes
only the anchors that no longer hold (their offsets fall outside the paragraph's text, or
the span there no longer hashes the same, e.g. after a new copy of a document): an anchor
that still verifies is kept even when the script would propose another span, because most
anchors were placed or corrected by a person reading the row against the text.
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


_MARK = re.compile(r"<sup>\s*(\d+)\s*</sup>")
_HELD = re.compile("\ue000(\\d+)\ue001")


def marker_offsets(skeleton: Skeleton, text: str) -> dict[tuple[Place, int], int]:
    """Where each footnote marker sits in its paragraph's normalised text (the offset it precedes).

    The markers are kept as private-use placeholders through the normalisation, then taken
    out while counting; a paragraph where that does not give back its normalised text exactly
    (a marker between two spaces) has no marker offsets.
    """
    lines = document_lines(text)
    held = [normalise(_MARK.sub(lambda m: f"\ue000{m.group(1)}\ue001", line)) for line in lines]
    plain = paragraph_texts(skeleton, text)
    found: dict[tuple[Place, int], int] = {}
    for place, indices in skeleton.places().items():
        marked = join_lines(held[i] for i in indices)
        clean, removed, offsets = _HELD.sub("", marked), 0, {}
        if clean != plain[place]:
            continue
        for match in _HELD.finditer(marked):
            offsets[int(match.group(1))] = match.start() - removed
            removed += len(match.group(0))
        found.update({(place, number): offset for number, offset in offsets.items()})
    return found


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
    words = re.findall("[^\\W_]+(?:[-\u2019'][^\\W_]+)*", text.lower())
    return [re.sub("[\u2019']s$", "", w) for w in words]  # "NSC's" is a mention of the NSC


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text) if n.replace(",", "")}


#: How much finding a term in a sentence says that the sentence states the record.
NAME, NUMBER, SMALL_NUMBER, TITLE_WORD, WORD = 3.0, 3.0, 2.0, 2.0, 1.0


class Terms:
    """What to look for in the paragraph, each term with a weight; and literal strings (an alias)."""

    def __init__(self) -> None:
        self.weights: dict[str, float] = {}
        self.literals: list[str] = []
        self.key: list[str] = []
        """The record's own figure, as digits or as stated ("four"): a sentence stating the record holds one."""
        self.work: str | None = None
        """The cited work the record is about, for a citation into a footnote."""

    def _add(self, term: str, weight: float) -> None:
        self.weights[term] = max(weight, self.weights.get(term, 0.0))

    def add_name(self, name: str, weight: float = NAME) -> None:
        for word in re.findall("[^\\W_]+(?:[-\u2019'][^\\W_]+)*", name):
            if (len(word) >= 3 or (len(word) == 2 and word.isupper())) and word.lower() not in STOP:
                self._add(f"n:{word.lower()}", weight)

    def add_text(self, text: str, weight: float = WORD) -> None:
        for word in _words(text):
            if len(word) >= 3 and word not in STOP and not word.isdigit():
                self._add(f"w:{_stem(word)}", weight)
        for number in _numbers(text):
            if len(number) <= 7:
                self._add(f"#:{number}", NUMBER if len(number) > 1 else SMALL_NUMBER)

    def add_number(self, value: str) -> None:
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        if value:
            self._add(f"#:{value}", NUMBER if len(value) > 1 else SMALL_NUMBER)


LINKS = {
    "person_id": "people",
    "organization_id": "organizations",
    "place_id": "places",
    "reform_id": "reforms",
    "indicator_id": "indicators",
    "country_id": "places",
    "event_id": "events",
}
#: Tables whose record is an entity: its citation supports a mention, and the first is taken on a tie.
ENTITIES = {"people", "organizations", "places", "aliases", "indicators"}


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
        self.works: dict[int, list[str]] = {}
        for entry in sorted(self.tables["footnotes"].values(), key=lambda r: int(r["position"])):
            self.works.setdefault(int(entry["footnote"]), []).append(entry["source_id"])

    def _name_of(self, table: str, key: str, terms: Terms, weight: float = NAME) -> None:
        row = self.tables.get(table, {}).get(key)
        if row is None:
            return
        if table == "events":
            terms.add_text(row["title"], TITLE_WORD)
            terms.add_text(row["description"], WORD)
            return
        for column in ("name", "title"):
            if row.get(column):
                # Each word of a many-word name of a body or place ("National Security Committee")
                # is common on its own; a person's surname is not.
                parts = len(_words(row[column])) if table in ("organizations", "places") else 1
                terms.add_name(row[column], weight / max(1, parts))
        for alias in self.aliases.get(key, []):
            terms.add_name(alias, weight)

    def work_terms(self, source_id: str) -> Terms:
        terms = Terms()
        work = self.tables["sources"].get(source_id, {})
        terms.add_text(work.get("title", ""), TITLE_WORD)
        terms.add_name(work.get("authors", ""))
        terms.add_text(work.get("container", ""), WORD)
        terms.work = source_id
        return terms

    def work_of(self, terms: Terms, works: list[str]) -> str | None:
        """The one work of ``works`` whose authors, publisher, container or address name the entity, if one."""
        names = {t[2:] for t in terms.weights if t.startswith("n:")}
        hits = []
        for work in works:
            row = self.tables["sources"].get(work, {})
            said = " ".join(row.get(c, "") for c in ("authors", "publisher", "container", "url")).lower()
            if any(re.search(rf"\b{re.escape(n)}", said) for n in names):
                hits.append(work)
        return hits[0] if len(hits) == 1 else None

    def terms(self, table: str, key: str) -> Terms:
        row = self.tables[table][key]
        if table == "sources" and row["kind"] == "cited_work":
            return self.work_terms(key)
        if table == "footnotes":
            terms = self.work_terms(row["source_id"])
            terms.add_text(row.get("pages", ""), WORD)
            return terms
        terms = Terms()
        if table == "authorships":
            terms = self.work_terms(row["source_id"])
            self._name_of("people", row["person_id"], terms)
            return terms
        if table in ("people", "organizations", "places", "indicators"):
            self._name_of(table, key, terms)
        if table == "aliases":
            terms.literals.append(row["alias"])
        for column, value in row.items():
            if not value:
                continue
            if column in LINKS and table != "aliases":
                # An actor is named in many sentences; the event's own words say which one is about it.
                weight = WORD if table == "event_actors" and column != "event_id" else NAME
                self._name_of(LINKS[column], value, terms, weight)
            elif column in ("title", "name"):
                parts = len(_words(value)) if table in ("organizations", "places") else 1
                terms.add_text(value, TITLE_WORD / parts)
            elif column in ("description", "claim", "charges", "stated_as", "topic"):
                terms.add_text(value, WORD)
            elif column in ("value", "value_low", "value_high", "prison_years"):
                terms.add_number(value)
                if column in ("value", "prison_years"):
                    number = value.rstrip("0").rstrip(".") if "." in value else value
                    terms.key.append(number)
            if column == "stated_as":
                terms.key.append(value)
        if table in ("events", "reforms") and row.get("date_precision") == "day":
            terms.add_number(str(int(row["date_start"][8:10])))
        return terms


# --------------------------------------------------------------------------- choosing a span


def _found(terms: Terms, sentence: str) -> set[str]:
    words = _words(sentence)
    plain, stems = set(words), {_stem(w) for w in words}
    numbers = _numbers(sentence)
    found = set()
    for term in terms.weights:
        kind, value = term[:2], term[2:]
        if (
            (kind == "n:" and (value in plain or (len(value) >= 5 and any(x.startswith(value) for x in plain))))
            or (kind == "#:" and value in numbers)
            or (kind == "w:" and value in stems)
        ):
            found.add(term)
    return found


def _scores(terms: Terms, texts: list[str]) -> tuple[list[set[str]], list[float]]:
    found = [_found(terms, t) for t in texts]
    seen = Counter(t for f in found for t in f)
    crowded = max(1, len(texts) // 2)

    def weight(term: str) -> float:
        # A term in more than half the sentences says little about which one states the fact.
        return terms.weights[term] / (3 if seen[term] > crowded else 1)

    return found, [round(sum(weight(t) for t in sorted(f)), 6) for f in found]  # no float noise in ties


def _states(figure: str, sentence: str) -> bool:
    """True when ``sentence`` states ``figure`` (digits, with or without thousands separators, or words)."""
    if figure.isdigit():
        return figure in _numbers(sentence)
    return re.search(rf"(?<!\w){re.escape(figure)}(?!\w)", sentence, re.IGNORECASE) is not None


def _run(bounds: list[tuple[int, int]], first: int, last: int) -> tuple[int, int]:
    return bounds[first][0], bounds[last][1]


def _antecedent(terms: Terms, found: list[set[str]], best: int) -> int:
    """``best``, or the sentence before it when only that one names the record's entity (a pronoun follows)."""
    names = {t for t in terms.weights if t.startswith("n:")}
    if names and not names & found[best] and best > 0 and names & found[best - 1]:
        return best - 1
    return best


def choose(terms: Terms, text: str, table: str) -> tuple[int, int] | None:
    """The smallest run of sentences that holds the record's terms, when the choice is clear; else None.

    One sentence is taken when it scores at least 3 and half again as much as any other;
    for an entity (a person, a place, an alias...), the first sentence naming it when several
    do equally; a neighbour joins when it alone holds a further name or number of the record.
    """
    bounds = sentences(text)
    if len(bounds) == 1:
        return bounds[0]
    texts = [text[a:b] for a, b in bounds]
    for literal in terms.literals:
        hits = [i for i, t in enumerate(texts) if re.search(rf"(?<!\w){re.escape(literal)}(?!\w)", t)]
        if hits:
            return bounds[hits[0]]
    found, score = _scores(terms, texts)
    keyed = [i for i, t in enumerate(texts) if any(_states(k, t) for k in terms.key)]
    if len(keyed) == 1 and score[keyed[0]] >= 3:
        return _run(bounds, _antecedent(terms, found, keyed[0]), keyed[0])
    if keyed:  # only the sentences stating the record's figure compete
        score = [sc if i in keyed else 0.0 for i, sc in enumerate(score)]
    order = sorted(range(len(texts)), key=lambda i: (-score[i], i))
    best, second = order[0], order[1]
    if score[best] < 3:
        return None
    if score[second] * 1.5 > score[best] and score[best] - score[second] < 3:
        named = [i for i in range(len(texts)) if any(t.startswith("n:") for t in found[i])]
        if table in ENTITIES and named and score[named[0]] == score[best]:
            best = named[0]
        elif abs(best - second) == 1 and score[second] == score[best]:
            return _run(bounds, min(best, second), max(best, second))
        else:
            return None
    first, last = _antecedent(terms, found, best), best
    strong = {t for t in terms.weights if not t.startswith("w:")}
    for step in (-1, 1):
        j = best + step
        if 0 <= j < len(texts) and not first <= j <= last:
            new = (found[j] & strong) - found[best]
            if new and not any(new & found[k] for k in range(len(texts)) if k != j):
                first, last = min(first, j), max(last, j)
    return _run(bounds, first, last)


def _address(records: Records, work: str) -> str:
    """The work's address without its scheme and final slash, as a footnote would show it."""
    url = records.tables["sources"].get(work, {}).get("url", "")
    return re.sub(r"^https?://", "", url).rstrip("/")


def choose_in_footnote(
    terms: Terms, text: str, table: str, works: list[str], records: Records
) -> tuple[int, int] | None:
    """In a footnote: the sentences of the cited work the record is about, else as :func:`choose`.

    A sentence belongs to each work whose author or title it names (score 3 or more); an
    address or a date sentence that names none continues the work before it.
    """
    bounds = sentences(text)
    if terms.work is None or terms.work not in works:
        return choose(terms, text, table)
    if len(works) == 1:
        return bounds[0][0], bounds[-1][1]
    texts = [text[a:b] for a, b in bounds]
    owners: list[set[int]] = []
    for t in texts:
        addresses = {n for n, w in enumerate(works) if _address(records, w) and _address(records, w) in t}
        mine = addresses or {n for n, w in enumerate(works) if _scores(records.work_terms(w), [t])[1][0] >= 3}
        owners.append(mine or (owners[-1] if owners else set()))
    index = works.index(terms.work)
    held = [i for i, o in enumerate(owners) if index in o]
    if not held or held != list(range(held[0], held[-1] + 1)):
        return None
    return _run(bounds, held[0], held[-1])


def choose_at_marker(terms: Terms, text: str, table: str, marker: int | None) -> tuple[int, int] | None:
    """A citation naming a paragraph and a footnote: the sentence that carries the footnote's marker.

    The footnote hangs on the supporting passage, so a record about the cited work is the
    marked sentence; another record is the marked sentence when that holds some of the
    record's terms (a score of 3), else :func:`choose` decides.
    """
    if marker is None:
        return choose(terms, text, table)
    bounds = sentences(text)
    at = next((i for i, (a, b) in enumerate(bounds) if a <= marker <= b), None)
    if at is None:
        return choose(terms, text, table)
    if terms.work is not None:
        return bounds[at]
    found, score = _scores(terms, [text[a:b] for a, b in bounds])
    if score[at] >= 3:
        return _run(bounds, _antecedent(terms, found, at), at)
    return choose(terms, text, table)


def propose(
    row: dict[str, str], place: Place, text: str, markers: dict[tuple[Place, int], int], records: Records
) -> tuple[int, int] | None:
    """The span proposed for one citation row in its paragraph's (or footnote's) text, or None."""
    if row["record_table"] == "sections":  # a heading is in no paragraph: the section's opening sentence
        bounds = sentences(text)
        return bounds[0] if bounds else None
    terms = records.terms(row["record_table"], row["record_id"])
    if place[1] is None:
        works = records.works.get(place[2] or 0, [])
        if terms.work is None and row["record_table"] in ("people", "organizations"):
            terms.work = records.work_of(terms, works)
        return choose_in_footnote(terms, text, row["record_table"], works, records)
    if row["footnote"]:
        marker = markers.get((place, int(row["footnote"])))
        return choose_at_marker(terms, text, row["record_table"], marker)
    return choose(terms, text, row["record_table"])


# --------------------------------------------------------------------------- the sweep


def _occurrences(text: str, piece: str) -> list[int]:
    """Every offset at which ``piece`` starts in ``text`` (overlapping ones included)."""
    found, at = [], text.find(piece)
    while at != -1:
        found.append(at)
        at = text.find(piece, at + 1)
    return found


def sweep(files: dict[str, Path]) -> int:
    """Alter each sentence of each document in turn; check that exactly the citations on it fail.

    A sentence is altered by inserting a letter into a piece of it (eight characters) in
    the document file, preferring a piece that occurs once in the file; where every piece
    recurs, each occurrence is tried until the inserted letter lands in this sentence. A
    sentence that cannot be altered on its own is skipped, counted, and fails the sweep. The
    expected citations are those anchored in raw/citations.csv whose span overlaps the
    sentence; the found ones are what ``kzdata verify-sources`` would report.
    """
    from kzdata._anchors import Problem, check, locate, read_skeletons
    from kzdata._verify_sources import read_anchors

    shapes = read_skeletons()
    cited = read_anchors(RAW / "citations.csv")
    originals = {source: files[source].read_text(encoding="utf-8") for source in LAYOUTS}
    located = {source: locate(shapes[source], document_lines(t)) for source, t in originals.items()}
    tried = skipped = wrong = 0
    for source, text in originals.items():
        for place, paragraph in located[source].items():
            if paragraph is None:
                continue
            for a, b in sentences(paragraph):
                changed = None
                # Pieces that occur once in the file first (one try each); then, for a short
                # sentence whose pieces all recur, each occurrence of a piece in turn.
                pieces = [paragraph[k : k + 8] for k in range(a, max(a, b - 8) + 1, 2)]
                pieces.sort(key=lambda piece: text.count(piece) != 1)
                for piece in pieces:
                    for at in _occurrences(text, piece):
                        altered = text[: at + 4] + "q" + text[at + 4 :]
                        candidate = locate(shapes[source], document_lines(altered))
                        new = candidate.get(place) or ""
                        # The letter landed in this sentence: one character more, the rest as it was.
                        landed = len(new) == len(paragraph) + 1 and new[:a] == paragraph[:a]
                        if landed and new[b + 1 :] == paragraph[b:]:
                            changed = candidate
                            break
                    if changed is not None:
                        break
                if changed is None:
                    skipped += 1
                    continue
                tried += 1
                found = {**located, source: changed}
                got = {p.citation_id for p in check(cited, found) if isinstance(p, Problem)}
                want = {
                    c.citation_id
                    for c in cited
                    if c.anchored
                    and c.source_id == source
                    and c.place == place
                    and (c.span_start or 0) < b
                    and (c.span_end or 0) > a
                }
                if got != want:
                    wrong += 1
                    print(
                        f"{place} sentence {a}-{b}: reported {sorted(got - want)} beyond, {sorted(want - got)} missed"
                    )
    print(
        f"{tried} sentences altered one at a time: {wrong} reported other citations than those anchored on them; "
        f"{skipped} sentences skipped (no piece of their own to alter)"
    )
    return 1 if wrong or skipped else 0


# --------------------------------------------------------------------------- main


def _still_holds(row: dict[str, str], text: str | None) -> bool:
    """True when the row's anchor still names a span of ``text`` that hashes as recorded."""
    if text is None:
        return False
    start, end = int(row["span_start"]), int(row["span_end"])
    return 0 <= start < end <= len(text) and digest(text[start:end]) == row["span_sha256"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", type=Path, help="the folder holding the primary documents and their README.md")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; report what would be anchored")
    parser.add_argument(
        "--redo",
        action="store_true",
        help="re-propose anchors that no longer verify against the documents (valid ones are kept)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="write nothing; alter each sentence in turn and check that exactly the citations on it fail",
    )
    args = parser.parse_args(argv)
    files = seed_files(args.seeds)
    if args.sweep:
        return sweep(files)
    texts: dict[str, dict[Place, str]] = {}
    markers: dict[str, dict[tuple[Place, int], int]] = {}
    for source in sorted(LAYOUTS):
        text = files[source].read_text(encoding="utf-8")
        skeleton = skeleton_of(source, text)
        if not args.dry_run:
            SKELETON_FOLDER.mkdir(exist_ok=True)
            write_skeleton(skeleton, SKELETON_FOLDER / f"{source}.csv")
        texts[source] = paragraph_texts(skeleton, text)
        markers[source] = marker_offsets(skeleton, text)

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
        text = texts.get(row["source_id"], {}).get(place)
        if row.get("span_sha256") and (not args.redo or _still_holds(row, text)):
            done[row["record_table"]] += 1
            continue
        span = None if text is None else propose(row, place, text, markers[row["source_id"]], records)
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
