"""The compatibility matrix: the built wheel in a fresh virtual environment per supported stack.

Each leg is one Python interpreter and one set of pandas, pyarrow and pandera (and the
optional Polars and DuckDB) versions, installed *first*, as a user's existing analysis
environment would have them. Then the wheel is installed on top, and the leg checks that

1. installing kzdata changed none of the pre-installed versions (ranges, not pins);
2. every table loads with exactly the dtypes of ``tests/expected_dtypes.py`` (the
   hand-written expectation, loaded by path), with every declared category;
3. the date columns are Arrow ``date32``, Polars ``Date`` and DuckDB ``DATE``;
4. ``kzdata validate`` and ``kzdata verify`` pass.

The ``oldest`` leg is the floor that ``pyproject.toml`` claims (Python, pandas, pyarrow,
pandera, Polars, DuckDB); ``pandas-2.2`` is a common existing environment (pandas 2.2.3,
pyarrow 18.1.0); the ``newest`` leg is the newest Python with the newest releases.
Interpreters are looked up under pyenv (``$PYENV_ROOT/versions/X.Y.Z``); a leg whose
interpreter is absent is skipped with a message saying so, and the run fails when no
leg ran at all. Run from the root of a source checkout::

    python scripts/compat_matrix.py --wheel dist/kzdata-0.1.0-py3-none-any.whl [--leg oldest]

CI (``.ci/run``) runs every leg. Needs the package index (PyPI) for the stacks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTATION = ROOT / "tests" / "expected_dtypes.py"


@dataclass(frozen=True)
class Leg:
    """One stack: an interpreter and the versions installed before kzdata."""

    name: str
    python: str
    preinstalled: tuple[str, ...]


LEGS = (
    # The floor claimed in pyproject.toml: requires-python, pandas, pyarrow, pandera and the
    # polars/sql extras, with the numpy 1.x that such an environment still has (pyarrow < 16
    # and pandas < 2.2.2 are built against numpy 1 and do not import under numpy 2).
    Leg(
        "oldest",
        "3.10.13",
        ("numpy==1.26.4", "pandas==2.1.1", "pyarrow==13.0.0", "pandera==0.24.0", "polars==1.0.0", "duckdb==1.1.0"),
    ),
    # A common existing environment (issue 14): pandas 2.2.3 and pyarrow 18.1.0 installed first.
    Leg("pandas-2.2", "3.12.1", ("pandas==2.2.3", "pyarrow==18.1.0")),
    # The newest interpreter here with the newest releases.
    Leg(
        "newest",
        "3.13.0",
        ("pandas==3.1.1", "pyarrow==26.0.1", "pandera==0.35.0", "polars==2.1.0", "duckdb==2.0.1"),
    ),
)

#: Runs inside each leg's virtual environment (argv: expectation file); prints what it checked.
CHECK = r"""
import runpy, sys
import kzdata
assert "site-packages" in kzdata.__file__, kzdata.__file__
expected = runpy.run_path(sys.argv[1])
tables = expected["expected_dtypes"]()
assert sorted(tables) == sorted(kzdata.tables()), (sorted(tables), kzdata.tables())
rows = 0
for name, columns in tables.items():
    frame = kzdata.load(name)
    got = [(c, str(t)) for c, t in frame.dtypes.items()]
    assert got == columns, f"{name}: dtypes differ\n got      {got}\n expected {columns}"
    rows += len(frame)
for (name, column), categories in expected["CATEGORIES"].items():
    got = list(kzdata.load(name)[column].cat.categories)
    assert got == categories, f"{name}.{column}: categories {got}, expected {categories}"
dates = [(t, c) for t, cols in tables.items() for c, d in cols if d == "datetime64[ms]"]
for name, column in dates:
    assert str(kzdata.load(name, backend="pyarrow").schema.field(column).type) == "date32[day]", (name, column)
extras = []
try:
    import polars as pl
except ImportError:
    pass
