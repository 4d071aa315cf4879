"""Misuse: wrong names, wrong types, damaged files, and code that must never be there.

* unknown table names raise :class:`kzdata.UnknownTableError` (a ``LookupError``)
  listing the valid names, and never reach the file system;
* arguments of the wrong type raise :class:`kzdata.InvalidArgumentError` (a
  ``ValueError`` and a ``TypeError``);
* every load is independent of the previous one;
* a damaged Parquet file gives :class:`kzdata.IntegrityError` naming the file and
  saying what to do (tested on a temporary copy of the data directory, never on the
  shipped files);
* the package source uses no pickle, eval/exec or network module.

The loader tests read the built data in ``kzdata/data``; they are skipped when it
has not been built.
"""

from __future__ import annotations

import ast
import re
import struct
import tokenize
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import kzdata
from kzdata import _files

PACKAGE = Path(kzdata.__file__).resolve().parent
DATA = _files.data_dir()

needs_data = pytest.mark.skipif(
    not all((DATA / f"{name}.parquet").is_file() for name in kzdata.tables()),
    reason=f"no built data in {DATA}: run `kzdata build` in the source checkout first",
)

ACCESSORS: dict[str, Callable[[object], object]] = {
    "load": lambda name: kzdata.load(name),  # type: ignore[call-overload]
    "load-pyarrow": lambda name: kzdata.load(name, backend="pyarrow"),  # type: ignore[call-overload]
    "path": lambda name: kzdata.path(name),  # type: ignore[arg-type]
    "schema": lambda name: kzdata.schema(name),  # type: ignore[arg-type]
    "describe": lambda name: kzdata.describe(name),  # type: ignore[arg-type]
}


# --------------------------------------------------------------------------- names


UNKNOWN_NAMES = ["nope", "../x", "/etc/passwd", "", "Events", "EVENTS", "events ", "events.parquet", "csv/events", ".."]


@pytest.mark.parametrize("accessor", sorted(ACCESSORS))
@pytest.mark.parametrize("name", UNKNOWN_NAMES)
def test_unknown_table_names_are_refused_with_the_valid_names(name: str, accessor: str) -> None:
    with pytest.raises(kzdata.UnknownTableError) as info:
        ACCESSORS[accessor](name)
    error = info.value
    assert isinstance(error, LookupError)
    assert isinstance(error, kzdata.KzdataError)
    message = str(error)
    assert repr(name) in message
    for valid in kzdata.tables():
        assert re.search(rf"\b{valid}\b", message), f"{valid!r} missing from: {message}"
    assert not message.startswith(("'", '"')), "the message is shown as text, not as a repr"


NON_STRINGS: dict[str, object] = {
    "None": None,
    "int": 3,
    "float": 3.5,
    "list": ["events"],
    "tuple": ("events",),
    "bytes": b"events",
    "dict": {"events": 1},
}


def _non_string_cases() -> list[object]:
    cases = []
    for label, name in NON_STRINGS.items():
        for accessor in sorted(ACCESSORS):
            cases.append(pytest.param(name, accessor, id=f"{label}-{accessor}"))
    return cases


@pytest.mark.parametrize(("name", "accessor"), _non_string_cases())
def test_non_string_names_are_invalid_arguments(name: object, accessor: str) -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as info:
        ACCESSORS[accessor](name)
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, TypeError)
    assert isinstance(error, kzdata.KzdataError)
    message = str(error)
    assert type(name).__name__ in message
    assert "events" in message and "sentences" in message, "the message lists the valid names"


@pytest.mark.parametrize("backend", ["spark", "Polars", "Pandas", "", None, 3, "numpy"])
def test_unknown_backend_is_an_invalid_argument(backend: object) -> None:
    with pytest.raises(kzdata.InvalidArgumentError) as info:
        kzdata.load("events", backend=backend)  # type: ignore[call-overload]
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, TypeError)
    message = str(info.value)
    assert repr(backend) in message
    assert "'pandas'" in message and "'pyarrow'" in message and "'polars'" in message


def test_path_never_leaves_the_data_directory() -> None:
    for name in kzdata.tables():
        assert kzdata.path(name).parent == DATA  # type: ignore[arg-type]


# --------------------------------------------------------------------------- independent loads


