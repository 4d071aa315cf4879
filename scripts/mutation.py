"""Mutation testing of the modules that hold kzdata's promises (mutmut 3).

A mutant is a small realistic bug (an operator flipped, a constant changed, a call dropped)
put into one function; a test suite that still passes has let it through. For each module
in :data:`MODULES` this script runs mutmut in a scratch copy of the checkout (so the
working tree and ``pyproject.toml`` are never touched), with the tests that exercise that
module, and reports per module the mutants killed, survived, timed out and not covered.
Surviving mutants are either killed by a new test or listed as equivalent, with the
reason, in ``docs/testing.md``.

Usage (from the root of a source checkout, with ``pip install mutmut==3.8.1``)::

    python scripts/mutation.py                       # every module (hours)
    python scripts/mutation.py kzdata/_versions.py   # one module
    python scripts/mutation.py --list                # the modules and their tests

Results go to ``.mutation/<module>/`` (mutmut's own state, so a second run is
incremental) and a summary to ``.mutation/summary.json``; ``--survivors`` prints the
diff of every surviving mutant.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"

#: Module -> the tests that exercise it in-process (subprocess tests run the unmutated install).
MODULES: dict[str, list[str]] = {
    "kzdata/_versions.py": ["tests/test_release.py", "tests/test_mutations.py"],
    "kzdata/_resolve.py": ["tests/test_user_api.py", "tests/test_oracles.py"],
    "kzdata/_targets.py": ["tests/test_user_api.py", "tests/test_facts.py", "tests/test_fixtures_synthetic.py"],
    "kzdata/_timeline.py": ["tests/test_user_api.py", "tests/test_build_faults.py"],
    "kzdata/_citing.py": ["tests/test_citing.py", "tests/test_user_api.py", "tests/test_oracles.py"],
    "kzdata/_integrity.py": ["tests/test_integrity_gate.py", "tests/test_misuse.py", "tests/test_trust.py"],
    "kzdata/_canonical.py": ["tests/test_trust.py", "tests/test_roundtrip.py", "tests/test_canonical.py"],
    "kzdata/_verify_folder.py": ["tests/test_trust.py", "tests/test_canonical.py"],
    "kzdata/_exporting.py": ["tests/test_exporting.py", "tests/test_refusals_gate.py"],
    "kzdata/_formats/files.py": ["tests/test_exporting.py"],
    "kzdata/_formats/xlsx.py": ["tests/test_exporting.py", "tests/test_oracles.py"],
    "kzdata/_formats/sqlite.py": ["tests/test_publish_sqlite.py"],
    "kzdata/_formats/stata.py": ["tests/test_publish_stata.py"],
    "kzdata/_formats/datasette.py": ["tests/test_publish_site.py"],
    "kzdata/_rules.py": ["tests/test_mutations.py", "tests/test_refusals.py"],
    "kzdata/_pipeline/raw_tables.py": ["tests/test_mutations.py", "tests/test_roundtrip.py"],
    "kzdata/_pipeline/writer_lock.py": ["tests/test_lock.py", "tests/test_refusals_lock.py"],
    "kzdata/_pipeline/transaction.py": ["tests/test_transactions.py"],
    "kzdata/_recovery.py": ["tests/test_transactions.py"],
}
COPY = [
    "raw", "docs", "tests", "scripts", "build-lock.txt", "LICENSE-DATA", "LICENSE", "README.md",
    "datapackage.json", "croissant.json", "CITATION.cff", ".zenodo.json", "MANIFEST.in", "CHANGELOG.md",
    "pyproject.toml", "kzdata",
]  # fmt: skip
#: Tests that cannot run under mutmut, each with the reason (they still run in the normal suite).
DESELECT = {
    # blocks tomllib in a child process, which breaks mutmut's own configuration reader there
    "tests/test_lock.py::test_without_tomllib_the_build_says_it_needs_python_3_11",
}
PYTEST_ARGS = ["-p", "no:cacheprovider", "-q", *(f"--deselect={test}" for test in sorted(DESELECT))]
STATES = ("killed", "survived", "timeout", "no tests", "suspicious", "skipped", "segfault", "not checked")


def _config(module: str, tests: list[str]) -> str:
    existing = [t for t in tests if (ROOT / t).exists()]
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["kzdata/"]\n'
        f"only_mutate = {json.dumps([module])}\n"
        f"also_copy = {json.dumps([c for c in COPY if c not in ('kzdata', 'tests', 'pyproject.toml')])}\n"
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(existing)}\n"
    )


def _scratch(module: str, tests: list[str]) -> Path:
    """A copy of the checkout for ``module`` (kept between runs: mutmut's state is incremental)."""
    work = WORK / module.replace("/", "_")
    for item in COPY:
        src, dst = ROOT / item, work / item
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    pyproject = work / "pyproject.toml"
    text = re.sub(r"\n\[tool\.mutmut\].*", "", pyproject.read_text(encoding="utf-8"), flags=re.S)
    pyproject.write_text(text + _config(module, tests), encoding="utf-8")
    return work


def _counts(work: Path) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True
    ).stdout
    counts = dict.fromkeys(STATES, 0)
    for line in out.splitlines():
        state = line.rsplit(":", 1)[-1].strip()
        if state in counts:
            counts[state] += 1
    return counts


def _score(counts: dict[str, int]) -> float:
    """Killed (or timed out) over every mutant mutmut made: one no test reaches counts as a survivor."""
    made = sum(counts[state] for state in ("killed", "survived", "timeout", "no tests", "suspicious", "segfault"))
    return (counts["killed"] + counts["timeout"]) / made if made else 0.0


def run(module: str, *, survivors: bool, max_children: int = 2) -> dict[str, int] | None:
    """The mutant counts of ``module``, or None (with mutmut's last words printed) when mutmut could not run."""
    work = _scratch(module, MODULES[module])
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children)],
        cwd=work,
        check=False,
        capture_output=True,
        text=True,
    )
    counts = _counts(work)
    if done.returncode != 0 or not sum(counts.values()):
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        print(f"{module}: mutmut could not run (exit {done.returncode}); its last lines:\n{tail}", flush=True)
        return None
    if survivors:
        listing = subprocess.run(
            [sys.executable, "-m", "mutmut", "results"], cwd=work, capture_output=True, text=True
        ).stdout
        for line in listing.splitlines():
            name = line.split(":")[0].strip()
            if name:
                show = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True)
                print(show.stdout.decode(errors="replace"))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all)")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests")
    parser.add_argument("--survivors", action="store_true", help="print every surviving mutant")
    parser.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    if args.list:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"not a module of this script: {unknown}; see --list")
    WORK.mkdir(exist_ok=True)
    summary_file = WORK / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    for module in args.modules or list(MODULES):
        counts = run(module, survivors=args.survivors, max_children=args.max_children)
        if counts is None:
            continue
        score = _score(counts)
        summary[module] = {**counts, "score": round(score, 3)}
        print(
            f"{module}: {counts['killed']} killed, {counts['survived']} survived, {counts['timeout']} timed out, "
            f"{counts['no tests']} not covered; score {score:.0%}",
            flush=True,
        )
        summary_file.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
