"""The one parser of release versions (``MAJOR.MINOR.PATCH``), used by every reader and the build,
and the one reader of the installed kzdata's version.

A version is three whole numbers joined by dots, each without leading zeros (``0.10.2``,
never ``01.0.0``): the form Semantic Versioning requires, and the only one the change log,
the release manifests, ``pyproject.toml`` and :func:`kzdata.changes` accept.
"""

from __future__ import annotations

import re

from kzdata.errors import InvalidArgumentError, MissingDependencyError

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


def installed_version() -> str:
    """The version of the installed kzdata, read from its package metadata.

    The metadata is what the trust root compares the data's version with, so it is not
    guessed from elsewhere (a ``pyproject.toml`` next to the code may have been edited
    since the data were built). A source tree put on ``sys.path`` without ``pip install``
    has no metadata: that is refused as an environment that cannot be used (exit 2),
    with the command that installs it, rather than ending in a bare
    ``PackageNotFoundError``.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kzdata")
    except PackageNotFoundError as exc:
        raise MissingDependencyError(
            "kzdata is not installed: no package metadata names its version (it runs from a source tree "
            "that was never installed). Install it: run `pip install -e .` in the checkout, "
            "or `pip install kzdata`"
        ) from exc
