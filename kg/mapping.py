"""Claims -> triples. Each ``map_*`` function produces the ontology term it is named after.

Implements the "Classes" and "Properties" sections of ONTOLOGY.md for one document:
``map_document`` extracts the document's claims (``kg.extract``) and writes them into
the document's named graph. Every node has exactly one ``rdfs:label`` that depends
only on the node's identity, so graphs of different documents agree when unioned.
Organisations, assessments and findings also carry the contract's abstract
superclass (``org:Organization``, ``sg:Assessment``, ``sg:Finding``) so that plain
SPARQL finds them without a reasoner.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from . import geography, lexicon
from .claims import (
    Assessment,
    Extraction,
    Finding,
    Judgement,
    Membership,
    Organisation,
    PersonMention,
    Recommendation,
    Response,
    Span,
)
from .extract import extract
from .ingest import SourceDocument
from .vocab import (
    DCTERMS,
    FOAF,
    GRADE,
    ORG,
    RDF,
    RDFS,
    SCHEMES_GRAPH,
    SG,
    SKOS,
    THEME,
    XSD,
    grade_iri,
    graph_iri,
    mint,
    theme_iri,
)

_ASSESSMENT_KINDS = {
    "Inspection": "inspection",
    "PracticeReview": "practice-review",
    "PeerReview": "peer-review",
    "Commission": "commission",
}


@dataclass
class DocumentGraph:
    """One document's named graph (its IRI and triples) and the warnings its mapping raised.

    The triples are a plain set of rdflib terms: building an rdflib ``Graph`` as the mapper
    goes costs a fifth of the mapping time, and the build only serialises them.
    """

    document_id: str
    identifier: URIRef
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]]
    warnings: list[str] = field(default_factory=list)

    def graph(self) -> Graph:
        """The triples as an rdflib Graph named ``identifier``, for code that wants rdflib's API."""
        graph = Graph(identifier=self.identifier)
        for triple in self.triples:
            graph.add(triple)
        return graph


@dataclass(frozen=True)
class _Context:
    triples: set
    document: SourceDocument
    node: URIRef
    extraction: Extraction


def map_document(document: SourceDocument) -> DocumentGraph:
    """The named graph of one document: its SourceDocument node and every claim extracted."""
    with _fewer_collections():
        return _map_document(document)


# Objects allocated between two runs of Python's cyclic collector while a document is mapped,
# against 700 by default: a fifth of the time went to collections (docs/benchmarks.md).
_COLLECTION_THRESHOLD = 100_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Mapping makes millions of short-lived objects (matches, spans, tuples) and next to no
    reference cycles: the collector need not run every few hundred of them."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _COLLECTION_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _map_document(document: SourceDocument) -> DocumentGraph:
    triples: set = set()
    extraction = extract(document)
    context = _Context(triples, document, mint("document", document.document_id), extraction)
    map_source_document(context)
    for area in extraction.areas:
        map_area(context, area)
    for organisation in extraction.organisations.values():
        map_organisation(context, organisation)
    for partnership, member in extraction.partners:
        triples.add((_organisation_iri(partnership), ORG.hasMember, _organisation_iri(member)))
    for membership in extraction.memberships:
        map_membership(context, membership)
    for person in extraction.people:
        map_person(context, person)
    for assessment in extraction.assessments:
        map_assessment(context, assessment)
        triples.add((context.node, SG.reportsOn, _assessment_iri(assessment)))
    for finding in extraction.findings:
        map_finding(context, finding)
    for recommendation in extraction.recommendations:
        map_recommendation(context, recommendation)
    for document_response in extraction.document_responses:
        target = (
            _assessment_iri(document_response.assessment) if document_response.assessment else context.node
        )
        response = map_response(context, document_response.response)
        triples.add((target, SG.hasResponse, response))
    return DocumentGraph(
        document.document_id, graph_iri(document.document_id), triples, _warnings(document, extraction)
    )


