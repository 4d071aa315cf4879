"""Generate ``datapackage.json`` (a Frictionless Tabular Data Package) from the registry.

pandera cannot export a Table Schema and its Frictionless import drops foreign keys,
so this module writes the descriptor itself, from :data:`kzdata._registry.TABLES`:
per resource the path, format, encoding, Table Schema fields (type, description,
constraints, enums), ``primaryKey``, ``foreignKeys``, and the sha256 hash and size
of the file. At package level it records the release date and the content
fingerprint (:mod:`kzdata._fingerprint`); title, description, licence, keywords and
sources come from :mod:`kzdata._meta`, never from literals here.

The resources are the canonical CSV files: Frictionless 5 validates Parquet poorly
(nulls in integer columns, categories), and CSV is what R, Julia and spreadsheets
read. Each resource also names its Parquet twin under ``kzdata:parquet`` with its
own hash and size, so :func:`kzdata.verify` can check every shipped file; the
tests prove the two hold the same values.

The polymorphic references (``record_table`` + ``record_id`` in citations and
discrepancy claims) cannot be expressed as Table Schema foreign keys; they are
described under ``kzdata:references`` and checked by :func:`kzdata.validate`.

:func:`release` generates every file derived from the data (this descriptor,
``CITATION.cff``, ``croissant.json``, ``.zenodo.json``) from the data, the registry,
:mod:`kzdata._meta` and the version, once: the build writes its output and
:func:`kzdata.verify` compares the shipped files with it byte for byte, so none of them
can be edited without ``verify`` noticing (``docs/versioning.md``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kzdata import _fingerprint as fingerprint
from kzdata import _meta as meta
from kzdata._documents import primary_documents
from kzdata._registry import TABLE_SCHEMA_TYPES, TABLES, Column, Table


def license_descriptor() -> dict[str, Any]:
    """The ``licenses`` entry, from :mod:`kzdata._meta`."""
    return {"name": meta.LICENSE, "title": meta.LICENSE_TITLE, "path": meta.LICENSE_URL}


def primary_sources(csv_files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The ``sources`` of the package: the primary documents of ``raw/sources.csv`` (:mod:`kzdata._documents`)."""
    return [{"title": doc.summary} for doc in primary_documents(csv_files)]


def file_facts(data: bytes) -> dict[str, Any]:
    """The ``hash`` and ``bytes`` properties of a file's contents."""
    return {"hash": f"sha256:{hashlib.sha256(data).hexdigest()}", "bytes": len(data)}


def field_descriptor(column: Column) -> dict[str, Any]:
    """The Table Schema field of one column."""
    field: dict[str, Any] = {
        "name": column.name,
        "type": TABLE_SCHEMA_TYPES[column.kind],
        "description": column.description,
    }
    if column.kind == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if column.kind == "url":
        field["format"] = "uri"
    constraints: dict[str, Any] = {}
    if not column.nullable:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.minimum is not None:
        constraints["minimum"] = int(column.minimum) if float(column.minimum).is_integer() else column.minimum
    if column.maximum is not None:
        constraints["maximum"] = int(column.maximum) if float(column.maximum).is_integer() else column.maximum
    if column.pattern and column.kind == "id":
        constraints["pattern"] = column.pattern.lstrip("^").rstrip("$")
    if constraints:
        field["constraints"] = constraints
    if column.editorial:
        field["kzdata:editorial"] = True
        field["kzdata:editorialBasis"] = column.editorial_basis
    if column.derived:
        field["kzdata:derived"] = True
    return field


