"""The JSON data files of ``kg/data/``, read into typed records and checked once, at load.

One loader a file; each returns frozen dataclasses, so the extractors read attributes, not
string keys. Loading checks what the extractors rely on: every regular expression compiles
(with the flags the extractors use), has the named groups the extractors read, and every
class or grade the data names is declared in ``ontology/sgkg.ttl``. A file that breaks a rule
raises :class:`DataFileError` naming the file and the key, e.g.
``kg/data/roles.json: titles[12].organisation_class: 'Polce' is no class of ontology/sgkg.ttl``.

Patterns are kept as the strings of the file: several extractors splice them into larger
expressions, so each compiles them where it uses them. ``csv_rows`` reads the CSV files the
same way (the columns the code reads must be there).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import NoReturn

from .errors import KgError
from .prefixes import PREFIXES
from .resources import load_json, ontology_graph


class DataFileError(KgError):
    """A data file of ``kg/data/`` breaks a rule the extractors rely on (a packaging error)."""


@cache
def _ontology_classes() -> frozenset[str]:
    # kg.vocab (rdflib) only when a file is checked against the ontology: `kg query`, which
    # reads query-parameters.json, starts faster without rdflib (kg.resources.ontology_graph).
    from .vocab import OWL, RDF

    return frozenset(str(node) for node in ontology_graph().subjects(RDF.type, OWL.Class))


@cache
def _ontology_grades() -> frozenset[str]:
    return frozenset(
        str(node) for node in ontology_graph().subjects() if str(node).startswith(PREFIXES["grade"])
    )


@dataclass(frozen=True)
class _Node:
    """A value of a data file and where it is, for errors ("titles[3].organisation_class")."""

    file: str
    where: str
    value: object

    def fail(self, problem: str) -> NoReturn:
        raise DataFileError(f"kg/data/{self.file}: {self.where or '(top level)'}: {problem}")

    def key(self, name: str) -> _Node:
        node = self.optional(name)
        if node is None:
            self.fail(f"the key {name!r} is missing")
        return node

    def allow(self, *names: str) -> _Node:
        """This object, refused if it has a key other than ``names`` (a misspelt optional key
        would otherwise be read as absent)."""
        if not isinstance(self.value, dict):
            self.fail("expected an object")
        unknown = sorted(key for key in self.value if key not in names and not key.startswith("_"))
        if unknown:
            self.fail(f"unknown key(s) {', '.join(map(repr, unknown))}; expected some of {', '.join(names)}")
        return self

    def optional(self, name: str) -> _Node | None:
        if not isinstance(self.value, dict):
            self.fail("expected an object")
        where = f"{self.where}.{name}" if self.where else name
        return _Node(self.file, where, self.value[name]) if name in self.value else None

    def items(self) -> list[_Node]:
        if not isinstance(self.value, list):
            self.fail("expected a list")
        return [_Node(self.file, f"{self.where}[{index}]", item) for index, item in enumerate(self.value)]

    def entries(self) -> dict[str, _Node]:
        """The keys of an object and their values, without comments (keys starting with '_')."""
        if not isinstance(self.value, dict):
            self.fail("expected an object")
        return {name: self.key(name) for name in self.value if not name.startswith("_")}

    def text(self) -> str:
        if not isinstance(self.value, str):
            self.fail(f"expected a string, not {self.value!r}")
        return self.value

    def texts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.items())

    def integer(self) -> int:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            self.fail(f"expected a whole number, not {self.value!r}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail(f"expected true or false, not {self.value!r}")
        return self.value

    def pattern(self, flags: int = 0, groups: tuple[str, ...] = ()) -> str:
        """A regular expression that compiles with ``flags`` and has the named ``groups``."""
        text = self.text()
        try:
            compiled = re.compile(text, flags)
        except re.error as error:
            self.fail(f"not a regular expression: {error}")
        missing = [group for group in groups if group not in compiled.groupindex]
        if missing:
            self.fail(f"the pattern lacks the named group(s) {', '.join(missing)}")
        return text

    def patterns(self, flags: int = 0, *, groupless: bool = False) -> tuple[str, ...]:
        """Regular expressions; ``groupless`` ones may not capture (they are scanned for together)."""
        texts = []
        for item in self.items():
            texts.append(item.pattern(flags))
            if groupless and re.compile(texts[-1], flags).groups:
                item.fail("the pattern may not capture: write (?:...) for its groups")
        return tuple(texts)

    def ontology_class(self) -> str:
        """The local name of a class of ``ontology/sgkg.ttl``: "LocalAuthority", or "Organization"
        (``org:Organization``, the class of an organisation of no narrower kind)."""
        from .vocab import ORGANIZATION

        name = self.text()
        iri = PREFIXES["org"] + name if name == ORGANIZATION else PREFIXES["sg"] + name
        if iri not in _ontology_classes():
            self.fail(f"{name!r} is no class of ontology/sgkg.ttl")
        return name

    def prefixed_class(self) -> str:
        """A class written with its prefix ("sg:Area", "foaf:Person"), declared in the ontology."""
        prefix, _, name = self.text().partition(":")
        if prefix not in PREFIXES or PREFIXES[prefix] + name not in _ontology_classes():
            self.fail(f"{self.text()!r} is no class of ontology/sgkg.ttl")
        return self.text()

    def iri(self) -> str:
        """An IRI written with a prefix of ``kg/prefixes.py`` ("sg:Area", "theme:") or whole in
        angle brackets ("<http://purl.org/linked-data/cube#MeasureProperty>")."""
        text = self.text()
        if text.startswith("<") and text.endswith(">"):
            return text[1:-1]
        prefix, colon, local = text.partition(":")
        if not colon or prefix not in PREFIXES:
            self.fail(f"{text!r} is neither prefix:name with a prefix of kg/prefixes.py nor <IRI>")
        return PREFIXES[prefix] + local

    def grade(self) -> str | None:
        """A grade id of the ontology's grade scheme ("requires-improvement"), or null."""
        if self.value is None:
            return None
        if PREFIXES["grade"] + self.text() not in _ontology_grades():
            self.fail(f"{self.text()!r} is no grade of ontology/sgkg.ttl")
        return self.text()


