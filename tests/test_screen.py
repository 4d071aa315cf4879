"""The fast screen (kzdata/_screen.py) never passes a table that pandera refuses.

Every column of every table is damaged in each way its schema forbids; whenever pandera
(the oracle: the schema built from the registry, independent of the screen) refuses the
damaged table, so must the screen. ``kzdata.validate()`` then still reports the
failure through pandera (tests/test_refusals.py checks the messages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import pandera.errors
import pytest

from kzdata._load import load
from kzdata._registry import TABLES, Column, Table
from kzdata._schemas import schema
from kzdata._screen import column_passes, expected_dtype, passes

Damage = Callable[[pd.DataFrame, Column], pd.DataFrame]


def _set(frame: pd.DataFrame, column: str, row: int, value: object) -> pd.DataFrame:
    out = frame.copy()
    out.loc[out.index[row], column] = value
    return out


def _damages(table: Table, frame: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each way of breaking one column that the schema forbids, as ``(label, damaged frame)``."""
    rows = len(frame)
    for col in table.columns:
        name = col.name
        yield f"{name}: dtype object", frame.assign(**{name: frame[name].astype(object)})
        if rows == 0:
            continue
        if not col.nullable:
            yield f"{name}: missing", _set(frame, name, 0, pd.NA if col.kind != "date" else pd.NaT)
        if col.unique and rows > 1:
            yield f"{name}: duplicate", _set(frame, name, 0, frame[name].iloc[1])
        if col.minimum is not None:
            yield f"{name}: below minimum", _set(frame, name, 0, col.minimum - 1)
        if col.maximum is not None:
            yield f"{name}: above maximum", _set(frame, name, 0, col.maximum + 1)
        if col.kind in ("text", "id", "url"):
            value = "https://example.org/x" if col.kind == "url" else "plain-value"
            yield f"{name}: leading space", _set(frame, name, 0, " " + value)
            yield f"{name}: trailing space", _set(frame, name, 0, value + " ")
            yield f"{name}: trailing newline", _set(frame, name, 0, value + "\n")
            yield f"{name}: empty", _set(frame, name, 0, "")
        if col.kind == "id":
            yield f"{name}: not a slug", _set(frame, name, 0, "Not_A-Slug")
        if col.kind == "url":
            yield f"{name}: not a URL", _set(frame, name, 0, "ftp://example.org/x")
        if col.kind == "category":
            other = frame[name].cat.add_categories(["not-allowed"])
            other.iloc[0] = "not-allowed"
            yield f"{name}: value outside the vocabulary", frame.assign(**{name: other})
    yield "a column missing", frame.drop(columns=[table.columns[-1].name])
    yield "an extra column", frame.assign(extra=1)
    order = list(frame.columns)
    yield "two columns swapped", frame[[order[1], order[0], *order[2:]]]


def _pandera_refuses(table: Table, frame: pd.DataFrame) -> bool:
    try:
        schema(table.name).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors:
        return True
    return False


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_shipped_table_passes_the_screen_and_the_schema(table: Table) -> None:
    frame = load(table.name)
    assert passes(table, frame)
    assert not _pandera_refuses(table, frame)


#: Tables swept in the inner loop; the others are marked slow (between them, every column kind,
#: bounds, nullable and unique columns and a category column).
INNER_LOOP = frozenset({"sources", "places", "indicator_values"})
SWEEP = [pytest.param(t, id=t.name, marks=() if t.name in INNER_LOOP else pytest.mark.slow) for t in TABLES]


@pytest.mark.parametrize("table", SWEEP)
def test_the_screen_refuses_every_damage_pandera_refuses(table: Table) -> None:
    frame = load(table.name)
    refused = []
    for label, damaged in _damages(table, frame):
        if _pandera_refuses(table, damaged):
            refused.append(label)
            assert not passes(table, damaged), f"the screen passed what pandera refuses: {label}"
        else:  # the screen may be stricter (pandera takes text of dtype object, for one)
            assert label.endswith("dtype object"), f"pandera should refuse: {label}"
    # every damage but the object dtype is a real one: pandera refused all the others
    assert len(refused) >= len(table.columns) + 3


def test_a_check_that_raises_counts_as_not_passing() -> None:
    table = TABLES[0]
    frame = load(table.name)
    # A series whose values cannot be compared: the screen says no rather than raising.
    broken = frame.assign(**{table.primary_key: pd.Series([object()] * len(frame), dtype=object)})
    assert not passes(table, broken)


def test_category_dtypes_must_match_in_order_and_be_unordered() -> None:
    col = next(c for t in TABLES for c in t.columns if c.kind == "category" and len(c.enum) > 1)
    values = pd.Series([col.enum[0]], dtype=expected_dtype(col))
    assert column_passes(col, values)
    reordered = values.cat.reorder_categories(list(reversed(col.enum)))
    assert not column_passes(col, reordered)
    ordered = values.cat.as_ordered()
    assert not column_passes(col, ordered)


def test_missing_values_pass_a_nullable_column_and_skip_its_checks() -> None:
    col = next(c for t in TABLES for c in t.columns if c.nullable and c.kind == "text")
    assert column_passes(col, pd.Series(["fine", None], dtype="string"))
    bounded = next(c for t in TABLES for c in t.columns if c.nullable and c.minimum is not None)
    assert column_passes(bounded, pd.Series([bounded.minimum, None], dtype=expected_dtype(bounded)))


def test_a_date_column_in_another_unit_is_refused() -> None:
    col = next(c for t in TABLES for c in t.columns if c.kind == "date" and not c.nullable)
    assert column_passes(col, pd.Series(pd.to_datetime(["2022-01-05"])).astype("datetime64[ms]"))
    assert not column_passes(col, pd.Series(pd.to_datetime(["2022-01-05"])).astype("datetime64[ns]"))


def test_values_on_a_bound_pass_and_beyond_it_fail() -> None:
    col = next(c for t in TABLES for c in t.columns if c.minimum is not None and c.maximum is not None)
    dtype = expected_dtype(col)
    assert column_passes(col, pd.Series([col.minimum, col.maximum], dtype=dtype))
    assert not column_passes(col, pd.Series([col.maximum + 1], dtype=dtype))
    assert not column_passes(col, pd.Series([col.minimum - 1], dtype=dtype))


def test_a_one_character_text_passes_and_an_empty_one_fails() -> None:
    for kind in ("text", "url"):
        col = next(c for t in TABLES for c in t.columns if c.kind == kind)
        value = "x" if kind == "text" else "https://x"
        assert column_passes(col, pd.Series([value], dtype="string")), kind
        assert not column_passes(col, pd.Series([""], dtype="string")), kind


def test_any_error_while_screening_means_not_passing(monkeypatch: pytest.MonkeyPatch) -> None:
    import kzdata._screen as screen

    def fail(column: Column, series: pd.Series) -> bool:
        raise TypeError("cannot compare")

    table = TABLES[0]
    frame = load(table.name)
    monkeypatch.setattr(screen, "column_passes", fail)
    assert not screen.passes(table, frame)
