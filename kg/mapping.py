"""Claims -> triples. Each ``map_*`` function produces the ontology term it is named after.

Implements the "Classes" and "Properties" sections of ONTOLOGY.md for one document:
``map_document`` turns a SourceDocument into its named graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from .ingest import SourceDocument
from .resources import ontology_dir
from .vocab import GRADE, SCHEMES_GRAPH, SG, THEME, graph_iri, mint


@dataclass
class DocumentGraph:
    """One document's named graph and the warnings its mapping raised."""

    document_id: str
    graph: Graph
    warnings: list[str] = field(default_factory=list)


def map_document(document: SourceDocument) -> DocumentGraph:
    graph = Graph(identifier=graph_iri(document.document_id))
    map_source_document(graph, document)
    return DocumentGraph(document.document_id, graph)


def map_source_document(graph: Graph, document: SourceDocument) -> None:
    node = mint("document", document.document_id)
    graph.add((node, RDF.type, SG.SourceDocument))
    graph.add((node, RDFS.label, Literal(document.title or document.file_name)))
    graph.add((node, SG.fileName, Literal(document.file_name)))


@cache
def _ontology_graph() -> Graph:
    return Graph().parse(ontology_dir() / "sgkg.ttl", format="turtle")


def scheme_graph() -> Graph:
    """The theme and grade SKOS schemes, copied from the ontology into their own graph."""
    ontology = _ontology_graph()
    schemes = Graph(identifier=SCHEMES_GRAPH)
    for subject in set(ontology.subjects()):
        if str(subject).startswith((str(THEME), str(GRADE))):
            for triple in ontology.triples((subject, None, None)):
                schemes.add(triple)
    return schemes
