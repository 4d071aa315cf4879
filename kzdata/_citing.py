"""How to cite kzdata, and the bibliography behind any frame of its rows.

``cite()`` gives the dataset citation: version, release date and the content
fingerprint (:mod:`kzdata._fingerprint`) recomputed from the installed files, never
only quoted from ``datapackage.json``, so a reader can check that the data they hold are
the data cited (``kzdata verify --fingerprint``). The version is the data's: when it is
not the installed kzdata's (the version was bumped and the data not rebuilt), the
citation is refused with an :class:`~kzdata.errors.IntegrityError`
(:func:`kzdata._integrity.release_identity`).

``cite(frame)`` gives the same dataset citation first, then the sources behind exactly the
rows held, each with its pinpoints: the sections, paragraphs and notes of a primary document
that the rows' citations name, and for a work the document cites, the notes (and pages) that
cite it. Styles: ``text``, ``bibtex`` and ``csl-json`` (CSL-JSON, what Zotero, pandoc and
citeproc read); the fingerprint and the pinpoints go where bibliography styles print them
(BibTeX and CSL ``note``, beside ``version``). It must know which
table each row comes from, and guessing from column names is wrong (``events`` has a
``place_id`` column, the primary key of ``places``). So:

* the loader marks every frame with ``frame.attrs["kzdata_table"]``; pandas keeps
  ``attrs`` through filtering, column selection, ``copy``, ``head``, sorting and
  ``assign``, but drops them in ``merge``, ``join`` and ``concat`` of different tables;
* ``table=`` names the table(s) explicitly, for frames that lost the mark;
* otherwise a table counts as contained when the frame has its primary key and all of
  its columns (under their own names or with pandas' merge suffixes ``_x``/``_y``),
  or, once those are set aside, its primary key and one of its remaining columns.
  A merged frame thus gets the sources of every kzdata table it contains; a frame
  that names no table clearly is refused with an error that asks for ``table=``.

An aggregate (``events.groupby("category").size().reset_index()``) holds no ids, so it
names no records: it is refused with advice that works when followed, namely to cite the
rows before aggregating them, or to pass the ids of the records used as a frame with
``table=``. Ids that are not ids of their table (counts under an id's name) are refused too.

The sources of a set of rows are the documents their ``citations`` name plus the
works cited by the article footnotes those citations point to (through
``footnotes``). Rows of ``citations`` are cited by themselves, rows of
``discrepancies`` by the citations of their claims; ``changes`` cites nothing.
Footnotes whose text is missing in the copy used (``sources.text_missing``) are
placeholders, not works, and are never listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from kzdata import _meta as meta
from kzdata._registry import (
    CHANGES,
    CITATIONS,
    DISCREPANCIES,
    DISCREPANCY_CLAIMS,
    EVENTS,
    FOOTNOTES,
    REFORMS,
    REGISTRY,
    SECTIONS,
    SENTENCES,
    SOURCES,
    TABLES,
)
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

Style = Literal["text", "bibtex", "csl-json"]
STYLES: tuple[str, ...] = ("text", "bibtex", "csl-json")
"""The citation styles, in the order the command line offers them."""
ATTR = "kzdata_table"
"""The ``DataFrame.attrs`` key under which the loader records a frame's table."""
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def release_fingerprint() -> str:
    """The content fingerprint of the installed release, recomputed from its files.

    Raises :class:`IntegrityError` when the files are not a whole release of the installed
    kzdata (:func:`kzdata._integrity.release_identity`).
    """
    from kzdata._integrity import release_identity

    return release_identity()[1]


