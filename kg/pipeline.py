"""build(): documents in, graph files out. Reads like a table of contents, one line per stage.

Stages: discover files -> read each (``kg.ingest``) -> map each to its named graph
(``kg.mapping.map_document``) -> assemble the dataset with the schemes -> write
Turtle, TriG and the interactive HTML (``kg.export``, ``kg.render``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from .errors import InputError, NothingBuilt
from .export import write_outputs
from .ingest import SourceDocument, discover, read_document
from .mapping import DocumentGraph, map_document, scheme_graph


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path = Path("out")
    html: bool = True


@dataclass
class BuildReport:
    """What a build did: counts for the summary, failures and warnings, files written."""

    documents: int = 0
    triples: int = 0
    classes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def build(inputs: list[Path], options: BuildOptions = BuildOptions()) -> BuildReport:
    """Build the graph of every document under ``inputs`` into ``options.out_dir``.

    Raises InputError for a missing input path and NothingBuilt when no document
    could be read. Unreadable documents are listed in ``BuildReport.failures``.
    """
    report = BuildReport()
    documents = _read_all(discover(inputs), report)
    if not documents:
        raise NothingBuilt("no document could be read: " + ("; ".join(report.failures) or "no files found"))
    document_graphs = [map_document(document) for document in documents]
    dataset = assemble(document_graphs)
    report.written = write_outputs(dataset, options.out_dir, html=options.html)
    _summarise(dataset, document_graphs, report)
    return report


def _read_all(paths: list[Path], report: BuildReport) -> list[SourceDocument]:
    documents: list[SourceDocument] = []
    seen_ids: Counter = Counter()
    for path in paths:
        try:
            document = read_document(path)
        except InputError as error:
            report.failures.append(str(error))
            continue
        seen_ids[document.document_id] += 1
        if seen_ids[document.document_id] > 1:
            report.failures.append(f"{path}: same document id as another file ({document.document_id}); skipped")
            continue
        documents.append(document)
    return documents


def assemble(document_graphs: list[DocumentGraph]) -> Dataset:
    """One dataset: each document's triples in its named graph, plus the schemes graph."""
    dataset = Dataset()
    schemes = scheme_graph()
    _add_graph(dataset, schemes.identifier, schemes)
    for document_graph in document_graphs:
        _add_graph(dataset, document_graph.graph.identifier, document_graph.graph)
    return dataset


def _add_graph(dataset: Dataset, identifier, graph: Graph) -> None:
    target = dataset.graph(identifier)
    for triple in graph:
        target.add(triple)


def _summarise(dataset: Dataset, document_graphs: list[DocumentGraph], report: BuildReport) -> None:
    report.documents = len(document_graphs)
    union = set(dataset.triples((None, None, None)))
    report.triples = len(union)
    typed = {(s, o) for s, p, o in union if p == RDF.type}
    report.classes = Counter(o for _, o in typed)
    for document_graph in document_graphs:
        report.warnings.extend(document_graph.warnings)
