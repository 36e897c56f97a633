"""The mapper on real input: evidence, identity, named graphs, determinism (issue 3).

The seed documents are real; the dev and holdout documents under tests/corpus/ are
our own writing in the style of real ones. Facts checked here are structural; the
per-fact gold checks are in test_gold_seeds.py and the quality bar in test_quality.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from kg.ingest import read_document
from kg.mapping import map_document
from kg.vocab import GRAPH, ID, SG

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "corpus").glob("*/*.txt"))


@pytest.fixture(scope="module", params=CORPUS, ids=lambda p: p.name)
def mapped(request):
    document = read_document(request.param)
    return document, map_document(document).graph()


def test_corpus_is_all_there():
    assert len(CORPUS) == 19, [p.name for p in CORPUS]


def test_every_evidence_quote_is_the_exact_source_span(mapped):
    document, graph = mapped
    evidence = list(graph.subjects(RDF.type, SG.Evidence))
    assert evidence, f"{document.file_name}: no evidence at all"
    for node in evidence:
        start, end = int(graph.value(node, SG.start)), int(graph.value(node, SG.end))
        assert 0 <= start < end <= len(document.text)
        assert str(graph.value(node, SG.quote)) == document.text[start:end], node


def test_every_claim_has_evidence(mapped):
    _, graph = mapped
    for cls in (SG.Finding, SG.Recommendation, SG.Response, SG.Judgement, ORG.Membership):
        for node in graph.subjects(RDF.type, cls):
            assert graph.value(node, SG.evidence) is not None, node


def test_every_node_has_exactly_one_label(mapped):
    _, graph = mapped
    for node in set(graph.subjects(RDF.type, None)):
        assert len(list(graph.objects(node, RDFS.label))) == 1, node


def test_mapping_is_deterministic(mapped):
    document, graph = mapped
    again = map_document(read_document(document.path)).graph()
    assert sorted(graph) == sorted(again)


def _organisation(graph: Graph, label: str) -> URIRef:
    nodes = list(graph.subjects(RDFS.label, Literal(label)))
    assert len(nodes) == 1, f"{label}: {nodes}"
    return nodes[0]


def test_acronyms_are_resolved_within_their_document(seed_graph):
    """HSCP is Herefordshire's partnership in one seed and Hertfordshire's in another: two nodes."""
    hereford = _organisation(seed_graph, "Herefordshire Safeguarding Children Partnership")
    hertford = _organisation(seed_graph, "Hertfordshire Safeguarding Children Partnership")
    assert hereford != hertford
    for node in (hereford, hertford):
        assert (node, SKOS.altLabel, Literal("HSCP")) in seed_graph
        assert (node, RDF.type, SG.SafeguardingPartnership) in seed_graph


def test_one_node_for_one_partnership_across_documents(seed_graph):
    hereford = _organisation(seed_graph, "Herefordshire Safeguarding Children Partnership")
    documents = {str(seed_graph.value(d, SG.fileName)) for d in seed_graph.objects(hereford, SG.mentionedIn)}
    assert {"000_c6acae932d576f81.txt", "001_685eccd4b9b00c2c.txt"} <= documents


def test_each_document_has_its_own_named_graph(seed_dataset):
    names = {str(g.identifier) for g in seed_dataset.graphs() if len(g)}
    expected = {str(GRAPH[read_document(p).document_id]) for p in sorted((ROOT / "seeds").glob("*.txt"))}
    assert expected | {str(GRAPH["schemes"])} <= names


def test_department_is_tied_to_its_council(seed_graph):
    """ "Hampshire County Council's Children's Services" is a unit of the council, not a stray node."""
    department = _organisation(seed_graph, "Hampshire Children's Services")
    assert (department, ORG.unitOf, _organisation(seed_graph, "Hampshire County Council")) in seed_graph


def test_graded_judgements_and_previous_inspection(seed_graph):
    grades = {
        (str(seed_graph.value(j, SG.aspect)), str(seed_graph.value(j, SG.grade)).rsplit("/", 1)[-1])
        for j in seed_graph.subjects(RDF.type, SG.Judgement)
    }
    assert ("the experiences and progress of children in care and care leavers", "inadequate") in grades
    previous = list(seed_graph.subject_objects(SG.previousAssessment))
    assert any(str(seed_graph.value(p, DCTERMS.date)) == "2018-06" for _, p in previous)


def test_iris_stay_inside_the_sgkg_namespaces(seed_graph):
    for node in set(seed_graph.subjects()):
        assert str(node).startswith("https://w3id.org/sgkg/"), node
    assert any(str(n).startswith(str(ID)) for n in seed_graph.subjects())
