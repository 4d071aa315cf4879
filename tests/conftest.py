"""Shared fixtures. Paths come from this file's location, never from the working directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The root of the source checkout."""
    return REPO


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project's raw/ and pyproject.toml to build in."""
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path
