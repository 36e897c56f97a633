"""graph.html in Debian's headless Chromium, driven over the DevTools protocol.

Skipped with a reason when chromium is not installed, except under CI (``CI`` set),
where a missing browser fails. The seed test saves ``out/browser-seed.png``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from cdp_browser import Browser, chromium_path
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import render
from kg.project import View, open_dataset
from kg.render import render_html
from kg.vocab import ID, SG

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "graph.trig"
DRAWN = "document.body.dataset.drawn === 'true'"
HOSTILE_LABEL = '<script>window.pwned = "label"</script><img src=x onerror="window.pwned = \'img\'">'
COUNCIL = ID["organisation/eastmere-county-council"]
HOSTILE_FORMULA = '=HYPERLINK("https://example.org/x", "click")'
HOSTILE_QUOTE = "</script><img src=x onerror=\"window.pwned = 'quote'\"><b>bold?</b>"


@pytest.fixture
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI installs it in .ci/run)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    with Browser(executable) as started:
        yield started


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


def clickable(browser: Browser, node_id: int) -> bool:
    """Brought into view, is the node the one under its own centre (no other drawn over it)?"""
    browser.evaluate(f"kgNetwork.focus({node_id}, {{scale: 1.5, animation: false}})")
    under = browser.evaluate(
        f"kgNetwork.getNodeAt(kgNetwork.canvasToDOM(kgNetwork.getPositions([{node_id}])[{node_id}]))"
    )
    return under == node_id


def assert_quiet(browser: Browser, url: str) -> None:
    """No console errors and no request other than the page itself (the exports' blob: URLs
    are the page's own memory, not requests)."""
    browser.drain()
    assert browser.console_errors() == []
    page = url.partition("#")[0]
    assert [
        request
        for request in browser.requests()
        if request.partition("#")[0] != page and not request.startswith("blob:")
    ] == []


def assert_fits_the_window(browser: Browser, focused: bool = False) -> None:
    """Every drawn node (only those in focus if ``focused``), and its label, lies inside the drawing area."""
    outside = browser.evaluate(
        """(() => {
            const box = document.getElementById('kg-network').getBoundingClientRect();
            const out = [];
            for (const id of kgNetwork.body.nodeIndices.filter(id => !FOCUSED || kgState.near.has(id))) {
                const node = kgNetwork.body.nodes[id];
                const p = kgNetwork.canvasToDOM({x: node.x, y: node.y});
                if (p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height) { out.push(['node', id]); }
            }
            for (const label of kgLabels.filter(label => !label.faded)) {
                const [l, t, r, b] = label.box;
                if (l < 0 || t < 0 || r > box.width || b > box.height) { out.push(['label', label.text]); }
            }
            return out;
        })()""".replace("FOCUSED", "true" if focused else "false")
    )
    assert outside == []


def bright_and_faded(browser: Browser) -> tuple[int, int]:
    """How many drawn nodes are at full opacity and how many faded."""
    return tuple(
        browser.evaluate(
            """(() => {
            const ids = kgNetwork.body.nodeIndices;
            const faded = ids.filter(id => (kgNetwork.body.nodes[id].options.opacity ?? 1) < 1).length;
            return [ids.length - faded, faded];
        })()"""
        )
    )


def write_page(tmp_path: Path, view: str = "full", name: str = "graph.html") -> Path:
    page = tmp_path / name
    page.write_text(render_html(open_dataset(FIXTURE), View.parse(view)), encoding="utf-8")
    return page


def test_seed_graph_draws_searches_filters_and_shows_evidence(browser, seed_build, tmp_path):
    out_dir, _ = seed_build
    url = browser.open(out_dir / "graph.html")
    browser.wait_for(DRAWN, timeout=15)
    data = browser.page_data()
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(data["details"]) > 0
    assert_fits_the_window(browser)

    # Labels at the opening zoom: organisations, areas, assessments and themes among them.
    labelled = {
        data["classes"][data["details"][label["id"]]["cls"]]["label"]
        for label in browser.evaluate("kgLabels")
    }
    assert {"Area", "Theme", "Local authority", "Inspection"} <= labelled

    # The legend draws each class's shape in its colour, no two alike.
    glyphs = browser.evaluate(
        "[...document.querySelectorAll('#kg-legend .glyph')].map(g => [g.dataset.shape, g.firstChild.getAttribute('fill')])"
    )
    assert (
        len(glyphs)
        == sum(1 for cls in data["classes"] if cls["count"])
        == len({tuple(glyph) for glyph in glyphs})
    )
    assert {shape for shape, _ in glyphs} >= {
        "dot",
        "square",
        "triangle",
        "triangleDown",
        "hexagon",
        "diamond",
    }

    # Legend: unticking a class hides exactly its nodes, ticking it brings them back.
    index = max(range(len(data["classes"])), key=lambda number: data["classes"][number]["count"])
    count = data["classes"][index]["count"]
    box = f"document.querySelector('#kg-legend input[data-cls=\"{index}\"]')"
    browser.evaluate(f"{box}.click()")
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(data["details"]) - count
    browser.evaluate(f"{box}.click()")
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(data["details"])

    # Search: type the label of a node with evidence; that node is selected and focused.
    target = next(number for number, detail in enumerate(data["details"]) if detail["evidence"])
    label = data["details"][target]["label"]
    browser.type_into("#kg-search", label)
    selected = int(browser.wait_for("document.body.dataset.selected", timeout=5))
    assert data["details"][selected]["label"].casefold() == label.casefold()
    assert browser.evaluate("kgNetwork.getSelectedNodes()") == [selected]

    # Click: another node with evidence; the panel shows its quote and file name.
    other = next(
        number
        for number, detail in enumerate(data["details"])
        if detail["evidence"] and number != selected and clickable(browser, number)
    )
    click_node(browser, other)
    browser.wait_for(f"document.body.dataset.selected === '{other}'", timeout=5)
    quote, document, _, _ = data["details"][other]["evidence"][0]
    assert quote in panel_text(browser)
    assert data["documents"][document] in panel_text(browser)

    browser.screenshot(tmp_path / "browser-seed.png")  # not in out/: `make run` builds there
    assert_quiet(browser, url)


@pytest.mark.parametrize("view", ["partners-failings", "area Eastmere", "node ECC"])
def test_fixture_views_draw_without_errors(browser, tmp_path, view):
    page = tmp_path / "graph.html"
    page.write_text(render_html(open_dataset(FIXTURE), View.parse(view)), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    assert browser.evaluate("kgNetwork.body.nodeIndices.length") == len(browser.page_data()["details"])
    assert_fits_the_window(browser)
    assert_quiet(browser, url)


def test_theme_and_area_filters_show_only_their_nodes(browser, tmp_path):
    page = tmp_path / "graph.html"
    page.write_text(render_html(open_dataset(FIXTURE)), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    data = browser.page_data()
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
    assert (
        browser.evaluate(shown)
        == sum(workforce in detail.get("themes", []) for detail in data["details"])
        == 7
    )
    choose("kg-area", "Westholm")
    assert browser.evaluate(shown) == 0, "no Workforce node in Westholm"
    choose("kg-theme", "All themes")
    westholm = [area["label"] for area in data["areas"]].index("Westholm")
    assert browser.evaluate(shown) == sum(westholm in detail.get("areas", []) for detail in data["details"])
    assert_quiet(browser, url)


def test_partners_failings_edge_click_shows_the_failings(browser, tmp_path):
    page = tmp_path / "partners.html"
    page.write_text(render_html(open_dataset(FIXTURE), View.parse("partners-failings")), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    data = browser.page_data()
    labels = [detail["label"] for detail in data["details"]]
    police, neglect = labels.index("Eastmere Constabulary"), labels.index("Neglect")
    number, link = next(
        (number, link) for number, link in enumerate(data["links"]) if link[:2] == [police, neglect]
    )
    assert data["relations"][link[2]] == "2 failings"
    edge = {"id": number}
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
    formula = ID["organisation/formula-charity"]
    graph.add((formula, RDF.type, SG.Charity))
    graph.add((formula, RDFS.label, Literal(HOSTILE_FORMULA)))
    graph.add((formula, SG.mentionedIn, document))
    return dataset


def test_markup_in_labels_and_quotes_stays_text(browser, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_dataset()), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)

    browser.type_into("#kg-search", 'window.pwned = "label"')
    selected = int(browser.wait_for("document.body.dataset.selected", timeout=5))
    assert browser.page_data()["details"][selected]["label"] == HOSTILE_LABEL
    click_node(browser, selected)
    browser.wait_for(f"document.body.dataset.selected === '{selected}'", timeout=5)
    browser.drain(0.5)

    text = panel_text(browser)
    assert HOSTILE_LABEL in text and HOSTILE_QUOTE in text and "<b>hostile</b>.txt" in text
    assert browser.evaluate("typeof window.pwned") == "undefined"
    counts = browser.evaluate(
        "[document.querySelectorAll('img').length, document.querySelectorAll('b').length]"
    )
    assert counts == [0, 0]
    assert browser.evaluate("document.querySelectorAll('script').length") == 5, (
        "three data blocks and two scripts"
    )
    assert_quiet(browser, url)
    assert json.dumps(HOSTILE_QUOTE) not in page.read_text(encoding="utf-8"), (
        "raw markup must not reach the file"
    )


def test_the_csv_export_keeps_markup_and_formulas_as_text(browser, tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_dataset()), encoding="utf-8")
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    downloads = tmp_path / "downloads"
    browser.allow_downloads(downloads)
    browser.evaluate("document.getElementById('kg-csv').click()")  # nothing selected: everything drawn
    rows = list(
        csv.reader(
            io.StringIO(
                browser.wait_for_file(downloads / "sgkg-selection.csv", timeout=10).decode("utf-8-sig")
            )
        )
    )
    cells = {row[0]: row for row in rows[1:]}
    assert cells[HOSTILE_LABEL][4:6] == [HOSTILE_QUOTE, "<b>hostile</b>.txt"]
    assert "'" + HOSTILE_FORMULA in cells, "a spreadsheet must not run it"
    assert browser.evaluate("typeof window.pwned") == "undefined"
    assert_quiet(browser, url)


def test_search_fades_the_rest_and_expand_brightens_one_step_more(browser, tmp_path):
    url = browser.open(write_page(tmp_path))
    browser.wait_for(DRAWN, timeout=10)
    data = browser.page_data()
    everything = len(data["details"])
    browser.type_into("#kg-search", "Neglect")
    selected = int(browser.wait_for("document.body.dataset.selected", timeout=5))
    assert data["details"][selected]["label"] == "Neglect"
    bright, faded = bright_and_faded(browser)
    assert bright + faded == everything, "nothing is hidden"
    assert bright == 4 and faded == everything - 4, (
        "the theme, its two failings and the inspection it is the subject of"
    )
    labels = browser.evaluate("kgLabels")
    assert any(label["faded"] for label in labels), "labels of the rest fade too"
    assert [label["faded"] for label in labels if label["id"] == selected] == [False]
    assert_fits_the_window(browser, focused=True)

    browser.evaluate("document.getElementById('kg-expand').click()")
    browser.wait_for("kgState.depth === 2", timeout=5)
    wider, _ = bright_and_faded(browser)
    assert wider > bright
    browser.evaluate("document.getElementById('kg-expand').click()")
    browser.wait_for("kgState.depth === 3", timeout=5)
    assert bright_and_faded(browser)[0] > wider
    assert_quiet(browser, url)


def test_the_address_keeps_the_view_and_a_saved_link_reopens_it(browser, tmp_path):
    page = write_page(tmp_path)
    browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    documents = [cls["label"] for cls in browser.page_data()["classes"]].index("Source document")
    browser.evaluate(f"document.querySelector('#kg-legend input[data-cls=\"{documents}\"]').click()")
    browser.type_into("#kg-search", "ECC")
    browser.wait_for("document.body.dataset.selected", timeout=5)
    browser.evaluate("document.getElementById('kg-expand').click()")
    browser.wait_for("location.hash.includes('depth=2')", timeout=5)
    fragment = browser.evaluate("location.hash").lstrip("#")
    assert "hide=Source+document" in fragment and "eastmere-county-council" in fragment

    with Browser(chromium_path()) as fresh:
        url = fresh.open(page, fragment + "&from=2031&to=2031")
        fresh.wait_for(DRAWN, timeout=10)
        data = fresh.page_data()
        council = [detail["iri"] for detail in data["details"]].index(str(COUNCIL))
        assert fresh.evaluate("kgNetwork.getSelectedNodes()") == [council]
        assert fresh.evaluate("kgState.depth") == 2
        assert (
            fresh.evaluate(f"document.querySelector('#kg-legend input[data-cls=\"{documents}\"]').checked")
            is False
        )
        assert fresh.evaluate(
            "[document.getElementById('kg-from').value, document.getElementById('kg-to').value]"
        ) == ["2031", "2031"]
        drawn = set(fresh.evaluate("kgNetwork.body.nodeIndices"))
        review = [detail["iri"] for detail in data["details"]].index(str(ID["practice-review/child-r"]))
        assert review not in drawn, "2030 is outside the range"
        assert not any(
            data["classes"][data["details"][node]["cls"]]["label"] == "Source document" for node in drawn
        )
        assert "Eastmere County Council" in panel_text(fresh)
        assert_quiet(fresh, url)


def test_the_date_range_filters_dated_nodes_only(browser, tmp_path):
    url = browser.open(write_page(tmp_path))
    browser.wait_for(DRAWN, timeout=10)
    data = browser.page_data()
    labels = [detail["label"] for detail in data["details"]]
    iris = [detail["iri"] for detail in data["details"]]
    review, inspection = (
        iris.index(str(ID["practice-review/child-r"])),
        labels.index("Inspection of Eastmere children's services, 2031"),
    )
    judgement, response = (
        labels.index("Overall effectiveness: inadequate"),
        labels.index("Response of Eastmere County Council"),
    )

    def set_range(low: int, high: int) -> set:
        browser.evaluate(
            f"""(() => {{
                for (const [id, value] of [['kg-from', {low}], ['kg-to', {high}]]) {{
                    const input = document.getElementById(id);
                    input.value = String(value);
                    input.dispatchEvent(new Event('input'));
                }}
            }})()"""
        )
        return set(browser.evaluate("kgNetwork.body.nodeIndices"))

    assert browser.evaluate(
        "[document.getElementById('kg-from').min, document.getElementById('kg-to').max]"
    ) == ["2030", "2031"]
    before = set_range(2030, 2030)
    assert review in before and not {inspection, judgement, response} & before
    assert labels.index("Eastmere County Council") in before, "undated nodes stay"
    after = set_range(2031, 2031)
    assert review not in after and {inspection, judgement, response} <= after
    assert len(set_range(2030, 2031)) == len(data["details"])
    assert_quiet(browser, url)


def test_png_and_csv_exports_write_files(browser, tmp_path):
    url = browser.open(write_page(tmp_path))
    browser.wait_for(DRAWN, timeout=10)
    downloads = tmp_path / "downloads"
    browser.allow_downloads(downloads)
    browser.type_into("#kg-search", "Neglect")
    browser.wait_for("document.body.dataset.selected", timeout=5)
    browser.evaluate("document.getElementById('kg-png').click()")
    png = browser.wait_for_file(downloads / "sgkg-view.png", timeout=10)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    browser.evaluate("document.getElementById('kg-csv').click()")
    rows = list(
        csv.reader(
            io.StringIO(
                browser.wait_for_file(downloads / "sgkg-selection.csv", timeout=10).decode("utf-8-sig")
            )
        )
    )
    assert rows[0] == ["label", "class", "iri", "date", "quote", "document", "start", "end"]
    assert [
        "Neglect is recognised too late by the council and the police",
        "Failing",
        str(ID["finding/eastmere-2031-1"]),
        "2031-03",
        "Neglect is recognised too late by the council and the police.",
        "eastmere-inspection.txt",
        "200",
        "262",
    ] in rows
    assert {row[0] for row in rows[1:]} == {
        "Neglect",
        "Neglect is recognised too late by the council and the police",
        "Health visitors did not share worries about the home",
        "Inspection of Eastmere children's services",
    }
    assert_quiet(browser, url)


def test_overview_drills_into_an_area_then_a_failing_and_its_evidence(browser, tmp_path, monkeypatch):
    """A graph too big to draw whole opens on the overview (forced here on the fixture)."""
    monkeypatch.setattr(render, "WHOLE_GRAPH_LIMIT", 10)
    page = write_page(tmp_path)
    url = browser.open(page)
    browser.wait_for(DRAWN, timeout=10)
    data = browser.page_data()
    assert data["opening"] == "overview" and "x" not in data["details"][0]
    labels = [detail["label"] for detail in data["details"]]
    assert sorted(labels[node] for node in browser.evaluate("kgNetwork.body.nodeIndices")) == sorted(
        labels[node["id"]] for node in data["overview"]["nodes"]
    )
    assert_fits_the_window(browser)
    eastmere = labels.index("Eastmere")
    assert (
        browser.evaluate(f"kgNetwork.body.data.nodes.get({eastmere}).title")
        == "Eastmere: latest grade Inadequate (2031-03)"
    )

    click_node(browser, eastmere)
    browser.wait_for(f"document.body.dataset.selected === '{eastmere}'", timeout=5)
    browser.evaluate("document.getElementById('kg-open').click()")
    browser.wait_for(f"kgState.mode === 'graph' && kgState.drill === {eastmere}", timeout=5)
    drawn = {labels[node] for node in browser.evaluate("kgNetwork.body.nodeIndices")}
    assert "Inspection of Eastmere children's services, 2031" in drawn and len(drawn) < len(data["details"])
    assert_fits_the_window(browser)

    inspection = labels.index("Inspection of Eastmere children's services, 2031")
    click_node(browser, inspection)
    browser.wait_for(f"document.body.dataset.selected === '{inspection}'", timeout=5)
    browser.evaluate(
        "[...document.querySelectorAll('#kg-panel li button')]"
        ".find(button => button.textContent === 'Social workers carry caseloads that are too high').click()"
    )
    browser.wait_for(
        f"document.body.dataset.selected === '{labels.index('Social workers carry caseloads that are too high')}'",
        timeout=5,
    )
    assert "eastmere-inspection.txt, characters 300\u2013349" in panel_text(browser)
    assert "drill=" in browser.evaluate("location.hash")
    assert_quiet(browser, url)
