"""The reader's site of ``kzdata serve``: Datasette templates and a plugin, shipped in the package.

Datasette renders kzdata's database; these files make it a site a journalist can read
without knowing SQL (docs/publishing.md): a landing page, record pages titled by name with
their sources, human column labels, yes/no booleans and a search box. The plugin
(:mod:`kzdata._site.plugin`) imports nothing of kzdata, so ``kzdata export --format
datasette`` copies it beside the database and Datasette's own tools serve the same site.
"""

from __future__ import annotations

import contextlib
import importlib.resources
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def templates() -> Iterator[Path]:
    """The folder of the site's Jinja templates, as a path Datasette can read (``template_dir``)."""
    with importlib.resources.as_file(importlib.resources.files(__name__) / "templates") as folder:
        yield folder


def plugin_source() -> str:
    """The text of the plugin module, to copy into an exported site's ``plugins/`` folder."""
    return (importlib.resources.files(__name__) / "plugin.py").read_text(encoding="utf-8")
