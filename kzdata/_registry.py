"""The table registry: every table of kzdata, declared once.

This module is the single definition of the dataset. Each :class:`Table` lists its
columns (:class:`Column`) with their kind, nullability, allowed values, bounds,
foreign keys and a description. Everything else is derived from it:

* the pandera schemas (:mod:`kzdata._schemas`),
* the Table Schema of every resource in ``datapackage.json`` (:mod:`kzdata._descriptor`),
* the Parquet column order and types (:mod:`kzdata._pipeline.encode`),
* the data dictionary (``docs/data-dictionary.md``, :func:`kzdata.describe`),
* the ``TableName`` literal and the loader functions (``kzdata/_generated.py``, written by
  ``kzdata build``),
* the registry-driven tests.

Each table is a module constant (``EVENTS``) that other modules use to name it
(``EVENTS.name``): the string ``"events"`` is written here only. Vocabularies, and the
subsets of them that rules rely on, are named constants next to each other.

It is deliberately plain Python with no third-party import, so that
``import kzdata`` stays cheap and the loaders can use it without pandas or
pandera being imported first.

Adding a table takes a :class:`Table` constant listed in :data:`TABLES`, a CSV in
``raw/`` and a citation per record; ``kzdata build`` generates the rest, including the
:data:`~kzdata.TableName` literal and the table's loader (``docs/changing.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast, get_args

if TYPE_CHECKING:
    from kzdata._generated import TableName


Kind = Literal["id", "text", "integer", "number", "boolean", "date", "category", "url"]

#: The pandas dtype each column kind loads as (``category`` columns get their
#: declared categories on top of this).
PANDAS_DTYPES: dict[str, str] = {
    "id": "string",
    "text": "string",
    "url": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[ms]",
    "category": "category",
}

#: The Table Schema (frictionless) type of each column kind.
TABLE_SCHEMA_TYPES: dict[str, str] = {
    "id": "string",
    "text": "string",
    "url": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "category": "string",
}

#: Readable, stable identifiers: lower-case ASCII words joined by hyphens.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://\S+$"

DatePrecision = Literal["day", "month", "year", "range"]
DATE_PRECISIONS: tuple[str, ...] = get_args(DatePrecision)

DateBasis = Literal[
    "stated",
    "year_from_context",
    "from_context",
    "bounded_by_narrative",
    "cited_work_date",
    "other_document",
    "publication_date",
]
#: Where a date comes from, from the most to the least direct (documented in docs/dates.md).
DATE_BASES: tuple[str, ...] = get_args(DateBasis)

#: The tables whose every record must be supported by at least one citation.
#: ``citations`` itself, the editorial ``discrepancies`` headers (their claims are
#: cited), the marks of values the documents do not state (``editorial_values``) and the
#: release log ``changes`` are exempt.
UNCITED_TABLES: frozenset[str] = frozenset({"citations", "discrepancies", "editorial_values", "changes"})


@dataclass(frozen=True)
class Column:
    """One column of a table, with everything needed to type, check and document it."""

    name: str
    kind: Kind
    description: str
    nullable: bool = False
    enum: tuple[str, ...] = ()
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None
    """Foreign key as ``"table.column"``."""
    editorial: bool = False
    """True when every value is an editorial addition that the sources do not state."""
    editorial_basis: str = ""
    """For an editorial column, where its values come from instead (required exactly when
    ``editorial`` is true). Single editorial values of other columns are rows of
    ``editorial_values`` (docs/editorial.md)."""
    derived: bool = False
    """True when the build computes the column; it is absent from the raw CSV."""

    def __post_init__(self) -> None:
        # A flag without its basis would tell a reader that a value is not the sources' without
        # saying whose it is; a basis without the flag would be a note no tool reads.
        if self.editorial != bool(self.editorial_basis.strip()):
            raise ValueError(
                f"column {self.name!r}: an editorial column names its editorial_basis, "
                "and only an editorial column does"
            )

    @property
    def pandas_dtype(self) -> str:
        """The pandas dtype this column has once loaded."""
        return PANDAS_DTYPES[self.kind]

    @property
    def pattern(self) -> str | None:
        """The regular expression every value must match, if any."""
        if self.kind == "id":
            return ID_PATTERN
        if self.kind == "url":
            return URL_PATTERN
        return None


@dataclass(frozen=True)
class Table:
    """A table: its name, what one row is, and its columns (the first is the primary key)."""

    name: TableName
    title: str
    row: str
    """What one row of the table is, in a sentence."""
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default=())
    may_be_empty: bool = False
    """True for a table that can legitimately have no rows (the change log before a release)."""
    loader: bool = True
    """True when ``kzdata.<name>()`` loads the table (generated); the change log has
    :func:`kzdata.changes` instead, which also filters it by release."""

    @property
    def primary_key(self) -> str:
        """The primary key column (always the first, always a unique string id)."""
        return self.columns[0].name

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in their canonical order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        from kzdata.errors import InvalidArgumentError

        raise InvalidArgumentError(
            f"table {self.name!r} has no column {name!r}; its columns are: {', '.join(self.column_names)}"
        )

    @property
    def raw_column_names(self) -> tuple[str, ...]:
        """The columns of the table's CSV in ``raw/`` (the derived ones are left out)."""
        return tuple(c.name for c in self.columns if not c.derived)

    @property
    def foreign_keys(self) -> tuple[tuple[str, str, str], ...]:
        """``(column, referenced table, referenced column)`` for every declared foreign key."""
        out = []
        for col in self.columns:
            if col.references:
                ref_table, ref_col = col.references.split(".")
                out.append((col.name, ref_table, ref_col))
        return tuple(out)


