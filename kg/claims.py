"""What the extractors find in one document, before it becomes RDF.

Every claim carries the ``Span`` of text that says it; ``kg.mapping`` turns spans
into ``sg:Evidence`` nodes. Organisations are referred to by their resolved key
(``Organisation.key``), which ``kg.vocab.mint`` turns into one IRI per real thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """Character offsets into ``SourceDocument.text``: ``text[start:end]`` is the quote."""

    start: int
    end: int


@dataclass
class Organisation:
    """One organisation named in a document, resolved to its canonical label."""

    label: str
    cls: str
    area: str | None = None
    alt_labels: set[str] = field(default_factory=set)
    spans: list[Span] = field(default_factory=list)
    unit_of: str | None = None  # label of the organisation this one is a department of

    @property
    def key(self) -> str:
        return self.label


@dataclass(frozen=True)
class Membership:
    person: str
    role: str
    organisation: str  # Organisation.key
    span: Span


@dataclass(frozen=True)
class PersonMention:
    """A person the text names with no role it states (a byline, an addressee, a signatory)."""

    name: str
    span: Span


@dataclass
class Judgement:
    aspect: str
    grade: str  # grade id, e.g. "inadequate"
    span: Span


@dataclass
class Assessment:
    """An inspection, review or commission a document reports on or mentions."""

    kind: str  # kind id from kg/data/assessments.json
    cls: str  # ontology class name, e.g. "Inspection"
    label: str
    area: str | None
    year: str | None = None
    date: str | None = None  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    spans: list[Span] = field(default_factory=list)
    conducted_by: list[str] = field(default_factory=list)
    assesses: list[str] = field(default_factory=list)
    subject_child: str | None = None
    previous: list[Assessment] = field(default_factory=list)  # earlier assessments it is compared with
    judgements: list[Judgement] = field(default_factory=list)
    name: str | None = None  # a proper name the text gives it, e.g. "Commission to ..."
    conductor_names: list[str] = field(
        default_factory=list
    )  # "a peer review by the LGA": matched to organisations

    @property
    def key(self) -> tuple[str, ...]:
        parts = [self.area or "england", self.kind]
        if self.subject_child:
            parts.append(self.subject_child)
        if self.year:
            parts.append(self.year)
        return tuple(parts)


@dataclass
class Finding:
    kind: str  # "Failing" or "Strength"
    statement: str
    span: Span
    themes: list[str]
    implicates: list[str]
    assessment: Assessment | None


@dataclass
class Response:
    statement: str
    span: Span
    respondent: str | None
    date: str | None = None
    answers: int | None = None  # for one statement answering several recommendations: which one


@dataclass
class Recommendation:
    number: int | None
    statement: str
    span: Span
    addressed_to: list[str]
    themes: list[str]
    assessment: Assessment | None
    response: Response | None = None


@dataclass
class DocumentResponse:
    """A response to a whole assessment (a statement, a government response)."""

    response: Response
    assessment: Assessment | None


@dataclass
class Extraction:
    """Everything extracted from one document."""

    title: str | None = None
    date: str | None = None
    main_area: str | None = None
    main_area_named: bool = True  # False when the text names no area and the file name gave it
    areas: list[str] = field(default_factory=list)
    publisher: str | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    partners: list[tuple[str, str]] = field(default_factory=list)  # (partnership key, member key)
    memberships: list[Membership] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)  # only those with no membership
    assessments: list[Assessment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    document_responses: list[DocumentResponse] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
