"""kg push against a real Oxigraph server, and the nq.gz export that bulk loaders read.

The ``oxigraph`` server binary comes with PyPI's ``oxigraph`` package (in the test extras). A
throwaway server is started on a free loopback port with its database in a temporary folder,
filled with ``kg push`` from a build of the seeds with official statistics added, and asked
for its whole dataset, which must be every quad of the build's named graphs plus the
ontology graph, each once, even after a second push.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from linked_data import free_port, missing, stop
from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, NamedNode, Quad, RdfFormat, parse
from typer.testing import CliRunner

from kg.cli import app
from kg.exporters import named_quads, ontology_triples
from kg.graph import open_graph
from kg.push import ONTOLOGY_GRAPH
from kg.query import load_query, run_query

pytestmark = pytest.mark.server

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
STATS = Path(__file__).resolve().parent / "fixtures" / "stats" / "children-in-need.csv"
runner = CliRunner()


def _oxigraph_binary() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = shutil.which("oxigraph") or (str(beside_python) if beside_python.exists() else None)
    if found is None:
        missing("`oxigraph` not found: pip install oxigraph (it is in sgkg's test extras)")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("oxigraph-build") / "out"
    assert (
        runner.invoke(app, ["build", str(SEEDS), "--out", str(out), "--no-compact", "--no-html"]).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["stats", str(STATS), "--name", "cin", "--out", str(out), "--no-compact"]
        ).exit_code
        == 0
    )
    return out


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """The base URL of an Oxigraph server started for this module, stopped at its end."""
    binary = _oxigraph_binary()
    port = free_port()
    folder = tmp_path_factory.mktemp("oxigraph-db")
    log = (folder.parent / "oxigraph.log").open("wb")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        stop(process, 10)
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    pytest.fail("oxigraph serve did not answer within 30 s")


def _server_dataset(base: str) -> list[Quad]:
    request = urllib.request.Request(base + "/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(parse(response.read(), format=RdfFormat.N_QUADS))


def _canonical(quads) -> set[Quad]:
    """Quads with blank nodes relabelled canonically (the ontology's OWL lists), as a set."""
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_kg_push_fills_oxigraph_with_every_quad_of_the_build(built, oxigraph):
    """Pushed from the build's store (kg push's default), whose default graph, the union of the
    named graphs, stays behind: that push used to stop with "has triples outside named graphs"."""
    expected = named_quads(open_graph(built / "store"))
    expected += [
        Quad(triple.subject, triple.predicate, triple.object, ONTOLOGY_GRAPH) for triple in ontology_triples()
    ]
    graphs = {quad.graph_name.value for quad in expected}
    assert "https://w3id.org/sgkg/graph/stats/cin" in graphs and len(graphs) == 8

    for attempt in range(2):  # a second push replaces each graph, adding nothing
        result = runner.invoke(
            app, ["push", "--endpoint", oxigraph + "/store", "--graph", str(built / "store")]
        )
        assert result.exit_code == 0, result.output
        assert f"Pushed {len(graphs)} graph(s)" in result.output
        arrived = _server_dataset(oxigraph)
        assert len(arrived) == len(expected), f"push {attempt + 1}"
        assert _canonical(arrived) == _canonical(expected)


def test_the_joining_query_answers_on_oxigraph_as_on_the_store(built, oxigraph):
    """The library's grades-beside-statistics, sent as it is (parameters unbound), gives the
    pushed Oxigraph (its graphs' union as default graph) the answer the build's store gives."""
    runner.invoke(app, ["push", "--endpoint", oxigraph + "/store", "--graph", str(built / "store")])
    text = load_query("grades-beside-statistics").text
    request = urllib.request.Request(
        oxigraph + "/query?union-default-graph",
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        remote = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    local = list(
        csv.DictReader(
            io.StringIO(
                run_query(open_graph(built), load_query("grades-beside-statistics"), {}).serialize("csv")
            )
        )
    )
    columns = ("areaLabel", "gssCode", "aspect", "gradeLabel", "measureLabel", "period", "value")
    assert [tuple(row[column] for column in columns) for row in remote] == [
        tuple(row[column] for column in columns) for row in local
    ]
    assert (
        "Herefordshire",
        "E06000019",
        "overall effectiveness",
        "Inadequate",
        "number_of_children",
        "2022",
        "1410",
    ) in {tuple(row[column] for column in columns) for row in remote}


def test_nq_gz_export_is_sorted_deterministic_and_loads_into_oxigraph(built, tmp_path):
    first, second = tmp_path / "a.nq.gz", tmp_path / "b.nq.gz"
    for path in (first, second):
        result = runner.invoke(
            app, ["export", "--format", "nq.gz", "--graph", str(built / "store"), "--out", str(path)]
        )
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    lines = gzip.decompress(first.read_bytes()).splitlines()
    quads = list(parse(gzip.decompress(first.read_bytes()), format=RdfFormat.N_QUADS))
    assert len(lines) == len(quads) == len(named_quads(open_graph(built / "store")))
    keys = [
        (quad.graph_name.value, str(quad.subject), str(quad.predicate), str(quad.object)) for quad in quads
    ]
    assert keys == sorted(keys)
    assert all(isinstance(quad.graph_name, NamedNode) for quad in quads)

    database = tmp_path / "loaded"
    subprocess.run(
        [_oxigraph_binary(), "load", "--location", str(database), "--file", str(first)],
        check=True,
        capture_output=True,
    )
    dumped = subprocess.run(
        [_oxigraph_binary(), "dump", "--location", str(database), "--format", "nq"],
        check=True,
        capture_output=True,
    )
    assert _canonical(parse(dumped.stdout, format=RdfFormat.N_QUADS)) == _canonical(quads)


@pytest.mark.parametrize("spec", [None, "out", "out/store", "out/graph.trig"])
def test_kg_push_sends_the_same_graphs_through_each_name_of_the_build(built, oxigraph, monkeypatch, spec):
    """``kg push`` with no --graph pushes the build in out/; a build folder, its store and its TriG
    push the same named graphs (the union default graph stays behind)."""
    monkeypatch.chdir(built.parent)
    expected = named_quads(open_graph(built))
    expected += [
        Quad(triple.subject, triple.predicate, triple.object, ONTOLOGY_GRAPH) for triple in ontology_triples()
    ]
    result = runner.invoke(
        app, ["push", "--endpoint", oxigraph + "/store"] + ([] if spec is None else ["--graph", spec])
    )
    assert result.exit_code == 0, result.output
    assert _canonical(_server_dataset(oxigraph)) == _canonical(expected)


def test_kg_push_of_a_turtle_file_fills_the_default_graph(built, oxigraph, monkeypatch):
    """A graph with no named graphs (the build's graph.ttl) goes whole to the endpoint's default graph."""
    monkeypatch.chdir(built.parent)
    try:
        result = runner.invoke(app, ["push", "--endpoint", oxigraph + "/store", "--graph", "out/graph.ttl"])
        assert result.exit_code == 0, result.output
        assert "pushed the default graph:" in result.output
        arrived = [quad for quad in _server_dataset(oxigraph) if quad.graph_name == DefaultGraph()]
        union = open_graph(built / "graph.ttl")
        assert len(arrived) == len(union) > 2000
        assert {quad.triple for quad in arrived} == {quad.triple for quad in union}
    finally:
        request = urllib.request.Request(oxigraph + "/store?default", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()
