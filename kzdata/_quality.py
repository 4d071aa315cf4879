"""``kzdata.quality()``: the release's quality report, read from the shipped ``quality.json``.

The report is computed once, by the build, from the release's values
(:mod:`kzdata._quality_report`); reading it costs one checked file, never a recomputation.
The bytes pass the integrity gate (:func:`kzdata._integrity.read_checked`: the sha256 that
``datapackage.json`` records, a descriptor the code pins), so a report edited after the
release is refused, not shown. :func:`summary` is the text ``kzdata quality`` prints.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from kzdata._descriptor import QUALITY_FILE


def quality() -> dict[str, Any]:
    """The quality report of the installed release, as parsed JSON.

    Keys: ``version``, ``release_date`` and ``previous_version``; ``tables`` (per table its
    ``rows``, ``previous_rows``, ``change``, ``missing`` values per column and ``changed``,
    the release's change-log entries by kind); ``rules`` (every cross-table rule with its
    failing rows); ``anchors`` (citations anchored to their sentences, per source);
    ``disagreements`` (the discrepancies by severity, unresolved and resolved);
    ``diff_summary`` (the change log's entries for the release by kind) and ``retired``
    (every id ever retracted, merged or renamed, with its replacement and reason).
    ``docs/quality.md`` shows the same report.

    Raises :class:`~kzdata.errors.IntegrityError` when the file differs from the release.

    Examples
    --------
    >>> import kzdata
    >>> report = kzdata.quality()
    >>> report["version"] == kzdata.__version__
    True
    >>> report["rules"]["failing_rows"]
    0
    """
    from kzdata._integrity import read_checked

    # The bytes are the build's own (their sha256 is the release's), so they are valid JSON.
    report: dict[str, Any] = json.loads(read_checked(QUALITY_FILE, what="the quality report"))
    return report


def summary(report: dict[str, Any], width: int) -> list[str]:
    """The report's headline figures as lines of at most ``width`` characters (``kzdata quality``)."""
    previous = report["previous_version"]
    since = f" (since {previous}: {report['rows'] - report['previous_rows']:+d})" if previous else ""
    anchors, disc, log = report["anchors"], report["disagreements"], report["diff_summary"]
    open_by = ", ".join(f"{s['unresolved']} {s['severity']}" for s in disc["by_severity"])
    kinds = ", ".join(f"{n} {kind}" for kind, n in log["by_kind"].items() if n)
    missing = sum(t["missing_cells"] for t in report["tables"])
    cells = sum(t["rows"] * t["columns"] for t in report["tables"])
    paragraphs = [
        f"kzdata {report['version']} quality report ({report['release_date']})",
        f"rows: {report['rows']} in {len(report['tables'])} tables{since}",
        f"missing values: {missing} of {cells} cells",
        f"rules: {report['rules']['count']} cross-table rules, {report['rules']['failing_rows']} failing rows",
        f"anchors: {anchors['anchored']} of {anchors['total']} citations anchored ({anchors['percent']}%)",
        f"open discrepancies: {disc['open']} of {disc['total']} ({open_by})",
        f"changes in {log['version']}: {log['total']} ({kinds or 'none'})",
        f"retired ids: {len(report['retired'])} (kzdata retired lists them)",
    ]
    paragraphs += ["", "Per table and per column: kzdata.quality() or docs/quality.md."]
    lines = []
    for paragraph in paragraphs:
        # A figure that does not fit continues indented under its label; a long word is split only if it must be.
        wrapped = textwrap.wrap(paragraph, width, subsequent_indent="  ", break_on_hyphens=False)
        lines += [line.rstrip() for line in wrapped] or [""]
    return lines
