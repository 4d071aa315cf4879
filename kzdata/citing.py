"""How to cite kzdata, and the bibliography behind any frame of its rows.

``cite()`` gives the dataset citation with its exact version; ``cite(frame)``
walks ``citations`` (and, through the article's ``footnotes``, the works it
cites) to list the sources behind the rows a user actually holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from kzdata import meta
from kzdata.errors import InvalidArgumentError
from kzdata.tables import REGISTRY, TABLES

if TYPE_CHECKING:
    import pandas as pd

Style = Literal["text", "bibtex"]


def _version() -> str:
    from importlib.metadata import version

    return version("kzdata")


def dataset_citation(style: Style = "text", version: str | None = None) -> str:
    """The citation of the dataset release itself (``version``: the installed one unless given, as the build does).

    >>> "kzdata" in dataset_citation("bibtex")
    True
    """
    version = version or _version()
    authors = " and ".join(a if not g else f"{a}, {g}" for a, g in meta.AUTHORS)
    if style == "bibtex":
        key = f"kzdata_{version.replace('.', '_')}"
        return (
            f"@misc{{{key},\n"
            f"  author = {{{{{authors}}}}},\n"
            f"  title = {{{{{meta.TITLE}}}}},\n"
            f"  year = {{{meta.RELEASE_YEAR}}},\n"
            f"  version = {{{version}}},\n"
            f"  note = {{Dataset, version {version}, licence {meta.LICENSE}}},\n"
            f"  howpublished = {{Python package kzdata {version}}}\n"
            "}"
        )
    return f"{authors} ({meta.RELEASE_YEAR}). {meta.TITLE} (Version {version}) [Data set]. {meta.LICENSE}."


def _table_of(frame: pd.DataFrame) -> str:
    for table in TABLES:
        if table.primary_key in frame.columns and table.name != "citations":
            return table.name
    raise InvalidArgumentError(
        "cannot tell which kzdata table the frame comes from: it has none of the primary key "
        f"columns ({', '.join(t.primary_key for t in TABLES)}); keep the id column when filtering"
    )


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
            "note": "text of this footnote is missing in the copy used" if row["text_missing"] else None,
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        return f"@misc{{{row['source_id']},\n{body}\n}}"
    if row["text_missing"]:
        return f"[Footnote {row['footnote']} of the article: its text is missing in the copy used.]"
    head = f"{get('authors') or get('publisher') or 'Anonymous'} ({when})."
    parts = [get("title"), get("container"), get("publisher")]
    text = " ".join([head] + [p if p.endswith((".", "?", "!")) else p + "." for p in parts if p])
    url = get("url")
    return f"{text} {url}" if url else text  # no full stop after a URL (APA)


def bibliography(frame: pd.DataFrame, style: Style = "text") -> list[str]:
    """The primary documents and cited works behind the rows of ``frame``."""
    from kzdata.load import load

    table = _table_of(frame)
    ids = set(frame[REGISTRY[table].primary_key].dropna())
    citations = load("citations")
    used = citations[(citations["record_table"] == table) & citations["record_id"].isin(ids)]
    footnotes = load("footnotes")
    cited_works = footnotes[footnotes["footnote"].isin(used["footnote"].dropna())]["source_id"]
    wanted = set(used["source_id"]) | set(cited_works)
    sources = load("sources")
    chosen = sources[sources["source_id"].isin(wanted)]
    chosen = chosen.sort_values(["kind", "source_id"])
    return [_format_source(row, style) for _, row in chosen.iterrows()]


def cite(frame: pd.DataFrame | None = None, *, style: Style = "text") -> str:
    """Cite kzdata, or the sources behind the rows of ``frame``.

    Parameters
    ----------
    frame
        ``None`` for the dataset citation; otherwise a (possibly filtered) kzdata
        table that still has its id column, for the bibliography of its rows.
    style
        ``"text"`` (APA-like) or ``"bibtex"``.

    Examples
    --------
    >>> import kzdata
    >>> print(kzdata.cite())  # doctest: +ELLIPSIS
    kzdata contributors (...). kzdata: ... (Version ...) [Data set]. CC-BY-4.0.
    >>> sentences = kzdata.sentences()
    >>> "Cornell" in kzdata.cite(sentences)
    True
    """
    if style not in ("text", "bibtex"):
        raise InvalidArgumentError(f"unknown citation style {style!r}; use 'text' or 'bibtex'")
    if frame is None:
        return dataset_citation(style)
    separator = "\n\n" if style == "bibtex" else "\n"
    return separator.join(bibliography(frame, style))
