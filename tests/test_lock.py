"""The build is locked, the install is not (issue 14).

Oracles: the committed Parquet files themselves (they record their writers), the text of
``build-lock.txt`` and ``pyproject.toml``, the README's table of supported versions, and
hand-written version strings.
"""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import tomllib

from kzdata._cli import main
from kzdata._pipeline.build import build
from kzdata._registry import TABLE_NAMES
from kzdata.errors import InvalidArgumentError
from tests.conftest import REPO

LOCK = REPO / "build-lock.txt"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
MARK = "kzdata:unlocked-build"


def locked() -> dict[str, str]:
    pins = (line.split("==") for line in LOCK.read_text(encoding="utf-8").splitlines() if "==" in line)
    return {name.strip(): version.strip() for name, version in pins}


def relock(root: Path, package: str, version: str) -> None:
    lock = root / "build-lock.txt"
    text = re.sub(rf"(?m)^{package}==.*$", f"{package}=={version}", lock.read_text(encoding="utf-8"))
    lock.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- the install is not


def test_runtime_requirements_are_ranges_not_pins() -> None:
    runtime = PYPROJECT["project"]["dependencies"] + [
        req for name, reqs in PYPROJECT["project"]["optional-dependencies"].items() if name != "test" for req in reqs
    ]
    assert runtime, "no runtime requirements found"
    for req in runtime:
        assert "==" not in req and ">=" in req, req


def test_no_extra_that_nothing_uses() -> None:
    assert set(PYPROJECT["project"]["optional-dependencies"]) == {"polars", "sql", "plot", "excel", "web", "test"}


def test_readme_floors_are_the_declared_floors_and_the_oldest_matrix_leg() -> None:
    """README's table, pyproject.toml and the matrix's oldest leg name the same floors."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"(?m)^\| (\w+)(?: \(`kzdata\[\w+\]`\))? \| ([\d.]+) \| [\d.]+ \|$", readme))
    assert table == {
        "Python": "3.10",
        "pandas": "2.1.1",
        "pyarrow": "13.0.0",
        "pandera": "0.24.0",
        "polars": "1.0.0",
        "duckdb": "1.1.0",
    }
    assert PYPROJECT["project"]["requires-python"] == f">={table['Python']}"
    declared = dict(
        req.split(">=")
        for reqs in (PYPROJECT["project"]["dependencies"], *PYPROJECT["project"]["optional-dependencies"].values())
        for req in reqs
        if ">=" in req
    )
    matrix = runpy.run_path(str(REPO / "scripts" / "compat_matrix.py"))
    oldest = next(leg for leg in matrix["LEGS"] if leg.name == "oldest")
    assert oldest.python.startswith(table["Python"] + ".")
    preinstalled = dict(req.split("==") for req in oldest.preinstalled)
    for package in ("pandas", "pyarrow", "pandera", "polars", "duckdb"):
        assert declared[package] == table[package] == preinstalled[package], package


# --------------------------------------------------------------------------- the build is locked


def test_the_lock_pins_every_writer_exactly() -> None:
    pins = locked()
    for package in ("numpy", "pandas", "pandera", "pyarrow"):
        assert re.fullmatch(r"\d+(\.\d+)+", pins[package]), package


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_the_committed_parquet_files_were_written_by_the_locked_versions(name: str) -> None:
    meta = pq.ParquetFile(REPO / "kzdata" / "data" / f"{name}.parquet").metadata
    pins = locked()
    assert meta.created_by == f"parquet-cpp-arrow version {pins['pyarrow']}"
    pandas_meta = json.loads(meta.metadata[b"pandas"])
    assert pandas_meta["pandas_version"] == pins["pandas"]


def test_the_committed_release_is_not_marked_unlocked() -> None:
    for descriptor in (REPO / "datapackage.json", REPO / "kzdata" / "data" / "datapackage.json"):
        assert MARK not in json.loads(descriptor.read_text(encoding="utf-8"))


def test_the_test_environment_is_the_locked_one() -> None:
    """The freshness tests compare a rebuild with the committed bytes: they need the lock."""
    pins = locked()
    for package in ("numpy", "pandas", "pandera", "pyarrow"):
        assert metadata.version(package) == pins[package], 'run: pip install -c build-lock.txt -e ".[test]"'


def test_a_build_outside_the_lock_is_refused_and_writes_nothing(project_copy: Path) -> None:
    relock(project_copy, "pandas", "2.2.3")
    with pytest.raises(InvalidArgumentError) as info:
        build(project_copy)
    message = str(info.value)
    assert f"pandas {metadata.version('pandas')} installed, 2.2.3 locked" in message
    assert 'pip install -c build-lock.txt -e ".[test]"' in message
    assert "--unlocked" in message
    assert "pyarrow" not in message.split("differs from the build lock", 1)[1].split(".", 1)[0]
    assert not (project_copy / "kzdata").exists()
    assert not (project_copy / "datapackage.json").exists()


def test_a_missing_lock_is_refused(project_copy: Path) -> None:
    (project_copy / "build-lock.txt").unlink()
    with pytest.raises(InvalidArgumentError, match=r"there is no build-lock\.txt") as info:
        build(project_copy)
    assert f"pandas {metadata.version('pandas')} installed, no version locked" in str(info.value)


@pytest.mark.slow
def test_an_unlocked_build_is_marked_as_not_the_release(project_copy: Path) -> None:
    relock(project_copy, "pyarrow", "18.1.0")
    build(project_copy, unlocked=True)
    for descriptor in (project_copy / "datapackage.json", project_copy / "kzdata" / "data" / "datapackage.json"):
        mark = json.loads(descriptor.read_text(encoding="utf-8"))[MARK]
        assert mark == {"pyarrow": {"installed": metadata.version("pyarrow"), "locked": "18.1.0"}}


@pytest.mark.slow
def test_a_locked_build_writes_no_mark(project_copy: Path) -> None:
    build(project_copy, unlocked=True)  # nothing differs: --unlocked changes nothing
    assert MARK not in json.loads((project_copy / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_cli_refuses_with_exit_2_and_builds_with_unlocked(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relock(project_copy, "numpy", "1.26.4")
    assert main(["build", "--root", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert f"numpy {metadata.version('numpy')} installed, 1.26.4 locked" in err
    assert "Traceback" not in err
    assert main(["build", "--root", str(project_copy), "--unlocked"]) == 0
    assert "NOT the release bytes" in capsys.readouterr().out


# --------------------------------------------------------------------------- Python 3.10 at runtime


@pytest.mark.slow  # Python 3.10 compatibility: loads every table in a fresh interpreter
def test_the_runtime_never_imports_tomllib() -> None:
    """tomllib is 3.11+; loading, validate and verify must work on the declared floor, 3.10."""
    code = (
        "import sys, kzdata\n"
        "for t in kzdata.tables(): kzdata.load(t)\n"
        "kzdata.validate(); kzdata.verify()\n"
        "print('tomllib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow  # Python 3.10 compatibility, in a fresh interpreter
def test_without_tomllib_the_build_says_it_needs_python_3_11(project_copy: Path) -> None:
    code = "import sys; sys.modules['tomllib'] = None\nfrom kzdata._cli import main\nsys.exit(main(sys.argv[1:]))\n"
    result = subprocess.run(
        [sys.executable, "-c", code, "build", "--root", str(project_copy)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "needs Python 3.11 or later" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project_copy / "kzdata").exists()
