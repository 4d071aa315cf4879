"""The ``kzdata`` command: a thin argparse front end over the library.

Each subcommand is a few lines calling public functions. Output goes to stdout,
errors to stderr. Exit codes scripts can rely on:

* 0: success;
* 1: the data failed a check (``validate``, ``verify``, ``build`` with bad ``raw/``);
* 2: wrong usage (unknown table, bad option), as argparse does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kzdata.errors import (
    DataValidationError,
    IntegrityError,
    InvalidArgumentError,
    KzdataError,
    RawDataError,
    UnknownEntityError,
    UnknownTableError,
)
from kzdata.tables import REGISTRY, TABLE_NAMES

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def _info(args: argparse.Namespace) -> int:
    import kzdata
    from kzdata.load import read_arrow

    print(f"kzdata {kzdata.__version__}: Kazakhstan's January 2022 events and the reforms that followed")
    print()
    width = max(len(n) for n in TABLE_NAMES)
    for name in TABLE_NAMES:
        rows = read_arrow(name).num_rows
        print(f"  {name:<{width}}  {rows:>5} rows  {REGISTRY[name].title}")
    if args.validate:
        print()
        print(kzdata.validate())
    cite = _optional("kzdata.citing", "cite")
    if cite is not None:
        print()
        print("Cite as:", cite(style="text"))
    return EXIT_OK


def _optional(module: str, name: str) -> Callable[..., str] | None:
    import importlib

    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except ImportError:
        return None


def _show(args: argparse.Namespace) -> int:
    import pandas as pd

    from kzdata.load import load

    frame = load(args.table)
    with pd.option_context(
        "display.max_columns", None, "display.width", args.width, "display.max_colwidth", args.max_colwidth
    ):
        print(frame.head(args.limit).to_string(index=False))
    if len(frame) > args.limit:
        print(f"... {len(frame) - args.limit} more rows (use --limit N to see more)")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from kzdata.validation import validate

    report = validate(raise_on_error=False)
    print(report)
    return EXIT_OK if report.ok else EXIT_DATA


def _build(args: argparse.Namespace) -> int:
    from kzdata.build.run import build

    result = build(args.root)
    total = sum(result.rows.values())
    print(f"built kzdata {result.version}: {len(result.rows)} tables, {total} rows")
    print(f"  data:       {result.data_dir}")
    print(f"  descriptor: {result.descriptor}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    top = argparse.ArgumentParser(
        prog="kzdata",
        description="Typed, cited tables on Kazakhstan's January 2022 events and the reforms after.",
        epilog="Exit codes: 0 success, 1 a data check failed, 2 wrong usage.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("info", help="version, tables with row counts, and the citation")
    p.add_argument("--validate", action="store_true", help="also validate every table")
    p.set_defaults(run=_info)

    p = sub.add_parser("show", help="print the first rows of a table")
    p.add_argument("table", choices=TABLE_NAMES, metavar="TABLE", help=f"one of: {', '.join(TABLE_NAMES)}")
    p.add_argument("--limit", type=int, default=20, help="rows to print (default 20)")
    p.add_argument("--width", type=int, default=200, help="line width (default 200)")
    p.add_argument("--max-colwidth", type=int, default=40, help="characters per cell (default 40)")
    p.set_defaults(run=_show)

    p = sub.add_parser("validate", help="check every table against its schema and the cross-table rules")
    p.set_defaults(run=_validate)

    p = sub.add_parser("build", help="build Parquet, CSV and datapackage.json from raw/ (source checkout)")
    p.add_argument("--root", type=Path, default=Path(), help="the source checkout (default: .)")
    p.set_defaults(run=_build)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (RawDataError, DataValidationError, IntegrityError) as exc:
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA
    except (UnknownTableError, UnknownEntityError, InvalidArgumentError) as exc:
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KzdataError as exc:  # pragma: no cover - every subclass is handled above
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA
