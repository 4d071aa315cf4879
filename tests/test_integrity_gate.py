"""One gate for integrity: every reader of shipped data refuses an altered file the same way.

The damage is done here by hand (a flipped byte, an edited descriptor); the oracle is
the kind of the exception and the words of its message, never kzdata's own hashes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kzdata
from kzdata import _integrity as integrity
from kzdata._cli import main


def flip_last_byte(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[-20] ^= 0x01
    file.write_bytes(bytes(data))


def _connect() -> Any:
    pytest.importorskip("duckdb")
    return kzdata.connect()


READERS: dict[str, Callable[[], object]] = {
    "load": lambda: kzdata.load("events"),
    "load-pyarrow": lambda: kzdata.load("events", backend="pyarrow"),
    "connect": _connect,
    "verify": kzdata.verify,
    "read_checked": lambda: integrity.read_checked("events.parquet"),
    "checked_path": lambda: integrity.checked_path("events.parquet"),
    "verified_files": integrity.verified_files,
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_refuses_an_altered_parquet_file(release_copy: Path, reader: str) -> None:
    flip_last_byte(release_copy / "events.parquet")
    with pytest.raises(kzdata.IntegrityError, match=r"events\.parquet") as info:
        READERS[reader]()
    assert isinstance(info.value, OSError)
    assert "kzdata" in str(info.value).lower() and "reinstall" in str(info.value).lower()


def test_an_altered_csv_file_is_refused_by_the_export_helper(release_copy: Path) -> None:
    flip_last_byte(release_copy / "csv" / "people.csv")
    with pytest.raises(kzdata.IntegrityError, match=r"csv/people\.csv: sha256 differs"):
        integrity.verified_files()
    with pytest.raises(kzdata.IntegrityError, match=r"differs from the released one"):
        integrity.read_checked("csv/people.csv")


@pytest.mark.parametrize("name", ["LICENSE-DATA", "CITATION.cff", "dataset-card.md"])
def test_an_altered_file_beside_the_data_is_refused_by_verify_and_every_export(
    release_copy: Path, tmp_path: Path, name: str
) -> None:
    # Exports carry these files; an edited licence or citation must not travel as the release's.
    flip_last_byte(release_copy / name)
    with pytest.raises(kzdata.IntegrityError, match=rf"{re.escape(name)}: sha256 differs"):
        kzdata.verify()
    for fmt in ("bundle", "csv", "parquet"):
        with pytest.raises(kzdata.IntegrityError, match=re.escape(name)):
            kzdata.export(tmp_path / fmt, fmt)
        assert not (tmp_path / fmt).exists(), "nothing is written"


def _edit_descriptor(copy: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = copy / "datapackage.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d["resources"][0].pop("hash"), r"lacks hash"),
        (lambda d: d["resources"][0].pop("path"), r"lacks path"),
        (lambda d: d["resources"][1].pop("kzdata:parquet"), r"kzdata:parquet\): missing"),
        (lambda d: d["resources"][0].update(path="../../../etc/passwd"), r"points outside the data folder"),
        (lambda d: d["resources"][0].update(path="/etc/passwd"), r"points outside the data folder"),
        (lambda d: d["resources"][0].update(bytes="many"), r"wrong type"),
    ],
    ids=["no-hash", "no-path", "no-parquet-twin", "dot-dot", "absolute", "bytes-not-a-number"],
)
def test_verify_reports_a_broken_descriptor_entry(
    release_copy: Path, edit: Callable[[dict[str, Any]], None], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_descriptor(release_copy, edit)
    report = kzdata.verify(raise_on_error=False)
    assert not report.ok
    assert any(__import__("re").search(problem, p) for p in report.problems), report.problems
    assert main(["verify"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "differ" in err


def test_a_descriptor_that_is_not_json_is_an_integrity_error(release_copy: Path) -> None:
    (release_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    for reader in ("load", "verify", "connect"):
        with pytest.raises(kzdata.IntegrityError, match=r"descriptor"):
            READERS[reader]()


def test_a_path_outside_the_data_folder_is_never_read(release_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not kzdata's", encoding="utf-8")
    _edit_descriptor(release_copy, lambda d: d["resources"][0].update(path="../../secret.txt"))
    assert integrity.safe_relative("../../secret.txt") is None
    report = kzdata.verify(raise_on_error=False)
    assert not any("secret" in p and "sha256" in p for p in report.problems)
    with pytest.raises(kzdata.IntegrityError):
        integrity.read_checked("../../secret.txt")


def test_a_fifo_in_place_of_a_data_file_does_not_hang(release_copy: Path) -> None:
    import os

    (release_copy / "events.parquet").unlink()
    os.mkfifo(release_copy / "events.parquet")
    with pytest.raises(kzdata.IntegrityError, match=r"events"):
        kzdata.load("events")
    assert not kzdata.verify(raise_on_error=False).ok


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "FAKE TITLE"),
        ("version", "6.6.6"),
        ("licenses", [{"name": "CC0-1.0", "path": "https://example.org"}]),
        ("kzdata:release_date", "1999-01-01"),
        ("kzdata:fingerprint", "sha256:" + "0" * 64),
    ],
    ids=["title", "version", "licence", "release-date", "fingerprint"],
)
def test_edited_descriptor_metadata_is_refused_by_verify_and_exports(
    release_copy: Path, tmp_path: Path, field: str, value: object
) -> None:
    # The hashes vouch for the files, not for the descriptor's own statements: an edited
    # licence or version must not pass verify or travel in an export as the release's.
    _edit_descriptor(release_copy, lambda d: d.update({field: value}))
    with pytest.raises(kzdata.IntegrityError, match=r"datapackage\.json|fingerprint"):
        kzdata.verify()
    with pytest.raises(kzdata.IntegrityError):
        kzdata.export(tmp_path / "out", "csv")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- what the gate says, word for word


REINSTALL_WORDS = (
    "Reinstall kzdata (pip install --force-reinstall kzdata), or from a source checkout run `kzdata build`."
)
"""The reinstall advice of docs/errors.md, written out."""


def test_the_code_record_is_the_committed_module_and_pins_the_descriptors_sha256() -> None:
    """kzdata/_release.py as committed is exactly what record_module makes of the shipped descriptor.

    The sha256 is computed here with hashlib; the text is the committed file, which the
    build writes and the release's loaders trust (docs/versioning.md).
    """
    import hashlib

    from kzdata import _files

    descriptor = (_files.data_dir() / _files.DESCRIPTOR).read_bytes()
    committed = (Path(integrity.__file__).with_name(integrity.RECORD_NAME)).read_bytes()
    made = integrity.record_module(descriptor)
    assert made == committed
    assert made.endswith(f'\nDESCRIPTOR_SHA256 = "{hashlib.sha256(descriptor).hexdigest()}"\n'.encode())
    assert made.startswith(b"# Generated by `kzdata build`; do not edit.\n")


def test_json_differences_name_each_path_found_and_expected() -> None:
    """Paths are dotted keys and [index]es from the top, values shown as JSON (non-ASCII as it is)."""
    found = {"title": "Қаңтар", "resources": [{"path": "a.csv"}, {"path": "b.csv"}], "extra": 5}
    expected = {"title": "January", "resources": [{"path": "a.csv"}, {"path": "c.csv"}]}
    assert integrity._json_differences(found, expected) == [
        'title is "Қаңтар", expected "January"',
        'resources[1].path is "b.csv", expected "c.csv"',
        "extra is not part of the release (found 5)",
    ]
    assert integrity._json_differences({}, {"a": [1]}) == ["a is missing (expected [1])"]


def test_json_differences_of_whole_documents_and_of_other_kinds() -> None:
    """A top-level value, a top-level list, and a dict where a list is expected are each one difference."""
    assert integrity._json_differences(1, 2) == ["the document is 1, expected 2"]
    assert integrity._json_differences([1, 2], [1, 3]) == ["[1] is 2, expected 3"]
    assert integrity._json_differences({"k": {"a": 1}}, {"k": [1]}) == ['k is {"a": 1}, expected [1]']
    assert integrity._json_differences([1], [1, 2]) == ["the document is [1], expected [1, 2]"]


def test_json_differences_stop_at_three_by_default() -> None:
    """At most ``limit`` (3) differences, counted by hand: five keys differ, five list items differ."""
    five = dict.fromkeys("abcde", 1)
    assert integrity._json_differences(five, dict.fromkeys("abcde", 2)) == [
        "a is 1, expected 2",
        "b is 1, expected 2",
        "c is 1, expected 2",
    ]
    assert integrity._json_differences([1] * 5, [2] * 5) == [
        "[0] is 1, expected 2",
        "[1] is 1, expected 2",
        "[2] is 1, expected 2",
    ]
    assert len(integrity._json_differences({"x": [1] * 5}, {"x": [2] * 5})) == 3


def test_json_differences_skip_ignored_paths_and_go_on_after_them() -> None:
    """An ignored path is skipped, the keys after it are still compared; an ignored list item too."""
    assert integrity._json_differences({"a": 1, "b": 1, "c": 1}, {"a": 2, "b": 2, "c": 1}, ignore=frozenset({"a"})) == [
        "b is 1, expected 2"
    ]
    assert integrity._json_differences({"l": [1, 1]}, {"l": [2, 2]}, ignore=frozenset({"l[0]"})) == [
        "l[1] is 1, expected 2"
    ]


def test_json_differences_cut_values_longer_than_100_characters() -> None:
    """A value whose JSON is 100 characters is shown whole; at 101 its first 97 and "..." (counted by hand)."""
    whole = "x" * 98  # with its quotes, 100 characters
    long = "x" * 99  # 101 characters
    assert integrity._json_differences(whole, "y") == [f'the document is "{whole}", expected "y"']
    assert integrity._json_differences(long, "y") == [f'the document is "{"x" * 96}..., expected "y"']


def test_a_file_the_descriptor_does_not_record_is_named_with_the_descriptor(release_copy: Path) -> None:
    """read_checked of a path the descriptor lacks: the descriptor's path, the file, the advice."""
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.read_checked("nope.csv")
    assert str(refused.value) == (
        f"the data package descriptor {release_copy / 'datapackage.json'} has no usable record of nope.csv "
        f"(the data file of 'nope.csv'). Run `kzdata verify`, then: {REINSTALL_WORDS}"
    )