def _pk(name: str, what: str) -> Column:
    return Column(name, "id", f"Primary key: a stable, readable slug for the {what}.", unique=True)


def _fk(name: str, target: str, description: str, *, nullable: bool = False) -> Column:
    table, _, column = target.partition(".")
    return Column(name, "id", description, nullable=nullable, references=f"{table}.{column}")


BASIS_DESCRIPTION = (
    "Where the date comes from: stated (next to the fact), year_from_context, from_context, "
    "bounded_by_narrative, cited_work_date, other_document or publication_date (defined in "
    "docs/dates.md); the inferred flag is true exactly when this is not stated."
)


def _interval(prefix: str, what: str, *, nullable: bool = False) -> tuple[Column, ...]:
    """The five columns of a date known to some precision: start, end, precision, inferred, basis."""
    return (
        Column(
            f"{prefix}_start" if prefix else "date_start",
            "date",
            f"First day of the period in which {what} falls (for month or year precision, "
            "the first day of that month or year).",
            nullable=nullable,
        ),
        Column(
            f"{prefix}_end" if prefix else "date_end",
            "date",
            f"Last day of the period in which {what} falls; equal to the start for day precision.",
            nullable=nullable,
        ),
        Column(
            f"{prefix}_precision" if prefix else "date_precision",
            "category",
            "How precisely the source dates it: day, month, year, or range (only bounds "
            "are known; the start and end are those bounds).",
            nullable=nullable,
            enum=DATE_PRECISIONS,
        ),
        Column(
            f"{prefix}_inferred" if prefix else "date_inferred",
            "boolean",
            "True when part of the date (usually the year or the day) is not stated "
            "next to the fact but taken from the context of the source.",
            nullable=nullable,
        ),
        Column(
            f"{prefix}_basis" if prefix else "date_basis",
            "category",
            BASIS_DESCRIPTION,
            nullable=nullable,
            enum=DATE_BASES,
        ),
    )


SOURCE_KINDS = ("primary_document", "cited_work")

QUALIFIERS = ("exact", "approximately", "more_than", "at_least", "up_to", "less_than", "almost", "between")
"""How a source bounds a figure (``indicator_values.qualifier``; docs/figures.md, "Bounds")."""
LOW_BOUND_IS_VALUE = ("exact", "more_than", "at_least")
"""Qualifiers whose stated number is the figure's lower bound (``value_low == value``)."""
HIGH_BOUND_IS_VALUE = ("exact", "up_to", "less_than", "almost")
"""Qualifiers whose stated number is the figure's upper bound (``value_high == value``)."""
UPPER_BOUND_ONLY = ("up_to", "less_than", "almost")
"""Qualifiers that bound a figure from above only: no ``value_low``."""

LOCATION_PRECISIONS = ("site", "city", "region", "country")
"""How precisely a record is located, from the finest (``location_precision``)."""
PLACE_KIND_PRECISION = {
    "building": "site",
    "port": "site",
    "other": "site",
    "town": "city",
    "city": "city",
    "region": "region",
    "sea": "region",
    "country": "country",
}
"""The location precision a place of each kind gives (places.kind -> location_precision)."""

LOCATION_PRECISION_COLUMN = Column(
    "location_precision",
    "category",
    "How precisely the text locates the record: site (a building, port or other single site, such as "
    "an airport), city (a city "
    "or town), region (a region or sea) or country; null without a place. The place is always the "
    "most precise one the text gives, so this is its kind's precision (derived by the build from "
    "places.kind; docs/raw-format.md).",
    nullable=True,
    enum=LOCATION_PRECISIONS,
    derived=True,
)


COORDINATES_BASIS = (
    "Approximate coordinates of the place's centre, looked up by the editors for mapping; "
    "neither document gives coordinates."
)
"""The editorial basis of ``places.latitude`` and ``places.longitude``."""
CLASSIFICATION_BASIS = (
    "A class of the dataset's controlled vocabulary, assigned by the editors from what the documents "
    "say of the record; the documents describe the record but do not classify it in these terms."
)
"""The editorial basis of every column that classifies records (``kind``, ``category``, ``topic``)."""
JUDGEMENT_BASIS = (
    "The editors' judgement of how far the claims conflict, by the definitions in docs/dataset-card.md; "
    "neither document grades its disagreements."
)
"""The editorial basis of ``discrepancies.severity``."""
EDITORIAL_KINDS = (
    "completed_name",
    "expanded_abbreviation",
    "normalised_spelling",
    "editorial_form",
    "outside_knowledge",
    "document_metadata",
)
"""Why a single value is editorial (``editorial_values.kind``; docs/editorial.md defines each)."""