def map_source_document(context: _Context) -> None:
    triples, document, node, extraction = context.triples, context.document, context.node, context.extraction
    triples.add((node, RDF.type, SG.SourceDocument))
    triples.add(
        (node, RDFS.label, Literal(_short(extraction.title) if extraction.title else document.file_name))
    )
    triples.add((node, SG.fileName, Literal(document.file_name)))
    triples.add((node, DCTERMS["format"], Literal(document.media_type)))
    triples.add((node, SG.fileSha256, Literal(document.sha256)))
    triples.add((node, SG.textSha256, Literal(hashlib.sha256(document.text.encode("utf-8")).hexdigest())))
    if extraction.title:
        triples.add((node, DCTERMS.title, Literal(extraction.title)))
    if extraction.date:
        triples.add((node, DCTERMS.date, _date_literal(extraction.date)))
    if extraction.publisher:
        triples.add((node, DCTERMS.publisher, _organisation_iri(extraction.publisher)))
    for theme in extraction.themes:
        triples.add((node, DCTERMS.subject, theme_iri(theme)))


def map_area(context: _Context, area: str, on: str | None = None) -> URIRef:
    """The sg:Area named ``area``, with its official codes when it is a local authority area
    (``kg.geography``), which authority the name means decided by ``on`` or the document's date;
    mentioned in the document unless only the file name gave it (``Extraction.main_area_named``)."""
    authority = geography.authority(area, on or context.extraction.date)
    node = geography.area_iri(area, authority)
    context.triples.add((node, RDF.type, SG.Area))
    context.triples.add((node, RDFS.label, Literal(area)))
    if area != context.extraction.main_area or context.extraction.main_area_named:
        context.triples.add((node, SG.mentionedIn, context.node))
    if authority is not None:
        context.triples.update(geography.official_geography(node, area, authority))
    return node


def map_organisation(context: _Context, organisation: Organisation) -> URIRef:
    triples, node = context.triples, _organisation_iri(organisation.key)
    triples.add(
        (node, RDF.type, SG[organisation.cls] if organisation.cls != "Organization" else ORG.Organization)
    )
    triples.add((node, RDF.type, ORG.Organization))
    triples.add((node, RDFS.label, Literal(organisation.label)))
    for alt in sorted(organisation.alt_labels):
        triples.add((node, SKOS.altLabel, Literal(alt)))
    if organisation.area:
        triples.add((node, SG.area, map_area(context, organisation.area)))
    if organisation.spans:
        triples.add((node, SG.mentionedIn, context.node))
    if organisation.unit_of:
        triples.add((node, ORG.unitOf, _organisation_iri(organisation.unit_of)))
        triples.add((_organisation_iri(organisation.unit_of), ORG.hasUnit, node))
    return node


def map_membership(context: _Context, membership: Membership) -> URIRef:
    triples = context.triples
    person, role, organisation = (
        mint("person", membership.person),
        mint("role", membership.role),
        _organisation_iri(membership.organisation),
    )
    node = mint("membership", membership.person, membership.role, membership.organisation)
    triples.add((person, RDF.type, FOAF.Person))
    triples.add((person, RDFS.label, Literal(membership.person)))
    triples.add((person, FOAF.name, Literal(membership.person)))
    triples.add((person, SG.mentionedIn, context.node))
    triples.add((role, RDF.type, ORG.Role))
    triples.add((role, RDFS.label, Literal(membership.role)))
    triples.add((node, RDF.type, ORG.Membership))
    triples.add(
        (node, RDFS.label, Literal(f"{membership.person}, {membership.role}, {membership.organisation}"))
    )
    triples.add((node, ORG.member, person))
    triples.add((node, ORG.organization, organisation))
    triples.add((node, ORG.role, role))
    triples.add((node, SG.evidence, map_evidence(context, membership.span)))
    return node