def test_a_damaged_file_is_named_by_what_it_holds_with_the_advice(release_copy: Path) -> None:
    """read_checked and checked_path name the file by ``what`` and say to run verify, then reinstall."""
    flip_last_byte(release_copy / "events.parquet")
    advice = (
        "Run `kzdata verify` to see which files are damaged, then reinstall kzdata (from a source checkout: "
        "`kzdata build`)."
    )
    for read in (integrity.read_checked, integrity.checked_path):
        with pytest.raises(kzdata.IntegrityError) as refused:
            read("events.parquet", what="table 'events'")
        assert str(refused.value) == (
            f"the data file of table 'events' differs from the released one: {release_copy / 'events.parquet'}. "
            + advice
        )


def test_a_file_that_cannot_be_read_says_why(release_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError while reading (an I/O error, here simulated) is an IntegrityError naming the file and the error."""
    import errno

    def failing(file: Path, limit: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(integrity, "_read", failing)
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.read_checked("events.parquet", what="table 'events'")
    assert str(refused.value) == (
        f"the data file of table 'events' cannot be read ([Errno 5] Input/output error): "
        f"{release_copy / 'events.parquet'}. {REINSTALL_WORDS}"
    )


def _changes(monkeypatch: pytest.MonkeyPatch, times: int | None) -> None:
    """Make the descriptor look swapped by a build after each of the first ``times`` reads (None: after every read)."""
    calls = 0

    def changed(desc: object) -> bool:
        nonlocal calls
        calls += 1
        return times is None or calls <= times

    monkeypatch.setattr(integrity, "_descriptor_changed", changed)


def test_a_file_read_while_a_build_swapped_the_release_is_read_again(
    release_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/build-transactions.md: a mismatch while the descriptor changed is retried against the new release.

    The swap is simulated: the first check of the file fails and the descriptor looks
    changed once; the second read returns the file's bytes (read here directly).
    """
    real_check = integrity._check
    checks = 0

    def check_once_wrong(entry: integrity.Entry, data: bytes | None) -> str | None:
        nonlocal checks
        checks += 1
        return "swapped" if checks == 1 else real_check(entry, data)

    monkeypatch.setattr(integrity, "_check", check_once_wrong)
    _changes(monkeypatch, 1)
    assert integrity.read_checked("events.parquet") == (release_copy / "events.parquet").read_bytes()
    assert checks == 2


def test_a_file_whose_release_keeps_changing_is_refused_after_three_tries(
    release_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three swaps in a row: the reader gives up and says so, naming the file by what it holds."""
    monkeypatch.setattr(integrity, "_check", lambda entry, data: "swapped")
    _changes(monkeypatch, None)
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.read_checked("events.parquet", what="table 'events'")
    assert str(refused.value) == (
        "the data folder kept changing while the data file of table 'events' was read; try again"
    )


def test_a_citation_read_while_a_build_swapped_the_release_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """release_identity starts again after a swap, and gives up after three; the fingerprint comes from the oracle."""
    from kzdata import _files
    from tests import oracle

    _changes(monkeypatch, 1)
    _version, fingerprint = integrity.release_identity()
    assert fingerprint == oracle.release_fingerprint(_files.data_dir())
    _changes(monkeypatch, None)
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.release_identity()
    assert str(refused.value) == "the data folder kept changing while the release was read; try again"


@pytest.mark.parametrize("damaged", ["csv/events.csv", "events.parquet"])
def test_a_citation_of_a_damaged_table_names_the_table(release_copy: Path, damaged: str) -> None:
    """kzdata.cite's check names the table whose CSV copy or Parquet file differs, not only the path."""
    flip_last_byte(release_copy / damaged)
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.release_identity()
    assert str(refused.value).startswith(
        f"the data file of table 'events' differs from the released one: {release_copy / damaged}. "
    )


def test_a_descriptor_that_can_no_longer_be_read_counts_as_changed(release_copy: Path) -> None:
    """A descriptor replaced by something unreadable (a folder) is not the one read before: read again."""
    desc = integrity.descriptor()
    (release_copy / "datapackage.json").unlink()
    (release_copy / "datapackage.json").mkdir()
    assert integrity._descriptor_changed(desc) is True


# --------------------------------------------------------------------------- the report verify prints

ACTUAL = "sha256:" + "a" * 64
GIVEN = "sha256:" + "b" * 64


def test_a_report_without_problems_says_what_was_checked_and_whether_it_matched() -> None:
    """Word for word: the count, what was checked, the fingerprint; "it matches" only when one was given."""
    checked = (
        "kzdata 9.9.9: all 5 files of the release check out (hashes, Parquet values and types, generated files); "
        f"content fingerprint {ACTUAL}"
    )
    assert str(integrity.VerifyReport("9.9.9", 5, fingerprint=ACTUAL)) == checked
    assert str(integrity.VerifyReport("9.9.9", 5, fingerprint=ACTUAL, expected=ACTUAL)) == (
        checked + "; it matches the fingerprint you gave"
    )


def test_a_report_of_another_release_says_to_get_the_one_the_citation_names() -> None:
    """Only the fingerprint differs: the files are a whole release, not the cited one (docs/errors.md's advice)."""
    problem = (
        f"content fingerprint: the files give {ACTUAL}, not the {GIVEN} you gave: these are not the data "
        "that citation names (another release, or altered data)"
    )
    report = integrity.VerifyReport("9.9.9", 5, [problem], ACTUAL, GIVEN, "/data")
    assert str(report) == (
        "kzdata 9.9.9: 1 problem(s); the files in /data differ:\n"
        f"  - {problem}\n"
        "The files are a whole release of kzdata 9.9.9, but not the data the fingerprint you gave names: get the "
        "release the citation names (its version is in the citation) and verify again."
    )


def test_a_report_of_a_damaged_release_says_to_reinstall() -> None:
    """Any other problem of the installed release: reinstall, or rebuild from a source checkout."""
    report = integrity.VerifyReport("9.9.9", 5, ["events.parquet: missing"], None, None, "/data")
    assert str(report) == (
        "kzdata 9.9.9: 1 problem(s); the files in /data differ:\n"
        "  - events.parquet: missing\n"
        "Reinstall kzdata (pip install --force-reinstall kzdata) to restore the released files "
        "(from a source checkout: `kzdata build`)."
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [("{not json", " is not valid JSON ("), ("[]", " has no list of resources. ")],
)
def test_a_descriptor_that_cannot_be_parsed_is_named_by_its_path(release_copy: Path, text: str, says: str) -> None:
    """The loaders name the descriptor file they could not use, so a user knows which file to look at."""
    (release_copy / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(kzdata.IntegrityError) as refused:
        kzdata.load("events")
    assert str(refused.value).startswith(f"the data package descriptor {release_copy / 'datapackage.json'}{says}")


def test_a_descriptor_read_while_a_build_puts_its_record_in_place_is_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/build-transactions.md: a descriptor that disagrees with the record while a build runs is read again.

    Simulated: the first comparison with the record fails and a build looks in flight; the
    second read agrees, and the descriptor is returned (its version is the installed one).
    """
    from importlib.metadata import version

    real = integrity.record_problem
    calls = 0

    def once_wrong(raw: bytes, base: Path) -> str | None:
        nonlocal calls
        calls += 1
        return "datapackage.json: swapped" if calls == 1 else real(raw, base)

    monkeypatch.setattr(integrity, "record_problem", once_wrong)
    monkeypatch.setattr(integrity, "_wait_for_build", lambda base: True)
    assert integrity.descriptor().version == version("kzdata")
    assert calls == 2


def test_a_descriptor_that_keeps_disagreeing_while_builds_run_is_refused_after_three_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three reads, each during a build, each disagreeing with the record: the reader gives up and says so."""
    monkeypatch.setattr(integrity, "record_problem", lambda raw, base: "datapackage.json: swapped")
    monkeypatch.setattr(integrity, "_wait_for_build", lambda base: True)
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.descriptor()
    assert str(refused.value) == "the data folder kept changing while its descriptor was read; try again"


def test_json_differences_count_missing_and_added_keys_toward_the_limit() -> None:
    """Five keys missing, five added: three of each reported, not four (counted by hand)."""
    assert integrity._json_differences({}, dict.fromkeys("abcde", 1)) == [
        "a is missing (expected 1)",
        "b is missing (expected 1)",
        "c is missing (expected 1)",
    ]
    assert integrity._json_differences(dict.fromkeys("abcde", 1), {}) == [
        "a is not part of the release (found 1)",
        "b is not part of the release (found 1)",
        "c is not part of the release (found 1)",
    ]


def test_a_generated_json_file_that_is_not_json_is_named_twice_over() -> None:
    """The file named, and named again as the thing that is not JSON (not a bare "None is not valid JSON")."""
    problem = integrity._derived_problem("croissant.json", b"{", b"{}")
    assert problem is not None
    assert problem.startswith(
        "croissant.json: differs from what kzdata generates from these files (croissant.json is not valid JSON ("
    )
    assert problem.endswith("); it was edited or is stale")


def _derived(found: str, expected: str, ignore: frozenset[str] = frozenset()) -> str | None:
    return integrity._derived_problem("datapackage.json", found.encode(), expected.encode(), ignore)


def test_a_generated_file_names_its_differences_joined_by_semicolons() -> None:
    """Each difference of the regenerated JSON, in order, joined with "; " (written out by hand)."""
    assert _derived('{"a": 1, "b": 1}', '{"a": 2, "b": 2}') == (
        "datapackage.json: differs from what kzdata generates from these files "
        "(a is 1, expected 2; b is 1, expected 2); it was edited or is stale"
    )


def test_a_generated_file_formatted_otherwise_says_so() -> None:
    """The same JSON with other spacing is still not the generated file, byte for byte."""
    assert _derived('{"a": 1}', '{"a":1}') == (
        "datapackage.json: differs from what kzdata generates from these files "
        "(the same content, formatted differently); it was edited or is stale"
    )


def test_differences_already_reported_elsewhere_are_not_reported_again() -> None:
    """An ignored path (the fingerprint, reported on its own line) is left out; alone, it is no problem here."""
    ignore = frozenset({"kzdata:fingerprint"})
    assert _derived('{"kzdata:fingerprint": "x", "a": 1}', '{"kzdata:fingerprint": "y", "a": 1}', ignore) is None
    assert _derived('{"kzdata:fingerprint": "x", "a": 1}', '{"kzdata:fingerprint": "y", "a": 2}', ignore) == (
        "datapackage.json: differs from what kzdata generates from these files (a is 1, expected 2); "
        "it was edited or is stale"
    )


def test_a_generated_text_file_names_its_first_different_line() -> None:
    """A generated file that is not JSON (CITATION.cff) is compared line by line; the first difference is shown."""
    assert integrity._derived_problem("CITATION.cff", b"a\nb\n", b"a\nc\n") == (
        "CITATION.cff: differs from what kzdata generates from these files (line 2 is 'b', expected 'c'); "
        "it was edited or is stale"
    )


@pytest.mark.parametrize(("folder", "shown"), [(3, "int (3)"), (b"/tmp", "bytes (b'/tmp')")])
def test_verify_of_something_that_is_no_path_says_what_it_takes(folder: object, shown: str) -> None:
    """docs/errors.md: wrong argument types are InvalidArgumentError, naming the type and the value given."""
    with pytest.raises(kzdata.InvalidArgumentError) as refused:
        kzdata.verify(folder)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"verify() takes the path of an exported folder (a str or Path) or None for the installed release, not {shown}"
    )


def test_a_fingerprint_that_is_not_one_says_what_one_looks_like() -> None:
    """The form of a fingerprint, word for word (docs/versioning.md: 'sha256:' and 64 lower-case hex digits)."""
    with pytest.raises(kzdata.InvalidArgumentError) as refused:
        kzdata.verify(fingerprint="sha256:ABC")
    assert str(refused.value) == (
        "fingerprint 'sha256:ABC' is not a content fingerprint: it is 'sha256:' followed by 64 lower-case "
        "hexadecimal digits, as `kzdata cite` prints it"
    )


# --------------------------------------------------------------------------- the gate's pieces, one input at a time


def test_reading_a_regular_file_gives_its_bytes_or_none_and_refuses_the_rest(tmp_path: Path) -> None:
    """read_regular's docstring: the bytes, None when missing, RefusedFileError saying what else it is."""
    import os

    file = tmp_path / "x"
    file.write_bytes(b"12345")
    assert integrity.read_regular(file, 5) == b"12345"
    assert integrity.read_regular(tmp_path / "nope", 5) is None
    assert integrity.read_regular(file / "below", 5) is None
    os.mkfifo(tmp_path / "fifo")
    refused = {
        "5 bytes, more than the 4 a release file may have": file,
        "a FIFO, not a regular file": tmp_path / "fifo",
        "a device, not a regular file": Path("/dev/null"),
        "a directory, not a regular file": tmp_path,
    }
    for message, path in refused.items():
        with pytest.raises(integrity.RefusedFileError) as info:
            integrity.read_regular(path, 4 if path == file else 10)
        assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "limit", "ok"),
    [
        ('{"a": [[1]], "b": "[[[["}', 3, True),
        ("[[[[]]]]", 3, False),
        ("[[[]]]", 3, True),
        ("[[]][[]][[]][[]]", 2, True),
        ('["\\"[[[[", {"k": "]]]]"}]', 2, True),
        ("{{{}}}", 2, False),
        ("[[]][[[]]]", 2, False),
    ],
)
def test_json_nesting_is_counted_outside_strings(text: str, limit: int, ok: bool) -> None:
    """Depth counted by hand: brackets inside strings (escaped quotes included) do not count, closing ones undo."""
    assert integrity.json_depth_ok(text, limit) is ok


def test_json_that_cannot_be_read_says_why() -> None:
    """load_json names the document and the reason: not UTF-8, too deep (64), not JSON."""
    cases = {
        b"\xff": "doc is not UTF-8 (",
        b"[" * 65 + b"]" * 65: "doc nests deeper than 64 levels",
        b"{x": "doc is not valid JSON (",
    }
    for data, says in cases.items():
        with pytest.raises(integrity.RefusedFileError) as info:
            integrity.load_json(data, "doc")
        assert str(info.value).startswith(says)
    assert integrity.load_json(b"[" * 64 + b"]" * 64, "doc") is not None


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("csv/events.csv", True),
        ("a/b:c", True),
        ("../x", False),
        ("/etc/passwd", False),
        ("", False),
        ("a\\b", False),
        ("a\x00b", False),
        ("./a", False),
        ("a//b", False),
        ("a/./b", False),
        ("a/", False),
        ("c:/x", False),
        ("c:x", False),
        (3, False),
    ],
)
def test_a_descriptor_path_must_stay_plainly_inside_the_data_folder(path: object, safe: bool) -> None:
    """safe_relative: a relative POSIX path, no empty, '.' or '..' part, no backslash, NUL or drive letter."""
    assert integrity.safe_relative(path) == (path if safe else None)