EVENT_MEASURES = ("deaths", "injuries", "detentions", "troops", "participants")
"""What an event's figure counts (``indicators.event_measure``; docs/figures.md, "Figures of events")."""

DISCREPANCY_SEVERITIES = ("contradiction", "inconsistent_detail", "emphasis_or_scope")
"""How far the claims of a discrepancy conflict, from the strongest (``discrepancies.severity``)."""
DISCREPANCY_STATUSES = ("unresolved", "resolved")
"""Whether the documents settle a discrepancy (``discrepancies.status``; ``resolution`` says how)."""

EVENT_STATUSES = ("occurred", "reported", "alleged", "contradicted", "assessment", "planned")
"""What the text asserts about an event (``events.status``; docs/events.md defines each with an example)."""
COUNTED_EVENT_STATUSES = ("occurred", "reported")
"""The statuses that the counting helpers keep by default (``timeline()``, ``events_view()``): what happened."""
EVENT_STATUS_DESCRIPTION = (
    "What the text asserts about the event (docs/events.md): occurred (it happened, in the text's own "
    "voice; a statement, address or finding of a named actor is itself the event), reported (someone "
    "reported it, and the text neither endorses nor doubts it), alleged (someone alleges it, and the "
    "text keeps its distance), contradicted (it was reported, and the text or the other document says "
    "it did not hold), assessment (an opinion, analysis or interpretation, not a happening) or planned "
    "(a plan, promise or announcement of something later that the text does not report done). Who "
    "reports or alleges it, where the text names them, is an event_actors row with role reporter. "
    "Independent of category, which says what kind of happening it is."
)

CHANGE_KINDS = ("added", "corrected", "retracted", "merged", "renamed")
"""What a release did to a record (``changes.change``)."""
RETIRING_CHANGES = ("retracted", "merged", "renamed")
"""Changes that take an id out of the data for good: it may never come back."""
REPLACING_CHANGES = ("merged", "renamed")
"""Retiring changes that name the id replacing the record (``changes.merged_into``)."""
ENTITY_NOTE = "Exactly one of person_id, organization_id, place_id and reform_id is set."

SOURCES = Table(
    "sources",
    "Sources",
    "One document: a primary document, or a work that the article's footnotes cite.",
    (
        _pk("source_id", "document"),
        Column("kind", "category", "primary_document or cited_work.", enum=SOURCE_KINDS),
        Column(
            "title",
            "text",
            "Title of the work as printed in the citing footnote (null when the "
            "footnote text is missing or the work is untitled, such as a social media post).",
            nullable=True,
        ),
        Column(
            "authors",
            "text",
            "Authors for display, separated by '; ' (the structured list is in authorships).",
            nullable=True,
        ),
        Column(
            "container",
            "text",
            "The book, series or report that contains the work, if any.",
            nullable=True,
        ),
        Column(
            "publisher",
            "text",
            "The outlet, journal, platform or publisher as the footnote names it.",
            nullable=True,
        ),
        *_interval("published", "the publication date", nullable=True),
        Column("url", "url", "Web address as given in the citing footnote.", nullable=True),
        Column(
            "footnote",
            "integer",
            "Number of the first footnote of the article that cites this work "
            "(all citing footnotes are in the footnotes table).",
            nullable=True,
            minimum=1,
        ),
        Column(
            "footnote_count",
            "integer",
            "For a primary document, how many numbered footnotes it has (0 for none): the "
            "bound for every footnote number that points into it. Null for cited works.",
            nullable=True,
            minimum=0,
        ),
        Column(
            "text_missing",
            "boolean",
            "True for a footnote whose text is missing from the copy of the article "
            "used here: the work exists but cannot be identified.",
        ),
        Column("note", "text", "Editorial remarks on the record.", nullable=True),
    ),
)

SECTIONS = Table(
    "sections",
    "Sections of the primary documents",
    "One section of a primary document, with the number of paragraphs it has; citations point into these.",
    (
        _pk("section_id", "section"),
        _fk("source_id", "sources.source_id", "The primary document the section belongs to."),
        Column(
            "heading",
            "text",
            "The section heading (or a bracketed editorial label for an untitled part).",
        ),
        Column("position", "integer", "Order of the section in the document, from 1.", minimum=1),
        Column(
            "paragraph_count",
            "integer",
            "Number of paragraphs in the section as counted for this dataset (a "
            "sentence split by a page break or a footnote block counts once; image "
            "captions do not count). For the notes section, the number of footnotes.",
            minimum=1,
        ),
    ),
)