def table_schema(table: Table) -> dict[str, Any]:
    """The Table Schema of one table."""
    schema: dict[str, Any] = {
        "fields": [field_descriptor(c) for c in table.columns],
        "missingValues": [""],
        "primaryKey": [table.primary_key],
    }
    fks = [
        {"fields": [col], "reference": {"resource": "" if ref == table.name else ref, "fields": [ref_col]}}
        for col, ref, ref_col in table.foreign_keys
    ]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def descriptor(
    version: str,
    files: Mapping[str, tuple[bytes, bytes]],
    *,
    content_fingerprint: str,
    prefix: str = "",
    release_files: Mapping[str, bytes] | None = None,
) -> dict[str, Any]:
    """The whole data package descriptor.

    Parameters
    ----------
    version
        The release version.
    files
        For each table, its ``(csv bytes, parquet bytes)``.
    content_fingerprint
        The release's content fingerprint (:mod:`kzdata._fingerprint`).
    prefix
        Prepended to every path: ``""`` for the copy inside the package,
        ``"kzdata/data/"`` for the one at the repository root.
    release_files
        The other files shipped beside the data (``CITATION.cff``, the dataset card,
        the data licence, ``croissant.json``), recorded under ``kzdata:files`` with their
        hash and size so that :func:`kzdata.verify` and the exports check them too.
    """
    resources = []
    for table in TABLES:
        csv_data, parquet_data = files[table.name]
        resource: dict[str, Any] = {
            "name": table.name,
            "title": table.title,
            "description": table.row + (" " + " ".join(table.notes) if table.notes else ""),
            "path": f"{prefix}csv/{table.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **file_facts(csv_data),
            "schema": table_schema(table),
            "kzdata:parquet": {"path": f"{prefix}{table.name}.parquet", **file_facts(parquet_data)},
        }
        if "record_table" in table.column_names:
            resource["kzdata:references"] = [
                {
                    "fields": ["record_table", "record_id"],
                    "reference": "the primary key of the table named in record_table",
                }
            ]
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": meta.SHORT_TITLE,
        "title": meta.TITLE,
        "description": meta.DESCRIPTION,
        "version": version,
        fingerprint.RELEASE_DATE_PROPERTY: meta.RELEASE_DATE,
        fingerprint.PROPERTY: content_fingerprint,
        fingerprint.SCHEME_PROPERTY: fingerprint.SCHEME,
        "licenses": [license_descriptor()],
        "sources": primary_sources({name: csv for name, (csv, _) in files.items()}),
        "keywords": list(meta.KEYWORDS),
        "kzdata:files": [
            {"name": name, "path": f"{prefix}{name}", **file_facts(data)}
            for name, data in sorted((release_files or {}).items())
        ],
        "resources": resources,
    }


def to_bytes(document: dict[str, Any]) -> bytes:
    """Serialise a descriptor deterministically (sorted nothing, fixed indentation, final newline)."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


CITATION_FILE = "CITATION.cff"
CROISSANT_FILE = "croissant.json"
ZENODO_FILE = ".zenodo.json"
DESCRIPTOR_FILE = "datapackage.json"
QUALITY_FILE = "quality.json"
"""The release's quality report (:mod:`kzdata._quality_report`), computed from its values."""
DERIVED_FILES = (DESCRIPTOR_FILE, CITATION_FILE, CROISSANT_FILE, QUALITY_FILE)
"""The files of the data folder generated from the data (``verify`` regenerates and compares them)."""
UNLOCKED_MARK = "kzdata:unlocked-build"
"""The property an unlocked build adds to the descriptors (:data:`kzdata._pipeline.writer_lock.MARK`)."""
DATA_PREFIX = "kzdata/data/"
"""Where the data folder is in a source checkout (the top-level descriptors point into it)."""


@dataclass(frozen=True)
class Release:
    """Every file generated from a release's data, and its fingerprint."""

    fingerprint: str
    data_files: dict[str, bytes]
    """The derived files inside the data folder, by name: :data:`DERIVED_FILES`."""
    top_files: dict[str, bytes]
    """The derived files at the top of a source checkout, by path."""


def release(
    version: str,
    files: Mapping[str, tuple[bytes, bytes]],
    sources: Mapping[str, bytes],
    *,
    mark: Mapping[str, Any] | None = None,
) -> Release:
    """Generate every derived file of release ``version``.

    ``files`` maps each table to its ``(canonical CSV, Parquet)`` bytes, ``sources`` each
    name of :data:`kzdata._fingerprint.SOURCE_FILES` to its bytes; ``mark`` is merged into
    both descriptors (the writer-lock mark of an unlocked build). The build writes exactly
    these bytes, and :func:`kzdata.verify` regenerates them from the shipped files.
    """
    from kzdata import _croissant as croissant
    from kzdata._citation_files import citation_cff, zenodo_json
    from kzdata._quality_report import report_bytes

    values = {name: csv for name, (csv, _) in files.items()}
    content = fingerprint.of_release(values, sources)
    documents = primary_documents(values)
    cff = citation_cff(version, content, documents).encode("utf-8")
    card = sources[fingerprint.CARD_FILE]
    beside = {
        CITATION_FILE: cff,
        CROISSANT_FILE: croissant.build_bytes(card, version, files, content),
        QUALITY_FILE: report_bytes(version, values),
        **{name: sources[name] for name in fingerprint.SOURCE_FILES},
    }
    extra = dict(mark or {})

    def package(prefix: str) -> bytes:
        document = descriptor(version, files, content_fingerprint=content, prefix=prefix, release_files=beside)
        return to_bytes(document | extra)

    return Release(
        content,
        {
            DESCRIPTOR_FILE: package(""),
            CITATION_FILE: cff,
            CROISSANT_FILE: beside[CROISSANT_FILE],
            QUALITY_FILE: beside[QUALITY_FILE],
        },
        {
            DESCRIPTOR_FILE: package(DATA_PREFIX),
            CROISSANT_FILE: croissant.build_bytes(card, version, files, content, prefix=DATA_PREFIX),
            CITATION_FILE: cff,
            ZENODO_FILE: zenodo_json(version, content, documents),
        },
    )
