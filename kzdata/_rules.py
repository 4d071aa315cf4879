"""Cross-table and cross-column rules, shared by the build and :func:`kzdata.validate`.

Each rule takes the whole dataset (a mapping of table name to DataFrame, rows in any
order, a default RangeIndex) and yields :class:`Failure` records that name the table,
the row position, the column, the value and the rule. The build turns the row
position into a line of ``raw/<table>.csv``; ``validate()`` turns it into a primary
key. Every rule is set- or hash-based (``isin``, ``groupby``, ``merge``), never a
loop over pairs of rows, so its cost grows linearly with the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from kzdata._registry import (
    ALIASES,
    CHANGES,
    CITATIONS,
    DISCREPANCIES,
    DISCREPANCY_CLAIMS,
    EDITORIAL_VALUES,
    EVENT_ACTORS,
    EVENTS,
    FOOTNOTES,
    HIGH_BOUND_IS_VALUE,
    INDICATOR_VALUES,
    INDICATORS,
    LOW_BOUND_IS_VALUE,
    POSITIONS,
    REGISTRY,
    REPLACING_CHANGES,
    RETIRING_CHANGES,
    SECTIONS,
    SOURCES,
    TABLES,
    UNCITED_TABLES,
    UPPER_BOUND_ONLY,
)
from kzdata._versions import is_version

Frames = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Failure:
    """One row breaking one rule."""

    table: str
    row: int
    column: str
    value: object
    rule: str


def plain_value(value: object) -> object:
    """A cell value as an editor wrote it, without numpy or pandas wrappers (for messages).

    Every spelling of an empty cell is None: pandas gives ``NA`` for most columns, but
    ``NaN`` for an empty category cell and ``NaT`` for an empty date, and a message
    should not show the user a different word for each.

    >>> import numpy as np
    >>> plain_value(np.int64(500)), plain_value(pd.Timestamp("0999-01-05")), plain_value(np.nan)
    (500, '0999-01-05', None)
    """
    if isinstance(value, pd.Timestamp):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def isin(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)`` for id columns, hashed by Arrow.

    pandas 3.1's ``isin`` on Arrow-backed strings falls back to a Python loop; Arrow's
    ``is_in`` keeps the rules linear and fast at any size (see docs/benchmarks.md).
    Missing values are never "in". An Arrow-backed column is handed to Arrow as it is
    (a round trip through Python objects cost two thirds of the time, issue 21); a
    column of Python strings or a category is converted, and every side is cast to one
    string type.

    >>> isin(pd.Series(["a", "b", None], dtype="string"), pd.Series(["a"], dtype="string")).tolist()
    [True, False, False]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    needles = pa.array(values, from_pandas=True).cast(pa.large_string())
    haystack = pa.array(known.dropna(), from_pandas=True).cast(pa.large_string())
    found = pc.is_in(needles, value_set=haystack).fill_null(False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _rows(table: str, frame: pd.DataFrame, mask: pd.Series, column: str, rule: str) -> Iterator[Failure]:
    # A comparison with a missing value is unknown, not a failure: the schema reports missing cells.
    mask = mask.fillna(False).astype(bool)
    for pos in mask.to_numpy().nonzero()[0]:
        yield Failure(table, int(pos), column, frame[column].iloc[pos], rule)


def foreign_keys(frames: Frames) -> Iterator[Failure]:
    """Every declared foreign key resolves to an existing primary key."""
    for table in TABLES:
        frame = frames[table.name]
        for column, ref_table, ref_column in table.foreign_keys:
            values = frame[column]
            known = frames[ref_table][ref_column]
            bad = values.notna() & ~isin(values, known)
            yield from _rows(table.name, frame, bad, column, f"must be an existing {ref_table}.{ref_column}")


def _polymorphic(frames: Frames, table: str, *, nullable: bool) -> Iterator[Failure]:
    frame = frames[table]
    keys = pd.Series(False, index=frame.index)
    for ref_table, group in frame.groupby("record_table", observed=True):
        known = frames[str(ref_table)][REGISTRY[str(ref_table)].primary_key]
        keys.loc[group.index] = isin(group["record_id"], known)
    # A missing record_table is either allowed (nullable) or already reported by the schema.
    dangling = frame["record_table"].notna() & frame["record_id"].notna() & ~keys
    yield from _rows(table, frame, dangling, "record_id", "must be the primary key of an existing row of record_table")
    if nullable:
        half = frame["record_id"].isna() != frame["record_table"].isna()
        yield from _rows(table, frame, half, "record_id", "record_table and record_id are set together or not at all")


def record_references(frames: Frames) -> Iterator[Failure]:
    """``(record_table, record_id)`` pairs in citations, discrepancy claims and editorial marks resolve."""
    yield from _polymorphic(frames, CITATIONS.name, nullable=False)
    yield from _polymorphic(frames, DISCREPANCY_CLAIMS.name, nullable=True)
    yield from _polymorphic(frames, EDITORIAL_VALUES.name, nullable=False)


def every_record_cited(frames: Frames) -> Iterator[Failure]:
    """Every record of every fact table has at least one citation."""
    cited = frames[CITATIONS.name]
    for table in TABLES:
        if table.name in UNCITED_TABLES:
            continue
        frame = frames[table.name]
        ids = cited.loc[cited["record_table"] == table.name, "record_id"]
        bad = ~isin(frame[table.primary_key], ids)
        yield from _rows(table.name, frame, bad, table.primary_key, "every record needs at least one row in citations")


def citation_locators(frames: Frames) -> Iterator[Failure]:
    """A citation points into a section of its own document, within the paragraph count."""
    cit = frames[CITATIONS.name]
    sections = frames[SECTIONS.name].set_index("section_id")
    sources = frames[SOURCES.name].set_index("source_id")
    owner = cit["section_id"].map(sections["source_id"])
    yield from _rows(
        CITATIONS.name,
        cit,
        owner.notna() & (owner != cit["source_id"]),
        "section_id",
        "the section must belong to the cited source_id",
    )
    count = cit["section_id"].map(sections["paragraph_count"]).astype("Int64")
    too_far = (cit["paragraph"] > count).fillna(False)
    yield from _rows(CITATIONS.name, cit, too_far, "paragraph", "must not exceed the section's paragraph_count")
    neither = cit["paragraph"].isna() & cit["footnote"].isna()
    yield from _rows(CITATIONS.name, cit, neither, "paragraph", "a citation needs a paragraph, a footnote, or both")
    kind = cit["source_id"].map(sources["kind"].astype("string"))
    yield from _rows(
        CITATIONS.name,
        cit,
        kind == "cited_work",
        "source_id",
        "citations point into a primary document (cited works are reached through footnotes)",
    )
    notes = frames[FOOTNOTES.name]["footnote"]
    bad_fn = cit["footnote"].notna() & ~cit["footnote"].isin(notes)
    yield from _rows(CITATIONS.name, cit, bad_fn, "footnote", "must be a footnote number present in footnotes")


#: The form of ``citations.span_sha256`` (kzdata._anchors.HASH_PATTERN, repeated to keep the rules import-light).
SPAN_HASH = r"^sha256:[0-9a-f]{64}$"


def citation_anchors(frames: Frames) -> Iterator[Failure]:
    """A citation's span is given whole or not at all, ends after it starts, and has a well-formed hash."""
    cit = frames[CITATIONS.name]
    given = cit[["span_start", "span_end", "span_sha256"]].notna()
    partial = given.any(axis=1) & ~given.all(axis=1)
    yield from _rows(
        CITATIONS.name,
        cit,
        partial,
        "span_sha256",
        "span_start, span_end and span_sha256 are given together or not at all",
    )
    yield from _rows(CITATIONS.name, cit, cit["span_end"] <= cit["span_start"], "span_end", "must be after span_start")
    bad_hash = cit["span_sha256"].notna() & ~cit["span_sha256"].astype("string").str.match(SPAN_HASH).fillna(False)
    yield from _rows(CITATIONS.name, cit, bad_hash, "span_sha256", "must be sha256: and 64 lower-case hex digits")


