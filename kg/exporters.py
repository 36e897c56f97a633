"""Export a built graph for other tools: RDF syntaxes, JSON-LD, GraphML for Gephi, the ontology for Protégé.

Implements the linked-data exports of issue 8 over the "Outputs of a build" in
ONTOLOGY.md. Input is a Store as ``kg.graph.open_graph`` opens it: a build (one named
graph per document plus the schemes graph and the statistics graphs, their union as the
default graph) or any RDF file.

Output is deterministic: triples and quads are sorted before they are written, so
the same graph always gives byte-identical files.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)

from .errors import InputError
from .prefixes import PREFIXES, RDF_TYPE, curie
from .resources import ontology_dir

# Data IRIs have a "/" in their local part, which Turtle must escape (id:area\\/x) and
# some parsers still in use read wrongly (Virtuoso 7.2 keeps the backslash), so the
# ``id`` prefix is left out of Turtle and TriG: data IRIs are written in full.
TURTLE_PREFIXES = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "id"}
RDFS_LABEL = NamedNode(PREFIXES["rdfs"] + "label")


@dataclass(frozen=True)
class ExportFormat:
    """One ``kg export --format`` choice: how it is written and whether it keeps named graphs."""

    name: str
    extension: str
    media_type: str
    rdf_format: RdfFormat | None
    quads: bool


FORMATS: dict[str, ExportFormat] = {
    "ttl": ExportFormat("ttl", "ttl", "text/turtle", RdfFormat.TURTLE, quads=False),
    "nt": ExportFormat("nt", "nt", "application/n-triples", RdfFormat.N_TRIPLES, quads=False),
    "nq": ExportFormat("nq", "nq", "application/n-quads", RdfFormat.N_QUADS, quads=True),
    # What bulk loaders read (Oxigraph load, Jena tdb2.xloader, Virtuoso ld_dir, QLever).
    "nq.gz": ExportFormat("nq.gz", "nq.gz", "application/n-quads", RdfFormat.N_QUADS, quads=True),
    "trig": ExportFormat("trig", "trig", "application/trig", RdfFormat.TRIG, quads=True),
    "jsonld": ExportFormat("jsonld", "jsonld", "application/ld+json", RdfFormat.JSON_LD, quads=True),
    "graphml": ExportFormat("graphml", "graphml", "application/graphml+xml", None, quads=False),
}


def sorted_quads(store: Store) -> list[Quad]:
    """Every quad of the store in a fixed order, blank nodes relabelled canonically (RDFC-1.0)."""
    quads = _canonical(list(store))
    return sorted(
        quads,
        key=lambda quad: (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object)),
    )


def _canonical(quads: list[Quad]) -> list[Quad]:
    """Parsers give blank nodes random labels; canonical labels keep exports byte-identical."""
    if not any(
        isinstance(term, BlankNode) for quad in quads for term in (quad.subject, quad.object, quad.graph_name)
    ):
        return quads
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return list(dataset)


def named_quads(store: Store) -> list[Quad]:
    """The quads of the named graphs, in a fixed order. A built store also holds the union as its
    default graph (a derived view, for fast queries); quad exports leave it out so that the
    store and ``graph.trig`` export the same dataset."""
    quads = sorted_quads(store)
    if any(not isinstance(quad.graph_name, DefaultGraph) for quad in quads):
        return [quad for quad in quads if not isinstance(quad.graph_name, DefaultGraph)]
    return quads


def union_triples(store: Store) -> list[Triple]:
    """The distinct triples of all graphs of the store (the union graph), in a fixed order."""
    return sorted({quad.triple for quad in sorted_quads(store)}, key=str)


def serialize_sorted(statements: list[Triple] | list[Quad], rdf_format: RdfFormat) -> bytes:
    """Serialise with the contract's prefixes (but ``id``), the ``@prefix`` lines in alphabetical order.

    pyoxigraph writes prefixes in hash order, which changes from run to run.
    """
    lines = _serialized(statements, rdf_format).split(b"\n")
    header = [line for line in lines if line.startswith(b"@prefix ")]
    body = [line for line in lines if not line.startswith(b"@prefix ")]
    return b"\n".join(sorted(header) + body)


def _serialized(statements: list[Triple] | list[Quad], rdf_format: RdfFormat) -> bytes:
    """pyoxigraph's ``serialize`` with the contract's prefixes (but ``id``), without an output file."""
    return serialize(statements, format=rdf_format, prefixes=TURTLE_PREFIXES) or b""  # None only with a file


def export_graph(store: Store, format_name: str) -> bytes:
    """Serialise the store in the ``kg export`` format called ``format_name`` (a key of FORMATS).

    Triple formats (ttl, nt, graphml) write the union graph; quad formats (nq, nq.gz, trig,
    jsonld) keep each document's named graph (and each statistics graph); nq.gz is the N-Quads
    gzipped, for bulk loaders. Raises InputError for an unknown format.
    """
    if format_name not in FORMATS:
        raise InputError(f"unknown export format {format_name!r}; choose one of: {', '.join(FORMATS)}")
    export_format = FORMATS[format_name]
    if export_format.rdf_format is None:  # graphml, the one format pyoxigraph does not write
        return graphml_bytes(union_triples(store))
    statements = named_quads(store) if export_format.quads else union_triples(store)
    data = serialize_sorted(statements, export_format.rdf_format)
    if format_name == "nq.gz":
        # No file name and a zero time in the gzip header: the same graph gives the same bytes.
        return gzip.compress(data, compresslevel=6, mtime=0)
    return with_context(data) if format_name == "jsonld" else data


def with_context(expanded: bytes) -> bytes:
    """Give expanded JSON-LD an ``@context`` of the contract's prefixes and compact IRIs with it.

    Only whole-namespace prefixes are used (``sg:Finding``, ``id:person/...``), so a
    JSON-LD 1.0 or 1.1 processor expands the result back to exactly the same triples.
    """
    document = json.loads(expanded)
    compacted = _compact(document)
    graph = compacted if isinstance(compacted, list) else [compacted]
    return (
        json.dumps({"@context": PREFIXES, "@graph": graph}, ensure_ascii=False, indent=1).encode("utf-8")
        + b"\n"
    )


def _compact(node):
    if isinstance(node, list):
        return [_compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    compacted = {}
    for key, value in node.items():
        if key in ("@id", "@type"):
            compacted[key] = (
                [compact_iri(v) for v in value] if isinstance(value, list) else compact_iri(value)
            )
        elif key.startswith("@"):
            compacted[key] = _compact(value)
        else:
            compacted[compact_iri(key)] = _compact(value)
    return compacted


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI in one of the contract's namespaces, else the IRI (or blank node) itself."""
    return curie(iri, bare_namespace=True) or iri


