"""How to cite kzdata, and the bibliography behind any frame of its rows.

``cite()`` gives the dataset citation: version, release date and the content
fingerprint (:mod:`kzdata._fingerprint`) recomputed from the installed files, never
only quoted from ``datapackage.json``, so a reader can check that the data they hold are
the data cited (``kzdata verify --fingerprint``). The version is the data's: when it is
not the installed kzdata's (the version was bumped and the data not rebuilt), the
citation is refused with an :class:`~kzdata.errors.IntegrityError`
(:func:`kzdata._integrity.release_identity`).

``cite(frame)`` lists the sources behind exactly the rows held. It must know which
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

The sources of a set of rows are the documents their ``citations`` name plus the
works cited by the article footnotes those citations point to (through
``footnotes``). Rows of ``citations`` are cited by themselves, rows of
``discrepancies`` by the citations of their claims; ``changes`` cites nothing.
Footnotes whose text is missing in the copy used (``sources.text_missing``) are
placeholders, not works, and are never listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from kzdata import _meta as meta
from kzdata._registry import CHANGES, CITATIONS, DISCREPANCIES, DISCREPANCY_CLAIMS, FOOTNOTES, REGISTRY, SOURCES, TABLES
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

Style = Literal["text", "bibtex"]
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
            ("note", f"Dataset, version {version}, released {meta.RELEASE_DATE}, licence {meta.LICENSE}"),
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
                    f"table={name!r} but the frame has no {pk!r} column; keep the id column when filtering"
                )
        return [t.name for t in TABLES if t.name in names]
    found: list[str] = []
    hint = frame.attrs.get(ATTR)
    if isinstance(hint, str) and hint in REGISTRY:
        if not _has(columns, REGISTRY[hint].primary_key):
            raise InvalidArgumentError(
                f"the frame comes from table {hint!r} but lost its id column {REGISTRY[hint].primary_key!r}; "
                "keep the id column when filtering"
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
        keys = sorted(t.primary_key for t in TABLES if _has(columns, t.primary_key))
        hint_text = f" (it has the id columns {', '.join(keys)})" if keys else ""
        raise InvalidArgumentError(
            f"cannot tell which kzdata table(s) the frame holds{hint_text}; keep the id column when "
            "filtering, or name the table, e.g. cite(frame, table='events')"
        )
    return [t.name for t in TABLES if t.name in found]


def _ids(frame: pd.DataFrame, table: str) -> set[str]:
    pk = REGISTRY[table].primary_key
    columns = [c for c in (pk, f"{pk}_x", f"{pk}_y") if c in frame.columns]
    return {str(v) for c in columns for v in frame[c].dropna()}


def source_ids(frame: pd.DataFrame, table: str | Sequence[str] | None = None) -> list[str]:
    """The ``source_id`` of every document and cited work behind the rows of ``frame``, sorted."""
    from kzdata._load import load

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
    used = pd.concat(parts, ignore_index=True)
    footnotes = load(FOOTNOTES.name)
    # A footnote number means something only within its document: join on both.
    notes = used.loc[used["footnote"].notna(), ["source_id", "footnote"]].rename(columns={"source_id": "document_id"})
    works = footnotes.merge(notes.drop_duplicates(), on=["document_id", "footnote"])["source_id"]
    sources = load(SOURCES.name)
    placeholders = set(sources.loc[sources["text_missing"].astype(bool), "source_id"])
    return sorted((set(used["source_id"]) | set(works)) - placeholders)


def _format_source(row: pd.Series, style: Style) -> str:
    import pandas as pd

    def get(name: str) -> str | None:
        value = row[name]
        return (
            None if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else str(value)
        )

    date = row["published_start"]
    precision = get("published_precision")
    formats = {"day": f"{date.day} %B %Y" if not pd.isna(date) else "", "month": "%B %Y"}
    when = "n.d." if pd.isna(date) else date.strftime(formats.get(precision or "", "%Y"))
    if style == "bibtex":
        fields = {
            "author": (get("authors") or "").replace("; ", " and ") or None,
            "title": get("title"),
            "howpublished": "; ".join(x for x in (get("container"), get("publisher")) if x) or None,
            "year": None if pd.isna(date) else str(date.year),
            "url": get("url"),
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        return f"@misc{{{row['source_id']},\n{body}\n}}"
    head = f"{get('authors') or get('publisher') or 'Anonymous'} ({when})."
    parts = [get("title"), get("container"), get("publisher")]
    text = " ".join([head] + [p if p.endswith((".", "?", "!")) else p + "." for p in parts if p])
    url = get("url")
    return f"{text} {url}" if url else text  # no full stop after a URL (APA)


def format_sources(ids: Iterable[str], style: Style = "text") -> list[str]:
    """Bibliography entries of the given sources: primary documents first, then cited works, by id."""
    from kzdata._load import load

    sources = load(SOURCES.name)
    chosen = sources[sources["source_id"].isin(set(ids))].copy()
    chosen["_primary"] = chosen["kind"].astype("string") != "primary_document"
    chosen = chosen.sort_values(["_primary", "source_id"])
    return [_format_source(row, style) for _, row in chosen.iterrows()]


def bibliography(frame: pd.DataFrame, style: Style = "text", table: str | Sequence[str] | None = None) -> list[str]:
    """The primary documents and cited works behind the rows of ``frame``, one entry each."""
    return format_sources(source_ids(frame, table), style)


def cite(frame: pd.DataFrame | None = None, *, style: Style = "text", table: str | Sequence[str] | None = None) -> str:
    """Cite kzdata, or the sources behind exactly the rows of ``frame``.

    Parameters
    ----------
    frame
        ``None`` for the dataset citation (version, release date, content
        fingerprint); otherwise a kzdata table, filtered or merged, that still has
        its id column(s), for the bibliography of its rows.
    style
        ``"text"`` (APA-like) or ``"bibtex"``.
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
    if not isinstance(style, str) or style not in ("text", "bibtex"):
        raise InvalidArgumentError(f"unknown citation style {style!r}; use 'text' or 'bibtex'")
    if frame is None:
        if table is not None:
            raise InvalidArgumentError("table= needs a frame: cite(frame, table='events')")
        return dataset_citation(style)
    if not hasattr(frame, "columns") or not hasattr(frame, "attrs"):
        raise InvalidArgumentError(
            f"cite() takes a pandas DataFrame of kzdata rows, not {type(frame).__name__}; for a column "
            "(a Series), cite its frame: cite(frame[['event_id', 'title']])"
        )
    separator = "\n\n" if style == "bibtex" else "\n"
    return separator.join(bibliography(frame, style, table))