def _interval_columns(table: str) -> list[tuple[str, str, str, str | None]]:
    """``(start, end, precision, inferred)`` column groups of a table."""
    names = REGISTRY[table].column_names
    groups = []
    for name in names:
        if name.endswith("_precision"):
            stem = name[: -len("_precision")]
            start = "date_start" if stem == "date" else f"{stem}_start"
            end = "date_end" if stem == "date" else f"{stem}_end"
            if start in names and end in names:
                inferred = f"{stem}_inferred"
                groups.append((start, end, name, inferred if inferred in names else None))
    return groups


def _precision_problems(start: pd.Series, end: pd.Series, precision: pd.Series) -> list[tuple[pd.Series, str, str]]:
    prec = precision.astype("string")
    month_end = start + pd.offsets.MonthEnd(0)
    year_end = start + pd.offsets.YearEnd(0)
    checks = [
        (end < start, "end", "the end must not be before the start"),
        ((prec == "day") & (end != start), "end", "day precision: start and end are the same day"),
        ((prec == "month") & (start.dt.day != 1), "start", "month precision: the start is the first of the month"),
        (
            (prec == "month") & (end != month_end),
            "end",
            "month precision: the end is the last day of the start's month",
        ),
        (
            (prec == "year") & ((start.dt.month != 1) | (start.dt.day != 1)),
            "start",
            "year precision: the start is 1 January",
        ),
        ((prec == "year") & (end != year_end), "end", "year precision: the end is 31 December of the start's year"),
        (
            (prec == "range") & (end == start),
            "end",
            "range precision: the bounds differ (use day precision for one day)",
        ),
    ]
    return [(mask.fillna(False).astype(bool), col, rule) for mask, col, rule in checks]


