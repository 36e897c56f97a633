"""kg.validate and `kg validate`: each SHACL rule of ontology/shapes.ttl catches a hand-made
bad graph (tests/fixtures/validate/bad/<rule>[--<variant>].ttl) and names the rule; a good
graph and the seed graph pass; the command's exit codes follow README's "Exit codes"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import GraphNotFound, InputError, ValidationFailed
from kg.resources import ontology_dir
from kg.validate import ValidateOptions, validate

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
GOOD = FIXTURES / "good.trig"
BAD_CASES = sorted((FIXTURES / "bad").glob("*.ttl"))
NO_REASONER = ValidateOptions(reasoner=False)
needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="HermiT needs Java (CI installs default-jre-headless)"
)
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
NOT_CONSTRAINTS = {RDF.type, SH.name, SH.message, SH.property, SH.severity, *TARGETS}


def _rule_of(case: Path) -> str:
    return case.stem.split("--")[0]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def test_the_bad_cases_are_all_collected():
    assert len(BAD_CASES) == 34


def test_a_graph_that_keeps_the_contract_passes():
    report = validate(GOOD, NO_REASONER)
    assert report.violations == ()
    assert report.passed
    store = pyoxigraph.Store()
    store.load(path=str(GOOD), format=pyoxigraph.RdfFormat.TRIG)
    assert report.triples == len(store) > 100


@pytest.mark.parametrize("case", BAD_CASES, ids=[case.stem for case in BAD_CASES])
def test_each_bad_graph_breaks_exactly_its_rule(case):
    rule = _rule_of(case)
    report = validate(case, NO_REASONER)
    assert not report.passed
    assert {violation.rule for violation in report.violations} == {rule}
    for violation in report.violations:
        assert violation.message.startswith(f"[{rule}] "), violation.message
        assert violation.node.startswith("https://w3id.org/sgkg/id/")


def test_every_rule_of_the_shapes_has_a_bad_case(shapes):
    """A rule is a property shape of a targeted shape, or a targeted shape with a constraint of its own."""
    targeted = {shape for target in TARGETS for shape in shapes.subjects(target, None)}
    rule_shapes = {prop for shape in targeted for prop in shapes.objects(shape, SH.property)}
    rule_shapes |= {shape for shape in targeted if set(shapes.predicates(shape)) - NOT_CONSTRAINTS}
    rules = {str(shapes.value(shape, SH.name)) for shape in rule_shapes}
    assert rules == {_rule_of(case) for case in BAD_CASES}


def test_every_shape_has_a_name_and_a_message_naming_its_rule(shapes):
    shape_nodes = set(shapes.subjects(SH.path, None)) | {
        node for kind in (SH.NodeShape, SH.PropertyShape) for node in shapes.subjects(None, kind)
    }
    assert len(shape_nodes) >= 20
    for shape in shape_nodes:
        name = shapes.value(shape, SH.name)
        message = shapes.value(shape, SH.message)
        assert name is not None and message is not None, f"shape {shape} lacks sh:name or sh:message"
        assert str(message).startswith(f"[{name}] "), f"the message of {name} does not name it"


def test_a_violation_in_a_named_graph_names_its_document(tmp_path):
    """Ada Quill has no evidence of her own, so her document comes from the named graph."""
    graph = tmp_path / "nameless.trig"
    graph.write_text(
        GOOD.read_text(encoding="utf-8").replace('foaf:name "Ada Quill" ;', ""), encoding="utf-8"
    )
    (violation,) = validate(graph, NO_REASONER).violations
    assert violation.rule == "person-name"
    assert violation.node == "https://w3id.org/sgkg/id/person/ada-quill"
    assert violation.label == "Ada Quill"
    assert violation.documents == ("fen-report.txt",)


def test_the_report_is_the_same_every_time(tmp_path):
    """Six claims lose their evidence: six violations, in a stable order, each naming the document."""
    graph = tmp_path / "unevidenced.trig"
    graph.write_text(
        GOOD.read_text(encoding="utf-8").replace("sg:evidence id:", "rdfs:seeAlso id:"), encoding="utf-8"
    )
    first, second = validate(graph, NO_REASONER), validate(graph, NO_REASONER)
    assert first.violations == second.violations
    assert [v.rule for v in first.violations] == ["evidence-required"] * 6
    assert [v.node for v in first.violations] == sorted(v.node for v in first.violations)
    assert {v.documents for v in first.violations} == {("fen-report.txt",)}


def test_a_violation_in_turtle_names_the_document_of_its_evidence():
    (violation,) = validate(FIXTURES / "bad" / "theme-in-scheme.ttl", NO_REASONER).violations
    assert violation.documents == ("note.txt",)
    assert violation.path == "https://w3id.org/sgkg/ontology#theme"
    assert violation.value == "https://w3id.org/sgkg/theme/weather"


def test_a_missing_graph_says_to_build_first(tmp_path):
    with pytest.raises(GraphNotFound, match="kg build"):
        validate(tmp_path / "graph.trig", NO_REASONER)


def test_a_file_that_is_not_rdf_is_an_input_error(tmp_path):
    graph = tmp_path / "graph.ttl"
    graph.write_text("this is prose, not Turtle.\n", encoding="utf-8")
    with pytest.raises(InputError, match="graph.ttl"):
        validate(graph, NO_REASONER)


def test_the_seed_graph_passes(seed_build):
    out_dir, _ = seed_build
    report = validate(out_dir / "graph.trig", NO_REASONER)
    broken = [f"{v.message} at {v.node} in {v.documents}" for v in report.violations[:20]]
    assert report.passed, "\n".join(broken)


def test_a_build_folder_is_checked_through_its_store(seed_build):
    out_dir, _ = seed_build
    result = CliRunner().invoke(app, ["validate", str(out_dir), "--no-reasoner"])
    assert result.exit_code == 0, result.output
    assert f"Graph {out_dir / 'store'}:" in result.output


@needs_java
def test_cli_passes_a_good_graph_with_the_reasoner():
    result = CliRunner().invoke(app, ["validate", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "Ontology: consistent according to HermiT" in result.output
    assert "0 violation(s)" in result.output
    assert "Validation passed." in result.output


def test_cli_fails_a_bad_graph_with_exit_code_5():
    result = CliRunner().invoke(
        app, ["validate", str(FIXTURES / "bad" / "evidence-order.ttl"), "--no-reasoner"]
    )
    assert result.exit_code == ValidationFailed.exit_code == 5
    assert "[evidence-order] evidence starts before it ends" in result.output
    assert "node: https://w3id.org/sgkg/id/evidence/note-20-0" in result.output
    assert "document: note.txt" in result.output
    assert "error: " in result.output


def test_cli_defaults_to_the_build_in_out_and_says_to_build_when_missing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--no-reasoner"])
    assert result.exit_code == GraphNotFound.exit_code == 3
    assert "no graph at out/" in result.output
    assert "kg build" in result.output


def test_cli_help_shows_an_example():
    result = CliRunner().invoke(app, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Example: kg validate" in result.output
