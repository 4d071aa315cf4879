"""The build lock's reading of ``build-lock.txt`` and its refusal, without building (issue 14).

``tests/test_lock.py`` and ``tests/test_refusals_lock.py`` refuse real builds; these call
:mod:`kzdata._pipeline.writer_lock` directly with lock files written here by hand and the
installed versions replaced by hand-written ones, so every spelling pip accepts in a
constraints file, and every word of the refusal, is checked in milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kzdata._pipeline import writer_lock
from kzdata.errors import InvalidArgumentError

INSTALLED = {"numpy": "2.1.0", "pandas": "2.2.3", "pandera": "0.21.0", "pyarrow": "18.1.0"}
LOCK_TEXT = "numpy==2.1.0\npandas==2.2.3\npandera==0.21.0\npyarrow==18.1.0\n"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The writers' installed versions, as this test says (None: not installed)."""
    versions = dict(INSTALLED)
    monkeypatch.setattr(writer_lock, "installed_version", versions.get)
    return versions


def lock(tmp_path: Path, text: str) -> Path:
    (tmp_path / "build-lock.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_read_lock_takes_name_equals_version_pins_by_canonical_name(tmp_path: Path) -> None:
    root = lock(
        tmp_path,
        "# a comment==1.0\n"
        "  NumPy==2.1.0  \n"
        "Pandas_Stubs==1.2 ; python_version < '3.12'\n"
        "py.arrow==18.1.0# trailing comment\n"
        "pandera>=0.20\n"
        "\n",
    )
    assert writer_lock.read_lock(root / "build-lock.txt") == {
        "numpy": "2.1.0",
        "pandas-stubs": "1.2",
        "py-arrow": "18.1.0",
    }


def test_canonical_names_fold_case_and_runs_of_separators() -> None:
    assert writer_lock._canonical("Zope.Interface__x--Y") == "zope-interface-x-y"


def test_installed_version_of_a_package_that_is_not_installed_is_none() -> None:
    assert writer_lock.installed_version("kzdata-no-such-package-xyz") is None
    assert writer_lock.installed_version("pytest") == pytest.__version__


def test_a_matching_lock_has_no_mismatches(tmp_path: Path, installed: dict[str, str]) -> None:
    root = lock(tmp_path, LOCK_TEXT)
    assert writer_lock.mismatches(root) == []
    assert writer_lock.check(root) == {}
    assert writer_lock.check(root, unlocked=True) == {}


def test_each_difference_is_one_mismatch_in_writer_order(tmp_path: Path, installed: dict[str, str]) -> None:
    root = lock(tmp_path, "pyarrow==18.1.1\nnumpy==2.1.0\npandas==2.2.3\n")
    del installed["numpy"]
    assert writer_lock.mismatches(root) == [
        writer_lock.Mismatch("numpy", None, "2.1.0"),
        writer_lock.Mismatch("pandera", "0.21.0", None),
        writer_lock.Mismatch("pyarrow", "18.1.0", "18.1.1"),
    ]


def test_without_a_lock_file_every_writer_is_a_mismatch(tmp_path: Path, installed: dict[str, str]) -> None:
    assert writer_lock.mismatches(tmp_path) == [writer_lock.Mismatch(n, v, None) for n, v in INSTALLED.items()]


def test_a_mismatch_says_what_is_installed_and_what_is_locked() -> None:
    assert str(writer_lock.Mismatch("pandas", "2.2.3", "2.2.2")) == "pandas 2.2.3 installed, 2.2.2 locked"
    assert str(writer_lock.Mismatch("pandas", None, "2.2.2")) == "pandas not installed, 2.2.2 locked"
    assert str(writer_lock.Mismatch("pandas", "2.2.3", None)) == "pandas 2.2.3 installed, no version locked"


def test_the_refusal_names_every_mismatch_and_both_ways_out(tmp_path: Path, installed: dict[str, str]) -> None:
    root = lock(tmp_path, LOCK_TEXT.replace("2.2.3", "2.2.4").replace("18.1.0", "17.0.0"))
    with pytest.raises(InvalidArgumentError) as info:
        writer_lock.check(root)
    assert str(info.value) == (
        "the build environment differs from the build lock: pandas 2.2.3 installed, 2.2.4 locked; "
        "pyarrow 18.1.0 installed, 17.0.0 locked. The release's bytes come only from the locked versions, "
        'so nothing was written. Install them with `pip install -c build-lock.txt -e ".[test]"` and run '
        "`kzdata build` again, or run `kzdata build --unlocked` to build anyway (datapackage.json is then "
        "marked 'kzdata:unlocked-build': not the release bytes)."
    )


def test_the_refusal_says_when_there_is_no_lock_file(tmp_path: Path, installed: dict[str, str]) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        writer_lock.check(tmp_path)
    assert str(info.value).startswith(
        f"the build environment differs from the build lock (there is no build-lock.txt in {tmp_path}): "
        "numpy 2.1.0 installed, no version locked; pandas"
    )


def test_an_unlocked_build_is_marked_with_each_mismatch(tmp_path: Path, installed: dict[str, str]) -> None:
    root = lock(tmp_path, LOCK_TEXT.replace("0.21.0", "0.20.0"))
    del installed["numpy"]
    assert writer_lock.check(root, unlocked=True) == {
        "kzdata:unlocked-build": {
            "numpy": {"installed": None, "locked": "2.1.0"},
            "pandera": {"installed": "0.21.0", "locked": "0.20.0"},
        }
    }