def date_intervals(frames: Frames) -> Iterator[Failure]:
    """Every date interval is ordered and agrees with its precision."""
    for table in TABLES:
        frame = frames[table.name]
        for start, end, precision, inferred in _interval_columns(table.name):
            group = [start, end, precision] + ([inferred] if inferred else [])
            set_count = sum(frame[c].notna().astype(int) for c in group)
            partial = (set_count > 0) & (set_count < len(group))
            yield from _rows(table.name, frame, partial, precision, f"{', '.join(group)} are all set or all empty")
            for mask, which, rule in _precision_problems(frame[start], frame[end], frame[precision]):
                yield from _rows(table.name, frame, mask, start if which == "start" else end, rule)


def position_dates(frames: Frames) -> Iterator[Failure]:
    """A position's dates come with their precision and end after they start."""
    pos = frames[POSITIONS.name]
    for date, prec in (("start_date", "start_precision"), ("end_date", "end_precision")):
        for col in (prec, prec.replace("precision", "inferred")):
            yield from _rows(
                POSITIONS.name, pos, pos[date].isna() != pos[col].isna(), col, f"{col} is set exactly when {date} is"
            )
        p = pos[prec].astype("string")
        d = pos[date]
        off_month = ((p == "month") & (d.dt.day != 1)).fillna(False)
        off_year = ((p == "year") & ((d.dt.month != 1) | (d.dt.day != 1))).fillna(False)
        yield from _rows(
            POSITIONS.name,
            pos,
            off_month | off_year,
            date,
            "a month or year date is stored as the first day of that month or year",
        )
    yield from _rows(
        POSITIONS.name,
        pos,
        (pos["end_date"] < pos["start_date"]).fillna(False),
        "end_date",
        "the end must not be before the start",
    )


def exactly_one(frames: Frames) -> Iterator[Failure]:
    """Link rows name exactly one entity."""
    for table, columns in (
        (EVENT_ACTORS.name, ["person_id", "organization_id"]),
        (ALIASES.name, ["person_id", "organization_id", "place_id", "reform_id"]),
    ):
        frame = frames[table]
        count = sum(frame[c].notna().astype(int) for c in columns)
        yield from _rows(table, frame, count != 1, columns[0], f"exactly one of {', '.join(columns)} is set")


def indicator_value_rules(frames: Frames) -> Iterator[Failure]:
    """Shares stay within 0-100, counts are not negative, targets come after baselines."""
    values = frames[INDICATOR_VALUES.name]
    unit = values["indicator_id"].map(frames[INDICATORS.name].set_index("indicator_id")["unit"].astype("string"))
    share = unit.isin(["percent", "percentile"])
    yield from _rows(
        INDICATOR_VALUES.name,
        values,
        (share & (values["value"] > 100)).fillna(False),
        "value",
        "a percent or percentile value is at most 100",
    )
    yield from _rows(
        INDICATOR_VALUES.name, values, (values["value"] < 0).fillna(False), "value", "values are not negative"
    )
    kind = values["value_kind"].astype("string")
    baseline = values[kind == "observed"].groupby("indicator_id", observed=True)["date_start"].min()
    first_year = values["indicator_id"].map(baseline).dt.year
    early = ((kind == "target") & (values["date_start"].dt.year <= first_year)).fillna(False)
    yield from _rows(
        INDICATOR_VALUES.name,
        values,
        early,
        "date_start",
        "a target's year is after the indicator's baseline (earliest observed) year",
    )


def event_figures_belong_to_events(frames: Frames) -> Iterator[Failure]:
    """A figure of an indicator that counts an event's people or forces names its event.

    ``kzdata.event_figures()`` lists an event's deaths, injuries, detentions, troops and
    participants from these rows; a figure without ``event_id`` would drop out of it
    unseen (docs/figures.md, "Figures of events").
    """
    values = frames[INDICATOR_VALUES.name]
    measure = values["indicator_id"].map(
        frames[INDICATORS.name].set_index("indicator_id")["event_measure"].astype("string")
    )
    yield from _rows(
        INDICATOR_VALUES.name,
        values,
        measure.notna() & values["event_id"].isna(),
        "event_id",
        "a figure of an event measure (deaths, injuries, detentions, troops, participants) names its event",
    )


