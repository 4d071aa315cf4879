"""kzdata's performance benchmarks: one command, one machine, medians and ratios.

Run from a source checkout with kzdata installed (``pip install -e .[test]``) and,
for the peer comparison, ``pip install palmerpenguins vega_datasets``::

    python benchmarks/bench.py --quick     # a few minutes: few repetitions
    python benchmarks/bench.py             # the full run recorded in docs/benchmarks.md (~10 min)

Six sections, each comparing kzdata with a floor or a peer measured in the same run:

1. ``import``     a cold process ``import kzdata`` vs ``import pandas``, and
                  ``import kzdata; import pandas`` vs ``import pandas`` (target <= 1.05);
2. ``cold-load``  a cold process loading every table through kzdata vs one reading the
                  same files with ``pq.read_table(path).to_pandas(date_as_object=False)`` (target <= 1.10);
3. ``warm-load``  in-process ``kzdata.load(name)`` vs the same floor read, per table
                  (target <= 1.3 for every table);
4. ``validate``   ``kzdata.validate()`` warm and the cold ``kzdata validate`` command,
                  split into kzdata's own work (loading, ``kzdata._rules.check``) and
                  pandera's (import, schema construction, schema validation);
5. ``build``      ``python -m kzdata build --root TMP`` on a copy of ``raw/``, with phases;
6. ``peers``      cold ``palmerpenguins.load_penguins()`` and ``vega_datasets.data.cars()``
                  vs kzdata loading its largest table (target: no slower than either).

"Cold" means a new interpreter per measurement (the OS file cache is warm: every
variant runs once before timing). Variants of one comparison run interleaved in
rotating order, so drift in machine load hits each alike. Figures are medians;
ratios are ratios of medians, given for wall time (the target) and for CPU time
(user + system of the process, all threads), which other work on a shared machine
disturbs much less. ``--max-load L`` waits (up to ``--max-wait`` seconds, default 600,
per section) until the 1-minute load average is below ``L`` before each section. Results go to
``benchmarks/results.json``.

``--data-dir DIR`` (or ``KZDATA_BENCH_DATA_DIR``) benchmarks another built data
directory (``<root>/kzdata/data``, e.g. ``/tmp/mini/kzdata/data`` made by
``python -m kzdata build --root /tmp/mini``); ``<root>/raw`` is then the build input.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    MARKER,
    BenchError,
    check_data_dir,
    emit,
    fmt_ratio,
    fmt_time,
    machine_info,
    ratio,
    raw_root_for,
    redirect_code,
    resolve_data_dir,
    run_child,
    summary,
    table_rows,
    use_data_dir,
)

SECTIONS = ("import", "cold-load", "warm-load", "validate", "build", "peers")
PEERS_HINT = "pip install palmerpenguins vega_datasets"

TARGETS = {
    "import": 1.05,
    "cold-load": 1.10,
    "warm-load": 1.3,
    "peers": 1.0,
}


@dataclass(frozen=True)
class Settings:
    """Repetition counts of one mode."""

    cold: int
    """Rounds of the cold-process comparisons that have a target (sections 1, 2 and 6)."""
    validate_cold: int
    """Rounds of the cold validate processes (about 8 s a round, no ratio target)."""
    warm: int
    """Calls per table and per loader of the warm load comparison."""
    validate_warm: int
    build: int


QUICK = Settings(cold=5, validate_cold=3, warm=20, validate_warm=5, build=2)
FULL = Settings(cold=31, validate_cold=11, warm=100, validate_warm=21, build=5)


# --------------------------------------------------------------------------- cold processes

_WRAP = """from time import perf_counter as _pc
_t0 = _pc()
_ph = {{}}
_last = [_t0]
def _mark(name):
    now = _pc()
    _ph[name] = now - _last[0]
    _last[0] = now
{body}
_ph["inner"] = _pc() - _t0
print({marker!r} + repr(_ph))
"""


@dataclass
class Variant:
    """One way of doing the work, run as a fresh process per measurement."""

    name: str
    cmd: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0,)
    crashes: list[str] = field(default_factory=list)

    @classmethod
    def code(cls, name: str, body: str) -> Variant:
        """A variant running ``body`` under ``python -I -c`` with phase marks (``_mark(name)``)."""
        source = _WRAP.format(body=body.strip("\n"), marker=MARKER)
        return cls(name, [sys.executable, "-I", "-c", source])

    def run_once(self, cwd: Path, attempts: int = 3) -> tuple[float, float, dict[str, float]]:
        """Wall time, CPU time (user + system, all threads) and phase marks of one run.

        A run killed by a signal (seen rarely: pyarrow aborting at interpreter exit with
        "terminate called without an active exception") is recorded and run again.
        """
        for _ in range(attempts - 1):
            try:
                return self._run(cwd)
            except BenchError as exc:
                if not str(exc).startswith("signal"):
                    raise
                self.crashes.append(str(exc)[:500])
        return self._run(cwd)

    def _run(self, cwd: Path) -> tuple[float, float, dict[str, float]]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(self.cmd, capture_output=True, text=True, cwd=cwd, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode < 0:
            raise BenchError(f"signal {-proc.returncode} killed {self.name!r}: {proc.stderr[-300:]}")
        if proc.returncode not in self.ok_codes:
            raise BenchError(f"variant {self.name!r} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        phases: dict[str, float] = {}
        for line in proc.stdout.splitlines():
            if line.startswith(MARKER):
                phases = ast.literal_eval(line[len(MARKER) :])
        return wall, cpu, phases

    def result(self) -> dict[str, Any]:
        return {
            "cmd": [*self.cmd[:3], "<code>"] if self.cmd[2:3] == ["-c"] else self.cmd,
            "wall": summary(self.wall),
            "cpu": summary(self.cpu),
            "wall_samples": [round(x, 6) for x in self.wall],
            "cpu_samples": [round(x, 6) for x in self.cpu],
            "phases": {k: summary(v) for k, v in self.phases.items()},
            "phase_samples": {k: [round(x, 6) for x in v] for k, v in self.phases.items()},
            "crashes": self.crashes,
        }


def compare_cold(variants: list[Variant], reps: int, cwd: Path) -> dict[str, dict[str, Any]]:
    """Run every variant once untimed, then ``reps`` interleaved rounds in rotating order."""
    for v in variants:
        v.run_once(cwd)  # untimed: compiles bytecode, fills the OS file cache
    for i in range(reps):
        k = i % len(variants)
        for v in variants[k:] + variants[:k]:
            wall, cpu, phases = v.run_once(cwd)
            v.wall.append(wall)
            v.cpu.append(cpu)
            for key, value in phases.items():
                v.phases.setdefault(key, []).append(value)
    return {v.name: v.result() for v in variants}


def med(result: dict[str, Any], name: str, phase: str | None = None, metric: str = "wall") -> float | None:
    """Median wall (or ``metric="cpu"``) time of a variant, or of one of its phases."""
    entry = result[name][metric] if phase is None else result[name]["phases"].get(phase, {})
    return entry.get("median")


def bootstrap_ci(a: list[float], b: list[float], n: int = 2000, seed: int = 0) -> tuple[float, float] | None:
    """95% bootstrap interval of median(a) / median(b), resampling each side independently."""
    import random

    if len(a) < 5 or len(b) < 5:
        return None
    rng = random.Random(seed)  # noqa: S311 - resampling, not cryptography
    stats = sorted(
        statistics.median(rng.choices(a, k=len(a))) / statistics.median(rng.choices(b, k=len(b))) for _ in range(n)
    )
    return stats[int(0.025 * n)], stats[int(0.975 * n) - 1]


def compare(result: dict[str, Any], a: str, b: str, phase: str | None = None) -> dict[str, Any]:
    """Variant ``a`` over variant ``b``: ratios of medians (wall, CPU, in-process), the paired
    median, the ratio of minima and bootstrap intervals; with ``phase``, also the ratio of
    that phase alone (the work left once the imports both sides share are done)."""
    wa, wb = result[a]["wall_samples"], result[b]["wall_samples"]
    extra = {}
    if phase is not None:
        pa_, pb_ = result[a]["phase_samples"][phase], result[b]["phase_samples"][phase]
        extra = {
            "phase": phase,
            "phase_a_seconds": statistics.median(pa_),
            "phase_b_seconds": statistics.median(pb_),
            "phase_ratio": ratio(statistics.median(pa_), statistics.median(pb_)),
            "phase_ci95": bootstrap_ci(pa_, pb_),
        }
    return {
        **extra,
        "wall": ratio(med(result, a), med(result, b)),
        "cpu": ratio(med(result, a, metric="cpu"), med(result, b, metric="cpu")),
        "in_process": ratio(med(result, a, "inner"), med(result, b, "inner")),
        "paired_wall": statistics.median(x / y for x, y in zip(wa, wb, strict=True)) if wa else None,
        "min_wall": ratio(min(wa), min(wb)) if wa else None,
        "wall_ci95": bootstrap_ci(wa, wb),
        "cpu_ci95": bootstrap_ci(result[a]["cpu_samples"], result[b]["cpu_samples"]),
    }


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    data_dir: Path
    overridden: bool
    names: list[str]
    rows: dict[str, dict[str, int]]
    settings: Settings
    workdir: Path
    raw_root: Path

    @property
    def redirect(self) -> str:
        return redirect_code(self.data_dir if self.overridden else None)

    @property
    def largest(self) -> str:
        return max(self.names, key=lambda n: (self.rows[n]["rows"], self.rows[n]["file_bytes"]))

    def child(self, kind: str, *extra: str) -> Any:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--data-dir", str(self.data_dir)]
        if not self.overridden:
            cmd.append("--shipped")
        return run_child([*cmd, *extra], cwd=self.workdir)


# --------------------------------------------------------------------------- 1. import


def bench_import(ctx: Context) -> dict[str, Any]:
    variants = [
        Variant.code("python", "pass"),
        Variant.code("pandas", 'import pandas\n_mark("pandas")'),
        Variant.code("kzdata", 'import kzdata\n_mark("kzdata")'),
        Variant.code("kzdata+pandas", 'import kzdata\n_mark("kzdata")\nimport pandas\n_mark("pandas")'),
        Variant.code("pandas, then kzdata", 'import pandas\n_mark("pandas")\nimport kzdata\n_mark("kzdata")'),
    ]
    res = compare_cold(variants, ctx.settings.cold, ctx.workdir)
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; before = set(sys.modules); import kzdata; "
            "heavy = [m for m in ('pandas', 'pyarrow', 'pandera', 'numpy', 'frictionless') if m in sys.modules]; "
            "print(len(set(sys.modules) - before), ','.join(heavy))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ctx.workdir,
    ).stdout.split()
    out: dict[str, Any] = {
        "variants": res,
        "modules_imported_by_kzdata": int(probe[0]),
        "heavy_modules_imported_by_kzdata": probe[1].split(",") if len(probe) > 1 else [],
        "ratios": {
            "kzdata / pandas": compare(res, "kzdata", "pandas"),
            "kzdata+pandas / pandas": compare(res, "kzdata+pandas", "pandas"),
        },
        "kzdata_import_seconds": med(res, "kzdata", "kzdata"),
        "kzdata_extra_over_pandas_seconds": (med(res, "kzdata+pandas") or 0) - (med(res, "pandas") or 0),
        "kzdata_import_after_pandas_seconds": med(res, "pandas, then kzdata", "kzdata"),
    }
    return out


# --------------------------------------------------------------------------- 2. cold load


def bench_cold_load(ctx: Context) -> dict[str, Any]:
    paths = [str(ctx.data_dir / f"{n}.parquet") for n in ctx.names]
    # Both sides import pandas and pyarrow.parquet first (they would anyway), so the
    # "load" phase is the work beyond the imports they share.
    kz = f"""
