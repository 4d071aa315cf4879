"""The ``kzdata`` command: a thin argparse front end over the library.

Each subcommand is a few lines calling public functions. Output goes to stdout,
errors to stderr. Exit codes scripts can rely on:

* 0: success;
* 1: the data failed a check (``validate``, ``verify``, ``verify-sources``, ``build`` with bad ``raw/``);
* 2: wrong usage (unknown table, bad option, an argument out of range), as argparse
  does, and files or a terminal that cannot be read or written (an export path below
  a file or through a dangling link, a full disk): a message, never a traceback.

Output fits the terminal: tables and paragraphs keep to ``--width`` or the
terminal's width (``COLUMNS`` when set), see :mod:`kzdata._terminal`. Work that
takes more than a moment (``validate``, ``info --validate``, ``verify``,
``export``, ``build``) says so on stderr while it runs, only when stderr is a
terminal, so pipes and files receive clean output. Characters the terminal's
encoding cannot show are replaced rather than raising.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzdata import _meta as meta
from kzdata._citing import STYLES
from kzdata._formats import DEFAULT as DEFAULT_FORMAT
from kzdata._formats import FORMATS
from kzdata._registry import REGISTRY, TABLE_NAMES
from kzdata._views import VIEWS
from kzdata.errors import EXIT_DATA, EXIT_USAGE, InvalidArgumentError, KzdataError

if TYPE_CHECKING:
    import pandas as pd

    from kzdata._validation import ValidationReport

EXIT_OK = 0


# --------------------------------------------------------------------------- argument types


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _port(text: str) -> int:
    """``--port``: a TCP port, 0 to 65535 (0: the system picks a free one)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: use 0 to 65535 (0 picks a free one)")
    return value


def _host(text: str) -> str:
    """``--host``: an address to listen on; an empty one (every interface, unannounced ports) is refused."""
    if not text.strip() or text != text.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} names no address: give one, e.g. 127.0.0.1 (this machine only, the default) or "
            "0.0.0.0 (every IPv4 interface)"
        )
    return text


def _limit(text: str) -> int | None:
    """``--limit``: a number of rows (at least 1) or ``all``."""
    if text.strip().lower() == "all":
        return None
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of rows, at least 1, or 'all'") from None


#: The narrowest cell ``--max-colwidth`` allows: one character and the ``...`` that marks a cut.
MIN_COLWIDTH = 4


def _colwidth(text: str) -> int:
    """``--max-colwidth``: at least 4 characters, so that a cut cell still shows it was cut."""
    value = _positive_int(text)
    if value < MIN_COLWIDTH:
        raise argparse.ArgumentTypeError(
            f"{text!r} is too narrow; give at least {MIN_COLWIDTH} (one character and the '...' of a cut)"
        )
    return value


def _width(text: str) -> int:
    from kzdata._terminal import MIN_WIDTH

    value = _positive_int(text)
    if value < MIN_WIDTH:
        raise argparse.ArgumentTypeError(f"{text!r} is too narrow; give at least {MIN_WIDTH} characters")
    return value


def _width_of(args: argparse.Namespace) -> int:
    from kzdata._terminal import terminal_width

    return int(args.width) if args.width is not None else terminal_width()


# --------------------------------------------------------------------------- progress


@contextmanager
def _progress(message: str) -> Iterator[None]:
    """Say on stderr what is being done, while it is done, when stderr is a terminal.

    Nothing is written to a pipe or a file, so scripts see clean output; on a terminal
    the line is erased again when the work is done.
    """
    stream = sys.stderr
    shown = False
    try:
        shown = stream.isatty()
    except (AttributeError, ValueError):
        shown = False
    if shown:
        stream.write(message + " ...")
        stream.flush()
    try:
        yield
    finally:
        if shown:
            stream.write("\r\033[K")
            stream.flush()


# --------------------------------------------------------------------------- commands


def _info(args: argparse.Namespace) -> int:
    import gc

    # The command allocates a few short-lived objects and imports pandas: pausing the cyclic
    # collector while it runs saves a few percent of its time (docs/benchmarks.md).
    gc.disable()
    try:
        return _info_run(args)
    finally:
        gc.enable()