def discrepancy_resolutions(frames: Frames) -> Iterator[Failure]:
    """A resolved discrepancy says what resolves it; an unresolved one has no resolution."""
    disc = frames[DISCREPANCIES.name]
    resolved = disc["status"].astype("string") == "resolved"
    has_text = disc["resolution"].notna()
    yield from _rows(
        DISCREPANCIES.name, disc, resolved & ~has_text, "resolution", "a resolved discrepancy gives its resolution"
    )
    yield from _rows(
        DISCREPANCIES.name,
        disc,
        ~resolved & has_text,
        "resolution",
        "only a resolved discrepancy has a resolution (set status to resolved, or remove the text)",
    )


def editorial_marks(frames: Frames) -> Iterator[Failure]:
    """An editorial mark names a column of its record that is not editorial as a whole, and the value it holds.

    ``editorial_values`` marks single values the documents do not state (docs/editorial.md).
    A mark on a column the table lacks, on its primary key (an id is a name, not a fact) or
    on a column already editorial as a whole would mark nothing; a mark whose
    ``recorded_value`` differs from the record's value (as written in ``raw/``) would vouch
    for a value that has since been corrected, whose basis nobody has re-read.
    """
    from kzdata._canonical import format_cell

    marks = frames[EDITORIAL_VALUES.name]
    for pos in range(len(marks)):
        mark = marks.iloc[pos]
        table_name = plain_value(mark["record_table"])
        if table_name not in REGISTRY:
            continue  # the schema reports an unknown table
        table = REGISTRY[str(table_name)]
        column_name = str(mark["column_name"])
        markable = [c.name for c in table.columns if not c.editorial and not c.derived][1:]
        if column_name not in markable:
            yield Failure(
                EDITORIAL_VALUES.name,
                pos,
                "column_name",
                column_name,
                f"must be a column of {table.name} that is neither its primary key, derived, nor editorial as a "
                f"whole: one of {', '.join(markable)}",
            )
            continue
        records = frames[table.name]
        held = records.loc[records[table.primary_key] == mark["record_id"], column_name]
        if held.empty:
            continue  # record_references reports a dangling record_id
        written = format_cell(table.column(column_name), held.iloc[0])
        recorded = plain_value(mark["recorded_value"])  # None: the schema reports the missing value
        if written == "":
            advice = "the record holds no value there now: remove the mark"
        else:
            advice = (
                f"must equal the value the record holds ({written!r}): re-read the basis, then update "
                "recorded_value, or remove the mark if the value is now stated by the documents"
            )
        if recorded is not None and written != recorded:
            yield Failure(EDITORIAL_VALUES.name, pos, "recorded_value", recorded, advice)
    cells = marks[["record_table", "record_id", "column_name"]].astype("string")
    twice = cells.duplicated(keep="first") & cells.notna().all(axis=1)
    yield from _rows(
        EDITORIAL_VALUES.name, marks, twice, "column_name", "a value is marked once: merge the two marks into one"
    )


def source_rules(frames: Frames) -> Iterator[Failure]:
    """Cited works carry a footnote number, primary documents none; missing texts have no title."""
    src = frames[SOURCES.name]
    kind = src["kind"].astype("string")
    yield from _rows(
        SOURCES.name,
        src,
        (kind == "cited_work") & src["footnote"].isna(),
        "footnote",
        "a cited work names the first footnote that cites it",
    )
    yield from _rows(
        SOURCES.name,
        src,
        (kind == "primary_document") & src["footnote"].notna(),
        "footnote",
        "a primary document has no footnote number",
    )
    yield from _rows(
        SOURCES.name,
        src,
        src["text_missing"].fillna(False) & src["title"].notna(),
        "title",
        "a source whose footnote text is missing has no title",
    )
    fn = frames[FOOTNOTES.name]
    fn_kind = fn["source_id"].map(src.set_index("source_id")["kind"].astype("string"))
    yield from _rows(
        FOOTNOTES.name,
        fn,
        fn_kind == "primary_document",
        "source_id",
        "a footnote cites a cited_work, not a primary document",
    )
    dup = fn.duplicated(["document_id", "footnote", "position"], keep=False)
    yield from _rows(FOOTNOTES.name, fn, dup, "position", "document_id, footnote and position together are unique")
    first = fn.groupby("source_id")["footnote"].min()
    listed = src["source_id"].map(first).astype("Int64")
    wrong = ((kind == "cited_work") & listed.notna() & (listed != src["footnote"])).fillna(False)
    yield from _rows(
        SOURCES.name, src, wrong, "footnote", "equals the lowest footnote that cites the work in footnotes"
    )


def discrepancy_sides(frames: Frames) -> Iterator[Failure]:
    """Every discrepancy has claims on at least two sides."""
    disc = frames[DISCREPANCIES.name]
    sides = frames[DISCREPANCY_CLAIMS.name].groupby("discrepancy_id")["side"].nunique()
    count = disc["discrepancy_id"].map(sides).fillna(0)
    yield from _rows(
        DISCREPANCIES.name,
        disc,
        count < 2,
        "discrepancy_id",
        "a discrepancy has claims on at least two sides in discrepancy_claims",
    )


