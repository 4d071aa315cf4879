"""The build lock: the exact writer versions a release's bytes come from.

Users install kzdata with version *ranges* (``pyproject.toml``): any tested pandas,
pyarrow and pandera loads the same frames. The *build* is different: a Parquet file
records the pyarrow version that wrote it and the pandas version in its pandas
metadata, and numpy/pandas/pandera decide what the build reads and accepts, so the
release's bytes (and the hashes that ``kzdata verify`` and every load check) are
reproducible only with the exact versions they were made with. Those versions live
in ``build-lock.txt`` at the root of the checkout, a pip constraints file:

    pip install -c build-lock.txt -e ".[test]"

installs the locked versions into a development environment (a constraints file
needs nothing but pip, and pins only the packages it names, so the test tools keep
their own pins). ``kzdata build`` calls :func:`check` first; when an installed writer
differs from the lock it refuses, naming each package with its installed and locked
versions and the command above. ``kzdata build --unlocked`` builds anyway and marks
the descriptor with :data:`MARK` (the mismatches it was built with), so nobody takes
such output for the release's bytes; a locked build never writes that property.

This module needs only the standard library (``importlib.metadata``); it does not
import the packages it checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kzdata.errors import InvalidArgumentError

#: The lock file, relative to the root of a source checkout.
LOCK_FILE = "build-lock.txt"

#: The packages whose versions decide the output bytes or which rows the build accepts.
WRITERS = ("numpy", "pandas", "pandera", "pyarrow")

#: The ``datapackage.json`` property that marks output built outside the lock.
MARK = "kzdata:unlocked-build"

INSTALL = f'pip install -c {LOCK_FILE} -e ".[test]"'

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


@dataclass(frozen=True)
class Mismatch:
    """A writer whose installed version differs from the locked one (``None``: not installed)."""

    package: str
    installed: str | None
    locked: str | None

    def __str__(self) -> str:
        installed = f"{self.installed} installed" if self.installed else "not installed"
        locked = f"{self.locked} locked" if self.locked else "no version locked"
        return f"{self.package} {installed}, {locked}"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, str]:
    """The ``name==version`` pins of a constraints file, by canonical package name."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[_canonical(match.group(1))] = match.group(2)
    return pins


def installed_version(package: str) -> str | None:
    """The installed version of ``package``, or ``None``."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def mismatches(root: Path) -> list[Mismatch]:
    """Every writer whose installed version is not the one ``root/build-lock.txt`` pins."""
    lock = root / LOCK_FILE
    if not lock.is_file():
        return [Mismatch(name, installed_version(name), None) for name in WRITERS]
    pins = read_lock(lock)
    found = [Mismatch(name, installed_version(name), pins.get(name)) for name in WRITERS]
    return [m for m in found if m.installed != m.locked]


def check(root: Path, *, unlocked: bool = False) -> dict[str, Any]:
    """Refuse a build whose writers differ from the lock, unless ``unlocked``.

    Returns the properties to add to ``datapackage.json``: none for a locked build,
    :data:`MARK` with the mismatches for an unlocked one that differs.
    """
    found = mismatches(root)
    if not found:
        return {}
    if unlocked:
        return {MARK: {m.package: {"installed": m.installed, "locked": m.locked} for m in found}}
    lines = "; ".join(str(m) for m in found)
    where = "" if (root / LOCK_FILE).is_file() else f" (there is no {LOCK_FILE} in {root})"
    raise InvalidArgumentError(
        f"the build environment differs from the build lock{where}: {lines}. "
        "The release's bytes come only from the locked versions, so nothing was written. "
        f"Install them with `{INSTALL}` and run `kzdata build` again, or run "
        f"`kzdata build --unlocked` to build anyway (datapackage.json is then marked {MARK!r}: "
        "not the release bytes)."
    )
