"""The recipes of docs/changing.md, followed in a copy of the checkout: nothing else needs editing.

Each test copies the tracked files of the source checkout (``git ls-files``, as they are in
the working tree) to a temporary directory, makes the edits its recipe lists for kzdata and
``raw/``, runs ``python -m kzdata build`` there, and then works with the copy only (``cwd``
and ``PYTHONPATH`` set to it): the build changed only the files docs/changing.md lists as
generated, and the copy's kzdata loads, validates and exports what was added. Then it runs
a registry-driven subset of the copy's own tests: exactly the tests that pin a hand-written
list (an oracle) fail, and all pass once the test updates those lists as the recipe says.
The other oracles the recipe names pin counts that only the full suite checks (verified by
hand for docs/changing.md, not here, to keep each test near a minute).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from kzdata._formats import FORMATS
from kzdata._registry import TABLES
from tests.conftest import REPO

#: Files and folders that tools leave in a checkout and git ignores (.gitignore): not outputs.
IGNORED_PARTS = {".kzdata-build", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}


def _generated_paths() -> set[str]:
    """The generated files, as docs/changing.md lists them (a path ending in ``/`` is a folder).

    Each item of the list under "Generated files" names its paths before any ``:`` or ``(``.
    """
    text = (REPO / "docs" / "changing.md").read_text(encoding="utf-8")
    section = text.split("## Generated files", 1)[1].split("\n## ", 1)[0]
    items = [re.split(r":| \(", line, maxsplit=1)[0] for line in section.splitlines() if line.startswith("- ")]
    return {path for item in items for path in re.findall(r"`([^`]+)`", item)}


def _is_generated(path: str, generated: set[str]) -> bool:
    return any(path == g or (g.endswith("/") and path.startswith(g)) for g in generated)


def _checkout_copy(tmp_path: Path) -> Path:
    """The tracked files of the checkout, as they are in the working tree, copied to ``tmp_path/checkout``."""
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout of kzdata and git")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    copy = tmp_path / "checkout"
    for name in listed.decode("utf-8").split("\0"):
        source = REPO / name
        if name and source.is_file():  # a tracked file deleted in the working tree is left out
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def _digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and not IGNORED_PARTS & set(path.relative_to(root).parts)
    }


def _changed(before: dict[str, str], root: Path) -> set[str]:
    after = _digests(root)
    assert set(before) <= set(after), f"files disappeared: {sorted(set(before) - set(after))}"
    return {name for name, digest in after.items() if before.get(name) != digest}


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in the copy, importing the copy's kzdata and tests."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=600)


def _build(copy: Path) -> subprocess.CompletedProcess[str]:
    # --unlocked: under the lock it builds the same bytes; outside it, it builds anyway (marked).
    return _run(copy, "-m", "kzdata", "build", "--unlocked")


def _pytest(copy: Path, basetemp: Path, *tests: str) -> tuple[int, dict[str, set[str]], str]:
    """Run the copy's own tests; return the exit code, the test ids by outcome and the output's end."""
    args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short", "-rfEp", f"--basetemp={basetemp}")
    proc = _run(copy, *args, *tests)
    outcomes: dict[str, set[str]] = {"PASSED": set(), "FAILED": set(), "ERROR": set()}
    for outcome, test in re.findall(r"^(PASSED|FAILED|ERROR) (\S+)", proc.stdout, flags=re.M):
        outcomes[outcome].add(test)
    return proc.returncode, outcomes, proc.stdout[-6000:] + proc.stderr[-2000:]


def _edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path`` with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: expected {old!r} once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _add_to_list(path: Path, name: str, item: str, *, keep_sorted: bool = False) -> None:
    """Add ``"item",`` to the hand-written list ``NAME = [`` (one item a line) in ``path``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"{name} = [\n") + 1
    end = lines.index("]\n", start)
    items = [*lines[start:end], f'    "{item}",\n']
    lines[start:end] = sorted(items) if keep_sorted else items
    path.write_text("".join(lines), encoding="utf-8")


# --- add a table -------------------------------------------------------------------------

TABLE = "glossary"
TABLE_CONSTANT = """GLOSSARY = Table(
    "glossary",
    "Glossary",
    "One term the sources use, with its meaning in our words.",
    (
        _pk("term_id", "term"),
        Column("term", "text", "The term as the sources write it."),
        Column("definition", "text", "What the term means, in our words."),
        _fk("source_id", "sources.source_id", "The primary document that uses the term."),
    ),
)


"""
TABLE_CSV = (
    "term_id,term,definition,source_id\n"
    "bloody-january,Bloody January,The unrest of January 2022 as the sources call it.,cornell-2024\n"
    "new-kazakhstan,New Kazakhstan,The reform programme announced after the unrest.,cornell-2024\n"
)
TABLE_CITATIONS = (
    # the last three cells are the anchor (span_start, span_end, span_sha256), left empty
    "glossary-bloody-january-1,glossary,bloody-january,cornell-2024,cornell-2024-january-events,1,,,,\n"
    "glossary-new-kazakhstan-1,glossary,new-kazakhstan,cornell-2024,cornell-2024-january-events,1,,,,\n"
)
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
#: Once the release being built is frozen (raw/releases/<version>.csv), each new record is logged as added
#: (the build's reconciliation, docs/versioning.md); before that, `kzdata release` logs them.
TABLE_CHANGES = "".join(
    f"{VERSION.replace('.', '-')}-added-{table}-{record},{VERSION},added,{table.replace('-', '_')},{record},,"
    "first published in this release\n"
    for table, record in (
        ("glossary", "bloody-january"),
        ("glossary", "new-kazakhstan"),
        ("citations", "glossary-bloody-january-1"),
        ("citations", "glossary-new-kazakhstan-1"),
    )
)
TABLE_CHECK = """
import typing
import kzdata

assert "glossary" in kzdata.tables() and "glossary" in typing.get_args(kzdata.TableName)
assert "glossary" in kzdata.__all__
frame = kzdata.glossary()
assert frame.equals(kzdata.load("glossary"))
assert frame["term_id"].tolist() == ["bloody-january", "new-kazakhstan"], frame
assert [str(t) for t in frame.dtypes] == ["string"] * 4
kzdata.schema("glossary").validate(frame, lazy=True)
report = kzdata.validate()
assert report.ok and report.rows["glossary"] == 2, report
assert kzdata.verify().ok
assert "Two years later" in kzdata.cite(frame)
assert "term_id" in kzdata.describe("glossary")["column"].tolist()
print("ok")
"""
#: The registry-driven tests of the copy that the test runs, and the ones among them that pin
#: hand-written lists, which fail until the recipe's last step updates those lists.
TABLE_TESTS = ("tests/test_architecture.py", "tests/test_tables.py", "tests/test_public_api.py", "tests/test_dtypes.py")
TABLE_ORACLE_TESTS = {
    "tests/test_architecture.py::test_the_oracle_names_the_registry_tables",
    "tests/test_public_api.py::test_all_is_pinned",
    "tests/test_dtypes.py::test_the_expectation_covers_every_table",
    "tests/test_tables.py::test_loads_with_the_expected_columns_and_dtypes[glossary]",
}


@pytest.mark.slow
def test_adding_a_table_takes_the_registry_a_raw_csv_and_citations(tmp_path: Path) -> None:
    copy = _checkout_copy(tmp_path)
    before = _digests(copy)

    # Step 1: the Table constant, in TABLES. Without its raw CSV the build names the file and its header.
    registry = copy / "kzdata" / "_registry.py"
    _edit(registry, "TABLES: tuple[Table, ...] = (\n", TABLE_CONSTANT + "TABLES: tuple[Table, ...] = (\n")
    _edit(registry, ')\n"""Every table, in the order', '    GLOSSARY,\n)\n"""Every table, in the order')
    refused = _build(copy)
    assert refused.returncode == 1, refused.stderr
    assert "raw/glossary.csv" in refused.stderr
    assert "create it with the header: term_id,term,definition,source_id" in refused.stderr

    # Step 2: the raw CSV. Its records are uncited: the build refuses each of them.
    (copy / "raw" / f"{TABLE}.csv").write_text(TABLE_CSV, encoding="utf-8")
    refused = _build(copy)
    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.count("every record needs at least one row in citations") == 2, refused.stderr

    # Step 3: a citation per record. Step 4: the build.
    with (copy / "raw" / "citations.csv").open("a", encoding="utf-8", newline="") as out:
        out.write(TABLE_CITATIONS)
    if (copy / "raw" / "releases" / f"{VERSION}.csv").exists():
        with (copy / "raw" / "changes.csv").open("a", encoding="utf-8", newline="") as out:
            out.write(TABLE_CHANGES)
    built = _build(copy)
    assert built.returncode == 0, built.stderr
    assert f"{len(TABLES) + 1} tables" in built.stdout

    edits = {"kzdata/_registry.py", f"raw/{TABLE}.csv", "raw/citations.csv", "raw/changes.csv"}
    changed = _changed(before, copy)
    generated = _generated_paths()
    assert not {p for p in changed - edits if not _is_generated(p, generated)}, "the build wrote a non-generated file"
    # Every generated file but the table of formats names the tables or their data.
    assert {g for g in generated if not any(_is_generated(p, {g}) for p in changed)} == {"docs/formats.md"}
    assert f"kzdata/data/{TABLE}.parquet" in changed and f"kzdata/data/csv/{TABLE}.csv" in changed
    assert f"\n## {TABLE}\n" in (copy / "docs" / "data-dictionary.md").read_text(encoding="utf-8")

    checked = _run(copy, "-c", TABLE_CHECK)
    assert checked.returncode == 0 and checked.stdout == "ok\n", checked.stderr

    # Until step 5, exactly the tests that pin hand-written lists fail ...
    code, tests, output = _pytest(copy, tmp_path / "before", *TABLE_TESTS)
    assert code == 1 and tests["FAILED"] == TABLE_ORACLE_TESTS and not tests["ERROR"], output

    # ... Step 5: the oracles, updated by hand; then the registry-driven tests pass for the new table.
    _add_to_list(copy / "tests" / "oracle.py", "TABLE_ORDER", TABLE)
    _add_to_list(copy / "tests" / "test_public_api.py", "EXPECTED_ALL", TABLE, keep_sorted=True)
    dtypes = copy / "tests" / "expected_dtypes.py"
    text = dtypes.read_text(encoding="utf-8")
    end = text.index('"""', text.index('_COLUMNS = """') + len('_COLUMNS = """'))
    dtypes.write_text(f"{text[:end]}{TABLE}: term_id:s term:s definition:s source_id:s\n{text[end:]}", encoding="utf-8")
    code, tests, output = _pytest(copy, tmp_path / "after", *TABLE_TESTS)
    assert code == 0, output
    for test in (
        "test_loads_with_the_expected_columns_and_dtypes",
        "test_the_schema_accepts_the_table_and_refuses_a_repeated_key",
        "test_foreign_keys_resolve",
    ):
        assert f"tests/test_tables.py::{test}[{TABLE}]" in tests["PASSED"]
    assert f"tests/test_dtypes.py::test_load_gives_the_expected_dtype_for_every_column[{TABLE}]" in tests["PASSED"]


# --- add an export format ----------------------------------------------------------------

FORMAT = "ndjson"
FORMAT_MODULE = '''"""Newline-delimited JSON: one file per table, one JSON object per row, cells as in the CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path

from kzdata import _files
from kzdata._registry import TABLE_NAMES


def write(target: Path, folders: tuple[Path, ...], checked: Mapping[str, bytes]) -> list[Path]:
    """``<folder>/<table>.ndjson`` for every table, from the checked CSV bytes."""
    written = []
    for name in TABLE_NAMES:
        rows = csv.DictReader(io.StringIO(checked[f"{_files.CSV_DIR}/{name}.csv"].decode("utf-8"), newline=""))
        path = folders[0] / f"{name}.ndjson"
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\\n" for row in rows), encoding="utf-8")
        written.append(path)
    return written
'''
FORMAT_ENTRY = (
    '        ExportFormat("ndjson", "one newline-delimited JSON file per table", ("ndjson",), "ndjson:write"),\n'
)
FORMAT_CHECK = """
import typing
import kzdata
from kzdata import _cli

assert "ndjson" in typing.get_args(kzdata.FormatName)
export = next(a for a in _cli.parser()._subparsers._group_actions[0].choices["export"]._actions if a.dest == "format")
assert "ndjson" in export.choices
print("ok")
"""
FORMAT_ORACLE_TESTS = {
    "tests/test_architecture.py::test_the_oracle_names_the_registry_tables",
    "tests/test_architecture.py::test_the_cli_offers_exactly_the_registered_formats",
}
LAYOUT_TEST = "test_every_format_has_the_same_layout_and_carries_licence_citation_and_card"
FORMAT_NAMES = ", ".join(f'"{name}"' for name in FORMATS)
"""The hand-written list of formats in tests/test_architecture.py and tests/test_exporting.py, as they write it."""


@pytest.mark.slow
def test_adding_an_export_format_takes_one_module_and_one_registry_entry(tmp_path: Path) -> None:
    copy = _checkout_copy(tmp_path)
    before = _digests(copy)

    # Step 1: the writer module. Step 2: its ExportFormat entry, after the last one.
    (copy / "kzdata" / "_formats" / f"{FORMAT}.py").write_text(FORMAT_MODULE, encoding="utf-8")
    end = '    )\n}\n"""Every export format by name'
    _edit(copy / "kzdata" / "_formats" / "__init__.py", end, FORMAT_ENTRY + end)

    # Step 3: the build regenerates the FormatName literal and docs/formats.md, and nothing else.
    built = _build(copy)
    assert built.returncode == 0, built.stderr
    edits = {f"kzdata/_formats/{FORMAT}.py", "kzdata/_formats/__init__.py"}
    assert _changed(before, copy) - edits == {"kzdata/_generated.py", "docs/formats.md"}
    assert {"kzdata/_generated.py", "docs/formats.md"} <= _generated_paths()
    formats_doc = (copy / "docs" / "formats.md").read_text(encoding="utf-8")
    assert f"| `{FORMAT}` | one newline-delimited JSON file per table | `{FORMAT}/` | nothing more |" in formats_doc

    checked = _run(copy, "-c", FORMAT_CHECK)
    assert checked.returncode == 0 and checked.stdout == "ok\n", checked.stderr
    usage = _run(copy, "-m", "kzdata", "export", "--help")
    assert f"{FORMAT}: one newline-delimited JSON file per table" in " ".join(usage.stdout.split()), usage.stdout
    out = tmp_path / "export"
    exported = _run(copy, "-m", "kzdata", "export", "--format", FORMAT, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    tables = _run(copy, "-c", "import kzdata; print(*kzdata.tables())").stdout.split()
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == {
        "README.md",
        "LICENSE-DATA",
        "CITATION.cff",
        "data-dictionary.md",
        *(f"{FORMAT}/{t}.ndjson" for t in tables),
    }
    events = (out / FORMAT / "events.ndjson").read_text(encoding="utf-8").splitlines()
    shipped = (copy / "kzdata" / "data" / "csv" / "events.csv").read_text(encoding="utf-8").splitlines()
    assert len(events) == len(shipped) - 1

    # Until step 4, exactly the tests that pin the hand-written list of formats fail ...
    code, tests, output = _pytest(copy, tmp_path / "before", "tests/test_architecture.py")
    assert code == 1 and tests["FAILED"] == FORMAT_ORACLE_TESTS and not tests["ERROR"], output

    # ... Step 4: the oracles, updated by hand; then the architecture tests and the layout test pass.
    _edit(copy / "tests" / "test_architecture.py", f"[{FORMAT_NAMES}]", f'[{FORMAT_NAMES}, "{FORMAT}"]')
    exporting = copy / "tests" / "test_exporting.py"
    _edit(exporting, f"[{FORMAT_NAMES}]", f'[{FORMAT_NAMES}, "{FORMAT}"]')
    files = f'    "{FORMAT}": COMMON | {{f"{FORMAT}/{{t}}.{FORMAT}" for t in oracle.TABLE_ORDER}},\n'
    _edit(exporting, "LAYOUT = {\n", "LAYOUT = {\n" + files)
    layout = f"tests/test_exporting.py::{LAYOUT_TEST}[{FORMAT}]"
    code, tests, output = _pytest(copy, tmp_path / "after", "tests/test_architecture.py", layout)
    assert code == 0 and layout in tests["PASSED"], output
