"""``kg.build.outputs.splice_union_turtle``: patching graph.ttl gives the bytes a full write gives.

Subjects are drawn from names chosen to be awkward for the block order and the prefixed
names: one IRI a prefix of another (``a`` and ``a-b``), characters pyoxigraph escapes in
a local name, IRIs outside the contract's namespaces, and a namespace IRI itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build.outputs import GraphFiles, UnionSummary, splice_union_turtle, write_union_turtle

SUBJECTS = [
    "https://w3id.org/sgkg/id/area/a",
    "https://w3id.org/sgkg/id/area/a-b",
    "https://w3id.org/sgkg/id/area/a/b",
    "https://w3id.org/sgkg/id/organisation/x.y",
    "https://w3id.org/sgkg/id/person/o~neill",
    "https://w3id.org/sgkg/grade/",
    "https://w3id.org/sgkg/theme/neglect",
    "http://example.org/other#thing",
    "http://example.org/other",
]
PREDICATES = [
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://w3id.org/sgkg/ontology#mentionedIn",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
]
OBJECTS = [
    ox.Literal("one"),
    ox.Literal('two "quoted"\nlines'),
    ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.NamedNode("https://w3id.org/sgkg/ontology#Area"),
    ox.NamedNode("http://example.org/other"),
]
TRIPLES = st.frozensets(
    st.builds(
        lambda s, p, o: ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o),
        st.sampled_from(SUBJECTS),
        st.sampled_from(PREDICATES),
        st.sampled_from(OBJECTS),
    ),
    max_size=25,
)


def union_turtle(triples: frozenset[ox.Triple], folder: Path, name: str) -> Path:
    """graph.ttl as a full build writes it for a graph holding ``triples``."""
    graph = "https://w3id.org/sgkg/graph/test"
    quads = folder / f"{name}.nq"
    lines = sorted(
        set(ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES).splitlines(True))
    )
    quads.write_bytes(b"".join(line[:-3] + f" <{graph}> .\n".encode() for line in lines))
    return write_union_turtle(
        folder / f"{name}.ttl",
        [GraphFiles(graph, quads, folder / "unused.trig")],
        folder / f"{name}.nt",
        UnionSummary(),
    )


@settings(max_examples=60, deadline=None)
@given(TRIPLES, TRIPLES)
def test_splicing_the_changed_subjects_gives_the_full_write(before, after):
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        old, expected = union_turtle(before, folder, "old"), union_turtle(after, folder, "new")
        changed = {triple.subject.value for triple in before ^ after}
        subjects = {
            subject: [triple for triple in after if triple.subject.value == subject] for subject in changed
        }
        spliced = splice_union_turtle(old, folder / "spliced.ttl", subjects)
        assert spliced.read_bytes() == expected.read_bytes()


def test_a_subject_left_unchanged_keeps_its_bytes_even_when_listed(tmp_path):
    triples = frozenset(
        ox.Triple(ox.NamedNode(subject), ox.NamedNode(PREDICATES[0]), OBJECTS[1]) for subject in SUBJECTS
    )
    old = union_turtle(triples, tmp_path, "old")
    every = {
        subject: [triple for triple in triples if triple.subject.value == subject] for subject in SUBJECTS
    }
    assert splice_union_turtle(old, tmp_path / "same.ttl", every).read_bytes() == old.read_bytes()
