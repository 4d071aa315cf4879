"""Issue 18: a release that cannot be forged from inside.

An attacker who can write the data folder edits a file *and* its hash entry in
``datapackage.json``, edits the descriptor's schemas or entries, or plants FIFOs, device
links and hostile JSON. Every test here failed on the code before the issue was fixed
(the report of the fix says which part of the issue each covers).

The expectations come from outside the code under test: the fingerprint a citation
names is recomputed by ``tests/oracle.py`` from the definition in docs/versioning.md
with hashlib and json; hashes are computed here with hashlib; the forged values are
written here with pyarrow; the expected words of each message are written by hand.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kzdata
from kzdata import _files
from kzdata._cli import main
from kzdata.errors import IntegrityError, InvalidArgumentError
from tests import oracle
from tests.conftest import REPO

DATA = REPO / "kzdata" / "data"
CITED = oracle.release_fingerprint(DATA)
"""The fingerprint the release's citation names, recomputed from the definition by the oracle."""
MASSIMOV = "massimov-karim-conviction"


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the release that kzdata reads instead of the shipped one."""
    folder = tmp_path / "kzdata" / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_files, "locate", lambda: folder)
    return folder


# --------------------------------------------------------------------------- the attacker's tools


def descriptor_of(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def write_descriptor(folder: Path, document: dict[str, Any]) -> None:
    (folder / "datapackage.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for resource in document["resources"]:
        found += [resource, resource["kzdata:parquet"]]
    return found + document["kzdata:files"]


def rewrite_with_entry(folder: Path, relative: str, data: bytes) -> None:
    """Rewrite a file and update its hash and size in the descriptor, as the attacker of issue 18 did."""
    (folder / relative).write_bytes(data)
    document = descriptor_of(folder)
    for entry in entries(document):
        if entry["path"] == relative:
            entry["hash"], entry["bytes"] = sha(data), len(data)
    write_descriptor(folder, document)


def forge_record(folder: Path) -> None:
    """Also rewrite the code-side record of the descriptor (kzdata/_release.py beside the data folder)."""
    digest = hashlib.sha256((folder / "datapackage.json").read_bytes()).hexdigest()
    (folder.parent / "_release.py").write_text(f'DESCRIPTOR_SHA256 = "{digest}"\n', encoding="utf-8")


def massimov_given_one_year(folder: Path) -> bytes:
    """sentences.parquet with Massimov's 18 years made 1, written with pyarrow, its schema and metadata kept."""
    table = pq.read_table(folder / "sentences.parquet")
    ids = table.column("sentence_id").to_pylist()
    years = table.column("prison_years").to_pylist()
    row = ids.index(MASSIMOV)
    raw = next(r for r in oracle.rows("sentences") if r["sentence_id"] == MASSIMOV)
    assert years[row] == int(raw["prison_years"]) == 18
    years[row] = 1
    index = table.schema.get_field_index("prison_years")
    field = table.schema.field(index)
    table = table.set_column(index, field, pa.array(years, type=field.type))
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def massimov_csv_one_year(folder: Path) -> bytes:
    text = (folder / "csv" / "sentences.csv").read_text(encoding="utf-8")
    assert f"{MASSIMOV},massimov-karim,18," in text
    return text.replace(f"{MASSIMOV},massimov-karim,18,", f"{MASSIMOV},massimov-karim,1,").encode("utf-8")


def problems_of(report: kzdata.VerifyReport) -> str:
    return "\n".join(report.problems)


# --------------------------------------------------------------------------- the fingerprint


def test_the_fingerprint_is_defined_over_values_schemas_licence_and_card() -> None:
    # The oracle recomputes it from the text of docs/versioning.md; the old one hashed the CSV files only.
    document = descriptor_of(DATA)
    assert document["kzdata:fingerprint"] == CITED
    assert document["kzdata:fingerprint_scheme"] == "kzdata-fingerprint-2"
    assert f"Fingerprint {CITED}." in kzdata.cite()
    assert kzdata.verify().fingerprint == CITED
    versioning = (REPO / "docs" / "versioning.md").read_text(encoding="utf-8")
    for words in ("kzdata-fingerprint-2", "table <name> schema sha256:", "file LICENSE-DATA sha256:"):
        assert words in versioning


def test_the_loaders_trust_only_the_descriptor_the_code_records() -> None:
    # kzdata/_release.py pins the sha256 of the data folder's datapackage.json (computed here with hashlib).
    record = (REPO / "kzdata" / "_release.py").read_text(encoding="utf-8")
    assert f'DESCRIPTOR_SHA256 = "{hashlib.sha256((DATA / "datapackage.json").read_bytes()).hexdigest()}"' in record


# --------------------------------------------------------------------------- (a) a file rewritten with its hash entry


def test_a_rewritten_parquet_file_with_its_hash_entry_is_refused_everywhere(copy: Path, tmp_path: Path) -> None:
    rewrite_with_entry(copy, "sentences.parquet", massimov_given_one_year(copy))
    report = kzdata.verify(raise_on_error=False)
    text = problems_of(report)
    assert "sentences.parquet: its values differ from csv/sentences.csv" in text
    assert MASSIMOV in text and ",1," in text and ",18," in text
    assert "datapackage.json: its sha256 is" in text  # the descriptor is not the one the code records
    with pytest.raises(IntegrityError, match=r"datapackage\.json"):
        kzdata.load("sentences")
    with pytest.raises(IntegrityError, match=r"datapackage\.json"):
        kzdata.load("events")  # the descriptor as a whole is refused, not only the edited entry
    with pytest.raises(IntegrityError):
        kzdata.cite()
    with pytest.raises(IntegrityError):
        kzdata.export(tmp_path / "out", "bundle")
    assert not (tmp_path / "out").exists()
    with pytest.raises(IntegrityError):
        kzdata.verify(fingerprint=CITED)


def test_the_parquet_check_holds_even_when_the_code_record_is_forged_too(copy: Path) -> None:
    # The loaders then trust the forged descriptor (the limit of a cheap check); verify does not.
    rewrite_with_entry(copy, "sentences.parquet", massimov_given_one_year(copy))
    forge_record(copy)
    years = kzdata.load("sentences").set_index("sentence_id").loc[MASSIMOV, "prison_years"]
    assert years == 1, "the forged record vouches for the forged descriptor"
    text = problems_of(kzdata.verify(raise_on_error=False))
    assert "sentences.parquet: its values differ from csv/sentences.csv" in text
    assert main(["verify", "--fingerprint", CITED]) == 1


def _years_as_float(table: pa.Table) -> pa.Table:
    index = table.schema.get_field_index("prison_years")
    return table.set_column(index, "prison_years", table.column(index).cast(pa.float64()))


