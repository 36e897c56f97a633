"""Official statistics (``kg.stats`` and ``kg stats``): a CSV of our own making in DfE's open-data
layout becomes W3C Data Cube observations in graph/stats/NAME, kept across rebuilds.

The fixture has national and regional rows, areas keyed by new_la_code, by old_la_code
only and by name only (North Yorkshire in 2021 and 2024, "Bournemouth, Christchurch & Poole"),
every kind of suppressed cell, an area no table knows (Millbrook) and a repeated row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kg import stats
from kg.build import statistics
from kg.cli import app
from kg.errors import InputError
from kg.graph import open_graph
from kg.vocab import XSD, mint

FIXTURE = Path(__file__).parent / "fixtures" / "stats" / "children-in-need.csv"
SEEDS = Path(__file__).parent.parent / "seeds"
GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
QB = "http://purl.org/linked-data/cube#"
SDMX = "http://purl.org/linked-data/sdmx/2009/dimension#"
runner = CliRunner()


@pytest.fixture(scope="module")
def imported():
    return stats.read_stats(FIXTURE, "cin")


def _value(imported, observation: URIRef, column: str):
    values = [
        obj
        for subject, predicate, obj in imported.triples
        if subject == observation and predicate == mint("measure", "cin", column)
    ]
    assert len(values) <= 1
    return values[0] if values else None


def _observation(code: str, period: str) -> URIRef:
    return mint("observation", "cin", code, period, "Children in need")


def test_every_resolved_row_is_one_observation(imported):
    assert imported.graph == URIRef("https://w3id.org/sgkg/graph/stats/cin")
    assert imported.observations == 8
    assert imported.measures == ("number_of_children", "rate_per_10000", "assessments_completed")
    assert imported.dimensions == ("social_care_group",)
    areas = {obj for _, predicate, obj in imported.triples if predicate == URIRef(SDMX + "refArea")}
    codes = {"E92000001", "E12000005", "E06000019", "E10000015", "E10000023", "E06000065", "E06000058"}
    assert areas == {URIRef(GEOGRAPHY + code) for code in codes}


def test_renamed_and_reorganised_authorities_resolve_by_the_rows_period(imported):
    assert _value(imported, _observation("E10000023", "2021"), "number_of_children") == Literal(
        3300, datatype=XSD.integer
    )
    assert _value(imported, _observation("E06000065", "2024"), "number_of_children") == Literal(
        3450, datatype=XSD.integer
    )
    assert _value(imported, _observation("E06000058", "2022"), "number_of_children") == Literal(
        2650, datatype=XSD.integer
    )
    assert _value(imported, _observation("E10000015", "2022"), "number_of_children") == Literal(
        7020, datatype=XSD.integer
    )


def test_suppressed_cells_are_absent_not_zero(imported):
    assert imported.suppressed == 7
    herefordshire = _observation("E06000019", "2023")
    assert _value(imported, herefordshire, "rate_per_10000") is None
    assert _value(imported, herefordshire, "assessments_completed") == Literal(2715, datatype=XSD.integer)
    for code, period in [("E10000015", "2022"), ("E10000023", "2021"), ("E06000065", "2024")]:
        assert _value(imported, _observation(code, period), "assessments_completed") is None
    assert _value(imported, _observation("E06000019", "2022"), "rate_per_10000") == Literal(
        "402.7", datatype=XSD.decimal
    )


def test_rows_that_give_no_observation_are_listed(imported):
    assert [str(problem) for problem in imported.problems] == [
        "line 10: la_name 'Millbrook' is no local authority's name",
        "line 11: repeats line 4 (Herefordshire, 2022): skipped",
    ]


def test_the_same_csv_gives_the_same_bytes(tmp_path, imported):
    first = statistics.save(tmp_path / "a", imported)
    second = statistics.save(tmp_path / "b", stats.read_stats(FIXTURE, "cin"))
    assert first.key == second.key
    assert first.files.quads.read_bytes() == second.files.quads.read_bytes()
    assert first.triples == len(first.files.quads.read_bytes().splitlines())


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("time_period,value\n2022,1\n", "cin", "no column says which area"),
        ("", "cin", "empty file"),
        ("la_name,la_name\nHerefordshire,1\n", "cin", "repeated column"),
        ("la_name,value\nHerefordshire,1\n", "Bad Name!", "--name"),
    ],
)
def test_unusable_input_is_an_input_error(tmp_path, content, name, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        stats.read_stats(path, name)


def _count(out: Path, sparql: str) -> int:
    store = open_graph(out)
    return int(next(iter(store.query(sparql)))[0].value)


OBSERVATIONS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/sgkg/graph/stats/cin> {{ ?o a <{QB}Observation> }} }}"
IN_UNION = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o a <{QB}Observation> }}"


def test_kg_stats_before_and_after_a_build_and_across_rebuilds(tmp_path):
    out, documents = tmp_path / "out", tmp_path / "docs"
    shutil.copytree(SEEDS, documents)
    result = runner.invoke(app, ["stats", str(FIXTURE), "--name", "cin", "--out", str(out), "--no-compact"])
    assert result.exit_code == 0, result.output
    assert "No build in" in result.output and "line 10: la_name 'Millbrook'" in result.output

    result = runner.invoke(app, ["build", str(documents), "--out", str(out), "--no-compact", "--no-html"])
    assert result.exit_code == 0, result.output
    assert "Official statistics cin (from children-in-need.csv): 8 observations" in result.output
    assert _count(out, OBSERVATIONS) == _count(out, IN_UNION) == 8
    assert "graph:stats\\/cin {" in (out / "graph.trig").read_text(encoding="utf-8")

    (documents / sorted(path.name for path in documents.iterdir())[0]).write_text(
        "Ofsted\nHerefordshire Council\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["build", str(documents), "--out", str(out), "--no-compact", "--no-html"])
    assert result.exit_code == 0 and "Mapped 1 file(s)" in result.output, result.output
    assert _count(out, OBSERVATIONS) == 8

    result = runner.invoke(
        app, ["build", str(documents), "--out", str(out), "--no-compact", "--no-html", "--rebuild"]
    )
    assert result.exit_code == 0 and "8 observations" in result.output
    assert _count(out, OBSERVATIONS) == 8


def test_kg_stats_after_a_build_publishes_the_store_again_and_remove_forgets(tmp_path):
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["build", str(SEEDS), "--out", str(out), "--no-compact", "--no-html"]).exit_code
        == 0
    )
    before = (out / "graph.ttl").read_bytes()
    result = runner.invoke(app, ["stats", str(FIXTURE), "--name", "cin", "--out", str(out), "--no-compact"])
    assert result.exit_code == 0 and "Published" in result.output, result.output
    assert _count(out, OBSERVATIONS) == 8
    assert b"linked-data/cube#Observation" in (out / "graph.ttl").read_bytes()

    result = runner.invoke(app, ["stats", "--remove", "cin", "--out", str(out), "--no-compact"])
    assert result.exit_code == 0, result.output
    assert _count(out, IN_UNION) == 0
    assert (out / "graph.ttl").read_bytes() == before
    assert not list((out / ".kg" / "stats").glob("*.nq"))


@pytest.mark.parametrize(
    "arguments",
    [
        ["stats"],
        ["stats", str(FIXTURE), "--remove", "cin"],
        ["stats", "--remove", "nothing-here"],
        ["stats", "missing.csv"],
    ],
    ids=["nothing", "both", "unknown-name", "missing-file"],
)
def test_kg_stats_usage_errors_exit_2(tmp_path, arguments):
    result = runner.invoke(app, [*arguments, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
