"""``kzdata show --where COL=VALUE --sort COL``: choosing and ordering rows from the shell.

A condition compares a column with a value written as text, read by the column's type so
that a typo is an error and never an empty answer: a category's value must be one of its
vocabulary, a yes/no column takes ``true`` or ``false``, a number must be a number, and a
date column takes a day, a month or a year (docs/dates.md), a row matching when its date
lies in that period. Text matches exactly. An empty value (``COL=``) matches the rows where
the column is empty. Several conditions must all hold.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

_BOOLEANS = {"true": True, "false": False}


def condition(text: str) -> tuple[str, str]:
    """``COL=VALUE`` split at its first ``=`` (the value may contain more).

    >>> condition("category=protest"), condition("note=a=b")
    (('category', 'protest'), ('note', 'a=b'))
    """
    column, sep, value = text.partition("=")
    if not sep or not column.strip():
        raise InvalidArgumentError(f"--where {text!r}: write COLUMN=VALUE, e.g. --where category=protest")
    return column.strip(), value


def _known(frame: pd.DataFrame, column: str, option: str, name: str) -> None:
    if column not in frame.columns:
        raise InvalidArgumentError(
            f"{option}: {column!r} is not a column of {name}; its columns are: {', '.join(map(str, frame.columns))}"
        )


def matches(frame: pd.DataFrame, column: str, value: str, name: str) -> pd.Series:
    """Which rows of ``frame`` (a table or view called ``name``) have ``value`` in ``column``."""
    import pandas as pd

    from kzdata._dates import FORMS, period

    _known(frame, column, f"--where {column}={value}", name)
    series = frame[column]
    where = f"--where {column}={value}"
    if value == "":
        return series.isna()
    if isinstance(series.dtype, pd.CategoricalDtype):
        allowed = [str(c) for c in series.cat.categories]
        if value not in allowed:
            raise InvalidArgumentError(
                f"{where}: {value!r} is not a value of {column}; it is one of: {', '.join(allowed)}"
            )
        return (series.astype("string") == value).fillna(False)
    if pd.api.types.is_bool_dtype(series):
        if value.lower() not in _BOOLEANS:
            raise InvalidArgumentError(f"{where}: {column} is yes/no; give true or false (or nothing for empty)")
        return (series == _BOOLEANS[value.lower()]).fillna(False)
    if pd.api.types.is_datetime64_any_dtype(series):
        try:
            first, last = period(value, column)
        except InvalidArgumentError:
            raise InvalidArgumentError(f"{where}: {column} is a date; give {FORMS.split(' (')[0]}") from None
        return ((series >= first) & (series <= last)).fillna(False)
    if pd.api.types.is_numeric_dtype(series):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):  # nan and inf parse, but no cell equals them: an empty answer would mislead
            raise InvalidArgumentError(f"{where}: {column} is a number; give one, e.g. {column}=18")
        return (series == number).fillna(False)
    return (series.astype("string") == value).fillna(False)


def where(frame: pd.DataFrame, conditions: list[str], name: str) -> pd.DataFrame:
    """The rows of ``frame`` meeting every ``COL=VALUE`` of ``conditions``."""
    keep = None
    for text in conditions:
        column, value = condition(text)
        hit = matches(frame, column, value, name)
        keep = hit if keep is None else keep & hit
    return frame if keep is None else frame[keep.astype(bool)]


def sort(frame: pd.DataFrame, spec: str, name: str, *, descending: bool) -> pd.DataFrame:
    """``frame`` ordered by the column ``spec`` (``-COL``: descending; ``descending`` flips it).

    Empty values come last either way; rows that tie keep their order.
    """
    column = spec[1:] if spec.startswith("-") else spec
    _known(frame, column, f"--sort {spec}", name)
    ascending = spec.startswith("-") == descending
    return frame.sort_values(column, ascending=ascending, kind="stable")  # empty values last: pandas' default
