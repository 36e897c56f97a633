"""The embedded store: a pyoxigraph (RocksDB) store that ``kg build`` fills and readers open.

Implements the store side of "Outputs of a build" (ONTOLOGY.md): one named graph per
source document plus the schemes graph, as in ``graph.trig``.

Reading (``kg query``, ``kg viz``, ``kg export``, ``kg serve``)::

    from kg.store import open_store
    store = open_store(out_dir=Path("out"))            # the store `kg build` left in out/store/
    store = open_store(graph_path=Path("graph.ttl"))   # any RDF file, loaded into memory
    store.query(sparql)                                # the default graph is the union

``open_store`` opens the built store read-only (many readers at once, even while a
build runs) and never parses text. The default graph holds the union of every named
graph (each triple once), so plain queries see the whole graph: do not pass
``use_default_graph_as_union=True``, which in pyoxigraph is about 100 times slower on
this data and repeats a triple once per graph that holds it. ``GRAPH ?g { ... }``
still reaches each document's own graph. A TriG or N-Quads file given as
``graph_path`` is loaded the same way (named graphs plus their union as default graph).

Writing (``kg.pipeline`` only): each build writes a new *generation* beside the live
one, ``<out>/.kg/generations/<name>/{store/, manifest.json}``, then swaps the
``<out>/store`` symbolic link to it with one atomic rename. A build killed at any
point therefore leaves the previous store untouched and still linked. An incremental
build starts its generation from a hard-link backup of the previous store and only
removes and loads the graphs that changed (and their triples in the union).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import GraphNotFound, InputError
from .export import write_atomically

STORE_LINK = "store"
_STATE = ".kg"
_GENERATIONS = "generations"
_MANIFEST = "manifest.json"
# Above this share of changed graphs, loading everything in bulk beats patching a copy.
_PATCH_LIMIT = 0.25
_BULK_BATCH_BYTES = 32 * 1024 * 1024
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
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=rdf_format)
    except (SyntaxError, OSError) as error:
        raise InputError(f"{path}: not valid {rdf_format.name} ({error})") from error
    if rdf_format.supports_datasets:
        named = [quad for quad in store if quad.graph_name != _DEFAULT]
        store.extend(ox.Quad(quad.subject, quad.predicate, quad.object) for quad in named)
    return store


@dataclass(frozen=True)
class Generation:
    """A store being written for one build, and the manifest of the graphs it holds."""

    folder: Path
    store: ox.Store

    @property
    def store_path(self) -> Path:
        return self.folder / STORE_LINK


def start_generation(out_dir: Path) -> Path:
    """A new, empty generation folder under ``<out>/.kg/generations/`` for one build to fill."""
    folder = _state(out_dir) / _GENERATIONS / f"{time.time_ns():x}-{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


def write_generation(folder: Path, out_dir: Path, graphs: dict[str, tuple[str, Path]], union: Path, fingerprint: str, *, rebuild: bool) -> Generation:
    """The store of generation ``folder``: ``graphs`` (graph IRI -> (cache key, N-Quads file)) as
    named graphs and their ``union`` (an N-Triples file) as the default graph.

    Starts from the live generation of ``out_dir`` when it was made by the same mapper
    and most graphs are unchanged; otherwise loads everything in bulk into a fresh
    store. Nothing the live store or its link point to is modified.
    """
    previous = _live_generation(out_dir)
    old_graphs = {} if previous is None or rebuild else _patchable(previous, fingerprint)
    changed = {iri for iri, (key, _) in graphs.items() if old_graphs.get(iri) != key}
    removed = set(old_graphs) - set(graphs)
    store = None
    if old_graphs and len(changed | removed) <= _PATCH_LIMIT * len(graphs):
        store = _patched(previous / STORE_LINK, folder / STORE_LINK, graphs, changed, removed)
    if store is None:
        store = _loaded(folder / STORE_LINK, [path for _, path in sorted(graphs.values())], union)
    store.flush()
    manifest = {"fingerprint": fingerprint, "graphs": {iri: key for iri, (key, _) in sorted(graphs.items())}}
    write_atomically(folder / _MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    return Generation(folder, store)


def publish(out_dir: Path, generation: Generation, files: list[Path]) -> list[Path]:
    """Move ``files`` (written in the generation folder) into ``out_dir`` and point ``<out>/store``
    at ``generation``, each by an atomic rename, one after the other; drop generations older
    than the one replaced. Returns the files' new paths.

    Raises InputError when ``<out>/store`` exists and is not the link a build made.
    """
    link = out_dir / STORE_LINK
    if link.exists() and not link.is_symlink():
        raise InputError(f"{link} is not a store made by kg build; move it away and build again")
    replaced = _live_generation(out_dir)
    temporary = _state(out_dir) / f"{STORE_LINK}.link"
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(generation.store_path, out_dir), temporary)
    published = []
    for path in files:
        os.replace(path, out_dir / path.name)
        published.append(out_dir / path.name)
    os.replace(temporary, link)
    keep = {generation.folder.resolve(), replaced.resolve() if replaced else None}
    for folder in (_state(out_dir) / _GENERATIONS).iterdir():
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    return published


def _state(out_dir: Path) -> Path:
    return out_dir / _STATE


def _live_generation(out_dir: Path) -> Path | None:
    link = out_dir / STORE_LINK
    if not link.is_symlink() or not link.exists():
        return None
    return link.resolve().parent


def _patchable(previous: Path, fingerprint: str) -> dict[str, str]:
    """The previous generation's graph -> key map, or nothing when it cannot be reused."""
    try:
        manifest = json.loads((previous / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest["graphs"] if manifest.get("fingerprint") == fingerprint else {}


def _patched(source: Path, target: Path, graphs, changed: set[str], removed: set[str]) -> ox.Store | None:
    """A copy of the store at ``source`` with the ``changed`` graphs replaced and the ``removed`` ones gone.

    None when the store at ``source`` cannot be read (the caller then loads afresh).
    """
    try:
        ox.Store.read_only(str(source)).backup(str(target))
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return None
    store = ox.Store(str(target))
    dropped: list[ox.Quad] = []
    for iri in sorted(changed | removed):
        dropped += store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        store.remove_graph(ox.NamedNode(iri))
    for iri in sorted(changed):
        quads = list(ox.parse(path=str(graphs[iri][1]), format=ox.RdfFormat.N_QUADS))
        store.extend(quads)
        store.extend(ox.Quad(quad.subject, quad.predicate, quad.object) for quad in quads)
    for quad in dropped:
        if not any(held.graph_name != _DEFAULT for held in store.quads_for_pattern(quad.subject, quad.predicate, quad.object)):
            store.remove(ox.Quad(quad.subject, quad.predicate, quad.object))
    return store


def _loaded(target: Path, quads_files: list[Path], union: Path) -> ox.Store:
    """A fresh store with every file's quads and the union, bulk-loaded (quads in batches of about 32 MB)."""
    store = ox.Store(str(target))
    batch: list[bytes] = []
    size = 0
    for path in quads_files:
        batch.append(path.read_bytes())
        size += len(batch[-1])
        if size >= _BULK_BATCH_BYTES:
            store.bulk_load(b"".join(batch), format=ox.RdfFormat.N_QUADS)
            batch, size = [], 0
    if batch:
        store.bulk_load(b"".join(batch), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES)
    return store
