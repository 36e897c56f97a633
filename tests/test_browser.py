"""graph.html in Debian's headless Chromium, driven over the DevTools protocol.

Skipped with a reason when chromium is not installed, except under CI (``CI`` set),
where a missing browser fails. The seed test saves ``out/browser-seed.png``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cdp_browser import Browser, chromium_path
from kg.project import View, load_dataset
from kg.render import render_html
from kg.vocab import ID, SG

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "graph.trig"
DRAWN = "document.body.dataset.drawn === 'true'"
HOSTILE_LABEL = '<script>window.pwned = "label"</script><img src=x onerror="window.pwned = \'img\'">'
HOSTILE_QUOTE = '</script><img src=x onerror="window.pwned = \'quote\'"><b>bold?</b>'


@pytest.fixture
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI installs it in .ci/run)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    with Browser(executable) as started:
        yield started


def page_data(browser: Browser) -> dict:
    return browser.evaluate("JSON.parse(document.getElementById('kg-data').textContent)")


def panel_text(browser: Browser) -> str:
    return browser.evaluate("document.getElementById('kg-panel').textContent")


def click_node(browser: Browser, node_id: int) -> None:
    """Bring the node into view and click it with the mouse."""
    browser.evaluate(f"kgNetwork.focus({node_id}, {{scale: 1.5, animation: false}})")
    x, y = browser.evaluate(
        f"""(() => {{
            const point = kgNetwork.canvasToDOM(kgNetwork.getPositions([{node_id}])[{node_id}]);
            const box = document.getElementById('kg-network').getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }})()"""
    )
    browser.click(x, y)


def assert_quiet(browser: Browser, url: str) -> None:
    """No console errors and no request other than the page itself."""
    browser.drain()
    assert browser.console_errors() == []
    assert [request for request in browser.requests() if request != url] == []


def test_seed_graph_draws_searches_filters_and_shows_evidence(browser, seed_build):
    out_dir, _ = seed_build
    url = browser.open(out_dir / "graph.html")
    browser.wait_for(DRAWN, timeout=15)
    data = page_data(browser)
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(data["nodes"]) > 0

    # Legend: unticking a class hides exactly its nodes, ticking it brings them back.
    index = max(range(len(data["classes"])), key=lambda number: data["classes"][number]["count"])
    count = data["classes"][index]["count"]
    box = f"document.querySelector('#kg-legend input[data-cls=\"{index}\"]')"
    browser.evaluate(f"{box}.click()")
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(data["nodes"]) - count
    browser.evaluate(f"{box}.click()")
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(data["nodes"])

    # Search: type the label of a node with evidence; that node is selected and focused.
    target = next(number for number, detail in enumerate(data["details"]) if detail["evidence"])
    label = data["details"][target]["label"]
    browser.type_into("#kg-search", label)
    selected = int(browser.wait_for("document.body.dataset.selected", timeout=5))
    assert data["details"][selected]["label"].casefold() == label.casefold()
    assert browser.evaluate("kgNetwork.getSelectedNodes()") == [selected]

    # Click: another node with evidence; the panel shows its quote and file name.
    other = next(
        number for number, detail in enumerate(data["details"]) if detail["evidence"] and number != selected
    )
    click_node(browser, other)
    browser.wait_for(f"document.body.dataset.selected === '{other}'", timeout=5)
    evidence = data["details"][other]["evidence"][0]
    assert evidence["quote"] in panel_text(browser)
    assert evidence["document"] in panel_text(browser)

    browser.screenshot(ROOT / "out" / "browser-seed.png")
    assert_quiet(browser, url)


@pytest.mark.parametrize("view", ["partners-failings", "area Eastmere", "node ECC"])
def test_fixture_views_draw_without_errors(browser, tmp_path, view):
    page = tmp_path / "graph.html"
    page.write_text(render_html(load_dataset(FIXTURE), View.parse(view)), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(page_data(browser)["nodes"])
    assert_quiet(browser, url)


def test_theme_and_area_filters_show_only_their_nodes(browser, tmp_path):
    page = tmp_path / "graph.html"
    page.write_text(render_html(load_dataset(FIXTURE)), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    data = page_data(browser)
    shown = "Object.values(kgNetwork.body.nodes).length"

    def choose(select: str, label: str) -> None:
        browser.evaluate(
            f"""(() => {{
                const select = document.getElementById({json.dumps(select)});
                select.value = [...select.options].find(option => option.text.startsWith({json.dumps(label)})).value;
                select.dispatchEvent(new Event('change'));
            }})()"""
        )

    workforce = [theme["label"] for theme in data["themes"]].index("Workforce")
    choose("kg-theme", "Workforce")
    # The theme, the failing and the recommendation that carry it, their inspection, the
    # council they implicate or address, the response, and the document about it.
    assert browser.evaluate(shown) == sum(workforce in detail["themes"] for detail in data["details"]) == 7
    choose("kg-area", "Westholm")
    assert browser.evaluate(shown) == 0, "no Workforce node in Westholm"
    choose("kg-theme", "All themes")
    westholm = [area["label"] for area in data["areas"]].index("Westholm")
    assert browser.evaluate(shown) == sum(westholm in detail["areas"] for detail in data["details"])
    assert_quiet(browser, url)


def test_partners_failings_edge_click_shows_the_failings(browser, tmp_path):
    page = tmp_path / "partners.html"
    page.write_text(render_html(load_dataset(FIXTURE), View.parse("partners-failings")), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    data = page_data(browser)
    labels = [detail["label"] for detail in data["details"]]
    police, neglect = labels.index("Eastmere Constabulary"), labels.index("Neglect")
    edge = next(edge for edge in data["edges"] if (edge["from"], edge["to"]) == (police, neglect))
    assert edge["title"] == "2 failings"
    x, y = browser.evaluate(
        f"""(() => {{
            const ends = kgNetwork.getPositions([{police}, {neglect}]);
            const along = (start, end) => start + (end - start) / 4;
            const quarter = {{x: along(ends[{police}].x, ends[{neglect}].x), y: along(ends[{police}].y, ends[{neglect}].y)}};
            const point = kgNetwork.canvasToDOM(quarter);
            const box = document.getElementById('kg-network').getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }})()"""
    )
    browser.click(x, y)  # a quarter of the way along: other edges cross at the middle
    browser.wait_for(f"document.body.dataset.edge === '{edge['id']}'", timeout=5)
    text = panel_text(browser)
    assert "Failings (2)" in text
    assert "Health visitors did not share worries about the home." in text
    assert "eastmere-inspection.txt, characters 200\u2013262" in text
    assert_quiet(browser, url)


def hostile_dataset() -> Dataset:
    dataset = Dataset()
    graph = dataset.graph(URIRef("https://w3id.org/sgkg/graph/hostile"))
    charity = ID["organisation/hostile-charity"]
    evidence = ID["evidence/hostile-0-10"]
    document = ID["document/hostile"]
    graph.add((charity, RDF.type, SG.Charity))
    graph.add((charity, RDFS.label, Literal(HOSTILE_LABEL)))
    graph.add((charity, SG.evidence, evidence))
    graph.add((evidence, RDF.type, SG.Evidence))
    graph.add((evidence, SG.quote, Literal(HOSTILE_QUOTE)))
    graph.add((evidence, SG.inDocument, document))
    graph.add((document, RDF.type, SG.SourceDocument))
    graph.add((document, RDFS.label, Literal("<img src=x onerror=\"window.pwned = 'document'\">")))
    graph.add((document, SG.fileName, Literal("<b>hostile</b>.txt")))
    graph.add((charity, SG.mentionedIn, document))
    return dataset


def test_markup_in_labels_and_quotes_stays_text(browser, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_dataset()), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)

    browser.type_into("#kg-search", 'window.pwned = "label"')
    selected = int(browser.wait_for("document.body.dataset.selected", timeout=5))
    assert page_data(browser)["details"][selected]["label"] == HOSTILE_LABEL
    click_node(browser, selected)
    browser.wait_for(f"document.body.dataset.selected === '{selected}'", timeout=5)
    browser.drain(0.5)

    text = panel_text(browser)
    assert HOSTILE_LABEL in text and HOSTILE_QUOTE in text and "<b>hostile</b>.txt" in text
    assert browser.evaluate("typeof window.pwned") == "undefined"
    counts = browser.evaluate("[document.querySelectorAll('img').length, document.querySelectorAll('b').length]")
    assert counts == [0, 0]
    assert browser.evaluate("document.querySelectorAll('script').length") == 3
    assert_quiet(browser, url)
    assert json.dumps(HOSTILE_QUOTE) not in page.read_text(encoding="utf-8"), "raw markup must not reach the file"