def _dataset_item(version: str, fingerprint: str) -> dict[str, Any]:
    """The dataset as a CSL-JSON item: the fingerprint in ``note``, which CSL styles print."""
    item: dict[str, Any] = {
        "id": f"kzdata_{version.replace('.', '_')}",
        "type": "dataset",
        "title": meta.TITLE,
        "author": [{"literal": a if not g else f"{g} {a}"} for a, g in meta.AUTHORS],
        "issued": {"date-parts": [[int(part) for part in meta.RELEASE_DATE.split("-")]]},
        "version": version,
        "medium": f"Data set, fingerprint {fingerprint}",
        "note": f"Fingerprint {fingerprint}; licence {meta.LICENSE}",
    }
    if meta.URL:
        item["URL"] = meta.URL
    return item


def dataset_citation(style: Style = "text", version: str | None = None, fingerprint: str | None = None) -> str:
    """The citation of the dataset release itself: version, release date and fingerprint.

    ``version`` and ``fingerprint`` are the installed release's unless both are given (the
    build cites the release it is building, whose files are not installed yet): the
    version the data carry, which must be the installed kzdata's, and the fingerprint
    recomputed from the files.

    >>> "kzdata" in dataset_citation("bibtex")
    True
    """
    if version is None or fingerprint is None:
        from kzdata._integrity import release_identity

        version, fingerprint = release_identity()
    if style == "csl-json":
        return json.dumps([_dataset_item(version, fingerprint)], indent=2, ensure_ascii=False)
    authors = " and ".join(a if not g else f"{a}, {g}" for a, g in meta.AUTHORS)
    if style == "bibtex":
        key = f"kzdata_{version.replace('.', '_')}"
        fields = [
            ("author", f"{{{authors}}}"),
            ("title", f"{{{meta.TITLE}}}"),
            ("year", str(meta.RELEASE_YEAR)),
            ("month", _MONTHS[int(meta.RELEASE_DATE[5:7]) - 1]),
            ("date", meta.RELEASE_DATE),
            ("version", version),
            # note is the field every BibTeX style prints, so the fingerprint goes there too
            (
                "note",
                f"Dataset, version {version}, released {meta.RELEASE_DATE}, licence {meta.LICENSE}, "
                f"fingerprint {fingerprint}",
            ),
            ("howpublished", f"Python package kzdata {version}"),
            ("fingerprint", fingerprint),
        ]
        if meta.URL:
            fields.append(("url", meta.URL))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        return f"@misc{{{key},\n{body}\n}}"
    url = f" {meta.URL}" if meta.URL else ""
    return (
        f"{authors} ({meta.RELEASE_YEAR}). {meta.TITLE} (Version {version}) [Data set]. "
        f"Released {meta.RELEASE_DATE}. Fingerprint {fingerprint}. {meta.LICENSE}.{url}"
    )


def _has(columns: set[str], name: str) -> bool:
    return name in columns or f"{name}_x" in columns or f"{name}_y" in columns


def _base(column: str) -> str:
    return column[:-2] if column.endswith(("_x", "_y")) else column


def _no_ids_advice(name: str) -> str:
    """What to do with a frame of ``name`` that holds no usable ids; both ways work as written."""
    pk = REGISTRY[name].primary_key
    return (
        f"cite the rows before aggregating them (kzdata.cite(frame) on the {name} you grouped, filtered or "
        f"not), or pass the ids of the records you used: kzdata.cite(pd.DataFrame({{{pk!r}: ids}}), "
        f"table={name!r})"
    )


