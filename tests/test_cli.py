"""The command line: thin, readable at any width, with exit codes scripts can rely on.

Expected rows, counts and names come from raw/*.csv (tests/oracle.py) or are written
out by hand; exit codes are observed from real processes, not read off constants.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from kzdata import _cli as cli
from kzdata._cli import main
from tests import oracle

VERSION = tomllib.loads((oracle.REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "kzdata", *args], capture_output=True, text=True, check=False, env=environment
    )


def test_info_lists_every_table_with_its_raw_row_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--width", "100"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"kzdata {VERSION}: ")
    for name in oracle.TABLE_ORDER:
        assert f"  {name:<18}  {len(oracle.rows(name)):>5} rows  " in out
    assert oracle.release_fingerprint(oracle.REPO / "kzdata" / "data") in out


#: The table with the most columns, the hardest to fit in 80: the one of the sweep that stays in the inner loop.
WIDEST = max(oracle.TABLE_ORDER, key=lambda t: len(oracle.header(t)))


@pytest.mark.parametrize(
    "table", [t if t == WIDEST else pytest.param(t, marks=pytest.mark.slow) for t in oracle.TABLE_ORDER]
)
def test_columns_80_show_prints_no_line_over_80(table: str) -> None:
    result = run("show", table, "--limit", "all", COLUMNS="80")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert sum(1 for line in lines if line.startswith(oracle.rows(table)[0][oracle.key(table)][:20])) >= 1


@pytest.mark.slow
def test_width_option_wins_over_columns_and_every_row_is_shown() -> None:
    result = run("show", "events", "--limit", "all", "--width", "60", "--columns", "event_id,date_start", COLUMNS="200")
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert lines[0].split() == ["event_id", "date_start"]
    assert len(lines) == 1 + len(oracle.rows("events"))
    assert {line.split()[1] for line in lines[1:]} == {r["date_start"] for r in oracle.rows("events")}


def test_show_limits_rows_and_says_how_many_are_left(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "sentences", "--limit", "2", "--columns", "sentence_id,person_id", "--width", "80"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 2 + 1
    assert lines[-1] == f"... {len(oracle.rows('sentences')) - 2} more rows (use --limit N or --limit all to see more)"


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["show", "events", "--limit", "-1"],
        ["show", "events", "--limit", "0"],
        ["show", "events", "--limit", "many"],
        ["show", "events", "--max-colwidth", "-3"],
        ["show", "events", "--width", "5"],
        ["show", "events", "--columns", "event_id,nope"],
        ["show", "nope"],
        ["describe", "events", "--max-colwidth", "0"],
        ["cite", "--style", "apa"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_2_with_a_message_and_no_traceback(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert result.stderr.strip() and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"kzdata {VERSION}\n")


@pytest.mark.slow
def test_describe_is_as_complete_as_the_dictionary() -> None:
    out = run("describe", "sentences", COLUMNS="80").stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.startswith("sentences: Court sentences. One row: One conviction")
    # written out by hand from docs/data-dictionary.md
    assert "person_id: string, required, references people.person_id\n" in out
    assert "prison_years: Int64, may be empty, from 0 to 100\n" in out
    assert "verdict_precision: category, may be empty, one of: day, month, year, range\n" in out
    assert "sentence_id: string, required, unique\n" in out
    with (oracle.REPO / "kzdata" / "data" / "csv" / "sentences.csv").open(encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    blocks = out.split("\n\n")[1:]  # the first block is the table's header and notes
    assert [block.split(":")[0] for block in blocks] == header


@pytest.mark.slow
def test_validate_prints_one_line_per_table_with_raw_row_counts() -> None:
    result = run("validate", COLUMNS="80")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["table", "rows", "failures"]
    assert [line.split() for line in lines[1:-1]] == [[t, str(len(oracle.rows(t))), "0"] for t in oracle.TABLE_ORDER]
    total = sum(len(oracle.rows(t)) for t in oracle.TABLE_ORDER)
    assert lines[-1] == f"20 tables, {total} rows: all schema and cross-table checks passed"
    assert result.stderr == "", "no progress text when stderr is not a terminal"


def test_progress_shows_on_a_terminal_and_is_erased(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    monkeypatch.setattr(sys, "stderr", stream)
    with cli._progress("validating"):
        assert stream.getvalue() == "validating ..."
    assert stream.getvalue().endswith("\r\033[K")


@pytest.mark.slow  # the whole validation again, in a fresh interpreter (the test above runs it once)
def test_info_validate_exit_code_and_summary() -> None:
    result = run("info", "--validate", COLUMNS="80")
    assert result.returncode == 0
    assert "all schema and cross-table checks passed" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@pytest.mark.slow
def test_verify_and_cite_show_the_fingerprint() -> None:
    fingerprint = oracle.release_fingerprint(oracle.REPO / "kzdata" / "data")
    result = run("verify")
    assert result.returncode == 0
    assert f"content fingerprint {fingerprint} matches the files" in result.stdout
    cite = run("cite")
    assert f"(Version {VERSION})" in cite.stdout and fingerprint in cite.stdout
    bib = run("cite", "--style", "bibtex")
    assert bib.stdout.startswith(f"@misc{{kzdata_{VERSION.replace('.', '_')},")


@pytest.mark.slow
def test_cite_events_lists_every_source_the_events_cite() -> None:
    result = run("cite", "events", "--style", "bibtex")
    keys = [line[len("@misc{") : -1] for line in result.stdout.splitlines() if line.startswith("@misc{")]
    assert keys[0] == f"kzdata_{VERSION.replace('.', '_')}", "the dataset citation comes first"
    assert set(keys[1:]) == oracle.sources_behind("events", {r["event_id"] for r in oracle.rows("events")})


@pytest.mark.slow
def test_export_problems_exit_2_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("keep", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for out, message in (
        (tmp_path / "used", "not an empty directory"),
        (tmp_path / "file" / "below", "not below a file"),
        (tmp_path / "dangling", "does not exist"),
    ):
        result = run("export", "--out", str(out), "--format", "csv")
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "used" / "x").read_text(encoding="utf-8") == "keep"


def test_an_os_error_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(out: object, format: object) -> list[Path]:
        raise OSError(28, "No space left on device", "/full/disk")

    monkeypatch.setattr("kzdata._exporting.export", fail)
    assert main(["export", "--out", "/full/disk"]) == 2
    assert capsys.readouterr().err == "kzdata export: No space left on device (/full/disk)\n"


@pytest.mark.slow
@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": ""}])
def test_a_non_utf8_terminal_gets_replacement_characters_not_a_traceback(env: dict[str, str]) -> None:
    result = run("show", "people", "--limit", "all", "--columns", "person_id,name", **env)
    assert result.returncode == 0, result.stderr
    names = {r["name"] for r in oracle.rows("people")}
    assert any(not n.isascii() for n in names), "the test needs a non-ASCII name"
    assert len(result.stdout.splitlines()) == 1 + len(names)


@pytest.mark.slow
def test_exit_codes_seen_by_a_script(tmp_path: Path) -> None:
    assert run("verify").returncode == 0
    assert run("show", "nope").returncode == 2
    assert run("build", "--root", str(tmp_path)).returncode == 2
    assert "Exit codes: 0 success; 1 a data check failed; 2 wrong usage" in run("--help").stdout


def test_changes_counts_per_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["changes"]) == 0
    out = capsys.readouterr().out
    added = sum(1 for r in oracle.rows("changes") if r["change"] == "added" and r["version"] == VERSION)
    assert [VERSION, "added", str(added)] in [line.split() for line in out.splitlines()]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "events", "--columns", "event_id,event_id"], "'event_id' given more than once"),
        (["show", "events", "--columns", ","], "names no column"),
        (["serve", "--port", "99999"], "is not a port"),
        (["serve", "--port", "-1"], "is not a port"),
    ],
    ids=["repeated-column", "no-column", "port-too-high", "port-negative"],
)
def test_bad_arguments_found_by_the_adversarial_pass_exit_2_without_traceback(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse reports bad types itself, with exit 2
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