else:
    for name, column in dates:
        assert kzdata.load(name, backend="polars").schema[column] == pl.Date, (name, column)
    enum = kzdata.load("events", backend="polars").schema["date_precision"]
    assert isinstance(enum, pl.Enum) and list(enum.categories) == ["day", "month", "year", "range"], enum
    extras.append(f"polars {pl.__version__}: Date, Enum")
try:
    import duckdb
except ImportError:
    pass
else:
    kinds = dict((r[0], r[1]) for r in duckdb.sql(f"describe select * from '{kzdata.path('events')}'").fetchall())
    assert kinds["date_start"] == "DATE", kinds
    extras.append(f"duckdb {duckdb.__version__}: DATE")
import numpy, pandas, pandera, pyarrow
print(
    f"  python {sys.version.split()[0]}, pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, "
    f"pandera {pandera.__version__}, numpy {numpy.__version__}: {len(tables)} tables, {rows} rows, "
    "dtypes and categories as expected" + "".join(f"; {e}" for e in extras)
)
"""


def interpreter(version: str) -> Path | None:
    """The pyenv interpreter of ``version``, or ``None`` when it is not installed."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = pyenv / "versions" / version / "bin" / "python"
    return found if found.is_file() else None


def run(cmd: list[str], **kwargs: object) -> str:
    """Run ``cmd``; on failure print its output and stop the matrix."""
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return str(result.stdout)


def frozen(pip: Path) -> dict[str, str]:
    """``{name: version}`` of a virtual environment, lower-cased names."""
    pins = [line.split("==") for line in run([str(pip), "freeze", "--all"]).splitlines() if "==" in line]
    return {name.lower().replace("_", "-"): version for name, version in pins}


def run_leg(leg: Leg, wheel: Path, work: Path) -> bool:
    """Run one leg; return False when it was skipped."""
    python = interpreter(leg.python)
    if python is None:
        print(f"SKIP leg {leg.name}: Python {leg.python} is not installed (no pyenv interpreter found)")
        return False
    start = time.monotonic()
    print(f"== leg {leg.name}: Python {leg.python}, first {' '.join(leg.preinstalled)}")
    venv = work / leg.name
    run([str(python), "-m", "venv", str(venv)])
    pip, bin_dir = venv / "bin" / "pip", venv / "bin"
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    run([str(pip), "install", "-q", *leg.preinstalled], env=env)
    before = frozen(pip)
    run([str(pip), "install", "-q", str(wheel)], env=env)
    after = frozen(pip)
    changed = {name: (v, after.get(name)) for name, v in before.items() if after.get(name) != v}
    if changed:
        sys.exit(f"FAILED: installing kzdata changed pre-installed packages (before, after): {changed}")
    print(f"  pip install kzdata kept every pre-installed version ({len(before)} packages)")
    print(run([str(bin_dir / "python"), "-c", CHECK, str(EXPECTATION)], cwd=work).rstrip())
    for command in ("validate", "verify"):
        out = run([str(bin_dir / "kzdata"), command], cwd=work).strip().splitlines()
        print(f"  kzdata {command}: {out[-1]}")
    print(f"  leg {leg.name} passed in {time.monotonic() - start:.0f} s")
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the selected legs against ``--wheel``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True, help="the built kzdata wheel")
    parser.add_argument("--leg", action="append", choices=[leg.name for leg in LEGS], help="run only this leg")
    args = parser.parse_args(argv)
    legs = [leg for leg in LEGS if not args.leg or leg.name in args.leg]
    with tempfile.TemporaryDirectory(prefix="kzdata-matrix-") as tmp:
        ran = [run_leg(leg, args.wheel.resolve(), Path(tmp)) for leg in legs]
    if not any(ran):
        sys.exit("FAILED: no leg of the compatibility matrix could run (no interpreter found)")
    print(f"compatibility matrix passed: {sum(ran)} of {len(legs)} legs ran")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
