"""The build lock refuses a writer that differs at any level, and ``--unlocked`` marks what it builds.

Oracles: the installed versions as ``importlib.metadata`` reports them, and lock files
written here by hand, one number changed: the major, the minor or the patch level. The
release's bytes depend on the exact writer (pyarrow records its version in every Parquet
file), so a patch-level difference is as much a different build as a major one.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest

from kzdata._cli import main
from kzdata._pipeline.build import build
from kzdata.errors import InvalidArgumentError

MARK = "kzdata:unlocked-build"
WRITERS = ("numpy", "pandas", "pandera", "pyarrow")


def bumped(version: str, level: str) -> str:
    """``version`` with one of its first three numbers raised by one: 3.1.1 -> 4.1.1, 3.2.1, 3.1.2."""
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]]
    parts += [0] * (3 - len(parts))
    parts[("major", "minor", "patch").index(level)] += 1
    return ".".join(map(str, parts))


def test_bumped() -> None:
    assert [bumped("3.1.1", level) for level in ("major", "minor", "patch")] == ["4.1.1", "3.2.1", "3.1.2"]
    assert bumped("2.4", "patch") == "2.4.1"


def relock(root: Path, package: str, version: str | None) -> None:
    """Pin ``package`` at ``version`` in the project's lock, or drop its pin (None)."""
    lock = root / "build-lock.txt"
    lines = lock.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(f"{package}==")]
    assert len(kept) == len(lines) - 1, f"build-lock.txt pins {package} once"
    if version is not None:
        kept.append(f"{package}=={version}")
    lock.write_text("\n".join(kept) + "\n", encoding="utf-8")


def nothing_written(root: Path) -> bool:
    return not (root / "kzdata").exists() and not (root / "datapackage.json").exists()


@pytest.mark.parametrize("level", ["major", "minor", "patch"])
@pytest.mark.parametrize("package", WRITERS)
def test_a_writer_differing_at_any_level_is_refused(project_copy: Path, package: str, level: str) -> None:
    installed = metadata.version(package)
    locked = bumped(installed, level)
    relock(project_copy, package, locked)
    with pytest.raises(InvalidArgumentError) as info:
        build(project_copy)
    assert f"{package} {installed} installed, {locked} locked" in str(info.value)
    assert nothing_written(project_copy)


@pytest.mark.parametrize("package", WRITERS)
def test_a_writer_without_a_pin_is_refused(project_copy: Path, package: str) -> None:
    relock(project_copy, package, None)
    with pytest.raises(InvalidArgumentError) as info:
        build(project_copy)
    assert f"{package} {metadata.version(package)} installed, no version locked" in str(info.value)
    assert nothing_written(project_copy)


@pytest.mark.parametrize(
    "damage",
    ["patch", "minor", "major", "no-pin", "no-lock-file"],
)
def test_the_command_refuses_with_exit_2(project_copy: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    installed = metadata.version("pyarrow")
    if damage == "no-lock-file":
        (project_copy / "build-lock.txt").unlink()
        said = f"pyarrow {installed} installed, no version locked"
    elif damage == "no-pin":
        relock(project_copy, "pyarrow", None)
        said = f"pyarrow {installed} installed, no version locked"
    else:
        relock(project_copy, "pyarrow", bumped(installed, damage))
        said = f"pyarrow {installed} installed, {bumped(installed, damage)} locked"
    assert main(["build", "--root", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert said in err and "--unlocked" in err and "Traceback" not in err
    assert nothing_written(project_copy)


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["patch", "no-pin"])
def test_unlocked_builds_and_marks_a_patch_level_or_unpinned_difference(
    project_copy: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = metadata.version("pandas")
    locked = bumped(installed, "patch") if damage == "patch" else None
    relock(project_copy, "pandas", locked)
    assert main(["build", "--root", str(project_copy), "--unlocked"]) == 0
    assert "NOT the release bytes" in capsys.readouterr().out
    for descriptor in (project_copy / "datapackage.json", project_copy / "kzdata" / "data" / "datapackage.json"):
        mark = json.loads(descriptor.read_text(encoding="utf-8"))[MARK]
        assert mark == {"pandas": {"installed": installed, "locked": locked}}
