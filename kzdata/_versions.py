"""The one parser of release versions (``MAJOR.MINOR.PATCH``), used by every reader and the build.

A version is three whole numbers joined by dots, each without leading zeros (``0.10.2``,
never ``01.0.0``): the form Semantic Versioning requires, and the only one the change log,
the release manifests, ``pyproject.toml`` and :func:`kzdata.changes` accept.
"""

from __future__ import annotations

import re

from kzdata.errors import InvalidArgumentError

PATTERN = r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})"
"""A version as a regular expression (no anchors); each part at most nine digits."""
_VERSION = re.compile(PATTERN)


def parse_version(text: object) -> tuple[int, int, int]:
    """``"1.2.3"`` as a tuple, with a clear error for anything else.

    >>> parse_version("0.10.2") > parse_version("0.9.9")
    True
    >>> parse_version("01.0.0")
    Traceback (most recent call last):
    ...
    kzdata.errors.InvalidArgumentError: a version is MAJOR.MINOR.PATCH without leading zeros, e.g. '0.1.0'; got '01.0.0'
    """
    match = _VERSION.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidArgumentError(f"a version is MAJOR.MINOR.PATCH without leading zeros, e.g. '0.1.0'; got {text!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def is_version(text: object) -> bool:
    """True when ``text`` is a version :func:`parse_version` accepts.

    >>> is_version("0.2.0"), is_version("0.2"), is_version("00.2.0")
    (True, False, False)
    """
    return isinstance(text, str) and _VERSION.fullmatch(text) is not None