@needs_data
@pytest.mark.parametrize("name", ["events", "people", "indicator_values", "sentences"])
def test_mutating_a_loaded_frame_does_not_change_the_next_load(name: str) -> None:
    reference = pq.read_table(kzdata.path(name)).to_pandas(date_as_object=False)  # type: ignore[arg-type]
    before = kzdata.load(name)  # type: ignore[call-overload]
    frame = kzdata.load(name)  # type: ignore[call-overload]
    assert frame is not before
    first = frame.columns[0]
    text = next(c for c in frame.columns if str(frame[c].dtype) == "string" and c != first)
    frame.loc[frame.index[0], first] = "zz-mutated"
    frame[text] = "overwritten"
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].cat.add_categories(["zz-new"])
            frame.loc[frame.index[0], column] = "zz-new"
    del frame[frame.columns[-1]]
    frame.attrs["touched"] = True
    after = kzdata.load(name)  # type: ignore[call-overload]
    pd.testing.assert_frame_equal(after, reference)
    pd.testing.assert_frame_equal(before, reference)
    assert "touched" not in after.attrs


@needs_data
def test_named_loaders_are_independent_too() -> None:
    reference = pq.read_table(kzdata.path("events")).to_pandas(date_as_object=False)
    events = kzdata.events()
    events.loc[events.index[0], "title"] = "changed"
    pd.testing.assert_frame_equal(kzdata.events(), reference)


# --------------------------------------------------------------------------- damaged files


# The tests below damage ``release_copy`` (tests/conftest.py), a private copy of the data
# directory that the loaders read instead of the shipped one.


@needs_data
def test_the_loaders_read_the_private_copy(release_copy: Path) -> None:
    assert kzdata.path("events") == release_copy / "events.parquet"


def _footer_start(data: bytes) -> int:
    (length,) = struct.unpack("<I", data[-8:-4])
    return len(data) - 8 - length


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated-to-half": lambda b: b[: len(b) // 2],
    "truncated-by-one-byte": lambda b: b[:-1],
    "empty": lambda b: b"",
    "reversed": lambda b: b[::-1],
    "footer-magic-altered": lambda b: b[:-4] + b"PAR0",
    "footer-length-altered": lambda b: b[:-8] + struct.pack("<I", len(b) * 2) + b[-4:],
    "text-instead-of-parquet": lambda b: b"event_id,title\nx,y\n",
}


@needs_data
@pytest.mark.parametrize("backend", ["pandas", "pyarrow"])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_parquet_file_is_an_integrity_error(release_copy: Path, damage: str, backend: str) -> None:
    file = release_copy / "events.parquet"
    file.write_bytes(DAMAGE[damage](file.read_bytes()))
    with pytest.raises(kzdata.IntegrityError) as info:
        kzdata.load("events", backend=backend)  # type: ignore[call-overload]
    assert isinstance(info.value, OSError)
    message = str(info.value)
    assert str(file) in message
    assert "'events'" in message
    assert "kzdata verify" in message
    assert "reinstall" in message.lower()


@needs_data
def test_the_suggested_verify_names_the_damaged_file(release_copy: Path) -> None:
    file = release_copy / "people.parquet"
    file.write_bytes(file.read_bytes()[:-10])
    report = kzdata.verify(raise_on_error=False)
    assert not report.ok
    assert any("people.parquet" in problem for problem in report.problems)
    assert not any("events.parquet" in problem for problem in report.problems)


@needs_data
def test_a_missing_parquet_file_is_an_integrity_error(release_copy: Path) -> None:
    file = release_copy / "sentences.parquet"
    file.unlink()
    with pytest.raises(kzdata.IntegrityError) as info:
        kzdata.load("sentences")
    message = str(info.value)
    assert str(file) in message
    assert "missing" in message
    assert "reinstall" in message.lower()
    assert "kzdata build" in message


@needs_data
@pytest.mark.parametrize("backend", ["pandas", "pyarrow"])
def test_an_altered_column_name_is_an_integrity_error(release_copy: Path, backend: str) -> None:
    file = release_copy / "events.parquet"
    data = bytearray(file.read_bytes())
    data[data.index(b"event_id", _footer_start(bytes(data)))] = 0xFF  # the schema's first name, no longer UTF-8
    file.write_bytes(bytes(data))
    with pytest.raises(kzdata.IntegrityError, match=r"kzdata verify"):
        kzdata.load("events", backend=backend)  # type: ignore[call-overload]