def _read(name: str) -> _Node:
    return _Node(name, "", load_json(name))


def _optional_text(node: _Node | None) -> str | None:
    return None if node is None or node.value is None else node.text()


def _optional_flag(node: _Node | None) -> bool:
    return False if node is None else node.flag()


def csv_rows(name: str, text: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of the CSV data file ``name`` whose text is ``text`` (lines starting "#" are
    comments), each with a value for every one of ``columns``; raises DataFileError naming the
    file and the column or row otherwise."""
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    missing = [column for column in columns if column not in (reader.fieldnames or ())]
    if missing:
        raise DataFileError(f"kg/data/{name}: no column {', '.join(missing)}")
    rows = list(reader)
    for row in rows:
        if any(row[column] is None for column in columns):
            raise DataFileError(f"kg/data/{name}: the row {row[columns[0]]!r} has fewer fields than columns")
    return rows


# roles.json


@dataclass(frozen=True)
class RoleTitle:
    title: str
    organisation_class: str | None
    fallback_class: str | None = None
    short_forms: tuple[str, ...] = ()  # "Det Supt" for "Detective Superintendent"


@dataclass(frozen=True)
class NationalRole:
    """Titles of a national role and the body it belongs to when the text names none."""

    titles: tuple[str, ...]
    label: str
    organisation_class: str


@dataclass(frozen=True)
class Roles:
    modifiers: tuple[str, ...]
    honorifics: tuple[str, ...]
    titles: tuple[RoleTitle, ...]
    title_heads: tuple[str, ...]
    post_nominals: tuple[str, ...]
    not_name_words: tuple[str, ...]
    job_words: tuple[str, ...]
    group_words: tuple[str, ...]
    national_bodies: tuple[NationalRole, ...]
    abbreviations: Mapping[str, str]
    portfolios: tuple[str, ...]
    council_briefs: tuple[str, ...]
    surname_titles: tuple[str, ...]
    surname_particles: tuple[str, ...]
    name_asides: tuple[str, ...]


def _role_title(node: _Node) -> RoleTitle:
    node.allow("title", "organisation_class", "fallback_class", "short_forms")
    usual, fallback = node.key("organisation_class"), node.optional("fallback_class")
    short_forms = node.optional("short_forms")
    return RoleTitle(
        node.key("title").text(),
        None if usual.value is None else usual.ontology_class(),
        None if fallback is None else fallback.ontology_class(),
        () if short_forms is None else short_forms.texts(),
    )


@cache
def roles() -> Roles:
    """``roles.json``: role titles, the words around them and the bodies of national roles."""
    return _roles(_read("roles.json"))


def _roles(data: _Node) -> Roles:
    return Roles(
        modifiers=data.key("modifiers").texts(),
        honorifics=data.key("honorifics").texts(),
        titles=tuple(_role_title(entry) for entry in data.key("titles").items()),
        title_heads=data.key("title_heads").texts(),
        post_nominals=data.key("post_nominals").texts(),
        not_name_words=data.key("not_name_words").texts(),
        job_words=data.key("job_words").texts(),
        group_words=data.key("group_words").texts(),
        national_bodies=tuple(
            NationalRole(
                entry.key("titles").texts(),
                entry.key("label").text(),
                entry.key("organisation_class").ontology_class(),
            )
            for entry in data.key("national_bodies").items()
        ),
        abbreviations={short: title.text() for short, title in data.key("abbreviations").entries().items()},
        portfolios=data.key("portfolios").texts(),
        council_briefs=data.key("council_briefs").texts(),
        surname_titles=data.key("surname_titles").texts(),
        surname_particles=data.key("surname_particles").texts(),
        name_asides=data.key("name_asides").texts(),
    )


# organisations.json


@dataclass(frozen=True)
class NationalEntry:
    label: str
    cls: str
    aliases: tuple[str, ...]
    acronyms: tuple[str, ...]


@dataclass(frozen=True)
class ClassRule:
    """A pattern and the class of organisation it gives."""

    pattern: str
    cls: str


@dataclass(frozen=True)
class ContextClass:
    when_class: str
    head: str
    cues: tuple[str, ...]
    cls: str


@dataclass(frozen=True)
class ReferencePhrase:
    pattern: str
    cls: str
    ending: str | None


@dataclass(frozen=True)
class AreaAcronym:
    acronym: str
    head: str
    cls: str


@dataclass(frozen=True)
class Service:
    label: str
    pattern: str
    acronyms: tuple[str, ...]
    cls: str
    refers_to_named: bool


@dataclass(frozen=True)
class Organisations:
    national: tuple[NationalEntry, ...]
    heads: tuple[ClassRule, ...]
    generic_words: tuple[str, ...]
    context_classes: tuple[ContextClass, ...]
    stop_words: tuple[str, ...]
    reference_phrases: tuple[ReferencePhrase, ...]
    apposition: tuple[ClassRule, ...]
    kept_heads: str
    partner_cues: str
    council_prefixes: tuple[str, ...]
    area_acronyms: tuple[AreaAcronym, ...]
    services: tuple[Service, ...]
    internal_bodies: str
    council_references: str
    lower_case_heads: tuple[str, ...]
    lower_case_words: tuple[str, ...]


def _class_rules(node: _Node, flags: int = 0, groups: tuple[str, ...] = ()) -> tuple[ClassRule, ...]:
    return tuple(
        ClassRule(entry.key("pattern").pattern(flags, groups), entry.key("class").ontology_class())
        for entry in node.items()
    )


@cache
def organisations() -> Organisations:
    """``organisations.json``: how organisation names are recognised and typed."""
    return _organisations(_read("organisations.json"))


def _organisations(data: _Node) -> Organisations:
    return Organisations(
        national=tuple(
            NationalEntry(
                entry.key("label").text(),
                entry.key("class").ontology_class(),
                entry.key("aliases").texts(),
                entry.key("acronyms").texts(),
            )
            for entry in data.key("national").items()
        ),
        heads=_class_rules(data.key("heads")),
        generic_words=data.key("generic_words").texts(),
        context_classes=tuple(
            ContextClass(
                entry.key("when_class").ontology_class(),
                entry.key("head").pattern(),
                entry.key("cues").texts(),
                entry.key("class").ontology_class(),
            )
            for entry in data.key("context_classes").items()
        ),
        stop_words=data.key("stop_words").texts(),
        reference_phrases=tuple(
            ReferencePhrase(
                entry.key("pattern").pattern(),
                entry.key("class").ontology_class(),
                _optional_text(entry.key("ending")),
            )
            for entry in data.key("reference_phrases").items()
        ),
        apposition=_class_rules(data.key("apposition"), groups=("name",)),
        kept_heads=data.key("kept_heads").pattern(),
        partner_cues=data.key("partner_cues").pattern(re.IGNORECASE),
        council_prefixes=data.key("council_prefixes").texts(),
        area_acronyms=tuple(
            AreaAcronym(
                entry.key("acronym").text(), entry.key("head").text(), entry.key("class").ontology_class()
            )
            for entry in data.key("area_acronyms").items()
        ),
        services=tuple(
            Service(
                entry.key("label").text(),
                entry.key("pattern").pattern(re.IGNORECASE),
                entry.key("acronyms").texts(),
                entry.key("class").ontology_class(),
                _optional_flag(entry.optional("refers_to_named")),
            )
            for entry in (
                item.allow("label", "pattern", "acronyms", "class", "refers_to_named")
                for item in data.key("services").items()
            )
        ),
        internal_bodies=data.key("internal_bodies").pattern(),
        council_references=data.key("council_references").pattern(re.IGNORECASE),
        lower_case_heads=data.key("lower_case_heads").texts(),
        lower_case_words=data.key("lower_case_words").texts(),
    )


# assessments.json


@dataclass(frozen=True)
class AssessmentKindEntry:
    kind: str
    cls: str
    label: str
    patterns: tuple[str, ...]
    conducted_by: tuple[str, ...]  # labels of national bodies of organisations.json
    inspectorates_from_text: bool
    commissioned_by_partnership: bool
    assesses: tuple[str, ...]
    graded: bool
    national: bool
    aspect: str | None
    until: int | None


@dataclass(frozen=True)
class Assessments:
    kinds: tuple[AssessmentKindEntry, ...]
    previous: str
    subject_child: str
    framework: str
    previous_kind: str
    framework_before: str
    review_subject: str


_KIND_KEYS = (
    "kind",
    "class",
    "label",
    "patterns",
    "conducted_by",
    "inspectorates_from_text",
    "commissioned_by_partnership",
    "assesses",
    "graded",
    "national",
    "aspect",
    "until",
)


def _assessment_kind(entry: _Node, national_labels: frozenset[str]) -> AssessmentKindEntry:
    entry.allow(*_KIND_KEYS)
    conducted_by = entry.key("conducted_by")
    for body in conducted_by.items():
        if body.text() not in national_labels:
            body.fail(f"{body.text()!r} is no national body of organisations.json")
    until = entry.optional("until")
    return AssessmentKindEntry(
        kind=entry.key("kind").text(),
        cls=entry.key("class").ontology_class(),
        label=entry.key("label").text(),
        patterns=entry.key("patterns").patterns(re.IGNORECASE, groupless=True),
        conducted_by=conducted_by.texts(),
        inspectorates_from_text=_optional_flag(entry.optional("inspectorates_from_text")),
        commissioned_by_partnership=_optional_flag(entry.optional("commissioned_by_partnership")),
        assesses=tuple(item.ontology_class() for item in entry.key("assesses").items()),
        graded=entry.key("graded").flag(),
        national=_optional_flag(entry.optional("national")),
        aspect=_optional_text(entry.optional("aspect")),
        until=None if until is None else until.integer(),
    )


@cache
def assessments() -> Assessments:
    """``assessments.json``: the kinds of assessment and how earlier ones and subjects are named."""
    return _assessments(_read("assessments.json"))


def _assessments(data: _Node) -> Assessments:
    national_labels = frozenset(body.label for body in organisations().national)
    kinds = tuple(_assessment_kind(entry, national_labels) for entry in data.key("kinds").items())
    previous_kind = data.key("previous_kind")
    if previous_kind.text() not in {kind.kind for kind in kinds}:
        previous_kind.fail(f"{previous_kind.text()!r} is no kind of 'kinds'")
    return Assessments(
        kinds=kinds,
        previous=data.key("previous").pattern(re.IGNORECASE, ("date",)),
        subject_child=_one_group(data.key("subject_child")),
        framework=data.key("framework").pattern(re.IGNORECASE),
        previous_kind=previous_kind.text(),
        framework_before=data.key("framework_before").pattern(re.IGNORECASE),
        review_subject=data.key("review_subject").pattern(0, ("code", "name")),
    )


def _one_group(node: _Node) -> str:
    """A pattern whose first group is read by number."""
    text = node.pattern()
    if re.compile(text).groups < 1:
        node.fail("the pattern needs a group: the extractor reads group 1")
    return text


# findings.json


@dataclass(frozen=True)
class Findings:
    failing: tuple[str, ...]
    strength: tuple[str, ...]
    negators: tuple[str, ...]
    speech_verbs: tuple[str, ...]
    not_findings: tuple[str, ...]
    implicate_cues: tuple[ClassRule, ...]
    response_lead_ins: str
    finding_sections: str
    section_negation: str
    service_words: tuple[str, ...]
    earlier_grade: str


@cache
def findings() -> Findings:
    """``findings.json``: the cue words that make a sentence a failing or a strength."""
    return _findings(_read("findings.json"))


def _findings(data: _Node) -> Findings:
    data.allow(*(field.name for field in fields(Findings)))  # a key no extractor reads is refused
    return Findings(
        failing=data.key("failing").texts(),
        strength=data.key("strength").texts(),
        negators=data.key("negators").texts(),
        speech_verbs=data.key("speech_verbs").texts(),
        not_findings=data.key("not_findings").patterns(re.IGNORECASE),
        implicate_cues=_class_rules(data.key("implicate_cues"), re.IGNORECASE),
        response_lead_ins=data.key("response_lead_ins").pattern(re.IGNORECASE),
        finding_sections=data.key("finding_sections").pattern(re.IGNORECASE),
        section_negation=data.key("section_negation").pattern(re.IGNORECASE),
        service_words=data.key("service_words").texts(),
        earlier_grade=data.key("earlier_grade").pattern(re.IGNORECASE),
    )


# themes.json


@dataclass(frozen=True)
class Themes:
    list_lead: str


@cache
def themes() -> Themes:
    """``themes.json``: how a text announces a list of the themes it is about (the themes' cue
    words are the ontology's ``skos:altLabel``)."""
    return _themes(_read("themes.json"))


def _themes(data: _Node) -> Themes:
    data.allow(*(field.name for field in fields(Themes)))
    return Themes(list_lead=data.key("list_lead").pattern(re.IGNORECASE))


# judgements.json


@dataclass(frozen=True)
class GradeWords:
    id: str | None  # None: a grade of an old scale, which gives no judgement
    pattern: str


@dataclass(frozen=True)
class Framework:
    id: str
    label: str
    years: tuple[int, int]
    aspects: tuple[str, ...]


@dataclass(frozen=True)
class AspectWords:
    aspect: str
    assessment: str | None
    names: tuple[str, ...]
    paraphrases: tuple[str, ...]


@dataclass(frozen=True)
class Judgements:
    grades: tuple[GradeWords, ...]
    numeric_grade: str
    frameworks: tuple[Framework, ...]
    aspects: tuple[AspectWords, ...]


def _framework(node: _Node) -> Framework:
    years = node.key("years")
    low_high = tuple(year.integer() for year in years.items())
    if len(low_high) != 2:
        years.fail("expected [first year, last year]")
    return Framework(
        node.key("id").text(),
        node.key("label").text(),
        (low_high[0], low_high[1]),
        node.key("aspects").texts(),
    )


@cache
def judgements() -> Judgements:
    """``judgements.json``: the grade words, the frameworks and the aspects they judge."""
    return _judgements(_read("judgements.json"))


def _judgements(data: _Node) -> Judgements:
    kinds = {kind.kind for kind in assessments().kinds}
    aspects = []
    for entry in data.key("aspects").items():
        entry.allow("aspect", "assessment", "names", "paraphrases")
        assessment = entry.optional("assessment")
        if assessment is not None and assessment.text() not in kinds:
            assessment.fail(f"{assessment.text()!r} is no kind of assessments.json")
        aspects.append(
            AspectWords(
                entry.key("aspect").text(),
                _optional_text(assessment),
                entry.key("names").texts(),
                entry.key("paraphrases").texts(),
            )
        )
    return Judgements(
        grades=tuple(
            GradeWords(entry.key("id").grade(), entry.key("pattern").pattern(re.IGNORECASE))
            for entry in data.key("grades").items()
        ),
        numeric_grade=data.key("numeric_grade").pattern(re.IGNORECASE),
        frameworks=tuple(_framework(entry) for entry in data.key("frameworks").items()),
        aspects=tuple(aspects),
    )


# recommendations.json


@dataclass(frozen=True)
class RecommendationLists:
    section: str
    board_section: str
    council_section: str
    board_scope: str
    end: str
    end_sentence: str
    interruption: str
    no_items: str
    lead: str
    instruction_verbs: tuple[str, ...]
    announces: str
    modal: str
    agency_words: Mapping[str, str]  # class of organisation -> the words that name one
    council_name: str


@dataclass(frozen=True)
class Reactions:
    reaction: str
    announces_quote: str


@dataclass(frozen=True)
class Recommendations:
    numbered: str
    heading: str
    list_item: str
    imperatives: tuple[str, ...]
    response: str
    addressee_end: str
    document_response: str
    number_words: Mapping[str, int]
    ordinals: Mapping[str, int]
    in_sentence: str
    announces_list: str
    blanket_acceptance: str
    lists: RecommendationLists
    reactions: Reactions


def _numbers(node: _Node) -> dict[str, int]:
    return {word: value.integer() for word, value in node.entries().items()}


def _lists(data: _Node) -> RecommendationLists:
    ignore_case = re.IGNORECASE
    agency_words = {}
    for cls, pattern in data.key("agency_words").entries().items():
        _Node(data.file, pattern.where, cls).ontology_class()
        agency_words[cls] = pattern.pattern(ignore_case)
    return RecommendationLists(
        section=data.key("section").pattern(ignore_case),
        board_section=data.key("board_section").pattern(ignore_case),
        council_section=data.key("council_section").pattern(ignore_case),
        board_scope=data.key("board_scope").pattern(ignore_case),
        end=data.key("end").pattern(ignore_case),
        end_sentence=data.key("end_sentence").pattern(),
        interruption=data.key("interruption").pattern(ignore_case),
        no_items=data.key("no_items").pattern(ignore_case),
        lead=data.key("lead").pattern(ignore_case),
        instruction_verbs=data.key("instruction_verbs").patterns(ignore_case),
        announces=data.key("announces").pattern(ignore_case),
        modal=data.key("modal").pattern(ignore_case),
        agency_words=agency_words,
        council_name=data.key("council_name").pattern(),
    )


@cache
def recommendations() -> Recommendations:
    """``recommendations.json``: how recommendations, their lists and the responses are laid out."""
    return _recommendations(_read("recommendations.json"))


def _recommendations(data: _Node) -> Recommendations:
    reactions = data.key("reactions")
    return Recommendations(
        numbered=data.key("numbered").pattern(re.IGNORECASE, ("number",)),
        heading=data.key("heading").pattern(),
        list_item=data.key("list_item").pattern(),
        imperatives=data.key("imperatives").patterns(),
        response=data.key("response").pattern(0, ("who", "named")),
        addressee_end=data.key("addressee_end").pattern(),
        document_response=data.key("document_response").pattern(),
        number_words=_numbers(data.key("number_words")),
        ordinals=_numbers(data.key("ordinals")),
        in_sentence=data.key("in_sentence").pattern(re.IGNORECASE),
        announces_list=data.key("announces_list").pattern(re.IGNORECASE),
        blanket_acceptance=data.key("blanket_acceptance").pattern(re.IGNORECASE),
        lists=_lists(data.key("lists")),
        reactions=Reactions(
            reactions.key("reaction").pattern(re.IGNORECASE),
            reactions.key("announces_quote").pattern(re.IGNORECASE),
        ),
    )


# html-boilerplate.json


@dataclass(frozen=True)
class HtmlBoilerplate:
    drop_tags: tuple[str, ...]
    drop_outside_article: tuple[str, ...]
    drop_inside_article: tuple[str, ...]
    drop_roles: tuple[str, ...]
    drop_tokens: tuple[str, ...]
    drop_texts: tuple[str, ...]
    drop_text_prefixes: tuple[str, ...]
    drop_prefixed_text_max_length: int
    main_selectors: tuple[str, ...]
    date_meta: tuple[str, ...]


@cache
def html_boilerplate() -> HtmlBoilerplate:
    """``html-boilerplate.json``: what the HTML reader drops as page furniture, and where it looks."""
    return _html_boilerplate(_read("html-boilerplate.json"))


def _html_boilerplate(data: _Node) -> HtmlBoilerplate:
    return HtmlBoilerplate(
        drop_tags=data.key("drop_tags").texts(),
        drop_outside_article=data.key("drop_outside_article").texts(),
        drop_inside_article=data.key("drop_inside_article").texts(),
        drop_roles=data.key("drop_roles").texts(),
        drop_tokens=data.key("drop_tokens").texts(),
        drop_texts=data.key("drop_texts").texts(),
        drop_text_prefixes=data.key("drop_text_prefixes").texts(),
        drop_prefixed_text_max_length=data.key("drop_prefixed_text_max_length").integer(),
        main_selectors=data.key("main_selectors").texts(),
        date_meta=data.key("date_meta").texts(),
    )


# viz/classes.json


@dataclass(frozen=True)
class DrawnClass:
    cls: str  # prefixed: "sg:LocalAuthority"
    label: str
    color: str
    shape: str
    key: bool


@dataclass(frozen=True)
class DrawnGrade:
    grade: str
    label: str
    color: str


@dataclass(frozen=True)
class VizClasses:
    classes: tuple[DrawnClass, ...]
    loose_relations: tuple[str, ...]
    grades: tuple[DrawnGrade, ...]


@cache
def viz_classes() -> VizClasses:
    """``viz/classes.json``: the shape and colour of each drawn class and grade."""
    return _viz_classes(_read("viz/classes.json"))


def _viz_classes(data: _Node) -> VizClasses:
    grades = []
    for entry in data.key("grades").items():
        grade = entry.key("grade").grade()
        if grade is None:
            entry.key("grade").fail("expected a grade id")
        grades.append(DrawnGrade(grade, entry.key("label").text(), entry.key("color").text()))
    return VizClasses(
        classes=tuple(
            DrawnClass(
                entry.key("class").prefixed_class(),
                entry.key("label").text(),
                entry.key("color").text(),
                entry.key("shape").text(),
                _optional_flag(entry.optional("key")),
            )
            for entry in (
                item.allow("class", "label", "color", "shape", "key") for item in data.key("classes").items()
            )
        ),
        loose_relations=data.key("loose_relations").texts(),
        grades=tuple(grades),
    )


# query-parameters.json


@dataclass(frozen=True)
class ParameterKind:
    """What a query parameter names: the classes of those things, the namespace their IRIs
    share (or ""), and the noun messages call one of them."""

    noun: str
    classes: tuple[str, ...]  # IRIs
    namespace: str = ""


@dataclass(frozen=True)
class QueryParameters:
    kinds: Mapping[str, ParameterKind]
    parameters: Mapping[str, ParameterKind]  # a parameter's name -> the kind it names


@cache
def query_parameters() -> QueryParameters:
    """``query-parameters.json``: what each ``--param`` of a query names, for resolving a typed name."""
    return _query_parameters(_read("query-parameters.json"))


def _query_parameters(data: _Node) -> QueryParameters:
    # The classes are not looked up in the ontology here, which would load rdflib into every
    # `kg query`; tests/test_datafiles.py checks that they are the ontology's.
    kinds = {}
    for key, entry in data.key("kinds").entries().items():
        entry.allow("noun", "classes", "namespace")
        namespace = entry.optional("namespace")
        kinds[key] = ParameterKind(
            noun=entry.key("noun").text(),
            classes=tuple(item.iri() for item in entry.key("classes").items()),
            namespace="" if namespace is None else namespace.iri(),
        )
    parameters = {}
    for name, kind in data.key("parameters").entries().items():
        if kind.text() not in kinds:
            kind.fail(f"{kind.text()!r} is no kind of 'kinds'")
        parameters[name] = kinds[kind.text()]
    return QueryParameters(kinds, parameters)


_PARSERS = {
    "roles.json": _roles,
    "organisations.json": _organisations,
    "assessments.json": _assessments,
    "findings.json": _findings,
    "themes.json": _themes,
    "judgements.json": _judgements,
    "recommendations.json": _recommendations,
    "html-boilerplate.json": _html_boilerplate,
    "viz/classes.json": _viz_classes,
    "query-parameters.json": _query_parameters,
}


def parse(name: str, value: object) -> object:
    """The record of the data file ``name`` made from ``value`` (its parsed JSON), checked as the
    shipped file is: how a changed file is tried before it ships."""
    return _PARSERS[name](_Node(name, "", value))


def check_all() -> None:
    """Load every JSON data file, raising :class:`DataFileError` at the first broken rule."""
    loaders = (
        roles,
        organisations,
        assessments,
        findings,
        themes,
        judgements,
        recommendations,
        html_boilerplate,
        viz_classes,
        query_parameters,
    )
    for loader in loaders:
        loader()
