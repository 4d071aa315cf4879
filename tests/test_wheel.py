"""The wheel ships the data, and an installed wheel loads it outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kzdata._registry import TABLE_NAMES
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # pip builds a wheel, `build` an sdist, and a fresh interpreter imports the wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("kzdata-*.whl")
    return found


def test_wheel_contains_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in TABLE_NAMES:
        assert f"kzdata/data/{table}.parquet" in names
        assert f"kzdata/data/csv/{table}.csv" in names
    assert "kzdata/data/datapackage.json" in names
    assert "kzdata/data/croissant.json" in names
    assert "kzdata/_formats/datasette.py" in names
    assert "kzdata/py.typed" in names
    # the reader's site of kzdata serve: its templates and its plugin (docs/publishing.md)
    templates = {f"kzdata/_site/templates/{p.name}" for p in (REPO / "kzdata" / "_site" / "templates").glob("*.html")}
    assert templates and templates | {"kzdata/_site/plugin.py"} <= names
    # The document skeletons verify-sources reads (docs/anchors.md), one per primary document.
    assert {"kzdata/_skeletons/cornell-2024.csv", "kzdata/_skeletons/crs-2022.csv"} <= names
    # The history store of past releases (kzdata.load(name, version=...), README "Past releases").
    assert "kzdata/_history/releases.json" in names
    assert "kzdata/_history/events.parquet" in names
    assert "kzdata/_history_record.py" in names


def test_installed_wheel_loads_every_table_outside_the_tree(wheel: Path, tmp_path: Path) -> None:
    """Unpack the wheel as an installer would and import it from there, not from the checkout.

    The dependencies come from the running environment; CI also installs the wheel
    with its dependencies into a fresh virtual environment (see .ci/run).
    """
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import kzdata\n"
        "assert kzdata.__file__.startswith(sys.argv[1]), kzdata.__file__\n"
        "assert str(kzdata.path('events')).startswith(sys.argv[1])\n"
        "print(sum(len(kzdata.load(n)) for n in kzdata.tables()))\n"
        "assert len(kzdata.load('events', version='0.2.0')) > 0\n"  # the history store, outside the tree
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(site)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100


def test_sdist_ships_the_data_and_what_rebuilds_it(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "-o", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (sdist,) = tmp_path.glob("kzdata-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    for table in TABLE_NAMES:
        assert f"kzdata/data/{table}.parquet" in names
        assert f"raw/{table}.csv" in names
    assert {
        "kzdata/data/datapackage.json",
        "datapackage.json",
        "CITATION.cff",
        "LICENSE-DATA",
        "build-lock.txt",
    } <= names
    assert {"kzdata/data/croissant.json", "croissant.json"} <= names
    assert {"kzdata/_skeletons/cornell-2024.csv", "kzdata/_skeletons/crs-2022.csv"} <= names
    assert "tests/test_facts.py" in names
    # The build reconciles raw/ with the change log against the stored last release.
    assert {"kzdata/_history/releases.json", "kzdata/_history/events.parquet", "kzdata/_history_record.py"} <= names
