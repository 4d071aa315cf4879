"""Write the data for people outside Python: :func:`kzdata.export` over the format registry.

Every format has the same layout, so a reader (or a script) finds each kind of file
at the same place whatever was exported::

    README.md            the dataset card (what the data are, how to use them responsibly)
    LICENSE-DATA         the data licence
    CITATION.cff         how to cite this release (version, date, content fingerprint)
    data-dictionary.md   every column of every table
    ...                  the format's own files (kzdata._formats.FORMATS, docs/formats.md)

Before anything is written, every shipped file is checked against the hashes of the
release (:func:`kzdata._integrity.verified_files`, the one integrity gate) and a damaged
release raises :class:`~kzdata.errors.IntegrityError`; the formats then write from exactly
the bytes that were checked. Nothing is written outside ``out``; ``out`` must be new or
empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kzdata import _formats
from kzdata._formats.files import BESIDE
from kzdata.errors import InvalidArgumentError

if TYPE_CHECKING:
    from kzdata._generated import FormatName

COMMON_FILES = ("README.md", "LICENSE-DATA", "CITATION.cff", "data-dictionary.md")
"""The files every export carries at its top level."""


def _target(out: Path | str) -> Path:
    if not isinstance(out, (str, Path)) or not str(out):
        raise InvalidArgumentError(f"out must be a directory path, got {out!r}")
    target = Path(out)
    if target.is_symlink() and not target.exists():
        raise InvalidArgumentError(f"{target} is a link to a path that does not exist; choose a new or empty directory")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidArgumentError(f"{target} exists and is not an empty directory; choose a new or empty one")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidArgumentError(
            f"cannot create the directory {target} ({exc.strerror or exc}); choose a path you can write to, "
            "not below a file"
        ) from None
    return target


def export(out: Path | str, format: FormatName = _formats.DEFAULT) -> list[Path]:
    """Write kzdata to ``out`` and return the files written.

    Parameters
    ----------
    out
        A new or empty directory.
    format
        One of the names of :data:`kzdata.FormatName` (``kzdata._formats.FORMATS``), each
        listed with what it writes and what it needs in ``docs/formats.md``; the default is
        ``"bundle"`` (CSV and Parquet). Every format also carries the dataset card, the
        licence, ``CITATION.cff`` and the data dictionary.

    Raises
    ------
    IntegrityError
        When a shipped file differs from the release (nothing is written then).
    InvalidArgumentError
        For an unknown format, or an ``out`` that is not a new or empty directory.
    MissingDependencyError
        When the format needs an optional extra that is not installed.
    """
    from kzdata._dictionary import render_markdown
    from kzdata._integrity import verified_files

    chosen = _formats.get(format)
    chosen.check_available()
    # The one integrity gate: every shipped file checked against the release before
    # anything is written, and exactly the checked bytes written (nothing read twice).
    checked = verified_files()
    target = _target(out)
    written: list[Path] = []
    for name, dest in BESIDE.items():
        (target / dest).write_bytes(checked[name])
        written.append(target / dest)
    (target / "data-dictionary.md").write_bytes(render_markdown().encode("utf-8"))
    written.append(target / "data-dictionary.md")
    folders = tuple(target / folder for folder in chosen.folders)
    for folder in folders:
        folder.mkdir()
    written += chosen.writer()(target, folders, checked)
    return written