import pandas, pyarrow.parquet
_mark("imports")
import kzdata
{ctx.redirect}
for _n in {ctx.names!r}:
    kzdata.load(_n)
_mark("load")
"""
    floor = f"""
import pandas, pyarrow.parquet as pq
_mark("imports")
for _p in {paths!r}:
    pq.read_table(_p).to_pandas(date_as_object=False)
_mark("load")
"""
    res = compare_cold([Variant.code("kzdata", kz), Variant.code("floor", floor)], ctx.settings.cold, ctx.workdir)
    return {
        "variants": res,
        "ratios": {"kzdata / floor": compare(res, "kzdata", "floor", phase="load")},
    }


# --------------------------------------------------------------------------- 3. warm load


class Samples(dict):  # type: ignore[type-arg]
    """Wall and CPU samples per key, timed one call at a time with the garbage collector off."""

    def time(self, key: str, fn: Any, *args: Any) -> None:
        gc.collect()
        gc.disable()
        try:
            cpu0, start = time.process_time(), time.perf_counter()
            fn(*args)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        finally:
            gc.enable()
        entry = self.setdefault(key, {"wall": [], "cpu": []})
        entry["wall"].append(wall)
        entry["cpu"].append(cpu)

    def summaries(self) -> dict[str, dict[str, Any]]:
        return {k: {"wall": summary(v["wall"]), "cpu": summary(v["cpu"])} for k, v in self.items()}


def child_warm_load(names: list[str], data_dir: Path, reps: int) -> dict[str, Any]:
    """In this process: per table, ``kzdata.load`` vs the floor read, interleaved."""
    import pyarrow.parquet as pq

    import kzdata

    def floor(p: Path) -> object:
        return pq.read_table(p).to_pandas(date_as_object=False)

    def floor_arrow(p: Path) -> object:
        return pq.read_table(p)

    def kz_arrow(n: str) -> object:
        return kzdata.load(n, backend="pyarrow")  # type: ignore[arg-type]

    out: dict[str, Any] = {}
    for name in names:
        file = data_dir / f"{name}.parquet"
        for _ in range(3):
            kzdata.load(name)  # type: ignore[arg-type]
            floor(file)
        samples = Samples()
        for i in range(reps):
            pair = [("kzdata", kzdata.load, name), ("floor", floor, file)]
            for key, fn, arg in pair if i % 2 == 0 else pair[::-1]:
                samples.time(key, fn, arg)
        for i in range(max(5, reps // 3)):
            pair = [("kzdata_arrow", kz_arrow, name), ("floor_arrow", floor_arrow, file)]
            for key, fn, arg in pair if i % 2 == 0 else pair[::-1]:
                samples.time(key, fn, arg)
        out[name] = samples.summaries()
        start = time.perf_counter()
        for _ in range(1000):
            kzdata.path(name)  # type: ignore[arg-type]
        out[name]["path_seconds"] = (time.perf_counter() - start) / 1000
    return out


def bench_warm_load(ctx: Context) -> dict[str, Any]:
    per_table = ctx.child("warm-load", "--reps", str(ctx.settings.warm))

    def m(name: str, key: str, metric: str) -> float:
        return float(per_table[name][key][metric]["median"])

    ratios = {
        n: {metric: ratio(m(n, "kzdata", metric), m(n, "floor", metric)) for metric in ("wall", "cpu")}
        for n in ctx.names
    }
    sums = {
        metric: {
            "kzdata": sum(m(n, "kzdata", metric) for n in ctx.names),
            "floor": sum(m(n, "floor", metric) for n in ctx.names),
        }
        for metric in ("wall", "cpu")
    }
    for entry in sums.values():
        entry["ratio"] = ratio(entry["kzdata"], entry["floor"])  # type: ignore[assignment]
    worst = {metric: max(ctx.names, key=lambda n, metric=metric: ratios[n][metric] or 0) for metric in ("wall", "cpu")}
    return {
        "per_table": per_table,
        "ratios": ratios,
        "sum_of_medians": sums,
        "worst": {metric: {"table": t, "ratio": ratios[t][metric]} for metric, t in worst.items()},
    }


# --------------------------------------------------------------------------- 4. validate


def _validate_quietly(schema: Any, frame: Any) -> None:
    import pandera.errors

    with contextlib.suppress(pandera.errors.SchemaErrors):  # invalid data costs the same work
        schema.validate(frame, lazy=True)


def child_validate_warm(names: list[str], reps: int) -> dict[str, Any]:
    """In this process: validate() and its parts, each timed warm."""
    import kzdata
    from kzdata import _rules as rules
    from kzdata._schemas import schema

    kzdata.validate(raise_on_error=False)  # imports pandera, builds and caches the schemas

    def load_all() -> dict[str, Any]:
        return {n: kzdata.load(n) for n in names}  # type: ignore[arg-type]

    frames = load_all()

    def schemas_all() -> None:
        for n, frame in frames.items():
            _validate_quietly(schema(n), frame)

    parts, per_table, per_rule = Samples(), Samples(), Samples()
    for _ in range(reps):
        parts.time("validate", lambda: kzdata.validate(raise_on_error=False))
        parts.time("load", load_all)
        parts.time("schema_validate", schemas_all)
        parts.time("rules_check", rules.check, frames)
        for n in names:
            per_table.time(n, lambda n=n: _validate_quietly(schema(n), frames[n]))
        for r in rules.RULES:
            per_rule.time(r.__name__, lambda r=r: list(r(frames)))
    return {
        "parts": parts.summaries(),
        "schema_validate_per_table": per_table.summaries(),
        "rules_per_rule": per_rule.summaries(),
    }


def bench_validate(ctx: Context) -> dict[str, Any]:
    if ctx.overridden:
        cli = Variant.code(
            "kzdata validate",
            f"import sys\n{ctx.redirect}from kzdata._cli import main\nsys.exit(main(['validate']))",
        )
        cli_note = "kzdata._cli.main(['validate']) under python -I -c (data dir overridden)"
    else:
        script = Path(sys.executable).with_name("kzdata")
        cmd = [str(script), "validate"] if script.exists() else [sys.executable, "-m", "kzdata", "validate"]
        cli = Variant("kzdata validate", cmd)
        cli_note = " ".join(cmd)
    cli.ok_codes = (0, 1)  # 1: the data failed a check; the work is the same
    phases = f"""
