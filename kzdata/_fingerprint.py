"""The content fingerprint of a release: one hash that names exactly the data cited.

Definition (scheme ``kzdata-fingerprint-2``; ``docs/versioning.md`` states it for
recomputing without kzdata). Build a text of lines, each ending with a newline (LF):

1. ``kzdata-fingerprint-2``
2. for each table in registry order (``kzdata.tables()``)::

       table <name> schema sha256:<S> values sha256:<V>

   where ``V`` is the hex sha256 of the table's canonical CSV (its values in canonical
   form, :mod:`kzdata._canonical`; the release ships it as ``csv/<name>.csv``) and ``S``
   the hex sha256 of its Table Schema (the ``schema`` of its resource in
   ``datapackage.json``) as canonical JSON: keys sorted, no insignificant whitespace,
   UTF-8, non-ASCII characters not escaped (RFC 8785 for these schemas, which hold no
   fractional numbers);
3. for each file beside the data that is not derived from it, in this order,
   ``file <name> sha256:<F>``: ``LICENSE-DATA`` and ``dataset-card.md`` (the dataset
   card, ``README.md`` in an export), ``F`` the hex sha256 of the file's bytes.

The fingerprint is ``sha256:`` and the hex sha256 of the UTF-8 bytes of that text.

It names the values, not a file format: a Parquet copy, an export to SQLite or a CSV
folder reduce to the same canonical CSV and so to the same fingerprint. It covers every
byte a user reads except the files that are generated from the data and carry the
fingerprint themselves (``datapackage.json``, ``CITATION.cff``, ``croissant.json``,
``.zenodo.json``): :func:`kzdata.verify` regenerates each of those and compares byte for
byte instead.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from kzdata._registry import TABLE_NAMES

SCHEME = "kzdata-fingerprint-2"
"""The name of the definition above; a new definition gets a new name."""
PROPERTY = "kzdata:fingerprint"
"""The ``datapackage.json`` property holding the fingerprint."""
SCHEME_PROPERTY = "kzdata:fingerprint_scheme"
"""The ``datapackage.json`` property naming the scheme the fingerprint follows."""
RELEASE_DATE_PROPERTY = "kzdata:release_date"
"""The ``datapackage.json`` property holding the release date."""
LICENSE_FILE = "LICENSE-DATA"
CARD_FILE = "dataset-card.md"
SOURCE_FILES = (LICENSE_FILE, CARD_FILE)
"""The files beside the data that are not derived from it, in fingerprint order (their names in the data folder)."""
PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
"""What a fingerprint looks like."""


def canonical_json(value: Any) -> bytes:
    """``value`` as canonical JSON: keys sorted, no whitespace, UTF-8 with non-ASCII unescaped.

    >>> canonical_json({"b": [1, "é"], "a": True})
    b'{"a":true,"b":[1,"\\xc3\\xa9"]}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(values: Mapping[str, bytes], schemas: Mapping[str, Any], files: Mapping[str, bytes]) -> str:
    """The text whose sha256 is the fingerprint (see the module docstring).

    ``values`` maps each table to its canonical CSV, ``schemas`` each table to its Table
    Schema (a JSON value), ``files`` each name of :data:`SOURCE_FILES` to its bytes.
    """
    lines = [SCHEME]
    for name in TABLE_NAMES:
        lines.append(
            f"table {name} schema sha256:{_hex(canonical_json(schemas[name]))} values sha256:{_hex(values[name])}"
        )
    lines += [f"file {name} sha256:{_hex(files[name])}" for name in SOURCE_FILES]
    return "".join(line + "\n" for line in lines)


def fingerprint(values: Mapping[str, bytes], schemas: Mapping[str, Any], files: Mapping[str, bytes]) -> str:
    """The fingerprint of these table values, schemas and source files.

    Examples
    --------
    >>> import kzdata
    >>> names = kzdata.tables()
    >>> fp = fingerprint({n: b"" for n in names}, {n: {} for n in names}, dict.fromkeys(SOURCE_FILES, b""))
    >>> bool(PATTERN.match(fp))
    True
    """
    return "sha256:" + _hex(manifest(values, schemas, files).encode("utf-8"))


def registry_schemas() -> dict[str, Any]:
    """Each table's Table Schema as the registry states it (what ``datapackage.json`` carries)."""
    from kzdata._descriptor import table_schema
    from kzdata._registry import TABLES

    return {table.name: table_schema(table) for table in TABLES}


def of_release(values: Mapping[str, bytes], files: Mapping[str, bytes]) -> str:
    """The fingerprint of a release of this kzdata: its canonical CSV per table and its source files."""
    return fingerprint(values, registry_schemas(), files)
