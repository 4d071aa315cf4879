"""``kzdata info --validate`` against ``import pandera.pandas``, cold, side by side.

The target (issue 21): the main job, validating the release from the command line, costs
at most 1.2 times importing pandera's pandas API, which anyone validating a DataFrame with
pandera pays anyway. Each round starts both commands as new processes, in alternating
order, and the ratio is taken pair by pair (so drift in the machine's load falls on both
alike); the script prints the median, the quartiles and the extremes of the paired
ratios, in wall and in CPU time (user + system of the child, from ``getrusage``).

Usage::

    python benchmarks/info_validate.py               # 31 rounds
    python benchmarks/info_validate.py --rounds 61

Nothing here is asserted in the tests; the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = sys.executable
COMMANDS = {
    "info --validate": [PYTHON, "-m", "kzdata", "info", "--validate"],
    "import pandera.pandas": [PYTHON, "-c", "import pandera.pandas"],
}


def run(command: list[str], cwd: str) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command`` (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=4)
    middle = f"median {statistics.median(values):.3f}  quartiles {q[0]:.3f}-{q[2]:.3f}"
    return f"{middle}  min {min(values):.3f}  max {max(values):.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args()
    cwd = tempfile.mkdtemp(prefix="kzdata-bench-")
    try:
        names = list(COMMANDS)
        for name in names:  # warm the file cache and the bytecode
            run(COMMANDS[name], cwd)
        times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
        for i in range(args.rounds):
            for name in names if i % 2 == 0 else reversed(names):
                times[name].append(run(COMMANDS[name], cwd))
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    a, b = (times[n] for n in names)
    print(f"{args.rounds} paired rounds, alternating order; python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for name in names:
        print(f"{name:>22} wall s: {spread([w for w, _ in times[name]])}")
    print(f"{'ratio wall':>22}: {spread([x[0] / y[0] for x, y in zip(a, b, strict=True)])}")
    print(f"{'ratio cpu':>22}: {spread([x[1] / y[1] for x, y in zip(a, b, strict=True)])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
