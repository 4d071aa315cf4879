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
empty, and outside kzdata's data folder (the next build replaces that folder whole, and
would delete the export without a word).

An export is whole or absent: when anything fails while it is written (a full disk, a
permission, a format's own refusal), everything it wrote is removed again, ``out`` itself
too when the export created it. A file-system failure (including SQLite's "database or disk
is full") is raised as :class:`~kzdata.errors.ExportWriteError`.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from kzdata import _formats
from kzdata._formats.files import BESIDE
from kzdata.errors import ExportWriteError, InvalidArgumentError, KzdataError

if TYPE_CHECKING:
    from kzdata._generated import FormatName

COMMON_FILES = ("README.md", "LICENSE-DATA", "CITATION.cff", "data-dictionary.md")
"""The files every export carries at its top level."""


def _inside_data_folder(target: Path) -> Path | None:
    """kzdata's data folder when ``target`` is it or lies inside it (links resolved), else None."""
    from kzdata import _files

    folder = _files.locate().resolve()
    try:
        where = target.resolve()  # a path that does not exist yet resolves through its existing parents
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python < 3.13)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidArgumentError(
            f"cannot use {target} as the export folder: its path cannot be resolved ({reason}); "
            "choose a directory whose path has no symbolic link loop"
        ) from None
    return folder if where == folder or folder in where.parents else None


def _target(out: Path | str) -> tuple[Path, Path | None]:
    """The export folder, made if needed, and the topmost folder this call made (None: it existed, empty).

    Every refusal of the path itself (wrong type, a NUL byte, a name too long for the file
    system, a folder that cannot be read) is an :class:`InvalidArgumentError`, never the
    built-in error the operating system gave, so a caller catches one kzdata error.
    """
    if not isinstance(out, (str, Path)) or not str(out):
        raise InvalidArgumentError(f"out must be a directory path, got {out!r}")
    if "\x00" in str(out):
        raise InvalidArgumentError(
            f"out {str(out)!r} contains a NUL byte, which no file system accepts in a path; choose another directory"
        )
    target = Path(out)
    try:
        made = _check_target(target)
    except OSError as exc:
        raise InvalidArgumentError(
            f"cannot use {target} as the export folder ({exc.strerror or exc}); choose a shorter path "
            "you can read and write"
        ) from None
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidArgumentError(
            f"cannot create the directory {target} ({exc.strerror or exc}); choose a path you can write to, "
            "not below a file"
        ) from None
    return target, made


def _check_target(target: Path) -> Path | None:
    """Refuse a ``target`` that cannot hold an export; return the topmost folder the export will make."""
    if target.is_symlink() and not target.exists():
        raise InvalidArgumentError(f"{target} is a link to a path that does not exist; choose a new or empty directory")
    folder = _inside_data_folder(target)
    if folder is not None:
        raise InvalidArgumentError(
            f"{target} is inside kzdata's data folder {folder}, which the next `kzdata build` (or reinstall) "
            "replaces whole, deleting the export without a word; choose a directory outside it"
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidArgumentError(f"{target} exists and is not an empty directory; choose a new or empty one")
    if target.exists():
        return None
    made = target.absolute()
    while not made.parent.exists():
        made = made.parent
    return made


def _remove_partial(target: Path, made: Path | None) -> None:
    """Undo an export that failed: remove the folders it made, or empty the folder that was there."""
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        return
    for entry in list(target.iterdir()) if target.is_dir() else []:
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _write_error(target: Path, exc: OSError) -> ExportWriteError:
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    return ExportWriteError(
        f"cannot write the export in {target}: {reason}{where}; what had been written was removed. "
        "Free disk space or choose a directory you can write to, then export again."
    )


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
        For an unknown format, an ``out`` that is not a new or empty directory or that lies
        inside kzdata's data folder, or data the format cannot hold.
    MissingDependencyError
        When the format needs an optional extra that is not installed.
    ExportWriteError
        When the file system refuses the files (disk full, no permission); what had been
        written is removed.
    """
    from kzdata._dictionary import render_markdown
    from kzdata._integrity import verified_files

    chosen = _formats.get(format)
    chosen.check_available()
    # The one integrity gate: every shipped file checked against the release before
    # anything is written, and exactly the checked bytes written (nothing read twice).
    checked = verified_files()
    target, made = _target(out)
    try:
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
    except BaseException as exc:  # also Ctrl-C: no partial export is left behind
        _remove_partial(target, made)
        if isinstance(exc, OSError) and not isinstance(exc, KzdataError):
            raise _write_error(target, exc) from exc
        raise
    return written