def test_every_unusable_descriptor_entry_is_named_and_left_out() -> None:
    """Each broken entry of a hand-made descriptor is one problem, in order; the usable entries are kept."""
    doc: dict[str, Any] = {
        "version": "1.2.3",
        "resources": [
            {
                "name": "t",
                "path": "csv/t.csv",
                "hash": "sha256:x",
                "bytes": 1,
                "kzdata:parquet": {"path": "t.parquet", "hash": "sha256:y", "bytes": 2},
            },
            {"name": "u"},
            5,
            {"name": "v", "path": "../x", "hash": "h", "bytes": 1},
            {"name": "w", "path": "w.csv", "hash": 1, "bytes": "1"},
        ],
        "kzdata:files": [{"name": "LICENSE-DATA", "path": "LICENSE-DATA", "hash": "sha256:z", "bytes": 3}, 7],
    }
    parsed = integrity._parse_fresh(json.dumps(doc).encode(), Path("dp.json"))
    missing = "missing (the descriptor lacks this file's record)"
    assert parsed.problems == [
        "descriptor entry u: lacks path, hash, bytes",
        f"descriptor entry u (kzdata:parquet): {missing}",
        f"descriptor entry resources[2]: {missing}",
        f"descriptor entry resources[2] (kzdata:parquet): {missing}",
        "descriptor entry v: path '../x' points outside the data folder",
        f"descriptor entry v (kzdata:parquet): {missing}",
        "descriptor entry w: hash or bytes has the wrong type",
        f"descriptor entry w (kzdata:parquet): {missing}",
        f"descriptor entry kzdata:files[1]: {missing}",
    ]
    assert parsed.entries == {
        "csv/t.csv": integrity.Entry("csv/t.csv", "sha256:x", 1),
        "t.parquet": integrity.Entry("t.parquet", "sha256:y", 2),
        "LICENSE-DATA": integrity.Entry("LICENSE-DATA", "sha256:z", 3),
    }
    assert parsed.version == "1.2.3"
    doc["kzdata:files"] = {"path": "x"}
    assert integrity._parse_fresh(json.dumps(doc).encode(), Path("dp.json")).problems[-1] == (
        "descriptor entry kzdata:files: not a list of files"
    )