@needs_data
def test_an_altered_byte_never_loads_silently(release_copy: Path) -> None:
    file = release_copy / "events.parquet"
    original = file.read_bytes()
    reference = kzdata.load("events")
    silent = []
    for position in range(4, _footer_start(original), max(1, _footer_start(original) // 60)):
        altered = bytearray(original)
        altered[position] ^= 0xFF
        file.write_bytes(bytes(altered))
        try:
            frame = kzdata.load("events")
        except Exception:
            continue
        if not frame.equals(reference):
            silent.append(position)
    assert not silent, f"altered bytes at {silent} loaded without an error"


# --------------------------------------------------------------------------- safety

FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "urllib", "requests", "socket", "http", "httpx"}
FORBIDDEN_CALLS = {"eval", "exec"}


def _sources() -> list[Path]:
    files = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
    assert len(files) > 5, f"no package source found under {PACKAGE}"
    return files


def _code_tokens(file: Path) -> list[tokenize.TokenInfo]:
    """The code tokens of a file (comments dropped; strings kept: they may name a module)."""
    with file.open("rb") as handle:
        return [t for t in tokenize.tokenize(handle.readline) if t.type != tokenize.COMMENT]


@pytest.mark.parametrize("file", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_pickle_eval_exec_or_network_in_the_package(file: Path) -> None:
    tokens = _code_tokens(file)
    found = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if token.type == tokenize.NAME:
            if "pickle" in token.string.lower() or token.string in FORBIDDEN_MODULES - {"http"}:
                found.append(f"line {token.start[0]}: {token.string}")
            if token.string in FORBIDDEN_CALLS and following == "(":
                found.append(f"line {token.start[0]}: {token.string}(")
            if token.string == "http" and following == "." and i + 2 < len(tokens) and tokens[i + 2].string == "client":
                found.append(f"line {token.start[0]}: http.client")
        if token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str) and value.split(".")[0] in FORBIDDEN_MODULES | FORBIDDEN_CALLS:
                found.append(f"line {token.start[0]}: {value!r} (a dynamic import?)")
    tree = ast.parse(file.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [f"line {node.lineno}: import {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
    assert not found, f"{file}: " + "; ".join(found)


def test_the_safety_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scanner above is not vacuous: it flags each forbidden use in a planted file."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import pickle\nfrom urllib import request\nimport http.client\nx = eval('1')\n"
        "exec('y = 1')\nimport socket\nimport importlib\nm = importlib.import_module('requests')\n"
        "df.to_pickle('x')\n",
        encoding="utf-8",
    )
    tokens = _code_tokens(planted)
    names = [t.string for t in tokens]
    assert "pickle" in names and "urllib" in names and "socket" in names and "to_pickle" in names
    with pytest.raises(AssertionError) as info:
        test_no_pickle_eval_exec_or_network_in_the_package(planted)
    for needle in ("pickle", "urllib", "http.client", "eval(", "exec(", "socket", "'requests'", "to_pickle"):
        assert needle in str(info.value), needle


# --------------------------------------------------------------------------- the error catalogue


def test_the_error_catalogue_documents_every_exception() -> None:
    """docs/errors.md has a section per exception class, naming the built-ins it also is."""
    catalogue = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
    if not catalogue.is_file():
        pytest.skip("docs/errors.md is only in a source checkout")
    text = catalogue.read_text(encoding="utf-8")
    classes = {
        name: cls
        for name, cls in vars(kzdata.errors).items()
        if isinstance(cls, type) and issubclass(cls, kzdata.KzdataError) and not name.startswith("_")
    }
    assert len(classes) >= 8
    for name, cls in classes.items():
        assert f"\n## {name}\n" in text, f"docs/errors.md has no section for {name}"
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        builtins = {b.__name__ for b in cls.__mro__ if b.__module__ == "builtins"} - {
            "Exception",
            "BaseException",
            "object",
        }
        for base in builtins:
            assert f"`{base}`" in section, f"the {name} section does not say it is also a {base}"
        assert name == "KzdataError" or "What to do" in section, f"the {name} section says not what to do"
