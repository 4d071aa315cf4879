"""Evidence a machine can check: re-find each citation's supporting span in a copy of its document.

A citation's anchor (``span_start``, ``span_end``, ``span_sha256`` in ``citations``) names
a run of whole sentences of the cited paragraph or footnote, as character offsets in the
paragraph's *normalised* text and the sha256 of that text's span. No source text ships:
the offsets and hashes say where the evidence is and let anyone holding the document check
that it still says the same thing. ``docs/anchors.md`` defines every step; this module is
its one implementation, read by :func:`verify_sources` and ``kzdata verify-sources``:

* :func:`normalise`: the text form offsets and hashes are taken on;
* :func:`sentences`: the deterministic sentence splitter that spans are made of;
* :func:`document_lines` and a :class:`Skeleton` (one hash-only file per document in
  ``kzdata/_skeletons/``): which lines of a document make up each paragraph or footnote;
* :func:`locate`: the paragraphs of a copy, found by aligning its line hashes with the
  skeleton's, so an unrelated change elsewhere leaves them findable;
* :func:`check`: each citation's span re-found at its offsets, or moved within its paragraph.

It imports neither pandas nor the pipeline unless the release's own citations are read.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kzdata.errors import InvalidArgumentError

#: The Unicode normal form applied first.
NORMAL_FORM: Literal["NFC"] = "NFC"
HASH_PREFIX = "sha256:"
HASH_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
SKELETON_FOLDER = Path(__file__).resolve().parent / "_skeletons"
SKELETON_HEADER = ("line", "sha256", "section_id", "paragraph", "footnote")
#: The anchor columns of ``citations``, in their order.
ANCHOR_COLUMNS = ("span_start", "span_end", "span_sha256")
#: The largest skeleton file read (the shipped ones are a few KiB).
MAX_SKELETON_BYTES = 16 * 1024 * 1024

#: A footnote marker: ``<sup>12</sup>`` (any case), a Markdown footnote reference ``[^12]``,
#: or a run of superscript digits ``¹²``.
_FOOTNOTE_MARK = re.compile(r"<sup>\s*\d+\s*</sup>|\[\^[^\]\s]+\]|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+", re.I)
_SUPERSCRIPT = re.compile(r"</?sup>", re.I)
#: What ends a line of a document: ``\n``, ``\r\n`` or ``\r`` (not a form feed, NEL, U+2028...,
#: which are whitespace inside a line).
_LINE_END = re.compile(r"\r\n|\r|\n")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]*)>")
_ESCAPE_OR_STAR = re.compile(r"\\([!-/:-@\[-`{-~])|\*")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` in the form anchors are measured on (docs/anchors.md, "Normalisation").

    NFC; footnote markers (``<sup>12</sup>`` in any case, ``[^12]``, superscript digits
    ``¹²``) removed, other superscripts kept as their text
    (``19<sup>th</sup>`` is ``19th``); a leading Markdown heading mark
    removed; ``[text](url)`` kept as its text and ``<url>`` as the address; ``*`` (emphasis)
    removed and backslash escapes replaced by the character; every run of whitespace one
    space; trimmed. Quotation marks, dashes and case are kept: changing them changes the text.

    >>> normalise("### **The  events**")
    'The events'
    >>> normalise("protests,<sup>6</sup> including *Oyan* [site](#) <https://x.org/a\\\\_b>")
    'protests, including Oyan site https://x.org/a_b'
    """
    text = unicodedata.normalize(NORMAL_FORM, text)
    text = _FOOTNOTE_MARK.sub("", text)
    text = _SUPERSCRIPT.sub("", text)
    text = "\n".join(_HEADING.sub("", line) for line in text.split("\n"))
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _ESCAPE_OR_STAR.sub(lambda m: m.group(1) or "", text)
    return _SPACE.sub(" ", text).strip()


