"""One named loader per table: ``kzdata.events()`` is ``kzdata.load("events")``.

They are generated from the registry by :func:`_loader`, one line per table, so a
new table only needs its line here (a test fails until it has one). The ``changes``
table is loaded by :func:`kzdata.changes`, which also filters it by release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kzdata.load import load
from kzdata.tables import REGISTRY, TABLE_NAMES, TableName

if TYPE_CHECKING:
    import pandas as pd


def _loader(name: TableName) -> Callable[[], pd.DataFrame]:
    table = REGISTRY[name]

    def loader() -> pd.DataFrame:
        return load(name)

    loader.__name__ = loader.__qualname__ = name
    loader.__doc__ = (
        f"Load the {table.title.lower()} table: {table.row}\n\n"
        f"Same as ``kzdata.load({name!r})``; see ``kzdata.describe({name!r})`` for its columns."
    )
    return loader


aliases = _loader("aliases")
authorships = _loader("authorships")
citations = _loader("citations")
discrepancies = _loader("discrepancies")
discrepancy_claims = _loader("discrepancy_claims")
event_actors = _loader("event_actors")
events = _loader("events")
footnotes = _loader("footnotes")
indicator_values = _loader("indicator_values")
indicators = _loader("indicators")
organizations = _loader("organizations")
people = _loader("people")
places = _loader("places")
positions = _loader("positions")
reforms = _loader("reforms")
sections = _loader("sections")
sentences = _loader("sentences")
sources = _loader("sources")

SHORTCUTS: dict[str, Callable[[], pd.DataFrame]] = {name: globals()[name] for name in TABLE_NAMES if name != "changes"}
"""Every shortcut by table name (the tests check that each table but ``changes`` has one)."""
