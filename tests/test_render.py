"""The interactive graph without a browser: projection, views, layout, page, CLI.

The fixture ``tests/fixtures/viz/graph.trig`` is a small fictional graph that keeps the
contract (two areas, an inspection and a practice review, failings, a strength, a
judgement, a recommendation with a response, a membership).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from kg import project as project_module
from kg import render as render_module
from kg.cli import app
from kg.errors import GraphNotFound, InputError
from kg.layout import SPACING, spring_positions
from kg.project import View, open_dataset, project
from kg.render import render_file, render_html, script_json
from kg.vocab import ID, SG, THEME

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "graph.trig"
COUNCIL = ID["organisation/eastmere-county-council"]
POLICE = ID["organisation/eastmere-constabulary"]


@pytest.fixture(scope="module")
def fixture_dataset() -> Dataset:
    return open_dataset(FIXTURE)


def page_data(page: str) -> dict:
    """The JSON blocks the page's script reads, as one: ``links``, and each node's details with its ``more``."""
    blocks = dict(
        re.findall(r'<script type="application/json" id="kg-(data|links|more)">(.*?)</script>', page, re.S)
    )
    assert set(blocks) == {"data", "links", "more"}, "a data block is missing"
    data = json.loads(blocks["data"])
    data["links"] = json.loads(blocks["links"])
    for detail, more in zip(data["details"], json.loads(blocks["more"]), strict=True):
        detail.update(more)
    return data


def test_full_view_draws_every_contract_node_but_evidence(fixture_dataset):
    drawn = project(fixture_dataset)
    classes = nx.get_node_attributes(drawn, "cls")
    assert classes[COUNCIL] == "sg:LocalAuthority"
    assert classes[ID["child/child-r"]] == "sg:Child", "a child is drawn as a child, not as any person"
    assert classes[THEME["online-harm"]] == "skos:Concept"
    assert not any(str(node).startswith(str(ID["evidence/"])) for node in drawn)
    assert not any(str(node).startswith("https://w3id.org/sgkg/grade/") for node in drawn)
    assert len(drawn) == 28
    assert drawn.edges[ID["finding/eastmere-2031-1"], POLICE]["relations"] == ["sg:implicates"]


def test_click_panel_facts_and_evidence_come_from_the_graph(fixture_dataset):
    drawn = project(fixture_dataset)
    finding = drawn.nodes[ID["finding/eastmere-2031-2"]]
    assert finding["evidence"] == [
        {
            "quote": "Social workers carry caseloads that are too high.",
            "document": "eastmere-inspection.txt",
            "start": 300,
            "end": 349,
        }
    ]
    assert ("sg:statement", ["Social workers carry caseloads that are too high."]) in finding["facts"]
    assert drawn.nodes[ID["judgement/eastmere-2031-overall-effectiveness"]]["grade"] == "inadequate"
    assert drawn.nodes[ID["organisation/eastmere-safeguarding-children-partnership"]]["alt"] == ["ESCP"]


def test_filters_follow_themes_and_areas_of_neighbours(fixture_dataset):
    drawn = project(fixture_dataset)
    assert THEME["workforce"] in drawn.nodes[COUNCIL]["themes"], "implicated by a workforce failing"
    assert ID["area/eastmere"] in drawn.nodes[ID["finding/eastmere-2031-1"]]["areas"], (
        "through its inspection"
    )
    assert drawn.nodes[ID["role/independent-scrutineer"]]["areas"] == []


def test_partners_failings_counts_failings_not_strengths(fixture_dataset):
    drawn = project(fixture_dataset, View.parse("partners-failings"))
    assert drawn.edges[POLICE, THEME["neglect"]]["weight"] == 2
    assert drawn.edges[POLICE, THEME["multi-agency-working"]]["weight"] == 2, (
        "the strength on this theme is not counted"
    )
    assert drawn.edges[COUNCIL, THEME["workforce"]]["relations"] == ["1 failing"]
    judgement = ID["judgement/eastmere-2031-overall-effectiveness"]
    assert list(drawn.successors(judgement)) == [COUNCIL]
    assert {drawn.nodes[node]["cls"] for node in drawn} == {
        "sg:LocalAuthority",
        "sg:PoliceForce",
        "sg:HealthBody",
        "skos:Concept",
        "sg:Judgement",
    }
    quotes = [span["quote"] for span in drawn.nodes[POLICE]["evidence"]]
    assert "Health visitors did not share worries about the home." in quotes


def test_area_view_keeps_the_area_and_its_neighbours(fixture_dataset):
    drawn = project(fixture_dataset, View.parse("area westholm"))
    assert ID["practice-review/child-r"] in drawn
    assert POLICE in drawn, "implicated by a Westholm failing"
    assert ID["inspection/eastmere-2031"] not in drawn
    assert ID["document/westholm-review"] in drawn, "it names the area"
    assert ID["document/eastmere-inspection"] not in drawn, "documents are never added as context"


def test_node_view_finds_a_node_by_its_alias(fixture_dataset):
    drawn = project(fixture_dataset, View.parse("node ECC"))
    assert COUNCIL in drawn
    assert ID["recommendation/eastmere-2031-1"] in drawn
    assert ID["child/child-r"] not in drawn


@pytest.mark.parametrize(
    "text, message",
    [("sideways", "unknown view"), ("area", "takes a name"), ("full Eastmere", "takes no name")],
)
def test_view_parse_rejects_bad_views(text, message):
    with pytest.raises(InputError, match=message):
        View.parse(text)


def test_unknown_area_lists_the_known_ones(fixture_dataset):
    with pytest.raises(InputError, match="Eastmere, Westholm"):
        project(fixture_dataset, View.parse("area Atlantis"))


def test_open_dataset_errors(tmp_path):
    with pytest.raises(GraphNotFound):
        open_dataset(tmp_path / "missing.trig")
    odd = tmp_path / "graph.csv"
    odd.write_text("a,b\n")
    with pytest.raises(InputError, match="not a graph file"):
        open_dataset(odd)
    broken = tmp_path / "graph.ttl"
    broken.write_text("<a> <b> .\n")
    with pytest.raises(InputError, match="not valid Turtle"):
        open_dataset(broken)


def test_page_is_deterministic_and_self_contained(fixture_dataset):
    first = render_html(fixture_dataset)
    again = render_html(open_dataset(FIXTURE))
    assert first == again
    assert "<link" not in first
    assert not re.search(r"<script[^>]*\bsrc=", first)
    assert "sourceMappingURL" not in first
    assert "Content-Security-Policy" in first and "default-src &#x27;none&#x27;" in first
    data = page_data(first)
    assert len(data["details"]) == 28
    assert data["options"]["physics"] == {"enabled": False}


def test_every_node_has_a_position_and_the_legend_counts_classes(fixture_dataset):
    data = page_data(render_html(fixture_dataset))
    assert all(isinstance(node["x"], float) and isinstance(node["y"], float) for node in data["details"])
    legend = {cls["label"]: cls["count"] for cls in data["classes"]}
    assert legend["Failing"] == 4 and legend["Theme"] == 4 and legend["Judgement"] == 1
    judgement = next(node for node in data["details"] if node["label"] == "Overall effectiveness: inadequate")
    assert judgement["grade"] == "Inadequate" and "Inadequate" in {grade["label"] for grade in data["grades"]}


def test_script_json_escapes_what_could_close_the_script():
    text = script_json({"label": "</script><img src=x onerror=alert(1)> & \u2028"})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"label": "</script><img src=x onerror=alert(1)> & \u2028"}


def _one_charity(label: str) -> Dataset:
    dataset = Dataset()
    graph = dataset.graph(URIRef("https://w3id.org/sgkg/graph/hostile"))
    node = ID["organisation/hostile"]
    graph.add((node, RDF.type, SG.Charity))
    graph.add((node, RDFS.label, Literal(label)))
    return dataset


def test_hostile_labels_stay_inside_the_data_block():
    """A label that closes the script element must not add markup to the page."""
    hostile = '</script><script>alert(1)</script><img src=x onerror="alert(2)">'
    page = render_html(_one_charity(hostile))
    plain = render_html(_one_charity("A plain charity"))
    for markup in ("<script", "</script", "<img"):
        assert page.count(markup) == plain.count(markup), markup
    assert page_data(page)["details"][0]["label"] == hostile


@pytest.mark.parametrize("view", ["full", "partners-failings"])
def test_an_empty_graph_gives_an_empty_page(view):
    """Regression: the layout of no nodes at all raised IndexError."""
    data = page_data(render_html(Dataset(), View.parse(view)))
    assert data["details"] == [] and data["links"] == []


def test_layout_is_deterministic_and_spreads_nodes():
    graph = nx.connected_watts_strogatz_graph(700, 4, 0.1, seed=3)
    graph.add_nodes_from(range(700, 720))
    first = spring_positions(graph)
    assert first == spring_positions(graph.copy())
    assert set(first) == set(graph)
    assert len(set(first.values())) == len(graph), "no two nodes share a position"
    xs = [x for x, _ in first.values()]
    assert max(xs) - min(xs) > 10 * SPACING


def test_cli_viz_writes_the_page(tmp_path):
    out = tmp_path / "pf.html"
    result = CliRunner().invoke(
        app, ["viz", "--graph", str(FIXTURE), "--out", str(out), "--view", "partners-failings"]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert page_data(out.read_text(encoding="utf-8"))["view"] == "partners-failings"


@pytest.mark.parametrize(
    "arguments, code, message",
    [
        (["--graph", "missing.trig"], 3, "no graph at missing.trig"),
        (["--graph", str(FIXTURE), "--view", "node Zebra"], 2, "no single node called 'Zebra'"),
    ],
)
def test_cli_viz_errors(tmp_path, arguments, code, message):
    result = CliRunner().invoke(app, ["viz", "--out", str(tmp_path / "x.html"), *arguments])
    assert result.exit_code == code
    assert message in result.output
    assert not (tmp_path / "x.html").exists()


def test_render_file_matches_render_html(tmp_path, fixture_dataset):
    written = render_file(FIXTURE, tmp_path / "deep" / "graph.html", View.parse("area Eastmere"))
    assert written.read_text(encoding="utf-8") == render_html(fixture_dataset, View.parse("area Eastmere"))


def test_seed_build_writes_the_interactive_graph(seed_build, seed_graph):
    out_dir, _ = seed_build
    data = page_data((out_dir / "graph.html").read_text(encoding="utf-8"))
    documents = [
        node for node in data["details"] if data["classes"][node["cls"]]["label"] == "Source document"
    ]
    assert len(documents) == len(set(seed_graph.subjects(RDF.type, SG.SourceDocument))) > 0
    assert len(data["details"]) > len(documents)


def test_pages_are_the_same_whatever_the_hash_seed():
    """Regression: Louvain and subgraphs iterate sets of nodes, so string nodes once gave
    different positions in every process, and the area and node views a different page."""
    script = (
        "import hashlib, json, networkx as nx\n"
        "from pathlib import Path\n"
        "from kg.layout import spring_positions\n"
        "from kg.project import View, open_dataset\n"
        "from kg.render import render_html\n"
        "graph = nx.relabel_nodes(nx.connected_watts_strogatz_graph(600, 4, 0.1, seed=5), lambda n: f'node-{n}')\n"
        "print(json.dumps(sorted(spring_positions(graph).items())))\n"
        f"dataset = open_dataset(Path({str(FIXTURE)!r}))\n"
        "for view in ('full', 'partners-failings', 'area Westholm', 'node ECC'):\n"
        "    print(hashlib.sha256(render_html(dataset, View.parse(view)).encode()).hexdigest())\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_kg_viz_on_the_seed_graph_gives_the_build_page(seed_build, tmp_path):
    """The page ``kg build`` writes from its store equals the one ``kg viz`` makes from the TriG."""
    out_dir, _ = seed_build
    page = render_file(out_dir / "graph.trig", tmp_path / "graph.html")
    assert page.read_bytes() == (out_dir / "graph.html").read_bytes()


def test_partners_failings_edges_carry_their_failings(fixture_dataset):
    data = page_data(render_html(fixture_dataset, View.parse("partners-failings")))
    labels = [detail["label"] for detail in data["details"]]
    number, link = next(
        (number, link)
        for number, link in enumerate(data["links"])
        if (labels[link[0]], labels[link[1]]) == ("Eastmere Constabulary", "Neglect")
    )
    details = data["edgeDetails"][str(number)]
    assert details["failings"] == [  # in IRI order
        "Health visitors did not share worries about the home",
        "Neglect is recognised too late by the council and the police",
    ]
    assert [data["documents"][span[1]] for span in details["evidence"]] == [
        "westholm-review.txt",
        "eastmere-inspection.txt",
    ]
    assert data["relations"][link[2]] == "2 failings" and link[3] == 2


def test_dates_come_from_the_assessment_or_the_node_itself(fixture_dataset):
    drawn = project(fixture_dataset)
    assert drawn.nodes[ID["inspection/eastmere-2031"]]["date"] == "2031-03"
    assert drawn.nodes[ID["judgement/eastmere-2031-overall-effectiveness"]]["date"] == "2031-03"
    assert drawn.nodes[ID["response/eastmere-2031-1"]]["date"] == "2031-03", "through its recommendation"
    assert drawn.nodes[ID["finding/child-r-1"]]["date"] == "2030"
    assert drawn.nodes[COUNCIL]["date"] is None
    assert drawn.nodes[ID["document/eastmere-inspection"]]["date"] is None, "documents never leave the range"


def test_overview_has_areas_with_latest_grades_partners_and_themes(fixture_dataset):
    overview = project(fixture_dataset).graph["overview"]
    assert overview.nodes[ID["area/eastmere"]] == {"value": 2, "grade": "inadequate", "date": "2031-03"}
    assert overview.nodes[ID["area/westholm"]]["grade"] is None, "its practice review has no judgement"
    assert overview.edges[POLICE, THEME["neglect"]]["failings"] == [
        ID["finding/child-r-1"],
        ID["finding/eastmere-2031-1"],
    ]
    assert overview.has_edge(POLICE, ID["area/eastmere"])
    assert ID["finding/eastmere-2031-1"] not in overview, "findings wait for a drill-down"
    assert {node for node in overview if str(node).startswith(str(THEME))} == {
        THEME["neglect"],
        THEME["multi-agency-working"],
        THEME["workforce"],
        THEME["online-harm"],
    }


def test_overview_stays_small_however_many_partners(fixture_dataset, monkeypatch):
    monkeypatch.setattr(project_module, "OVERVIEW_PARTNERS", 1)
    monkeypatch.setattr(project_module, "OVERVIEW_THEMES_PER_NODE", 1)
    overview = project(fixture_dataset).graph["overview"]
    partners = [node for node in overview if "/organisation/" in str(node)]
    assert partners == [POLICE], "the most implicated partner: three failings"
    assert all(
        sum(1 for target in overview.successors(node) if str(target).startswith(str(THEME))) <= 1
        for node in overview
    )


def test_a_graph_too_big_to_draw_whole_opens_on_its_overview(fixture_dataset, monkeypatch):
    monkeypatch.setattr(render_module, "WHOLE_GRAPH_LIMIT", 10)
    data = page_data(render_html(fixture_dataset))
    assert data["opening"] == "overview"
    assert not any("x" in node for node in data["details"]), "nothing laid out ahead but the overview"
    labels = [detail["label"] for detail in data["details"]]
    eastmere = next(node for node in data["overview"]["nodes"] if labels[node["id"]] == "Eastmere")
    assert (eastmere["grade"], eastmere["date"]) == ("Inadequate", "2031-03")
    assert all(isinstance(node["x"], float) for node in data["overview"]["nodes"])
    assert page_data(render_html(fixture_dataset, View.parse("area Eastmere")))["opening"] == "graph", (
        "a named view is always drawn"
    )


def test_the_full_view_lists_drawn_neighbours_as_links_not_facts(fixture_dataset):
    """On a national corpus the labels of linked nodes repeated in every node's facts were half the page."""
    finding = ID["finding/eastmere-2031-2"]
    facts = dict(project(fixture_dataset).nodes[finding]["facts"])
    assert "sg:theme" not in facts and "sg:implicates" not in facts
    assert facts["sg:statement"] == ["Social workers carry caseloads that are too high."]
    assert dict(project(fixture_dataset, View.parse("node ECC")).nodes[finding]["facts"])["sg:theme"] == [
        "Workforce"
    ]
    data = page_data(render_html(fixture_dataset))
    assert {cls["label"] for cls in data["classes"] if cls["key"]} >= {
        "Area",
        "Theme",
        "Inspection",
        "Local authority",
    }