def events_within_sources(frames: Frames) -> Iterator[Failure]:
    """An event cannot start after the latest publication date of the documents citing it."""
    events = frames[EVENTS.name]
    cit = frames[CITATIONS.name]
    cit = cit[cit["record_table"] == EVENTS.name]
    published = frames[SOURCES.name].set_index("source_id")["published_end"]
    latest = cit.assign(pub=cit["source_id"].map(published)).groupby("record_id")["pub"].max()
    bound = events["event_id"].map(latest)
    yield from _rows(
        EVENTS.name,
        events,
        (events["date_start"] > bound).fillna(False),
        "date_start",
        "an event cannot start after the publication of every source that reports it",
    )


def figure_bounds(frames: Frames) -> Iterator[Failure]:
    """A figure's bounds enclose its best value and agree with its qualifier (docs/figures.md).

    ``value_low <= value <= value_high`` where the bounds are set; an exact figure has
    both bounds equal to the value; a lower-bounded figure (more_than, at_least) has
    ``value_low == value``, an upper-bounded one (up_to, less_than, almost) has
    ``value_high == value`` and no lower bound; an approximate figure has no bounds
    (none is invented); a stated range (between) has both.
    """
    values = frames[INDICATOR_VALUES.name]
    value, low, high = values["value"], values["value_low"], values["value_high"]
    qual = values["qualifier"].astype("string")
    checks = [
        (low > value, "value_low", "value_low is at most value"),
        (high < value, "value_high", "value_high is at least value"),
        (qual.isin(LOW_BOUND_IS_VALUE) & (low != value), "value_low", "for this qualifier value_low equals value"),
        (qual.isin(LOW_BOUND_IS_VALUE) & low.isna(), "value_low", "for this qualifier value_low equals value"),
        (qual.isin(HIGH_BOUND_IS_VALUE) & (high != value), "value_high", "for this qualifier value_high equals value"),
        (qual.isin(HIGH_BOUND_IS_VALUE) & high.isna(), "value_high", "for this qualifier value_high equals value"),
        (
            qual.isin(UPPER_BOUND_ONLY) & low.notna(),
            "value_low",
            "an upper-bounded figure (up_to, less_than, almost) has no value_low",
        ),
        (
            (qual == "approximately") & (low.notna() | high.notna()),
            "value_low",
            "an approximate figure has no bounds (none is invented)",
        ),
        (
            (qual == "between") & (low.isna() | high.isna() | (low == high)),
            "qualifier",
            "a range (between) has two different bounds",
        ),
    ]
    for mask, column, rule in checks:
        yield from _rows(INDICATOR_VALUES.name, values, mask.fillna(False).astype(bool), column, rule)


def rule_validity(frames: Frames) -> Iterator[Failure]:
    """Rules carry two nested periods, are dated within the wider, and are never known in force together.

    The known period (``valid_from`` to ``known_to``) holds the days the text shows the rule
    in force; the possible period (``possible_from`` to ``valid_to``, a missing end being
    open) every day the evidence allows. So ``possible_from <= valid_from <= known_to <=
    valid_to``; two rules of one indicator and place may both be possible on a day, but
    never both known; and a rule is not dated outside its possible period
    (docs/figures.md, "Rules").
    """
    values = frames[INDICATOR_VALUES.name]
    table = INDICATOR_VALUES.name
    rule = values["value_kind"].astype("string") == "rule"
    yield from _rows(table, values, rule & values["valid_basis"].isna(), "valid_basis", "a rule has a valid_basis")
    for column in ("valid_from", "valid_to", "known_to", "possible_from", "valid_basis"):
        yield from _rows(
            table, values, ~rule & values[column].notna(), column, "only rules (value_kind rule) have a validity period"
        )
    known_from, known_to = values["valid_from"], values["known_to"]
    yield from _rows(
        table,
        values,
        rule & (known_from.isna() != known_to.isna()),
        "known_to",
        "known_to is set exactly when valid_from is (the known period has both ends or none)",
    )
    order = (
        ("possible_from", "valid_from", "valid_from is not before possible_from"),
        ("valid_from", "known_to", "known_to is not before valid_from"),
        ("known_to", "valid_to", "valid_to is not before known_to"),
        ("possible_from", "valid_to", "valid_to is not before possible_from"),
    )
    for first, last, text in order:
        yield from _rows(table, values, values[last] < values[first], last, text)
    yield from _rows(
        table,
        values,
        rule & (values["date_start"] < values["possible_from"]),
        "date_start",
        "a rule is not dated before its possible_from",
    )
    yield from _rows(
        table,
        values,
        rule & (values["date_end"] > values["valid_to"]),
        "date_end",
        "a rule is not dated after its valid_to (a superseded value is never dated to a time it did not hold)",
    )
    known = rule & known_from.notna()
    rules = values.loc[known, ["indicator_id", "valid_from", "known_to"]].assign(
        place=values.loc[known, "place_id"].astype("string").fillna("")
    )
    pairs = rules.reset_index().merge(rules.reset_index(), on=["indicator_id", "place"], suffixes=("", "_other"))
    overlap = (
        (pairs["index"] != pairs["index_other"])
        & (pairs["valid_from"] <= pairs["known_to_other"])
        & (pairs["valid_from_other"] <= pairs["known_to"])
    )
    mask = pd.Series(False, index=values.index)
    mask.loc[pairs.loc[overlap, "index"].unique()] = True
    yield from _rows(
        table,
        values,
        mask,
        "indicator_id",
        "two rules of the same indicator and place are not known in force on the same day (valid_from to known_to)",
    )


