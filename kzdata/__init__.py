"""kzdata: typed, cited tables on Kazakhstan's January 2022 events and the reforms after.

>>> import kzdata
>>> events = kzdata.events()              # a typed pandas DataFrame
>>> kzdata.load("sentences").prison_years.dtype
Int64Dtype()

``import kzdata`` is cheap: it reads no file and imports neither pandas, pandera nor
frictionless. Loaders read the shipped Parquet files on call; :func:`validate` and
:func:`schema` import pandera only when called.
"""

from typing import TYPE_CHECKING, Any

from kzdata import _generated
from kzdata._generated import *  # noqa: F403 - the loaders, one per table, generated from the registry
from kzdata._generated import (
    FormatName as FormatName,
)
from kzdata._generated import (
    TableName as TableName,
)
from kzdata._load import (
    load as load,
)
from kzdata._load import (
    path as path,
)
from kzdata._load import (
    tables as tables,
)
from kzdata.errors import (
    DataValidationError as DataValidationError,
)
from kzdata.errors import (
    IntegrityError as IntegrityError,
)
from kzdata.errors import (
    InvalidArgumentError as InvalidArgumentError,
)
from kzdata.errors import (
    KzdataError as KzdataError,
)
from kzdata.errors import (
    MissingDependencyError as MissingDependencyError,
)
from kzdata.errors import (
    RawDataError as RawDataError,
)
from kzdata.errors import (
    StableIdError as StableIdError,
)
from kzdata.errors import (
    UnknownEntityError as UnknownEntityError,
)
from kzdata.errors import (
    UnknownTableError as UnknownTableError,
)

if TYPE_CHECKING:
    from kzdata._annotations import (
        annotations as annotations,
    )
    from kzdata._changes import (
        changes as changes,
    )
    from kzdata._changes import (
        replacement as replacement,
    )
    from kzdata._citing import (
        cite as cite,
    )
    from kzdata._dictionary import (
        describe as describe,
    )
    from kzdata._evidence import (
        evidence as evidence,
    )
    from kzdata._exporting import (
        export as export,
    )
    from kzdata._in_force import (
        rules_in_force as rules_in_force,
    )
    from kzdata._integrity import (
        VerifyReport as VerifyReport,
    )
    from kzdata._integrity import (
        verify as verify,
    )
    from kzdata._periods import (
        count_by_period as count_by_period,
    )
    from kzdata._quality import (
        quality as quality,
    )
    from kzdata._resolve import (
        resolve as resolve,
    )
    from kzdata._retired import (
        retired as retired,
    )
    from kzdata._schemas import (
        schema as schema,
    )
    from kzdata._search import (
        search as search,
    )
    from kzdata._sql import (
        connect as connect,
    )
    from kzdata._targets import (
        targets as targets,
    )
    from kzdata._timeline import (
        timeline as timeline,
    )
    from kzdata._validation import (
        ValidationReport as ValidationReport,
    )
    from kzdata._validation import (
        validate as validate,
    )
    from kzdata._verify_sources import (
        verify_sources as verify_sources,
    )
    from kzdata._views import (
        event_figures as event_figures,
    )
    from kzdata._views import (
        events_view as events_view,
    )
    from kzdata._views import (
        indicator_values_view as indicator_values_view,
    )
    from kzdata._views import (
        sentences_view as sentences_view,
    )

#: Public names imported on first use, each from the module that defines it, so that
#: ``import kzdata`` only pays for the loaders (and never for pandera).
_LAZY = {
    "VerifyReport": "kzdata._integrity",
    "ValidationReport": "kzdata._validation",
    "annotations": "kzdata._annotations",
    "changes": "kzdata._changes",
    "cite": "kzdata._citing",
    "connect": "kzdata._sql",
    "count_by_period": "kzdata._periods",
    "describe": "kzdata._dictionary",
    "diff": "kzdata._diff",
    "event_figures": "kzdata._views",
    "events_view": "kzdata._views",
    "evidence": "kzdata._evidence",
    "export": "kzdata._exporting",
    "indicator_values_view": "kzdata._views",
    "quality": "kzdata._quality",
    "replacement": "kzdata._changes",
    "resolve": "kzdata._resolve",
    "retired": "kzdata._retired",
    "rules_in_force": "kzdata._in_force",
    "schema": "kzdata._schemas",
    "search": "kzdata._search",
    "sentences_view": "kzdata._views",
    "targets": "kzdata._targets",
    "timeline": "kzdata._timeline",
    "validate": "kzdata._validation",
    "verify": "kzdata._integrity",
    "verify_sources": "kzdata._verify_sources",
}

__all__ = sorted(
    [
        "DataValidationError",
        "FormatName",
        "IntegrityError",
        "InvalidArgumentError",
        "KzdataError",
        "MissingDependencyError",
        "RawDataError",
        "StableIdError",
        "TableName",
        "UnknownEntityError",
        "UnknownTableError",
        "__version__",
        "load",
        "path",
        "tables",
        *_LAZY,
        *_generated.__all__,
    ]
)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # a MissingDependencyError (an ImportError) when kzdata was never installed
        from kzdata._versions import installed_version

        return installed_version()
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kzdata' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