import kzdata
{ctx.redirect}
_mark("import_kzdata")
import pandas, pyarrow.parquet
_mark("import_pandas_pyarrow")
import pandera.pandas, pandera.errors
_mark("import_pandera")
import kzdata._validation, kzdata._rules, kzdata._schemas
_mark("import_kzdata_validation")
_s = {{n: kzdata._schemas.schema(n) for n in kzdata.tables()}}
_mark("schema_build")
_f = {{n: kzdata.load(n) for n in kzdata.tables()}}
_mark("load")
for _n, _fr in _f.items():
    try:
        _s[_n].validate(_fr, lazy=True)
    except pandera.errors.SchemaErrors:
        pass
_mark("schema_validate")
kzdata._rules.check(_f)
_mark("rules_check")
"""
    variants = [
        cli,
        Variant.code("validate()", f"import kzdata\n{ctx.redirect}kzdata.validate(raise_on_error=False)"),
        Variant.code("validate phases", phases),
        Variant.code("import pandas", "import pandas"),
        Variant.code("import pandas+pyarrow", "import pandas, pyarrow.parquet"),
        Variant.code("import pandera", "import pandera.pandas, pandera.errors"),
    ]
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import kzdata\n{ctx.redirect}r = kzdata.validate(raise_on_error=False)\n"
            "print(int(r.ok), len(r.issues))\nprint('\\n'.join(str(i) for i in r.issues[:5]))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ctx.workdir,
    ).stdout.splitlines()
    report = {"ok": probe[0].split()[0] == "1", "issues": int(probe[0].split()[1]), "first_issues": probe[1:]}
    if not report["ok"]:
        print(f"[validate] warning: the data fails validation ({report['issues']} issues)", file=sys.stderr)
    res = compare_cold(variants, ctx.settings.validate_cold, ctx.workdir)
    warm = ctx.child("validate-warm", "--reps", str(ctx.settings.validate_warm))

    ph = {k: v["median"] for k, v in res["validate phases"]["phases"].items()}
    cold_total = med(res, "kzdata validate")
    pandera_import_alone = (med(res, "import pandera") or 0) - (med(res, "import pandas") or 0)
    cold_split = {
        "interpreter_start_and_exit": (med(res, "validate phases") or 0) - ph["inner"],
        "import_kzdata": ph["import_kzdata"],
        "import_pandas_pyarrow": ph["import_pandas_pyarrow"],
        "pandera_import": ph["import_pandera"] + ph["import_kzdata_validation"],
        "pandera_schema_build": ph["schema_build"],
        "pandera_schema_validate": ph["schema_validate"],
        "kzdata_load": ph["load"],
        "kzdata_rules_check": ph["rules_check"],
    }
    phases_sum = sum(cold_split.values())
    kz_cold = cold_split["import_kzdata"] + cold_split["kzdata_load"] + cold_split["kzdata_rules_check"]
    pa_cold = cold_split["pandera_import"] + cold_split["pandera_schema_build"] + cold_split["pandera_schema_validate"]

    parts = {k: v["cpu"]["median"] for k, v in warm["parts"].items()}
    other = max(0.0, parts["validate"] - parts["load"] - parts["schema_validate"] - parts["rules_check"])
    parts_sum = parts["load"] + parts["schema_validate"] + parts["rules_check"] + other
    return {
        "data_valid": report,
        "cli": cli_note,
        "variants": res,
        "warm": warm,
        "pandera_import_alone_seconds": pandera_import_alone,
        "cold_split_seconds": cold_split,
        "cold_shares": {
            "kzdata_own (import, load, rules.check)": kz_cold / phases_sum,
            "pandera (import, schema build, schema validation)": pa_cold / phases_sum,
            "pandas+pyarrow import": cold_split["import_pandas_pyarrow"] / phases_sum,
            "interpreter": cold_split["interpreter_start_and_exit"] / phases_sum,
        },
        "cold_command_seconds": cold_total,
        "warm_split_seconds": {**parts, "report_and_rest": other},
        "warm_shares": {
            "kzdata_own (load, rules.check, report)": (parts["load"] + parts["rules_check"] + other) / parts_sum,
            "pandera schema validation": parts["schema_validate"] / parts_sum,
        },
    }


# --------------------------------------------------------------------------- 5. build


def copy_source(raw_root: Path, dest: Path) -> Path:
    """Copy ``raw/`` and ``pyproject.toml`` into ``dest`` (the build's input, never the checkout)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(raw_root / "raw", dest / "raw")
    pyproject = raw_root / "pyproject.toml"
    if not pyproject.exists():
        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    shutil.copy2(pyproject, dest / "pyproject.toml")
    return dest


def child_build_phases(root: Path) -> dict[str, float]:
    """In this process: the build's steps one by one, then one whole ``build()`` (warm)."""
    marks: dict[str, float] = {}
    last = time.perf_counter()

    def mark(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        marks[name] = now - last
        last = now

    import pandas  # noqa: F401
    import pandera.pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from kzdata._pipeline import build as run
    from kzdata._pipeline import encode
    from kzdata._pipeline.derive import derive
    from kzdata._pipeline.raw_tables import read_raw
    from kzdata._registry import TABLES
    from kzdata._rules import check
    from kzdata._schemas import schema

    mark("imports")
    for t in TABLES:
        schema(t.name)  # type: ignore[arg-type]
    mark("schema_build")
    raws = {t.name: read_raw(t, root / "raw" / f"{t.name}.csv", t.name) for t in TABLES}
    mark("read_raw (CSV parse)")
    for raw in raws.values():
        run._schema_issues(raw)
    mark("schema_validate (pandera)")
    frames = derive({n: r.frame for n, r in raws.items()})
    mark("derive")
    check(frames)
    mark("rules_check")
    ordered = {t.name: encode.sort_frame(t, frames[t.name]) for t in TABLES}
    mark("sort")
    for t in TABLES:
        encode.csv_bytes(t, ordered[t.name])
    mark("encode_csv")
    for t in TABLES:
        encode.parquet_bytes(t, ordered[t.name])
    mark("encode_parquet")
    run.build(root)
    mark("build() whole, warm")
    return marks


def bench_build(ctx: Context) -> dict[str, Any]:
    if not (ctx.raw_root / "raw").is_dir() or not any((ctx.raw_root / "raw").glob("*.csv")):
        return {"skipped": f"no raw/*.csv in {ctx.raw_root}"}
    root = copy_source(ctx.raw_root, ctx.workdir / "build-root")
    cmd = Variant("kzdata build", [sys.executable, "-I", "-m", "kzdata", "build", "--root", str(root)])
    res = compare_cold([cmd], ctx.settings.build, ctx.workdir)
    phase_runs = [ctx.child("build-phases", "--root", str(root)) for _ in range(max(1, ctx.settings.build // 2))]
    phases = {k: summary([r[k] for r in phase_runs]) for k in phase_runs[0]}
    return {"raw_root": str(ctx.raw_root), "build_root": str(root), "variants": res, "phases": phases}


# --------------------------------------------------------------------------- 6. peers


def bench_peers(ctx: Context) -> dict[str, Any]:
    missing = [m for m in ("palmerpenguins", "vega_datasets") if importlib.util.find_spec(m) is None]
    if missing:
        return {"skipped": f"{', '.join(missing)} not installed; run `{PEERS_HINT}` to compare with peers"}
    largest = ctx.largest
    file = str(ctx.data_dir / f"{largest}.parquet")
    variants = [
        # Each imports pandas first (all of them would), so the "load" phase is what each
        # costs beyond pandas: its own imports (pyarrow.parquet included) and the read.
        Variant.code(
            f"kzdata.load({largest!r})",
            f'import pandas\n_mark("pandas")\nimport kzdata\n{ctx.redirect}'
            f'_x = kzdata.load({largest!r})\n_mark("load")',
        ),
        Variant.code(
            "palmerpenguins.load_penguins()",
            'import pandas\n_mark("pandas")\nimport palmerpenguins\n_x = palmerpenguins.load_penguins()\n_mark("load")',
        ),
        Variant.code(
            "vega_datasets.data.cars()",
            'import pandas\n_mark("pandas")\nfrom vega_datasets import data\n_x = data.cars()\n_mark("load")',
        ),
        Variant.code(
            "floor read of the same table",
            f'import pandas\n_mark("pandas")\nimport pyarrow.parquet as pq\n'
            f"_x = pq.read_table({file!r}).to_pandas(date_as_object=False)\n"
            '_mark("load")',
        ),
    ]
    res = compare_cold(variants, ctx.settings.cold, ctx.workdir)
    kz = variants[0].name
    return {
        "largest_table": largest,
        "largest_rows": ctx.rows[largest]["rows"],
        "peer_rows": {"palmerpenguins.load_penguins()": 344, "vega_datasets.data.cars()": 406},
        "variants": res,
        "ratios": {
            "kzdata / palmerpenguins": compare(res, kz, "palmerpenguins.load_penguins()", phase="load"),
            "kzdata / vega_datasets": compare(res, kz, "vega_datasets.data.cars()", phase="load"),
            "kzdata / floor": compare(res, kz, "floor read of the same table", phase="load"),
        },
    }


# --------------------------------------------------------------------------- report


def targets(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with its wall-time and CPU-time ratio and verdicts."""
    out = []

    def add(key: str, what: str, ratios: dict[str, Any], limit: float) -> None:
        wall, cpu = ratios.get("wall"), ratios.get("cpu")
        out.append(
            {
                "target": key,
                "what": what,
                "limit": limit,
                "ratio_wall": wall,
                "ratio_cpu": cpu,
                "wall_ci95": ratios.get("wall_ci95"),
                "cpu_ci95": ratios.get("cpu_ci95"),
                "pass_wall": None if wall is None else wall <= limit,
                "pass_cpu": None if cpu is None else cpu <= limit,
            }
        )

    if "import" in sections:
        r = sections["import"]["ratios"]
        add("1a", "cold `import kzdata` / `import pandas`", r["kzdata / pandas"], TARGETS["import"])
        add(
            "1b",
            "cold `import kzdata; import pandas` / `import pandas`",
            r["kzdata+pandas / pandas"],
            TARGETS["import"],
        )
    if "cold-load" in sections:
        r = sections["cold-load"]["ratios"]["kzdata / floor"]
        add("2", "cold process loading every table: kzdata / pyarrow floor", r, TARGETS["cold-load"])
    if "warm-load" in sections:
        worst = sections["warm-load"]["worst"]
        add(
            "3",
            f"warm load / floor, worst table (wall: {worst['wall']['table']}, cpu: {worst['cpu']['table']})",
            {"wall": worst["wall"]["ratio"], "cpu": worst["cpu"]["ratio"]},
            TARGETS["warm-load"],
        )
    if "peers" in sections and "skipped" not in sections["peers"]:
        r = sections["peers"]["ratios"]
        add("6a", "cold load: kzdata's largest table / palmerpenguins", r["kzdata / palmerpenguins"], TARGETS["peers"])
        add(
            "6b",
            "cold load: kzdata's largest table / vega_datasets cars",
            r["kzdata / vega_datasets"],
            TARGETS["peers"],
        )
    return out


def _line(label: str, *cells: str) -> None:
    print(f"  {label:<52}" + "".join(f"{c:>13}" for c in cells))


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def _cold_table(variants: dict[str, Any], extra: str | None = None) -> None:
    _line("", "wall", "cpu", "in-process", *([extra] if extra else []))
    for name, r in variants.items():
        inner = r["phases"].get("inner", {}).get("median")
        cells = [fmt_time(r["wall"]["median"]), fmt_time(r["cpu"]["median"]), fmt_time(inner)]
        if extra:
            cells.append(fmt_time(r["phases"].get(extra, {}).get("median")))
        _line(name, *cells)


def _ci(ci: Any) -> str:
    return "-" if not ci else f"{ci[0]:.2f}-{ci[1]:.2f}"


def _ratio_table(ratios: dict[str, dict[str, Any]]) -> None:
    _line("ratio", "wall", "wall 95% CI", "cpu", "in-process", "paired wall", "min wall")
    for name, r in ratios.items():
        _line(
            name,
            fmt_ratio(r.get("wall")),
            _ci(r.get("wall_ci95")),
            *(fmt_ratio(r.get(k)) for k in ("cpu", "in_process", "paired_wall", "min_wall")),
        )
    for name, r in ratios.items():
        if r.get("phase"):
            _line(
                f"{name}: {r['phase']} phase only",
                f"{fmt_time(r['phase_a_seconds'])} / {fmt_time(r['phase_b_seconds'])}",
                f"= {fmt_ratio(r['phase_ratio'])}",
                _ci(r.get("phase_ci95")),
            )


def print_report(results: dict[str, Any]) -> None:
    m = results["machine"]
    s = results["sections"]
    d = results["data"]
    print()
    print(
        f"kzdata benchmarks ({results['mode']}) on {m['cpu_model']}, {m['cpu_count']} CPUs, "
        f"Python {m['python']}, {m['platform']}"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v))
    print(f"  data: {d['dir']} ({d['total_rows']} rows in {len(d['tables'])} tables)")
    print("  medians of repeated runs; cold = a new interpreter per run; cpu = user + system time")
    if "import" in s:
        print("\n1. cold import")
        _cold_table(s["import"]["variants"])
        _ratio_table(s["import"]["ratios"])
        _line("`import kzdata` once pandas is imported", fmt_time(s["import"]["kzdata_import_after_pandas_seconds"]))
        heavy = s["import"]["heavy_modules_imported_by_kzdata"]
        print(
            f"  `import kzdata` imports {s['import']['modules_imported_by_kzdata']} modules; "
            f"heavy ones: {', '.join(heavy) or 'none'}"
        )
    if "cold-load" in s:
        print("\n2. cold process loading every table")
        _cold_table(s["cold-load"]["variants"], "load")
        _ratio_table(s["cold-load"]["ratios"])
    if "warm-load" in s:
        w = s["warm-load"]
        print("\n3. warm in-process load per table (medians)")
        _line("table", "kzdata wall", "floor wall", "ratio wall", "ratio cpu")
        for name, r in w["per_table"].items():
            _line(
                name,
                fmt_time(r["kzdata"]["wall"]["median"]),
                fmt_time(r["floor"]["wall"]["median"]),
                fmt_ratio(w["ratios"][name]["wall"]),
                fmt_ratio(w["ratios"][name]["cpu"]),
            )
        sw, sc = w["sum_of_medians"]["wall"], w["sum_of_medians"]["cpu"]
        _line(
            "all tables (sum of medians)",
            fmt_time(sw["kzdata"]),
            fmt_time(sw["floor"]),
            fmt_ratio(sw["ratio"]),
            fmt_ratio(sc["ratio"]),
        )
    if "validate" in s:
        val = s["validate"]
        print("\n4. validate")
        _cold_table({k: v for k, v in val["variants"].items() if k != "validate phases"})
        _line("pandera's own import (import pandera - import pandas)", fmt_time(val["pandera_import_alone_seconds"]))
        print("  one cold process, phase by phase:")
        for name, t in val["cold_split_seconds"].items():
            _line("  " + name, fmt_time(t))
        for name, share in val["cold_shares"].items():
            _line("  share: " + name, f"{share:.0%}")
        print("  warm validate() in-process, its parts timed separately (cpu medians):")
        for name, t in val["warm_split_seconds"].items():
            _line("  " + name, fmt_time(t))
        for name, share in val["warm_shares"].items():
            _line("  share: " + name, f"{share:.0%}")
    if "build" in s:
        b = s["build"]
        print("\n5. build from a copy of raw/")
        if "skipped" in b:
            print(f"  skipped: {b['skipped']}")
        else:
            _cold_table(b["variants"])
            print("  its steps, in one process (medians):")
            for name, r in b["phases"].items():
                _line("  " + name, fmt_time(r["median"]))
    if "peers" in s:
        p = s["peers"]
        print("\n6. peers: a cold process importing and loading one table")
        if "skipped" in p:
            print(f"  skipped: {p['skipped']}")
        else:
            _cold_table(p["variants"], "load")
            print(f"  rows: kzdata {p['largest_table']} {p['largest_rows']}, penguins 344, cars 406")
            _ratio_table(p["ratios"])
    print(f"\nTargets (ratios of medians){'wall':>47}{'95% CI':>17}{'cpu':>12}{'95% CI':>17}")
    for t in results["targets"]:
        print(
            f"  ({t['target']:<2}) {t['what'][:58]:<58} <= {t['limit']:<4} "
            f"{fmt_ratio(t['ratio_wall']):>6} {_verdict(t['pass_wall']):<4} {_ci(t.get('wall_ci95')):>11}  "
            f"{fmt_ratio(t['ratio_cpu']):>6} {_verdict(t['pass_cpu']):<4} {_ci(t.get('cpu_ci95')):>11}"
        )
    print("  (a 95% interval that straddles the limit means this machine's noise cannot decide the verdict)")


# --------------------------------------------------------------------------- main


def wait_for_idle(max_load: float | None, limit: float = 600) -> float:
    """Sleep until the 1-minute load average is below ``max_load`` (at most ``limit`` seconds)."""
    if max_load is None:
        return 0.0
    start = time.perf_counter()
    while os.getloadavg()[0] >= max_load and time.perf_counter() - start < limit:
        time.sleep(10)
    return time.perf_counter() - start


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="few repetitions (about a minute)")
    p.add_argument("--data-dir", help="a built data directory to benchmark (default: the one kzdata ships)")
    p.add_argument("--raw-root", type=Path, help="source root with raw/ and pyproject.toml for the build benchmark")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of: {', '.join(SECTIONS)}")
    p.add_argument("--repeat", type=int, help="override the number of rounds of every cold-process comparison")
    p.add_argument("--max-load", type=float, help="before each section, wait until the load average is below this")
    p.add_argument("--max-wait", type=float, default=600, help="longest wait for --max-load, seconds (default 600)")
    p.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / "results.json")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--shipped", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--reps", type=int, default=10, help=argparse.SUPPRESS)
    p.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def run_child_mode(args: argparse.Namespace) -> int:
    from kzdata._registry import TABLE_NAMES

    data_dir = Path(args.data_dir)
    use_data_dir(None if args.shipped else data_dir)
    names = list(TABLE_NAMES)
    if args.child == "warm-load":
        emit(child_warm_load(names, data_dir, args.reps))
    elif args.child == "validate-warm":
        emit(child_validate_warm(names, args.reps))
    elif args.child == "build-phases":
        emit(child_build_phases(args.root))
    else:
        raise SystemExit(f"unknown child {args.child!r}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child_mode(args)
    from kzdata._registry import TABLE_NAMES

    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s): {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    data_dir, overridden = resolve_data_dir(args.data_dir)
    names = list(TABLE_NAMES)
    check_data_dir(data_dir, names)
    settings = QUICK if args.quick else FULL
    if args.repeat:
        settings = Settings(args.repeat, args.repeat, settings.warm, settings.validate_warm, settings.build)
    rows = table_rows(data_dir, names)
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "settings": settings.__dict__,
        "machine": machine_info(),
        "data": {
            "dir": str(data_dir),
            "overridden": overridden,
            "tables": rows,
            "total_rows": sum(r["rows"] for r in rows.values()),
            "total_file_bytes": sum(r["file_bytes"] for r in rows.values()),
        },
        "sections": {},
    }
    runners = {
        "import": bench_import,
        "cold-load": bench_cold_load,
        "warm-load": bench_warm_load,
        "validate": bench_validate,
        "build": bench_build,
        "peers": bench_peers,
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kzdata-bench-") as tmp:
        ctx = Context(
            data_dir=data_dir,
            overridden=overridden,
            names=names,
            rows=rows,
            settings=settings,
            workdir=Path(tmp),
            raw_root=args.raw_root or raw_root_for(data_dir, overridden),
        )
        for name in SECTIONS:
            if name in sections:
                waited = wait_for_idle(args.max_load, args.max_wait)
                t0 = time.perf_counter()
                load_before = os.getloadavg()[0]
                print(f"[{name}] ...", file=sys.stderr, flush=True)
                results["sections"][name] = runners[name](ctx)
                elapsed = time.perf_counter() - t0
                results["sections"][name]["_run"] = {
                    "seconds": elapsed,
                    "waited_for_idle_seconds": waited,
                    "load_average_before": load_before,
                    "load_average_after": os.getloadavg()[0],
                }
                print(f"[{name}] done in {elapsed:.1f} s", file=sys.stderr, flush=True)
    results["elapsed_seconds"] = time.perf_counter() - started
    results["targets"] = targets(results["sections"])
    print_report(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n")
    print(f"\nresults written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
