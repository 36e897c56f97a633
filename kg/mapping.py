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

import hashlib
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, XSD

from . import lexicon
from .claims import Assessment, Extraction, Finding, Judgement, Membership, Organisation, Recommendation, Response, Span
from .extract import extract
from .ingest import SourceDocument
from .vocab import GRADE, SCHEMES_GRAPH, SG, THEME, grade_iri, graph_iri, mint, theme_iri

_ASSESSMENT_KINDS = {"Inspection": "inspection", "PracticeReview": "practice-review", "PeerReview": "peer-review", "Commission": "commission"}


@dataclass
class DocumentGraph:
    """One document's named graph and the warnings its mapping raised."""

    document_id: str
    graph: Graph
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    graph: Graph
    document: SourceDocument
    node: URIRef
    extraction: Extraction


def map_document(document: SourceDocument) -> DocumentGraph:
    """The named graph of one document: its SourceDocument node and every claim extracted."""
    graph = Graph(identifier=graph_iri(document.document_id))
    extraction = extract(document)
    context = _Context(graph, document, mint("document", document.document_id), extraction)
    map_source_document(context)
    for area in extraction.areas:
        map_area(context, area)
    for organisation in extraction.organisations.values():
        map_organisation(context, organisation)
    for partnership, member in extraction.partners:
        graph.add((_organisation_iri(partnership), ORG.hasMember, _organisation_iri(member)))
    for membership in extraction.memberships:
        map_membership(context, membership)
    for assessment in extraction.assessments:
        map_assessment(context, assessment)
        graph.add((context.node, SG.reportsOn, _assessment_iri(assessment)))
    for finding in extraction.findings:
        map_finding(context, finding)
    for recommendation in extraction.recommendations:
        map_recommendation(context, recommendation)
    for document_response in extraction.document_responses:
        target = _assessment_iri(document_response.assessment) if document_response.assessment else context.node
        response = map_response(context, document_response.response)
        graph.add((target, SG.hasResponse, response))
    return DocumentGraph(document.document_id, graph, _warnings(document, extraction))


def map_source_document(context: _Context) -> None:
    graph, document, node, extraction = context.graph, context.document, context.node, context.extraction
    graph.add((node, RDF.type, SG.SourceDocument))
    graph.add((node, RDFS.label, Literal(_short(extraction.title) if extraction.title else document.file_name)))
    graph.add((node, SG.fileName, Literal(document.file_name)))
    graph.add((node, DCTERMS["format"], Literal(document.media_type)))
    graph.add((node, SG.fileSha256, Literal(document.sha256)))
    graph.add((node, SG.textSha256, Literal(hashlib.sha256(document.text.encode("utf-8")).hexdigest())))
    if extraction.title:
        graph.add((node, DCTERMS.title, Literal(extraction.title)))
    if extraction.date:
        graph.add((node, DCTERMS.date, _date_literal(extraction.date)))
    if extraction.publisher:
        graph.add((node, DCTERMS.publisher, _organisation_iri(extraction.publisher)))
    for theme in extraction.themes:
        graph.add((node, DCTERMS.subject, theme_iri(theme)))


def map_area(context: _Context, area: str) -> URIRef:
    node = mint("area", area)
    context.graph.add((node, RDF.type, SG.Area))
    context.graph.add((node, RDFS.label, Literal(area)))
    context.graph.add((node, SG.mentionedIn, context.node))
    return node


def map_organisation(context: _Context, organisation: Organisation) -> URIRef:
    graph, node = context.graph, _organisation_iri(organisation.key)
    graph.add((node, RDF.type, SG[organisation.cls] if organisation.cls != "Organization" else ORG.Organization))
    graph.add((node, RDF.type, ORG.Organization))
    graph.add((node, RDFS.label, Literal(organisation.label)))
    for alt in sorted(organisation.alt_labels):
        graph.add((node, SKOS.altLabel, Literal(alt)))
    if organisation.area:
        graph.add((node, SG.area, map_area(context, organisation.area)))
    if organisation.spans:
        graph.add((node, SG.mentionedIn, context.node))
    if organisation.unit_of:
        graph.add((node, ORG.unitOf, _organisation_iri(organisation.unit_of)))
        graph.add((_organisation_iri(organisation.unit_of), ORG.hasUnit, node))
    return node


def map_membership(context: _Context, membership: Membership) -> URIRef:
    graph = context.graph
    person, role, organisation = mint("person", membership.person), mint("role", membership.role), _organisation_iri(membership.organisation)
    node = mint("membership", membership.person, membership.role, membership.organisation)
    graph.add((person, RDF.type, FOAF.Person))
    graph.add((person, RDFS.label, Literal(membership.person)))
    graph.add((person, FOAF.name, Literal(membership.person)))
    graph.add((person, SG.mentionedIn, context.node))
    graph.add((role, RDF.type, ORG.Role))
    graph.add((role, RDFS.label, Literal(membership.role)))
    graph.add((node, RDF.type, ORG.Membership))
    graph.add((node, RDFS.label, Literal(f"{membership.person}, {membership.role}, {membership.organisation}")))
    graph.add((node, ORG.member, person))
    graph.add((node, ORG.organization, organisation))
    graph.add((node, ORG.role, role))
    graph.add((node, SG.evidence, map_evidence(context, membership.span)))
    return node


