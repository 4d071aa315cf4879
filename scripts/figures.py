"""Render the documentation figures of kzdata into ``docs/figures/``.

Usage::

    python scripts/figures.py [--out docs/figures]

Two figures are drawn from the shipped tables:

``january-2022-timeline.png``
    Every event whose date interval overlaps 1-19 January 2022, on a day axis,
    coloured by category, with the precision of each date shown.
``governance-targets.png``
    The governance indicators that carry a target: the earliest observed value
    against the 2026 target.

The script is a consumer of kzdata, not part of it: matplotlib is the optional
"plot" extra (``pip install 'kzdata[plot]'``, from a source checkout ``pip install '.[plot]'``)
and kzdata never imports it, so this module imports matplotlib only inside the drawing functions. What each figure
shows is computed by pure functions returning DataFrames (:func:`timeline_frame`,
:func:`label_layout`, :func:`targets_frame`, :func:`value_discrepancies`), which the
tests check without matplotlib. Figures have a fixed size and dpi, rcParams are
reset to matplotlib's defaults and the PNGs carry no software version or
timestamp, so a rerun on the same matplotlib writes identical bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

import kzdata
from kzdata.errors import KzdataError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "figures"

EXIT_OK = 0
EXIT_DATA = 1
EXIT_MISSING_DEPENDENCY = 2

TIMELINE_FILE = "january-2022-timeline.png"
TARGETS_FILE = "governance-targets.png"

#: The timeline's window, both ends included: from the gas price rise to the CSTO's departure.
WINDOW_START = pd.Timestamp("2022-01-01")
WINDOW_END = pd.Timestamp("2022-01-19")

#: The year the anti-corruption policy's targets are set for.
TARGET_YEAR = 2026

#: Fixed sizes (inches) and resolution: a PNG is always size * DPI pixels.
DPI = 150
TIMELINE_SIZE = (16.0, 14.0)
TARGETS_SIZE = (11.0, 6.0)

#: PNG metadata: drop "Software" (it names the matplotlib version); Agg writes no timestamp.
PNG_METADATA: dict[str, str | None] = {"Software": None}

#: One fixed colour per event category (colour-blind-safe Okabe-Ito and Paul Tol
#: hues), so a category keeps its colour whatever else the table holds.
CATEGORY_COLOURS: dict[str, str] = {
    "background": "#A6A6A6",
    "protest": "#E69F00",
    "violence": "#D55E00",
    "emergency_measure": "#CC79A7",
    "security_deployment": "#0072B2",
    "personnel_change": "#009E73",
    "detention": "#882255",
    "investigation": "#332288",
    "conviction": "#AA4499",
    "statement": "#56B4E9",
    "reform": "#117733",
    "legislation": "#44AA99",
    "referendum": "#DDCC77",
    "election": "#999933",
    "foreign_policy": "#000000",
    "economy": "#997700",
    "other": "#6E6E6E",
}
FALLBACK_COLOUR = "#777777"

#: The event statuses drawn by default: what the texts say happened (docs/events.md).
HAPPENED = ("occurred", "reported")

TIMELINE_COLUMNS = [
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "date_inferred",
    "time_of_day",
    "title",
    "category",
    "multi_day",
    "open_ended",
    "label",
]

LAYOUT_COLUMNS = ["span_start", "span_end", "text_x", "ha", "row"]

TARGETS_COLUMNS = [
    "indicator_id",
    "name",
    "publisher",
    "unit",
    "higher_is_better",
    "baseline_value_id",
    "baseline_value",
    "baseline_year",
    "baseline_qualifier",
    "baseline_inferred",
    "target_value_id",
    "target_value",
    "target_year",
    "target_qualifier",
]

QUALIFIER_SIGNS = {
    "exact": "",
    "approximately": "~",
    "more_than": ">",
    "at_least": "\u2265",
    "up_to": "\u2264",
    "less_than": "<",
    "almost": "~",
}

UNIT_LABELS = {
    "points": "points (0\u2013100)",
    "percentile": "percentile rank (0\u2013100)",
}


# --------------------------------------------------------------------------- timeline data


def time_of_day_key(value: object) -> float:
    """Hours after midnight for a ``time_of_day`` value, so that same-day events sort in order.

    The column holds a clock time (``HH:MM``) or a part of the day in words; words
    get a representative hour, and a missing or unknown time sorts last (24).
    """
    if not isinstance(value, str) or not value.strip():
        return 24.0
    text = value.strip().lower()
    hours, sep, minutes = text.partition(":")
    if sep and hours.isdigit() and minutes[:2].isdigit():
        return int(hours) + int(minutes[:2]) / 60
    parts = {
        "night": 2.0,
        "early morning": 6.0,
        "morning": 9.0,
        "midday": 12.0,
        "noon": 12.0,
        "early afternoon": 13.0,
        "afternoon": 15.0,
        "evening": 19.0,
        "late evening": 22.0,
    }
    for word, hour in sorted(parts.items(), key=lambda item: -len(item[0])):
        if word in text:
            return hour
    return 24.0


def _day(stamp: pd.Timestamp) -> str:
    """A date as the labels print it, e.g. ``4 Jan 2022``."""
    return f"{stamp.day} {stamp:%b %Y}"


def period_text(start: pd.Timestamp, end: pd.Timestamp, precision: str) -> str:
    """The stated period of an event whose bar the window clips, in words.

    A clipped bar cannot show where the interval ends, and for a ``range`` only the
    bounds are known, so the label says them.
    """
    if precision == "month":
        return f"{start:%B %Y}"
    if precision == "year":
        return f"{start:%Y}"
    if start == end:
        return _day(start)
    return f"between {_day(start)} and {_day(end)}"


def event_label(row: pd.Series, start: pd.Timestamp = WINDOW_START, end: pd.Timestamp = WINDOW_END) -> str:
    """The text beside an event: its title, plus its clock time or, if clipped, its stated period."""
    title = str(row["title"])
    if row["date_start"] < start or row["date_end"] > end:
        return f"{title} ({period_text(row['date_start'], row['date_end'], str(row['date_precision']))})"
    time = row["time_of_day"]
    if isinstance(time, str) and time.strip():
        return f"{title} ({time.strip()})"
    return title


def timeline_frame(
    events: pd.DataFrame,
    start: pd.Timestamp = WINDOW_START,
    end: pd.Timestamp = WINDOW_END,
    statuses: Sequence[str] | None = HAPPENED,
) -> pd.DataFrame:
    """The events to draw: those whose interval overlaps ``start``..``end``, in date order.

    Only events whose ``status`` is in ``statuses`` are drawn: by default what the texts
    say happened (``occurred`` and ``reported``, as ``kzdata.timeline()`` counts), so an
    alleged or contradicted event or an opinion is not drawn as a happening
    (docs/events.md). ``None`` draws every event; a frame without ``status`` is drawn whole.

    An event belongs on the timeline when any day of its interval falls in the
    window (``date_start <= end`` and ``date_end >= start``): an event the sources
    date only loosely ("some time after 5 January 2022") still shows, as a clipped
    bar, instead of being silently dropped. ``open_ended`` marks those whose
    interval runs outside the window; the figure draws them apart. Rows are sorted
    by start, time of day, end and id, so the figure is the same on every run.
    """
    overlap = (events["date_start"] <= end) & (events["date_end"] >= start)
    if statuses is not None and "status" in events.columns:
        overlap &= events["status"].astype("string").isin(list(statuses)).fillna(False)
    frame = events.loc[overlap].copy()
    frame["multi_day"] = frame["date_end"] > frame["date_start"]
    frame["open_ended"] = (frame["date_start"] < start) | (frame["date_end"] > end)
    frame["label"] = [event_label(row, start, end) for _, row in frame.iterrows()]
    frame["_time"] = frame["time_of_day"].map(time_of_day_key)
    frame = frame.sort_values(["date_start", "_time", "date_end", "event_id"], kind="mergesort")
    return frame[TIMELINE_COLUMNS].reset_index(drop=True)


def assign_rows(starts: Sequence[float], ends: Sequence[float], gap: float = 0.0) -> list[int]:
    """Stack spans into rows so that no two spans in a row overlap.

    Greedy first fit in the order given (date order): each span goes to the lowest
    row whose last span ends at least ``gap`` before it starts. This is what keeps
    timeline labels from running into each other.
    """
    row_ends: list[float] = []
    rows: list[int] = []
    for start, end in zip(starts, ends, strict=True):
        for row, row_end in enumerate(row_ends):
            if row_end + gap <= start:
                row_ends[row] = end
                rows.append(row)
                break
        else:
            row_ends.append(end)
            rows.append(len(row_ends) - 1)
    return rows


def label_layout(
    starts: Sequence[float],
    ends: Sequence[float],
    widths: Sequence[float],
    left: float,
    right: float,
    pad: float = 0.12,
    gap: float = 0.08,
) -> pd.DataFrame:
    """Where each label goes and which row each event takes, in x-axis units.

    A label sits right of its mark or bar when it fits before ``right``, else left
    of the mark when it fits after ``left``, else on the bar just after the mark.
    A bar that reaches ``right`` (clipped by the window) always carries its label
    just after the mark, so all open-ended bars read the same way. The whole span,
    mark to label end, must not collide with another in its row;
    :func:`assign_rows` stacks them.
    """
    spans: list[dict[str, Any]] = []
    for start, end, width in zip(starts, ends, widths, strict=True):
        clipped = end >= right - 2 * pad
        if not clipped and end + pad + width <= right:
            spans.append({"span_start": start - pad, "span_end": end + pad + width, "text_x": end + pad, "ha": "left"})
        elif not clipped and start - pad - width >= left:
            spans.append(
                {"span_start": start - pad - width, "span_end": end + pad, "text_x": start - pad, "ha": "right"}
            )
        else:
            span_end = max(end, start + 2 * pad + width) + pad
            spans.append({"span_start": start - pad, "span_end": span_end, "text_x": start + 2 * pad, "ha": "left"})
    frame = pd.DataFrame(spans, columns=LAYOUT_COLUMNS[:-1])
    frame["row"] = assign_rows(frame["span_start"].tolist(), frame["span_end"].tolist(), gap=gap)
    return frame


def category_colours(categories: Sequence[str]) -> dict[str, str]:
    """The colour of each category present, in the order the registry declares them.

    Declared order (not order of appearance) keeps the legend stable when events
    are added; a category missing from :data:`CATEGORY_COLOURS` gets a neutral grey
    rather than an error.
    """
    declared = list(CATEGORY_COLOURS)
    present = sorted(set(categories), key=lambda c: (declared.index(c) if c in declared else len(declared), c))
    return {category: CATEGORY_COLOURS.get(category, FALLBACK_COLOUR) for category in present}


def caption(tables: str) -> str:
    """The provenance line under each figure: which release and which tables."""
    return f"Source: kzdata {kzdata.__version__}, {tables}"


# --------------------------------------------------------------------------- targets data


def target_indicator_ids(values: pd.DataFrame) -> list[str]:
    """The indicators that have a target row: the governance measures of the 2022 policy.

    They are found from the data (``value_kind == "target"``), not named in code,
    so a target added to the data appears in the figure without a code change.
    """
    ids = values.loc[values["value_kind"] == "target", "indicator_id"].dropna().unique()
    return sorted(str(i) for i in ids)


def targets_frame(
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    organizations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator with a target: its baseline and its target, ready to draw.

    The baseline is the earliest *observed* value, with the year it refers to:
    the policy's starting point, not the latest score. The target is the target
    row for :data:`TARGET_YEAR` if there is one, else the latest target. When
    ``organizations`` is given the publisher is named, so the chart can say whose
    index each row is.
    """
    names: dict[str, str] = {}
    if organizations is not None:
        names = dict(zip(organizations["organization_id"], organizations["name"], strict=True))
    meta = indicators.set_index("indicator_id")
    rows: list[dict[str, Any]] = []
    for indicator_id in target_indicator_ids(values):
        mine = values.loc[values["indicator_id"] == indicator_id].sort_values(["date_start", "value_id"])
        observed = mine.loc[mine["value_kind"] == "observed"]
        targets = mine.loc[mine["value_kind"] == "target"]
        in_year = targets.loc[targets["date_start"].dt.year == TARGET_YEAR]
        target = (in_year if len(in_year) else targets).iloc[-1]
        info = meta.loc[indicator_id]
        publisher = info["publisher"]
        row: dict[str, Any] = {
            "indicator_id": indicator_id,
            "name": str(info["name"]),
            "publisher": names.get(publisher, publisher) if pd.notna(publisher) else None,
            "unit": str(info["unit"]),
            "higher_is_better": info["higher_is_better"],
            "target_value_id": str(target["value_id"]),
            "target_value": float(target["value"]),
            "target_year": int(target["date_start"].year),
            "target_qualifier": str(target["qualifier"]),
        }
        if len(observed):
            baseline = observed.iloc[0]
            row |= {
                "baseline_value_id": str(baseline["value_id"]),
                "baseline_value": float(baseline["value"]),
                "baseline_year": int(baseline["date_start"].year),
                "baseline_qualifier": str(baseline["qualifier"]),
                "baseline_inferred": bool(baseline["date_inferred"]),
            }
        rows.append(row)
    frame = pd.DataFrame(rows, columns=TARGETS_COLUMNS)
    return frame.astype({"baseline_value": "float64", "baseline_year": "Int64", "target_year": "Int64"})


