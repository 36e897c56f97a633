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

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.util import guess_format

from .errors import GraphNotFound, InputError, KgError
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


def validate(graph_path: Path, options: ValidateOptions = ValidateOptions()) -> ValidationReport:
    """Check the ontology with HermiT (unless ``options.reasoner`` is False) and the graph
    at ``graph_path`` (TriG, N-Quads or Turtle; the union of its named graphs) against the
    SHACL shapes.

    The ontology's class hierarchy and its theme and grade schemes are mixed into the data
    before SHACL runs, so ``sh:class org:Organization`` accepts an ``sg:LocalAuthority``
    and a graph need not carry the schemes itself.
    Raises GraphNotFound when ``graph_path`` does not exist, InputError when it is not
    readable RDF, and KgError when HermiT cannot run (no Java).
    """
    ontology_path = options.ontology or ontology_dir() / "sgkg.ttl"
    shapes_path = options.shapes or ontology_dir() / "shapes.ttl"
    dataset = _load_dataset(graph_path)
    ontology = Graph().parse(ontology_path, format="turtle")
    union = _union(dataset)
    triples = len(union)
    shapes = Graph().parse(shapes_path, format="turtle")
    results = _run_shacl(union + _contract_context(ontology), shapes)
    violations = _violations(results, shapes, dataset, union)
    checked = _check_ontology(ontology) if options.reasoner else None
    return ValidationReport(graph_path, triples, violations, checked)


def _load_dataset(path: Path) -> Dataset:
    if not path.is_file():
        raise GraphNotFound(f"no graph at {path}: run `kg build` first, or pass the path of a .trig or .ttl file")
    dataset = Dataset()
    try:
        dataset.parse(path, format=guess_format(str(path)) or "turtle")
    except (SyntaxError, ValueError) as error:
        raise InputError(f"{path} is not RDF that can be read as TriG or Turtle: {error}") from None
    return dataset


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        union.add((subject, predicate, obj))
    return union


def _contract_context(ontology: Graph) -> Graph:
    """The ontology's named-class hierarchy and its theme and grade schemes."""
    context = Graph()
    for subclass, superclass in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(subclass, URIRef) and isinstance(superclass, URIRef):
            context.add((subclass, RDFS.subClassOf, superclass))
    for subject in set(ontology.subjects()):
        if str(subject).startswith((str(THEME), str(GRADE))):
            for triple in ontology.triples((subject, None, None)):
                context.add(triple)
    return context


def _run_shacl(data: Graph, shapes: Graph) -> Graph:
    from pyshacl import validate as shacl_validate

    _, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none", inplace=True, abort_on_first=False)
    return results


def _violations(results: Graph, shapes: Graph, dataset: Dataset, union: Graph) -> tuple[Violation, ...]:
    finder = _DocumentFinder(dataset, union)
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

    def __init__(self, dataset: Dataset, union: Graph) -> None:
        self._union = union
        self._graphs_of: dict = {}
        for graph in dataset.graphs():
            if graph.identifier == dataset.default_graph.identifier:
                continue
            name = self._graph_name(graph)
            for subject in set(graph.subjects()):
                self._graphs_of.setdefault(subject, set()).add(name)

    def documents(self, node) -> tuple[str, ...]:
        names = set(self._graphs_of.get(node, ()))
        sources = {node}
        for evidence in (node, *self._union.objects(node, SG.evidence)):
            sources.update(self._union.objects(evidence, SG.inDocument))
        for source in sources:
            if (source, RDF.type, SG.SourceDocument) in self._union:
                names.add(str(self._union.value(source, SG.fileName) or source))
        return tuple(sorted(names))

    @staticmethod
    def _graph_name(graph: Graph) -> str:
        for document in graph.subjects(RDF.type, SG.SourceDocument):
            file_name = graph.value(document, SG.fileName)
            if file_name is not None:
                return str(file_name)
        return str(graph.identifier).removeprefix(str(GRAPH))


def _check_ontology(ontology: Graph) -> OntologyCheck:
    """Load the ontology into owlready2 and let HermiT classify it."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise KgError("HermiT needs Java: install a Java runtime (apt-get install default-jre-headless) or pass --no-reasoner")
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
