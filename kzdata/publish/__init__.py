"""Publishing kzdata for people who do not write pandas: SQLite, Datasette, Stata, Croissant.

Each format lives in its own module and is imported only when asked for, so neither
``import kzdata`` nor the loaders ever import this package (a test checks
``sys.modules``):

* :mod:`kzdata.publish.sqlite`: one SQLite database with keys, indexes and the data dictionary;
* :mod:`kzdata.publish.site`: Datasette metadata generated from the registry, and ``kzdata serve``;
* :mod:`kzdata.publish.stata`: one ``.dta`` file per table with variable and value labels;
* :mod:`kzdata.publish.croissant`: the Croissant 1.1 JSON-LD description written by the build.

:func:`write` is the one entry point :func:`kzdata.export` dispatches to.
"""

from __future__ import annotations

from pathlib import Path

FORMATS: tuple[str, ...] = ("sqlite", "datasette", "stata")
"""The export formats this package adds to :func:`kzdata.export`."""


def write(format: str, target: Path) -> list[Path]:
    """Write ``format`` into the (new or empty) directory ``target``; return the files written."""
    if format == "sqlite":
        from kzdata.publish.sqlite import write_sqlite

        return [write_sqlite(target / "kzdata.db")]
    if format == "datasette":
        from kzdata.publish.site import write_site

        return write_site(target)
    from kzdata.publish.stata import write_stata

    return write_stata(target)
