"""A fast screen of a table against its schema, without pandera.

:func:`kzdata.validate` checks every table against its pandera schema
(:mod:`kzdata._schemas`). Importing pandera and running its checks column by column
costs more than everything else ``kzdata info --validate`` does, while a release
almost always passes. So :func:`passes` runs the same checks, all derived from the
registry, as a few vectorised pandas operations per column, and ``validate()`` hands
a table to pandera only when the screen does not pass it: pandera then finds and
words the failures, exactly as before.

The screen must never pass a table pandera would refuse, so every test here is at
least as strict as pandera's (an exact dtype, the exact column order, duplicates
counted with missing values, any error while checking taken as a failure). It may
fail a table pandera accepts; pandera's verdict is then the one reported.
``tests/test_screen.py`` damages every column of every table in each way the schema
forbids and asserts that the screen and pandera both refuse it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from kzdata._registry import Column, Table

if TYPE_CHECKING:
    import pandas as pd


@cache
def expected_dtype(column: Column) -> object:
    """The exact pandas dtype ``column`` loads as (categories in their declared order)."""
    import pandas as pd

    if column.kind == "category":
        return pd.CategoricalDtype(categories=list(column.enum), ordered=False)
    return pd.api.types.pandas_dtype(column.pandas_dtype)


def _same_dtype(actual: object, expected: object) -> bool:
    """True when ``actual`` is ``expected`` in every respect pandas shows (type, repr, categories)."""
    import pandas as pd

    if type(actual) is not type(expected) or repr(actual) != repr(expected):
        return False
    if isinstance(expected, pd.CategoricalDtype):
        assert isinstance(actual, pd.CategoricalDtype)
        return bool(actual.ordered is False and list(actual.categories) == list(expected.categories))
    return True


def column_passes(column: Column, series: pd.Series) -> bool:
    """True when ``series`` has the dtype and meets every check the schema states for ``column``.

    Comparisons skip missing values, as pandera's checks do. A category column with
    exactly the declared categories holds only allowed values, so the dtype check is
    also the schema's ``isin`` check. The pattern must match the whole value (stricter
    than pandera's ``str_matches``, where ``$`` may match before a final newline); an id
    that matches it is made of ``a-z``, ``0-9`` and ``-``, so it has no surrounding
    whitespace and is not empty, and those two checks are left to text and URL columns.
    """
    if not _same_dtype(series.dtype, expected_dtype(column)):
        return False
    if not column.nullable and series.hasnans:
        return False
    if column.unique and not series.is_unique:
        return False
    if column.minimum is not None and (series < column.minimum).any():
        return False
    if column.maximum is not None and (series > column.maximum).any():
        return False
    if column.pattern is not None and not series.str.fullmatch(column.pattern).all():
        return False
    if column.kind in ("text", "url"):
        return not ((series.str.strip() != series).any() or (series.str.len() < 1).any())
    return True


def passes(table: Table, frame: pd.DataFrame) -> bool:
    """True when ``frame`` has exactly ``table``'s columns, in order, and every column passes.

    Any error raised while checking (a value of an unexpected type, say) counts as not passing.
    """
    if list(frame.columns) != list(table.column_names):
        return False
    try:
        return all(column_passes(col, frame[col.name]) for col in table.columns)
    except Exception:  # whatever went wrong, pandera decides and words it
        return False
