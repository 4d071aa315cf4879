"""The command line: thin, helpful, with exit codes scripts can rely on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kzdata.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, main


def test_info_lists_every_table_with_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("kzdata ")
    for name in ("events", "sentences", "indicator_values", "discrepancies"):
        assert f"  {name} " in out


def test_show_prints_rows_and_limits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "sentences", "--limit", "2"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "prison_years" in out
    assert "more rows (use --limit N to see more)" in out


def test_unknown_table_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["show", "nope"])
    assert info.value.code == EXIT_USAGE
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_validate_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == EXIT_OK
    assert "all schema and cross-table checks passed" in capsys.readouterr().out


def test_build_outside_a_checkout_is_a_usage_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert main(["build", "--root", str(tmp_path)]) == EXIT_USAGE
    assert "no pyproject.toml" in capsys.readouterr().err


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "kzdata", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "Exit codes" in result.stdout


def test_exit_code_constants() -> None:
    assert (EXIT_OK, EXIT_DATA, EXIT_USAGE) == (0, 1, 2)


def test_describe_prints_the_dictionary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "sentences"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("sentences: Court sentences. One row: One conviction")
    assert "prison_years" in out and "Int64" in out


def test_verify_and_cite(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == EXIT_OK
    assert "data files match datapackage.json" in capsys.readouterr().out
    assert main(["cite", "--style", "bibtex"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("@misc{kzdata_")
    assert main(["cite", "sentences"]) == EXIT_OK
    assert "Cornell" in capsys.readouterr().out


def test_export_into_a_used_directory_is_a_usage_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x").write_text("keep", encoding="utf-8")
    assert main(["export", "--out", str(tmp_path)]) == EXIT_USAGE
    assert "not an empty directory" in capsys.readouterr().err


def test_changes_counts_per_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["changes"]) == EXIT_OK
    assert "added" in capsys.readouterr().out