def _basis_groups(table: str) -> list[tuple[str, str, str]]:
    """``(date, inferred, basis)`` column triples of a table: one per dated interval or date."""
    names = REGISTRY[table].column_names
    out = []
    for name in names:
        if name.endswith("_basis") and name != "valid_basis":
            stem = name[: -len("_basis")]
            date = "date_start" if stem == "date" else f"{stem}_start" if f"{stem}_start" in names else f"{stem}_date"
            out.append((date, f"{stem}_inferred", name))
    return out


def date_bases(frames: Frames) -> Iterator[Failure]:
    """Every date has a basis, and its inferred flag agrees: true exactly when the basis is not ``stated``.

    The flag is kept for users of 0.1.0; the basis says which kind of inference it is
    (docs/dates.md), and this rule keeps the two from drifting apart.
    """
    for table in TABLES:
        frame = frames[table.name]
        for date, inferred, basis in _basis_groups(table.name):
            values = frame[basis].astype("string")
            yield from _rows(
                table.name,
                frame,
                frame[date].notna() != values.notna(),
                basis,
                f"{basis} is set exactly when {date} is",
            )
            flag = frame[inferred].astype("boolean")
            disagree = values.notna() & flag.notna() & (flag != (values != "stated"))
            yield from _rows(
                table.name,
                frame,
                disagree,
                basis,
                f"{inferred} is true exactly when {basis} is not 'stated'",
            )


def footnote_documents(frames: Frames) -> Iterator[Failure]:
    """Footnotes belong to a primary document and stay within its footnote count.

    No bound in code depends on the current documents: each primary document states its
    ``footnote_count`` in ``sources``, and a footnote number, in ``footnotes`` or in a
    citation, is checked against the count of its own document. A citation's footnote must
    be one of the footnotes of the document it cites, not merely a number some document uses.
    """
    src = frames[SOURCES.name]
    kind = src["kind"].astype("string")
    count = src["footnote_count"]
    yield from _rows(
        SOURCES.name,
        src,
        (kind == "primary_document") & count.isna(),
        "footnote_count",
        "a primary document states its footnote_count (0 when it has none)",
    )
    yield from _rows(
        SOURCES.name,
        src,
        (kind == "cited_work") & count.notna(),
        "footnote_count",
        "a cited work has no footnote_count",
    )
    counts = src.set_index("source_id")["footnote_count"]
    kinds = src.set_index("source_id")["kind"].astype("string")
    fn = frames[FOOTNOTES.name]
    yield from _rows(
        FOOTNOTES.name,
        fn,
        fn["document_id"].map(kinds) == "cited_work",
        "document_id",
        "a footnote belongs to a primary document",
    )
    limit = fn["document_id"].map(counts).astype("Int64")
    yield from _rows(
        FOOTNOTES.name,
        fn,
        fn["footnote"] > limit,
        "footnote",
        "must not exceed the document's footnote_count in sources",
    )
    cit = frames[CITATIONS.name]
    cited_limit = cit["source_id"].map(counts).astype("Int64")
    yield from _rows(
        CITATIONS.name,
        cit,
        cit["footnote"] > cited_limit,
        "footnote",
        "must not exceed the cited document's footnote_count in sources",
    )
    keys = fn["document_id"].astype("string") + "#" + fn["footnote"].astype("string")
    wanted = cit["source_id"].astype("string") + "#" + cit["footnote"].astype("string")
    yield from _rows(
        CITATIONS.name,
        cit,
        cit["footnote"].notna() & ~isin(wanted, keys),
        "footnote",
        "must be a footnote of the cited document (source_id) in footnotes",
    )