def value_discrepancies(
    value_ids: Sequence[str],
    claims: pd.DataFrame,
    discrepancies: pd.DataFrame,
) -> pd.DataFrame:
    """The recorded discrepancies that involve the given indicator values, one row per pair.

    A chart that plots a disputed number should say so; the discrepancies tables
    record, for example, that the Government Effectiveness baseline is called a
    score while its target is a percentile.
    """
    mine = claims.loc[(claims["record_table"] == "indicator_values") & claims["record_id"].isin(list(value_ids))]
    merged = mine.merge(discrepancies, on="discrepancy_id", how="left")
    merged = merged.rename(columns={"record_id": "value_id"})[["value_id", "discrepancy_id", "topic"]]
    merged = merged.drop_duplicates().sort_values(["discrepancy_id", "value_id"], kind="mergesort")
    return merged.astype({"value_id": "string", "discrepancy_id": "string", "topic": "string"}).reset_index(drop=True)


# --------------------------------------------------------------------------- drawing


def _number(value: float, qualifier: str | None = None) -> str:
    """A value as printed on the chart, its qualifier as a sign (``~36``, ``>47``)."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return QUALIFIER_SIGNS.get(qualifier or "exact", "") + text


def _new_figure(size: tuple[float, float]) -> Figure:
    """A figure of fixed size and dpi on its own Agg canvas: no pyplot, no global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, path: Path) -> None:
    """Write a PNG whose bytes depend on the drawing only (no version, no timestamp, no tight bbox)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI, metadata=PNG_METADATA)


def _strip(ax: Axes) -> None:
    """Leave only the bottom spine: the y axis of these charts carries no scale."""
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def _text_widths(fig: Figure, ax: Axes, texts: Sequence[str], fontsize: float) -> list[float]:
    """How many x-axis units each text covers, measured with the real renderer and font."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    x0, x1 = ax.get_xlim()
    units_per_pixel = (x1 - x0) / ax.get_window_extent(renderer).width
    widths = []
    for text in texts:
        artist = ax.text(0, 0, text, fontsize=fontsize)
        widths.append(artist.get_window_extent(renderer).width * units_per_pixel)
        artist.remove()
    return widths


