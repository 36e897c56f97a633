"""kg export: every format parses back in independent parsers (Raptor, Jena, networkx, rdflib).

Runs on the hand-made fixture (tests/fixtures/linked-data/small.trig) and on the seed
build, whatever the seed graph holds at the time: the counts must agree with the
source graph, not with numbers written here.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from linked_data import FIXTURE, jena_riot, require_program
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from kg.cli import app
from kg.exporters import FORMATS, export_graph, export_ontology, named_quads, union_triples
from kg.graph import open_graph
from kg.prefixes import PREFIXES
from kg.resources import ontology_dir


@pytest.fixture(scope="module", params=["fixture", "seed"])
def source(request) -> Path:
    """The TriG to export: the hand-made fixture, then the seed build's graph.trig."""
    if request.param == "fixture":
        return FIXTURE
    out_dir, _ = request.getfixturevalue("seed_build")
    return out_dir / "graph.trig"


@pytest.fixture(scope="module")
def exported(source, tmp_path_factory) -> dict[str, Path]:
    """Every export format written to a file, plus the source's quad and triple counts."""
    folder = tmp_path_factory.mktemp("export")
    store = open_graph(source)
    files = {}
    for name, export_format in FORMATS.items():
        files[name] = folder / f"graph.{export_format.extension}"
        files[name].write_bytes(export_graph(store, name))
    files["counts"] = {"quads": len(named_quads(store)), "triples": len(union_triples(store))}
    return files


def _expected(exported, name: str) -> int:
    return exported["counts"]["quads" if FORMATS[name].quads else "triples"]


