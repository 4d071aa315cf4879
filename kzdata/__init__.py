"""kzdata: typed, cited tables on Kazakhstan's January 2022 events and the reforms after.

>>> import kzdata
>>> events = kzdata.events()              # a typed pandas DataFrame
>>> kzdata.load("sentences").prison_years.dtype
Int64Dtype()

``import kzdata`` is cheap: it reads no file and imports neither pandas, pandera nor
frictionless. Loaders read the shipped Parquet files on call; :func:`validate` and
:func:`schema` import pandera only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kzdata.errors import (
    DataValidationError,
    IntegrityError,
    InvalidArgumentError,
    KzdataError,
    RawDataError,
    StableIdError,
    UnknownEntityError,
    UnknownTableError,
)
from kzdata.load import load, path, tables
from kzdata.shortcuts import (
    aliases,
    authorships,
    citations,
    discrepancies,
    discrepancy_claims,
    event_actors,
    events,
    footnotes,
    indicator_values,
    indicators,
    organizations,
    people,
    places,
    positions,
    reforms,
    sections,
    sentences,
    sources,
)
from kzdata.tables import TableName

if TYPE_CHECKING:
    from kzdata.chronology import timeline
    from kzdata.citing import cite
    from kzdata.dictionary import describe
    from kzdata.entities import resolve
    from kzdata.exporting import export
    from kzdata.integrity import VerifyReport, verify
    from kzdata.progress import targets
    from kzdata.releases import changes
    from kzdata.schemas import schema
    from kzdata.sql import connect
    from kzdata.validation import ValidationReport, validate
    from kzdata.views import events_view, indicator_values_view, sentences_view

#: Public names imported on first use, each from the module that defines it, so that
#: ``import kzdata`` only pays for the loaders (and never for pandera).
_LAZY = {
    "VerifyReport": "kzdata.integrity",
    "ValidationReport": "kzdata.validation",
    "changes": "kzdata.releases",
    "cite": "kzdata.citing",
    "connect": "kzdata.sql",
    "describe": "kzdata.dictionary",
    "events_view": "kzdata.views",
    "export": "kzdata.exporting",
    "indicator_values_view": "kzdata.views",
    "resolve": "kzdata.entities",
    "schema": "kzdata.schemas",
    "sentences_view": "kzdata.views",
    "targets": "kzdata.progress",
    "timeline": "kzdata.chronology",
    "validate": "kzdata.validation",
    "verify": "kzdata.integrity",
}

__all__ = [
    "DataValidationError",
    "IntegrityError",
    "InvalidArgumentError",
    "KzdataError",
    "RawDataError",
    "StableIdError",
    "TableName",
    "UnknownEntityError",
    "UnknownTableError",
    "ValidationReport",
    "VerifyReport",
    "__version__",
    "aliases",
    "authorships",
    "changes",
    "citations",
    "cite",
    "connect",
    "describe",
    "discrepancies",
    "discrepancy_claims",
    "event_actors",
    "events",
    "events_view",
    "export",
    "footnotes",
    "indicator_values",
    "indicator_values_view",
    "indicators",
    "load",
    "organizations",
    "path",
    "people",
    "places",
    "positions",
    "reforms",
    "resolve",
    "schema",
    "sections",
    "sentences",
    "sentences_view",
    "sources",
    "tables",
    "targets",
    "timeline",
    "validate",
    "verify",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("kzdata")
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kzdata' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