def _info_run(args: argparse.Namespace) -> int:
    import kzdata
    from kzdata._load import read_arrow
    from kzdata._terminal import beside, wrap

    width = _width_of(args)
    subject = meta.TITLE.split(": ", 1)[-1]
    for line in wrap(f"kzdata {kzdata.__version__}: {subject}", width):
        print(line)
    print()
    report = None
    if args.validate:
        from kzdata._validation import validate

        with _progress(f"validating {len(TABLE_NAMES)} tables against their schemas and the cross-table rules"):
            report = validate(raise_on_error=False)
    name_width = max(len(n) for n in TABLE_NAMES)
    for name in TABLE_NAMES:
        # The validation read every table already: its row counts save reading them twice.
        rows = report.rows[name] if report is not None else read_arrow(name).num_rows
        head = f"  {name:<{name_width}}  {rows:>5} rows  "
        for line in beside(head, REGISTRY[name].title, width):
            print(line)
    if report is not None:
        print()
        print(_validation_summary(report, width))
        if not report.ok:
            return EXIT_DATA
    print()
    for line in _unbroken("Cite as: " + kzdata.cite(), width):
        print(line)
    return EXIT_OK


def _unbroken(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` without breaking a word: a fingerprint must be copied whole.

    A word longer than ``width`` (the fingerprint is 71 characters) stands alone on a line
    that is wider than ``width``; a reader can copy it, which a fingerprint cut in two
    would not let them do.
    """
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def _show(args: argparse.Namespace) -> int:
    import inspect

    from kzdata._filtering import condition, sort, where
    from kzdata._load import load
    from kzdata._terminal import render_table, wrap
    from kzdata._views import VIEWS

    if args.table in VIEWS:
        # A view that keeps the events that happened by default (status occurred or reported)
        # gives every status to a --where on the status, so that status=alleged finds them.
        on_status = any(condition(text)[0] in ("status", "event_status") for text in args.where or [])
        view: Any = VIEWS[args.table]  # the views differ in their keyword arguments
        frame = view(status=None) if on_status and "status" in inspect.signature(view).parameters else view()
    else:
        frame = load(args.table)
    frame = where(frame, args.where or [], args.table)
    if args.sort is not None:
        frame = sort(frame, args.sort, args.table, descending=args.desc)
    elif args.desc:
        raise InvalidArgumentError("--desc orders by the column of --sort; give one, e.g. --sort date_start --desc")
    if args.columns is not None:
        wanted = [c.strip() for c in args.columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in frame.columns]
        repeated = sorted({c for c in wanted if wanted.count(c) > 1})
        if unknown or not wanted or repeated:
            problem = (
                f"{', '.join(map(repr, unknown))} not in {args.table}"
                if unknown
                else f"{', '.join(map(repr, repeated))} given more than once"
                if repeated
                else "names no column"
            )
            raise InvalidArgumentError(
                f"--columns {args.columns!r}: {problem}; its columns are: {', '.join(map(str, frame.columns))}"
            )
        frame = frame[wanted]
    shown = frame if args.limit is None else frame.head(args.limit)
    width = _width_of(args)
    if frame.empty and args.where:
        for line in wrap(f"no row of {args.table} has {' and '.join(args.where)}", width):
            print(line)
        return EXIT_OK
    for line in render_table(shown, width, args.max_colwidth):
        print(line)
    if len(frame) > len(shown):
        for line in wrap(f"... {len(frame) - len(shown)} more rows (use --limit N or --limit all to see more)", width):
            print(line)
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    from kzdata._search import excerpt, search
    from kzdata._terminal import render_table, wrap

    found = search(args.text)
    width = _width_of(args)
    if found.empty:
        for line in wrap(f"nothing matches {args.text!r} in the titles, descriptions, names or aliases", width):
            print(line)
        return EXIT_OK
    shown = found if args.limit is None else found.head(args.limit)
    room = args.max_colwidth
    if room is None:  # what is left of the line beside the other columns, but never less than 20
        used = sum(max(len(c), int(shown[c].str.len().max())) + 2 for c in ("table", "id", "column"))
        room = max(20, width - used)
    shown = shown.assign(text=[excerpt(t, args.text, room) for t in shown["text"]])
    for line in render_table(shown, width, max(room, 40)):
        print(line)
    more = f"; {len(found) - len(shown)} more (use --limit all)" if len(found) > len(shown) else ""
    for line in wrap(f"{len(found)} match(es){more}", width):
        print(line)
    return EXIT_OK


def _validation_summary(report: ValidationReport, width: int) -> str:
    """The report's per-table summary within ``width``: its table, or one line per table when that is too wide.

    Wrapping the aligned table's lines would scatter its columns over lines that line up
    with nothing (``kzdata validate`` at 30 columns); a table that does not fit is said in
    sentences instead, each wrapped with a hanging indent.
    """
    import textwrap

    lines = str(report).splitlines()
    failures = report.failures()
    if any(len(line) > width for line in lines[: len(failures) + 1]):
        # A no-break space keeps each number with its word when the line is wrapped; made a space below.
        said = [f"{name}: {report.rows.get(name, 0)}\xa0rows, {n}\xa0failures" for name, n in failures.items()]
        lines = said + lines[len(failures) + 1 :]
    out: list[str] = []
    for line in lines:
        lead = " " * (len(line) - len(line.lstrip()))
        out += textwrap.wrap(
            line.strip(), width, initial_indent=lead, subsequent_indent=lead + "  ", break_on_hyphens=False
        ) or [""]
    return "\n".join(out).replace("\xa0", " ")


def _validate(args: argparse.Namespace) -> int:
    from kzdata._validation import validate

    with _progress(f"validating {len(TABLE_NAMES)} tables against their schemas and the cross-table rules"):
        report = validate(raise_on_error=False)
    print(_validation_summary(report, _width_of(args)))
    return EXIT_OK if report.ok else EXIT_DATA


def _build(args: argparse.Namespace) -> int:
    from kzdata._pipeline.build import build

    with _progress("building kzdata from raw/"):
        result = build(args.root, unlocked=args.unlocked)
    total = sum(result.rows.values())
    print(f"built kzdata {result.version}: {len(result.rows)} tables, {total} rows")
    print(f"  data:       {result.data_dir}")
    print(f"  descriptor: {result.descriptor}")
    if args.unlocked:
        from kzdata._pipeline.writer_lock import MARK, mismatches

        found = mismatches(result.descriptor.parent)
        if found:
            print(f"  NOT the release bytes (datapackage.json is marked {MARK!r}): " + "; ".join(map(str, found)))
    return EXIT_OK


def _describe_column(row: dict[str, object]) -> str:
    """The facts of one dictionary row after its dtype, in the order a reader checks them."""

    def present(value: object) -> bool:
        return value is not None and str(value) not in ("", "<NA>", "nan", "None")

    facts = [str(row["dtype"]), "may be empty" if row["nullable"] else "required"]
    if row["unique"]:
        facts.append("unique")
    if present(row["allowed_values"]):
        facts.append(f"one of: {row['allowed_values']}")
    lo, hi = row["minimum"], row["maximum"]
    if present(lo) or present(hi):
        low = f"{float(str(lo)):g}" if present(lo) else ""
        high = f"{float(str(hi)):g}" if present(hi) else ""
        facts.append(f"from {low} to {high}" if low and high else (f"at least {low}" if low else f"at most {high}"))
    if present(row["references"]):
        facts.append(f"references {row['references']}")
    if row["editorial"]:
        facts.append("editorial")
    return ", ".join(facts)


def _describe(args: argparse.Namespace) -> int:
    from kzdata._dictionary import describe
    from kzdata._terminal import cut, wrap

    width = _width_of(args)
    table = REGISTRY[args.table]
    for line in wrap(f"{table.name}: {table.title}. One row: {table.row}", width):
        print(line)
    for note in table.notes:
        for line in wrap(f"note: {note}", width):
            print(line)
    frame = describe(args.table)
    for row in frame.to_dict(orient="records"):
        print()
        for line in wrap(f"{row['column']}: {_describe_column(row)}", width):
            print(line)
        text = str(row["description"])
        if args.max_colwidth is not None:
            text = cut(text, args.max_colwidth)
        for line in wrap(text, width, indent="    "):
            print(line)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from kzdata._integrity import verify

    what = "every file of the release" if args.folder is None else f"the exported files in {args.folder}"
    with _progress(f"checking {what}"):
        report = verify(args.folder, fingerprint=args.fingerprint, raise_on_error=False)
    print(report, file=sys.stdout if report.ok else sys.stderr)
    if report.ok:
        given = " and is the one you gave" if args.fingerprint else ""
        print(f"content fingerprint {report.fingerprint} matches the files{given}")
    return EXIT_OK if report.ok else EXIT_DATA


def _verify_sources(args: argparse.Namespace) -> int:
    from kzdata._verify_sources import verify_sources

    with _progress(f"re-finding every cited span in the documents in {args.folder}"):
        report = verify_sources(args.folder, citations=args.citations, skeletons=args.skeletons)
    print(report, file=sys.stdout if report.ok else sys.stderr)
    if not args.facts:
        return EXIT_OK if report.ok else EXIT_DATA
    from kzdata._span_facts import verify_span_facts

    with _progress("looking for each row's numbers and names in the spans its citations anchor"):
        facts = verify_span_facts(args.folder, citations=args.citations, skeletons=args.skeletons, tables=args.tables)
    print(facts, file=sys.stdout if facts.ok else sys.stderr)
    return EXIT_OK if report.ok and facts.ok else EXIT_DATA


def _cite(args: argparse.Namespace) -> int:
    from kzdata._citing import cite
    from kzdata._load import load

    frame = None if args.table is None else load(args.table)
    print(cite(frame, style=args.style))
    return EXIT_OK


def _evidence_lines(frame: pd.DataFrame, width: int) -> list[str]:
    """One block per citation: the pinpoint, then the anchor, each line within ``width``."""
    import textwrap

    from kzdata._terminal import wrap

    lines: list[str] = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        where = [f"{row['section']} ({row['section_id']})"]
        where += [
            f"{label} {row[column]}" for label, column in (("para.", "paragraph"), ("fn.", "footnote")) if row[column]
        ]
        anchor = [("span", "not anchored yet")]
        if row["span_sha256"]:
            anchor = [
                ("span", f"characters {row['span_start']} to {row['span_end']} of the normalised text"),
                ("sha256", str(row["span_sha256"]).removeprefix("sha256:")),
            ]
        lines += ["", *wrap(str(row["citation_id"]), width)]
        for label, text in (
            ("supports", f"{row['record_table']} {row['record_id']}"),
            ("document", f"{row['source_id']}: {row['document']}"),
            ("where", ", ".join(where)),
            *anchor,
        ):
            lines += textwrap.wrap(
                text, width, initial_indent=f"  {label:<9} ", subsequent_indent=" " * 12, break_on_hyphens=False
            )
    return lines


def _evidence(args: argparse.Namespace) -> int:
    from kzdata._evidence import evidence
    from kzdata._terminal import wrap

    frame = evidence(args.id, table=args.table)
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
        return EXIT_OK
    width = _width_of(args)
    tables = sorted(set(frame["record_table"].astype(str)))
    head = f"{args.id} ({', '.join(tables) or args.table or 'no table'}): {len(frame)} citation(s)"
    for line in [*wrap(head, width), *_evidence_lines(frame, width)]:
        print(line)
    return EXIT_OK


def _annotations(args: argparse.Namespace) -> int:
    import json

    from kzdata._annotations import annotations

    found = annotations()
    text = json.dumps(found, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {len(found)} annotations to {args.output}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from kzdata._exporting import export

    with _progress(f"checking and exporting the data as {args.format}"):
        written = export(args.out, args.format)
    print(f"wrote {len(written)} files to {args.out}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from kzdata._serve import serve

    return serve(args.host, args.port)


def _changes(args: argparse.Namespace) -> int:
    from kzdata._changes import changes

    log = changes(since=args.since)
    counts = log.groupby(["version", "change"], observed=True).size()
    print(counts.to_string() if len(log) else "no changes")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from kzdata._diff import diff_releases, render

    differences, _ = diff_releases(args.a, args.b)
    if args.table:
        differences = [d for d in differences if d.table == args.table]
    sys.stdout.write(render(differences, args.format, args.a, args.b))
    return EXIT_OK


def _quality(args: argparse.Namespace) -> int:
    import json

    from kzdata._quality import quality, summary

    report = quality()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print("\n".join(summary(report, _width_of(args))))
    return EXIT_OK


def _retired(args: argparse.Namespace) -> int:
    from kzdata._retired import retired
    from kzdata._terminal import render_table

    frame = retired(args.table)
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    elif len(frame):
        print("\n".join(render_table(frame, _width_of(args), args.max_colwidth)))
    else:
        print("no retired ids")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    from kzdata._pipeline.build import project_version, read_all
    from kzdata._pipeline.stable_ids import freeze
    from kzdata.errors import RawDataError

    root = Path(args.root).resolve()
    version = project_version(root)
    tables, issues = read_all(root / "raw")
    if issues:
        raise RawDataError(issues)
    lines = freeze(root, version, {n: t.frame for n, t in tables.items()}, args.reason)
    print(f"froze the ids of release {version}; logged {len(lines)} added records in raw/changes.csv")
    print("now run `kzdata build` and commit raw/ and the generated files")
    return EXIT_OK


class _VersionAction(argparse.Action):
    """``--version``, with the version read only when asked for.

    argparse's own action wants the text when the parser is built, and reading it then
    would stop every command, ``--help`` included, in a source tree that was never
    installed; read here, only ``--version`` itself says it cannot tell (exit 2).
    """

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from kzdata._versions import installed_version

        try:
            text = f"kzdata {installed_version()}"
        except KzdataError as exc:
            parser.exit(exc.exit_code, f"kzdata --version: {exc}\n")
        print(text)
        parser.exit()


def parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    top = argparse.ArgumentParser(
        prog="kzdata",
        description=meta.SUMMARY + ".",
        epilog="Exit codes: 0 success; 1 a data check failed; 2 wrong usage, or a file or "
        "terminal that cannot be read or written.",
    )
    top.add_argument("--version", action=_VersionAction, help="show the installed version and exit")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    width = argparse.ArgumentParser(add_help=False)
    width.add_argument(
        "--width",
        type=_width,
        default=None,
        help="line width in characters (default: the terminal's width, or COLUMNS)",
    )

    p = sub.add_parser("info", parents=[width], help="version, tables with row counts, and the citation")
    p.add_argument("--validate", action="store_true", help="also validate every table (exit 1 on failure)")
    p.set_defaults(run=_info)

    p = sub.add_parser("show", parents=[width], help="print the first rows of a table or a view, filtered and sorted")
    p.add_argument(
        "table",
        choices=[*TABLE_NAMES, *VIEWS],
        metavar="TABLE",
        help=f"a table, one of: {', '.join(TABLE_NAMES)}; or a view (the joins of kzdata/_views.py), "
        f"one of: {', '.join(VIEWS)}",
    )
    p.add_argument("--limit", type=_limit, default=20, help="rows to print, at least 1, or 'all' (default 20)")
    p.add_argument("--columns", help="comma-separated columns to print, e.g. event_id,date_start,title")
    p.add_argument(
        "--max-colwidth",
        type=_colwidth,
        default=40,
        help=f"characters per cell, at least {MIN_COLWIDTH} (default 40)",
    )
    p.add_argument(
        "--where",
        action="append",
        metavar="COL=VALUE",
        help="keep the rows whose COL is VALUE (repeat for several; all must hold): a category's value, "
        "true or false, a number, a date column's day, month or year (YYYY-MM-DD, YYYY-MM, YYYY), exact text, "
        "or nothing for empty",
    )
    p.add_argument(
        "--sort", metavar="COL", help="order the rows by COL, ascending; -COL (e.g. --sort=-date_start) descending"
    )
    p.add_argument("--desc", action="store_true", help="with --sort: reverse the order (empty values stay last)")
    p.set_defaults(run=_show)

    p = sub.add_parser(
        "search",
        parents=[width],
        help="find text in every table's titles, descriptions, names and aliases (case and accents ignored)",
    )
    p.add_argument("text", metavar="TEXT", help="the text to look for, e.g. Massimov")
    p.add_argument("--limit", type=_limit, default=50, help="matches to print, at least 1, or 'all' (default 50)")
    p.add_argument(
        "--max-colwidth",
        type=_colwidth,
        default=None,
        help=f"characters of matching text shown around the match, at least {MIN_COLWIDTH} "
        "(default: the rest of the line, at least 20)",
    )
    p.set_defaults(run=_search)

    p = sub.add_parser(
        "validate", parents=[width], help="check every table against its schema and the cross-table rules"
    )
    p.set_defaults(run=_validate)

    p = sub.add_parser(
        "describe",
        parents=[width],
        help="the data dictionary of a table: every column with dtype, bounds, references",
    )
    p.add_argument("table", choices=TABLE_NAMES, metavar="TABLE", help=f"one of: {', '.join(TABLE_NAMES)}")
    p.add_argument(
        "--max-colwidth",
        type=_colwidth,
        default=None,
        help=f"cut descriptions to N characters, at least {MIN_COLWIDTH} (default: whole)",
    )
    p.set_defaults(run=_describe)

    p = sub.add_parser(
        "verify",
        help="check every shipped file, the generated files and the content fingerprint (exit 1 on a problem)",
    )
    p.add_argument(
        "folder",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="a folder written by `kzdata export` (bundle, csv, parquet or sqlite) instead of the installed release",
    )
    p.add_argument(
        "--fingerprint",
        metavar="sha256:HEX",
        help="the fingerprint a citation gives; exit 1 unless the files give exactly this one",
    )
    p.set_defaults(run=_verify)

    p = sub.add_parser(
        "verify-sources",
        help="re-find each citation's supporting span in your copies of the primary documents (exit 1 on a problem)",
    )
    p.add_argument("folder", metavar="DIR", help="a folder holding the documents as text files, or one file")
    p.add_argument(
        "--citations",
        metavar="CSV",
        help="check the anchors of this CSV (shaped like raw/citations.csv) instead of the release's",
    )
    p.add_argument(
        "--skeletons",
        metavar="DIR",
        help="a folder of <source_id>.csv document skeletons instead of the ones kzdata ships (docs/anchors.md)",
    )
    p.add_argument(
        "--facts",
        action="store_true",
        help="also check that each sentence, indicator value, event and event actor states only numbers and "
        "names its anchored spans state (docs/anchors.md, 'Numbers and names in their spans')",
    )
    p.add_argument(
        "--tables",
        metavar="DIR",
        help="with --facts: check the raw-shaped <table>.csv files of DIR instead of the release's tables",
    )
    p.set_defaults(run=_verify_sources)

    p = sub.add_parser(
        "cite", help="the dataset citation, then (given a table) the sources behind its rows with pinpoints"
    )
    p.add_argument(
        "table",
        nargs="?",
        choices=TABLE_NAMES,
        metavar="TABLE",
        help="also list the sources behind this table's rows, each with its pinpoints",
    )
    p.add_argument(
        "--style", choices=STYLES, default="text", help="text (APA-like), bibtex or csl-json (Zotero, pandoc)"
    )
    p.set_defaults(run=_cite)

    p = sub.add_parser(
        "evidence",
        parents=[width],
        help="every citation of one record: pinpoint (document, section, paragraph, footnote) and anchor",
    )
    p.add_argument("id", metavar="ID", help="the record's id (the first column of its table)")
    p.add_argument(
        "--table", choices=TABLE_NAMES, metavar="TABLE", help="the record's table, when the id is in several"
    )
    p.add_argument("--format", choices=("text", "csv"), default="text", help="text (readable, default) or csv")
    p.set_defaults(run=_evidence)

    p = sub.add_parser("annotations", help="every anchored citation as a W3C Web Annotation (JSON-LD), docs/citing.md")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(run=_annotations)

    p = sub.add_parser("export", help="write the data for use outside Python")
    p.add_argument("--out", type=Path, required=True, help="a new or empty directory")
    p.add_argument(
        "--format",
        choices=list(FORMATS),
        default=DEFAULT_FORMAT,
        metavar="FORMAT",
        help="; ".join(
            f"{f.name}: {f.summary}" + (f" (needs the {f.extra} extra)" if f.extra else "") for f in FORMATS.values()
        )
        + f" (default {DEFAULT_FORMAT}); every format also carries CITATION.cff, the dataset card, the licence and "
        "the data dictionary (docs/formats.md)",
    )
    p.set_defaults(run=_export)

    p = sub.add_parser("serve", help="browse the data in a web browser (Datasette; needs the web extra)")
    p.add_argument(
        "--host", type=_host, default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)"
    )
    p.add_argument("--port", type=_port, default=8001, help="port 0-65535 (default 8001; 0 picks a free one)")
    p.set_defaults(run=_serve)

    p = sub.add_parser("changes", help="records added, corrected, retracted, merged or renamed, per release")
    p.add_argument("--since", help="only releases after this version, e.g. 0.1.0")
    p.set_defaults(run=_changes)

    p = sub.add_parser("diff", help="what changed between two releases, cell by cell, with its change entry")
    p.add_argument("a", help="the earlier release, e.g. 0.2.0")
    p.add_argument("b", help="the later release, e.g. 0.3.0")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text", help="output format (default text)")
    p.add_argument("--table", help="only this table")
    p.set_defaults(run=_diff)

    p = sub.add_parser("quality", parents=[width], help="the release's quality report (docs/quality.md)")
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.set_defaults(run=_quality)

    p = sub.add_parser("retired", parents=[width], help="every retracted, merged or renamed id, with its replacement")
    p.add_argument("--table", choices=TABLE_NAMES, metavar="TABLE", help="only the ids of this table")
    p.add_argument("--format", choices=("text", "csv"), default="text", help="text (default) or csv")
    p.add_argument("--max-colwidth", type=_positive_int, default=40, help="cut longer cells in text (default 40)")
    p.set_defaults(run=_retired)

    p = sub.add_parser("release", help="freeze the ids of the current version (maintainers; source checkout)")
    p.add_argument("--root", type=Path, default=Path(), help="the source checkout (default: .)")
    p.add_argument("--reason", default="first published in this release", help="reason logged for added records")
    p.set_defaults(run=_release)

    p = sub.add_parser("build", help="build Parquet, CSV and datapackage.json from raw/ (source checkout)")
    p.add_argument("--root", type=Path, default=Path(), help="the source checkout (default: .)")
    p.add_argument(
        "--unlocked",
        action="store_true",
        help="build even if pandas/pyarrow/numpy/pandera differ from build-lock.txt "
        "(datapackage.json is then marked as not the release bytes)",
    )
    p.set_defaults(run=_build)
    return top


def _tolerant_streams() -> None:
    """Write characters the terminal's encoding lacks as ``?`` instead of failing.

    With ``LANG=C`` or ``PYTHONIOENCODING=ascii`` a name such as "Türkiye" cannot be
    encoded; a listing with one replaced character is better than a traceback.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(ValueError, OSError):  # a closed or detached stream
                reconfigure(errors="replace")


def _joined_sort(argv: list[str]) -> list[str]:
    """``--sort -date_start`` as ``--sort=-date_start``: argparse would take ``-date_start`` for an option.

    >>> _joined_sort(["show", "events", "--sort", "-date_start"])
    ['show', 'events', '--sort=-date_start']
    """
    out: list[str] = []
    for arg in argv:
        if out and out[-1] == "--sort" and arg.startswith("-") and arg != "-" and not arg.startswith("--"):
            out[-1] = f"--sort={arg}"
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    _tolerant_streams()
    args = parser().parse_args(_joined_sort(sys.argv[1:] if argv is None else list(argv)))
    if sys.stdout is None or getattr(sys.stdout, "closed", False):  # `kzdata cite >&-`: nowhere to print
        if sys.stderr is not None and not getattr(sys.stderr, "closed", False):
            print(f"kzdata {args.command}: standard output is closed; nothing can be printed", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, with the shell's conventional code
        print(f"kzdata {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        with suppress(OSError):
            sys.stdout = Path(os.devnull).open("w")  # noqa: SIM115 - absorbs the final flush at exit
        return EXIT_OK
    except KzdataError as exc:  # each class states its exit code (kzdata.errors)
        print(f"kzdata {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a path, permission, disk or terminal problem: say which, no traceback
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"kzdata {args.command}: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USAGE
