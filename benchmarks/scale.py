"""How kzdata's costs grow with the data: build, load and validate at x1, x10, x100, x1000 rows.

    python benchmarks/scale.py                       # sizes 1,10,100,1000 (under ~10 min on 2 cores)
    python benchmarks/scale.py --sizes 1,10,100      # a quicker subset

For each size N the dataset is multiplied synthetically: N copies of every row, copy
``k`` having every primary key, foreign key, ``record_id`` and ``merged_into`` suffixed
with ``-sK`` so that every reference still resolves inside its copy. One more field
is shifted, because a rule makes it unique across rows without being a key:
``footnotes.position`` (footnote and position are unique together, and footnote
numbers are bounded by the article's 38 footnotes) becomes ``position + k * P`` with
``P`` the largest position of the original. The copies are written as canonical
raw CSV (the headers of ``REGISTRY[t].raw_column_names``; the derived
``citations.locator`` is left out) into a temporary ``<root>/raw/``, next to a copy of
``pyproject.toml``, and then measured, each in its own process:

* ``build``    ``kzdata._pipeline.build.build(root)`` (split into its steps by timing the
               functions it calls), with peak resident memory;
* ``load``     every table through ``kzdata._load`` (pointed at ``<root>/kzdata/data``),
               timed, and its peak memory against the decoded size of the frames
               (``DataFrame.memory_usage(deep=True).sum()``); also the largest table alone;
* ``validate`` on the loaded frames: every pandera schema (``kzdata._schemas.schema(n).validate``)
               and ``kzdata._rules.check``, each timed with its peak memory.

Peak memory is the resident-set high-water mark of the measuring process above what it
held just before the measured call (Linux: the mark is reset through
``/proc/self/clear_refs``), so it includes Arrow's allocator, which tracemalloc does not see.
The growth of each cost is the least-squares slope of log(time) against log(rows):
about 1 is linear, 2 quadratic. Results go to ``benchmarks/scale-results.json``.

The input is the built CSV of a data directory (``--data-dir``, or the environment
variable ``KZDATA_BENCH_DATA_DIR``, default: the data kzdata ships), or its Parquet
files when the CSV are absent.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    REPO,
    PeakMemory,
    check_data_dir,
    emit,
    fit_slope,
    fmt_bytes,
    fmt_time,
    machine_info,
    resolve_data_dir,
    run_child,
    use_data_dir,
)

DEFAULT_SIZES = "1,10,100,1000"
#: Target: the peak memory of a load stays within this multiple of the decoded frames.
MEMORY_LIMIT = 3.0
#: Columns that a rule makes unique across rows although they are not keys: shifted per copy.
SHIFTED = {("footnotes", "position")}
_MARK = "\x00"


# --------------------------------------------------------------------------- generate


def read_source(data_dir: Path) -> dict[str, list[list[str]]]:
    """The raw columns of every table as rows of canonical cell text."""
    from kzdata._registry import TABLES

    out = {}
    for table in TABLES:
        file = data_dir / "csv" / f"{table.name}.csv"
        if file.exists():
            rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
        else:  # the Parquet file, written back as canonical CSV by the build's own encoder
            import pyarrow.parquet as pq

            from kzdata._pipeline import encode

            frame = pq.read_table(data_dir / f"{table.name}.parquet").to_pandas(date_as_object=False)
            text = encode.csv_bytes(table, frame, raw_only=True).decode("utf-8")
            rows = list(csv.reader(io.StringIO(text, newline="")))
        header, body = rows[0], rows[1:]
        keep = [header.index(c) for c in table.raw_column_names]
        out[table.name] = [[row[i] for i in keep] for row in body]
    return out


def _render(rows: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write_scaled(source: dict[str, list[list[str]]], root: Path, copies: int) -> dict[str, int]:
    """Write ``copies`` key-consistent copies of every table into ``root/raw``; return rows per table."""
    from kzdata._registry import TABLES

    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    counts = {}
    for table in TABLES:
        rows = source[table.name]
        names = list(table.raw_column_names)
        ids = [i for i, n in enumerate(names) if table.column(n).kind == "id"]
        shifted = [i for i, n in enumerate(names) if (table.name, n) in SHIFTED]
        with (raw / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as out:
            out.write(_render([names]))
            if not shifted:
                # Ids are slugs, so a marker after each one survives CSV quoting unchanged
                # and each copy is one str.replace of the rendered body.
                marked = [[c + _MARK if i in ids and c else c for i, c in enumerate(r)] for r in rows]
                body = _render(marked)
                for k in range(copies):
                    out.write(body.replace(_MARK, f"-s{k}"))
            else:
                top = {i: max((int(r[i]) for r in rows if r[i]), default=0) for i in shifted}
                for k in range(copies):
                    copy = []
                    for r in rows:
                        new = list(r)
                        for i in ids:
                            if new[i]:
                                new[i] = f"{new[i]}-s{k}"
                        for i in shifted:
                            if new[i]:
                                new[i] = str(int(new[i]) + k * top[i])
                        copy.append(new)
                    out.write(_render(copy))
        counts[table.name] = len(rows) * copies
    return counts


# --------------------------------------------------------------------------- children


def _wrap_timers(targets: list[tuple[Any, str, str]]) -> dict[str, float]:
    """Replace ``module.attr`` by a timing wrapper accumulating into the returned dict under ``label``."""
    totals: dict[str, float] = {}

    def wrap(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

        return timed

    for module, attr, label in targets:
        setattr(module, attr, wrap(getattr(module, attr), label))
    return totals


def child_build(root: Path) -> dict[str, Any]:
    import pandas  # noqa: F401
    import pandera.pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from kzdata import _rules as rules
    from kzdata._pipeline import build as run
    from kzdata._pipeline import encode
    from kzdata._registry import TABLE_NAMES
    from kzdata._schemas import schema

    for name in TABLE_NAMES:
        schema(name)  # type: ignore[arg-type]  # built once per process; not data-dependent
    steps = _wrap_timers(
        [
            (run, "read_raw", "read_raw (CSV parse)"),
            (run, "_schema_issues", "schemas (pandera)"),
            (run, "derive", "derive"),
            (rules, "check", "rules.check"),
            (encode, "sort_frame", "sort"),
            (encode, "csv_bytes", "encode CSV"),
            (encode, "parquet_bytes", "encode Parquet"),
        ]
    )
    with PeakMemory() as mem:
        start, cpu0 = time.perf_counter(), time.process_time()
        run.build(root)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu0
    steps["other (write files, descriptor)"] = total - sum(steps.values())
    return {"seconds": total, "cpu_seconds": cpu, "peak_bytes": mem.peak, "steps": steps, "exact_peak": mem.exact}


def _repeat(fn: Callable[[], Any], reps: int, first: tuple[float, float]) -> dict[str, Any]:
    """Median wall and CPU time over ``first`` and ``reps - 1`` more calls of ``fn``."""
    walls, cpus = [first[0]], [first[1]]
    for _ in range(reps - 1):
        start, cpu0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu0)
    return {
        "seconds": statistics.median(walls),
        "cpu_seconds": statistics.median(cpus),
        "samples": walls,
        "cpu_samples": cpus,
    }


def child_load(data_dir: Path, which: str, reps: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import kzdata
    from kzdata._registry import TABLE_NAMES

    use_data_dir(data_dir)
    rows = {n: pq.read_metadata(data_dir / f"{n}.parquet").num_rows for n in TABLE_NAMES}
    names = list(TABLE_NAMES) if which == "all" else [max(TABLE_NAMES, key=lambda n: rows[n])]
    kzdata.load(min(TABLE_NAMES, key=lambda n: rows[n]))  # one-time imports (pandas_compat...) out of the way

    def load_all() -> dict[str, Any]:
        return {n: kzdata.load(n) for n in names}  # type: ignore[arg-type]

    with PeakMemory() as mem:
        start, cpu0 = time.perf_counter(), time.process_time()
        frames = load_all()
        first = (time.perf_counter() - start, time.process_time() - cpu0)
    decoded = int(sum(f.memory_usage(deep=True).sum() for f in frames.values()))
    arrow_peak = pa.default_memory_pool().max_memory()
    del frames
    return {
        "tables": names,
        "rows": sum(rows[n] for n in names),
        **_repeat(load_all, reps, first),
        "peak_bytes": mem.peak,
        "decoded_bytes": decoded,
        "peak_over_decoded": mem.peak / decoded if decoded else None,
        "arrow_pool_max_bytes": arrow_peak,
        "file_bytes": sum((data_dir / f"{n}.parquet").stat().st_size for n in names),
        "exact_peak": mem.exact,
    }


def child_validate(data_dir: Path, reps: int) -> dict[str, Any]:
    import pandera.pandas  # noqa: F401

    import kzdata
    from kzdata import _rules as rules
    from kzdata._registry import REGISTRY, TABLE_NAMES
    from kzdata._schemas import schema

    use_data_dir(data_dir)
    frames = {n: kzdata.load(n) for n in TABLE_NAMES}  # type: ignore[arg-type]
    # Warm up on copy 0 alone (the original dataset, every reference resolving inside
    # it): pandera's and pandas' one-time set-up stays out of the measured calls.
    first_copy = {}
    for n, frame in frames.items():
        pk = REGISTRY[n].primary_key
        first_copy[n] = frame[frame[pk].str.endswith("-s0")].reset_index(drop=True)
        _failures(schema(n), first_copy[n])
    rules.check(first_copy)
    del first_copy
    failures = {"schemas": 0, "rules": 0}
    per_rule: dict[str, float] = {}

    def timed_rule(rule: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(frames: Any) -> Any:
            start = time.perf_counter()
            found = list(rule(frames))
            per_rule[rule.__name__] = per_rule.get(rule.__name__, 0.0) + time.perf_counter() - start
            yield from found

        return run

    rules.RULES = tuple(timed_rule(r) for r in rules.RULES)  # check() reads RULES at call time

    def schemas() -> None:
        failures["schemas"] = sum(_failures(schema(n), frame) for n, frame in frames.items())  # type: ignore[arg-type]

    def check() -> None:
        failures["rules"] = len(rules.check(frames))

    out: dict[str, Any] = {}
    for label, fn in (("schemas", schemas), ("rules", check)):
        with PeakMemory() as mem:
            start, cpu0 = time.perf_counter(), time.process_time()
            fn()
            first = (time.perf_counter() - start, time.process_time() - cpu0)
        out[label] = {**_repeat(fn, reps, first), "peak_bytes": mem.peak}
    out["per_rule_seconds"] = {name: t / reps for name, t in per_rule.items()}
    out["failures"] = failures  # 0 and 0 for valid data; the timing is of the same work either way
    return out


def _failures(schema: Any, frame: Any) -> int:
    """Validate lazily; return the number of failure cases (0 when the frame passes)."""
    import pandera.errors

    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        return len(err.failure_cases)
    return 0


# --------------------------------------------------------------------------- driver


def _child(kind: str, *args: str) -> Any:
    return run_child([sys.executable, str(Path(__file__).resolve()), "--child", kind, *args], timeout=3600)


def measure(root: Path, reps: int, log: Callable[[str], None]) -> dict[str, Any]:
    data = root / "kzdata" / "data"
    builds = []
    for _ in range(reps):
        builds.append(_child("build", str(root)))
        log(f"build {builds[-1]['seconds']:.2f} s")
    build = {
        **sorted(builds, key=lambda b: b["seconds"])[len(builds) // 2],
        "cpu_seconds": statistics.median(b["cpu_seconds"] for b in builds),
        "samples": [b["seconds"] for b in builds],
        "peak_bytes_max": max(b["peak_bytes"] for b in builds),
    }
    load_all = _child("load", str(data), "all", str(max(reps, 3)))
    log(f"load {load_all['seconds']:.3f} s")
    load_largest = _child("load", str(data), "largest", str(max(reps, 3)))
    validate = _child("validate", str(data), str(reps))
    log(f"validate {validate['schemas']['seconds']:.2f} + {validate['rules']['seconds']:.2f} s")
    return {"build": build, "load_all": load_all, "load_largest": load_largest, "validate": validate}


def slopes(points: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    rows = [p["rows"] for p in points]
    series = {}
    for clock, key in (("", "seconds"), (" [cpu]", "cpu_seconds")):
        series[f"build{clock}"] = [p["build"][key] for p in points]
        series[f"load (all tables){clock}"] = [p["load_all"][key] for p in points]
        series[f"schemas (pandera){clock}"] = [p["validate"]["schemas"][key] for p in points]
        series[f"rules.check{clock}"] = [p["validate"]["rules"][key] for p in points]
        series[f"validate (schemas + rules){clock}"] = [
            p["validate"]["schemas"][key] + p["validate"]["rules"][key] for p in points
        ]
    series |= {
        "load peak memory": [p["load_all"]["peak_bytes"] for p in points],
        "build peak memory": [p["build"]["peak_bytes"] for p in points],
    }
    steps = points[0]["build"]["steps"]
    for step in steps:
        series[f"build: {step}"] = [p["build"]["steps"].get(step) for p in points]
    out = {}
    for name, ys in series.items():
        out[name] = {
            "all_sizes": fit_slope(rows, ys),
            "steps": [fit_slope(rows[i : i + 2], ys[i : i + 2]) for i in range(len(rows) - 1)],
        }
    return out


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    print()
    print(f"kzdata scale benchmark on {m['cpu_model']}, {m['cpu_count']} CPUs, Python {m['python']}")
    print("  " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v))
    print(f"  source: {results['source']} ({results['base_rows']} rows)")
    head = (
        f"{'size':>6} {'rows':>10} {'gen':>8} {'build':>9} {'build peak':>11} {'load':>9} {'load peak':>10} "
        f"{'decoded':>10} {'peak/dec':>8} {'schemas':>9} {'rules':>9} {'val. peak':>10}"
    )
    print("\n" + head)
    for p in results["points"]:
        la = p["load_all"]
        v = p["validate"]
        print(
            f"{'x' + str(p['size']):>6} {p['rows']:>10} {fmt_time(p['generate_seconds']):>8} "
            f"{fmt_time(p['build']['seconds']):>9} {fmt_bytes(p['build']['peak_bytes']):>11} "
            f"{fmt_time(la['seconds']):>9} {fmt_bytes(la['peak_bytes']):>10} {fmt_bytes(la['decoded_bytes']):>10} "
            f"{la['peak_over_decoded']:>8.2f} {fmt_time(v['schemas']['seconds']):>9} "
            f"{fmt_time(v['rules']['seconds']):>9} "
            f"{fmt_bytes(max(v['schemas']['peak_bytes'], v['rules']['peak_bytes'])):>10}"
        )
    print("\nlargest table loaded alone:")
    for p in results["points"]:
        ll = p["load_largest"]
        print(
            f"  x{p['size']:<5} {ll['tables'][0]} {ll['rows']} rows: {fmt_time(ll['seconds'])}, "
            f"peak {fmt_bytes(ll['peak_bytes'])} / decoded {fmt_bytes(ll['decoded_bytes'])} = "
            f"{ll['peak_over_decoded']:.2f}"
        )
    print("\nbuild steps:")
    steps = list(results["points"][0]["build"]["steps"])
    print(f"  {'step':<34}" + "".join(f"{'x' + str(p['size']):>10}" for p in results["points"]))
    for step in steps:
        print(f"  {step:<34}" + "".join(f"{fmt_time(p['build']['steps'].get(step)):>10}" for p in results["points"]))
    sizes = [p["size"] for p in results["points"]]
    spans = [f"x{a}-x{b}" for a, b in itertools.pairwise(sizes)]
    print("\nslope of log(cost) against log(rows); 1 = linear, below 1 = fixed costs still dominate")
    print(f"  {'':<40}{'all sizes':>10}" + "".join(f"{s:>12}" for s in spans))
    for name, sl in results["slopes"].items():
        cells = [sl["all_sizes"], *sl["steps"]]
        print(
            f"  {name:<40}"
            + "".join(f"{'-' if c is None else f'{c:.2f}':>{10 if i == 0 else 12}}" for i, c in enumerate(cells))
        )
    t = results["memory_target"]
    print(
        f"\nload peak memory / decoded size at the largest size (x{t['size']}): {t['peak_over_decoded']:.2f} "
        f"(target <= {t['limit']:g}): {'PASS' if t['pass'] else 'FAIL'}; sizes within the target: "
        f"{', '.join('x' + str(s) for s in t['sizes_within']) or 'none'}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated multipliers (default {DEFAULT_SIZES})")
    p.add_argument("--data-dir", help="built data directory to multiply (default: the one kzdata ships)")
    p.add_argument("--repeat", type=int, default=3, help="repetitions below --repeat-until rows (default 3)")
    p.add_argument(
        "--repeat-until",
        type=int,
        default=200_000,
        help="sizes with more rows than this are measured once (default 200000)",
    )
    p.add_argument("--workdir", type=Path, help="where to write the scaled copies (default: a temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep the scaled copies")
    p.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "scale-results.json")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child == "build":
        emit(child_build(Path(args.args[0])))
        return 0
    if args.child == "load":
        emit(child_load(Path(args.args[0]), args.args[1], int(args.args[2])))
        return 0
    if args.child == "validate":
        emit(child_validate(Path(args.args[0]), int(args.args[1])))
        return 0

    from kzdata._registry import TABLE_NAMES

    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    data_dir, _ = resolve_data_dir(args.data_dir)
    check_data_dir(data_dir, list(TABLE_NAMES))
    source = read_source(data_dir)
    base_rows = sum(len(r) for r in source.values())
    results: dict[str, Any] = {
        "machine": machine_info(),
        "source": str(data_dir),
        "base_rows": base_rows,
        "base_rows_per_table": {n: len(r) for n, r in source.items()},
        "sizes": sizes,
        "points": [],
    }
    started = time.perf_counter()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kzdata-scale-"))
    try:
        for size in sizes:
            root = workdir / f"x{size}"
            shutil.rmtree(root, ignore_errors=True)

            def log(msg: str, size: int = size) -> None:
                print(f"[x{size}] {msg}", file=sys.stderr, flush=True)

            t0 = time.perf_counter()
            counts = write_scaled(source, root, size)
            gen = time.perf_counter() - t0
            rows = sum(counts.values())
            log(f"{rows} rows written in {gen:.1f} s")
            reps = args.repeat if rows <= args.repeat_until else 1
            point = {"size": size, "rows": rows, "generate_seconds": gen, "repetitions": reps}
            point.update(measure(root, reps, log))
            point["raw_bytes"] = sum(f.stat().st_size for f in (root / "raw").glob("*.csv"))
            results["points"].append(point)
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    results["slopes"] = slopes(results["points"])
    results["elapsed_seconds"] = time.perf_counter() - started
    # Judged where the data outweighs the fixed cost of reading 19 files (a few MiB of
    # allocator arenas, thread pools and metadata): at the largest size measured.
    last = results["points"][-1]
    results["memory_target"] = {
        "size": last["size"],
        "peak_over_decoded": last["load_all"]["peak_over_decoded"],
        "limit": MEMORY_LIMIT,
        "pass": last["load_all"]["peak_over_decoded"] <= MEMORY_LIMIT,
        "sizes_within": [p["size"] for p in results["points"] if p["load_all"]["peak_over_decoded"] <= MEMORY_LIMIT],
    }
    print_report(results)
    print(f"\ntotal {results['elapsed_seconds']:.0f} s; results written to {args.output}")
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