def tables_in(frame: pd.DataFrame, table: str | Sequence[str] | None = None) -> list[str]:
    """The kzdata tables whose rows ``frame`` holds, in registry order (see the module doc)."""
    from kzdata._load import check_name

    columns = {str(c) for c in frame.columns}
    if table is not None:
        if not isinstance(table, str) and not (
            isinstance(table, (list, tuple)) and all(isinstance(name, str) for name in table)
        ):
            raise InvalidArgumentError(
                f"table= is a table name or a list of table names, such as 'events', not {type(table).__name__} "
                f"({table!r})"
            )
        names = [table] if isinstance(table, str) else list(table)
        if not names:
            raise InvalidArgumentError("table= names no table; give a table name such as 'events'")
        for name in names:
            pk = REGISTRY[check_name(name)].primary_key
            if not _has(columns, pk):
                raise InvalidArgumentError(
                    f"table={name!r} but the frame has no {pk!r} column; keep the id column when filtering, "
                    f"or {_no_ids_advice(name)}"
                )
        return [t.name for t in TABLES if t.name in names]
    found: list[str] = []
    hint = frame.attrs.get(ATTR)
    if isinstance(hint, str) and hint in REGISTRY:
        if not _has(columns, REGISTRY[hint].primary_key):
            raise InvalidArgumentError(
                f"the frame comes from table {hint!r} but lost its id column {REGISTRY[hint].primary_key!r}; "
                f"keep the id column when filtering, or {_no_ids_advice(hint)}"
            )
        found.append(hint)
    found += [t.name for t in TABLES if t.name not in found and all(_has(columns, c) for c in t.column_names)]
    explained = {c for name in found for c in REGISTRY[name].column_names}
    leftover = {_base(c) for c in columns} - explained
    for t in TABLES:
        if t.name in found or not _has(columns, t.primary_key):
            continue
        if leftover & (set(t.column_names) - {t.primary_key}):
            found.append(t.name)
    if not found:
        keyed = [t.name for t in TABLES if _has(columns, t.primary_key)]
        if not keyed:  # an aggregate, or columns picked without their id: no table to name would help
            raise InvalidArgumentError(
                "the frame holds no id column of any kzdata table (an aggregate such as "
                "groupby(...).size() keeps none), so it names no records to cite; "
                f"{_no_ids_advice(EVENTS.name)} (for rows of another table, its id column: "
                "kzdata.describe(TABLE) lists it first)"
            )
        keys = ", ".join(REGISTRY[name].primary_key for name in keyed)
        raise InvalidArgumentError(
            f"cannot tell which kzdata table(s) the frame holds (it has the id columns {keys}); keep the "
            f"other columns when filtering, or name the table, e.g. cite(frame, table={keyed[0]!r})"
        )
    return [t.name for t in TABLES if t.name in found]


def _ids(frame: pd.DataFrame, table: str) -> set[str]:
    pk = REGISTRY[table].primary_key
    columns = [c for c in (pk, f"{pk}_x", f"{pk}_y") if c in frame.columns]
    return {str(v) for c in columns for v in frame[c].dropna()}


