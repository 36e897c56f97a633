"""The one door to a built graph: every command that reads a graph opens it here.

Implements the reading side of "Outputs of a build" (ONTOLOGY.md). ``open_graph(path)``
takes what a user passes as ``--graph``:

- nothing: the build in ``out/`` (``kg.build.folder.DEFAULT_OUT``);
- a build folder (``out``): its store, else its ``graph.trig`` (a build whose store is gone);
- a store folder (``out/store``): opened as it is;
- an RDF file (``out/graph.trig``, ``out/graph.ttl``, any file of a suffix in ``RDF_SUFFIXES``).

and gives a pyoxigraph Store whose default graph is the union of the named graphs, each
triple once, as the store a build writes holds it: plain queries see the whole graph and
``GRAPH ?g { ... }`` still reaches each document's own graph (a Turtle or N-Triples file
has the default graph only). A store is opened read-only (many readers at once, even while
a build runs) and never parsed again; a file is loaded into memory. Do not pass
``use_default_graph_as_union=True`` to a query: in pyoxigraph it is much slower on this
data (figures: docs/benchmarks.md) and repeats a triple once per graph that holds it.

Raises GraphNotFound (exit 3) when there is nothing to read at the path, InputError (exit 2)
when a file's suffix names no RDF syntax or its content does not parse.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .build.folder import DEFAULT_OUT, GraphLayout
from .errors import GraphNotFound, InputError
from .xml_entities import check_entities

# The suffixes a graph file may have, and the syntax each names.
RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".n3": ox.RdfFormat.N3,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
GRAPH_HELP = (
    "The graph to read: a build folder, its store or an RDF file "
    f"({', '.join(RDF_SUFFIXES)}); default: the build in {DEFAULT_OUT}/."
)
_DEFAULT = ox.DefaultGraph()


def open_graph(path: Path | None = None) -> ox.Store:
    """The graph at ``path`` (None: the build in ``out/``), its default graph the union (see above).

    Raises GraphNotFound when there is no graph there, InputError when a file cannot be read.
    """
    source = graph_source(path)
    if source.is_dir():
        return _open_store(source)
    return _load_file(source)


def graph_source(path: Path | None = None) -> Path:
    """The store folder or RDF file that ``path`` names (see ``open_graph``), without opening it.

    Raises GraphNotFound when there is none.
    """
    given = DEFAULT_OUT if path is None else path
    if given.is_file():
        return given
    if given.is_dir():
        layout = GraphLayout(given)
        if layout.store.is_dir():
            return layout.store
        if layout.trig.is_file():
            return layout.trig
        if _is_store(given):
            return given
    raise GraphNotFound(_nothing_at(given, path is None))


def _nothing_at(place: Path, default: bool) -> str:
    if default:
        return (
            f"no graph at {place}/: run `kg build DOCUMENTS` first (it builds into {place}/), or pass --graph"
        )
    what = "a folder with no store and no graph.trig" if place.is_dir() else "no such file or folder"
    return f"no graph at {place} ({what}): run `kg build` first, or pass a build folder, its store or an RDF file"


def _is_store(folder: Path) -> bool:
    """True for a folder that holds a RocksDB database (as a pyoxigraph store does)."""
    return (folder / "CURRENT").is_file() and any(folder.glob("MANIFEST-*"))


def _open_store(folder: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(folder))
    except OSError as error:
        raise GraphNotFound(f"{folder}: cannot open the store ({error}); run `kg build` again") from error


def _load_file(path: Path) -> ox.Store:
    """An in-memory store holding the RDF file at ``path``, named graphs kept and their union added."""
    rdf_format = RDF_SUFFIXES.get(path.suffix.lower())
    if rdf_format is None:
        raise InputError(
            f"{path}: not a graph file; use a build folder, its store or {', '.join(RDF_SUFFIXES)}"
        )
    check_entities(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=rdf_format)
    except (SyntaxError, OSError, ValueError) as error:
        raise InputError(f"{path}: not valid {rdf_format.name} ({error})") from error
    if rdf_format.supports_datasets:
        named = [quad for quad in store if quad.graph_name != _DEFAULT]
        store.extend(ox.Quad(quad.subject, quad.predicate, quad.object) for quad in named)
    return store
