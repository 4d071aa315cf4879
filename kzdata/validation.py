"""Validate the shipped tables: every schema, then every cross-table rule.

This is the run-time twin of the build's checks. It imports pandera, so
:mod:`kzdata` imports this module only when :func:`kzdata.validate` is called.
Failures are collected lazily and reported together, each naming the table, the
primary key of the row, the column, the value and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kzdata.errors import DataValidationError, Issue, issue_order
from kzdata.load import load
from kzdata.rules import check, plain_value
from kzdata.tables import REGISTRY, TABLES


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: rows per table and every failure found."""

    rows: dict[str, int]
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule failed."""
        return not self.issues

    def __str__(self) -> str:
        total = sum(self.rows.values())
        head = f"{len(self.rows)} tables, {total} rows: "
        if self.ok:
            return head + "all schema and cross-table checks passed"
        return head + f"{len(self.issues)} failure(s)\n" + "\n".join(f"  - {i}" for i in self.issues)


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
    import pandera.errors

    from kzdata.schemas import rule_text, schema

    frames: dict[str, pd.DataFrame] = {t.name: load(t.name) for t in TABLES}
    issues: list[Issue] = []
    for table in TABLES:
        name, frame = table.name, frames[table.name]
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
