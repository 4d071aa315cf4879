"""Open cases of the adversarial passes of issue 18, and the helpers their tests share.

Every case of the second pass is fixed and lives in ``tests/test_attack_fixed.py``. An open
case goes here, marked ``xfail`` (not strict, so a case that starts to pass shows as XPASS
rather than breaking CI) and ``slow``, with a docstring naming the broken promise and where
it is written; fixing it moves the test to the test module of the code it fixes. No test
edits the checkout: damage happens in a temporary copy of the tracked files (``git
ls-files``), run with ``PYTHONPATH=<copy>`` and cwd ``<copy>``, or in an export written to
``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xfail(
        reason="found by the adversarial pass of issue 18; not fixed yet (docs/testing.md)", strict=False
    ),
]

# --------------------------------------------------------------------------- helpers


def checkout_copy(dest: Path) -> Path:
    """Copy every tracked file of the checkout into ``dest`` (the copy is a whole source checkout)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for raw_name in names:
        if not raw_name:
            continue
        name = raw_name.decode()
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, dest / name)
    return dest


def run_kzdata(copy: Path, *args: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess[str]:
    """``python -m kzdata ARGS`` against the copy (its code and its data)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(kwargs.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "kzdata", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
