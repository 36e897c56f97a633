"""Validation: the ontology checked by HermiT, a built graph checked against the SHACL shapes.

Implements the rules of ONTOLOGY.md that ``ontology/shapes.ttl`` states (one label per
node, evidence for every claim, well-formed evidence spans, grades and themes from their
schemes, complete memberships, named people) and the consistency of ``ontology/sgkg.ttl``.
``validate`` is the one public function; it returns a ValidationReport and never prints.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import IdentifiedNode, Node

from .errors import KgError
from .graph import graph_source, open_graph
from .resources import ontology_dir
from .vocab import GRADE, GRAPH, ONTOLOGY_IRI, SG, THEME


@dataclass(frozen=True)
class ValidateOptions:
    """``reasoner``: run HermiT on the ontology (needs Java). ``ontology`` and ``shapes``
    replace the shipped ``sgkg.ttl`` and ``shapes.ttl`` (None: use the shipped files)."""

    reasoner: bool = True
    ontology: Path | None = None
    shapes: Path | None = None


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, on which node, from which document(s)."""

    rule: str
    message: str
    node: str
    label: str | None
    documents: tuple[str, ...]
    path: str | None
    value: str | None


@dataclass(frozen=True)
class OntologyCheck:
    """What HermiT concluded about the ontology."""

    consistent: bool
    unsatisfiable: tuple[str, ...]


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of ``validate``; ``ontology`` is None when the reasoner was skipped."""

    graph_path: Path
    triples: int
    violations: tuple[Violation, ...]
    ontology: OntologyCheck | None

    @property
    def passed(self) -> bool:
        ontology_ok = self.ontology is None or (self.ontology.consistent and not self.ontology.unsatisfiable)
        return ontology_ok and not self.violations

    def rule_counts(self) -> Counter:
        return Counter(violation.rule for violation in self.violations)


def validate(
    graph_path: Path | None = None, options: ValidateOptions = ValidateOptions()
) -> ValidationReport:
    """Check the ontology with HermiT (unless ``options.reasoner`` is False) and the graph
    at ``graph_path`` (what ``kg.graph.open_graph`` opens: a build folder, its store or an RDF
    file; None: the build in ``out/``), the union of its named graphs, against the SHACL shapes.

    The ontology's class hierarchy and its theme and grade schemes are mixed into the data
    before SHACL runs, so ``sh:class org:Organization`` accepts an ``sg:LocalAuthority``
    and a graph need not carry the schemes itself.
    Raises GraphNotFound when there is no graph at ``graph_path``, InputError when it is not
    readable RDF, and KgError when HermiT cannot run (no Java).
    """
    ontology_path = options.ontology or ontology_dir() / "sgkg.ttl"
    shapes_path = options.shapes or ontology_dir() / "shapes.ttl"
    source = graph_source(graph_path)
    union, graphs_of = _load(open_graph(source))
    triples = len(union)
    ontology = Graph().parse(ontology_path, format="turtle")
    shapes = Graph().parse(shapes_path, format="turtle")
    _add_contract_context(union, ontology)
    results = _run_shacl(union, shapes)
    violations = _violations(results, shapes, _DocumentFinder(union, graphs_of))
    checked = _check_ontology(ontology) if options.reasoner else None
    return ValidationReport(source, triples, violations, checked)


def _load(store: pyoxigraph.Store) -> tuple[Graph, dict[Node, set[Node]]]:
    """The union of the store's graphs (its default graph), and for each subject the named graphs
    that state it."""
    terms: dict = {}  # each distinct pyoxigraph term converted once

    def term(value) -> Node:
        if value not in terms:
            terms[value] = _to_rdflib(value)
        return terms[value]

    triples = []
    graphs_of: dict[Node, set[Node]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
            triples.append((term(quad.subject), term(quad.predicate), term(quad.object)))
        else:
            graphs_of.setdefault(term(quad.subject), set()).add(term(quad.graph_name))
    union = Graph()
    union.addN((subject, predicate, obj, union) for subject, predicate, obj in triples)
    return union, graphs_of


def _to_rdflib(term) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    # A plain literal stays plain, as rdflib's own parsers leave it.
    datatype = None if term.datatype.value == str(XSD.string) else URIRef(term.datatype.value)
    return Literal(term.value, datatype=datatype)


def _add_contract_context(data: Graph, ontology: Graph) -> None:
    """Add the ontology's named-class hierarchy and its theme and grade schemes to ``data``."""
    for subclass, superclass in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(subclass, URIRef) and isinstance(superclass, URIRef):
            data.add((subclass, RDFS.subClassOf, superclass))
    for subject in set(ontology.subjects()):
        if str(subject).startswith((str(THEME), str(GRADE))):
            for triple in ontology.triples((subject, None, None)):
                data.add(triple)


