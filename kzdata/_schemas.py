"""pandera schemas, generated from the table registry.

One :class:`pandera.pandas.DataFrameSchema` per table, built from
:data:`kzdata._registry.TABLES`: dtypes, nullability, uniqueness, allowed values,
bounds, id and URL patterns, and every column's description. Nothing here is
written by hand per table, so the schemas cannot drift from the registry.

Importing this module imports pandera; :mod:`kzdata` only imports it when
:func:`schema` or :func:`kzdata.validate` is called.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd
import pandera.pandas as pa

from kzdata._load import check_name
from kzdata._registry import REGISTRY, Column

if TYPE_CHECKING:
    from kzdata._generated import TableName


def dtype_of(column: Column) -> object:
    """The exact pandas dtype of ``column`` (categories in their declared order)."""
    if column.kind == "category":
        return pd.CategoricalDtype(categories=list(column.enum), ordered=False)
    return column.pandas_dtype


def _checks(column: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum))
    if column.maximum is not None:
        checks.append(pa.Check.le(column.maximum))
    if column.pattern is not None:
        checks.append(pa.Check.str_matches(column.pattern))
    if column.kind in ("text", "id", "url"):
        checks.append(
            pa.Check(
                lambda s: s.str.strip() == s,
                element_wise=False,
                error="no leading or trailing whitespace",
            )
        )
        checks.append(pa.Check.str_length(min_value=1))
    if column.kind == "category":
        checks.append(pa.Check.isin(list(column.enum)))
    return checks


def schema(name: TableName) -> pa.DataFrameSchema:
    """The pandera schema of table ``name``.

    Examples
    --------
    >>> import kzdata
    >>> s = kzdata.schema("sentences")
    >>> s.columns["prison_years"].nullable
    True
    """
    return _schema(check_name(name))


@cache
def _schema(name: TableName) -> pa.DataFrameSchema:
    table = REGISTRY[name]
    return pa.DataFrameSchema(
        {
            col.name: pa.Column(
                dtype_of(col),
                checks=_checks(col),
                nullable=col.nullable,
                unique=col.unique,
                description=col.description,
                title=col.name,
            )
            for col in table.columns
        },
        strict=True,
        ordered=True,
        name=table.name,
        title=table.title,
        description=table.row,
    )


_RULES = (
    (re.compile(r"^greater_than_or_equal_to\((.*)\)$"), "must be at least {0}"),
    (re.compile(r"^less_than_or_equal_to\((.*)\)$"), "must be at most {0}"),
    (re.compile(r"^str_matches\('?\^?(.*?)\$?'?\)$"), "must match the pattern {0}"),
    (re.compile(r"^isin\((.*)\)$"), "must be one of {0}"),
    (re.compile(r"^str_length\(1, None\)$"), "must not be empty"),
    (re.compile(r"^field_uniqueness$"), "must be unique: this value appears more than once"),
    (re.compile(r"^not_nullable$"), "a value is required"),
    (re.compile(r"^dtype\((.*)\)$"), "must have the dtype {0}"),
    (re.compile(r"^column_in_dataframe$"), "the column is missing"),
    (re.compile(r"^column_in_schema$"), "the column is not part of the table"),
)


def rule_text(check: str) -> str:
    """pandera's name of a failed check, in words a data editor understands.

    >>> rule_text("less_than_or_equal_to(100)")
    'must be at most 100'
    >>> rule_text("field_uniqueness")
    'must be unique: this value appears more than once'
    """
    for pattern, text in _RULES:
        match = pattern.match(check)
        if match:
            return text.format(*match.groups())
    return check
