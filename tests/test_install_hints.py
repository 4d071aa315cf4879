"""Issue 21: every install hint names both ways to install an extra.

``pip install "kzdata[excel]"`` asks the package index; a user of a source checkout needs
``pip install ".[excel]"``. Wherever a hint is printed or written (messages, docstrings, the
README, the docs, the scripts), the checkout's form for the same extra must follow it.
"""

from __future__ import annotations

import re

import pytest

from tests import oracle

#: A hint naming the index: pip install "kzdata[X]" or 'kzdata[X]', in any quoting.
HINT = re.compile(r"pip install [\"'`]*kzdata\[([a-z]+)\]")

FILES = sorted(
    [
        oracle.REPO / "README.md",
        *(oracle.REPO / "docs").glob("*.md"),
        *(oracle.REPO / "scripts").glob("*.py"),
        *(p for p in (oracle.REPO / "kzdata").rglob("*.py") if "data" not in p.relative_to(oracle.REPO).parts[1:2]),
    ]
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(oracle.REPO)))
def test_every_index_hint_is_followed_by_the_checkout_hint(path) -> None:
    text = " ".join(path.read_text(encoding="utf-8").split())
    for found in HINT.finditer(text):
        extra = found.group(1)
        after = text[found.end() : found.end() + 200]
        assert re.search(rf"pip install [\"'`]*\.\[{extra}\]", after), (
            f"{path.name}: {text[found.start() : found.end() + 80]}"
        )


def test_the_hints_are_found_at_all() -> None:
    """The pattern is not vacuous: the README's Polars hint is one of them."""
    readme = " ".join((oracle.REPO / "README.md").read_text(encoding="utf-8").split())
    assert {m.group(1) for m in HINT.finditer(readme)} >= {"polars", "sql", "excel", "plot"}
