"""Helpers shared by ``bench.py`` and ``scale.py``: data location, statistics, memory, machine info.

Nothing here is timed. The benchmark scripts import this module by path (their own
directory is the first entry of ``sys.path`` when run as ``python benchmarks/x.py``).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

#: Environment variable naming a built data directory (``<root>/kzdata/data``) to
#: benchmark instead of the one kzdata ships, e.g. the stand-in ``/tmp/mini/kzdata/data``.
DATA_DIR_ENV = "KZDATA_BENCH_DATA_DIR"

#: Marker that prefixes the one result line a child process prints.
MARKER = "@@KZBENCH@@"

PACKAGES = ("kzdata", "pandas", "pyarrow", "pandera", "numpy", "palmerpenguins", "vega_datasets")


class BenchError(RuntimeError):
    """A benchmark step failed (a child process exited non-zero, the data is missing...)."""


# --------------------------------------------------------------------------- data


def shipped_data_dir() -> Path:
    """The directory kzdata itself loads from (``kzdata._files.data_dir()``)."""
    from kzdata import _files

    return _files.data_dir()


def resolve_data_dir(arg: str | None) -> tuple[Path, bool]:
    """The data directory to benchmark and whether it is an override of the shipped one.

    ``arg`` (``--data-dir``) wins over the environment variable ``KZDATA_BENCH_DATA_DIR``;
    without either, the shipped directory is used and kzdata runs unpatched.
    """
    chosen = arg or os.environ.get(DATA_DIR_ENV)
    shipped = shipped_data_dir().resolve()
    if not chosen:
        return shipped, False
    path = Path(chosen).resolve()
    return path, path != shipped


def redirect_code(data_dir: Path | None) -> str:
    """Python source that points kzdata's loaders at ``data_dir`` (empty when not overridden).

    Only used when benchmarking a stand-in dataset: kzdata finds its files through
    ``kzdata._files.data_dir()``, the one function every path goes through, so
    replacing it is enough and costs nothing measurable.
    """
    if data_dir is None:
        return ""
    return f"import kzdata._files as _kzf, pathlib as _kzp\n_kzf.data_dir = lambda: _kzp.Path({str(data_dir)!r})\n"


def use_data_dir(data_dir: Path | None) -> None:
    """In this process, point kzdata's loaders at ``data_dir`` (no-op for ``None``)."""
    if data_dir is None:
        return
    from kzdata import _files

    _files.data_dir = lambda: data_dir  # type: ignore[assignment]


def check_data_dir(data_dir: Path, names: Sequence[str]) -> None:
    """Fail clearly when a table's Parquet file is missing."""
    missing = [n for n in names if not (data_dir / f"{n}.parquet").is_file()]
    if missing:
        raise BenchError(
            f"no Parquet file for {', '.join(missing)} in {data_dir}; build the data first "
            f"(`kzdata build`), or point --data-dir / {DATA_DIR_ENV} at a built <root>/kzdata/data"
        )


def table_rows(data_dir: Path, names: Sequence[str]) -> dict[str, dict[str, int]]:
    """Rows, columns and file bytes of each table, from the Parquet footers alone."""
    import pyarrow.parquet as pq

    out = {}
    for name in names:
        file = data_dir / f"{name}.parquet"
        meta = pq.read_metadata(file)
        out[name] = {"rows": meta.num_rows, "columns": meta.num_columns, "file_bytes": file.stat().st_size}
    return out


def raw_root_for(data_dir: Path, overridden: bool) -> Path:
    """The source root (with ``raw/`` and ``pyproject.toml``) that built ``data_dir``."""
    if not overridden:
        return REPO
    # <root>/kzdata/data -> <root>
    root = data_dir.parent.parent
    return root if (root / "raw").is_dir() else REPO


# --------------------------------------------------------------------------- statistics


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """Median, quartiles, min and max of timing samples (seconds)."""
    values = sorted(samples)
    if not values:
        return {"n": 0}
    if len(values) >= 4:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1, q3 = values[0], values[-1]
    return {
        "n": len(values),
        "median": statistics.median(values),
        "q1": q1,
        "q3": q3,
        "min": values[0],
        "max": values[-1],
    }


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fit_slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log(y) against log(x) (1 means linear growth)."""
    import math

    pairs = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y and y > 0]
    if len(pairs) < 2:
        return None
    mx = sum(p[0] for p in pairs) / len(pairs)
    my = sum(p[1] for p in pairs) / len(pairs)
    sxx = sum((p[0] - mx) ** 2 for p in pairs)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pairs) / sxx


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover


def fmt_ratio(r: float | None) -> str:
    return "-" if r is None else f"{r:.3f}"


# --------------------------------------------------------------------------- memory


def _status_kib(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def reset_peak_rss() -> bool:
    """Reset this process's resident-set high-water mark (Linux); False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def rss_bytes() -> int | None:
    kib = _status_kib("VmRSS")
    return None if kib is None else kib * 1024


def peak_rss_bytes() -> int | None:
    """The resident-set high-water mark (since the last reset), in bytes."""
    kib = _status_kib("VmHWM")
    if kib is None:  # not Linux: fall back to getrusage (kilobytes on Linux, bytes on macOS)
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    return kib * 1024


class PeakMemory:
    """Measure the peak resident memory a block adds above what the process held before it."""

    def __enter__(self) -> PeakMemory:
        import gc

        gc.collect()
        self.exact = reset_peak_rss()
        self.before = rss_bytes() or 0
        self.peak = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self.peak = (peak_rss_bytes() or 0) - self.before


# --------------------------------------------------------------------------- children


def run_child(cmd: Sequence[str], *, cwd: Path | None = None, timeout: float = 3600) -> Any:
    """Run a child process that prints one ``MARKER`` line of JSON; return the decoded value."""
    proc = subprocess.run(list(cmd), capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(cmd[:4])} ... exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise BenchError(f"no result line from {' '.join(cmd[:4])} ...:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def emit(value: Any) -> None:
    """Print a child's result line."""
    sys.stdout.write(f"\n{MARKER}{json.dumps(value)}\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> int | None:
    try:
        match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(match.group(1)) * 1024 if match else None


def _git_commit() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:  # read-only
        out = subprocess.run([git, "rev-parse", "HEAD"], capture_output=True, text=True, cwd=REPO, check=False)
    except OSError:
        return None
    return out.stdout.strip() or None


def machine_info() -> dict[str, Any]:
    """What the figures were measured on: CPU, memory, OS, Python and library versions."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "cpu_model": _cpu_model(),
        "memory_bytes": _memory_total(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "executable": sys.executable,
        "versions": versions,
        "git_commit": _git_commit(),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
