"""Serialise a built dataset: Turtle (the union), TriG (a named graph per document), HTML.

Implements "Outputs of a build" in ONTOLOGY.md. Every file is written atomically
(a temporary file in the same folder, then a rename), so an interrupted build never
leaves a truncated file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .vocab import PREFIXES


def write_outputs(dataset: Dataset, out_dir: Path, *, html: bool = True) -> list[Path]:
    """Write ``graph.ttl``, ``graph.trig`` and (unless ``html`` is false) ``graph.html``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        write_atomically(out_dir / "graph.ttl", union_graph(dataset).serialize(format="turtle")),
        write_atomically(out_dir / "graph.trig", _bound(dataset).serialize(format="trig")),
    ]
    if html:
        from .render import render_html

        written.append(write_atomically(out_dir / "graph.html", render_html(dataset)))
    return written


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all named graphs in one graph, with the contract's prefixes bound."""
    union = Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        union.add((subject, predicate, obj))
    return _bound(union)


def _bound(graph):
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
