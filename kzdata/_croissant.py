"""Describe kzdata in Croissant 1.1 (MLCommons), the JSON-LD that dataset platforms read.

Hugging Face, Kaggle, OpenML, Dataverse and dataset search engines read Croissant to
list, load and cite a dataset. ``kzdata build`` writes the description twice, beside
each ``datapackage.json``: ``kzdata/data/croissant.json`` (paths relative to the
package's data directory, shipped in the wheel) and ``croissant.json`` at the top of
the repository (paths into ``kzdata/data/``).

:func:`croissant` is a pure function of the registry (:mod:`kzdata._registry`), the
facts about the work (:mod:`kzdata._meta`), the bytes of the data files (for their
sha256 and size) and the text of the dataset card, so the same ``raw/`` always gives
the same file. What it contains:

* the dataset: name, description, version, licence, creator, keywords, the BibTeX
  ``citeAs``, and the primary documents under ``isBasedOn``;
* a ``cr:FileObject`` for every shipped CSV and Parquet file, with ``contentUrl``,
  ``encodingFormat``, ``sha256`` and ``contentSize``;
* a ``cr:RecordSet`` per table, read from its CSV, with its primary key as ``key`` and
  one ``cr:Field`` per column: ``dataType``, description (with the allowed values of a
  category), ``source`` (file and column) and, for a foreign key, ``references``;
* the responsible-AI fields (Croissant RAI 1.0) taken from sections of the dataset card:
  how the data was collected, its limitations, the notes on people named in connection
  with violence or convictions (``rai:personalSensitiveInformation``), the editorial
  additions and the correction policy.

The polymorphic references (``record_table`` + ``record_id``) cannot be a Croissant
``references``, nor can the one self-reference (``places.parent_id``), which the
reference implementation cannot load; their field descriptions say what they point to. The shipped file is
validated in CI with the reference validator, ``mlcroissant validate``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from kzdata._registry import TABLES, Column, Table

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""The JSON-LD context of Croissant 1.1, as the reference implementation writes it."""

DATA_TYPES: dict[str, str] = {
    "id": "sc:Text",
    "text": "sc:Text",
    "url": "sc:URL",
    "category": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
}

RAI_SECTIONS: dict[str, tuple[str, ...]] = {
    "rai:dataCollection": ("Sources and how facts were extracted",),
    "rai:dataLimitations": ("What the data covers", "Limitations"),
    "rai:personalSensitiveInformation": ("Responsible use",),
    "rai:dataBiases": ("Known discrepancies",),
    "rai:annotationProtocol": ("Conventions", "Editorial additions"),
    "rai:dataReleaseMaintenancePlan": ("Reporting a correction",),
}
"""Which sections of ``docs/dataset-card.md`` fill which responsible-AI field."""


def card_sections(card: str) -> dict[str, str]:
    """The text under each ``## heading`` of the dataset card, with Markdown line breaks joined.

    >>> card_sections("# T\\n\\n## A\\n\\nOne\\ntwo.\\n\\n- x\\n\\n## B\\nthree")
    {'A': 'One two.\\n- x', 'B': 'three'}
    """
    out: dict[str, str] = {}
    for block in re.split(r"^## ", card, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        paragraphs = []
        for para in re.split(r"\n\s*\n", body.strip()):
            items = re.split(r"\n(?=- )", para.strip())
            paragraphs.append("\n".join(" ".join(item.split()) for item in items))
        out[heading.strip()] = "\n".join(p for p in paragraphs if p)
    return out


def _file_object(file_id: str, url: str, description: str, encoding: str, data: bytes) -> dict[str, Any]:
    return {
        "@type": "cr:FileObject",
        "@id": file_id,
        "name": file_id,
        "description": description,
        "contentUrl": url,
        "encodingFormat": encoding,
        "contentSize": f"{len(data)} B",
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _field(table: Table, column: Column) -> dict[str, Any]:
    description = column.description
    if column.enum:
        description += " Allowed values: " + ", ".join(column.enum) + "."
    if column.name == "record_id":
        description += " (A reference to the primary key of the table named in record_table.)"
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{table.name}/{column.name}",
        "name": column.name,
        "description": description,
        "dataType": DATA_TYPES[column.kind],
        "source": {"fileObject": {"@id": f"csv/{table.name}.csv"}, "extract": {"column": column.name}},
    }
    if column.references:
        ref_table, ref_column = column.references.split(".")
        if ref_table == table.name:
            # mlcroissant 1.1.1 cannot load a record set that references itself (its
            # graph must be acyclic), so a self-reference is stated in words only.
            field["description"] += f" (A reference to {column.references} of this record set.)"
        else:
            field["references"] = {"field": {"@id": f"{ref_table}/{ref_column}"}}
    return field


def _record_set(table: Table) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": table.name,
        "name": table.name,
        "description": f"{table.title}. One row: {table.row}" + (" " + " ".join(table.notes) if table.notes else ""),
        "key": {"@id": f"{table.name}/{table.primary_key}"},
        "field": [_field(table, c) for c in table.columns],
    }


