"""Find a person, organization, place or reform under any of its names.

Names are compared after folding: case, diacritics, punctuation and the usual
differences between transliterations of Kazakh and Russian names (``-yev``/``-ev``,
``ay``/``ai``, ``dzh``/``zh``/``j``, ``kh``/``h``, doubled letters, a leading ``ye``)
are ignored, so ``"Nazarbaev"``, ``"NAZARBAYEV"`` and ``"Nazarbáyev"`` meet.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from kzdata._registry import ALIASES, ORGANIZATIONS, PEOPLE, PLACES, REFORMS
from kzdata.errors import InvalidArgumentError, UnknownEntityError

if TYPE_CHECKING:
    import pandas as pd

    from kzdata._generated import TableName

_RULES = (
    (r"dzh|zh|dj", "j"),
    (r"kh", "h"),
    (r"yev\b", "ev"),
    (r"yeva\b", "eva"),
    (r"\bye", "e"),
    (r"iy\b", "i"),
    (r"y", "i"),
    (r"q", "k"),
    (r"w", "v"),
    (r"(.)\1", r"\1"),
)

ENTITY_TABLES: tuple[tuple[str, TableName, str], ...] = (
    ("person", PEOPLE.name, "person_id"),
    ("organization", ORGANIZATIONS.name, "organization_id"),
    ("place", PLACES.name, "place_id"),
    ("reform", REFORMS.name, "reform_id"),
)


def fold(text: str) -> str:
    """The comparison key of a name.

    >>> fold("Nazarbáyev") == fold("NAZARBAEV")
    True
    >>> fold("Dzhumageldiyev") == fold("Zhumageldiev")
    True
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9\u0430-\u044f]+", " ", text).strip()
    for pattern, repl in _RULES:
        text = re.sub(pattern, repl, text)
    return text


def _names() -> pd.DataFrame:
    import pandas as pd

    from kzdata._load import load

    parts = []
    for entity, table, key in ENTITY_TABLES:
        frame = load(table)
        label = "name"
        parts.append(
            pd.DataFrame(
                {
                    "entity_type": entity,
                    "entity_id": frame[key],
                    "name": frame[label],
                    "matched": frame[label],
                    "via": "name",
                }
            )
        )
    aliases = load(ALIASES.name)
    for entity, table, key in ENTITY_TABLES:
        sub = aliases[aliases[key].notna()]
        names = load(table).set_index(key)["name"]
        parts.append(
            pd.DataFrame(
                {
                    "entity_type": entity,
                    "entity_id": sub[key],
                    "name": sub[key].map(names),
                    "matched": sub["alias"],
                    "via": "alias:" + sub["kind"].astype("string"),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["key"] = out["matched"].map(fold)
    return out


def resolve(text: str) -> pd.DataFrame:
    """Every entity that ``text`` names: exact names and aliases first, then single words.

    Returns a frame with ``entity_type``, ``entity_id``, ``name``, ``matched`` (the name
    or alias that matched) and ``via``; more than one row means the text is ambiguous.

    Examples
    --------
    >>> import kzdata
    >>> kzdata.resolve("Nazarbaev")["entity_id"].tolist()
    ['nazarbayev-nursultan']
    """
    import difflib

    if not isinstance(text, str) or not text.strip():
        raise InvalidArgumentError(f"resolve() needs a non-empty name, got {text!r}")
    names = _names()
    key = fold(text)
    hits = names[names["key"] == key]
    if hits.empty:  # a surname or one word of a longer name
        words = names["key"].str.split()
        hits = names[words.map(lambda ws: key in ws)]
    if hits.empty:
        close = difflib.get_close_matches(key, names["key"].unique().tolist(), n=3, cutoff=0.75)
        # One spelling per comparison key: "Nazarbaev", "nazarbaev" and "Nazarbayev" are one suggestion.
        hint = names[names["key"].isin(close)].drop_duplicates("key")["matched"].tolist()
        suggestion = f" Did you mean: {', '.join(hint)}?" if hint else ""
        raise UnknownEntityError(
            f"no person, organization, place or reform is called {text!r}.{suggestion} "
            "Search kzdata.aliases() for the variants kzdata knows."
        )
    cols = ["entity_type", "entity_id", "name", "matched", "via"]
    return hits.drop_duplicates("entity_id")[cols].sort_values(["entity_type", "entity_id"]).reset_index(drop=True)
