"""The rules of docs/architecture.md that a machine can check.

* The reader never imports the pipeline: after loading every table, validating, citing
  and verifying, no ``kzdata._pipeline`` module is loaded; and no module outside the
  pipeline imports it, but for the CLI's ``build`` and ``release`` commands.
* No module is shadowed by a public name, and every module but the documented public one
  (``kzdata.errors``) is private.
* Each table name and each export format name is a string in the registries and the
  generated files only; elsewhere code names a table through its registry constant
  (``EVENTS.name``).
* Every error class states the exit code docs/errors.md gives it, and the CLI exits with it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import kzdata
from kzdata import _cli, _formats, errors
from kzdata._pipeline import codegen
from tests import oracle
from tests.conftest import REPO

PACKAGE = REPO / "kzdata"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)
TABLE_NAMES = oracle.TABLE_ORDER  # written out by hand in the oracle
FORMAT_NAMES = ["bundle", "csv", "parquet", "xlsx", "sqlite", "datasette", "stata"]  # by hand, docs/formats.md
REGISTRIES = {"kzdata/_registry.py", "kzdata/_formats/__init__.py", "kzdata/_generated.py"}

#: Strings equal to a table or format name that name something else, each with the reason.
NOT_A_NAME = {
    ("kzdata/__init__.py", "changes"): "the public function kzdata.changes(), in the lazy-import map",
    ("kzdata/_cli.py", "changes"): "the `kzdata changes` subcommand",
    ("kzdata/_cli.py", "csv"): "the `--format csv` output of `kzdata evidence` (rows printed as CSV, not an export)",
    ("kzdata/_descriptor.py", "sources"): "the Frictionless package property `sources`",
    ("kzdata/_descriptor.py", "csv"): "the Frictionless resource format `csv`",
    ("kzdata/_formats/sqlite.py", "sources"): "the `sources` key of the _kzdata_meta table",
    ("kzdata/_formats/xlsx.py", "sources"): "the workbook's added `sources` column (a record's citation locators)",
    ("kzdata/_files.py", "csv"): "the shipped data folder's csv/ subfolder, a fixed part of the release layout",
}


def _relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every import in a module, with relative imports resolved."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def test_the_oracle_names_the_registry_tables() -> None:
    assert tuple(TABLE_NAMES) == tuple(kzdata.tables())
    assert list(_formats.FORMATS) == FORMAT_NAMES


@pytest.mark.slow
def test_reading_validating_citing_and_verifying_import_no_pipeline_module() -> None:
    script = (
        "import sys, kzdata\n"
        "frames = {name: kzdata.load(name) for name in kzdata.tables()}\n"
        "assert kzdata.validate().ok and kzdata.verify().ok\n"
        "kzdata.cite(); kzdata.cite(frames['sentences']); kzdata.timeline('2022-01-01', '2022-01-31')\n"
        "kzdata.targets(); kzdata.resolve('Nazarbaev'); kzdata.changes(); kzdata.events_view()\n"
        "kzdata.describe('events')\n"
        "print(sorted(m for m in sys.modules if m.startswith('kzdata._pipeline')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert proc.stdout.strip() == "[]"


def test_no_module_outside_the_pipeline_imports_it() -> None:
    found = []
    for path in MODULES:
        name = _relative(path)
        if name.startswith("kzdata/_pipeline/"):
            continue
        for line, module in _imports(path):
            if module.startswith("kzdata._pipeline"):
                found.append((name, line, module))
    # The CLI's `build` and `release` commands are the pipeline's front end; they import it on call.
    assert {(n, m) for n, _, m in found} <= {
        ("kzdata/_cli.py", "kzdata._pipeline.build"),
        ("kzdata/_cli.py", "kzdata._pipeline.build.build"),
        ("kzdata/_cli.py", "kzdata._pipeline.build.project_version"),
        ("kzdata/_cli.py", "kzdata._pipeline.build.read_all"),
        ("kzdata/_cli.py", "kzdata._pipeline.writer_lock"),
        ("kzdata/_cli.py", "kzdata._pipeline.writer_lock.MARK"),
        ("kzdata/_cli.py", "kzdata._pipeline.writer_lock.mismatches"),
        ("kzdata/_cli.py", "kzdata._pipeline.stable_ids"),
        ("kzdata/_cli.py", "kzdata._pipeline.stable_ids.freeze"),
    }, found
    cli = ast.parse((PACKAGE / "_cli.py").read_text(encoding="utf-8"))
    top_level = [n for n in cli.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not [n for n in top_level if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("kzdata._pip")]


def test_modules_are_private_and_never_shadowed() -> None:
    public = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert {m for m in public if not m.startswith("_")} == {"errors"}, "a module users import is documented"
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == {"_formats", "_pipeline", "_site", "data"}
    for name in kzdata.__all__:
        assert name not in public | packages, f"kzdata.{name} would shadow the module kzdata.{name}"


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_table_and_format_names_are_stated_in_the_registries_only(path: Path) -> None:
    name = _relative(path)
    if name in REGISTRIES:
        return
    sql = re.compile(r"\b(from|join|into)\s+\"?(" + "|".join(TABLE_NAMES) + r")\b", re.IGNORECASE)
    found = [
        (line, value)
        for line, value in _strings(path)
        if ((value in TABLE_NAMES or value in FORMAT_NAMES) and (name, value) not in NOT_A_NAME) or sql.search(value)
    ]
    assert not found, f"{name} states table or format names; use the registry constants (EVENTS.name): {found}"


def test_the_exceptions_to_the_name_rule_still_exist() -> None:
    for (name, value), _reason in NOT_A_NAME.items():
        assert value in {v for _, v in _strings(REPO / name)}, f"{name} no longer needs the exception for {value!r}"


def test_generated_files_are_fresh() -> None:
    for path, content in codegen.generated_files().items():
        assert (REPO / path).read_bytes() == content, f"{path} is stale: run `kzdata build`"


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    export = next(
        a for a in _cli.parser()._subparsers._group_actions[0].choices["export"]._actions if a.dest == "format"
    )  # type: ignore[union-attr]
    assert list(export.choices) == FORMAT_NAMES
    assert export.default == "bundle"


def test_every_format_extra_exists_in_pyproject() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    # The distribution each importable module comes from, written by hand.
    provides = {"openpyxl": "openpyxl"}
    for fmt in _formats.FORMATS.values():
        if fmt.extra is None:
            assert not fmt.requires
            continue
        assert fmt.extra in extras, f"format {fmt.name} needs the extra {fmt.extra}, which pyproject.toml lacks"
        for module in fmt.requires:
            assert any(req.startswith(provides[module]) for req in extras[fmt.extra])


#: Each error class and the exit code docs/errors.md gives it, written out by hand.
EXIT_CODES = {
    "UnknownTableError": 2,
    "UnknownEntityError": 2,
    "InvalidArgumentError": 2,
    "MissingDependencyError": 2,
    "RawDataError": 1,
    "DataValidationError": 1,
    "IntegrityError": 1,
    "StableIdError": 1,
    "BuildLockError": 2,
    "BuildWriteError": 2,
    "ExportWriteError": 2,
}


def _subclasses(cls: type) -> set[type]:
    return {c for s in cls.__subclasses__() for c in {s, *_subclasses(s)}}


def test_every_error_class_has_its_documented_exit_code() -> None:
    classes = {c.__name__: c for c in _subclasses(errors.KzdataError) if not c.__name__.startswith("_")}
    assert set(classes) == set(EXIT_CODES)
    table = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    for name, code in EXIT_CODES.items():
        assert classes[name].exit_code == code
        row = next(line for line in table.splitlines() if line.startswith(f"| [`{name}`]"))
        assert row.split("|")[3].strip() == str(code), row
        section = table.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        stated = re.findall(r"[Ee]xit code (\d)", section)
        assert all(s == str(code) for s in stated), f"the {name} section states exit code(s) {stated}, not {code}"


def _instance(cls: type[errors.KzdataError]) -> errors.KzdataError:
    if issubclass(cls, errors.UnknownTableError):
        return cls("nope", ("events",))
    if issubclass(cls, errors.RawDataError | errors.DataValidationError):
        return cls([errors.Issue("raw/events.csv", "line 2", "title", "''", "a value is required")])
    return cls("something is wrong")


@pytest.mark.parametrize("name", sorted(EXIT_CODES))
def test_the_cli_exits_with_the_code_of_the_error(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cls = getattr(errors, name)
    error = _instance(cls)

    def fail(args: object) -> int:
        raise error

    monkeypatch.setattr(_cli, "_info", fail)
    assert _cli.main(["info"]) == EXIT_CODES[name]
    err = capsys.readouterr().err
    assert err.startswith("kzdata info: ") and str(error) in err
    assert "Traceback" not in err