def croissant(
    version: str, files: Mapping[str, tuple[bytes, bytes]], card: str, content_fingerprint: str, *, prefix: str = ""
) -> dict[str, Any]:
    """The Croissant 1.1 description of release ``version``.

    Parameters
    ----------
    version
        The release version.
    files
        For each table, its ``(csv bytes, parquet bytes)``: hashed, never parsed.
    card
        The text of ``docs/dataset-card.md`` (its sections fill the responsible-AI fields).
    content_fingerprint
        The release's content fingerprint (:mod:`kzdata._fingerprint`), cited in ``citeAs``.
    prefix
        Prepended to every ``contentUrl``: ``""`` beside the data, ``"kzdata/data/"`` at the repository root.
    """
    from kzdata import _meta as meta
    from kzdata._citing import dataset_citation
    from kzdata._documents import primary_documents

    distribution = []
    for table in TABLES:
        csv_data, parquet_data = files[table.name]
        distribution.append(
            _file_object(
                f"csv/{table.name}.csv",
                f"{prefix}csv/{table.name}.csv",
                f"{table.title} as CSV (UTF-8, header row, ISO dates, empty cell = missing).",
                "text/csv",
                csv_data,
            )
        )
        distribution.append(
            _file_object(
                f"{table.name}.parquet",
                f"{prefix}{table.name}.parquet",
                f"{table.title} as Parquet, with the same values as the CSV and pandas types.",
                "application/x-parquet",
                parquet_data,
            )
        )
    sections = card_sections(card)
    rai = {key: "\n\n".join(sections[h] for h in headings if h in sections) for key, headings in RAI_SECTIONS.items()}
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta.SHORT_TITLE,
        "alternateName": meta.TITLE,
        "description": meta.ABSTRACT,
        "version": version,
        "license": meta.LICENSE_URL,
        "creator": [{"@type": "sc:Organization", "name": family} for family, _ in meta.AUTHORS],
        "datePublished": meta.RELEASE_DATE,
        "keywords": list(meta.KEYWORDS),
        "inLanguage": "en",
        "citeAs": dataset_citation("bibtex", version, content_fingerprint),
        "isBasedOn": [
            {"@type": "sc:CreativeWork", "name": doc.summary}
            for doc in primary_documents({t.name: files[t.name][0] for t in TABLES})
        ],
        "rai:dataCollectionType": ["Manual Human Curation"],
        **{key: text for key, text in rai.items() if text},
        "distribution": distribution,
        "recordSet": [_record_set(t) for t in TABLES],
    }


def to_bytes(document: dict[str, Any]) -> bytes:
    """Serialise deterministically (fixed indentation, final newline)."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def build_bytes(
    card: bytes, version: str, files: Mapping[str, tuple[bytes, bytes]], content_fingerprint: str, *, prefix: str = ""
) -> bytes:
    """``croissant.json`` as the build writes it, with the release's dataset card (its bytes, as shipped)."""
    return to_bytes(
        croissant(version, files, card.decode("utf-8", errors="replace"), content_fingerprint, prefix=prefix)
    )
