"""The README's one-command-per-reader section: every command it shows is one the CLI accepts."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from kzdata._cli import parser
from tests.conftest import REPO

SECTION = (REPO / "README.md").read_text(encoding="utf-8").split("## One command for each reader")[1].split("\n## ")[0]
COMMANDS = re.findall(r"```bash\n(.*?)\n```", SECTION, flags=re.S)


def test_the_section_shows_one_command_per_reader() -> None:
    assert len(COMMANDS) == 3
    assert "kzdata serve" in COMMANDS[1] and "--format stata" in COMMANDS[2]


def test_every_kzdata_command_parses() -> None:
    for line in COMMANDS:
        for part in line.split("&&"):
            words = shlex.split(part)
            if words[0] == "kzdata":
                parser().parse_args(words[1:])


@pytest.mark.slow
def test_the_analysts_command_prints_the_timeline() -> None:
    words = shlex.split(COMMANDS[0].split("&&")[1])
    assert words[:2] == ["python", "-c"]
    out = subprocess.run([sys.executable, "-c", words[2]], capture_output=True, text=True, check=True).stdout
    assert "date_start" in out and "2022-01-19" in out