def digest(text: str) -> str:
    """``sha256:`` and the hex sha256 of ``text`` encoded as UTF-8.

    >>> digest("")
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return HASH_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def join_lines(lines: Iterable[str]) -> str:
    """The normalised text of a paragraph made of these (normalised) lines.

    Lines join with one space, except after a line ending in a letter and a hyphen when the
    next starts with a letter (a word broken at the line's end: ``multi-`` + ``vector``).

    >>> join_lines(["a multi-", "vector policy", "", "ends."])
    'a multi-vector policy ends.'
    """
    text = ""
    for line in lines:
        if not line:
            continue
        if not text:
            text = line
        elif re.search(r"[^\W\d_]-$", text) and line[:1].isalpha():
            text += line
        else:
            text += " " + line
    return text


# --------------------------------------------------------------------------- sentences

#: Words that end with a full stop without ending a sentence (compared in lower case,
#: without the stop). Single letters and dotted initials (``E.``, ``K.A.``, ``U.S.``) too.
ABBREVIATIONS = frozenset(
    {"al", "cf", "dr", "e.g", "ed", "eds", "eg", "et", "i.e", "jr", "mr", "mrs", "ms", "no", "p", "pp", "st"}
    | {"vo", "vol", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)*[^\W\d_]$")
#: Closing quotes and brackets that may follow a sentence's stop, and opening ones that may start one.
CLOSERS = "\u201d\"\u2019')]"
OPENERS = "\u201c\"\u2018'(["
_SENTENCE_END = re.compile("[.?!][" + re.escape(CLOSERS) + "]*(?= )")


def _abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at ``stop`` closes an abbreviation or an initial."""
    word = text[:stop].rsplit(" ", 1)[-1].lstrip(OPENERS)
    return word.lower() in ABBREVIATIONS or bool(_INITIALS.match(word))


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of normalised ``text`` as ``(start, end)`` offsets, end exclusive.

    A sentence ends at ``.``, ``?`` or ``!`` (with any closing quotes or brackets after it)
    followed by a space and a capital letter, a digit or an opening quote or bracket,
    unless the stop closes an abbreviation of :data:`ABBREVIATIONS` or an initial.
    The sentences cover the text; one space separates each from the next.

    >>> t = 'Mr. K.A. Smith left on Jan. 5. He said “no.” Then (later) he came back.'
    >>> [t[a:b] for a, b in sentences(t)]
    ['Mr. K.A. Smith left on Jan. 5.', 'He said “no.”', 'Then (later) he came back.']
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        following = text[end + 1 : end + 2]
        if not following or not (following.isupper() or following.isdigit() or following in OPENERS):
            continue
        if text[match.start()] == "." and match.end() == match.start() + 1 and _abbreviation(text, match.start()):
            continue
        bounds.append((start, end))
        start = end + 1
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


# --------------------------------------------------------------------------- documents and skeletons


def document_lines(text: str) -> list[str]:
    """The lines of a document that count (docs/anchors.md): every line with a non-space character."""
    return [line for line in _LINE_END.split(text) if line.strip()]


#: A place in a document: ``(section_id, paragraph, footnote)``; a footnote has no paragraph,
#: a paragraph has no footnote.
Place = tuple[str, "int | None", "int | None"]


@dataclass(frozen=True)
class SkeletonLine:
    """One counted line of a document: its hash, and the paragraph or footnote it belongs to (if any)."""

    line: int
    sha256: str
    place: Place | None


@dataclass(frozen=True)
class Skeleton:
    """The hash-only outline of one document: every counted line, in order."""

    source_id: str
    lines: tuple[SkeletonLine, ...]

    def places(self) -> dict[Place, list[int]]:
        """Each paragraph or footnote and the indices (in :attr:`lines`) of its lines, in order."""
        found: dict[Place, list[int]] = {}
        for index, entry in enumerate(self.lines):
            if entry.place is not None:
                found.setdefault(entry.place, []).append(index)
        return found


def read_guarded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, of at most ``limit`` bytes.

    A FIFO, device, socket or directory (also behind a link) is refused without blocking on
    it, and a larger file without reading it: an :class:`InvalidArgumentError`, as is a file
    that cannot be opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InvalidArgumentError(f"{path} cannot be read: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidArgumentError(f"{path} is not a regular file (a FIFO, device or folder): give a file")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(limit + 1 - total, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise InvalidArgumentError(f"{path} is larger than the {limit} bytes such a file may have")
        return b"".join(chunks)
    except OSError as error:
        raise InvalidArgumentError(f"{path} cannot be read: {error.strerror or error}") from None
    finally:
        os.close(fd)


def _optional_int(cell: str, what: str) -> int | None:
    if cell == "":
        return None
    return _whole_number(cell, what)


def _whole_number(cell: str, what: str) -> int:
    if not re.fullmatch(r"[0-9]+", cell):
        raise InvalidArgumentError(f"{what}: {cell!r} is not a whole number; fix or regenerate the file")
    return int(cell)


def read_skeleton(path: Path) -> Skeleton:
    """Read a skeleton file (``<source_id>.csv`` with :data:`SKELETON_HEADER`).

    It must be a regular UTF-8 file of at most :data:`MAX_SKELETON_BYTES`; anything malformed
    is an :class:`InvalidArgumentError`.
    """
    try:
        text = read_guarded(path, MAX_SKELETON_BYTES).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidArgumentError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InvalidArgumentError(f"{path} is not a well-formed skeleton CSV: {error}") from None
    if not rows or tuple(rows[0]) != SKELETON_HEADER:
        raise InvalidArgumentError(
            f"{path} is not a skeleton file: its header must be {','.join(SKELETON_HEADER)} "
            "(regenerate it with scripts/anchor_citations.py)"
        )
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path}, line {number}"
        if len(row) != len(SKELETON_HEADER) or not HASH_PATTERN.match(row[1]):
            raise InvalidArgumentError(f"{where}: expected 5 cells with a sha256:<64 hex> hash; regenerate the file")
        place = None
        if row[2]:
            place = (row[2], _optional_int(row[3], where), _optional_int(row[4], where))
        lines.append(SkeletonLine(_whole_number(row[0], where), row[1], place))
    return Skeleton(path.stem, tuple(lines))


def write_skeleton(skeleton: Skeleton, path: Path) -> None:
    """Write ``skeleton`` as ``path`` (used by the maintainer script and the tests)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(SKELETON_HEADER)
        for entry in skeleton.lines:
            section, paragraph, footnote = entry.place or ("", None, None)
            out.writerow([entry.line, entry.sha256, section, paragraph or "", footnote or ""])


def read_skeletons(folder: Path | None = None) -> dict[str, Skeleton]:
    """Every skeleton in ``folder`` (default: the ones shipped with kzdata), by source id."""
    folder = SKELETON_FOLDER if folder is None else folder
    if not folder.is_dir():
        raise InvalidArgumentError(
            f"the skeleton folder {folder} does not exist; give a folder of <source_id>.csv files"
        )
    return {path.stem: read_skeleton(path) for path in sorted(folder.glob("*.csv"))}


#: How many lines of a copy are joined at most to re-find one line of a re-wrapped paragraph,
#: and how many characters they may have (longer runs are taken as changed, not re-wrapped).
_MAX_REWRAP_LINES = 8
_MAX_REWRAP_CHARS = 100_000


def _cut(text: str, sha: str) -> tuple[str, str] | None:
    """The first split of ``text`` into two lines that :func:`join_lines` joins back, the first hashing ``sha``."""
    running = hashlib.sha256()
    for position, char in enumerate(text):
        breakable = char == " " or (
            text[position - 1 : position] == "-" and char.isalpha() and text[position - 2 : position - 1].isalpha()
        )
        if position and breakable and HASH_PREFIX + running.hexdigest() == sha:
            return text[:position], text[position + 1 :] if char == " " else text[position:]
        running.update(char.encode("utf-8"))
    return None


def _rewrapped(wanted: Sequence[str], copy: Sequence[str]) -> list[list[str]] | None:
    """The text of each ``wanted`` line (a hash) in ``copy``, the same text wrapped into other lines, or None."""
    pieces: list[list[str]] = []
    rest = list(copy)
    buffer = ""
    joined = 0
    for sha in wanted:
        while True:
            if len(buffer) > _MAX_REWRAP_CHARS:
                return None
            if buffer and digest(buffer) == sha:
                pieces.append([buffer])
                buffer, joined = "", 0
                break
            cut = _cut(buffer, sha)
            if cut is not None:
                pieces.append([cut[0]])
                buffer, joined = cut[1], 1
                break
            if not rest or joined >= _MAX_REWRAP_LINES or len(buffer) > _MAX_REWRAP_CHARS:
                return None
            buffer = join_lines([buffer, rest.pop(0)])
            joined += 1
    return pieces if not buffer and not rest else None


def locate(skeleton: Skeleton, lines: Sequence[str]) -> dict[Place, str | None]:
    """The normalised text of each paragraph and footnote of ``skeleton`` in a copy's ``lines``.

    The copy's line hashes are aligned with the skeleton's (longest matching blocks first,
    :class:`difflib.SequenceMatcher`): a line found unchanged is placed; a run of lines
    replaced by other lines is taken as the same text wrapped into other lines when it is
    (docs/anchors.md), else as those lines changed in place (a line more in the copy joins
    the line before it, a line fewer is a line deleted); lines inserted in the copy belong to
    the paragraph of the line before them. A paragraph gets the text of all its lines found;
    one none of whose lines is left in the copy is missing (None).
    """
    normalised = [normalise(line) for line in lines]
    found = [digest(line) for line in normalised]
    wanted = [entry.sha256 for entry in skeleton.lines]
    texts_of: dict[int, list[str]] = {}  # skeleton line -> its text in the copy (empty: deleted)
    matcher = difflib.SequenceMatcher(None, wanted, found, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                texts_of[i] = [normalised[j]]
            continue
        if tag == "replace":
            pieces = _rewrapped(wanted[i1:i2], normalised[j1:j2])
            if pieces is not None:
                texts_of.update(zip(range(i1, i2), pieces, strict=True))
                continue
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                texts_of[i1 + k] = [normalised[j1 + k]]
            for i in range(i1 + paired, i2):
                texts_of[i] = []
            if j2 - j1 > paired:
                texts_of[i1 + paired - 1].extend(normalised[j1 + paired : j2])
        elif tag == "delete":
            for i in range(i1, i2):
                texts_of[i] = []
        elif tag == "insert" and i1 > 0:
            texts_of.setdefault(i1 - 1, []).extend(normalised[j1:j2])
    texts: dict[Place, str | None] = {}
    for place, indices in skeleton.places().items():
        if any(texts_of.get(i) for i in indices):
            texts[place] = join_lines(text for i in indices for text in texts_of.get(i, []))
        else:
            texts[place] = None
    return texts


def identify(skeletons: Mapping[str, Skeleton], texts: Mapping[Path, str]) -> dict[str, Path | None]:
    """Which file holds each document: the one sharing the most line hashes, at least half of them."""
    hashes = {path: {digest(normalise(line)) for line in document_lines(text)} for path, text in texts.items()}
    chosen: dict[str, Path | None] = {}
    for source, skeleton in skeletons.items():
        wanted = [entry.sha256 for entry in skeleton.lines]
        best, score = None, 0
        for path in sorted(hashes):
            shared = sum(h in hashes[path] for h in wanted)
            if shared > score:
                best, score = path, shared
        chosen[source] = best if wanted and 2 * score >= len(wanted) else None
    return chosen


# --------------------------------------------------------------------------- checking citations


@dataclass(frozen=True)
class Anchor:
    """What :func:`check` needs of one citation row."""

    citation_id: str
    source_id: str
    section_id: str
    paragraph: int | None
    footnote: int | None
    span_start: int | None = None
    span_end: int | None = None
    span_sha256: str | None = None

    @property
    def place(self) -> Place:
        """The paragraph the citation points to, or its footnote when it names no paragraph."""
        if self.paragraph is not None:
            return (self.section_id, self.paragraph, None)
        return (self.section_id, None, self.footnote)

    @property
    def anchored(self) -> bool:
        """True when the citation names a span."""
        return self.span_sha256 is not None

    def locator(self) -> str:
        """The citation's pinpoint, for messages."""
        if self.paragraph is not None:
            return f"{self.section_id} paragraph {self.paragraph}"
        return f"{self.section_id} footnote {self.footnote}"


#: The kinds of problem, in the order docs/anchors.md lists them.
DOCUMENT_MISSING = "document not found"
PARAGRAPH_MISSING = "paragraph missing"
OUTSIDE = "offsets outside the paragraph"
CHANGED = "span changed"


@dataclass(frozen=True)
class Problem:
    """One citation whose evidence could not be re-found."""

    citation_id: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.citation_id}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class SourcesReport:
    """What :func:`kzdata.verify_sources` checked and each citation it could not re-find."""

    where: str
    documents: dict[str, str | None]
    """Each document's source id and the file found for it (None when none was)."""
    checked: int
    anchored: int
    moved: int
    """Anchored spans found in their paragraph at other offsets (the paragraph changed elsewhere)."""
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when every document was found and every anchored span re-found."""
        return not self.problems

    def __str__(self) -> str:
        found = ", ".join(f"{s} = {Path(p).name if p else 'NOT FOUND'}" for s, p in self.documents.items())
        head = (
            f"{self.checked} citations checked against the documents in {self.where} ({found}); "
            f"{self.anchored} anchored, {self.checked - self.anchored} without a span yet"
        )
        if self.ok:
            moved = f" ({self.moved} at shifted offsets)" if self.moved else ""
            return f"{head}: every anchored span re-found{moved}."
        lines = [f"{head}: {len(self.problems)} citation(s) not re-found:"]
        lines += [f"  - {p}" for p in self.problems]
        lines.append(
            "Each listed citation's evidence is not in these files as it was when anchored: "
            "compare the named paragraph with the document the citation was made from."
        )
        return "\n".join(lines)


def _find(paragraph: str, anchor: Anchor) -> int | None:
    """Where the span starts in ``paragraph``: at its offsets, else at a word where its length hashes the same."""
    assert anchor.span_start is not None and anchor.span_end is not None
    start, end = anchor.span_start, anchor.span_end
    if end <= len(paragraph) and digest(paragraph[start:end]) == anchor.span_sha256:
        return start
    length = end - start
    for start in range(len(paragraph) - length + 1):
        if (start == 0 or paragraph[start - 1] == " ") and digest(
            paragraph[start : start + length]
        ) == anchor.span_sha256:
            return start
    return None


def check(anchors: Iterable[Anchor], found: Mapping[str, dict[Place, str | None] | None]) -> Iterator[Problem | int]:
    """Check each anchor against the located paragraphs ``found`` (None for a missing document).

    Yields a :class:`Problem` per failing citation, and the shift of each span found at
    other offsets (an ``int``), so the caller can count them.
    """
    for anchor in anchors:
        if anchor.source_id not in found:
            yield Problem(anchor.citation_id, DOCUMENT_MISSING, f"there is no skeleton of {anchor.source_id}")
            continue
        paragraphs = found[anchor.source_id]
        if paragraphs is None:
            yield Problem(anchor.citation_id, DOCUMENT_MISSING, f"no file holds {anchor.source_id}")
            continue
        if anchor.place not in paragraphs and not anchor.anchored:
            sections = {place[0] for place in paragraphs}
            if anchor.paragraph is None and anchor.section_id in sections:
                continue  # a footnote the skeleton has no text for (missing from the copy anchored)
            yield Problem(anchor.citation_id, PARAGRAPH_MISSING, f"{anchor.locator()} is not in the document")
            continue
        text = paragraphs.get(anchor.place)
        if text is None:
            yield Problem(anchor.citation_id, PARAGRAPH_MISSING, f"{anchor.locator()} is not in the file")
            continue
        if not anchor.anchored:
            continue
        start = _find(text, anchor)
        if start is not None:
            if start != anchor.span_start:
                yield start - (anchor.span_start or 0)
            continue
        assert anchor.span_start is not None and anchor.span_end is not None
        if anchor.span_end > len(text):
            yield Problem(
                anchor.citation_id,
                OUTSIDE,
                f"{anchor.locator()} has {len(text)} characters; the span is {anchor.span_start}-{anchor.span_end}",
            )
        else:
            yield Problem(
                anchor.citation_id,
                CHANGED,
                f"{anchor.locator()}, characters {anchor.span_start}-{anchor.span_end}, no longer hash the same",
            )
