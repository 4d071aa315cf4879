"""The content fingerprint of a release: one hash that names the exact data cited.

Definition (stable across releases; anyone can recompute it without kzdata):
take every table in registry order (``kzdata.tables()``), write one line
``<table>.csv sha256:<hex digest of the canonical CSV file>`` followed by a newline,
and take the sha256 of the UTF-8 bytes of all the lines. The result is written
``sha256:<hex>``.

Only the canonical CSV files enter it: they hold the values, and the Parquet files
hold the same values (a test proves it), so the fingerprint names the data, not one
encoding of it. A changed Parquet encoding keeps the fingerprint; any changed value
changes it. ``kzdata build`` records it in ``datapackage.json`` (``kzdata:fingerprint``),
the citations show it, and :func:`kzdata.verify` recomputes it from the shipped files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from kzdata._registry import TABLE_NAMES

PROPERTY = "kzdata:fingerprint"
"""The ``datapackage.json`` property holding the fingerprint."""
RELEASE_DATE_PROPERTY = "kzdata:release_date"
"""The ``datapackage.json`` property holding the release date."""


def fingerprint(csv_hashes: Mapping[str, str]) -> str:
    """The fingerprint of the tables whose CSV files have these ``sha256:<hex>`` hashes.

    Examples
    --------
    >>> h = {name: "sha256:" + "0" * 64 for name in __import__("kzdata").tables()}
    >>> fingerprint(h).startswith("sha256:")
    True
    """
    text = "".join(f"{name}.csv {csv_hashes[name]}\n" for name in TABLE_NAMES)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def of_files(csv_files: Mapping[str, bytes]) -> str:
    """The fingerprint of the given CSV file contents (one per table)."""
    return fingerprint({name: "sha256:" + hashlib.sha256(data).hexdigest() for name, data in csv_files.items()})


def recorded() -> str | None:
    """The fingerprint the installed release recorded, or ``None`` when the descriptor lacks it.

    An unreadable or malformed descriptor raises :class:`~kzdata.errors.IntegrityError`
    naming that cause (:func:`kzdata._integrity.descriptor`), never "no fingerprint".
    """
    from kzdata._integrity import descriptor

    value = json.loads(descriptor().raw).get(PROPERTY)
    return value if isinstance(value, str) else None