def _pandas_metadata_says_float(table: pa.Table) -> pa.Table:
    metadata = json.loads(table.schema.metadata[b"pandas"])
    for column in metadata["columns"]:
        if column["name"] == "prison_years":
            column["numpy_type"] = column["pandas_type"] = "float64"
    return table.replace_schema_metadata({**table.schema.metadata, b"pandas": json.dumps(metadata).encode()})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_years_as_float, "column 'prison_years' is stored as double"),
        (_pandas_metadata_says_float, "column 'prison_years' loads as float64"),
    ],
    ids=["arrow-type", "pandas-metadata"],
)
def test_a_parquet_file_with_the_same_values_but_other_types_is_refused(
    copy: Path, change: Callable[[pa.Table], pa.Table], words: str
) -> None:
    # 18 and 18.0 print alike in canonical form; the types a reader gets must still be the release's.
    sink = io.BytesIO()
    pq.write_table(change(pq.read_table(copy / "sentences.parquet")), sink, compression="zstd")
    rewrite_with_entry(copy, "sentences.parquet", sink.getvalue())
    forge_record(copy)
    text = problems_of(kzdata.verify(raise_on_error=False))
    assert f"sentences.parquet: {words}" in text, text


@pytest.mark.parametrize("forge", ["entry", "entry-fingerprint-and-record"])
def test_a_table_changed_with_its_hash_entry_is_refused_or_changes_the_cited_fingerprint(
    copy: Path, forge: str
) -> None:
    """The done-when of issue 18, for the canonical CSV the fingerprint is computed from."""
    rewrite_with_entry(copy, "csv/sentences.csv", massimov_csv_one_year(copy))
    if forge != "entry":
        document = descriptor_of(copy)
        document["kzdata:fingerprint"] = oracle.release_fingerprint(copy)  # the attacker recomputes it
        write_descriptor(copy, document)
        forge_record(copy)
    with pytest.raises(IntegrityError):
        kzdata.verify()
    try:
        cited = kzdata.cite()
    except IntegrityError:
        cited = None
    assert cited is None or CITED not in cited, "cite() never prints the original fingerprint for other data"
    report = kzdata.verify(fingerprint=CITED, raise_on_error=False)
    assert f"not the {CITED} you gave" in problems_of(report)


@pytest.mark.parametrize("name", ["LICENSE-DATA", "CITATION.cff", "croissant.json", "dataset-card.md"])
def test_a_file_beside_the_data_rewritten_with_its_hash_entry_is_refused(copy: Path, name: str) -> None:
    data = (copy / name).read_bytes()
    edited = data.replace(b"4.0", b"4.1", 1) if b"4.0" in data else data + b"\n"
    assert edited != data
    rewrite_with_entry(copy, name, edited)
    forge_record(copy)  # even with the code-side record forged: the deep checks alone refuse it
    report = kzdata.verify(raise_on_error=False)
    if name in ("LICENSE-DATA", "dataset-card.md"):  # covered by the fingerprint
        assert "content fingerprint: the files give" in problems_of(report)
        with pytest.raises(IntegrityError, match="content fingerprint"):
            kzdata.cite()
    else:  # generated from the data: regenerated and compared
        assert f"{name}: differs from what kzdata generates" in problems_of(report)
    assert not kzdata.verify(fingerprint=CITED, raise_on_error=False).ok


# --------------------------------------------------------------------------- (b) entries removed or repointed


def _drop_sentences(document: dict[str, Any]) -> None:
    document["resources"] = [r for r in document["resources"] if r["name"] != "sentences"]


def _repoint_sentences(document: dict[str, Any]) -> None:
    events = next(r for r in document["resources"] if r["name"] == "events")
    sentences = next(r for r in document["resources"] if r["name"] == "sentences")
    sentences.update(path=events["path"], hash=events["hash"], bytes=events["bytes"])


def _empty_files(document: dict[str, Any]) -> None:
    document["kzdata:files"] = []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (_drop_sentences, "resources"),
        (_repoint_sentences, "csv/events.csv"),
        (_empty_files, "kzdata:files"),
    ],
    ids=["resource-removed", "resource-repointed", "files-emptied"],
)
@pytest.mark.parametrize("record", ["kept", "forged"])
def test_a_descriptor_that_checks_less_is_refused_and_exports_fail_cleanly(
    copy: Path, tmp_path: Path, edit: Callable[[dict[str, Any]], None], words: str, record: str
) -> None:
    document = descriptor_of(copy)
    edit(document)
    write_descriptor(copy, document)
    if record == "forged":
        forge_record(copy)
    report = kzdata.verify(raise_on_error=False)
    assert not report.ok
    assert "datapackage.json: differs from what kzdata generates" in problems_of(report)
    assert words in problems_of(report)
    # a CSV and a Parquet file per table, and the descriptor, CITATION.cff, croissant.json, the card, the
    # licence, __init__.py and quality.json (issue 22), counted by hand
    assert report.checked == 2 * len(oracle.TABLE_ORDER) + 7, "the files to check come from the code, not the entries"
    for fmt in ("bundle", "csv", "parquet", "sqlite"):
        with pytest.raises(IntegrityError):  # never a KeyError
            kzdata.export(tmp_path / fmt, fmt)  # type: ignore[arg-type]


def test_a_file_the_descriptor_does_not_list_is_refused(copy: Path) -> None:
    shutil.copy(copy / "events.parquet", copy / "events-2.parquet")
    (copy / "csv" / "notes.txt").write_text("planted\n", encoding="utf-8")
    text = problems_of(kzdata.verify(raise_on_error=False))
    assert "events-2.parquet: not a file of the release" in text
    assert "csv/notes.txt: not a file of the release" in text


# --------------------------------------------------------------------------- (c) schemas edited in the descriptor


def _schema(document: dict[str, Any], table: str) -> dict[str, Any]:
    return next(r for r in document["resources"] if r["name"] == table)["schema"]


def _drop_foreign_keys(document: dict[str, Any]) -> None:
    del _schema(document, "sentences")["foreignKeys"]


def _widen_an_enum(document: dict[str, Any]) -> None:
    field = next(f for f in _schema(document, "events")["fields"] if f["name"] == "category")
    field["constraints"]["enum"].append("invented")


def _change_a_type(document: dict[str, Any]) -> None:
    field = next(f for f in _schema(document, "sentences")["fields"] if f["name"] == "prison_years")
    field["type"] = "string"


@pytest.mark.parametrize(
    ("edit", "where"),
    [(_drop_foreign_keys, "foreignKeys"), (_widen_an_enum, "enum"), (_change_a_type, "type")],
    ids=["foreign-keys", "enum", "type"],
)
def test_an_edited_schema_is_refused_and_never_exported(
    copy: Path, tmp_path: Path, edit: Callable[[dict[str, Any]], None], where: str
) -> None:
    document = descriptor_of(copy)
    edit(document)
    write_descriptor(copy, document)
    forge_record(copy)
    report = kzdata.verify(raise_on_error=False)
    text = problems_of(report)
    assert "datapackage.json: differs from what kzdata generates" in text and where in text, text
    with pytest.raises(IntegrityError):
        kzdata.export(tmp_path / "out", "csv")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ (d) guards on the descriptor and the journal