def _draw_band(fig: Figure, ax: Axes, band: pd.DataFrame, fontsize: float) -> None:
    """Draw one band of the timeline: marks, bars and row-stacked labels."""
    import matplotlib.dates as mdates

    left, right = ax.get_xlim()
    inset = 0.12
    starts = [max(float(mdates.date2num(d)), left + inset) for d in band["date_start"]]
    ends = [min(float(mdates.date2num(d)), right - inset) for d in band["date_end"]]
    widths = _text_widths(fig, ax, band["label"].tolist(), fontsize)
    layout = label_layout(starts, ends, widths, left, right)

    for (_, event), x0, x1, (_, place) in zip(band.iterrows(), starts, ends, layout.iterrows(), strict=True):
        colour = CATEGORY_COLOURS.get(str(event["category"]), FALLBACK_COLOUR)
        y = place["row"]
        if event["multi_day"]:
            ax.plot([x0, x1], [y, y], color=colour, linewidth=4.5, alpha=0.4, solid_capstyle="butt", zorder=2)
            runs_on = event["date_end"] > WINDOW_END
            ax.plot(
                [x1],
                [y],
                marker=">" if runs_on else "|",
                color=colour,
                markersize=7 if runs_on else 9,
                markeredgewidth=1.8,
                zorder=3,
            )
            if event["date_start"] < WINDOW_START:
                ax.plot([x0], [y], marker="<", color=colour, markersize=7, zorder=3)
        inferred = bool(event["date_inferred"])
        ax.plot(
            [x0],
            [y],
            marker="o",
            markersize=6.5,
            markerfacecolor="white" if inferred else colour,
            markeredgecolor=colour,
            markeredgewidth=1.7,
            linestyle="none",
            zorder=4,
        )
        # A white box lifts the label off day gridlines and off its own bar.
        ax.text(
            place["text_x"],
            y,
            event["label"],
            fontsize=fontsize,
            ha=place["ha"],
            va="center",
            zorder=5,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
        )
    n_rows = int(layout["row"].max()) + 1 if len(layout) else 1
    ax.set_ylim(n_rows - 0.4, -0.7)
    _strip(ax)