FOOTNOTES = Table(
    "footnotes",
    "Footnote entries",
    "One work cited in one footnote of a primary document (a footnote citing two works has two rows).",
    (
        _pk("footnote_entry_id", "footnote entry"),
        _fk("document_id", "sources.source_id", "The primary document whose footnote this is."),
        Column(
            "footnote",
            "integer",
            "The footnote number in that document (at most its sources.footnote_count).",
            minimum=1,
        ),
        Column(
            "position",
            "integer",
            "Order of the work within the footnote, from 1.",
            minimum=1,
        ),
        _fk("source_id", "sources.source_id", "The cited work this entry of the footnote refers to."),
        Column("pages", "text", "Page range the footnote gives, if any.", nullable=True),
        Column("note", "text", "Editorial remarks on the entry.", nullable=True),
    ),
)

AUTHORSHIPS = Table(
    "authorships",
    "Authorships",
    "One person's authorship or editorship of one source.",
    (
        _pk("authorship_id", "authorship"),
        _fk("source_id", "sources.source_id", "The source that the person wrote or edited."),
        _fk("person_id", "people.person_id", "The person who wrote or edited the source."),
        Column(
            "role",
            "category",
            "Whether the person is an author or an editor of the source.",
            enum=("author", "editor"),
        ),
        Column("position", "integer", "Order among the source's authors, from 1.", minimum=1),
    ),
)

PEOPLE = Table(
    "people",
    "People",
    "One named person: an actor or official in the events, or an author of a source.",
    (
        _pk("person_id", "person (family name first, e.g. massimov-karim)"),
        Column(
            "name",
            "text",
            "One canonical English spelling, given name first; variants are in aliases.",
        ),
        Column(
            "description",
            "text",
            "Who the person is, in the terms the sources use (offices with dates are in positions).",
        ),
        Column(
            "role_in_dataset",
            "category",
            "actor (appears in the narrative) or author (only writes or edits a source).",
            enum=("actor", "author"),
        ),
    ),
)

ORGANIZATIONS = Table(
    "organizations",
    "Organizations",
    "One named organization: a state body, party, international organization, "
    "company, media outlet, journal or research body.",
    (
        _pk("organization_id", "organization"),
        Column("name", "text", "Canonical English name; variants and abbreviations are in aliases."),
        Column(
            "kind",
            "category",
            "What kind of organization it is (an editorial classification).",
            editorial=True,
            editorial_basis=CLASSIFICATION_BASIS,
            enum=(
                "state_body",
                "court",
                "security_service",
                "political_party",
                "international_organization",
                "company",
                "media",
                "journal",
                "research_institute",
                "civil_society",
                "foreign_government",
                "other",
            ),
        ),
        _fk(
            "country_id",
            "places.place_id",
            "Country the organization belongs to, where the sources make it clear.",
            nullable=True,
        ),
        Column("description", "text", "What the organization is and does, in a sentence."),
    ),
)

PLACES = Table(
    "places",
    "Places",
    "One named place: a country, region, city, port or other location.",
    (
        _pk("place_id", "place"),
        Column("name", "text", "Canonical English name; former names and spellings are in aliases."),
        Column(
            "kind",
            "category",
            "What kind of place it is (an editorial classification): country, region, city, town, port, "
            "building, sea or other.",
            editorial=True,
            editorial_basis=CLASSIFICATION_BASIS,
            enum=("country", "region", "city", "town", "port", "building", "sea", "other"),
        ),
        _fk("parent_id", "places.place_id", "The place it lies within, if recorded.", nullable=True),
        Column(
            "latitude",
            "number",
            "EDITORIAL: approximate latitude (WGS84), added for mapping; not stated by the sources.",
            nullable=True,
            minimum=-90,
            maximum=90,
            editorial=True,
            editorial_basis=COORDINATES_BASIS,
        ),
        Column(
            "longitude",
            "number",
            "EDITORIAL: approximate longitude (WGS84), added for mapping; not stated by the sources.",
            nullable=True,
            minimum=-180,
            maximum=180,
            editorial=True,
            editorial_basis=COORDINATES_BASIS,
        ),
        Column("description", "text", "What the sources say about the place, briefly.", nullable=True),
    ),
)