def change_log(frames: Frames) -> Iterator[Failure]:
    """The change log is well formed: versions are versions, and merges and renames form a sound graph.

    A ``merged`` or ``renamed`` row names the id that replaces the record (``merged_into``),
    in the same table, existing in the data, not the record itself, not itself retracted,
    merged or renamed (so chains and cycles are impossible); other changes name no target.
    """
    log = frames[CHANGES.name]
    if log.empty:
        return
    version = log["version"].astype("string")
    yield from _rows(
        CHANGES.name,
        log,
        ~version.map(is_version, na_action="ignore").fillna(True).astype(bool),
        "version",
        "a version is MAJOR.MINOR.PATCH without leading zeros, e.g. 0.1.0",
    )
    kind = log["change"].astype("string").fillna("")
    replaced = kind.isin(REPLACING_CHANGES).fillna(False).astype(bool)
    target = log["merged_into"].astype("string")
    itself = target == log["record_id"].astype("string")
    for name, into in zip(REPLACING_CHANGES, ("merged into itself", "renamed to its own id"), strict=True):
        yield from _rows(
            CHANGES.name,
            log,
            (kind == name) & target.isna(),
            "merged_into",
            f"a {name} record names the id that replaces it",
        )
        yield from _rows(CHANGES.name, log, (kind == name) & itself, "merged_into", f"a record cannot be {into}")
    yield from _rows(
        CHANGES.name,
        log,
        ~replaced & target.notna(),
        "merged_into",
        "only a merged or renamed record names a replacement id (leave it empty for added, corrected, retracted)",
    )
    record_table = log["record_table"].astype("string").fillna("")
    exists = pd.Series(False, index=log.index)
    for table, group in log[replaced & target.notna()].groupby(record_table, observed=True):
        if str(table) not in REGISTRY:
            continue
        known = frames[str(table)][REGISTRY[str(table)].primary_key]
        exists.loc[group.index] = isin(group["merged_into"], known)
    gone = {
        (str(t), str(i)) for t, i, c in zip(record_table, log["record_id"], kind, strict=True) if c in RETIRING_CHANGES
    }
    pairs = list(zip(record_table, target, strict=True))
    retired_target = pd.Series([(str(t), str(i)) in gone for t, i in pairs], index=log.index)
    yield from _rows(
        CHANGES.name,
        log,
        replaced & target.notna() & ~itself & retired_target,
        "merged_into",
        "the replacement id is itself retracted, merged or renamed; name the record that survives",
    )
    yield from _rows(
        CHANGES.name,
        log,
        replaced & target.notna() & ~retired_target & ~exists,
        "merged_into",
        "the replacement id must be an existing record of the same record_table",
    )


def _claimed(frames: Frames, table: str) -> pd.Series:
    """The ids of ``table`` that a discrepancy claim carries (``record_table`` = ``table``)."""
    claims = frames[DISCREPANCY_CLAIMS.name]
    return claims.loc[claims["record_table"] == table, "record_id"]


def _by_event_id(frames: Frames) -> pd.DataFrame:
    """Events indexed by id, a repeated id once (the schema reports the repetition, the rules must not fail on it)."""
    events = frames[EVENTS.name]
    return events[~events["event_id"].duplicated()].set_index("event_id")


def figure_within_event(frames: Frames) -> Iterator[Failure]:
    """A figure of an event is dated within the event's dates, unless a discrepancy records why not.

    An ``indicator_values`` row with ``event_id`` has ``event.date_start <= date_start`` and
    ``date_end <= event.date_end``: one fact, one date. Where the sources themselves date
    the figure and its event apart, a discrepancy claim carrying the figure
    (``record_table`` ``indicator_values``) records the disagreement and lets it through.
    """
    values = frames[INDICATOR_VALUES.name]
    events = _by_event_id(frames)
    start = values["event_id"].map(events["date_start"])
    end = values["event_id"].map(events["date_end"])
    outside = (values["date_start"] < start) | (values["date_end"] > end)
    recorded = isin(values["value_id"], _claimed(frames, INDICATOR_VALUES.name))
    yield from _rows(
        INDICATOR_VALUES.name,
        values,
        outside & ~recorded,
        "event_id",
        "a figure of an event is dated within the event's dates (date_start to date_end), "
        "or a discrepancy claim on the figure records why not",
    )