def _run_shacl(data: Graph, shapes: Graph) -> Graph:
    from pyshacl import validate as shacl_validate

    _, results, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", inplace=True, abort_on_first=False
    )
    return results


def _violations(results: Graph, shapes: Graph, finder: _DocumentFinder) -> tuple[Violation, ...]:
    union = finder.union
    found = []
    # Only the report's own results: pySHACL also lists the nested results of sh:node as sh:detail.
    for result in results.objects(None, SH.result):
        node = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        label = union.value(node, RDFS.label)
        found.append(
            Violation(
                rule=str(shapes.value(shape, SH.name) or shape),
                message=str(results.value(result, SH.resultMessage) or ""),
                node=str(node),
                label=None if label is None else str(label),
                documents=finder.documents(node),
                path=None if path is None else str(path),
                value=None if value is None else str(value),
            )
        )
    return tuple(sorted(set(found), key=lambda v: (v.rule, v.node, v.path or "", v.value or "", v.documents)))


class _DocumentFinder:
    """Which source documents a node comes from: the named graphs it is a subject of, the
    documents of its evidence, or the node itself when it is evidence or a document."""

    def __init__(self, union: Graph, graphs_of: dict[Node, set[Node]]) -> None:
        self.union = union
        self._graphs_of = graphs_of
        self._names: dict[Node, str] = {}

    def documents(self, node) -> tuple[str, ...]:
        names = {self._graph_name(graph) for graph in self._graphs_of.get(node, ())}
        sources = {node}
        for evidence in (node, *self.union.objects(node, SG.evidence)):
            sources.update(self.union.objects(evidence, SG.inDocument))
        for source in sources:
            if (source, RDF.type, SG.SourceDocument) in self.union:
                names.add(self._document_name(source))
        return tuple(sorted(names))

    def _document_name(self, document: Node) -> str:
        return str(self.union.value(document, SG.fileName) or document)

    def _graph_name(self, graph: Node) -> str:
        """A named graph's name: the file name of the document it holds, else its id."""
        if graph not in self._names:
            documents = sorted(  # of IRIs and blank nodes, the subjects rdflib can order
                document
                for document in self.union.subjects(RDF.type, SG.SourceDocument)
                if isinstance(document, IdentifiedNode) and graph in self._graphs_of.get(document, ())
            )
            self._names[graph] = (
                self._document_name(documents[0]) if documents else str(graph).removeprefix(str(GRAPH))
            )
        return self._names[graph]


def _check_ontology(ontology: Graph) -> OntologyCheck:
    """Load the ontology into owlready2 and let HermiT classify it."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise KgError(
            "HermiT needs Java: install a Java runtime (apt-get install default-jre-headless) or pass --no-reasoner"
        )
    world = owlready2.World()
    triples = io.BytesIO(ontology.serialize(format="nt", encoding="utf-8"))
    world.get_ontology(str(ONTOLOGY_IRI)).load(fileobj=triples, format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return OntologyCheck(consistent=False, unsatisfiable=())
    except owlready2.OwlReadyJavaError as error:
        raise KgError(f"HermiT could not check the ontology: {error}") from None
    unsatisfiable = sorted(cls.iri for cls in world.inconsistent_classes() if cls is not owlready2.Nothing)
    return OntologyCheck(consistent=True, unsatisfiable=tuple(unsatisfiable))
