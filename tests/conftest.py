"""Shared fixtures. Paths come from this file's location, never from the working directory.

Two writable copies, so that no test ever changes the checkout:

* ``project_copy``: the build's inputs (``raw/`` and the files the build reads), for
  tests that run :func:`kzdata._pipeline.build.build` on damaged or extended raw data;
* ``release_copy``: the shipped data folder (``kzdata/data``), with kzdata pointed at
  it, for tests that damage or edit the release a reader sees.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: The files besides raw/ that a build reads from the project root (the first is required).
BUILD_INPUTS = ("pyproject.toml", "build-lock.txt", "LICENSE-DATA", "docs/dataset-card.md")


@pytest.fixture(scope="session")
def repo() -> Path:
    """The root of the source checkout."""
    return REPO


def copy_build_inputs(dest: Path, src: Path = REPO) -> Path:
    """Copy the build's inputs of the project ``src`` into ``dest``: raw/, pyproject.toml, the lock, licence, card.

    The files after pyproject.toml are copied when ``src`` has them (another project
    given by ``KZDATA_TEST_RAW_ROOT`` may not). Returns ``dest``.
    """
    shutil.copytree(src / "raw", dest / "raw")
    for name in BUILD_INPUTS:
        if name == BUILD_INPUTS[0] or (src / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, dest / name)
    return dest


#: Names another project (a directory holding raw/ and pyproject.toml) for the mutation and round-trip suites.
RAW_ROOT_ENV = "KZDATA_TEST_RAW_ROOT"


def source_root() -> Path:
    """The project whose raw/ the mutation and round-trip suites use: this checkout, unless RAW_ROOT_ENV names one."""
    return Path(os.environ.get(RAW_ROOT_ENV) or REPO).resolve()


def copy_source_project(dest: Path) -> Path:
    """Copy the build's inputs of :func:`source_root` into ``dest`` (failing clearly when it has no raw/*.csv)."""
    src = source_root()
    if not any((src / "raw").glob("*.csv")):
        pytest.fail(f"no raw/*.csv in {src}; set {RAW_ROOT_ENV} to a project with a raw/ directory", pytrace=False)
    return copy_build_inputs(dest, src)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the build's inputs (raw/, pyproject.toml, the lock, the card, the licence)."""
    return copy_build_inputs(tmp_path)


def point_kzdata_at(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every reader of kzdata read the data folder ``folder`` for the rest of the test."""
    from kzdata import _files

    monkeypatch.setattr(_files, "locate", lambda: folder)


@pytest.fixture
def release_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the shipped data folder that kzdata reads instead of the real one.

    The copy is ``tmp_path/kzdata/data``, laid out as in a checkout (so ``tmp_path`` is
    its project root); ``__pycache__`` is left out. Returns the copy's path.
    """
    from kzdata import _files

    copy = tmp_path / "kzdata" / _files.DATA_FOLDER
    shutil.copytree(_files.data_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    point_kzdata_at(copy, monkeypatch)
    assert _files.data_dir() == copy
    return copy
