"""The maintainers' anchoring script keeps anchors a person set (``--redo`` included).

``scripts/anchor_citations.py --redo`` once cleared or replaced every anchor, hand-placed
ones included; now it re-proposes only anchors that no longer hold. The rule that decides
is tested here on a text of our own, with the hash worked out by hand with hashlib.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "anchor_citations.py"
TEXT = "First sentence here. The second one states the fact. A third follows."


@pytest.fixture(scope="module")
def script() -> ModuleType:
    """The script loaded as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("anchor_citations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(start: int, end: int, span: str) -> dict[str, str]:
    digest = "sha256:" + hashlib.sha256(span.encode("utf-8")).hexdigest()
    return {"span_start": str(start), "span_end": str(end), "span_sha256": digest}


def test_an_anchor_that_still_hashes_the_same_is_kept(script: ModuleType) -> None:
    """Offsets 21..52 cover the second sentence exactly (counted by hand)."""
    assert TEXT[21:52] == "The second one states the fact."
    assert script._still_holds(_row(21, 52, "The second one states the fact."), TEXT)


@pytest.mark.parametrize(
    ("start", "end", "span", "why"),
    [
        (21, 52, "The second one states the fact!", "the text changed under the span"),
        (60, 90, TEXT[60:], "the span runs past the end of the paragraph"),
        (52, 21, "x", "the offsets are inverted"),
        (-1, 5, "x", "a negative start"),
    ],
)
def test_an_anchor_that_no_longer_holds_is_reproposed(
    script: ModuleType, start: int, end: int, span: str, why: str
) -> None:
    """Each of these anchors fails against TEXT, so --redo may replace it."""
    assert not script._still_holds(_row(start, end, span), TEXT), why


def test_a_missing_paragraph_never_holds(script: ModuleType) -> None:
    """No text for the place (a footnote missing from the copy): nothing to keep."""
    assert not script._still_holds(_row(0, 5, "First"), None)
