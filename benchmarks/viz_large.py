"""How graph.html copes with a large graph: render time, time to first draw, time to answer a search.

Generates a synthetic graph that keeps the contract (fictional areas, each with a council,
a police force, a health trust and a partnership, assessments, judgements, failings,
strengths, recommendations, responses, people and memberships), renders it with
``kg.render.render_html``, opens the page in Debian's headless Chromium and prints:

- the Python render time and the page size;
- time to first draw: from navigation start to vis-network's first ``afterDrawing``;
- time to answer a search: from submitting the search box to the first drawing with the
  match selected, focused and its neighbours highlighted.

Run: .venv/bin/python benchmarks/viz_large.py [--nodes 5000] [--keep out/viz_large.html]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import FOAF, ORG, RDF, RDFS, SKOS

from kg.render import render_html
from kg.vocab import GRADE, SG, THEME, graph_iri, mint
from tests.cdp_browser import Browser, chromium_path

THEMES = (
    "neglect",
    "domestic-abuse",
    "exploitation",
    "workforce",
    "multi-agency-working",
    "early-help",
    "assessment-quality",
)
GRADES = ("outstanding", "good", "requires-improvement", "inadequate")
# Drawn nodes per area (see add_area); themes and roles come on top.
NODES_PER_AREA = 33


def synthetic(nodes: int) -> Dataset:
    dataset = Dataset()
    schemes = dataset.graph(graph_iri("schemes"))
    for theme in THEMES:
        schemes.add((THEME[theme], RDF.type, SKOS.Concept))
        schemes.add((THEME[theme], SKOS.prefLabel, Literal(theme.replace("-", " ").capitalize())))
    for number in range(math.ceil(nodes / NODES_PER_AREA)):
        add_area(dataset, number)
    return dataset


def add(graph, node: URIRef, cls: URIRef, label: str) -> URIRef:
    graph.add((node, RDF.type, cls))
    graph.add((node, RDFS.label, Literal(label)))
    return node


def evidence(graph, node: URIRef, document: URIRef, key: str, quote: str) -> None:
    span = add(graph, mint("evidence", key), SG.Evidence, quote)
    graph.add((span, SG.quote, Literal(quote)))
    graph.add((span, SG.inDocument, document))
    graph.add((node, SG.evidence, span))


def add_area(dataset: Dataset, number: int) -> None:
    name = f"Area {number:03d}"
    graph = dataset.graph(graph_iri(f"report-{number:03d}"))
    document = add(graph, mint("document", f"report-{number:03d}"), SG.SourceDocument, f"Report on {name}")
    graph.add((document, SG.fileName, Literal(f"report-{number:03d}.txt")))
    area = add(graph, mint("area", name), SG.Area, name)
    partners = [
        add(graph, mint("organisation", name, kind), cls, f"{name} {kind}")
        for kind, cls in (
            ("Council", SG.LocalAuthority),
            ("Police", SG.PoliceForce),
            ("Health Trust", SG.HealthBody),
        )
    ]
    partnership = add(
        graph, mint("organisation", name, "Partnership"), SG.SafeguardingPartnership, f"{name} Partnership"
    )
    for partner in partners:
        graph.add((partnership, ORG.hasMember, partner))
    for organisation in (*partners, partnership):
        graph.add((organisation, SG.area, area))
        graph.add((organisation, SG.mentionedIn, document))
    for person_number, role in enumerate(("Chair", "Independent Scrutineer")):
        person = add(
            graph,
            mint("person", name, "person", person_number),
            FOAF.Person,
            f"Person {number:03d}-{person_number}",
        )
        graph.add((person, FOAF.name, Literal(f"Person {number:03d}-{person_number}")))
        role_node = add(graph, mint("role", role), ORG.Role, role)
        membership = add(
            graph, mint("membership", name, role), ORG.Membership, f"{role} of {name} Partnership"
        )
        graph.add((membership, ORG.member, person))
        graph.add((membership, ORG.role, role_node))
        graph.add((membership, ORG.organization, partnership))
        evidence(
            graph,
            membership,
            document,
            f"{number}-role-{person_number}",
            f"The {role.lower()} of the partnership.",
        )
    for assessment_number in range(2):
        add_assessment(graph, number, assessment_number, name, area, partners, document)


def add_assessment(graph, number: int, assessment_number: int, name: str, area, partners, document) -> None:
    key = f"{name} {assessment_number}"
    assessment = add(
        graph, mint("inspection", key), SG.Inspection, f"Inspection of {name} ({assessment_number + 1})"
    )
    graph.add((assessment, SG.area, area))
    graph.add((assessment, SG.assesses, partners[0]))
    graph.add((document, SG.reportsOn, assessment))
    for judgement_number in range(2 if assessment_number else 1):
        judgement = add(
            graph, mint("judgement", key, judgement_number), SG.Judgement, f"Judgement {judgement_number + 1}"
        )
        graph.add((judgement, SG.grade, GRADE[GRADES[(number + judgement_number) % 4]]))
        graph.add((judgement, SG.aspect, Literal("overall effectiveness")))
        graph.add((assessment, SG.hasJudgement, judgement))
        evidence(graph, judgement, document, f"{key}-judgement-{judgement_number}", "Services are judged.")
    for finding_number in range(6):
        failing = finding_number < 4
        finding = add(
            graph,
            mint("finding", key, finding_number),
            SG.Failing if failing else SG.Strength,
            f"{'Failing' if failing else 'Strength'} {finding_number + 1} in {name}",
        )
        graph.add((finding, SG.theme, THEME[THEMES[(number + finding_number) % len(THEMES)]]))
        graph.add((finding, SG.implicates, partners[finding_number % 3]))
        graph.add((finding, SG.statement, Literal(f"Finding {finding_number + 1} about practice in {name}.")))
        graph.add((assessment, SG.hasFinding, finding))
        evidence(
            graph,
            finding,
            document,
            f"{key}-finding-{finding_number}",
            f"Finding {finding_number + 1} about practice.",
        )
    for recommendation_number in range(2 - assessment_number):
        recommendation = add(
            graph,
            mint("recommendation", key, recommendation_number),
            SG.Recommendation,
            f"Recommendation {recommendation_number + 1}",
        )
        graph.add((recommendation, SG.addressedTo, partners[recommendation_number]))
        graph.add((assessment, SG.hasRecommendation, recommendation))
        response = add(
            graph,
            mint("response", key, recommendation_number),
            SG.Response,
            f"Response {recommendation_number + 1}",
        )
        graph.add((response, SG.respondent, partners[recommendation_number]))
        graph.add((recommendation, SG.hasResponse, response))
        evidence(
            graph, recommendation, document, f"{key}-recommendation-{recommendation_number}", "We recommend."
        )
        evidence(graph, response, document, f"{key}-response-{recommendation_number}", "We respond.")


def measure(page: Path, search: str) -> tuple[float, float, int]:
    executable = chromium_path()
    if executable is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with Browser(executable, timeout=120) as browser:
        browser.open(page)
        browser.wait_for("document.body.dataset.drawn === 'true'", timeout=120)
        drawn = browser.evaluate("performance.getEntriesByName('kg-drawn')[0].startTime")
        count = browser.evaluate("kgNetwork.body.nodeIndices.length")
        browser.type_into("#kg-search", search)
        browser.wait_for("performance.getEntriesByName('kg-found').length > 0", timeout=120)
        answered = browser.evaluate(
            "performance.getEntriesByName('kg-found')[0].startTime - performance.getEntriesByName('kg-search')[0].startTime"
        )
        errors = browser.console_errors()
    if errors:
        raise SystemExit(f"console errors: {errors}")
    return drawn / 1000, answered / 1000, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000, help="about how many nodes to draw")
    parser.add_argument("--keep", type=Path, help="also write the page here")
    arguments = parser.parse_args()

    dataset = synthetic(arguments.nodes)
    started = time.perf_counter()
    page_text = render_html(dataset)
    rendered = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "graph.html"
        page.write_text(page_text, encoding="utf-8")
        if arguments.keep:
            arguments.keep.parent.mkdir(parents=True, exist_ok=True)
            arguments.keep.write_text(page_text, encoding="utf-8")
        drawn, answered, count = measure(page, "Area 007 Health Trust")
    print(f"nodes drawn:             {count}")
    print(f"render (Python):         {rendered:.2f} s, page {len(page_text.encode()) / 1e6:.1f} MB")
    print(f"time to first draw:      {drawn:.2f} s")
    print(f"time to answer a search: {answered:.2f} s")
    print(f"first draw + search:     {drawn + answered:.2f} s (goal: under 3 s)")


if __name__ == "__main__":
    main()
