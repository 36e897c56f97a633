"""``kg query`` in-process (Typer's CliRunner): output formats, the library list, errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import GraphNotFound, InputError, QueryError

FIXTURE_GRAPH = Path(__file__).resolve().parent / "fixtures" / "queries" / "fixture.trig"


def kg(*args: str):
    return CliRunner().invoke(app, ["query", *args])


def test_list_shows_every_library_query_with_its_question():
    result = kg("--list")
    assert result.exit_code == 0, result.output
    for name in ("roles", "evidence", "organisation-profile", "failings-by-partner-and-theme"):
        assert name in result.stdout
    assert "Who holds which role in which partnership or agency?" in result.stdout
    assert "parameters: person, role, organisation" in result.stdout
    assert "parameters: node (required)" in result.stdout
    assert len([line for line in result.stdout.splitlines() if not line.startswith(" ")]) == 13


def test_named_query_as_csv():
    result = kg("roles", "--graph", str(FIXTURE_GRAPH), "--param", "person=Jordan Hale", "--format", "csv")
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["roleLabel"] == "Independent Scrutineer"
    assert row["organisationLabel"] == "Millbrook Safeguarding Children Partnership"


def test_query_file_by_path_as_tsv():
    path = Path(__file__).resolve().parent.parent / "queries" / "partnership-members.rq"
    result = kg(str(path), "-g", str(FIXTURE_GRAPH), "-p", "partnership=MSCP", "-f", "tsv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("?partnershipIri\t?partnershipLabel")
    assert len(lines) == 1 + 5


def test_inline_query_as_json():
    result = kg(
        "-e",
        "SELECT ?label WHERE { ?area a sg:Area ; rdfs:label ?label } ORDER BY ?label",
        "-g",
        str(FIXTURE_GRAPH),
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [row["label"]["value"] for row in document["results"]["bindings"]] == ["Millbrook", "Millford"]


def test_table_shows_labels_and_a_row_count():
    result = kg("judgements-over-time", "-g", str(FIXTURE_GRAPH), "-p", "area=Millford")
    assert result.exit_code == 0, result.output
    assert "Millford" in result.stdout and "Millbrook" not in result.stdout
    assert "4 row(s)" in result.stdout
    assert "https://" not in result.stdout and "id:inspection" not in result.stdout  # labels stand for IRIs


def test_a_graph_of_another_format_is_read_by_its_suffix(tmp_path):
    from rdflib import Dataset

    nquads = tmp_path / "graph.nq"
    Dataset().parse(FIXTURE_GRAPH, format="trig").serialize(nquads, format="nquads")
    result = kg("roles", "-g", str(nquads), "-p", "role=chair", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "Priya Lane" in result.stdout


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (["rolez", "-g", str(FIXTURE_GRAPH)], QueryError, "did you mean: roles?"),
        (["roles", "-g", "no/such/graph.trig"], GraphNotFound, "kg build"),
        (
            ["-e", "SELECT ?s WHERE { ?s ?p }", "-g", str(FIXTURE_GRAPH)],
            QueryError,
            "<inline query>:1:19: SPARQL syntax error near",
        ),
        (
            ["roles", "-g", str(FIXTURE_GRAPH), "-p", "colour=red"],
            QueryError,
            "its parameters: person, role, organisation",
        ),
        (["roles", "-g", str(FIXTURE_GRAPH), "-p", "person"], QueryError, "key=value"),
        (["roles", "-g", str(FIXTURE_GRAPH), "-f", "xml"], QueryError, "choose one of table, csv, tsv, json"),
        (["-g", str(FIXTURE_GRAPH)], QueryError, "kg query --list"),
        (["roles", "-e", "ASK {}", "-g", str(FIXTURE_GRAPH)], QueryError, "not both"),
        (["roles", "-g", str(Path(__file__))], InputError, "not a graph file"),
        (["no/such/query.rq", "-g", str(FIXTURE_GRAPH)], InputError, "cannot read the query"),
        (["evidence", "-g", str(FIXTURE_GRAPH)], QueryError, "query 'evidence' requires --param node="),
    ],
)
def test_user_errors_are_one_line_with_their_exit_code(args, error, message):
    result = kg(*args)
    assert result.exit_code == error.exit_code, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_exit_codes_are_distinct():
    assert len({InputError.exit_code, GraphNotFound.exit_code, QueryError.exit_code}) == 3


def test_table_shows_text_with_brackets_verbatim():
    """Regression: Rich read "[bold]" in a literal as markup and dropped it from the table."""
    result = kg("-e", 'SELECT ?x WHERE { BIND("[bold]Area[/bold]" AS ?x) }', "-g", str(FIXTURE_GRAPH))
    assert result.exit_code == 0, result.output
    assert "[bold]Area[/bold]" in result.stdout


def test_kg_query_runs_without_loading_rdflib(seed_build, tmp_path):
    """A query of the build's store needs only pyoxigraph: rdflib (a quarter of a second to
    load, cold) stays unloaded."""
    out_dir, _ = seed_build
    (tmp_path / "out").symlink_to(out_dir, target_is_directory=True)
    probe = (
        "import sys\n"
        "from kg.cli import main\n"
        "sys.argv = ['kg', 'query', 'roles', '--format', 'csv']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print('rdflib loaded' if 'rdflib' in sys.modules else 'rdflib not loaded', file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "Kevin Crompton" in done.stdout
    assert done.stderr.strip().endswith("rdflib not loaded")
