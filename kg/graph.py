"""Opening a built graph to read it: the store a build published, or any RDF file."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .build.generations import STORE_LINK
from .errors import GraphNotFound, InputError
from .xml_entities import check_entities

_DEFAULT = ox.DefaultGraph()


def open_store(out_dir: Path | None = None, graph_path: Path | None = None) -> ox.Store:
    """The graph to read, as a pyoxigraph Store.

    With ``graph_path``, that RDF file (format from its suffix: .ttl, .trig, .nt, .nq,
    .rdf, .jsonld, .n3) loaded into an in-memory store; otherwise the store that
    ``kg build`` wrote in ``out_dir`` (default ``out``), opened read-only.
    Raises GraphNotFound when there is no such file or store, InputError when the
    file's suffix is unknown or its content is not valid RDF.
    """
    if graph_path is not None:
        return load_graph_file(graph_path)
    link = Path("out" if out_dir is None else out_dir) / STORE_LINK
    if not link.exists():
        raise GraphNotFound(f"no store at {link}: run `kg build` first, or pass --graph FILE")
    try:
        return ox.Store.read_only(str(link))
    except OSError as error:
        raise GraphNotFound(f"{link}: cannot open the store ({error}); run `kg build` again") from error


def load_graph_file(path: Path) -> ox.Store:
    """An in-memory store holding the RDF file at ``path`` (named graphs kept for TriG and N-Quads)."""
    if not path.is_file():
        raise GraphNotFound(f"{path}: no such graph file")
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if rdf_format is None:
        raise InputError(f"{path}: unknown RDF format; use .ttl, .trig, .nt, .nq, .rdf, .jsonld or .n3")
    check_entities(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=rdf_format)
    except (SyntaxError, OSError) as error:
        raise InputError(f"{path}: not valid {rdf_format.name} ({error})") from error
    if rdf_format.supports_datasets:
        named = [quad for quad in store if quad.graph_name != _DEFAULT]
        store.extend(ox.Quad(quad.subject, quad.predicate, quad.object) for quad in named)
    return store