def graphml_bytes(triples: list[Triple]) -> bytes:
    """The union graph as GraphML for Gephi: resources are nodes, resource-valued triples are edges.

    Every IRI or blank node that is the subject or a non-literal object of a triple is a
    node, except objects of ``rdf:type`` (classes become the node's ``class`` attribute,
    space-separated compact IRIs). Node attributes: ``label`` (its ``rdfs:label``, else
    its compact IRI), ``class``, ``iri``. Each triple with a non-literal object other
    than ``rdf:type`` is one edge whose ``label`` is the compact predicate. Literal
    values other than the label are left out (Gephi has no use for long quotes).
    """
    graph = nx.MultiDiGraph()
    classes: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for triple in triples:
        subject = _node_id(triple.subject)
        graph.add_node(subject)
        if triple.predicate.value == RDF_TYPE and not isinstance(triple.object, Triple):
            classes.setdefault(subject, []).append(compact_iri(triple.object.value))
        elif triple.predicate == RDFS_LABEL and isinstance(triple.object, Literal):
            labels.setdefault(subject, triple.object.value)
        elif not isinstance(triple.object, Literal):
            predicate = compact_iri(triple.predicate.value)
            graph.add_edge(subject, _node_id(triple.object), key=predicate, label=predicate)
    for node in graph.nodes:
        graph.nodes[node].update(
            iri=node,
            label=labels.get(node, compact_iri(node)),
            **{"class": " ".join(sorted(classes.get(node, [])))},
        )
    return "\n".join(nx.generate_graphml(graph, encoding="utf-8")).encode("utf-8") + b"\n"


def _node_id(term: NamedNode | BlankNode | Triple) -> str:
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return f"<<( {term} )>>"  # an RDF 1.2 triple term (an RDF file may hold one), as N-Triples writes it


def export_ontology(out_dir: Path) -> list[Path]:
    """Write the ontology as ``sgkg.ttl`` (Turtle) and ``sgkg.owl`` (RDF/XML) into ``out_dir`` for Protégé.

    Raises InputError when the shipped ontology is missing or does not parse.
    """
    from .files import write_atomically

    triples = ontology_triples()
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_atomically(out_dir / "sgkg.ttl", serialize_sorted(triples, RdfFormat.TURTLE)),
        write_atomically(out_dir / "sgkg.owl", rdfxml_sorted(triples)),
    ]


def ontology_triples() -> list[Triple]:
    """The triples of the shipped ontology (``ontology/sgkg.ttl``), blank nodes canonical, sorted.

    Raises InputError when it is missing or does not parse.
    """
    source = ontology_dir() / "sgkg.ttl"
    try:
        quads = [Quad(t.subject, t.predicate, t.object) for t in parse(path=source, format=RdfFormat.TURTLE)]
    except (SyntaxError, OSError) as error:
        raise InputError(f"cannot read the ontology {source}: {error}") from error
    return sorted((quad.triple for quad in _canonical(quads)), key=str)


def rdfxml_sorted(triples: list[Triple]) -> bytes:
    """RDF/XML with the contract's prefixes (but ``id``), namespace declarations in alphabetical order."""
    data = _serialized(triples, RdfFormat.RDF_XML)
    root = re.search(rb"<rdf:RDF( [^>]*)>", data)
    assert root is not None  # pyoxigraph always writes the root with its namespaces, even for no triples
    declarations = sorted(re.findall(rb' xmlns:[\w.-]+="[^"]*"', root.group(1)))
    return data[: root.start(1)] + b"".join(declarations) + data[root.end(1) :]
