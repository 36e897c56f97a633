"""kg.graph, the one door to a built graph: every command that reads a graph accepts a build
folder, its store, its graph.trig and its graph.ttl (and nothing: the build in out/), and
reads the same graph through each.

Regression: ``--graph`` used to mean four things (``kg query --graph out`` and ``kg viz --graph
out/store`` said there was no graph, ``kg validate`` read only files).
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import GraphNotFound, InputError
from kg.graph import RDF_SUFFIXES, graph_source, open_graph
from kg.serve import ServeOptions, make_server

runner = CliRunner()
# How a user names the seed build's graph: None is no --graph at all (the build in out/).
SPECS = ["out", "out/store", "out/graph.trig", "out/graph.ttl", None]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture()
def in_build(seed_build, tmp_path, monkeypatch) -> Path:
    """A working folder whose ``out`` is the seed build, the current directory while the test runs."""
    out_dir, _ = seed_build
    (tmp_path / "out").symlink_to(out_dir)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _graph_option(spec: str | None) -> list[str]:
    return [] if spec is None else ["--graph", spec]


def _ok(arguments: list[str]) -> str:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("spec", SPECS)
def test_query_reads_the_same_graph_through_each_name(in_build, spec):
    expected = _ok(["query", "roles", "--format", "csv", "--graph", "out/store"])
    assert _ok(["query", "roles", "--format", "csv", *_graph_option(spec)]) == expected
    assert expected.count("\n") > 5


@pytest.mark.parametrize("spec", SPECS)
def test_export_writes_the_same_union_through_each_name(in_build, spec):
    expected = runner.invoke(app, ["export", "--format", "ttl", "--graph", "out/store"]).stdout_bytes
    assert runner.invoke(app, ["export", "--format", "ttl", *_graph_option(spec)]).stdout_bytes == expected
    assert len(open_graph(in_build / "out" / "graph.ttl")) > 2000


@pytest.mark.parametrize("spec", SPECS)
def test_viz_draws_the_page_the_build_drew_through_each_name(in_build, spec):
    _ok(["viz", *_graph_option(spec), "--out", "page.html"])
    assert (in_build / "page.html").read_bytes() == (in_build / "out" / "graph.html").read_bytes()


@pytest.mark.parametrize("spec", SPECS)
def test_validate_checks_the_whole_graph_through_each_name(in_build, spec):
    arguments = ["validate", "--no-reasoner"] + ([] if spec is None else [spec])
    output = _ok(arguments)
    assert "Validation passed." in output
    triples = len(open_graph(in_build / "out" / "graph.ttl"))
    assert f": {triples} triples, 0 violation(s)." in output


@pytest.mark.parametrize("spec", SPECS)
def test_serve_answers_over_the_union_through_each_name(in_build, spec):
    server = make_server(ServeOptions(graph=None if spec is None else Path(spec), port=0))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = server.url + "?" + urllib.parse.urlencode({"query": COUNT})
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            count = int(json.load(response)["results"]["bindings"][0]["n"]["value"])
    finally:
        server.close()
        thread.join(timeout=10)
    assert count == len(open_graph(in_build / "out" / "graph.ttl"))


@pytest.mark.parametrize("spec", ["out", "out/store", "out/graph.trig"])
def test_the_named_graphs_and_their_union_are_the_same_through_each_name(in_build, spec):
    store = open_graph(Path(spec))
    reference = open_graph(Path("out/store"))
    assert set(store.named_graphs()) == set(reference.named_graphs())
    assert len(list(store.quads_for_pattern(None, None, None, None))) == len(
        list(reference.quads_for_pattern(None, None, None, None))
    )


def test_a_build_folder_without_its_store_is_read_from_its_trig(seed_build, tmp_path):
    out_dir, _ = seed_build
    (tmp_path / "graph.trig").symlink_to(out_dir / "graph.trig")
    assert graph_source(tmp_path) == tmp_path / "graph.trig"
    assert len(open_graph(tmp_path)) == len(open_graph(out_dir))


COMMANDS = [
    ["query", "roles", "--graph"],
    ["export", "--format", "ttl", "--graph"],
    ["viz", "--out", "page.html", "--graph"],
    ["validate", "--no-reasoner"],
    ["push", "--endpoint", "http://127.0.0.1:9/store", "--graph"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_no_graph_there_is_exit_3_and_one_line_for_every_command(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    for where, says in [("missing", "no such file or folder"), ("empty", "a folder with no store")]:
        result = runner.invoke(app, [*command, where])
        assert result.exit_code == 3, result.output
        assert result.stderr.count("\n") == 1 and says in result.stderr
    result = runner.invoke(app, command[:-1] if command[-1] == "--graph" else command)
    assert result.exit_code == 3 and "no graph at out/" in result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
def test_a_file_that_is_no_graph_is_exit_2_for_every_command(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not RDF\n", encoding="utf-8")
    (tmp_path / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    for where, says in [("notes.txt", "not a graph file"), ("broken.ttl", "not valid Turtle")]:
        result = runner.invoke(app, [*command, where])
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and says in result.stderr


def test_the_errors_of_the_door():
    with pytest.raises(GraphNotFound, match="no such file or folder"):
        open_graph(Path("/nonexistent/graph.trig"))
    with pytest.raises(InputError, match="not a graph file"):
        open_graph(Path(__file__))
    assert ".trig" in RDF_SUFFIXES and ".ttl" in RDF_SUFFIXES
