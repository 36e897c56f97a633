"""Golden cases: a short document in, its named graph out, compared byte for byte.

Each folder under tests/golden/ holds ``input.txt`` (our own writing) and
``expected.ttl``. Set SGKG_UPDATE_GOLDEN=1 to rewrite the expected files after an
intended change, then read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from kg.ingest import read_document
from kg.mapping import map_document
from kg.prefixes import PREFIXES

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.txt").exists())


def test_number_of_cases():
    assert len(CASES) == 3, CASES


def _turtle(case: str) -> str:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in map_document(read_document(GOLDEN / case / "input.txt")).triples:
        graph.add(triple)
    return graph.serialize(format="turtle")


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    actual = _turtle(case)
    expected_path = GOLDEN / case / "expected.ttl"
    if os.environ.get("SGKG_UPDATE_GOLDEN"):
        expected_path.write_text(actual, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    if actual != expected:
        _, missing, extra = graph_diff(
            to_isomorphic(Graph().parse(data=expected, format="turtle")),
            to_isomorphic(Graph().parse(data=actual, format="turtle")),
        )
        lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(missing)]
        lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(extra)]
        pytest.fail(
            f"{case}: output differs from expected.ttl\n"
            + "\n".join(lines[:80] or ["(same triples, different bytes)"])
        )