def run_isolated(folder: Path, code: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter reading ``folder``, with 4 GiB of address space and a time limit."""
    script = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        from pathlib import Path
        import kzdata
        from kzdata import _files
        _files.locate = lambda: Path({str(folder)!r})
        try:
        {textwrap.indent(textwrap.dedent(code), "    ")}
        except BaseException as exc:
            print(type(exc).__name__, exc)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("call", ["kzdata.load('events')", "kzdata.verify()", "kzdata.cite()"])
def test_a_fifo_in_place_of_the_descriptor_is_refused_without_hanging(copy: Path, call: str) -> None:
    (copy / "datapackage.json").unlink()
    os.mkfifo(copy / "datapackage.json")
    result = run_isolated(copy, call)
    assert result.stdout.startswith("IntegrityError"), result.stdout + result.stderr
    assert "a FIFO, not a regular file" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("call", ["kzdata.load('events')", "kzdata.verify()"])
def test_a_link_to_a_device_in_place_of_the_descriptor_is_refused_without_reading_it(copy: Path, call: str) -> None:
    (copy / "datapackage.json").unlink()
    (copy / "datapackage.json").symlink_to("/dev/zero")
    result = run_isolated(copy, call)
    assert result.stdout.startswith("IntegrityError"), result.stdout + result.stderr
    assert "a device, not a regular file" in result.stdout


def test_a_deeply_nested_descriptor_is_an_integrity_error(copy: Path) -> None:
    (copy / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for call in (lambda: kzdata.load("events"), kzdata.verify, kzdata.cite):
        with pytest.raises(IntegrityError, match=r"nests deeper than"):
            call()
    report = kzdata.verify(raise_on_error=False)
    assert "nests deeper than" in problems_of(report)


def test_an_oversized_descriptor_is_refused_unread(copy: Path) -> None:
    with (copy / "datapackage.json").open("r+b") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk is used
    with pytest.raises(IntegrityError, match=r"more than the \d+ a release file may have"):
        kzdata.load("events")


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A source checkout's layout: kzdata/data and the build's state folder .kzdata-build/."""
    root = tmp_path / "checkout"
    shutil.copytree(DATA, root / "kzdata" / "data", ignore=shutil.ignore_patterns("__pycache__"))
    (root / ".kzdata-build").mkdir()
    monkeypatch.setattr(_files, "locate", lambda: root / "kzdata" / "data")
    return root


def write_journal(root: Path, journal: object) -> Path:
    path = root / ".kzdata-build" / "journal.json"
    path.write_text(json.dumps(journal), encoding="utf-8")
    return path


def staged_outside(root: Path) -> dict[str, Any]:
    """A journal naming a staged file whose path leaves the checkout (the file is planted too)."""
    (root / ".kzdata-build" / "new").mkdir()  # the build's staging folder for top-level files
    planted = root / ".kzdata-build" / "x"  # what .kzdata-build/new/../x names
    planted.write_bytes(b"planted\n")
    return {
        "token": "1-abcd",
        "stage": ".data-staging-1-abcd",
        "descriptor_sha256": "0" * 64,
        "files": {"../x": hashlib.sha256(b"planted\n").hexdigest()},
    }


def test_a_journal_path_outside_the_checkout_is_reported_not_obeyed(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = write_journal(checkout, staged_outside(checkout))
    assert kzdata.verify().ok  # a plain verify, the command the attacker counted on
    assert not (checkout.parent / "x").exists(), "nothing was moved outside the checkout"
    assert (checkout / ".kzdata-build" / "x").read_bytes() == b"planted\n"
    assert not journal.exists() and (checkout / ".kzdata-build" / "journal.rejected.json").is_file()
    err = capsys.readouterr().err
    assert "ignored the build journal" in err and "'../x'" in err and "kzdata verify" in err


STAGED = {"token": "1-abcd", "stage": ".data-staging-1-abcd", "descriptor_sha256": "0" * 64}


@pytest.mark.parametrize(
    ("journal", "words"),
    [
        ({"token": "1-abcd", "stage": "a/b", "descriptor_sha256": "0" * 64}, "its stage 'a/b'"),
        ({"token": "1-abcd", "stage": "..", "descriptor_sha256": "0" * 64}, "its stage '..'"),
        ({**STAGED, "files": {"/etc/x": ""}}, "'/etc/x'"),
        ({"token": 5, "stage": ".data-staging-5", "descriptor_sha256": "0" * 64}, "its token 5"),
        ("[" * 50_000 + "]" * 50_000, "nests deeper"),
        ([], "not a JSON object"),
    ],
    ids=["stage-with-slash", "stage-dot-dot", "absolute-file", "token-not-text", "deep-json", "not-an-object"],
)
def test_a_bad_journal_is_reported_and_every_command_still_works(
    checkout: Path, capsys: pytest.CaptureFixture[str], journal: object, words: str
) -> None:
    path = checkout / ".kzdata-build" / "journal.json"
    if isinstance(journal, str):
        path.write_text(journal, encoding="utf-8")
    else:
        write_journal(checkout, journal)
    assert len(kzdata.load("events")) == len(oracle.rows("events"))
    assert main(["verify"]) == 0
    err = capsys.readouterr().err
    assert "ignored the build journal" in err and words in err, err
    assert "Traceback" not in err


def test_an_oversized_journal_is_reported_not_read(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_journal(checkout, {**STAGED, "padding": "x" * (2 * 1024 * 1024)})
    assert kzdata.verify().ok
    assert not path.exists()
    assert "not a regular file of at most 1048576 bytes" in capsys.readouterr().err


def test_a_staged_file_without_the_journals_hash_is_not_moved(checkout: Path) -> None:
    staged = checkout / ".kzdata-build" / "new" / "docs" / "notes.md"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"not what the journal names\n")
    write_journal(checkout, {**STAGED, "files": {"docs/notes.md": hashlib.sha256(b"other\n").hexdigest()}})
    assert kzdata.verify().ok
    assert not (checkout / "docs" / "notes.md").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "device-link"])
def test_a_journal_that_is_no_regular_file_neither_hangs_nor_is_read(checkout: Path, kind: str) -> None:
    path = checkout / ".kzdata-build" / "journal.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    result = run_isolated(checkout / "kzdata" / "data", "print(len(kzdata.load('events')), kzdata.verify().ok)")
    assert result.stdout.strip() == f"{len(oracle.rows('events'))} True", result.stdout + result.stderr
    assert "ignored the build journal" in result.stderr


# --------------------------------------------------------------------------- (e) a version bump without a rebuild


@pytest.fixture
def bumped(monkeypatch: pytest.MonkeyPatch) -> str:
    """The installed kzdata claims the next version; the data are still the release's."""
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9.9" if name == "kzdata" else real(name))
    return "9.9.9"


def test_after_a_version_bump_the_citation_is_refused_not_mixed(bumped: str) -> None:
    data_version = descriptor_of(DATA)["version"]
    with pytest.raises(IntegrityError, match=r"run `kzdata build`") as info:
        kzdata.cite()
    assert f"release {data_version}" in str(info.value) and bumped in str(info.value)
    report = kzdata.verify(raise_on_error=False)
    assert any(p.startswith(f"version: the data are release {data_version}") for p in report.problems)
    assert main(["cite"]) == 1


# --------------------------------------------------------------------------- (f) one fingerprint, any format