def position_end_matches_event(frames: Frames) -> Iterator[Failure]:
    """A position ended by an event ends within the event's dates, unless a discrepancy records why not.

    ``positions.ended_by_event_id`` names the event the sources tie the end to; its
    ``end_date`` lies between the event's ``date_start`` and ``date_end``. A discrepancy
    claim carrying the position (``record_table`` ``positions``) lets a disagreement through.
    """
    pos = frames[POSITIONS.name]
    events = _by_event_id(frames)
    start = pos["ended_by_event_id"].map(events["date_start"])
    end = pos["ended_by_event_id"].map(events["date_end"])
    outside = (pos["end_date"] < start) | (pos["end_date"] > end)
    recorded = isin(pos["position_id"], _claimed(frames, POSITIONS.name))
    yield from _rows(
        POSITIONS.name,
        pos,
        outside & ~recorded,
        "end_date",
        "a position ended by an event (ended_by_event_id) ends within that event's dates, "
        "or a discrepancy claim on the position records why not",
    )
    yield from _rows(
        POSITIONS.name,
        pos,
        pos["ended_by_event_id"].notna() & pos["end_date"].isna(),
        "end_date",
        "a position ended by an event (ended_by_event_id) has an end_date",
    )


#: A leading date of an id: a year, a year and month, or a day, followed by ``-`` or the end.
ID_DATE = r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?=-|$)"


def _id_periods(ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The first and last day of the period each id's leading date names (NaT: no date, or not a date)."""
    parts = ids.astype("string").str.extract(ID_DATE)
    year = pd.to_numeric(parts["year"]).astype("Int64")
    month = pd.to_numeric(parts["month"]).astype("Int64")
    day = pd.to_numeric(parts["day"]).astype("Int64")
    first = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month.fillna(1), "day": day.fillna(1)}).astype("float64"),
        errors="coerce",
    )
    last = first.copy()
    last = last.where(day.notna(), first + pd.offsets.MonthEnd(0))
    last = last.where(month.notna() | day.notna(), first + pd.offsets.YearEnd(0))
    return first, last


def id_date_agrees(frames: Frames) -> Iterator[Failure]:
    """An id that begins with a date names the period in which its row starts.

    A leading ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (as events' ids have) names a year,
    month or day; the first day of the row's first date interval (``date_start``, or its
    table's other interval's start) must lie in it. An id is a name, not a fact, but a
    reader takes a dated name for the date: an id naming the end of a range, or a day
    inside it, tells them a date the row does not give. Such an id is renamed through the
    change log (change ``renamed``, docs/versioning.md); a row whose range spans years
    takes an id with no date, or the year it starts. Ids whose leading digits are not a
    real date (``2022-13-...``) are refused, as the date they seem to give cannot hold.
    """
    for table in TABLES:
        groups = _interval_columns(table.name)
        if not groups:
            continue
        start = groups[0][0]
        frame = frames[table.name]
        ids = frame[table.primary_key].astype("string")
        dated = ids.str.match(ID_DATE).fillna(False).astype(bool)
        if not dated.any():
            continue
        first, last = _id_periods(ids)
        apart = dated & (first.isna() | (frame[start] < first) | (frame[start] > last))
        yield from _rows(
            table.name,
            frame,
            apart,
            table.primary_key,
            f"an id that begins with a date names the year, month or day in which the row starts ({start}); "
            "rename it through the change log (change renamed)",
        )


def acyclic_hierarchies(frames: Frames) -> Iterator[Failure]:
    """A foreign key into its own table (e.g. a place's ``parent_id``) forms a tree, never a loop."""
    for table in TABLES:
        for column, ref_table, ref_column in table.foreign_keys:
            if ref_table != table.name:
                continue
            frame = frames[table.name]
            parent = dict(zip(frame[ref_column].astype("string"), frame[column].astype("string"), strict=True))
            in_cycle: set[str] = set()
            done: set[str] = set()
            for start in parent:
                path: list[str] = []
                node: str | None = start
                seen: set[str] = set()
                while node is not None and not pd.isna(node) and node not in done and node not in seen:
                    seen.add(node)
                    path.append(node)
                    node = parent.get(node)
                if node is not None and not pd.isna(node) and node in seen:
                    in_cycle.update(path[path.index(node) :])
                done.update(path)
            mask = frame[ref_column].astype("string").isin(sorted(in_cycle))
            yield from _rows(
                table.name,
                frame,
                mask,
                column,
                f"following {column} must never lead back to the same row (no loops in the {table.name} hierarchy)",
            )


RULES: tuple[Callable[[Frames], Iterator[Failure]], ...] = (
    foreign_keys,
    record_references,
    every_record_cited,
    citation_locators,
    citation_anchors,
    date_intervals,
    position_dates,
    exactly_one,
    indicator_value_rules,
    source_rules,
    discrepancy_sides,
    discrepancy_resolutions,
    editorial_marks,
    events_within_sources,
    figure_bounds,
    event_figures_belong_to_events,
    rule_validity,
    date_bases,
    footnote_documents,
    change_log,
    acyclic_hierarchies,
    figure_within_event,
    position_end_matches_event,
    id_date_agrees,
)


def check(frames: Frames) -> list[Failure]:
    """Run every rule over ``frames`` and return all failures."""
    return [failure for rule in RULES for failure in rule(frames)]
