"""The command line keeps to its width and to its exit codes, refusal by refusal.

Widths: every command that takes ``--width`` is run at the narrowest widths offered, and
no line may be longer; what the lines say is checked against ``raw/*.csv`` (tests/oracle.py),
so a layout that fits by dropping the row counts does not pass. Exit codes are observed
from real processes: 0 success, 1 a data check failed, 2 wrong usage.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzdata._cli import main
from tests import oracle
from tests.conftest import REPO

WIDTHS = [20, 30, 34, 45]
COMMANDS = [
    ["info"],
    ["info", "--validate"],
    ["validate"],
    ["describe", "discrepancy_claims"],
    ["describe", "indicator_values", "--max-colwidth", "200"],
    ["show", "events", "--limit", "3"],
    ["show", "discrepancy_claims", "--limit", "2", "--max-colwidth", "80"],
]


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_line_is_wider_than_the_width(command: list[str], width: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--width", str(width)]) == 0
    out = capsys.readouterr().out
    # the fingerprint is never broken across lines (README): on a narrower terminal it stands alone, wider
    too_wide = [line for line in out.splitlines() if len(line) > width and not line.startswith("sha256:")]
    assert not too_wide, f"{len(too_wide)} line(s) over {width}: {too_wide[:3]}"


@pytest.mark.parametrize("width", WIDTHS)
def test_info_at_any_width_still_gives_every_table_and_its_rows(width: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--width", str(width)]) == 0
    words = capsys.readouterr().out.split()
    said = {tuple(words[i : i + 3]) for i in range(len(words))}
    for name in oracle.TABLE_ORDER:
        assert (name, str(len(oracle.rows(name))), "rows") in said, name


def test_show_says_how_many_rows_are_left_at_a_narrow_width(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "sentences", "--limit", "2", "--width", "20"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"... {len(oracle.rows('sentences')) - 2} more rows (use --limit N or --limit all to see more)" in out


# --------------------------------------------------------------------------- exit codes, from real processes


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kzdata", *args], capture_output=True, text=True, check=False)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["changes", "--since", "nope"], "MAJOR.MINOR.PATCH"),
        (["cite", "changes"], "cites no sources"),
        (["describe", "nope"], "invalid choice"),
        (["info", "--width", "19"], "too narrow"),
        (["export", "--out", "x", "--format", "zip"], "invalid choice"),
        (["release", "--root", "/nonexistent/kzdata"], "no pyproject.toml"),
    ],
    ids=["bad-version", "cite-the-log", "unknown-table", "too-narrow", "unknown-format", "release-outside-a-checkout"],
)
def test_wrong_usage_exits_2(args: list[str], said: str) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_a_damaged_release_makes_verify_exit_1(tmp_path: Path) -> None:
    copy = tmp_path / "kzdata" / "data"
    shutil.copytree(REPO / "kzdata" / "data", copy, ignore=shutil.ignore_patterns("__pycache__"))
    people = copy / "csv" / "people.csv"
    people.write_bytes(people.read_bytes().replace(b"a", b"o", 1))
    code = (
        "import sys\nfrom pathlib import Path\nimport kzdata._files as files\n"
        "files.locate = lambda: Path(sys.argv[1])\nfrom kzdata._cli import main\nsys.exit(main(['verify']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(copy)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "csv/people.csv: sha256 differs" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_bad_raw_cell_makes_build_exit_1(project_copy: Path) -> None:
    events = project_copy / "raw" / "events.csv"
    lines = events.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",range,", ",fortnight,", 1).replace(",day,", ",fortnight,", 1)
    assert ",fortnight," in lines[1]
    events.write_text("\n".join(lines), encoding="utf-8")
    result = run("build", "--root", str(project_copy))
    assert result.returncode == 1
    assert "raw/events.csv, line 2, column 'date_precision': value 'fortnight'" in result.stderr
    assert not (project_copy / "kzdata").exists()
