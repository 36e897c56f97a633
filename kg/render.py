"""The interactive graph: ``out/graph.html``, one self-contained page that works offline.

Implements "Outputs of a build" (``graph.html``) of ONTOLOGY.md. ``kg.project`` chooses
what is drawn, ``kg.layout`` places it, this module turns the networkx graph into
vis-network's nodes and edges and writes them into our own template
(``kg/data/viz/page.html``) with vis-network's script and style inlined from the pyvis
package, so the page makes no request at all. The page's script (``app.js``) draws the
labels, the legend, the overview and drill-downs, focus, the date range, the view in
the address and the exports.

Safety: text from documents reaches the page only inside a JSON script block in which
``<``, ``>`` and ``&`` are escaped, and the page's script sets it with textContent. A
Content-Security-Policy allows only the page's own scripts (by hash) and no fetching.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from functools import cache
from importlib.resources import files
from pathlib import Path
from string import Template

import networkx as nx
from rdflib import Dataset

from . import datafiles
from .export import write_atomically
from .layout import SPACING, column, columns, satellites, spring_positions, tiles
from .project import View, class_styles, grade_colours, load_dataset, project
from .resources import data_path, load_json

_VIS_FOLDER = "lib/vis-9.1.2"
# Characters that must not appear raw inside a <script> element (U+2028/9 end JS lines).
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


# Up to this many nodes the page opens on the whole graph, laid out ahead; a larger graph
# opens on its overview (``kg.project``) and lays out in the browser only what the analyst
# drills into (a radial layout around the chosen node), so neither the build nor the
# browser ever lays out a national corpus at once.
WHOLE_GRAPH_LIMIT = 2500


def render_html(dataset: Dataset, view: View = View()) -> str:
    """The page for ``view`` of ``dataset``; the same graph always gives the same bytes.

    The full view of a graph over WHOLE_GRAPH_LIMIT nodes opens on the overview.
    Raises InputError when the view names an area or node the graph does not have.
    """
    drawn = project(dataset, view)
    whole = view.kind != "full" or len(drawn) <= WHOLE_GRAPH_LIMIT
    positions = _positions(drawn, view) if whole else {}
    return _page(_vis_data(drawn, positions), drawn, view, opening="graph" if whole else "overview")


def render_file(graph_path: Path, out: Path, view: View = View()) -> Path:
    """Read the graph file at ``graph_path`` and write its page to ``out``.

    Raises GraphNotFound when ``graph_path`` is missing, InputError when it cannot be read.
    """
    page = render_html(load_dataset(graph_path), view)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(out, page)


def _positions(drawn: nx.DiGraph, view: View) -> dict:
    if view.kind != "partners-failings":
        loose = set(datafiles.viz_classes().loose_relations)
        pulls = nx.DiGraph()
        pulls.add_nodes_from(drawn)
        for source, target, attributes in drawn.edges(data=True):
            pulls.add_edge(source, target, pull=0.1 if loose.issuperset(attributes["relations"]) else 1.0)
        return spring_positions(pulls, weight="pull")
    kinds = {node: attributes["cls"] for node, attributes in drawn.nodes(data=True)}
    judgements = {
        node: next(iter(drawn.successors(node))) for node, cls in kinds.items() if cls == "sg:Judgement"
    }
    partners = sorted(
        (node for node, cls in kinds.items() if cls not in ("skos:Concept", "sg:Judgement")),
        key=lambda node: (-drawn.nodes[node]["value"], drawn.nodes[node]["label"]),
    )
    rank = {node: number for number, node in enumerate(partners)}
    themes = sorted(
        (node for node, cls in kinds.items() if cls == "skos:Concept"),
        key=lambda node: (_barycentre(drawn, node, rank), drawn.nodes[node]["label"]),
    )
    positions = columns(partners, themes)
    positions.update(satellites(positions, judgements))
    return positions


def _barycentre(drawn: nx.DiGraph, theme, rank: dict) -> float:
    """The mean row of the organisations tied to ``theme``, weighted by failings."""
    ties = [
        (rank[source], drawn.edges[source, theme]["weight"])
        for source in drawn.predecessors(theme)
        if source in rank
    ]
    total = sum(weight for _, weight in ties)
    return sum(row * weight for row, weight in ties) / total if total else math.inf


def _vis_data(drawn: nx.DiGraph, positions: dict) -> dict:
    """What the page draws and shows, compact, since a national corpus has 70,000 nodes.

    ``details`` has one entry per node (its id is its index): label, class, size
    (``value``), grade, date, position when laid out ahead, facts, evidence and filters.
    ``links`` are ``[from, to, relation, weight]`` (relation indexes ``relations``);
    evidence spans are ``[quote, document, start, end]`` (document indexes ``documents``).
    The page makes vis-network's nodes and edges from these, only for what it draws;
    nodes get no vis ``label``: the page draws labels itself, shortened and never
    overlapping, and the hover text (``title``) holds the full label.
    """
    styles = {style.key: number for number, style in enumerate(class_styles())}
    ids = {node: number for number, node in enumerate(drawn)}
    relations: dict[str, int] = {}
    links = []
    for source, target, attributes in drawn.edges(data=True):
        relation = relations.setdefault(", ".join(attributes["relations"]), len(relations))
        links.append([ids[source], ids[target], relation, attributes["weight"]])
    documents: dict[str, int] = {}
    themes = _choices(drawn, "themes")
    areas = _choices(drawn, "areas")
    indexes = {
        key: {value: number for number, value in enumerate(found)}
        for key, found in (("themes", themes), ("areas", areas))
    }
    details = [
        _details(node, attributes, styles, indexes, positions.get(node))
        for node, attributes in drawn.nodes(data=True)
    ]
    return {
        "details": details,
        "more": [_more(attributes, documents) for _, attributes in drawn.nodes(data=True)],
        "links": links,
        "relations": list(relations),
        "edgeDetails": {
            str(number): {
                "failings": attributes["failings"],
                "evidence": [_span(span, documents) for span in attributes["evidence"]],
            }
            for number, (_, _, attributes) in enumerate(drawn.edges(data=True))
            if "failings" in attributes
        },
        "documents": list(documents),
        "themes": [
            {"label": drawn.graph["names"][theme], "count": count, "id": ids.get(theme)}
            for theme, count in themes.items()
        ],
        "areas": [
            {"label": drawn.graph["names"][area], "count": count, "id": ids.get(area)}
            for area, count in areas.items()
        ],
        "overview": _overview_data(drawn, ids) if "overview" in drawn.graph else None,
    }


def _span(span: dict, documents: dict) -> list:
    return [span["quote"], documents.setdefault(span["document"], len(documents)), span["start"], span["end"]]


def _overview_data(drawn: nx.DiGraph, ids: dict) -> dict:
    """The overview's nodes (id, position, size, an area's latest grade and its date) and edges, laid out ahead."""
    overview = drawn.graph["overview"]
    grades = grade_colours()
    positions = _overview_positions(drawn, overview)
    nodes = []
    for node, attributes in overview.nodes(data=True):
        x, y = positions[node]
        item = {"id": ids[node], "x": x, "y": y, "value": attributes["value"]}
        if attributes["grade"] in grades:
            item["grade"] = grades[attributes["grade"]][0]
            item["date"] = attributes["date"]
        nodes.append(item)
    edges = [
        {
            "from": ids[source],
            "to": ids[target],
            "relation": ", ".join(attributes["relations"]),
            "weight": attributes["weight"],
            "failings": [ids[failing] for failing in attributes["failings"]],
        }
        for source, target, attributes in overview.edges(data=True)
    ]
    return {"nodes": nodes, "edges": edges}


def _overview_positions(drawn: nx.DiGraph, overview: nx.DiGraph) -> dict:
    """Areas as tiles in alphabetical order, then a column of themes, then one of partners,
    each column in the order of the rows it is tied to, so that ties cross little."""
    kinds = {node: drawn.nodes[node]["cls"] for node in overview}
    areas = sorted(
        (node for node, cls in kinds.items() if cls == "sg:Area"),
        key=lambda node: (drawn.nodes[node]["label"], node),
    )
    positions = tiles(areas)
    right = max((x for x, _ in positions.values()), default=0.0) + 4 * SPACING
    height = max((y for _, y in positions.values()), default=0.0)
    themes = [node for node, cls in kinds.items() if cls == "skos:Concept"]
    partners = [node for node, cls in kinds.items() if cls not in ("sg:Area", "skos:Concept")]
    for group, x in ((themes, right), (partners, right + 4 * SPACING)):
        ordered = sorted(
            group, key=lambda node: (_mean_row(overview, node, positions), drawn.nodes[node]["label"], node)
        )
        positions.update(column(ordered, x, 0.0, max(height, SPACING * (len(group) - 1) / 2)))
    return positions


def _mean_row(overview: nx.DiGraph, node, positions: dict) -> float:
    """The mean height of the placed nodes tied to ``node``, weighted by failings."""
    ties = [
        (positions[other][1], overview.edges[edge]["weight"])
        for edge in [*overview.in_edges(node), *overview.out_edges(node)]
        for other in edge
        if other != node and other in positions
    ]
    total = sum(weight for _, weight in ties)
    return sum(row * weight for row, weight in ties) / total if total else math.inf


def _choices(drawn: nx.DiGraph, key: str) -> dict:
    """The themes or areas nodes filter on (IRI -> how many nodes), sorted by label."""
    counts: dict = {}
    for _, values in drawn.nodes(data=key):
        for value in values:
            counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (drawn.graph["names"][item[0]], item[0])))


def _details(node, attributes: dict, styles: dict, indexes: dict, position: tuple | None) -> dict:
    """What the page needs of a node to draw, filter and search it; empty keys left out."""
    grades = grade_colours()
    detail = {
        "iri": str(node),
        "label": attributes["label"],
        "cls": styles[attributes["cls"]],
        "value": attributes["value"],
        "grade": grades[attributes["grade"]][0] if attributes["grade"] in grades else None,
        "date": attributes["date"],
        "alt": attributes["alt"],
        "themes": [indexes["themes"][theme] for theme in attributes["themes"]],
        "areas": [indexes["areas"][area] for area in attributes["areas"]],
    }
    if position is not None:
        detail["x"], detail["y"] = position
    return {key: value for key, value in detail.items() if value or key in ("value", "cls", "x", "y")}


def _more(attributes: dict, documents: dict) -> dict:
    """What the panel shows of a node: facts (less any that repeats a quote) and evidence."""
    quotes = {span["quote"] for span in attributes["evidence"]}
    facts = [[prop, values] for prop, values in attributes["facts"] if not set(values) <= quotes]
    return {"facts": facts, "evidence": [_span(span, documents) for span in attributes["evidence"]]}


def _page(vis_data: dict, drawn: nx.DiGraph, view: View, opening: str) -> str:
    counts: dict[str, int] = {}
    for _, cls in drawn.nodes(data="cls"):
        counts[cls] = counts.get(cls, 0) + 1
    more, links = vis_data.pop("more"), vis_data.pop("links")
    payload = {
        **vis_data,
        "view": str(view),
        "opening": opening,
        "options": load_json("viz/options.json"),
        "classes": [
            {
                "label": style.label,
                "color": style.color,
                "shape": style.shape,
                "key": style.important,
                "count": counts.get(style.key, 0),
            }
            for style in class_styles()
        ],
        "grades": [{"label": label, "color": colour} for label, colour in grade_colours().values()]
        if "sg:Judgement" in counts or "sg:Area" in counts
        else [],
    }
    vis_js, vis_css = _vis_assets()
    app_js = data_path("viz/app.js").read_text(encoding="utf-8")
    app_css = data_path("viz/app.css").read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; "
        f"script-src {_hash(vis_js)} {_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    title = (
        "sgkg: safeguarding partners and failings"
        if view.kind == "partners-failings"
        else f"sgkg graph ({view})"
    )
    return Template(data_path("viz/page.html").read_text(encoding="utf-8")).substitute(
        csp=html.escape(csp),
        title=html.escape(title),
        vis_css=vis_css,
        app_css=app_css,
        data=script_json(payload),
        links=script_json(links),
        more=script_json(more),
        vis_js=vis_js,
        app_js=app_js,
    )


def script_json(value) -> str:
    """JSON that is safe inside a ``<script>`` element: no raw ``<``, ``>`` or ``&``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style from the pyvis package, without the source-map link."""
    folder = files("pyvis").joinpath(_VIS_FOLDER)
    script = folder.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    code, marker, _ = script.rpartition("\n//# sourceMappingURL=")
    return (code if marker else script), folder.joinpath("vis-network.css").read_text(encoding="utf-8")
