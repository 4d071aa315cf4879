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
from collections.abc import Sequence
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
    print()
    print("Cite as:", kzdata.cite())
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    import pandas as pd

    from kzdata.load import load

    frame = load(args.table)
    with pd.option_context(
        "display.max_columns", None, "display.width", args.width, "display.max_colwidth", args.max_colwidth
    ):
        print(frame.head(args.limit).to_string(index=False, max_colwidth=args.max_colwidth))
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


def _describe(args: argparse.Namespace) -> int:
    import pandas as pd

    from kzdata.dictionary import describe
    from kzdata.tables import REGISTRY

    table = REGISTRY[args.table]
    print(f"{table.name}: {table.title}. One row: {table.row}")
    for note in table.notes:
        print(f"note: {note}")
    frame = describe(args.table)[["column", "dtype", "nullable", "allowed_values", "description"]]
    with pd.option_context("display.max_colwidth", args.max_colwidth, "display.width", 200):
        print(frame.to_string(index=False, max_colwidth=args.max_colwidth))
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from kzdata.integrity import verify

    report = verify(raise_on_error=False)
    print(report, file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_DATA


def _cite(args: argparse.Namespace) -> int:
    from kzdata.citing import cite
    from kzdata.load import load

    frame = None if args.table is None else load(args.table)
    print(cite(frame, style=args.style))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from kzdata.exporting import export

    written = export(args.out, args.format)
    print(f"wrote {len(written)} files to {args.out}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from kzdata.publish.site import serve

    return serve(args.host, args.port)


def _changes(args: argparse.Namespace) -> int:
    from kzdata.releases import changes

    log = changes(since=args.since)
    counts = log.groupby(["version", "change"], observed=True).size()
    print(counts.to_string() if len(log) else "no changes")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    from kzdata.build.run import project_version, read_all
    from kzdata.errors import RawDataError
    from kzdata.releases import freeze

    root = Path(args.root).resolve()
    version = project_version(root)
    tables, issues = read_all(root / "raw")
    if issues:
        raise RawDataError(issues)
    lines = freeze(root, version, {n: t.frame for n, t in tables.items()}, args.reason)
    print(f"froze the ids of release {version}; logged {len(lines)} added records in raw/changes.csv")
    print("now run `kzdata build` and commit raw/ and the generated files")
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

    p = sub.add_parser("describe", help="the data dictionary of a table: one line per column")
    p.add_argument("table", choices=TABLE_NAMES, metavar="TABLE", help=f"one of: {', '.join(TABLE_NAMES)}")
    p.add_argument("--max-colwidth", type=int, default=110, help="characters per cell (default 110)")
    p.set_defaults(run=_describe)

    p = sub.add_parser("verify", help="check every shipped file against the hashes in datapackage.json")
    p.set_defaults(run=_verify)

    p = sub.add_parser("cite", help="the dataset citation, or the sources behind a table's rows")
    p.add_argument(
        "table",
        nargs="?",
        choices=TABLE_NAMES,
        metavar="TABLE",
        help="list the sources behind this table instead of citing the dataset",
    )
    p.add_argument("--style", choices=("text", "bibtex"), default="text", help="text (APA-like) or bibtex")
    p.set_defaults(run=_cite)

    p = sub.add_parser("export", help="write the data for use outside Python")
    p.add_argument("--out", type=Path, required=True, help="a new or empty directory")
    p.add_argument(
        "--format",
        choices=("bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata"),
        default="bundle",
        help="bundle (CSV + Parquet + datapackage.json + CITATION.cff + card + licence; default), "
        "csv, parquet, xlsx (needs the excel extra), sqlite, datasette (kzdata.db + metadata.json), stata",
    )
    p.set_defaults(run=_export)

    p = sub.add_parser("serve", help="browse the data in a web browser (Datasette; needs the web extra)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 picks a free one)")
    p.set_defaults(run=_serve)

    p = sub.add_parser("changes", help="records added, corrected, retracted or merged, per release")
    p.add_argument("--since", help="only releases after this version, e.g. 0.1.0")
    p.set_defaults(run=_changes)

    p = sub.add_parser("release", help="freeze the ids of the current version (maintainers; source checkout)")
    p.add_argument("--root", type=Path, default=Path(), help="the source checkout (default: .)")
    p.add_argument("--reason", default="first published in this release", help="reason logged for added records")
    p.set_defaults(run=_release)

    p = sub.add_parser("build", help="build Parquet, CSV and datapackage.json from raw/ (source checkout)")
    p.add_argument("--root", type=Path, default=Path(), help="the source checkout (default: .)")
    p.set_defaults(run=_build)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        sys.stderr.close()
        return EXIT_OK
    except (RawDataError, DataValidationError, IntegrityError) as exc:
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA
    except (UnknownTableError, UnknownEntityError, InvalidArgumentError) as exc:
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KzdataError as exc:  # pragma: no cover - every subclass is handled above
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA
