"""``kzdata.verify_sources(DIR)``: is each citation's evidence still in the documents?

The documents are not shipped; the user gives a folder (or one file) holding copies of
them. Each file is matched to a document by its line hashes (:func:`kzdata._anchors.identify`),
its paragraphs are located through the document's skeleton, and every citation's span is
re-found (:func:`kzdata._anchors.check`). The citations come from the release, or from a CSV
shaped like ``raw/citations.csv`` (for maintainers, before a build, and for tests).
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from kzdata._anchors import (
    ANCHOR_COLUMNS,
    HASH_PATTERN,
    Anchor,
    Problem,
    SourcesReport,
    check,
    document_lines,
    identify,
    locate,
    read_guarded,
    read_skeletons,
)
from kzdata.errors import InvalidArgumentError

_LOCATOR_COLUMNS = ("citation_id", "source_id", "section_id", "paragraph", "footnote")
#: A file of the documents' folder larger than this is not one of the documents: it is skipped unread.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: The largest ``--citations`` CSV read (the release's is well under 1 MiB).
MAX_CITATIONS_BYTES = 256 * 1024 * 1024
_WHOLE_NUMBER = re.compile(r"[0-9]+")


def _path_argument(value: object, what: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidArgumentError(f"{what} must be a path (str or pathlib.Path), not {type(value).__name__}")
    text = os.fspath(value)
    if text in ("", b""):
        raise InvalidArgumentError(f"{what} must name a file or folder, got an empty path")
    if ("\0" if isinstance(text, str) else b"\0") in text:
        raise InvalidArgumentError(f"{what} {text!r} holds a NUL byte, which no path can")
    return Path(os.fsdecode(text))


def _read_documents(path: Path) -> dict[Path, str]:
    """Every readable UTF-8 text file of ``path`` (a folder, not recursed, or one file)."""
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file())
    else:
        raise InvalidArgumentError(
            f"{path} does not exist: give the folder holding copies of the primary documents (or one document)"
        )
    texts = {}
    for file in files:
        try:
            if file.stat().st_size > MAX_DOCUMENT_BYTES:
                continue  # far larger than any of the documents (a video, an archive): never read
            data = read_guarded(file, MAX_DOCUMENT_BYTES)
            texts[file] = data.decode("utf-8-sig")  # a byte-order mark is not text
        except (UnicodeDecodeError, OSError, InvalidArgumentError):
            continue  # not a text document (a PDF, an image): it cannot be one of the documents
    return texts


def _cell_int(value: object, where: str) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    if not _WHOLE_NUMBER.fullmatch(text):
        raise InvalidArgumentError(f"{where}: {text!r} is not a whole number")
    return int(text)


def _anchor(row: dict[str, object], where: str) -> Anchor:
    for column in _LOCATOR_COLUMNS:
        if column not in row:
            raise InvalidArgumentError(f"{where}: the column {column} is missing")
    sha = row.get("span_sha256")
    sha = None if sha is None or sha == "" or sha != sha else str(sha)
    if sha is not None and not HASH_PATTERN.match(sha):
        raise InvalidArgumentError(f"{where}: span_sha256 {sha!r} is not sha256:<64 lower-case hex>")
    start = _cell_int(row.get("span_start"), where)
    end = _cell_int(row.get("span_end"), where)
    if (start is None) != (sha is None) or (end is None) != (sha is None):
        raise InvalidArgumentError(f"{where}: span_start, span_end and span_sha256 are given together or not at all")
    if start is not None and end is not None and end <= start:
        raise InvalidArgumentError(f"{where}: span_end {end} must be greater than span_start {start}")
    return Anchor(
        citation_id=str(row["citation_id"]),
        source_id=str(row["source_id"]),
        section_id=str(row["section_id"]),
        paragraph=_cell_int(row["paragraph"], where),
        footnote=_cell_int(row["footnote"], where),
        span_start=start,
        span_end=end,
        span_sha256=sha,
    )


def read_anchors(path: Path) -> list[Anchor]:
    """The citations of a CSV shaped like ``raw/citations.csv`` (anchor columns optional).

    The file must be a regular UTF-8 file of at most :data:`MAX_CITATIONS_BYTES` whose header
    has every locator column, rows or not; anything else is an :class:`InvalidArgumentError`.
    """
    try:
        text = read_guarded(path, MAX_CITATIONS_BYTES).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidArgumentError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in _LOCATOR_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise InvalidArgumentError(
                f"{path} is not a citations CSV: its header lacks {', '.join(missing)} "
                "(it must be shaped like raw/citations.csv)"
            )
        return [_anchor(row, f"{path}, line {n}") for n, row in enumerate(reader, start=2)]
    except csv.Error as error:
        raise InvalidArgumentError(f"{path} is not a well-formed CSV file: {error}") from None


def _release_anchors() -> list[Anchor]:
    from kzdata._load import load
    from kzdata._registry import CITATIONS

    frame = load(CITATIONS.name)
    columns = [*_LOCATOR_COLUMNS, *ANCHOR_COLUMNS]
    rows = frame[columns].astype(object).where(frame[columns].notna(), None).to_dict("records")
    return [_anchor(row, f"citation {row['citation_id']}") for row in rows]


def verify_sources(
    path: str | os.PathLike[str],
    *,
    citations: str | os.PathLike[str] | None = None,
    skeletons: str | os.PathLike[str] | None = None,
) -> SourcesReport:
    """Re-find every citation's supporting span in copies of the primary documents.

    ``path`` is a folder holding the documents as text files (any names: each is
    recognised by its content), or one such file. Returns a report listing each citation
    whose document is not there, whose paragraph is missing, whose span's offsets fall
    outside its paragraph, or whose span no longer hashes the same; ``report.ok`` is True
    when there is none. A span found at other offsets in its paragraph (text changed
    elsewhere in the paragraph) passes. ``citations`` (a CSV shaped like
    ``raw/citations.csv``) and ``skeletons`` (a folder of ``<source_id>.csv`` skeletons)
    replace the release's own. docs/anchors.md defines the normalisation and the checks.

    >>> report = kzdata.verify_sources("copies/")  # doctest: +SKIP
    >>> report.ok, [p.citation_id for p in report.problems]  # doctest: +SKIP
    (True, [])
    """
    folder = _path_argument(path, "path=")
    texts = _read_documents(folder)
    shapes = read_skeletons(None if skeletons is None else _path_argument(skeletons, "skeletons="))
    anchors = _release_anchors() if citations is None else read_anchors(_path_argument(citations, "citations="))
    files = identify(shapes, texts)
    found = {
        source: None if file is None else locate(shapes[source], document_lines(texts[file]))
        for source, file in files.items()
    }
    problems: list[Problem] = []
    moved = 0
    for item in check(anchors, found):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            moved += 1
    return SourcesReport(
        where=str(folder),
        documents={source: None if file is None else str(file) for source, file in files.items()},
        checked=len(anchors),
        anchored=sum(a.anchored for a in anchors),
        moved=moved,
        problems=tuple(problems),
    )