def test_a_missing_or_unusable_descriptor_is_named(release_copy: Path) -> None:
    """The descriptor's path and what is wrong with it, then the reinstall advice."""
    where = release_copy / "datapackage.json"
    where.unlink()
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.descriptor()
    assert str(refused.value) == f"the data package descriptor is missing: {where}. {REINSTALL_WORDS}"
    where.mkdir()
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.descriptor()
    assert str(refused.value) == (
        f"the data package descriptor {where} cannot be used: a directory, not a regular file. {REINSTALL_WORDS}"
    )


def test_an_edited_descriptor_is_named_with_both_hashes_and_the_record(release_copy: Path) -> None:
    """The sha256 found and the one the code records (both computed here with hashlib), and where the record is."""
    import hashlib

    where = release_copy / "datapackage.json"
    built = hashlib.sha256(where.read_bytes()).hexdigest()
    where.write_bytes(where.read_bytes() + b" ")
    edited = hashlib.sha256(where.read_bytes()).hexdigest()
    record = Path(integrity.__file__).resolve().with_name("_release.py")
    with pytest.raises(kzdata.IntegrityError) as refused:
        integrity.descriptor()
    assert str(refused.value) == (
        f"datapackage.json: its sha256 is {edited}, but this kzdata was built with the descriptor {built} "
        f"({record}): the descriptor was edited, or belongs to another build. The loaders trust only the "
        f"descriptor kzdata was built with; run `kzdata verify` to see what differs, then: {REINSTALL_WORDS}"
    )


