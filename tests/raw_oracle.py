"""The independent oracle for the publishing tests: the hand-curated CSV files under raw/, read with csv alone."""

from __future__ import annotations

import csv
from functools import cache

from tests.conftest import REPO


@cache
def raw_rows(table: str) -> tuple[dict[str, str], ...]:
    """The records of raw/TABLE.csv as text, exactly as curated (quoted newlines stay inside a record)."""
    with (REPO / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def raw_header(table: str) -> list[str]:
    with (REPO / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


RAW_TABLES = sorted(p.stem for p in (REPO / "raw").glob("*.csv"))
