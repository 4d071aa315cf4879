"""How far each target is from where the indicator stands.

For every indicator with a target: the baseline (earliest observed value), the
latest observed value, the target, the gap between target and latest value, and
the change per year needed to close it by the target year. Years are those of the
values' date intervals (the start year for a year-precision value), and ``*_basis`` says
where that date comes from (docs/dates.md): a "presently" figure is dated by the evidence
the text cites for it, not by the publication day, so the year and the pace are the
evidence's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzdata._registry import INDICATOR_VALUES, INDICATORS

if TYPE_CHECKING:
    import pandas as pd

#: The columns of :func:`targets`, in order, with their pandas dtypes (the one statement of both).
DTYPES: dict[str, str] = {
    "indicator_id": "string",
    "name": "string",
    "unit": "string",
    "higher_is_better": "boolean",
    "baseline_value": "Float64",
    "baseline_year": "Int64",
    "baseline_basis": "string",
    "latest_value": "Float64",
    "latest_year": "Int64",
    "latest_year_high": "Int64",
    "latest_basis": "string",
    "target_value": "Float64",
    "target_year": "Int64",
    "gap": "Float64",
    "needed_per_year": "Float64",
    "needed_per_year_low": "Float64",
    "needed_per_year_high": "Float64",
    "pace_note": "string",
}
COLUMNS = list(DTYPES)


def _pace(gap: float | None, years_left: int) -> float | None:
    """The change per year that closes ``gap`` in ``years_left`` years; None when no year is left."""
    return None if gap is None or years_left <= 0 else gap / years_left


def targets() -> pd.DataFrame:
    """Baseline, latest value, target, gap and the yearly change needed, per indicator with a target.

    One row per indicator with a target, ordered by ``indicator_id``. An indicator with no
    observed value has every baseline and latest column missing, and so ``gap``; a latest
    value in the target year leaves ``needed_per_year`` missing (there is no year left).

    A latest value the text dates only to a range of years (``latest_year`` to
    ``latest_year_high``) makes the pace a range too: ``needed_per_year_low`` and
    ``needed_per_year_high`` are the slowest and fastest paces over the years the evidence
    allows, and ``pace_note`` says why. ``needed_per_year`` is the pace counted from
    ``latest_year``, as in 0.2.0. A range that reaches the target year leaves the fastest
    pace missing (no year may be left). For a value dated to one year the three agree and
    ``pace_note`` is missing.

    Examples
    --------
    >>> import kzdata
    >>> t = kzdata.targets().set_index("indicator_id")
    >>> cpi = t.loc["corruption-perceptions-index"]
    >>> int(cpi["baseline_value"]), int(cpi["target_value"]), int(cpi["target_year"])
    (36, 47, 2026)
    """
    import pandas as pd

    from kzdata._load import load

    values = load(INDICATOR_VALUES.name)
    indicators = load(INDICATORS.name).set_index("indicator_id")
    kind = values["value_kind"].astype("string")
    observed = values[kind == "observed"].sort_values(["date_start", "value_id"])
    goal = values[kind == "target"].sort_values(["date_start", "value_id"])
    rows = []
    for indicator_id, target_rows in goal.groupby("indicator_id", sort=True):
        seen = observed[observed["indicator_id"] == indicator_id]
        target = target_rows.iloc[-1]
        info = indicators.loc[indicator_id]
        base = seen.iloc[0] if len(seen) else None
        last = seen.iloc[-1] if len(seen) else None
        target_year = int(target["date_start"].year)
        latest_year = None if last is None else int(last["date_start"].year)
        latest_year_high = None if last is None else int(last["date_end"].year)
        gap = None if last is None else float(target["value"] - last["value"])
        years_left = None if latest_year is None else target_year - latest_year
        pace = None if gap is None or not years_left else gap / years_left
        paces = (
            []
            if latest_year is None or latest_year_high is None
            else [
                _pace(gap, target_year - latest_year),
                _pace(gap, target_year - latest_year_high),
            ]
        )
        known = [p for p in paces if p is not None]
        note = None
        if last is not None and latest_year_high != latest_year:
            note = (
                f"The latest value is dated to {latest_year}-{latest_year_high} ({last['date_basis']}, "
                "docs/dates.md); the pace depends on when in that range it held."
            )
        rows.append(
            {
                "indicator_id": indicator_id,
                "name": info["name"],
                "unit": info["unit"],
                "higher_is_better": info["higher_is_better"],
                "baseline_value": None if base is None else float(base["value"]),
                "baseline_year": None if base is None else int(base["date_start"].year),
                "baseline_basis": None if base is None else str(base["date_basis"]),
                "latest_value": None if last is None else float(last["value"]),
                "latest_year": latest_year,
                "latest_year_high": latest_year_high,
                "latest_basis": None if last is None else str(last["date_basis"]),
                "target_value": float(target["value"]),
                "target_year": target_year,
                "gap": gap,
                "needed_per_year": pace,
                "needed_per_year_low": min(known) if known else None,
                "needed_per_year_high": max(known) if len(known) == len(paces) and known else None,
                "pace_note": note,
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype(DTYPES)