def used_citations(frame: pd.DataFrame, table: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of ``citations`` behind the rows of ``frame`` (see the module doc).

    Ids that are not ids of their table are refused: they name no record, and are most
    often the counts of an aggregate under the id column's name.
    """
    from kzdata._load import check_name, load

    names = tables_in(frame, table)
    if names == [CHANGES.name]:
        raise InvalidArgumentError(
            "the changes table is the release log and cites no sources; cite the release with kzdata.cite()"
        )
    import pandas as pd

    citations = load(CITATIONS.name)
    parts = [citations.iloc[0:0]]
    for name in names:
        ids = _ids(frame, name)
        pk = REGISTRY[name].primary_key
        unknown = sorted(ids - set(load(check_name(name))[pk].astype(str)))
        if unknown:
            shown = ", ".join(map(repr, unknown[:3])) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
            raise InvalidArgumentError(
                f"the frame's {pk} values {shown} are not ids of {name}, so they name no records to cite; "
                f"{_no_ids_advice(name)}"
            )
        if name == CITATIONS.name:
            parts.append(citations[citations["citation_id"].isin(ids)])
        elif name == DISCREPANCIES.name:
            claims = load(DISCREPANCY_CLAIMS.name)
            claim_ids = set(claims.loc[claims["discrepancy_id"].isin(ids), "claim_id"])
            parts.append(
                citations[
                    (citations["record_table"] == DISCREPANCY_CLAIMS.name) & citations["record_id"].isin(claim_ids)
                ]
            )
        else:
            parts.append(citations[(citations["record_table"] == name) & citations["record_id"].isin(ids)])
    return pd.concat(parts, ignore_index=True)


def _notes_cited(used: pd.DataFrame) -> pd.DataFrame:
    """The ``footnotes`` rows (one per work a note cites) of the notes the citations name."""
    from kzdata._load import load

    footnotes = load(FOOTNOTES.name)
    # A footnote number means something only within its document: join on both.
    notes = used.loc[used["footnote"].notna(), ["source_id", "footnote"]].rename(columns={"source_id": "document_id"})
    return footnotes.merge(notes.drop_duplicates(), on=["document_id", "footnote"])


def _placeholders() -> set[str]:
    from kzdata._load import load

    sources = load(SOURCES.name)
    return set(sources.loc[sources["text_missing"].astype(bool), "source_id"])


def _numbers(values: Iterable[int], one: str, many: str) -> str:
    """``para. 3`` or ``paras. 1, 3``: the label agrees with the count."""
    ordered = sorted(set(values))
    return f"{one if len(ordered) == 1 else many} {', '.join(map(str, ordered))}"


def _label(row: pd.Series) -> str:
    """How a pinpoint names the document that cites a work: author (or publisher) and year, as its entry does.

    >>> import pandas as pd
    >>> _label(pd.Series({"authors": pd.NA, "publisher": "CRS", "published_start": pd.Timestamp("2022-11-20")}))
    'CRS (2022)'
    >>> _label(pd.Series({"authors": pd.NA, "publisher": pd.NA, "published_start": pd.NaT}))
    'Anonymous (n.d.)'
    """
    import pandas as pd

    who = next((str(row[c]) for c in ("authors", "publisher") if not pd.isna(row[c])), "Anonymous")
    year = "n.d." if pd.isna(row["published_start"]) else str(row["published_start"].year)
    return f"{who} ({year})"


def pinpoints(used: pd.DataFrame) -> dict[str, str]:
    """Per source id, where the rows behind ``used`` (rows of ``citations``) are found in it.

    A primary document gets the paragraphs named in each of its sections, in the order of
    the document, and the notes named: ``The January Events, paras. 2, 6; nn. 11, 13``. A
    work the document cites gets the notes that cite it, with their pages:
    ``Cited in Svante E. Cornell (2024): n. 1, p. 21``.
    """
    from kzdata._load import load

    sections = load(SECTIONS.name).set_index("section_id")
    sources = load(SOURCES.name).set_index("source_id")
    out: dict[str, str] = {}
    for source, rows in used.groupby("source_id"):
        parts = []
        cited = rows[rows["paragraph"].notna()]
        order = sorted(set(cited["section_id"]), key=lambda s: int(sections.loc[s, "position"]))
        for section in order:
            paragraphs = cited.loc[cited["section_id"] == section, "paragraph"].astype(int)
            parts.append(f"{sections.loc[section, 'heading']}, {_numbers(paragraphs, 'para.', 'paras.')}")
        notes = rows["footnote"].dropna().astype(int)
        if len(notes):
            parts.append(_numbers(notes, "n.", "nn."))
        out[str(source)] = "Pinpoints: " + "; ".join(parts)
    for work, entries in _notes_cited(used).groupby("source_id"):
        by_document = []
        for document, notes in entries.sort_values("footnote").groupby("document_id"):
            cited_in = "; ".join(
                f"n. {int(n)}" + (f", {p}" if isinstance(p, str) else "")
                for n, p in zip(notes["footnote"], notes["pages"].astype(object), strict=True)
            )
            by_document.append(f"{_label(sources.loc[document])}: {cited_in}")
        out[str(work)] = "Cited in " + "; ".join(by_document)
    return out


def _format_source(row: pd.Series, style: Style, note: str | None = None) -> str:
    import pandas as pd

    def get(name: str) -> str | None:
        value = row[name]
        return (
            None if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else str(value)
        )

    date = row["published_start"]
    precision = get("published_precision")
    if style == "csl-json":
        # the text style's head names an organisation when no person is named; so does CSL's author
        authors = get("authors")
        names = authors.split("; ") if authors else [get("publisher")]
        item: dict[str, Any] = {"id": row["source_id"], "type": "document"}
        if names != [None]:
            item["author"] = [{"literal": name} for name in names]
        for key, column in (("title", "title"), ("container-title", "container"), ("publisher", "publisher")):
            if get(column):
                item[key] = get(column)
        if get("url"):
            item["URL"] = get("url")
        if not pd.isna(date):
            dated = {"day": [date.year, date.month, date.day], "month": [date.year, date.month]}
            item["issued"] = {"date-parts": [dated.get(precision or "", [date.year])]}
        if note:
            item["note"] = note
        return json.dumps(item, ensure_ascii=False)
    formats = {"day": f"{date.day} %B %Y" if not pd.isna(date) else "", "month": "%B %Y"}
    when = "n.d." if pd.isna(date) else date.strftime(formats.get(precision or "", "%Y"))
    if style == "bibtex":
        fields = {
            "author": (get("authors") or "").replace("; ", " and ") or None,
            "title": get("title"),
            "howpublished": "; ".join(x for x in (get("container"), get("publisher")) if x) or None,
            "year": None if pd.isna(date) else str(date.year),
            "url": get("url"),
            "note": note,
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        return f"@misc{{{row['source_id']},\n{body}\n}}"
    head = f"{get('authors') or get('publisher') or 'Anonymous'} ({when})."
    # A publisher that is also the author (no person named) is not named twice (APA 7, 9.24).
    parts = [get("title"), get("container"), get("publisher") if get("authors") else None]
    text = " ".join([head] + [p if p.endswith((".", "?", "!")) else p + "." for p in parts if p])
    url = get("url")
    text = f"{text} {url}" if url else text  # no full stop after a URL (APA)
    return f"{text}\n  {note}" if note else text


def format_sources(ids: Iterable[str], style: Style = "text", notes: dict[str, str] | None = None) -> list[str]:
    """Bibliography entries of the given sources: primary documents first, then cited works, by id.

    ``notes`` (per source id) adds the pinpoints: on a line of their own in text, as
    ``note`` in BibTeX and CSL-JSON (each entry of which is one JSON object).
    """
    from kzdata._load import load

    sources = load(SOURCES.name)
    chosen = sources[sources["source_id"].isin(set(ids))].copy()
    chosen["_primary"] = chosen["kind"].astype("string") != "primary_document"
    chosen = chosen.sort_values(["_primary", "source_id"])
    notes = notes or {}
    return [_format_source(row, style, notes.get(str(row["source_id"]))) for _, row in chosen.iterrows()]


#: Frames whose rows point at records of several tables: (column naming the table, column of
#: the id, the table each value of the first names). ``kzdata.timeline()`` names events,
#: reforms and sentences by kind; ``kzdata.search()`` by table.
REFERENCE_FRAMES: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("kind", "record_id", {"event": EVENTS.name, "reform": REFORMS.name, "sentence": SENTENCES.name}),
    ("table", "id", None),
)


def as_id_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]] | None:
    """A frame of references (a timeline, search results) as one id column per table it names, or None.

    ``cite()`` finds a frame's records by their tables' id columns; a timeline or a search
    result names its records by a table column and an id column instead. Each row keeps its
    id under its table's primary key (empty elsewhere), so the rows cite exactly their
    records; the tables named come with it. None when ``frame`` is not such a frame or
    names a table kzdata lacks.
    """
    import pandas as pd

    columns = {str(c) for c in frame.columns}
    for table_column, id_column, names in REFERENCE_FRAMES:
        if not {table_column, id_column} <= columns:
            continue
        kinds = frame[table_column].astype("string")
        tables = kinds.map(names) if names is not None else kinds
        if tables.isna().any() or not set(tables) <= set(REGISTRY):
            return None
        named: list[str] = [t.name for t in TABLES if t.name in set(tables)]
        out = pd.DataFrame(index=frame.index)
        for name in named:
            out[REGISTRY[name].primary_key] = frame[id_column].astype("string").where(tables == name)
        return out, named
    return None


def bibliography(frame: pd.DataFrame, style: Style = "text", table: str | Sequence[str] | None = None) -> list[str]:
    """The primary documents and cited works behind the rows of ``frame``, one entry each, with pinpoints."""
    if table is None and not frame.attrs.get(ATTR):
        references = as_id_columns(frame)
        if references is not None:
            frame, table = references
            if not table:
                return []  # no row: nothing to cite but the release
    used = used_citations(frame, table)
    works = _notes_cited(used)["source_id"]
    ids = (set(used["source_id"]) | set(works)) - _placeholders()
    return format_sources(ids, style, pinpoints(used))


NO_SOURCES = (
    "No source stands behind these rows: they are the dataset's own (editorial values, docs/editorial.md; "
    "the change log), or the frame holds no cited record."
)
"""What a text citation says in place of its sources when the rows have none."""


def cite(frame: pd.DataFrame | None = None, *, style: Style = "text", table: str | Sequence[str] | None = None) -> str:
    """Cite kzdata, or kzdata and the sources behind exactly the rows of ``frame``.

    Parameters
    ----------
    frame
        ``None`` for the dataset citation (version, release date, content
        fingerprint); otherwise a kzdata table, filtered or merged, that still has
        its id column(s): the dataset citation, then every primary document and cited
        work behind its rows, each with the pinpoints of those rows (sections,
        paragraphs, notes). Cite before aggregating: an aggregate holds no ids.
    style
        ``"text"`` (APA-like), ``"bibtex"`` or ``"csl-json"`` (a JSON list of CSL items,
        for Zotero, pandoc and citeproc).
    table
        The table (or tables, for a merged frame) the rows come from, when the frame
        lost the mark the loader sets (``frame.attrs["kzdata_table"]``), e.g. after
        ``merge``. Without it, a frame whose tables cannot be told is refused.

    Examples
    --------
    >>> import kzdata
    >>> print(kzdata.cite())  # doctest: +ELLIPSIS
    kzdata contributors (...). kzdata: ... (Version ...) [Data set]. Released ... Fingerprint sha256:... CC-BY-4.0.
    >>> sentences = kzdata.sentences()
    >>> "Cornell" in kzdata.cite(sentences)
    True
    """
    if not isinstance(style, str) or style not in STYLES:
        raise InvalidArgumentError(f"unknown citation style {style!r}; use 'text', 'bibtex' or 'csl-json'")
    if frame is None:
        if table is not None:
            raise InvalidArgumentError("table= needs a frame: cite(frame, table='events')")
        return dataset_citation(style)
    if not hasattr(frame, "columns") or not hasattr(frame, "attrs"):
        raise InvalidArgumentError(
            f"cite() takes a pandas DataFrame of kzdata rows, not {type(frame).__name__}; for a column "
            "(a Series), cite its frame: cite(frame[['event_id', 'title']])"
        )
    entries = bibliography(frame, style, table)
    dataset = dataset_citation(style)
    if style == "csl-json":
        items = [*json.loads(dataset), *(json.loads(entry) for entry in entries)]
        return json.dumps(items, indent=2, ensure_ascii=False)
    if style == "bibtex":
        return "\n\n".join([dataset, *entries])
    if not entries:  # e.g. editorial_values, whose rows say that no document states their value
        return "\n".join([dataset, "", NO_SOURCES])
    return "\n".join([dataset, "", "Sources behind these rows, with their pinpoints:", *entries])
