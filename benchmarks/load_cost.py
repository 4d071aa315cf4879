"""Paired whole-process benchmark of ``import kzdata; kzdata.load(name)``: two checkouts, every table.

Answers "does the load cost of the current release grow?" for a change such as the history
store of issue 22: each measurement is a new interpreter running
``import kzdata; kzdata.load(name)`` with ``PYTHONPATH`` set to one checkout or the other (the
same interpreter and the same installed pandas and pyarrow for both; only kzdata differs).
The two run back to back, in alternating order (A B, then B A), and each pair gives one
ratio after/before, so that a change of machine load hits both sides of a pair alike. Per
table it reports the median wall time of each side, the median of the paired ratios and
their spread (the 25th to 75th percentile of the ratios)::

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


def _run(root: Path, name: str) -> float:
    code = f"import kzdata; kzdata.load({name!r})"
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - start


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
    for root in (before, after):  # warm the file cache and check both import the checkout asked for
        for name in tables:
            _run(root, name)
    results: dict[str, dict[str, float]] = {}
    all_ratios: list[float] = []
    print(f"{'table':<20} {'before ms':>10} {'after ms':>10} {'ratio':>7}  {'ratio IQR':>13}")
    for name in tables:
        b_times: list[float] = []
        a_times: list[float] = []
        ratios: list[float] = []
        for i in range(args.rounds):
            if i % 2 == 0:
                b = _run(before, name)
                a = _run(after, name)
            else:
                a = _run(after, name)
                b = _run(before, name)
            b_times.append(b)
            a_times.append(a)
            ratios.append(a / b)
        all_ratios.extend(ratios)
        lo, hi = _quartiles(ratios)
        results[name] = {
            "before_ms": 1000 * statistics.median(b_times),
            "after_ms": 1000 * statistics.median(a_times),
            "ratio": statistics.median(ratios),
            "ratio_p25": lo,
            "ratio_p75": hi,
        }
        r = results[name]
        print(
            f"{name:<20} {r['before_ms']:>10.1f} {r['after_ms']:>10.1f} {r['ratio']:>7.3f}  {lo:>6.3f}-{hi:.3f}",
            flush=True,
        )
    lo, hi = _quartiles(all_ratios)
    overall = {"ratio": statistics.median(all_ratios), "ratio_p25": lo, "ratio_p75": hi, "pairs": len(all_ratios)}
    print(
        f"{'all tables':<20} {'':>10} {'':>10} {overall['ratio']:>7.3f}  {lo:>6.3f}-{hi:.3f}  ({len(all_ratios)} pairs)"
    )
    if args.json:
        args.json.write_text(json.dumps({"tables": results, "overall": overall}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
