"""Validate the shipped tables: every schema, then every cross-table rule.

This is the run-time twin of the build's checks. Each table first goes through the
fast screen of :mod:`kzdata._screen` (the schema's checks as a few pandas operations,
at least as strict as pandera); only a table the screen does not pass is validated
with its pandera schema, which finds and words every failure, so pandera is imported
only when something may be wrong. The cross-table rules always run.
Failures are collected lazily and reported together, each naming the table, the
primary key of the row, the column, the value and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kzdata._load import load
from kzdata._registry import REGISTRY, TABLES
from kzdata._rules import check, plain_value
from kzdata.errors import DataValidationError, Issue, issue_order


@dataclass(frozen=True, repr=False)
class ValidationReport:
    """The outcome of :func:`validate`: rows per table and every failure found.

    Printed (and shown in a notebook or the REPL) as one line per table with its rows
    and failures, then a verdict and every failure, one per line.
    """

    rows: dict[str, int]
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule failed."""
        return not self.issues

    def failures(self) -> dict[str, int]:
        """The number of failures per table (every table listed, 0 when clean)."""
        counts = dict.fromkeys(self.rows, 0)
        for issue in self.issues:
            counts[issue.where] = counts.get(issue.where, 0) + 1
        return counts

    def __str__(self) -> str:
        failures = self.failures()
        width = max(len("table"), *(len(n) for n in failures))
        lines = [f"{'table':<{width}}  {'rows':>5}  failures"]
        lines += [f"{name:<{width}}  {self.rows.get(name, 0):>5}  {n:>8}" for name, n in failures.items()]
        total = sum(self.rows.values())
        head = f"{len(self.rows)} tables, {total} rows: "
        if self.ok:
            return "\n".join([*lines, head + "all schema and cross-table checks passed"])
        return "\n".join([*lines, head + f"{len(self.issues)} failure(s):", *(f"  - {i}" for i in self.issues)])

    def __repr__(self) -> str:
        return str(self)


def _row_label(table: str, frame: pd.DataFrame, position: Any) -> str:
    pk = REGISTRY[table].primary_key
    if position is None or pd.isna(position):
        return "-"
    return f"{pk}={frame[pk].iloc[int(position)]!s}"


def validate(*, raise_on_error: bool = True) -> ValidationReport:
    """Check every table against its schema and every cross-table rule.

    Parameters
    ----------
    raise_on_error
        If true (the default), raise :class:`~kzdata.errors.DataValidationError`
        listing every failure; otherwise return them in the report.

    Examples
    --------
    >>> import kzdata
    >>> kzdata.validate().ok
    True
    """
    from kzdata._screen import passes

    frames: dict[str, pd.DataFrame] = {t.name: load(t.name) for t in TABLES}
    issues: list[Issue] = []
    for table in TABLES:
        name, frame = table.name, frames[table.name]
        if passes(table, frame):
            continue  # the screen is at least as strict as the schema (kzdata/_screen.py)
        import pandera.errors

        from kzdata._schemas import rule_text, schema

        try:
            schema(name).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as err:
            for case in err.failure_cases.itertuples(index=False):
                issues.append(
                    Issue(
                        name,
                        _row_label(name, frame, case.index),
                        str(case.column),
                        repr(plain_value(case.failure_case)),
                        rule_text(str(case.check)),
                    )
                )
    for failure in check(frames):
        frame = frames[failure.table]
        issues.append(
            Issue(
                failure.table,
                _row_label(failure.table, frame, failure.row),
                failure.column,
                repr(plain_value(failure.value)),
                failure.rule,
            )
        )
    report = ValidationReport({name: len(frame) for name, frame in frames.items()}, sorted(issues, key=issue_order))
    if issues and raise_on_error:
        raise DataValidationError(issues)
    return report