POSITIONS = Table(
    "positions",
    "Positions held",
    "One office or role held by one person, from when to when as far as the sources say.",
    (
        _pk("position_id", "position"),
        _fk("person_id", "people.person_id", "The person who held the office."),
        _fk(
            "organization_id",
            "organizations.organization_id",
            "The body in which the office is held, if any.",
            nullable=True,
        ),
        Column("title", "text", "The office or role, e.g. chair, first deputy chair."),
        Column("start_date", "date", "When the holder took the office, if stated.", nullable=True),
        Column(
            "start_precision",
            "category",
            "How precisely the source dates the start: day, month, year or range.",
            nullable=True,
            enum=DATE_PRECISIONS,
        ),
        Column(
            "start_inferred",
            "boolean",
            "True when the year or day of start_date comes from context rather than the sentence; "
            "set exactly when start_date is.",
            nullable=True,
        ),
        Column(
            "start_basis",
            "category",
            BASIS_DESCRIPTION + " Set exactly when start_date is.",
            nullable=True,
            enum=DATE_BASES,
        ),
        Column("end_date", "date", "When the holder left the office, if stated.", nullable=True),
        Column(
            "end_precision",
            "category",
            "How precisely the source dates the end: day, month, year or range.",
            nullable=True,
            enum=DATE_PRECISIONS,
        ),
        Column(
            "end_inferred",
            "boolean",
            "True when the year or day of end_date comes from context rather than the sentence; "
            "set exactly when end_date is.",
            nullable=True,
        ),
        Column(
            "end_basis",
            "category",
            BASIS_DESCRIPTION + " Set exactly when end_date is.",
            nullable=True,
            enum=DATE_BASES,
        ),
        _fk(
            "ended_by_event_id",
            "events.event_id",
            "The event that ended the office, when the sources tie its end to one (a removal, a "
            "dismissal, a hand-over); end_date then lies within that event's dates unless a "
            "discrepancy claim on the position records why not.",
            nullable=True,
        ),
        Column(
            "note",
            "text",
            "How the office ended or other context.",
            nullable=True,
        ),
    ),
)

EVENTS = Table(
    "events",
    "Events",
    "One dated or datable happening as a source tells it (status: whether the text says it happened).",
    (
        _pk("event_id", "event"),
        *_interval("", "the event"),
        Column(
            "time_of_day",
            "text",
            "Clock time (HH:MM, local) or part of the day, when the source gives one.",
            nullable=True,
        ),
        Column("title", "text", "Short headline in our words."),
        Column("description", "text", "What happened, in our words."),
        Column(
            "category",
            "category",
            "Kind of event, from a controlled vocabulary (an editorial classification).",
            editorial=True,
            editorial_basis=CLASSIFICATION_BASIS,
            enum=(
                "background",
                "protest",
                "violence",
                "emergency_measure",
                "security_deployment",
                "personnel_change",
                "detention",
                "investigation",
                "conviction",
                "statement",
                "reform",
                "legislation",
                "referendum",
                "election",
                "foreign_policy",
                "economy",
                "other",
            ),
        ),
        Column("status", "category", EVENT_STATUS_DESCRIPTION, enum=EVENT_STATUSES),
        _fk("place_id", "places.place_id", "Where it happened, if the source says.", nullable=True),
        LOCATION_PRECISION_COLUMN,
    ),
)

EVENT_ACTORS = Table(
    "event_actors",
    "Event actors",
    "One person or organization taking part in one event, in a stated role.",
    (
        _pk("event_actor_id", "participation"),
        _fk("event_id", "events.event_id", "The event the person or organization took part in."),
        _fk("person_id", "people.person_id", "The person, if the actor is a person.", nullable=True),
        _fk(
            "organization_id",
            "organizations.organization_id",
            "The organization, if the actor is an organization.",
            nullable=True,
        ),
        Column(
            "role",
            "category",
            "The actor's part in the event.",
            enum=(
                "initiator",
                "participant",
                "target",
                "subject",
                "speaker",
                "decision_maker",
                "observer",
                "reporter",
            ),
        ),
    ),
    notes=("Exactly one of person_id and organization_id is set.",),
)

SENTENCES = Table(
    "sentences",
    "Court sentences",
    "One conviction of one person, with the term and trial conditions as stated.",
    (
        _pk("sentence_id", "conviction"),
        _fk("person_id", "people.person_id", "The person who was convicted."),
        Column(
            "prison_years",
            "integer",
            "Prison term in years; null when the source gives no term.",
            nullable=True,
            minimum=0,
            maximum=100,
        ),
        Column(
            "charges",
            "text",
            "Charges as the source lists them, separated by '; '; null when not stated.",
            nullable=True,
        ),
        Column(
            "closed_trial",
            "boolean",
            "True when the source says the trial was closed or classified; null when it does not say.",
            nullable=True,
        ),
        *_interval("verdict", "the verdict", nullable=True),
        _fk("event_id", "events.event_id", "The conviction event in the timeline.", nullable=True),
        Column("description", "text", "The conviction in our words."),
    ),
)

