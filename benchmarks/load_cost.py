"""Paired whole-process benchmark of ``import kzdata; kzdata.load(name)``: two checkouts, every table.

Answers "does the load cost of the current release grow?" for a change such as the history
store of issue 22: each measurement is a new interpreter running
``import kzdata; kzdata.load(name)`` with ``PYTHONPATH`` set to one checkout or the other (the
same interpreter and the same installed pandas and pyarrow for both; only kzdata differs).
The two run back to back, in alternating order (A B, then B A), and each pair gives one
ratio after/before, so that a change of machine load hits both sides of a pair alike. Per
table it reports, for wall time and for CPU time (user + system of the process, which other
work on a shared machine disturbs much less), the median of each side, the median of the
paired ratios and their spread (the 25th to 75th percentile of the ratios)::

    git worktree add /tmp/kz-before 34e2160
    python benchmarks/load_cost.py --before /tmp/kz-before --after . --rounds 15

Both checkouts must hold their built data (``kzdata/data``). Nothing here is a test: timings
on a shared machine pass or fail by chance, so the figures go to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tables(root: Path) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", "import kzdata; print(' '.join(kzdata.tables()))"],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def _run(root: Path, name: str) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads) of one process loading ``name``."""
    code = f"import kzdata; kzdata.load({name!r})"
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{root}: loading {name} failed (exit {process.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def _quartiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout before the change")
    parser.add_argument("--after", type=Path, default=ROOT, help="the checkout after it (default: this one)")
    parser.add_argument("--rounds", type=int, default=15, help="pairs per table (default 15)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    before, after = args.before.resolve(), args.after.resolve()
    tables = _tables(after)
    if tables != _tables(before):
        print("the two checkouts have different tables", file=sys.stderr)
        return 2
    for root in (before, after):  # warm the file cache (the data files: one pass, the first pair warms the rest)
        _run(root, tables[0])
    results: dict[str, dict[str, float]] = {}
    pooled: dict[str, list[float]] = {"wall": [], "cpu": []}
    print(
        f"{'table':<20} {'wall before/after ms':>21} {'ratio (IQR)':>20} "
        f"{'cpu before/after ms':>21} {'ratio (IQR)':>20}"
    )
    for name in tables:
        times: dict[str, list[float]] = {"wall_before": [], "wall_after": [], "cpu_before": [], "cpu_after": []}
        ratios: dict[str, list[float]] = {"wall": [], "cpu": []}
        for i in range(args.rounds):
            if i % 2 == 0:
                b = _run(before, name)
                a = _run(after, name)
            else:
                a = _run(after, name)
                b = _run(before, name)
            for k, measure in enumerate(("wall", "cpu")):
                times[f"{measure}_before"].append(b[k])
                times[f"{measure}_after"].append(a[k])
                ratios[measure].append(a[k] / b[k])
        r: dict[str, float] = {}
        cells = []
        for measure in ("wall", "cpu"):
            pooled[measure].extend(ratios[measure])
            lo, hi = _quartiles(ratios[measure])
            r |= {
                f"{measure}_before_ms": 1000 * statistics.median(times[f"{measure}_before"]),
                f"{measure}_after_ms": 1000 * statistics.median(times[f"{measure}_after"]),
                f"{measure}_ratio": statistics.median(ratios[measure]),
                f"{measure}_ratio_p25": lo,
                f"{measure}_ratio_p75": hi,
            }
            cells.append(
                f"{r[f'{measure}_before_ms']:>10.0f}/{r[f'{measure}_after_ms']:<10.0f} "
                f"{r[f'{measure}_ratio']:>6.3f} ({lo:.3f}-{hi:.3f})"
            )
        results[name] = r
        print(f"{name:<20} {cells[0]:>42} {cells[1]:>42}", flush=True)
    overall: dict[str, float] = {"pairs": len(pooled["wall"])}
    cells = []
    for measure in ("wall", "cpu"):
        lo, hi = _quartiles(pooled[measure])
        overall |= {
            f"{measure}_ratio": statistics.median(pooled[measure]),
            f"{measure}_ratio_p25": lo,
            f"{measure}_ratio_p75": hi,
        }
        cells.append(f"{overall[f'{measure}_ratio']:>6.3f} ({lo:.3f}-{hi:.3f})")
    print(f"{'all tables':<20} {'':>21} {cells[0]:>20} {'':>21} {cells[1]:>20}  ({len(pooled['wall'])} pairs)")
    if args.json:
        args.json.write_text(json.dumps({"tables": results, "overall": overall}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
