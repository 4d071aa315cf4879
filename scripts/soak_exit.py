"""Soak test for crashes at interpreter exit: run many cold processes that load every table.

Why: a process that loads tables through kzdata must exit with status 0. A crash at
shutdown (SIGABRT, "terminate called without an active exception", exit 134) happens
rarely, so only thousands of fresh interpreters show it. This script starts them,
``--jobs`` at a time, for at most ``--runs`` processes or ``--seconds`` seconds, and
prints how many exited non-zero, with the first lines of their stderr.

    python scripts/soak_exit.py --runs 3000 --seconds 1500 --jobs 2
    python scripts/soak_exit.py --mode plain   # the same files read with plain pyarrow

Exit status: 0 when every run exited 0, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

PROGRAMS = {
    "kzdata": "import kzdata\nfor t in kzdata.tables():\n    kzdata.load(t)\n",
    "pyarrow": "import kzdata\nfor t in kzdata.tables():\n    kzdata.load(t, backend='pyarrow')\n",
    "plain": (
        "import pyarrow.parquet as pq, kzdata._files as f\n"
        "import kzdata\nfor t in kzdata.tables():\n    pq.read_table(f.parquet_path(t)).to_pandas()\n"
    ),
}


def _one(program: str) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    return proc.returncode, proc.stderr.strip()[-300:]


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=1200.0, help="stop starting new runs after this long")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mode", choices=sorted(PROGRAMS), default="kzdata")
    args = parser.parse_args(argv)
    program = PROGRAMS[args.mode]
    deadline = time.monotonic() + args.seconds
    codes: collections.Counter[int] = collections.Counter()
    samples: list[str] = []
    done = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        pending = set()
        started = 0
        while started < args.runs or pending:
            while started < args.runs and len(pending) < args.jobs * 2 and time.monotonic() < deadline:
                pending.add(pool.submit(_one, program))
                started += 1
            if not pending:
                break
            finished = {f for f in pending if f.done()}
            if not finished:
                time.sleep(0.02)
                continue
            for fut in finished:
                pending.discard(fut)
                code, err = fut.result()
                codes[code] += 1
                done += 1
                if code and len(samples) < 5:
                    samples.append(f"exit {code}: {err}")
            if time.monotonic() >= deadline:
                started = args.runs  # stop starting new runs; drain the pending ones
    failed = sum(n for c, n in codes.items() if c)
    summary = {"mode": args.mode, "runs": done, "failed": failed, "exit_codes": dict(codes), "samples": samples}
    print(json.dumps(summary, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