REFORMS = Table(
    "reforms",
    "Reforms",
    "One reform or policy measure, with its date and status as the sources state them.",
    (
        _pk("reform_id", "reform"),
        Column("name", "text", "Short name of the reform, in our words."),
        Column(
            "kind",
            "category",
            "Area of the reform (an editorial classification).",
            editorial=True,
            editorial_basis=CLASSIFICATION_BASIS,
            enum=(
                "constitutional",
                "electoral",
                "judicial",
                "anti-corruption",
                "asset-recovery",
                "local-government",
                "security",
                "symbolic",
                "historical",
                "programme",
                "foreign-policy",
                "other",
            ),
        ),
        *_interval("", "the reform's adoption or announcement (empty when the sources give no date)", nullable=True),
        Column(
            "status",
            "category",
            "Where the reform stood at the time of the latest source that reports it.",
            enum=("announced", "adopted", "approved", "implemented", "in_progress", "expanded", "renamed"),
        ),
        Column("description", "text", "What the reform does, in our words."),
        _fk("event_id", "events.event_id", "The event that adopted or announced it.", nullable=True),
    ),
)

INDICATORS = Table(
    "indicators",
    "Indicators",
    "One measured quantity: a governance index, a casualty count, a vote share, a rule parameter.",
    (
        _pk("indicator_id", "indicator"),
        Column("name", "text", "What is measured, in our words."),
        _fk(
            "publisher",
            "organizations.organization_id",
            "Organization that publishes the index, for published indices; null otherwise.",
            nullable=True,
        ),
        Column(
            "unit",
            "category",
            "Unit of the values: points, percentile, percent, people, troops, years, usd or count.",
            enum=("points", "percentile", "percent", "people", "troops", "years", "usd", "count"),
        ),
        Column(
            "higher_is_better",
            "boolean",
            "For scores and indices, whether a higher value is better; null when the question does not apply.",
            nullable=True,
        ),
        Column(
            "topic",
            "category",
            "Subject area of the indicator (an editorial classification).",
            editorial=True,
            editorial_basis=CLASSIFICATION_BASIS,
            enum=(
                "governance",
                "casualties",
                "security",
                "elections",
                "local_government",
                "public_opinion",
                "demography",
                "migration",
                "asset_recovery",
                "justice",
                "constitution",
            ),
        ),
        Column(
            "event_measure",
            "category",
            "For a count of people or forces that belongs to an event, what it counts (an editorial "
            "classification): deaths, injuries, detentions, troops or participants; null for every "
            "other indicator. Its values are the events' figures (kzdata.event_figures()).",
            nullable=True,
            editorial=True,
            editorial_basis=CLASSIFICATION_BASIS,
            enum=EVENT_MEASURES,
        ),
        Column("description", "text", "Definition and scope of the indicator."),
    ),
)

INDICATOR_VALUES = Table(
    "indicator_values",
    "Indicator values",
    "One figure stated by one source: an observed value, a target or a legal parameter.",
    (
        _pk("value_id", "figure"),
        _fk("indicator_id", "indicators.indicator_id", "The indicator this figure is a value of."),
        *_interval("", "the period or moment the value refers to"),
        Column(
            "value",
            "number",
            "The best single figure: the number the text gives, or for a figure stated in "
            "words or vaguely, the best value fixed by the conversion rules of docs/figures.md "
            "(for a range, its midpoint). Read it together with qualifier and the bounds.",
        ),
        Column(
            "value_low",
            "number",
            "The lowest value the text allows (equal to value for an exact figure); null when "
            "the text sets no lower bound (see docs/figures.md).",
            nullable=True,
        ),
        Column(
            "value_high",
            "number",
            "The highest value the text allows (equal to value for an exact figure); null when "
            "the text sets no upper bound (see docs/figures.md).",
            nullable=True,
        ),
        Column(
            "stated_as",
            "text",
            "The short wording of the figure as the text gives it (e.g. 'hundreds'), set only "
            "when the figure is written in words or stated vaguely; null for figures in digits.",
            nullable=True,
        ),
        Column(
            "value_kind",
            "category",
            "observed (a measurement), target (an aim) or rule (a parameter set by law).",
            enum=("observed", "target", "rule"),
        ),
        Column(
            "valid_from",
            "date",
            "For a rule: the first day it is known to be in force, i.e. the start of the period in "
            "which the text shows it held (a date known only to the month counts from the month's "
            "last day, the first day it certainly held); null when the text dates no day on which it "
            "held, and for observed values and targets (docs/figures.md, 'Rules').",
            nullable=True,
        ),
        Column(
            "valid_to",
            "date",
            "For a rule: the last day it can have been in force, the end of the widest period the "
            "evidence allows; null when nothing bounds it (still in force at the latest source, as "
            "far as the text says), and for observed values and targets.",
            nullable=True,
        ),
        Column(
            "known_to",
            "date",
            "For a rule: the last day it is known to be in force (the end of the period that starts "
            "at valid_from); set exactly when valid_from is.",
            nullable=True,
        ),
        Column(
            "possible_from",
            "date",
            "For a rule: the first day it can have been in force (the start of the widest period, "
            "which ends at valid_to); null when nothing bounds it.",
            nullable=True,
        ),
        Column(
            "valid_basis",
            "category",
            "For a rule: where its validity bounds come from, the least direct of them (the "
            "vocabulary of the date bases, docs/dates.md); null for observed values and targets.",
            nullable=True,
            enum=DATE_BASES,
        ),
        Column(
            "qualifier",
            "category",
            "How the source bounds the number: exact, approximately, more_than, "
            "at_least, up_to, less_than, almost, or between (a range stated as a range; "
            "value_low and value_high are its ends).",
            enum=QUALIFIERS,
        ),
        _fk("source_id", "sources.source_id", "The primary document stating the figure."),
        _fk("place_id", "places.place_id", "Place the figure is about, if narrower than Kazakhstan.", nullable=True),
        LOCATION_PRECISION_COLUMN,
        _fk("event_id", "events.event_id", "Event the figure describes, if any.", nullable=True),
        _fk("reform_id", "reforms.reform_id", "Reform the figure describes, if any.", nullable=True),
        Column("note", "text", "Context of the figure in our words.", nullable=True),
    ),
)

