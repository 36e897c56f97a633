"""Validation benchmark: how long `kg validate` takes as the graph grows.

Writes a synthetic TriG graph that keeps the contract (per document: a source document,
100 failings, each with a theme and one evidence span; one span in fifty ends where it
starts, so the report is not empty), then times ``kg.validate.validate`` without the
reasoner, and what the reasoner adds on a small graph. Prints figures; asserts nothing.

    python benchmarks/validate_scale.py --findings 1000 10000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Literal
from rdflib.namespace import RDF, RDFS

from kg.validate import ValidateOptions, validate
from kg.vocab import SG, THEME, graph_iri, mint

FINDINGS_PER_DOCUMENT = 100


def write_graph(findings: int, path: Path) -> None:
    dataset = Dataset()
    for number in range(max(1, findings // FINDINGS_PER_DOCUMENT)):
        graph = dataset.graph(graph_iri(f"doc-{number}"))
        document = mint("document", f"doc-{number}")
        graph.add((document, RDF.type, SG.SourceDocument))
        graph.add((document, RDFS.label, Literal(f"Document {number}")))
        graph.add((document, SG.fileName, Literal(f"doc-{number}.txt")))
        for index in range(FINDINGS_PER_DOCUMENT):
            finding, evidence = mint("finding", number, index), mint("evidence", number, index)
            graph.add((finding, RDF.type, SG.Failing))
            graph.add((finding, RDFS.label, Literal(f"Finding {number}.{index}")))
            graph.add((finding, SG.statement, Literal("Plans were not reviewed.")))
            graph.add((finding, SG.theme, THEME["planning-and-drift"]))
            graph.add((finding, SG.evidence, evidence))
            start = index * 30
            graph.add((evidence, RDF.type, SG.Evidence))
            graph.add((evidence, RDFS.label, Literal(f"doc-{number}.txt {start}")))
            graph.add((evidence, SG.quote, Literal("Plans were not reviewed.")))
            graph.add((evidence, SG.inDocument, document))
            graph.add((evidence, SG.start, Literal(start)))
            graph.add((evidence, SG.end, Literal(start + (24 if index % 50 else 0))))
    dataset.serialize(path, format="trig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for findings in args.findings:
            path = Path(folder) / f"graph-{findings}.trig"
            write_graph(findings, path)
            started = time.perf_counter()
            report = validate(path, ValidateOptions(reasoner=False))
            seconds = time.perf_counter() - started
            print(
                f"{findings:>7} findings  {report.triples:>8} triples  {len(report.violations):>5} violations  "
                f"{seconds:6.1f} s  {report.triples / seconds:8.0f} triples/s"
            )
        small = Path(folder) / "graph-small.trig"
        write_graph(FINDINGS_PER_DOCUMENT, small)
        timings = {}
        for reasoner in (False, True):
            started = time.perf_counter()
            validate(small, ValidateOptions(reasoner=reasoner))
            timings[reasoner] = time.perf_counter() - started
        print(f"HermiT on the ontology (Java start-up included) adds {timings[True] - timings[False]:.1f} s")


if __name__ == "__main__":
    main()
