"""Text for a terminal: tables and paragraphs that never exceed a given width.

pandas' ``to_string`` only truncates cells; its lines grow with the number of
columns. The command line needs a hard promise (``COLUMNS=80 kzdata show events``
prints no line over 80 characters), so this module lays the columns out itself:
each cell is cut to ``max_colwidth`` characters, and columns that do not fit beside
each other go into the next block, which repeats the first (id) column. Output is
plain ASCII apart from the data's own characters, which the CLI writes with
``errors="replace"`` on terminals that cannot show them.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

GAP = "  "
ELLIPSIS = "..."
MIN_WIDTH = 20
"""The narrowest layout offered (``--width`` below it is refused)."""


def terminal_width(default: int = 100) -> int:
    """The terminal's width: ``COLUMNS`` when set, else the terminal's size, else ``default``."""
    return max(MIN_WIDTH, shutil.get_terminal_size((default, 24)).columns)


def cut(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters (ending in ``...`` when cut)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if width <= len(ELLIPSIS):
        return text[:width]
    return text[: width - len(ELLIPSIS)] + ELLIPSIS


def beside(head: str, text: str, width: int, room: int = 8) -> list[str]:
    """``head`` with ``text`` cut to the rest of the line, within ``width`` characters.

    When fewer than ``room`` characters are left for ``text`` (and it does not fit whole),
    the head's words are wrapped on their own and the text is wrapped below them, indented
    further, so that no line is wider than ``width`` and nothing is cut to a stub.

    >>> beside("  events  100 rows  ", "Events", 40)
    ['  events  100 rows  Events']
    >>> beside("  discrepancy_claims     65 rows  ", "Claims of each side", 30)
    ['  discrepancy_claims 65 rows', '    Claims of each side']
    """
    left = width - len(head)
    flat = " ".join(text.split())
    if left >= room or 0 < len(flat) <= left:
        return [head + cut(flat, left)]
    indent = head[: len(head) - len(head.lstrip())]
    return wrap(" ".join(head.split()), width, indent=indent) + wrap(flat, width, indent=indent + "  ")


def _cell(value: object) -> str:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return "NA"
    if isinstance(value, float) and value != value:
        return "NA"
    if isinstance(value, pd.Timestamp):
        return str(value.strftime("%Y-%m-%d")) if value == value.normalize() else str(value.isoformat())
    return str(value)


def render_table(frame: pd.DataFrame, width: int, max_colwidth: int) -> list[str]:
    """The lines of ``frame`` (without index) laid out within ``width`` characters."""
    import pandas as pd

    colwidth = max(1, min(max_colwidth, width))
    columns: list[tuple[str, list[str], bool]] = []
    for name in frame.columns:
        series = frame[name]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        cells = [cut(_cell(v), colwidth) for v in series.tolist()]
        columns.append((cut(str(name), colwidth), cells, numeric))
    if not columns:
        return []

    def size(col: tuple[str, list[str], bool]) -> int:
        return max([len(col[0]), *(len(c) for c in col[1])])

    blocks: list[list[int]] = []
    first = size(columns[0])
    current: list[int] = []
    used = 0
    for i, col in enumerate(columns):
        w = size(col)
        if current and used + len(GAP) + w > width:
            blocks.append(current)
            current, used = [], 0
            if first + len(GAP) + w <= width and first <= width // 3:
                current, used = [0], first
        current.append(i)
        used = w if used == 0 else used + len(GAP) + w
    blocks.append(current)
    lines: list[str] = []
    for b, block in enumerate(blocks):
        if b:
            lines.append("")
        widths = [size(columns[i]) for i in block]

        def line(cells: list[str], block: list[int] = block, widths: list[int] = widths) -> str:
            parts = [c.rjust(w) if columns[i][2] else c.ljust(w) for c, i, w in zip(cells, block, widths, strict=True)]
            return GAP.join(parts).rstrip()

        lines.append(line([columns[i][0] for i in block]))
        for r in range(len(frame)):
            lines.append(line([columns[i][1][r] for i in block]))
    return lines


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped to ``width``; long words (a hash, a URL) are split only when they cannot fit."""
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    ) or [indent.rstrip()]