ALIASES = Table(
    "aliases",
    "Aliases",
    "One name variant for a person, organization, place or reform programme.",
    (
        _pk("alias_id", "alias"),
        _fk("person_id", "people.person_id", "The person the alias names.", nullable=True),
        _fk(
            "organization_id",
            "organizations.organization_id",
            "The organization the alias names.",
            nullable=True,
        ),
        _fk("place_id", "places.place_id", "The place the alias names.", nullable=True),
        _fk("reform_id", "reforms.reform_id", "The reform or programme named.", nullable=True),
        Column("alias", "text", "The variant exactly as spelled."),
        Column(
            "kind",
            "category",
            "Kind of variant: spelling or transliteration, abbreviation, former or later name, "
            "short name, translation, misspelling.",
            enum=(
                "spelling_variant",
                "transliteration",
                "abbreviation",
                "former_name",
                "later_name",
                "short_name",
                "translation",
                "misspelling",
            ),
        ),
        Column("note", "text", "Where or when the variant is used.", nullable=True),
    ),
    notes=(ENTITY_NOTE,),
)

CITATIONS = Table(
    "citations",
    "Citations",
    "One pinpoint in a primary document that supports one record of another table.",
    (
        _pk("citation_id", "citation"),
        Column(
            "record_table",
            "category",
            "Table of the supported record.",
            enum=(),  # filled in below with every cited table name
        ),
        Column("record_id", "id", "Primary key of the supported record in record_table."),
        _fk("source_id", "sources.source_id", "The primary document that supports the record."),
        _fk("section_id", "sections.section_id", "The section of that document."),
        Column(
            "paragraph",
            "integer",
            "Paragraph number within the section, from 1; null for the notes section.",
            nullable=True,
            minimum=1,
        ),
        Column(
            "footnote",
            "integer",
            "The footnote number of the cited document attached to the supporting passage, if any "
            "(at most the document's sources.footnote_count).",
            nullable=True,
            minimum=1,
        ),
        Column(
            "span_start",
            "integer",
            "Where the supporting span starts: a character offset, from 0, in the normalised text of the "
            "paragraph (or, for a citation into the notes section, of the footnote); null while the citation is "
            "not anchored (docs/anchors.md).",
            nullable=True,
            minimum=0,
        ),
        Column(
            "span_end",
            "integer",
            "Where the supporting span ends (exclusive), in the same text; greater than span_start.",
            nullable=True,
            minimum=1,
        ),
        Column(
            "span_sha256",
            "text",
            "sha256: and the 64 hex digits of the span's normalised text in UTF-8, so that anyone holding the "
            "document can check the evidence (kzdata verify-sources) without the dataset shipping its text.",
            nullable=True,
        ),
        Column(
            "locator",
            "text",
            "The pinpoint for people: section heading, paragraph and footnote "
            "(derived by the build from section_id, paragraph and footnote).",
            derived=True,
        ),
    ),
    notes=(
        "record_table and record_id together form a reference to any cited table; "
        "kzdata.validate() checks that it resolves.",
    ),
)

DISCREPANCIES = Table(
    "discrepancies",
    "Discrepancies",
    "One disagreement between the sources, within a source, or between the "
    "article and a work it cites. No side is preferred.",
    (
        _pk("discrepancy_id", "discrepancy"),
        Column("topic", "text", "What the disagreement is about."),
        Column(
            "kind",
            "category",
            "Where the disagreement lies.",
            enum=("between_sources", "within_source", "text_vs_cited_work"),
        ),
        Column("explanation", "text", "Why the claims conflict and what might explain it, without resolving it."),
        Column(
            "severity",
            "category",
            "How far the claims conflict (an editorial judgement, docs/dataset-card.md): contradiction "
            "(they cannot both hold as stated: whether something happened or was so, or who did it), "
            "inconsistent_detail (they agree on the fact and differ on a detail of it: a date, number, "
            "name, unit or address), or emphasis_or_scope (both can hold; they differ in what they "
            "cover, stress or leave out).",
            enum=DISCREPANCY_SEVERITIES,
            editorial=True,
            editorial_basis=JUDGEMENT_BASIS,
        ),
        Column(
            "status",
            "category",
            "unresolved, or resolved when evidence in the documents settles which claim holds or why "
            "they differ (the evidence is in resolution).",
            enum=DISCREPANCY_STATUSES,
        ),
        Column(
            "resolution",
            "text",
            "For a resolved discrepancy, the evidence that resolves it, in our words; null while unresolved.",
            nullable=True,
        ),
    ),
)