def map_person(context: _Context, person: PersonMention) -> URIRef:
    """A ``foaf:Person`` the document names without a role, with the span that names it."""
    triples, node = context.triples, mint("person", person.name)
    triples.add((node, RDF.type, FOAF.Person))
    triples.add((node, RDFS.label, Literal(person.name)))
    triples.add((node, FOAF.name, Literal(person.name)))
    triples.add((node, SG.mentionedIn, context.node))
    triples.add((node, SG.evidence, map_evidence(context, person.span)))
    return node


def map_assessment(context: _Context, assessment: Assessment) -> URIRef:
    triples, node = context.triples, _assessment_iri(assessment)
    triples.add((node, RDF.type, SG[assessment.cls]))
    triples.add((node, RDF.type, SG.Assessment))
    triples.add((node, RDFS.label, Literal(_assessment_label(assessment))))
    if assessment.name:
        triples.add((node, SKOS.altLabel, Literal(assessment.name)))
    if assessment.area:
        triples.add((node, SG.area, map_area(context, assessment.area, assessment.date)))
    if assessment.date:
        triples.add((node, DCTERMS.date, _date_literal(assessment.date)))
    for key in assessment.conducted_by:
        triples.add((node, SG.conductedBy, _organisation_iri(key)))
    for key in assessment.assesses:
        triples.add((node, SG.assesses, _organisation_iri(key)))
    if assessment.subject_child:
        triples.add((node, SG.subjectChild, map_child(context, assessment.area, assessment.subject_child)))
    for previous in assessment.previous:
        triples.add((node, SG.previousAssessment, map_assessment(context, previous)))
    for judgement in assessment.judgements:
        triples.add((node, SG.hasJudgement, map_judgement(context, assessment, judgement)))
    for span in assessment.spans[:1]:
        triples.add((node, SG.evidence, map_evidence(context, span)))
    return node


def map_child(context: _Context, area: str | None, child: str) -> URIRef:
    """The ``sg:Child`` a review is about ("Child T"), one per area."""
    node = mint("child", area or "england", child)
    context.triples.add((node, RDF.type, SG.Child))
    context.triples.add((node, RDF.type, FOAF.Person))
    context.triples.add((node, RDFS.label, Literal(child)))
    context.triples.add((node, FOAF.name, Literal(child)))
    return node


def map_judgement(context: _Context, assessment: Assessment, judgement: Judgement) -> URIRef:
    triples = context.triples
    node = mint("judgement", *assessment.key, judgement.aspect)
    triples.add((node, RDF.type, SG.Judgement))
    triples.add((node, RDFS.label, Literal(f"{judgement.aspect}: {judgement.grade.replace('-', ' ')}")))
    triples.add((node, SG.aspect, Literal(judgement.aspect)))
    triples.add((node, SG.grade, grade_iri(judgement.grade)))
    triples.add((node, SG.evidence, map_evidence(context, judgement.span)))
    return node


def map_finding(context: _Context, finding: Finding) -> URIRef:
    triples = context.triples
    node = mint("finding", context.document.document_id, finding.span.start)
    triples.add((node, RDF.type, SG[finding.kind]))
    triples.add((node, RDF.type, SG.Finding))
    triples.add((node, RDFS.label, Literal(_short(finding.statement))))
    triples.add((node, SG.statement, Literal(finding.statement)))
    for theme in finding.themes:
        triples.add((node, SG.theme, theme_iri(theme)))
    for key in finding.implicates:
        triples.add((node, SG.implicates, _organisation_iri(key)))
    if finding.assessment:
        triples.add((_assessment_iri(finding.assessment), SG.hasFinding, node))
    triples.add((node, SG.evidence, map_evidence(context, finding.span)))
    return node