def map_assessment(context: _Context, assessment: Assessment) -> URIRef:
    graph, node = context.graph, _assessment_iri(assessment)
    graph.add((node, RDF.type, SG[assessment.cls]))
    graph.add((node, RDF.type, SG.Assessment))
    graph.add((node, RDFS.label, Literal(_assessment_label(assessment))))
    if assessment.name:
        graph.add((node, SKOS.altLabel, Literal(assessment.name)))
    if assessment.area:
        graph.add((node, SG.area, map_area(context, assessment.area)))
    if assessment.date:
        graph.add((node, DCTERMS.date, _date_literal(assessment.date)))
    for key in assessment.conducted_by:
        graph.add((node, SG.conductedBy, _organisation_iri(key)))
    for key in assessment.assesses:
        graph.add((node, SG.assesses, _organisation_iri(key)))
    if assessment.subject_child:
        graph.add((node, SG.subjectChild, map_child(context, assessment)))
    if assessment.previous:
        graph.add((node, SG.previousAssessment, map_assessment(context, assessment.previous)))
    for judgement in assessment.judgements:
        graph.add((node, SG.hasJudgement, map_judgement(context, assessment, judgement)))
    for span in assessment.spans[:1]:
        graph.add((node, SG.evidence, map_evidence(context, span)))
    return node


def map_child(context: _Context, assessment: Assessment) -> URIRef:
    node = mint("child", assessment.area or "england", assessment.subject_child)
    context.graph.add((node, RDF.type, SG.Child))
    context.graph.add((node, RDF.type, FOAF.Person))
    context.graph.add((node, RDFS.label, Literal(assessment.subject_child)))
    context.graph.add((node, FOAF.name, Literal(assessment.subject_child)))
    return node


def map_judgement(context: _Context, assessment: Assessment, judgement: Judgement) -> URIRef:
    graph = context.graph
    node = mint("judgement", *assessment.key, judgement.aspect)
    graph.add((node, RDF.type, SG.Judgement))
    graph.add((node, RDFS.label, Literal(f"{judgement.aspect}: {judgement.grade.replace('-', ' ')}")))
    graph.add((node, SG.aspect, Literal(judgement.aspect)))
    graph.add((node, SG.grade, grade_iri(judgement.grade)))
    graph.add((node, SG.evidence, map_evidence(context, judgement.span)))
    return node


def map_finding(context: _Context, finding: Finding) -> URIRef:
    graph = context.graph
    node = mint("finding", context.document.document_id, finding.span.start)
    graph.add((node, RDF.type, SG[finding.kind]))
    graph.add((node, RDF.type, SG.Finding))
    graph.add((node, RDFS.label, Literal(_short(finding.statement))))
    graph.add((node, SG.statement, Literal(finding.statement)))
    for theme in finding.themes:
        graph.add((node, SG.theme, theme_iri(theme)))
    for key in finding.implicates:
        graph.add((node, SG.implicates, _organisation_iri(key)))
    if finding.assessment:
        graph.add((_assessment_iri(finding.assessment), SG.hasFinding, node))
    graph.add((node, SG.evidence, map_evidence(context, finding.span)))
    return node


def map_recommendation(context: _Context, recommendation: Recommendation) -> URIRef:
    graph = context.graph
    owner = recommendation.assessment
    if recommendation.number is not None and owner is not None:
        node = mint("recommendation", *owner.key, recommendation.number)
        label = f"Recommendation {recommendation.number}: {_assessment_label(owner)}"
    else:
        node = mint("recommendation", context.document.document_id, recommendation.span.start)
        label = _short(recommendation.statement)
    graph.add((node, RDF.type, SG.Recommendation))
    graph.add((node, RDFS.label, Literal(label)))
    graph.add((node, SG.statement, Literal(recommendation.statement)))
    if recommendation.number is not None:
        graph.add((node, SG.number, Literal(recommendation.number, datatype=XSD.integer)))
    for key in recommendation.addressed_to:
        graph.add((node, SG.addressedTo, _organisation_iri(key)))
    for theme in recommendation.themes:
        graph.add((node, SG.theme, theme_iri(theme)))
    if owner is not None:
        graph.add((_assessment_iri(owner), SG.hasRecommendation, node))
    if recommendation.response:
        graph.add((node, SG.hasResponse, map_response(context, recommendation.response)))
    graph.add((node, SG.evidence, map_evidence(context, recommendation.span)))
    return node


def map_response(context: _Context, response: Response) -> URIRef:
    graph = context.graph
    parts = (response.span.start,) if response.answers is None else (response.span.start, "answer", response.answers)
    node = mint("response", context.document.document_id, *parts)
    graph.add((node, RDF.type, SG.Response))
    graph.add((node, RDFS.label, Literal(_short(response.statement))))
    graph.add((node, SG.statement, Literal(response.statement)))
    if response.respondent:
        graph.add((node, SG.respondent, _organisation_iri(response.respondent)))
    if response.date:
        graph.add((node, DCTERMS.date, _date_literal(response.date)))
    graph.add((node, SG.evidence, map_evidence(context, response.span)))
    return node


def map_evidence(context: _Context, span: Span) -> URIRef:
    """The exact characters ``text[start:end]`` of the document behind a claim."""
    graph, document = context.graph, context.document
    node = mint("evidence", document.document_id, span.start, span.end)
    graph.add((node, RDF.type, SG.Evidence))
    graph.add((node, RDFS.label, Literal(f"{document.file_name} [{span.start}:{span.end}]")))
    graph.add((node, SG.quote, Literal(document.text[span.start:span.end])))
    graph.add((node, SG.inDocument, context.node))
    graph.add((node, SG.start, Literal(span.start, datatype=XSD.integer)))
    graph.add((node, SG.end, Literal(span.end, datatype=XSD.integer)))
    page = document.page_at(span.start)
    if page is not None:
        graph.add((node, SG.page, Literal(page, datatype=XSD.integer)))
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