@pytest.mark.parametrize("name, syntax", [("ttl", "turtle"), ("nt", "ntriples")])
def test_rapper_parses_turtle_and_ntriples_with_every_triple(exported, name, syntax):
    rapper = require_program("rapper", "raptor2-utils")
    result = subprocess.run([rapper, "-i", syntax, "-c", str(exported[name])], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert f"returned {_expected(exported, name)} triples" in result.stderr


@pytest.fixture(scope="module")
def riot_counts(exported, tmp_path_factory) -> dict[str, int]:
    """What Jena's riot counts in each export, two Java runs per graph: Turtle, TriG and
    N-Quads in one (syntax from the extension), JSON-LD in the other.

    Jena 4.5's JSON-LD 1.1 reader (Titanium) cannot load local files in Debian's build,
    so the JSON-LD 1.0 reader checks that export (it uses no 1.1 feature).
    """
    riot = jena_riot(tmp_path_factory.mktemp("jena"))
    counts = {}
    for names, options in [(["ttl", "trig", "nq"], []), (["jsonld"], ["--syntax=jsonld10"])]:
        files = [str(exported[name]) for name in names]
        result = subprocess.run(
            [*riot, "--strict", *options, "--count", *files], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert "ERROR" not in result.stderr and "WARN" not in result.stderr, result.stderr
        # One line per file on stderr, e.g. "file:///.../graph.nq : Quads = 2,449".
        for file_name, number in re.findall(r"/graph\.(\w+) : (?:Triples|Quads) = ([\d,]+)", result.stderr):
            counts[file_name] = int(number.replace(",", ""))
    return counts


@pytest.mark.parametrize("name", ["ttl", "trig", "jsonld", "nq"])
def test_jena_riot_parses_turtle_trig_and_jsonld_with_every_statement(exported, riot_counts, name):
    assert riot_counts[name] == _expected(exported, name)


def test_jsonld_has_the_contracts_context_and_the_same_quads(exported, source):
    document = json.loads(exported["jsonld"].read_text(encoding="utf-8"))
    assert document["@context"] == PREFIXES
    from_jsonld = Dataset().parse(exported["jsonld"], format="json-ld")
    from_source = Dataset().parse(source, format="trig")
    assert _comparable(from_jsonld) == _comparable(from_source)


def _comparable(dataset: Dataset) -> set:
    """Quads without blank nodes (their labels differ between parses), by graph name."""
    return {
        (str(graph_name), s, p, o)
        for s, p, o, graph_name in dataset.quads((None, None, None, None))
        if not isinstance(s, BNode) and not isinstance(o, BNode)
    }


def test_graphml_parses_back_with_the_same_nodes_and_edges(exported, source):
    graphml = nx.read_graphml(exported["graphml"], force_multigraph=True)
    union = Graph()
    for s, p, o, _ in Dataset().parse(source, format="trig").quads((None, None, None, None)):
        union.add((s, p, o))
    resources = {s for s in union.subjects()} | {
        o for p, o in union.predicate_objects() if p != RDF.type and not isinstance(o, Literal)
    }
    edges = [(s, p, o) for s, p, o in union if p != RDF.type and not isinstance(o, Literal)]
    assert graphml.number_of_nodes() == len(resources)
    assert graphml.number_of_edges() == len(edges)
    for _node, attributes in graphml.nodes(data=True):
        assert {"label", "class", "iri"} <= attributes.keys()


def test_graphml_carries_labels_and_classes_for_gephi(tmp_path):
    graphml = nx.read_graphml(_export_file(tmp_path, "graphml"), force_multigraph=True)
    council = graphml.nodes["https://w3id.org/sgkg/id/organisation/wexcombe-council"]
    assert council["label"] == "Wexcombe Council"
    assert council["class"] == "sg:LocalAuthority"
    edge_labels = {data["label"] for _, _, data in graphml.edges(data=True)}
    assert {"sg:assesses", "org:member", "sg:evidence"} <= edge_labels


def _export_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"out.{name}"
    path.write_bytes(export_graph(open_graph(FIXTURE), name))
    return path


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_export_is_byte_identical_across_loads(name):
    """The fixture has a blank node: parsers label it at random, the export must not care."""
    assert export_graph(open_graph(FIXTURE), name) == export_graph(open_graph(FIXTURE), name)


def test_ontology_export_writes_turtle_and_rdfxml_that_parse_to_the_same_triples(tmp_path):
    rapper = require_program("rapper", "raptor2-utils")
    source_triples = len(Graph().parse(ontology_dir() / "sgkg.ttl", format="turtle"))
    written = export_ontology(tmp_path)
    assert [path.name for path in written] == ["sgkg.ttl", "sgkg.owl"]
    for path, syntax in zip(written, ["turtle", "rdfxml"]):
        result = subprocess.run([rapper, "-i", syntax, "-c", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert f"returned {source_triples} triples" in result.stderr
    assert (
        Graph().parse(written[1], format="xml").value(predicate=RDF.type, object=_owl("Ontology"))
    ) is not None


def _owl(term: str):
    from rdflib.namespace import OWL

    return OWL[term]


def test_cli_export_writes_the_file_and_reports_errors(tmp_path):
    runner = CliRunner()
    out = tmp_path / "graph.nt"
    result = runner.invoke(app, ["export", "--format", "nt", "--graph", str(FIXTURE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(out, format="nt")) == len(union_triples(open_graph(FIXTURE)))

    unknown = runner.invoke(app, ["export", "--format", "rdfa", "--graph", str(FIXTURE)])
    assert unknown.exit_code == 2 and "unknown export format 'rdfa'" in unknown.output

    absent = runner.invoke(app, ["export", "--graph", str(tmp_path / "nothing.trig")])
    assert absent.exit_code == 3 and "run `kg build` first" in absent.output


def test_cli_export_to_stdout_and_ontology_folder(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--format", "ttl", "--graph", str(FIXTURE)])
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="turtle")) == len(union_triples(open_graph(FIXTURE)))
    ontology = runner.invoke(app, ["export", "--ontology", "--out", str(tmp_path)])
    assert ontology.exit_code == 0, ontology.output
    assert (tmp_path / "sgkg.owl").stat().st_size > 0 and (tmp_path / "sgkg.ttl").stat().st_size > 0


def test_a_broken_input_file_is_an_input_error(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a:b> <a:c> .\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "--graph", str(broken)])
    assert result.exit_code == 2 and "not valid Turtle" in result.output


def test_labels_survive_in_every_triple_format(exported, source):
    """Labels (apostrophes, language tags, non-ASCII) round-trip through Turtle and N-Triples."""
    source_labels = {
        o for _, _, o, _ in Dataset().parse(source, format="trig").quads((None, RDFS.label, None, None))
    }
    assert source_labels
    for name, syntax in [("ttl", "turtle"), ("nt", "nt")]:
        assert set(Graph().parse(exported[name], format=syntax).objects(None, RDFS.label)) == source_labels


def test_ontology_export_is_byte_identical_across_runs(tmp_path):
    """The ontology has blank nodes (owl:unionOf lists) and RDF/XML namespace declarations,
    both of which came out in a different order on every run before they were made canonical."""
    first = [path.read_bytes() for path in export_ontology(tmp_path / "first")]
    second = [path.read_bytes() for path in export_ontology(tmp_path / "second")]
    assert first == second


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_builds_store_and_its_trig_export_the_same_bytes(seed_build, name):
    """`kg export` reads out/store by default and graph.trig on request: same graph, same file."""
    out_dir, _ = seed_build
    assert export_graph(open_graph(out_dir / "store"), name) == export_graph(
        open_graph(out_dir / "graph.trig"), name
    )