def map_recommendation(context: _Context, recommendation: Recommendation) -> URIRef:
    triples = context.triples
    owner = recommendation.assessment
    if recommendation.number is not None and owner is not None:
        node = mint("recommendation", *owner.key, recommendation.number)
        label = f"Recommendation {recommendation.number}: {_assessment_label(owner)}"
    else:
        node = mint("recommendation", context.document.document_id, recommendation.span.start)
        label = _short(recommendation.statement)
    triples.add((node, RDF.type, SG.Recommendation))
    triples.add((node, RDFS.label, Literal(label)))
    triples.add((node, SG.statement, Literal(recommendation.statement)))
    if recommendation.number is not None:
        triples.add((node, SG.number, Literal(recommendation.number, datatype=XSD.integer)))
    for key in recommendation.addressed_to:
        triples.add((node, SG.addressedTo, _organisation_iri(key)))
    for theme in recommendation.themes:
        triples.add((node, SG.theme, theme_iri(theme)))
    if owner is not None:
        triples.add((_assessment_iri(owner), SG.hasRecommendation, node))
    if recommendation.response:
        triples.add((node, SG.hasResponse, map_response(context, recommendation.response)))
    triples.add((node, SG.evidence, map_evidence(context, recommendation.span)))
    return node


def map_response(context: _Context, response: Response) -> URIRef:
    triples = context.triples
    parts = (
        (response.span.start,)
        if response.answers is None
        else (response.span.start, "answer", response.answers)
    )
    node = mint("response", context.document.document_id, *parts)
    triples.add((node, RDF.type, SG.Response))
    triples.add((node, RDFS.label, Literal(_short(response.statement))))
    triples.add((node, SG.statement, Literal(response.statement)))
    if response.respondent:
        triples.add((node, SG.respondent, _organisation_iri(response.respondent)))
    if response.date:
        triples.add((node, DCTERMS.date, _date_literal(response.date)))
    triples.add((node, SG.evidence, map_evidence(context, response.span)))
    return node


def map_evidence(context: _Context, span: Span) -> URIRef:
    """The exact characters ``text[start:end]`` of the document behind a claim."""
    triples, document = context.triples, context.document
    node = mint("evidence", document.document_id, span.start, span.end)
    triples.add((node, RDF.type, SG.Evidence))
    triples.add((node, RDFS.label, Literal(f"{document.file_name} [{span.start}:{span.end}]")))
    triples.add((node, SG.quote, Literal(document.text[span.start : span.end])))
    triples.add((node, SG.inDocument, context.node))
    triples.add((node, SG.start, Literal(span.start, datatype=XSD.integer)))
    triples.add((node, SG.end, Literal(span.end, datatype=XSD.integer)))
    page = document.page_at(span.start)
    if page is not None:
        triples.add((node, SG.page, Literal(page, datatype=XSD.integer)))
    return node


def _organisation_iri(key: str) -> URIRef:
    return mint("organisation", key)


def _assessment_iri(assessment: Assessment) -> URIRef:
    return mint(_ASSESSMENT_KINDS[assessment.cls], *assessment.key)


def _assessment_label(assessment: Assessment) -> str:
    parts = [assessment.label[:1].upper() + assessment.label[1:]]
    if assessment.subject_child:
        parts.append(assessment.subject_child)
    parts.append(assessment.area or "England")
    label = ", ".join(parts)
    return f"{label} ({assessment.year})" if assessment.year else label


def _date_literal(value: str) -> Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=datatype)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _warnings(document: SourceDocument, extraction: Extraction) -> list[str]:
    warnings = list(extraction.warnings)
    if not extraction.organisations:
        warnings.append(f"{document.file_name}: no organisation recognised")
    if not extraction.assessments and not extraction.memberships:
        warnings.append(f"{document.file_name}: no assessment or role recognised")
    return warnings


def scheme_graph() -> Graph:
    """The theme and grade SKOS schemes, copied from the ontology into their own graph."""
    ontology = lexicon.ontology_graph()
    schemes = Graph(identifier=SCHEMES_GRAPH)
    for subject in set(ontology.subjects()):
        if str(subject).startswith((str(THEME), str(GRADE))):
            for triple in ontology.triples((subject, None, None)):
                schemes.add(triple)
    return schemes