def test_a_descriptor_without_any_record_is_not_trusted(release_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No record beside the data folder nor installed: the descriptor cannot be trusted, and the message says where."""
    monkeypatch.setattr(integrity, "_INSTALLED_RECORD", str(release_copy / "no-record.py"))
    record = release_copy.parent / "_release.py"
    assert integrity.record_problem((release_copy / "datapackage.json").read_bytes(), release_copy) == (
        f"datapackage.json: the record of the release's descriptor ({record}) is missing or unreadable, so the "
        "descriptor cannot be trusted"
    )


def test_the_version_problem_says_which_side_to_fix() -> None:
    """Older data: rebuild or reinstall; newer data: reinstall the checkout; equal: no problem (docs/versioning.md)."""
    assert integrity.version_problem("0.3.0", "0.3.0") is None
    head = "version: the data are release {} but the installed kzdata is 0.3.0, so no citation can name both; "
    rebuild = (
        "the data were not rebuilt after the version changed: in a source checkout run `kzdata build`; "
        "otherwise reinstall kzdata (pip install --force-reinstall kzdata)"
    )
    reinstall = (
        "the package metadata is older than the data: reinstall the checkout (pip install -e .) after changing "
        "the version in pyproject.toml"
    )
    assert integrity.version_problem("0.2.0", "0.3.0") == head.format("0.2.0") + rebuild
    assert integrity.version_problem("0.4.0", "0.3.0") == head.format("0.4.0") + reinstall
    assert integrity.version_problem("x", "0.3.0") == head.format("x") + rebuild


def test_the_fingerprint_problem_says_whether_it_could_be_recomputed() -> None:
    """None when none was given or they match; otherwise why the files are not the cited data."""
    assert integrity.fingerprint_problem(ACTUAL, None) is None
    assert integrity.fingerprint_problem(ACTUAL, ACTUAL) is None
    assert integrity.fingerprint_problem(None, GIVEN) == (
        f"content fingerprint: cannot be recomputed (see above), so the files cannot be shown to be {GIVEN}"
    )
    assert integrity.fingerprint_problem(ACTUAL, GIVEN) == (
        f"content fingerprint: the files give {ACTUAL}, not the {GIVEN} you gave: these are not the data "
        "that citation names (another release, or altered data)"
    )


def test_verify_names_each_extra_missing_unusable_and_altered_file(release_copy: Path) -> None:
    """One verify of a data folder damaged four ways: each file named with what is wrong, word for word."""
    from importlib.metadata import version

    (release_copy / "extra.txt").write_text("x\n", encoding="utf-8")
    (release_copy / "csv" / "people.csv").unlink()
    (release_copy / "LICENSE-DATA").unlink()
    (release_copy / "LICENSE-DATA").mkdir()
    with (release_copy / "__init__.py").open("a", encoding="utf-8") as init:
        init.write("import os\n")
    problems = kzdata.verify(raise_on_error=False).problems
    assert (
        f"extra.txt: not a file of the release (kzdata {version('kzdata')} ships only the files its registry "
        "names); remove it, or reinstall kzdata"
    ) in problems
    assert "csv/people.csv: missing" in problems
    assert "LICENSE-DATA: cannot be used: a directory, not a regular file" in problems
    assert "__init__.py: differs from the one the release ships (it is code, run on import)" in problems


def test_the_files_present_leave_out_only_the_data_folders_own_bytecode(tmp_path: Path) -> None:
    """_present lists every file and link (links to folders not entered) but ``__pycache__/__init__.*.pyc``.

    Counted by hand from the folder made here; bytecode anywhere else, or of another module, is listed.
    """
    (tmp_path / "sub" / "__pycache__").mkdir(parents=True)
    (tmp_path / "__pycache__").mkdir()
    for name in ("a", "sub/b", "__pycache__/__init__.cpython-311.pyc", "__pycache__/other.cpython-311.pyc"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"x")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inside").write_bytes(b"x")
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    assert integrity._present(tmp_path) == {
        "a",
        "sub/b",
        "__pycache__/other.cpython-311.pyc",
        "sub/__pycache__/__init__.cpython-311.pyc",
        "link",
    }


def test_the_record_beside_the_data_folder_is_read_and_read_again_when_it_changes(tmp_path: Path) -> None:
    """recorded_descriptor_sha256: the record beside the data folder, its sha256 line; None without one."""
    base = tmp_path / "kzdata" / "data"
    base.mkdir(parents=True)
    record = tmp_path / "kzdata" / "_release.py"
    record.write_text(f'# x\nDESCRIPTOR_SHA256 = "{"a" * 64}"\n', encoding="utf-8")
    assert integrity.recorded_descriptor_sha256(base) == ("a" * 64, str(record))
    record.write_text(f'# x\nDESCRIPTOR_SHA256 = "{"b" * 64}"\n# longer now\n', encoding="utf-8")
    assert integrity.recorded_descriptor_sha256(base) == ("b" * 64, str(record))
    record.write_text('DESCRIPTOR_SHA256 = "not a sha"\n', encoding="utf-8")
    assert integrity.recorded_descriptor_sha256(base) == (None, str(record))


def test_without_a_record_beside_the_data_folder_the_installed_one_is_read(tmp_path: Path) -> None:
    """The installed kzdata/_release.py, its sha256 read here from the committed file's text."""
    import re

    installed = Path(integrity.__file__).resolve().with_name("_release.py")
    found = re.search(r'^DESCRIPTOR_SHA256 = "([0-9a-f]{64})"$', installed.read_text(encoding="utf-8"), re.M)
    assert found is not None
    assert integrity.recorded_descriptor_sha256(tmp_path / "kzdata" / "data") == (found.group(1), str(installed))


def test_a_reader_waits_for_a_build_in_flight_and_only_then(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A journal in the checkout's state folder means a build is putting a release in place: wait, a little."""
    import time

    base = tmp_path / "kzdata" / "data"
    base.mkdir(parents=True)
    assert integrity._build_in_flight(base) is False
    started = time.monotonic()
    assert integrity._wait_for_build(base) is False
    assert time.monotonic() - started < 0.1
    journal = tmp_path / ".kzdata-build" / "journal.json"
    journal.parent.mkdir()
    journal.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(integrity, "_BUILD_WAIT_SECONDS", 0.3)
    assert integrity._build_in_flight(base) is True
    started = time.monotonic()
    assert integrity._wait_for_build(base) is True
    assert 0.3 <= time.monotonic() - started < 2


def _problems(release_copy: Path) -> kzdata.VerifyReport:
    """verify() of the release copy kzdata now reads (``release_copy`` is only the sign that it does)."""
    from kzdata import _files

    assert _files.data_dir() == release_copy
    return kzdata.verify(raise_on_error=False)


def test_verify_without_a_descriptor_names_it_once_and_still_checks_the_rest(release_copy: Path) -> None:
    """No descriptor: one problem for it (no sha256 of nothing compared with the record), the generated files
    still regenerated and compared, so an edited CITATION.cff is named even though another file is unusable."""
    where = release_copy / "datapackage.json"
    where.unlink()
    (release_copy / "croissant.json").unlink()
    (release_copy / "croissant.json").mkdir()
    with (release_copy / "CITATION.cff").open("a", encoding="utf-8") as cff:
        cff.write("# edited\n")
    problems = _problems(release_copy).problems
    assert problems[0] == f"datapackage.json: the data package descriptor is missing: {where}. {REINSTALL_WORDS}"
    assert not [p for p in problems if "its sha256 is" in p]
    assert [p for p in problems if p.startswith("CITATION.cff: differs from what kzdata generates from these files")]


def test_verify_names_the_descriptor_that_is_not_json_by_its_path(release_copy: Path) -> None:
    """The descriptor that cannot be parsed is named by its path, so a user knows which file to look at."""
    where = release_copy / "datapackage.json"
    where.write_text("{not json", encoding="utf-8")
    assert (
        _problems(release_copy)
        .problems[0]
        .startswith(f"datapackage.json: the data package descriptor {where} is not valid JSON (")
    )


def test_an_edited_descriptors_hashes_are_not_used_to_judge_the_files(release_copy: Path) -> None:
    """A descriptor the record does not vouch for is reported itself; its entries never make a good file bad."""
    where = release_copy / "datapackage.json"
    document = json.loads(where.read_text(encoding="utf-8"))
    for resource in document["resources"]:
        if resource.get("name") == "events":
            resource["kzdata:parquet"]["hash"] = "sha256:" + "0" * 64
    where.write_text(json.dumps(document, indent=1), encoding="utf-8")
    problems = _problems(release_copy).problems
    assert [p for p in problems if p.startswith("datapackage.json: its sha256 is ")]
    assert not [p for p in problems if p.startswith("events.parquet:")]


def test_a_missing_package_marker_is_missing_not_different(release_copy: Path) -> None:
    """A missing __init__.py is one problem, "missing"; it is not also reported as different code."""
    (release_copy / "__init__.py").unlink()
    problems = _problems(release_copy).problems
    assert "__init__.py: missing" in problems
    assert not [p for p in problems if p.startswith("__init__.py: differs")]


def test_every_table_is_checked_after_one_that_cannot_be_and_no_fingerprint_is_made(release_copy: Path) -> None:
    """The first table's CSV copy missing: no fingerprint (not even an empty one), later tables still decoded."""
    (release_copy / "csv" / "sources.csv").unlink()
    (release_copy / "events.parquet").write_bytes((release_copy / "people.parquet").read_bytes())
    report = _problems(release_copy)
    assert report.fingerprint is None
    assert [p for p in report.problems if p.startswith("events.parquet: has the columns ")]
    assert not [p for p in report.problems if p.startswith("content fingerprint: the files give")]


def _edit_document(release_copy: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    where = release_copy / "datapackage.json"
    document = json.loads(where.read_text(encoding="utf-8"))
    edit(document)
    where.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")


def test_a_version_that_is_no_release_version_is_named_and_the_installed_one_used(release_copy: Path) -> None:
    """docs/versioning.md: a release version is MAJOR.MINOR.PATCH; 'x.y' is named once, and no version
    mismatch is reported on top of it (the installed version is compared instead)."""
    _edit_document(release_copy, lambda d: d.update(version="x.y"))
    problems = _problems(release_copy).problems
    assert "datapackage.json: version 'x.y' is not a release version" in problems
    assert not [p for p in problems if p.startswith("version: the data are release")]


def test_a_descriptor_without_a_version_is_not_called_version_none(release_copy: Path) -> None:
    """A missing descriptor (or version) is its own problem; the data are then taken to be the installed release."""
    (release_copy / "datapackage.json").unlink()
    problems = _problems(release_copy).problems
    assert not [p for p in problems if "is not a release version" in p or p.startswith("version: ")]


def test_a_missing_table_with_an_edited_descriptor_is_reported_not_a_crash(release_copy: Path) -> None:
    """No fingerprint can be made without every table: the generated files are then not regenerated at all."""
    with (release_copy / "datapackage.json").open("a", encoding="utf-8") as descriptor:
        descriptor.write(" ")
    (release_copy / "csv" / "sources.csv").unlink()
    report = _problems(release_copy)
    assert "csv/sources.csv: missing" in report.problems
    assert report.fingerprint is None


def test_the_unlocked_build_mark_is_regenerated_with_the_descriptor(release_copy: Path) -> None:
    """docs/versioning.md: an unlocked build marks datapackage.json; verify regenerates the descriptor with the
    mark it carries, so the mark itself is never reported as a difference (the edit is, by the record)."""
    mark = {"numpy": "1.0 (locked 2.0)"}
    _edit_document(release_copy, lambda d: d.update({"kzdata:unlocked-build": mark}))
    problems = _problems(release_copy).problems
    assert [p for p in problems if p.startswith("datapackage.json: its sha256 is ")]
    assert not [p for p in problems if "kzdata:unlocked-build" in p]


def _files_on_disk(folder: Path) -> dict[str, bytes]:
    """Every file of a data folder but Python's bytecode, read here with pathlib (the oracle of what verify reads)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_verify_reports_the_release_version_and_counts_every_file_extra_ones_too(release_copy: Path) -> None:
    """The report names the installed version and counts the files it checked: all of the release's, plus extras."""
    from importlib.metadata import version

    report = kzdata.verify()
    assert report.version == version("kzdata")
    assert report.checked == len(_files_on_disk(release_copy))
    (release_copy / "extra.txt").write_text("x\n", encoding="utf-8")
    report = kzdata.verify(raise_on_error=False)
    assert report.checked == len(_files_on_disk(release_copy))
    assert str(report).startswith(f"kzdata {version('kzdata')}: 1 problem(s); the files in {release_copy} differ:")


def test_the_files_an_export_copies_are_the_verified_bytes_of_every_file() -> None:
    """verified_files: each file of the release with the bytes on disk (read here with pathlib)."""
    from kzdata import _files

    assert integrity.verified_files() == _files_on_disk(_files.data_dir())


def test_a_fingerprint_edited_in_the_descriptor_is_reported_once(release_copy: Path) -> None:
    """The recorded fingerprint that is not the files' is one problem; the regenerated descriptor does not repeat it."""
    _edit_document(release_copy, lambda d: d.update({"kzdata:fingerprint": "sha256:" + "0" * 64}))
    problems = _problems(release_copy).problems
    assert [p for p in problems if p.startswith("content fingerprint: the files give ")]
    assert not [p for p in problems if p.startswith("datapackage.json: differs from what kzdata generates")]


def test_verify_reads_a_damaged_release_once_when_nothing_was_swapped(
    release_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/build-transactions.md: verify reads again only when the descriptor changed meanwhile; else once."""
    real = integrity._verify_pass
    passes = 0

    def counted(base: Path, expected: str | None) -> Any:
        nonlocal passes
        passes += 1
        return real(base, expected)

    monkeypatch.setattr(integrity, "_verify_pass", counted)
    flip_last_byte(release_copy / "events.parquet")
    assert not kzdata.verify(raise_on_error=False).ok
    assert passes == 1


def test_verify_reads_again_when_a_build_swapped_the_release_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated swap: the first pass saw other descriptor bytes and problems; the second pass of the installed
    release is clean, and that is what verify reports."""
    real = integrity._verify_pass
    passes = 0

    def swapped_once(base: Path, expected: str | None) -> Any:
        nonlocal passes
        passes += 1
        if passes == 1:
            return integrity._Pass("9.9.9", ["a file changed"], {}, 1, None, b"{}")
        return real(base, expected)

    monkeypatch.setattr(integrity, "_verify_pass", swapped_once)
    assert kzdata.verify().ok
    assert passes == 2


def test_a_descriptor_entry_without_a_name_is_named_by_its_place_and_files_beside_are_optional() -> None:
    """A resource without a name is ``resources[i]``; a descriptor without ``kzdata:files`` lacks nothing."""
    doc = {"version": "1.2.3", "resources": [{"path": "csv/t.csv"}]}
    parsed = integrity._parse_fresh(json.dumps(doc).encode(), Path("dp.json"))
    assert parsed.problems == [
        "descriptor entry resources[0]: lacks hash, bytes",
        "descriptor entry resources[0] (kzdata:parquet): missing (the descriptor lacks this file's record)",
    ]
    empty = integrity._parse_fresh(b'{"version": "1.2.3", "resources": []}', Path("dp.json"))
    assert empty.problems == [] and empty.entries == {}


def test_a_report_checked_against_a_citation_says_it_matches() -> None:
    """verify(fingerprint=...) of the release: the report keeps the fingerprint given (recomputed by the oracle)."""
    from kzdata import _files
    from tests import oracle

    cited = oracle.release_fingerprint(_files.data_dir())
    report = kzdata.verify(fingerprint=cited)
    assert report.expected == cited and report.where == str(_files.data_dir())
    assert str(report).endswith(f"content fingerprint {cited}; it matches the fingerprint you gave")


def test_a_broken_entry_of_the_files_beside_the_data_is_named_by_its_name_or_place() -> None:
    """``kzdata:files`` entries are labelled by their name, or their index when they have none."""
    doc = {
        "version": "1.2.3",
        "resources": [],
        "kzdata:files": [{"name": "LICENSE-DATA", "path": "../x", "hash": "h", "bytes": 1}, {"path": "y"}],
    }
    assert integrity._parse_fresh(json.dumps(doc).encode(), Path("dp.json")).problems == [
        "descriptor entry LICENSE-DATA (kzdata:files): path '../x' points outside the data folder",
        "descriptor entry 1 (kzdata:files): lacks hash, bytes",
    ]


def test_a_reader_stops_waiting_as_soon_as_the_build_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait polls the journal often: a build that ends after 0.1 s ends the wait at once, not seconds later."""
    import threading
    import time

    base = tmp_path / "kzdata" / "data"
    base.mkdir(parents=True)
    journal = tmp_path / ".kzdata-build" / "journal.json"
    journal.parent.mkdir()
    journal.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(integrity, "_BUILD_WAIT_SECONDS", 5.0)
    finish = threading.Timer(0.1, journal.unlink)
    started = time.monotonic()
    finish.start()
    try:
        assert integrity._wait_for_build(base) is True
    finally:
        finish.join()
    assert time.monotonic() - started < 0.9


def test_a_record_over_64_kib_is_not_read(tmp_path: Path) -> None:
    """The build writes a record of about 300 bytes; one over 64 KiB (65,550 bytes here) is refused unread."""
    base = tmp_path / "kzdata" / "data"
    base.mkdir(parents=True)
    record = tmp_path / "kzdata" / "_release.py"
    line = f'DESCRIPTOR_SHA256 = "{"a" * 64}"\n'.encode()
    record.write_bytes(line + b"#" * (65_550 - len(line) - 1) + b"\n")
    assert record.stat().st_size == 65_550
    assert integrity.recorded_descriptor_sha256(base) == (None, str(record))


def test_a_record_that_is_a_folder_or_not_utf8_is_read_without_failing(tmp_path: Path) -> None:
    """A record the reader cannot use gives no sha256 (never an exception); a stray non-UTF-8 byte is tolerated."""
    base = tmp_path / "kzdata" / "data"
    base.mkdir(parents=True)
    record = tmp_path / "kzdata" / "_release.py"
    record.write_bytes(b"# \xff\n" + f'DESCRIPTOR_SHA256 = "{"c" * 64}"\n'.encode())
    assert integrity.recorded_descriptor_sha256(base) == ("c" * 64, str(record))
    record.unlink()
    record.mkdir()
    assert integrity.recorded_descriptor_sha256(base) == (None, str(record))


def test_descriptor_bytes_vouched_for_once_are_refused_after_the_record_changes(tmp_path: Path) -> None:
    """The record is the trust root: bytes it vouched for are refused once it names another sha256 (hashlib here)."""
    import hashlib

    base = tmp_path / "kzdata" / "data"
    base.mkdir(parents=True)
    record = tmp_path / "kzdata" / "_release.py"
    raw = b'{"resources": []}'
    got = hashlib.sha256(raw).hexdigest()
    record.write_text(f'DESCRIPTOR_SHA256 = "{got}"\n', encoding="utf-8")
    assert integrity.record_problem(raw, base) is None
    record.write_text(f'DESCRIPTOR_SHA256 = "{"b" * 64}"\n# rebuilt\n', encoding="utf-8")
    assert integrity.record_problem(raw, base) == (
        f"datapackage.json: its sha256 is {got}, but this kzdata was built with the descriptor {'b' * 64} "
        f"({record}): the descriptor was edited, or belongs to another build"
    )


def test_a_file_that_grew_after_it_was_measured_is_refused_not_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """read_regular reads on past the size ``fstat`` gave: an 11-byte file measured at 9 bytes, with a limit of
    10, is refused as too large (never returned cut to 10 bytes). The growth is simulated through ``fstat``."""
    import os

    file = tmp_path / "grows"
    file.write_bytes(b"x" * 11)
    real_fstat = os.fstat

    def measured_before_it_grew(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        if info.st_size != 11:
            return info
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, info.st_uid, info.st_gid, 9,
                               int(info.st_atime), int(info.st_mtime), int(info.st_ctime)))  # fmt: skip

    monkeypatch.setattr(os, "fstat", measured_before_it_grew)
    with pytest.raises(integrity.RefusedFileError) as refused:
        integrity.read_regular(file, 10)
    assert str(refused.value) == "more than the 10 bytes a release file may have"


def test_a_file_that_grew_within_the_limit_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An 8-byte file measured at 5 bytes, with a limit of 10: all 8 bytes come back, in order, nothing between."""
    import os

    file = tmp_path / "grows"
    file.write_bytes(b"abcdefgh")
    real_fstat = os.fstat

    def measured_before_it_grew(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        if info.st_size != 8:
            return info
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, info.st_uid, info.st_gid, 5,
                               int(info.st_atime), int(info.st_mtime), int(info.st_ctime)))  # fmt: skip

    monkeypatch.setattr(os, "fstat", measured_before_it_grew)
    assert integrity.read_regular(file, 10) == b"abcdefgh"


def test_verify_reads_once_a_release_whose_descriptor_cannot_be_read(
    release_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreadable descriptor that stays unreadable is no swap: one pass, its problems reported."""
    real = integrity._verify_pass
    passes = 0

    def counted(base: Path, expected: str | None) -> Any:
        nonlocal passes
        passes += 1
        return real(base, expected)

    monkeypatch.setattr(integrity, "_verify_pass", counted)
    (release_copy / "datapackage.json").unlink()
    (release_copy / "datapackage.json").mkdir()
    assert not kzdata.verify(raise_on_error=False).ok
    assert passes == 1
