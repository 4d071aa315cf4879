"""The exception tree of kzdata.

Every error kzdata raises is a :class:`KzdataError`. Each subclass also inherits the
built-in exception a caller would naturally catch, so ``except LookupError`` or
``except ValueError`` keeps working for code that does not know kzdata. Every message
says what failed, the offending value, what is allowed, and what to do next.

=======================  ==================  ====  ==========================================
exception                also a              exit  raised when
=======================  ==================  ====  ==========================================
UnknownTableError        LookupError         2     a table name is not one of kzdata.tables()
UnknownEntityError       LookupError         2     resolve() finds no person/organization/place;
                                                   evidence() no record with the id
InvalidArgumentError     ValueError,         2     an argument has the wrong type or value
                         TypeError
MissingDependencyError   ImportError, an     2     an optional extra is not installed, or kzdata
                         InvalidArgumentError          itself was never installed (no metadata)
RawDataError             ValueError          1     the build finds bad rows in raw/ (lists all)
DataValidationError      ValueError          1     validate() finds rows breaking a rule
IntegrityError           OSError             1     a shipped file is missing, altered or corrupt
StableIdError            ValueError          1     a RawDataError: the build would drop or reuse
                                                   a released id (and nothing else is wrong)
BuildLockError           OSError             2     another build of the same checkout kept the
                                                   build lock too long
BuildWriteError          OSError             2     the file system refused the build's outputs
ExportWriteError         OSError             2     the file system refused an export's files or
                                                   serve's database (partial output removed)
=======================  ==================  ====  ==========================================

The exit column is the status ``kzdata`` exits with when the error ends a command
(:attr:`KzdataError.exit_code`): 1 when the data failed a check, 2 for wrong usage or an
environment that cannot be used (a path, a disk, a lock, a missing extra). The CLI reads it
from the class, so a new subclass states its code where it is declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

EXIT_DATA = 1
"""Exit status when the data failed a check."""
EXIT_USAGE = 2
"""Exit status for wrong usage, or a file, disk, lock or dependency that cannot be used."""


class KzdataError(Exception):
    """Base class of every error kzdata raises."""

    exit_code: ClassVar[int] = EXIT_DATA
    """The status ``kzdata`` exits with when this error ends a command."""


class UnknownTableError(KzdataError, LookupError):
    """A table name that kzdata does not have."""

    exit_code = EXIT_USAGE

    def __init__(self, name: object, valid: tuple[str, ...]) -> None:
        self.name = name
        self.valid = valid
        super().__init__(
            f"unknown table {name!r}; kzdata has these tables: {', '.join(valid)}. Call kzdata.tables() for the list."
        )

    def __str__(self) -> str:  # LookupError would otherwise repr() the message
        return str(self.args[0])


class UnknownEntityError(KzdataError, LookupError):
    """No person, organization or place answers to a name, or no record to an id (``evidence()``)."""

    exit_code = EXIT_USAGE

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidArgumentError(KzdataError, ValueError, TypeError):
    """An argument of the wrong type or with a value kzdata cannot use."""

    exit_code = EXIT_USAGE


class MissingDependencyError(InvalidArgumentError, ImportError):
    """An optional extra (``kzdata[sql]``, ``kzdata[excel]``, ...) that a call needs is not installed.

    Also kzdata's own package metadata, when a source tree runs without ``pip install``
    (:func:`kzdata._versions.installed_version`). An :class:`InvalidArgumentError` too, as
    it was before it had a class of its own (0.2.0).
    """

    def __str__(self) -> str:  # ImportError's str would show the args tuple for several args
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, order=True)
class Issue:
    """One failed rule: where (file or table, row, column), the value, and the rule."""

    where: str
    """``raw/events.csv`` in the build, the table name at run time."""
    row: str
    """``line 12`` in the build, ``event_id=...`` at run time, or ``-`` for the whole file."""
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        return f"{self.where}, {self.row}, column {self.column!r}: value {self.value} breaks rule: {self.rule}"


def issue_order(issue: Issue) -> tuple[str, int, str, str, str]:
    """Sort key: file or table, then line number as a number (line 2 before line 10), column, rule.

    A row such as ``line 7 (record from line 6)`` (a cell after a quoted line break) sorts by its
    first number.
    """
    line = issue.row.removeprefix("line ").split(" ", 1)[0]
    number = int(line) if line.isdigit() and issue.row.startswith("line ") else -1
    return (
        issue.where,
        number,
        issue.row if number < 0 else issue.row[len("line ") + len(line) :],
        issue.column,
        issue.rule,
    )


class _IssuesError(KzdataError, ValueError):
    """An error carrying a list of :class:`Issue`, all reported at once."""

    headline = "problems found"
    advice = ""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(issues, key=issue_order)
        lines = [f"{len(self.issues)} {self.headline}:"]
        lines += [f"  - {issue}" for issue in self.issues]
        if self.advice:
            lines.append(self.advice)
        super().__init__("\n".join(lines))


class RawDataError(_IssuesError):
    """The CSV files in ``raw/`` break one or more rules; nothing was written."""

    headline = "problem(s) in raw/ (nothing was written; the previous build is untouched)"
    advice = "Fix the listed cells in raw/ and run `kzdata build` again."


class DataValidationError(_IssuesError):
    """Loaded tables break one or more schema or cross-table rules."""

    headline = "validation failure(s)"
    advice = (
        "If you did not change the data, run `kzdata verify`: a shipped file may be "
        "damaged; reinstall kzdata to restore it."
    )


class IntegrityError(KzdataError, OSError):
    """A shipped data file is missing, altered or unreadable."""


class BuildLockError(KzdataError, OSError):
    """Another ``kzdata build`` of the same checkout held the build lock longer than we would wait."""

    exit_code = EXIT_USAGE


class BuildWriteError(KzdataError, OSError):
    """The file system refused a build's outputs (disk full, no permission); the release stays whole."""

    exit_code = EXIT_USAGE


class ExportWriteError(KzdataError, OSError):
    """The file system refused the files of an export (or of ``kzdata serve``'s temporary database).

    Disk full, no permission, a file-size limit: whatever the export had written is removed
    again, so no partial export is left that could pass for a whole one.
    """

    exit_code = EXIT_USAGE


class StableIdError(RawDataError):
    """The build would drop or reuse an id that a published release shipped (and nothing else is wrong)."""

    headline = "stable-id problem(s) (nothing was written; the previous build is untouched)"
    advice = (
        "Keep the id, or record its retraction, merge or rename in raw/changes.csv with a reason "
        "(see docs/versioning.md), then run `kzdata build` again."
    )
