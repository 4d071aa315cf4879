"""Find a text anywhere people look for it: titles, descriptions, names and aliases.

``kzdata search Massimov`` should find the person, the sentence whose description names him
and the events he took part in, however the name is accented or capitalised. Text is
compared after folding: case and diacritics are ignored (``"massimov"``, ``"MASSIMOV"`` and
``"Mássimov"`` meet), and runs of spaces count as one. Unlike :func:`kzdata.resolve`, which
finds an entity under its names with transliteration rules, this finds the text itself,
also inside longer text.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from kzdata._registry import ALIASES, TABLES
from kzdata._resolve import ENTITY_TABLES
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

#: The columns searched, wherever a table has them.
SEARCHED = ("title", "name", "heading", "description", "alias")

#: The columns of :func:`search`'s frame.
COLUMNS = ("table", "id", "column", "text")


def fold(text: str) -> str:
    """``text`` without case, diacritics or repeated spaces: the form searches compare.

    >>> fold("  Qasym-Jomart  TOQAYEV ") == fold("qasym-jomart toqayev")
    True
    >>> fold("Türkiye"), fold("Алматы")
    ('turkiye', 'алматы')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search(text: str) -> pd.DataFrame:
    """Every title, description, name and alias that contains ``text``, ignoring case and accents.

    Returns a frame with ``table``, ``id`` (the row's primary key), ``column`` (where the
    text was found) and ``text`` (the whole value found), ordered by table (in the
    registry's order), id and column. An alias is reported under the table and id of what
    it names (a person, organization, place or reform), with ``column`` ``alias``, so every
    row leads to a record: ``kzdata.evidence(id, table=table)`` gives its citations.

    Examples
    --------
    >>> import kzdata
    >>> found = kzdata.search("MASSIMOV")
    >>> ("people", "massimov-karim") in set(zip(found["table"], found["id"]))
    True
    """
    import pandas as pd

    from kzdata._load import load

    if not isinstance(text, str) or not fold(text):
        raise InvalidArgumentError(f"search() needs some text to look for, got {text!r}")
    wanted = fold(text)
    parts = []
    for table in TABLES:
        frame = load(table.name)
        key = table.primary_key
        for column in SEARCHED:
            if column not in frame.columns or (table.name == ALIASES.name and column == "alias"):
                continue
            values = frame[column].astype("string")
            hit = values.map(lambda v: isinstance(v, str) and wanted in fold(v))
            hit = hit.fillna(False).astype(bool)
            parts.append(
                pd.DataFrame({"table": table.name, "id": frame.loc[hit, key], "column": column, "text": values[hit]})
            )
    aliases = load(ALIASES.name)
    hit = aliases["alias"].map(lambda v: wanted in fold(v), na_action="ignore").fillna(False).astype(bool)
    found = aliases[hit]
    for _, table_name, key in ENTITY_TABLES:
        named = found[found[key].notna()]
        parts.append(pd.DataFrame({"table": table_name, "id": named[key], "column": "alias", "text": named["alias"]}))
    out = pd.concat(parts, ignore_index=True).astype("string")
    order = {t.name: i for i, t in enumerate(TABLES)}
    out = out.assign(_t=out["table"].map(order), _c=out["column"].map(SEARCHED.index))
    out = out.sort_values(["_t", "id", "_c", "text"]).drop_duplicates(list(COLUMNS))
    return out.loc[:, list(COLUMNS)].reset_index(drop=True)


def excerpt(text: str, wanted: str, room: int) -> str:
    """At most ``room`` characters of ``text`` around the first place ``wanted`` is found in it.

    Shown by ``kzdata search``, so that a match deep inside a long description is seen.
    ``...`` marks text left out at either end.

    >>> excerpt("The new deputy head, who after Massimov's sentencing said the case was secret", "massimov", 30)
    "...ter Massimov's sentencin..."
    """
    flat = " ".join(text.split())
    if len(flat) <= room:
        return flat
    folded = [fold(c) or c for c in flat]  # one piece per character of ``flat``, so indexes agree
    starts = [0]
    for piece in folded:
        starts.append(starts[-1] + len(piece))
    at = "".join(folded).find(fold(wanted))
    where = next(i for i, s in enumerate(starts) if s >= at)  # at <= starts[-1]; not found (-1): 0
    begin = max(0, min(where - room // 4, len(flat) - room))
    body = flat[begin : begin + room]
    if begin > 0:
        body = "..." + body[3:]
    if begin + room < len(flat):
        body = body[:-3] + "..."
    return body