@pytest.mark.parametrize("fmt", ["bundle", "csv", "parquet", "sqlite"])
def test_an_export_in_any_format_verifies_against_the_citation(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / fmt
    kzdata.export(out, fmt)  # type: ignore[arg-type]
    report = kzdata.verify(out, fingerprint=CITED)
    assert report.ok and report.fingerprint == CITED
    assert main(["verify", "--fingerprint", CITED, str(out)]) == 0


def test_a_csv_export_has_the_fingerprint_of_the_release(tmp_path: Path) -> None:
    kzdata.export(tmp_path / "out", "csv")
    assert oracle.release_fingerprint(tmp_path / "out") == CITED  # the card is README.md there
    assert descriptor_of(tmp_path / "out")["kzdata:fingerprint"] == CITED


@pytest.mark.parametrize("fmt", ["parquet", "sqlite"])
def test_an_export_with_one_changed_value_fails_against_the_citation(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / fmt
    kzdata.export(out, fmt)  # type: ignore[arg-type]
    if fmt == "parquet":
        (out / "parquet" / "sentences.parquet").write_bytes(massimov_given_one_year(out / "parquet"))
    else:
        import sqlite3

        with sqlite3.connect(out / "sqlite" / "kzdata.db") as con:
            con.execute("UPDATE sentences SET prison_years = 1 WHERE sentence_id = ?", (MASSIMOV,))
        con.close()
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert f"not the {CITED} you gave" in problems_of(report)
    assert main(["verify", "--fingerprint", CITED, str(out)]) == 1


def test_an_export_whose_schema_was_edited_fails_against_the_citation(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kzdata.export(out, "csv")
    document = descriptor_of(out)
    _widen_an_enum(document)
    write_descriptor(out, document)
    assert oracle.release_fingerprint(out) != CITED
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert f"not the {CITED} you gave" in problems_of(report)


# --------------------------------------------------------------------------- (g) everything an export shows


class Exports(dict[str, Path]):
    """One export per format verify reads back, each written the first time a test asks for it."""

    def __init__(self, base: Path) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, fmt: str) -> Path:
        kzdata.export(self.base / fmt, fmt)  # type: ignore[arg-type]
        self[fmt] = self.base / fmt
        return self[fmt]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The exports tests damage copies of (written once per module, and only the formats asked for)."""
    return Exports(tmp_path_factory.mktemp("exports"))


def fresh(exports: dict[str, Path], fmt: str, tmp_path: Path) -> Path:
    """A copy of the ``fmt`` export to damage."""
    return Path(shutil.copytree(exports[fmt], tmp_path / fmt))


def sqlite_edit(folder: Path, *statements: str, parameters: tuple[Any, ...] = ()) -> None:
    """Run SQL on the export's database as an attacker would: its CHECK constraints switched off."""
    import sqlite3

    con = sqlite3.connect(folder / "sqlite" / "kzdata.db")
    try:
        con.execute("PRAGMA ignore_check_constraints = 1")
        for statement in statements:
            con.execute(statement, parameters if "?" in statement else ())
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("table", "key", "column", "forged", "words"),
    [
        (
            "sentences",
            MASSIMOV,
            "prison_years",
            18.5,
            "the value 18.5 is stored as REAL, where the export stores INTEGER",
        ),
        ("sentences", MASSIMOV, "closed_trial", 2, "the value 2 is neither 0 (false) nor 1 (true)"),
        (
            "sentences",
            MASSIMOV,
            "closed_trial",
            "true",
            "the value 'true' is stored as TEXT, where the export stores INTEGER",
        ),
        (
            "sentences",
            MASSIMOV,
            "verdict_start",
            "2022-02-30",
            "the value '2022-02-30' is not a date written YYYY-MM-DD",
        ),
        ("sentences", MASSIMOV, "verdict_start", "2022-1-5", "the value '2022-1-5' is not a date written YYYY-MM-DD"),
        (
            "sentences",
            MASSIMOV,
            "description",
            b"\x00",
            "the value b'\\x00' is stored as BLOB, where the export stores TEXT",
        ),
        (
            "indicator_values",
            "amanat-vote-share-2023",
            "value",
            "lots",
            "the value 'lots' is stored as TEXT, where the export stores REAL",
        ),
    ],
)
def test_a_sqlite_value_the_export_never_writes_is_named(
    exports: dict[str, Path], tmp_path: Path, table: str, key: str, column: str, forged: Any, words: str
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    primary = oracle.key(table)
    sqlite_edit(out, f'UPDATE {table} SET "{column}" = ? WHERE {primary} = ?', parameters=(forged, key))
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    expected = f"sqlite/kzdata.db: table {table!r}, {primary}={key!r}, column {column!r}: {words}"
    named = [p for p in report.problems if p.startswith("sqlite/kzdata.db")]
    assert len(named) == 1 and named[0].startswith(expected), problems_of(report)
    assert report.fingerprint is None  # nothing was converted into a release value


def test_a_null_where_the_release_always_has_a_value_is_named(exports: dict[str, Path], tmp_path: Path) -> None:
    # NOT NULL keeps NULL out of the export's tables; an attacker rebuilds the table without it.
    out = fresh(exports, "sqlite", tmp_path)
    sqlite_edit(
        out,
        "CREATE TABLE loose AS SELECT * FROM sentences",
        "UPDATE loose SET sentence_id = NULL, person_id = NULL WHERE sentence_id = ?",
        "DROP TABLE sentences",
        "ALTER TABLE loose RENAME TO sentences",
        parameters=(MASSIMOV,),
    )
    problems = kzdata.verify(out, fingerprint=CITED, raise_on_error=False).problems
    for column in ("sentence_id", "person_id"):
        assert (
            f"sqlite/kzdata.db: table 'sentences', sentence_id=None, column {column!r}: the value None is NULL, "
            "where the release always has a value" in problems
        ), problems


def test_exactly_five_bad_values_are_all_listed_without_a_count(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    assert len(oracle.rows("sentences")) == 5
    sqlite_edit(out, "UPDATE sentences SET closed_trial = 5")
    problems = [p for p in kzdata.verify(out, raise_on_error=False).problems if p.startswith("sqlite/kzdata.db")]
    assert len(problems) == 5 and all("column 'closed_trial': the value 5 is neither" in p for p in problems)


def test_a_sqlite_export_lists_five_bad_values_of_a_table_then_counts_the_rest(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    sqlite_edit(out, "UPDATE indicator_values SET date_inferred = 5")
    report = kzdata.verify(out, raise_on_error=False)
    named = [p for p in report.problems if "column 'date_inferred': the value 5 is neither" in p]
    assert len(named) == 5
    rest = len(oracle.rows("indicator_values")) - 5
    assert rest > 0
    assert f"sqlite/kzdata.db: table 'indicator_values': {rest} more such value(s)" in report.problems


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        (
            "UPDATE _kzdata_meta SET value = 'CC0-1.0' WHERE key = 'license'",
            "table _kzdata_meta holds (\"'license'\", \"'CC0-1.0'\")",
        ),
        ("DELETE FROM _kzdata_meta WHERE key = 'title'", "table _kzdata_meta lacks (\"'title'\""),
        ("UPDATE _kzdata_tables SET row_count = 1 WHERE name = 'events'", "table _kzdata_tables holds (\"'events'\""),
        ("UPDATE _kzdata_columns SET description = 'in months' WHERE column_name = 'prison_years'", "'in months'"),
        ("CREATE VIEW recent AS SELECT * FROM events", "the schema (sqlite_master) holds ('view', 'recent'"),
        ("DROP INDEX idx_events_place_id", "the schema (sqlite_master) lacks ('index', 'idx_events_place_id'"),
        ("CREATE TABLE notes (x TEXT)", "the schema (sqlite_master) holds ('table', 'notes'"),
        ("DROP TABLE _kzdata_meta", "table _kzdata_meta lacks (\"'citation'\", "),
    ],
)
def test_a_sqlite_export_whose_schema_or_dictionary_changed_fails(
    exports: dict[str, Path], tmp_path: Path, statement: str, words: str
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    sqlite_edit(out, statement)
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert any(p.startswith("sqlite/kzdata.db: ") and words in p for p in report.problems), problems_of(report)
    assert report.fingerprint == CITED  # the values are untouched: only what is written about them changed


def test_a_sqlite_export_whose_values_changed_has_a_citation_of_other_data(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    # One valid value changed: the values give another fingerprint, and the citation the
    # database carries in _kzdata_meta (which names the release's) no longer cites them.
    out = fresh(exports, "sqlite", tmp_path)
    sqlite_edit(out, "UPDATE sentences SET prison_years = 1 WHERE sentence_id = ?", parameters=(MASSIMOV,))
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.fingerprint not in (None, CITED)
    cited = [p for p in report.problems if p.startswith("sqlite/kzdata.db: table _kzdata_meta holds (\"'citation'\"")]
    assert cited and CITED in cited[0], problems_of(report)


def test_a_sqlite_export_with_bad_values_still_has_its_dictionary_checked(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    sqlite_edit(out, "UPDATE sentences SET closed_trial = 5", "CREATE VIEW recent AS SELECT 1")
    problems = problems_of(kzdata.verify(out, raise_on_error=False))
    assert "the schema (sqlite_master) holds ('view', 'recent'" in problems
    # Without a fingerprint there is no citation to regenerate: _kzdata_meta is left unjudged.
    assert "_kzdata_meta" not in problems


def test_a_sqlite_dictionary_lists_three_differences_each_way_then_counts_the_rest(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    sqlite_edit(out, "DELETE FROM _kzdata_meta")  # its 11 rows (name, version, title, ..., dates), counted by hand
    problems = [p for p in kzdata.verify(out, raise_on_error=False).problems if "_kzdata_meta" in p]
    assert len([p for p in problems if " lacks " in p]) == 3
    assert problems[-1] == "sqlite/kzdata.db: table _kzdata_meta: 8 more difference(s)"
    assert len(problems) == 4


def test_a_sqlite_dictionary_with_rows_added_lists_three_and_every_other_difference(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    added = [f"INSERT INTO _kzdata_meta VALUES ('note{i}', 'x')" for i in range(5)]
    sqlite_edit(out, *added, "CREATE VIEW recent AS SELECT 1")
    problems = kzdata.verify(out, raise_on_error=False).problems
    meta = [p for p in problems if "_kzdata_meta" in p]
    assert meta == [
        "sqlite/kzdata.db: table _kzdata_meta holds (\"'note0'\", \"'x'\"), which the export does not write",
        "sqlite/kzdata.db: table _kzdata_meta holds (\"'note1'\", \"'x'\"), which the export does not write",
        "sqlite/kzdata.db: table _kzdata_meta holds (\"'note2'\", \"'x'\"), which the export does not write",
        "sqlite/kzdata.db: table _kzdata_meta: 2 more difference(s)",
    ]
    assert (
        "sqlite/kzdata.db: the schema (sqlite_master) holds ('view', 'recent', 'recent', "
        "'CREATE VIEW recent AS SELECT 1'), which the export does not write" in problems
    )
    assert len([p for p in problems if "sqlite_master" in p]) == 1  # one difference shown, nothing more to count


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("bundle", "notes.md"),
        ("bundle", "csv/events-old.csv"),
        ("csv", "csv/__pycache__/events.csv"),
        ("parquet", "datapackage.json"),
        ("parquet", "parquet/extra.parquet"),
        ("sqlite", "sqlite/other.db"),
        ("sqlite", "croissant.json"),
    ],
)
def test_an_export_with_a_file_its_format_does_not_write_fails(
    exports: dict[str, Path], tmp_path: Path, fmt: str, name: str
) -> None:
    out = fresh(exports, fmt, tmp_path)
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(b"{}\n")
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert any(p.startswith(f"{name}: not a file of a {fmt} export") for p in report.problems), problems_of(report)


def test_an_empty_folder_in_an_export_is_reported_too(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "csv", tmp_path)
    (out / "xlsx").mkdir()
    report = kzdata.verify(out, raise_on_error=False)
    assert [p for p in report.problems if p.startswith("xlsx: not a file of a csv export")], problems_of(report)


def test_an_export_whose_citation_states_another_release_fails(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "parquet", tmp_path)
    version = descriptor_of(DATA)["version"]
    cff = out / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    assert f'version: "{version}"' in text or f"version: {version}" in text
    cff.write_text(text.replace(version, "9.9.9"), encoding="utf-8")
    problems = problems_of(kzdata.verify(out, fingerprint=CITED, raise_on_error=False))
    assert f"it states release 9.9.9; this kzdata is {version}: verify it with kzdata 9.9.9" in problems


def test_an_export_whose_data_dictionary_was_edited_fails(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    dictionary = out / "data-dictionary.md"
    dictionary.write_text(
        dictionary.read_text(encoding="utf-8").replace("Prison term in years", "Prison term in months")
    )
    problems = problems_of(kzdata.verify(out, fingerprint=CITED, raise_on_error=False))
    assert "data-dictionary.md: is not the data dictionary of kzdata" in problems
    assert "Prison term in months" in problems  # the line that differs is shown


@pytest.mark.parametrize("fmt", ["bundle", "csv"])
def test_an_export_whose_descriptor_states_other_terms_fails(
    exports: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    out = fresh(exports, fmt, tmp_path)
    document = descriptor_of(out)
    document["licenses"][0]["name"] = "CC0-1.0"
    write_descriptor(out, document)
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.fingerprint == CITED
    assert 'licenses[0].name is "CC0-1.0"' in problems_of(report)


@pytest.mark.parametrize(
    ("fmt", "files"),
    [
        ("bundle", 4 + 1 + 2 * len(oracle.TABLE_ORDER)),  # README, LICENSE-DATA, CITATION, dictionary; descriptor
        ("csv", 4 + 1 + len(oracle.TABLE_ORDER)),
        ("parquet", 4 + len(oracle.TABLE_ORDER)),
        ("sqlite", 4 + 1),
    ],
)
def test_a_whole_export_reports_every_file_it_checked(exports: dict[str, Path], fmt: str, files: int) -> None:
    report = kzdata.verify(exports[fmt], fingerprint=CITED)
    assert report.checked == files
    assert str(report).startswith(
        f"kzdata {descriptor_of(DATA)['version']}: all {files} files of the release check out"
    )


def test_a_verified_export_reports_the_folder_and_the_fingerprint_it_was_given(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    report = kzdata.verify(exports["sqlite"], fingerprint=CITED)
    assert report.expected == CITED and report.where == str(exports["sqlite"])
    assert str(report).endswith(f"content fingerprint {CITED}; it matches the fingerprint you gave")
    out = fresh(exports, "sqlite", tmp_path)
    (out / "notes.md").write_text("x\n", encoding="utf-8")
    assert f"the files in {out} differ:" in str(kzdata.verify(out, raise_on_error=False))


def test_a_linked_data_folder_is_not_read_as_an_export(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    (out / "sqlite").rename(tmp_path / "elsewhere")
    (out / "sqlite").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    report = kzdata.verify(out, raise_on_error=False)
    link = f"sqlite: a symbolic link to {tmp_path / 'elsewhere'}, which `kzdata export` never writes"
    assert report.problems[0].startswith(link)
    assert report.fingerprint is None, "nothing is read through the link"


def test_verify_of_a_file_is_invalid_argument(tmp_path: Path) -> None:
    file = tmp_path / "kzdata.db"
    file.write_bytes(b"")
    with pytest.raises(
        InvalidArgumentError, match=r"kzdata\.db is not a folder; give a folder written by `kzdata export`"
    ):
        kzdata.verify(file)


def test_an_empty_folder_is_no_export(tmp_path: Path) -> None:
    report = kzdata.verify(tmp_path, fingerprint=CITED, raise_on_error=False)
    assert report.problems[0] == (
        f"{tmp_path} holds no CSV, Parquet or SQLite copy of the tables; verify a folder written by "
        "`kzdata export` with the bundle, csv, parquet or sqlite format"
    )
    assert report.problems[1].startswith("content fingerprint: cannot be recomputed")
    assert report.fingerprint is None and len(report.problems) == 2


def test_a_file_of_the_export_that_is_a_folder_or_missing_is_named(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "csv", tmp_path)
    (out / "README.md").unlink()
    (out / "README.md").mkdir()
    (out / "csv" / "events.csv").unlink()
    report = kzdata.verify(out, raise_on_error=False)
    assert "README.md: cannot be used: a directory, not a regular file" in report.problems
    assert "csv/events.csv: missing" in report.problems
    assert report.fingerprint is None


def test_a_linked_folder_in_an_export_is_one_problem_and_never_entered(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "parquet", tmp_path)
    (out / "more").symlink_to(out / "parquet", target_is_directory=True)
    problems = kzdata.verify(out, raise_on_error=False).problems
    assert [p for p in problems if p.startswith("more")] == [
        f"more: a symbolic link to {out / 'parquet'}, which `kzdata export` never writes; verify follows no links, "
        "so it cannot vouch for what it points to: put the file or folder itself there"
    ]


def test_a_link_inside_a_linked_folder_is_not_reported_since_the_folder_is_never_entered(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    """verify follows no links: a linked folder is one problem, and whatever it holds, links too, is never listed."""
    out = fresh(exports, "csv", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inner").symlink_to(tmp_path / "nowhere")
    (out / "more").symlink_to(elsewhere, target_is_directory=True)
    problems = kzdata.verify(out, raise_on_error=False).problems
    assert [p for p in problems if p.startswith("more")] == [
        f"more: a symbolic link to {elsewhere}, which `kzdata export` never writes; verify follows no links, "
        "so it cannot vouch for what it points to: put the file or folder itself there"
    ]


def test_a_link_whose_target_cannot_be_read_is_still_named(
    exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the system will not say where a link points, the problem names the link without a target."""
    out = fresh(exports, "csv", tmp_path)
    (out / "more").symlink_to(tmp_path / "nowhere")

    def unreadable(self: Path) -> Path:
        raise OSError("cannot read the link")

    monkeypatch.setattr(Path, "readlink", unreadable)
    problems = kzdata.verify(out, raise_on_error=False).problems
    assert [p for p in problems if p.startswith("more")] == [
        "more: a symbolic link, which `kzdata export` never writes; verify follows no links, "
        "so it cannot vouch for what it points to: put the file or folder itself there"
    ]


def test_an_export_folder_given_through_a_link_verifies(exports: dict[str, Path], tmp_path: Path) -> None:
    """Only links inside the export are problems: the folder named may itself be reached through one.

    (A temporary folder often is: /tmp on macOS is a link to /private/tmp.) The fingerprint
    the citation names is recomputed by the oracle.
    """
    link = tmp_path / "export"
    link.symlink_to(exports["csv"], target_is_directory=True)
    report = kzdata.verify(link, fingerprint=CITED)
    assert report.ok and report.fingerprint == CITED


def test_a_folder_that_cannot_be_looked_at_is_refused_with_the_systems_reason(tmp_path: Path) -> None:
    """verify names the folder and why it cannot be used: the system's words, not Python's exception text."""
    import errno

    missing = tmp_path / "missing"
    with pytest.raises(InvalidArgumentError) as refused:
        kzdata.verify(missing)
    assert str(refused.value) == (
        f"cannot use {missing} as an export folder ({os.strerror(errno.ENOENT)}); "
        "give a folder written by `kzdata export`"
    )
    nul = tmp_path / "a\x00b"
    with pytest.raises(InvalidArgumentError) as refused:
        kzdata.verify(nul)
    assert str(refused.value) == (
        f"cannot use {nul} as an export folder (embedded null byte); give a folder written by `kzdata export`"
    )


def test_a_bundle_whose_copies_disagree_names_both(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "bundle", tmp_path)
    (out / "parquet" / "sentences.parquet").write_bytes(massimov_given_one_year(out / "parquet"))
    report = kzdata.verify(out, raise_on_error=False)
    assert any(
        p.startswith("table 'sentences': the values in parquet/ (Parquet) differ from those in csv/ (CSV) (line ")
        for p in report.problems
    ), problems_of(report)


def test_a_bundle_missing_a_parquet_file_names_that_file_only(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "bundle", tmp_path)
    (out / "parquet" / "events.parquet").unlink()
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.problems == ["parquet/events.parquet: missing", *report.problems[1:]]
    assert not [p for p in report.problems if p.startswith("datapackage.json")], problems_of(report)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "datapackage.json: datapackage.json is not valid JSON"),
        (b'{"resources": []}', "datapackage.json: no resource 'sources' with a schema"),
        (b"[]", "datapackage.json: no resource 'sources' with a schema"),
    ],
)
def test_an_export_descriptor_without_schemas_is_named(
    exports: dict[str, Path], tmp_path: Path, content: bytes, words: str
) -> None:
    out = fresh(exports, "csv", tmp_path)
    (out / "datapackage.json").write_bytes(content)
    report = kzdata.verify(out, raise_on_error=False)
    assert any(p.startswith(words) for p in report.problems), problems_of(report)
    assert report.fingerprint is None


@pytest.mark.parametrize("mark", [{"numpy": "1.0 (locked 2.0)"}, "yes"])
def test_an_export_descriptor_cannot_add_an_unlocked_build_mark(
    exports: dict[str, Path], tmp_path: Path, mark: object
) -> None:
    # The mark says the release was built outside the lock; only the installed release can carry it.
    assert "kzdata:unlocked-build" not in descriptor_of(DATA)
    out = fresh(exports, "csv", tmp_path)
    document = descriptor_of(out)
    document["kzdata:unlocked-build"] = mark
    write_descriptor(out, document)
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert "kzdata:unlocked-build is not part of the release" in problems_of(report)
    # The advice is about the export, not about reinstalling kzdata.
    assert str(report).endswith(
        "This folder is not an unaltered export of the release: export it again with `kzdata export` "
        "(or get the export the citation names) and verify that."
    )


def test_an_export_of_an_unlocked_build_must_carry_the_installed_releases_mark(
    exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from kzdata import _integrity

    out = fresh(exports, "csv", tmp_path)
    mark = {"numpy": "1.0 (locked 2.0)"}
    real = _integrity.descriptor()
    unlocked = dataclasses.replace(real, document={**real.document, "kzdata:unlocked-build": mark})
    monkeypatch.setattr(_integrity, "descriptor", lambda: unlocked)
    problems = problems_of(kzdata.verify(out, fingerprint=CITED, raise_on_error=False))
    assert 'kzdata:unlocked-build is missing (expected {"numpy": "1.0 (locked 2.0)"})' in problems
    document = descriptor_of(out)
    document["kzdata:unlocked-build"] = mark
    write_descriptor(out, document)
    assert kzdata.verify(out, fingerprint=CITED, raise_on_error=False).ok


def test_an_export_verifies_when_the_installed_descriptor_cannot_be_read(
    exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kzdata import _integrity

    def refuse() -> None:
        raise IntegrityError("the installed descriptor is damaged")

    out = fresh(exports, "bundle", tmp_path)
    monkeypatch.setattr(_integrity, "descriptor", refuse)
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.ok, problems_of(report)


def test_every_parquet_file_of_an_export_is_checked_even_after_a_missing_one(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "parquet", tmp_path)
    first, last = oracle.TABLE_ORDER[0], oracle.TABLE_ORDER[-1]
    (out / "parquet" / f"{first}.parquet").unlink()
    (out / "parquet" / f"{last}.parquet").write_bytes(b"PAR1 not really")
    problems = kzdata.verify(out, raise_on_error=False).problems
    assert f"parquet/{first}.parquet: missing" in problems
    # docs/errors.md shows the words of this refusal: the exception's class, then its message.
    assert f"parquet/{last}.parquet: cannot be decoded as Parquet (ArrowInvalid: Parquet magic bytes" in "\n".join(
        problems
    )


def test_an_export_without_its_descriptor_or_with_one_too_large_is_named(
    exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kzdata import _verify_folder

    out = fresh(exports, "csv", tmp_path)
    size = (out / "datapackage.json").stat().st_size
    monkeypatch.setattr(_verify_folder, "MAX_DESCRIPTOR_BYTES", size - 1)
    problems = problems_of(kzdata.verify(out, raise_on_error=False))
    assert f"datapackage.json: cannot be used: {size} bytes, more than the {size - 1}" in problems
    monkeypatch.undo()
    (out / "datapackage.json").unlink()
    report = kzdata.verify(out, raise_on_error=False)
    assert "datapackage.json: missing" in report.problems
    assert report.fingerprint is None


def test_an_export_descriptor_with_another_fingerprint_is_named(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "bundle", tmp_path)
    document = descriptor_of(out)
    document["kzdata:fingerprint"] = "sha256:" + "0" * 64
    write_descriptor(out, document)
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert f"datapackage.json: records the fingerprint 'sha256:{'0' * 64}', the files give {CITED}" in report.problems


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ("no-version", "; it states release ?; this kzdata is "),
        ("other-title", "; it states release {version}; it was edited, or belongs to other data"),
    ],
)
def test_an_export_citation_that_was_edited_says_which_release_it_states(
    exports: dict[str, Path], tmp_path: Path, edit: str, words: str
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    version = descriptor_of(DATA)["version"]
    cff = out / "CITATION.cff"
    lines = cff.read_text(encoding="utf-8").splitlines(keepends=True)
    if edit == "no-version":
        lines = [line for line in lines if not line.startswith("version:")]
    else:
        lines = [line.replace("title: ", "title: FORGED ") if line.startswith("title:") else line for line in lines]
    cff.write_text("".join(lines), encoding="utf-8")
    problems = problems_of(kzdata.verify(out, fingerprint=CITED, raise_on_error=False))
    assert f"CITATION.cff: is not the citation of these files (release {version}, fingerprint {CITED})" in problems
    assert words.format(version=version) in problems


@pytest.mark.parametrize(
    ("line", "stated"),
    [('version: "9.9.9-X"', "9.9.9-X"), ("version:9.9.9", "9.9.9"), ("version: 9.9.9", "9.9.9")],
)
def test_the_release_an_export_citation_states_is_quoted_from_its_version_line(
    exports: dict[str, Path], tmp_path: Path, line: str, stated: str
) -> None:
    out = fresh(exports, "parquet", tmp_path)
    cff = out / "CITATION.cff"
    lines = [line if old.startswith("version:") else old for old in cff.read_text(encoding="utf-8").splitlines()]
    cff.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(kzdata.verify(out, raise_on_error=False))
    assert f"; it states release {stated}; this kzdata is " in problems, problems


def test_an_export_citation_that_is_not_utf8_is_named(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "parquet", tmp_path)
    cff = out / "CITATION.cff"
    cff.write_bytes(cff.read_bytes().replace(b"title: ", b"title: \xff", 1))
    problems = problems_of(kzdata.verify(out, fingerprint=CITED, raise_on_error=False))
    assert "CITATION.cff: is not the citation of these files" in problems


@pytest.mark.parametrize("name", ["CITATION.cff", "data-dictionary.md"])
def test_an_export_missing_its_citation_or_dictionary_is_named(
    exports: dict[str, Path], tmp_path: Path, name: str
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    (out / name).unlink()
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.problems == [f"{name}: missing"]


def test_rows_of_a_sqlite_table_in_another_order_are_the_same_values(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    # Move the first event to the end of the table's storage: SQLite returns it last.
    sqlite_edit(
        out,
        "CREATE TEMP TABLE first AS SELECT * FROM events ORDER BY rowid LIMIT 1",
        "DELETE FROM events WHERE rowid = (SELECT min(rowid) FROM events)",
        "INSERT INTO events SELECT * FROM first",
    )
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.ok, problems_of(report)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("garbage", "sqlite/kzdata.db: not a SQLite database ("),
        ("folder", "sqlite/kzdata.db: cannot be used: not a regular file of acceptable size"),
        ("missing", "sqlite/kzdata.db: missing"),
        ("dropped", "sqlite/kzdata.db: table 'events' cannot be read (no such table: events)"),
    ],
)
def test_a_sqlite_database_that_cannot_be_read_is_named(
    exports: dict[str, Path], tmp_path: Path, damage: str, words: str
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    db = out / "sqlite" / "kzdata.db"
    if damage == "garbage":
        db.write_bytes(b"not a database at all, " * 100)
    elif damage == "dropped":
        sqlite_edit(out, "PRAGMA foreign_keys = OFF", "DROP TABLE events")
    else:
        db.unlink()
        if damage == "folder":
            db.mkdir()
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert any(p.startswith(words) for p in report.problems), problems_of(report)
    assert report.fingerprint is None


def test_every_table_of_a_sqlite_export_is_read_even_after_one_that_cannot_be(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    out = fresh(exports, "sqlite", tmp_path)
    first, last = oracle.TABLE_ORDER[0], oracle.TABLE_ORDER[-1]
    sqlite_edit(out, "PRAGMA foreign_keys = OFF", f"DROP TABLE {first}", f"DROP TABLE {last}")
    problems = problems_of(kzdata.verify(out, raise_on_error=False))
    assert f"sqlite/kzdata.db: table {first!r} cannot be read (no such table: {first})" in problems
    assert f"sqlite/kzdata.db: table {last!r} cannot be read (no such table: {last})" in problems


def test_a_sqlite_database_above_the_size_limit_is_not_opened(
    exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kzdata import _verify_folder

    out = fresh(exports, "sqlite", tmp_path)
    size = (out / "sqlite" / "kzdata.db").stat().st_size
    monkeypatch.setattr(_verify_folder, "MAX_FILE_BYTES", size - 1)
    problems = kzdata.verify(out, raise_on_error=False).problems
    assert "sqlite/kzdata.db: cannot be used: not a regular file of acceptable size" in problems
    monkeypatch.setattr(_verify_folder, "MAX_FILE_BYTES", size)
    assert kzdata.verify(out, raise_on_error=False).ok


def _rewrite_parquet(file: Path, *, arrow_edit: Callable[[pa.Table], pa.Table] | None = None, **meta: Any) -> None:
    """Rewrite a Parquet file with pyarrow, its values edited by ``arrow_edit`` or its pandas metadata updated."""
    table = pq.read_table(file)
    if arrow_edit is not None:
        table = arrow_edit(table)
    pandas_meta = json.loads(table.schema.metadata[b"pandas"])
    pandas_meta.update(meta)
    table = table.replace_schema_metadata({**table.schema.metadata, b"pandas": json.dumps(pandas_meta).encode()})
    pq.write_table(table, file)


def test_parquet_files_written_by_other_library_versions_still_verify(exports: dict[str, Path], tmp_path: Path) -> None:
    out = fresh(exports, "parquet", tmp_path)
    _rewrite_parquet(
        out / "parquet" / "sentences.parquet", creator={"library": "pyarrow", "version": "1.0"}, pandas_version="1.0"
    )
    report = kzdata.verify(out, fingerprint=CITED, raise_on_error=False)
    assert report.ok, problems_of(report)


def _nullability_flipped(table: pa.Table) -> pa.Table:
    """sentence_id declared nullable and prison_years declared not null (its values kept)."""
    years = table.column("prison_years").combine_chunks()
    kept = pa.array([0 if v is None else v for v in years.to_pylist()], type=pa.int64())
    schema = table.schema
    schema = schema.set(0, schema.field(0).with_nullable(True))
    index = schema.get_field_index("prison_years")
    schema = schema.set(index, schema.field(index).with_nullable(False))
    return pa.Table.from_arrays([*table.columns[:index], kept, *table.columns[index + 1 :]], schema=schema)


def test_the_release_refuses_a_column_whose_nullability_differs(copy: Path) -> None:
    pq.write_table(_nullability_flipped(pq.read_table(copy / "sentences.parquet")), copy / "sentences.parquet")
    problems = kzdata.verify(raise_on_error=False).problems
    assert (
        "sentences.parquet: column 'sentence_id' is stored as large_string, the release stores large_string not null"
        in problems
    )
    assert "sentences.parquet: column 'prison_years' is stored as int64 not null, the release stores int64" in problems


def _nan_for_missing(table: pa.Table) -> pa.Table:
    index = table.schema.get_field_index("value_low")
    values = table.column(index).combine_chunks().to_numpy(zero_copy_only=False)
    return table.set_column(index, table.schema.field(index), pa.array(values, type=pa.float64()))


def test_the_release_refuses_nan_where_it_stores_missing(copy: Path) -> None:
    _rewrite_parquet(copy / "indicator_values.parquet", arrow_edit=_nan_for_missing)
    missing = sum(1 for row in oracle.rows("indicator_values") if row["value_low"] == "")
    assert missing
    problems = problems_of(kzdata.verify(raise_on_error=False))
    assert f"indicator_values.parquet: column 'value_low' holds NaN in {missing} row(s)" in problems


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            {"index_columns": [{"kind": "range", "name": None, "start": 1, "stop": 2, "step": 1}]},
            "its pandas metadata gives index_columns [{",
        ),
        ({"attributes": {"note": "x"}}, 'its pandas metadata gives attributes {"note": "x"}, kzdata writes {}'),
        ({"extra": 1}, "its pandas metadata adds 'extra'"),
    ],
)
def test_the_release_refuses_pandas_metadata_kzdata_does_not_write(
    copy: Path, edit: dict[str, Any], words: str
) -> None:
    _rewrite_parquet(copy / "sentences.parquet", **edit)
    problems = problems_of(kzdata.verify(raise_on_error=False))
    assert f"sentences.parquet: {words}" in problems


def test_the_release_refuses_parquet_without_pandas_metadata_or_with_more(copy: Path) -> None:
    table = pq.read_table(copy / "sentences.parquet")
    pq.write_table(table.replace_schema_metadata({b"note": b"x"}), copy / "sentences.parquet")
    problems = problems_of(kzdata.verify(raise_on_error=False))
    assert "sentences.parquet: carries the metadata ['note'], which kzdata does not write" in problems
    assert "sentences.parquet: its pandas metadata is None" in problems
    field = table.schema.field(0).with_metadata({b"unit": b"x"})
    pq.write_table(table.cast(table.schema.set(0, field)), copy / "sentences.parquet")
    problems = problems_of(kzdata.verify(raise_on_error=False))
    assert "sentences.parquet: the columns ['sentence_id'] carry metadata" in problems


def test_an_export_of_a_release_with_a_renamed_pandas_column_is_refused(copy: Path, tmp_path: Path) -> None:
    table = pq.read_table(copy / "sentences.parquet")
    meta = json.loads(table.schema.metadata[b"pandas"])
    meta["columns"][1]["name"] = "person"
    table = table.replace_schema_metadata({b"pandas": json.dumps(meta).encode()})
    pq.write_table(table, copy / "sentences.parquet")
    with pytest.raises(IntegrityError, match=r"sentences\.parquet: its pandas metadata gives columns"):
        kzdata.export(tmp_path / "out", "csv")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- the command line


def test_verify_against_the_citation_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--fingerprint", CITED]) == 0
    out = capsys.readouterr().out
    assert f"content fingerprint {CITED} matches the files and is the one you gave" in out
    other = "sha256:" + "0" * 64
    assert main(["verify", "--fingerprint", other]) == 1
    err = capsys.readouterr().err
    assert f"the files give {CITED}, not the {other} you gave" in err
    assert main(["verify", "--fingerprint", "abc"]) == 2
    assert "'abc' is not a content fingerprint" in capsys.readouterr().err
    with pytest.raises(InvalidArgumentError):
        kzdata.verify(fingerprint="sha256:XYZ")


# --------------------------------------------------------------------------- issue 21: a larger file's size


@pytest.mark.parametrize("relative", ["events.parquet", "csv/events.csv", "CITATION.cff", "datapackage.json"])
def test_verify_reports_a_grown_files_real_size_never_0_bytes(copy: Path, relative: str) -> None:
    """0.2.0 reported a changed, larger file as "0 bytes" (issue 21). Oracle: the file's size on disk."""
    file = copy / relative
    with file.open("ab") as handle:
        handle.write(b"\n# appended\n")
    size = file.stat().st_size
    text = problems_of(kzdata.verify(raise_on_error=False))
    assert " 0 bytes" not in text
    if relative != "datapackage.json":  # the descriptor is reported by its record, not its size
        assert f"{relative}: {size} bytes, expected " in text