def draw_timeline(frame: pd.DataFrame, path: Path) -> None:
    """Draw the January 2022 timeline.

    Events dated within the window go in the upper band; events whose stated
    interval runs past it (known only to a month, or to bounds months or years
    apart) go in a lower band, so that their long bars do not bury the day-by-day
    story. Colour is the category; a hollow mark is a date inferred from context.
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fontsize = 7.5
    within = frame.loc[~frame["open_ended"]]
    beyond = frame.loc[frame["open_ended"]]
    # Row counts decide the band heights; measure them with a throwaway layout first.
    fig = _new_figure(TIMELINE_SIZE)
    left = float(mdates.date2num(WINDOW_START)) - 0.6
    right = float(mdates.date2num(WINDOW_END)) + 0.6
    heights = []
    for band in (within, beyond):
        probe = fig.add_subplot()
        probe.set_xlim(left, right)
        starts = [max(float(mdates.date2num(d)), left + 0.12) for d in band["date_start"]]
        ends = [min(float(mdates.date2num(d)), right - 0.12) for d in band["date_end"]]
        rows = label_layout(starts, ends, _text_widths(fig, probe, band["label"].tolist(), fontsize), left, right)
        heights.append((int(rows["row"].max()) + 1 if len(rows) else 1) + 1.1)
        probe.remove()

    grid = fig.add_gridspec(2, 1, height_ratios=heights, hspace=0.1, left=0.015, right=0.985, top=0.875, bottom=0.125)
    days = pd.date_range(WINDOW_START, WINDOW_END, freq="D")
    axes = []
    for i, (band, title) in enumerate(
        (
            (within, f"Dated within 1\u201319 January ({len(within)} events)"),
            (beyond, f"Dated only loosely: the stated period runs past 19 January ({len(beyond)} events)"),
        )
    ):
        ax = fig.add_subplot(grid[i])
        ax.set_xlim(left, right)
        ax.set_xticks([float(mdates.date2num(d)) for d in days])
        ax.set_xticklabels([f"{d.day}\n{d:%a}" for d in days], fontsize=8.5)
        ax.tick_params(axis="x", length=0, labeltop=(i == 0), labelbottom=(i == 1), top=False)
        ax.grid(axis="x", color="#e2e2e2", linewidth=0.8, zorder=0)
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold", color="#333333", pad=30 if i == 0 else 8)
        _draw_band(fig, ax, band, fontsize)
        axes.append(ax)
    axes[0].spines["bottom"].set_visible(False)
    axes[1].set_xlabel("January 2022 (local dates)", fontsize=9)

    fig.text(
        0.015,
        0.975,
        "Kazakhstan, 1\u201319 January 2022: the events in kzdata",
        fontsize=16,
        fontweight="bold",
        va="top",
    )
    fig.text(
        0.015,
        0.951,
        f"The {len(frame)} events that happened, as the texts say (status occurred or reported), whose date interval "
        "overlaps 1\u201319 January 2022.\nA dot marks the start of each event; a bar spans the period a source dates "
        "it to (range or month), clipped at the window's edge.",
        fontsize=9.5,
        color="#444444",
        va="top",
    )

    colours = category_colours(frame["category"].astype(str).tolist())
    category_handles = [Patch(color=colour, label=cat.replace("_", " ")) for cat, colour in colours.items()]
    grey = "#555555"
    precision_handles = [
        Line2D([], [], marker="o", linestyle="none", color=grey, markersize=6.5, label="date stated in the source"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="white",
            markeredgecolor=grey,
            markeredgewidth=1.7,
            markersize=6.5,
            label="date inferred from context",
        ),
        Line2D([], [], color=grey, linewidth=4.5, alpha=0.4, label="dated to a period: between its ends"),
        Line2D([], [], marker=">", linestyle="none", color=grey, markersize=7, label="period runs past 19 January"),
    ]
    fig.legend(
        handles=category_handles,
        title="Category",
        loc="lower left",
        bbox_to_anchor=(0.015, 0.02),
        ncols=5,
        fontsize=8.5,
        title_fontsize=9,
        frameon=False,
        alignment="left",
    )
    fig.legend(
        handles=precision_handles,
        title="Date",
        loc="lower right",
        bbox_to_anchor=(0.985, 0.02),
        ncols=2,
        fontsize=8.5,
        title_fontsize=9,
        frameon=False,
        alignment="left",
    )
    fig.text(0.985, 0.004, caption("events table"), ha="right", va="bottom", fontsize=8, color="#555555")
    _save(fig, path)


def draw_targets(frame: pd.DataFrame, notes: pd.DataFrame, path: Path) -> None:
    """Draw the governance targets: one dumbbell per indicator, baseline to target.

    CPI points and World Bank percentile ranks are different units that share a
    0-100 range, so one axis serves all rows and each row names its unit.
    ``notes`` (from :func:`value_discrepancies`) puts a marker on disputed values.
    """
    fig = _new_figure(TARGETS_SIZE)
    fig.subplots_adjust(left=0.31, right=0.97, top=0.83, bottom=0.24)
    ax = fig.add_subplot()

    values = pd.concat([frame["baseline_value"], frame["target_value"]]).dropna()
    if values.min() >= 0 and values.max() <= 100:
        ax.set_xlim(0, 100)
    else:
        low, high = float(values.min()), float(values.max())
        margin = (high - low) * 0.1 or 1.0
        ax.set_xlim(low - margin, high + margin)

    marks = {topic: chr(ord("a") + i) for i, topic in enumerate(dict.fromkeys(notes["topic"].tolist()))}

    def tag(value_id: object) -> str:
        found = notes.loc[notes["value_id"] == value_id, "topic"].tolist()
        return "".join(f"$^{{{marks[t]}}}$" for t in dict.fromkeys(found))

    base_colour, target_colour = "#666666", "#0072B2"
    for y, (_, row) in enumerate(frame.iterrows()):
        base, target = row["baseline_value"], row["target_value"]
        if pd.notna(base):
            ax.annotate(
                "",
                xy=(target, y),
                xytext=(base, y),
                arrowprops={"arrowstyle": "-|>", "color": "#a9c8df", "linewidth": 3, "shrinkA": 7, "shrinkB": 7},
                zorder=1,
            )
            inferred = bool(row["baseline_inferred"])
            ax.plot(
                [base],
                [y],
                marker="o",
                markersize=11,
                markerfacecolor="white" if inferred else base_colour,
                markeredgecolor=base_colour,
                markeredgewidth=2,
                zorder=3,
            )
            year = f"{row['baseline_year']}" + ("*" if inferred else "")
            ax.text(
                base - 2.2,
                y,
                f"{_number(base, row['baseline_qualifier'])}{tag(row['baseline_value_id'])} ({year})",
                ha="right",
                va="center",
                fontsize=9.5,
                color="#333333",
            )
            ax.text(
                (base + target) / 2,
                y + 0.17,
                f"{target - base:+.0f}",
                ha="center",
                va="top",
                fontsize=8.5,
                color="#4a7ea8",
            )
        ax.plot([target], [y], marker="o", markersize=11, color=target_colour, zorder=3)
        ax.text(
            target + 2.2,
            y,
            f"{_number(target, row['target_qualifier'])}{tag(row['target_value_id'])} ({row['target_year']} target)",
            ha="left",
            va="center",
            fontsize=9.5,
            color=target_colour,
            fontweight="bold",
        )
        unit = UNIT_LABELS.get(str(row["unit"]), str(row["unit"]))
        publisher = row["publisher"]
        by = f"{publisher} \u00b7 " if publisher and not str(row["name"]).startswith(str(publisher)) else ""
        ax.text(
            -0.03,
            y,
            f"{row['name']}\n{by}{unit}",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=9.5,
            linespacing=1.5,
        )

    ax.set_ylim(len(frame) - 0.5, -0.5)
    _strip(ax)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    better = frame["higher_is_better"].dropna().unique().tolist()
    direction = " (higher is better)" if better == [True] else ""
    ax.set_xlabel(f"Value on the indicator's own scale{direction}", fontsize=9)

    fig.text(
        0.02,
        0.965,
        f"Kazakhstan's governance scores and the anti-corruption policy's {TARGET_YEAR} targets",
        fontsize=13,
        fontweight="bold",
        va="top",
    )
    fig.text(
        0.02,
        0.905,
        "Grey: earliest observed value in kzdata, with the year it refers to. "
        f"Blue: the {TARGET_YEAR} target. Arrow label: points or percentiles still to gain.",
        fontsize=9,
        color="#444444",
        va="top",
    )
    lines = [f"{mark}  kzdata records a discrepancy: {topic}" for topic, mark in marks.items()]
    if frame["baseline_inferred"].fillna(False).any():
        lines.append("*  year inferred from the source's context, not stated with the value (hollow marker)")
    fig.text(0.02, 0.02, "\n".join(lines), ha="left", va="bottom", fontsize=8, color="#555555", linespacing=1.5)
    fig.text(
        0.98,
        0.02,
        caption("indicators and indicator_values tables"),
        ha="right",
        va="bottom",
        fontsize=8,
        color="#555555",
    )
    _save(fig, path)


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command-line options: only where to write."""
    parser = argparse.ArgumentParser(description="Render kzdata's documentation figures (needs matplotlib).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Render both figures; exit 2 with an install hint when matplotlib is missing."""
    args = parse_args(argv)
    try:
        import matplotlib
    except ImportError:
        print(
            "figures.py needs matplotlib, kzdata's optional 'plot' extra. Install it with:\n"
            "    pip install 'kzdata[plot]'        (from a source checkout: pip install '.[plot]'; "
            "or: pip install matplotlib==3.11.2)",
            file=sys.stderr,
        )
        return EXIT_MISSING_DEPENDENCY
    matplotlib.use("Agg")
    try:
        timeline = timeline_frame(kzdata.events())
        targets = targets_frame(kzdata.indicators(), kzdata.indicator_values(), kzdata.organizations())
        ids = [*targets["baseline_value_id"].dropna(), *targets["target_value_id"]]
        notes = value_discrepancies(ids, kzdata.discrepancy_claims(), kzdata.discrepancies())
    except KzdataError as exc:
        print(f"figures.py: cannot read the data: {exc}", file=sys.stderr)
        return EXIT_DATA
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        draw_timeline(timeline, args.out / TIMELINE_FILE)
        draw_targets(targets, notes, args.out / TARGETS_FILE)
    for name in (TIMELINE_FILE, TARGETS_FILE):
        print(args.out / name)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
