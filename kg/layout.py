"""Node positions computed ahead of drawing, so the page needs no physics.

A force-directed layout of thousands of nodes is slow in Python and slower in the
browser, so large graphs are laid out in levels: connected components are packed in
rows, a large component is split into Louvain communities, the communities are placed
by a spring layout of the graph between them (then pushed apart until no two overlap),
and each community is laid out on its own. Every random choice takes a fixed seed, so
the same graph always gets the same positions.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

SEED = 20240901
# Pixels between neighbouring nodes on the page.
SPACING = 110.0
# Largest group laid out by a single spring layout (its time: docs/benchmarks.md).
DIRECT_LIMIT = 250
_SEPARATION_ROUNDS = 200


def spring_positions(graph: nx.Graph, weight: str | None = None) -> dict:
    """Positions in pixels for every node of ``graph`` (directions of edges are ignored).

    ``weight`` names an edge attribute giving how strongly an edge pulls (default 1).
    """
    # Integers in sorted order stand in for the nodes: networkx iterates sets of nodes in
    # places (subgraphs, Louvain), and only integers hash the same in every process.
    nodes = sorted(graph.nodes, key=str)
    number = {node: index for index, node in enumerate(nodes)}
    simple = nx.Graph()
    simple.add_nodes_from(range(len(nodes)))
    for u, v, pull in sorted(
        (number[u], number[v], pull) for u, v, pull in graph.edges(data=weight, default=1.0)
    ):
        if u != v:
            simple.add_edge(u, v, weight=max(pull, simple.get_edge_data(u, v, {"weight": 0.0})["weight"]))
    if not nodes:
        return {}
    positions, _ = _place(simple)
    return {nodes[index]: (round(float(x), 1), round(float(y), 1)) for index, (x, y) in positions.items()}


def columns(left: list, right: list, *, width: float = 8 * SPACING) -> dict:
    """Two columns, ``left`` at x = 0 and ``right`` at x = ``width``, both spanning the same height."""
    height = SPACING * (max(len(left), len(right), 1) - 1)
    positions = {}
    for x, nodes in ((0.0, left), (width, right)):
        step = height / (len(nodes) - 1) if len(nodes) > 1 else 0.0
        top = -height / 2 if len(nodes) > 1 else 0.0
        positions.update({node: (x, round(top + number * step, 1)) for number, node in enumerate(nodes)})
    return positions


def tiles(nodes: list, *, cell: tuple[float, float] = (1.8 * SPACING, 0.55 * SPACING)) -> dict:
    """``nodes`` in reading order on a grid about three times as tall as it is wide, its top left at the origin."""
    across = max(1, round(math.sqrt(len(nodes) / 3)))
    return {
        node: (round(number % across * cell[0], 1), round(number // across * cell[1], 1))
        for number, node in enumerate(nodes)
    }


def column(nodes: list, x: float, top: float, height: float) -> dict:
    """``nodes`` spread evenly down a column at ``x`` from ``top`` over ``height``."""
    step = height / (len(nodes) - 1) if len(nodes) > 1 else 0.0
    middle = 0.0 if len(nodes) > 1 else height / 2
    return {node: (round(x, 1), round(top + middle + number * step, 1)) for number, node in enumerate(nodes)}


def satellites(positions: dict, anchors: dict) -> dict:
    """Each node of ``anchors`` (node -> anchor) fanned out to the left of its anchor."""
    placed = {}
    by_anchor: dict = {}
    for node, anchor in sorted(anchors.items(), key=lambda item: (str(item[1]), str(item[0]))):
        by_anchor.setdefault(anchor, []).append(node)
    for anchor, nodes in by_anchor.items():
        x, y = positions[anchor]
        for number, node in enumerate(nodes):
            placed[node] = (
                round(x - 3 * SPACING, 1),
                round(y + (number - (len(nodes) - 1) / 2) * SPACING / 2, 1),
            )
    return placed


def _place(graph: nx.Graph) -> tuple[dict, float]:
    """Positions centred on the origin, and the radius of the disc that holds them."""
    if len(graph) <= DIRECT_LIMIT:
        return _spring(graph)
    components = sorted(nx.connected_components(graph), key=lambda nodes: (-len(nodes), min(nodes)))
    if len(components) > 1:
        return _pack([_place(graph.subgraph(nodes)) for nodes in components])
    communities = nx.community.louvain_communities(graph, seed=SEED)
    if len(communities) == 1:
        return _spring(graph)
    communities = sorted(communities, key=lambda nodes: (-len(nodes), min(nodes)))
    return _join(graph, communities)


def _spring(graph: nx.Graph) -> tuple[dict, float]:
    """A spring layout scaled so that the typical gap to the nearest node is SPACING."""
    if len(graph) == 1:
        return {next(iter(graph)): np.zeros(2)}, SPACING / 2
    positions = nx.spring_layout(graph, seed=SEED, iterations=60)
    points = np.array([positions[node] for node in graph])
    gaps = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    np.fill_diagonal(gaps, np.inf)
    nearest = float(np.median(gaps.min(axis=1)))
    scale = SPACING / nearest if nearest > 0 else SPACING
    return _centred({node: positions[node] * scale for node in graph})


def _pack(groups: list[tuple[dict, float]]) -> tuple[dict, float]:
    """Shelves of discs, largest first, in rows about as wide as the whole is tall."""
    row_width = math.sqrt(sum((2 * radius) ** 2 for _, radius in groups)) * 1.2
    placed, x, y, row_height = {}, 0.0, 0.0, 0.0
    for positions, radius in groups:
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        centre = np.array([x + radius, y + radius])
        placed.update({node: point + centre for node, point in positions.items()})
        x, row_height = x + 2 * radius, max(row_height, 2 * radius)
    return _centred(placed)


def _join(graph: nx.Graph, communities: list[set]) -> tuple[dict, float]:
    """Each community laid out alone, placed where the graph between communities puts it."""
    index = {node: number for number, nodes in enumerate(communities) for node in nodes}
    between = nx.Graph()
    between.add_nodes_from(range(len(communities)))
    for u, v in graph.edges:
        if index[u] != index[v]:
            weight = between.get_edge_data(index[u], index[v], {"weight": 0})["weight"]
            between.add_edge(index[u], index[v], weight=weight + 1)
    inner = [_place(graph.subgraph(nodes)) for nodes in communities]
    radii = np.array([radius for _, radius in inner])
    scale = math.sqrt(float(np.sum(radii**2)))
    layout = nx.spring_layout(between, seed=SEED, weight="weight", scale=scale)
    centres = _separate(np.array([layout[number] for number in range(len(communities))]), radii)
    placed = {}
    for (positions, _), centre in zip(inner, centres):
        placed.update({node: point + centre for node, point in positions.items()})
    return _centred(placed)


def _separate(centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Push overlapping discs apart along the line between their centres."""
    centres = centres.astype(float).copy()
    count = len(centres)
    # A fixed direction for discs that sit exactly on top of each other.
    tie_break = np.stack([np.cos(np.arange(count)), np.sin(np.arange(count))], axis=1)
    for _ in range(_SEPARATION_ROUNDS):
        delta = centres[:, None, :] - centres[None, :, :]
        distance = np.linalg.norm(delta, axis=2)
        overlap = radii[:, None] + radii[None, :] - distance
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() <= 1e-6:
            break
        direction = np.where(
            distance[:, :, None] > 1e-9, delta / np.maximum(distance, 1e-9)[:, :, None], tie_break[:, None, :]
        )
        push = np.clip(overlap, 0.0, None)[:, :, None] * direction * 0.5
        centres += push.sum(axis=1)
    return centres


def _centred(positions: dict) -> tuple[dict, float]:
    points = np.array(list(positions.values()))
    middle = (points.min(axis=0) + points.max(axis=0)) / 2
    radius = float(np.max(np.linalg.norm(points - middle, axis=1))) + SPACING / 2
    return {node: point - middle for node, point in positions.items()}, radius