DISCREPANCY_CLAIMS = Table(
    "discrepancy_claims",
    "Discrepancy claims",
    "One side of a discrepancy: a claim, the source that makes it and the record that carries it.",
    (
        _pk("claim_id", "claim"),
        _fk("discrepancy_id", "discrepancies.discrepancy_id", "The discrepancy this claim is one side of."),
        Column("side", "integer", "Which side of the discrepancy the claim is on (1, 2, ...).", minimum=1),
        Column("claim", "text", "What this side claims, in our words."),
        _fk("source_id", "sources.source_id", "The source making the claim (a primary document or a cited work)."),
        Column(
            "record_table",
            "category",
            "Table of the record that carries the claim, if one does.",
            nullable=True,
            enum=(),
        ),
        Column("record_id", "id", "Primary key of that record.", nullable=True),
    ),
)

EDITORIAL_VALUES = Table(
    "editorial_values",
    "Editorial values",
    "One value of one record that the documents do not state: a name completed or spelt in "
    "standard English, a link or fact from outside knowledge, or metadata from the description "
    "that came with a document.",
    (
        _pk("editorial_id", "editorial mark"),
        Column("record_table", "category", "Table of the record that holds the value.", enum=()),
        Column("record_id", "id", "Primary key of that record."),
        Column(
            "column_name",
            "text",
            "The column that holds the value (never an editorial column: those are "
            "editorial as a whole and say why in the data dictionary).",
        ),
        Column(
            "recorded_value",
            "text",
            "The value as the record holds it, written as in raw/ (the build checks that the record still "
            "holds it, so a changed value cannot keep a stale mark).",
        ),
        Column(
            "kind",
            "category",
            "Why the value is editorial (docs/editorial.md): completed_name (a name the documents give in "
            "part), expanded_abbreviation (a full name behind an abbreviation they use), normalised_spelling "
            "(their spelling changed to a standard English one), editorial_form (a form of words of the "
            "editors: a short name, a rendering, a bracketed title), outside_knowledge (a fact known from "
            "outside the documents) or document_metadata (a fact about a document from the description that "
            "came with it, not from its text).",
            enum=EDITORIAL_KINDS,
        ),
        Column("basis", "text", "Where the value comes from, and what the documents say instead, in our words."),
    ),
    notes=(
        "Columns whose every value is editorial (coordinates, classifications) are flagged in the data "
        "dictionary with their basis and have no rows here.",
    ),
)

CHANGES = Table(
    "changes",
    "Changes",
    "One change to one record in one release: added, corrected, retracted, merged or renamed.",
    (
        _pk("change_id", "change"),
        Column("version", "text", "The release (MAJOR.MINOR.PATCH) that made the change."),
        Column(
            "change",
            "category",
            "added, corrected, retracted, merged (into another record) or renamed (the same record under a "
            "new id, e.g. one whose leading date contradicted its row).",
            enum=CHANGE_KINDS,
        ),
        Column("record_table", "category", "Table of the record that changed.", enum=()),
        Column("record_id", "id", "Primary key of the record concerned."),
        Column("merged_into", "id", "For merged or renamed records, the id that replaces it.", nullable=True),
        Column("reason", "text", "Why the change was made, in a sentence."),
    ),
    may_be_empty=True,
    loader=False,
)


TABLES: tuple[Table, ...] = (
    SOURCES,
    SECTIONS,
    FOOTNOTES,
    AUTHORSHIPS,
    PEOPLE,
    ORGANIZATIONS,
    PLACES,
    POSITIONS,
    EVENTS,
    EVENT_ACTORS,
    SENTENCES,
    REFORMS,
    INDICATORS,
    INDICATOR_VALUES,
    ALIASES,
    CITATIONS,
    DISCREPANCIES,
    DISCREPANCY_CLAIMS,
    EDITORIAL_VALUES,
    CHANGES,
)
"""Every table, in the order they are documented, built and fingerprinted: the one list of tables."""

TABLE_NAMES = cast("tuple[TableName, ...]", tuple(t.name for t in TABLES))
"""The table names in registry order (typed as :data:`kzdata.TableName` where it matters)."""

# ``record_table`` names a row of any table, so its vocabulary is the registry itself, known
# only once every table above is declared: set here, once, on the frozen columns.
for _table in TABLES:
    for _column in _table.columns:
        if _column.name == "record_table":
            object.__setattr__(_column, "enum", TABLE_NAMES)

REGISTRY: dict[str, Table] = {t.name: t for t in TABLES}
"""Every table by name."""
