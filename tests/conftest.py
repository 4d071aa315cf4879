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
    """A throwaway copy of the build's inputs (raw/, pyproject.toml, the lock, the card, the licence)."""
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    (tmp_path / "docs").mkdir()
    for name in ("pyproject.toml", "build-lock.txt", "LICENSE-DATA", "docs/dataset-card.md"):
        shutil.copy2(REPO / name, tmp_path / name)
    return tmp_path
