"""The store of each build: a pyoxigraph (RocksDB) store written beside the live one and swapped in.

Implements the store side of "Outputs of a build" (ONTOLOGY.md): one named graph per
source document plus the schemes graph, as in ``graph.trig``, and their union (each
triple once) as the default graph, which readers query (``kg.graph`` opens it).

Each build (``kg.build.pipeline``) writes a new *generation* beside the live
one, ``<out>/.kg/generations/<name>/{store/, manifest.json, graph.ttl, ...}``, then
swaps the ``<out>/store`` symbolic link to it with one atomic rename. A build killed
at any point therefore leaves the previous store untouched and still linked. When
few graphs changed, a build works out the change to the union from the live store
(``union_change``), patches the live generation's ``graph.ttl`` with it
(``kg.build.outputs.splice_union_turtle``) and starts its store from a hard-link backup of
the live one, removing and loading only what changed (``patch_generation``).

A store is left as several sorted runs per index: one per bulk load, and small files of
its own for each patch. Every look-up reads them all, so queries slow down with each patch.
``compact_live`` merges them into one sorted run (``Store.optimize``), which answers faster
than even a fresh bulk load but takes seconds (figures: docs/benchmarks.md);
``kg.build.compaction`` runs it in a process of its own after the build has returned.
Should four patches in a row find no compaction done between them (builds faster than
compactions), the fourth compacts inline.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import json
import os
import re
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..errors import InputError
from ..files import write_atomically
from ..prefixes import RDF_TYPE
from .folder import GraphLayout, OutputFolder
from .outputs import UnionSummary

# Above this share of changed graphs, loading everything in bulk beats patching a copy.
_PATCH_LIMIT = 0.25
# The patch that compacts the store inline: this many in a row with no compaction between them.
_COMPACT_EVERY = 4
_BULK_PART_BYTES = 256 * 1024 * 1024
_DEFAULT = ox.DefaultGraph()
_GENERATION_NAME = re.compile(r"^[0-9a-f]+-[0-9]+$")


@dataclass(frozen=True)
class Generation:
    """A store being written for one build, in its generation folder."""

    folder: Path
    store: ox.Store
    patches: int = 0
    compacted: bool = False

    @property
    def store_path(self) -> Path:
        return GraphLayout(self.folder).store


@dataclass(frozen=True)
class LiveGeneration:
    """The generation ``<out>/store`` points to, as its manifest describes it.

    ``graphs`` maps graph IRI -> cache key; ``triples`` and ``classes`` count the union
    (distinct triples, and distinct entities per class IRI); ``turtle`` is the
    ``graph.ttl`` that generation published, or None when it is gone or was changed since;
    ``patches`` counts the patches its store has had since it was last loaded or compacted;
    ``compacted`` is true when its store is one sorted run (``compact_live``).
    """

    folder: Path
    graphs: dict[str, str]
    triples: int
    classes: dict[str, int]
    turtle: Path | None
    patches: int
    compacted: bool

    @property
    def store_path(self) -> Path:
        return GraphLayout(self.folder).store


@dataclass(frozen=True)
class UnionChange:
    """How a few changed graphs change the store and the union, worked out before writing either.

    ``graphs``: graph IRI -> N-Quads file of each new or changed graph; ``dropped``: the
    graphs whose previous version goes (changed or removed); ``removed`` and ``added``:
    the union triples that go and come; ``subjects``: every subject whose union triples
    changed -> all its union triples now (empty when it has none left).
    """

    graphs: dict[str, Path]
    dropped: frozenset[str]
    removed: frozenset[ox.Triple]
    added: frozenset[ox.Triple]
    subjects: dict[str, list[ox.Triple]]

    @property
    def empty(self) -> bool:
        """True when nothing changed: patching copies the store and writes nothing to it."""
        return not (self.graphs or self.dropped or self.removed or self.added)

    def summary(self, previous: LiveGeneration) -> UnionSummary:
        """The union's triple and class counts after the change, from ``previous``'s."""
        classes = Counter(previous.classes)
        for triple, step in [(triple, -1) for triple in self.removed] + [
            (triple, 1) for triple in self.added
        ]:
            if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
                classes[triple.object.value] += step
        return UnionSummary(previous.triples - len(self.removed) + len(self.added), +classes)


def start_generation(out_dir: Path) -> Path:
    """A new, empty generation folder under ``<out>/.kg/generations/`` for one build to fill."""
    folder = OutputFolder(out_dir).generations / f"{time.time_ns():x}-{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


def live_generation(out_dir: Path, fingerprint: str) -> LiveGeneration | None:
    """The live generation of ``out_dir`` when a build with mapper ``fingerprint`` can start from it.

    None when there is none, it was made by another mapper, or its manifest is unreadable
    or from an older sgkg.
    """
    link = OutputFolder(out_dir).store
    if not link.is_symlink() or not link.exists():
        return None
    folder = link.resolve().parent
    try:
        manifest = json.loads(GraphLayout(folder).manifest.read_text(encoding="utf-8"))
        if manifest["fingerprint"] != fingerprint:
            return None
        turtle = GraphLayout(folder).turtle
        unchanged = _file_stamp(turtle) == manifest["turtle"] if turtle.exists() else False
        return LiveGeneration(
            folder,
            manifest["graphs"],
            manifest["triples"],
            manifest["classes"],
            turtle if unchanged else None,
            manifest["patches"],
            manifest["compacted"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def union_change(previous: LiveGeneration, graphs: dict[str, tuple[str, Path]]) -> UnionChange | None:
    """What replacing ``previous``'s graphs by ``graphs`` (IRI -> (cache key, N-Quads file)) changes.

    None when patching does not pay or cannot be done: more than a quarter of the
    graphs changed, the previous store or ``graph.ttl`` cannot be read, or a changed
    triple has a blank node (whose label is not stable across stores).
    """
    changed = {iri for iri, (key, _) in graphs.items() if previous.graphs.get(iri) != key}
    dropped = frozenset(changed | (set(previous.graphs) - set(graphs)))
    if previous.turtle is None or len(dropped) > _PATCH_LIMIT * len(graphs):
        return None
    try:
        store = ox.Store.read_only(str(previous.store_path))
    except OSError:
        return None
    old = {
        _triple(quad)
        for iri in dropped
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
    }
    new = {
        _triple(quad)
        for iri in changed
        for quad in ox.parse(path=str(graphs[iri][1]), format=ox.RdfFormat.N_QUADS)
    }
    if any(
        isinstance(term, ox.BlankNode) for triple in old | new for term in (triple.subject, triple.object)
    ):
        return None

    def held_elsewhere(triple: ox.Triple) -> bool:
        return any(
            isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value not in dropped
            for quad in store.quads_for_pattern(*triple)
        )

    removed = frozenset(triple for triple in old - new if not held_elsewhere(triple))
    added = frozenset(triple for triple in new - old if _in_union(triple) not in store)
    subjects = {}
    # No blank node here (see above), and no quoted triple in what sgkg writes: subjects are IRIs.
    named = {cast(ox.NamedNode, triple.subject) for triple in removed | added}
    for subject in sorted(named, key=lambda node: node.value):
        held = {_triple(quad) for quad in store.quads_for_pattern(subject, None, None, _DEFAULT)}
        subjects[subject.value] = sorted(
            (held - removed) | {triple for triple in added if triple.subject == subject}, key=str
        )
    return UnionChange({iri: graphs[iri][1] for iri in sorted(changed)}, dropped, removed, added, subjects)


def new_generation(folder: Path) -> Generation:
    """An empty store in generation ``folder``, to fill with ``load_graphs`` and then ``load_union``."""
    return Generation(folder, ox.Store(str(GraphLayout(folder).store)))


def load_graphs(generation: Generation, quads_files: list[Path], cancelled: threading.Event) -> None:
    """Bulk-load the N-Quads files (each a named graph) into ``generation``.

    Runs in a thread while the graph files are written (pyoxigraph loads without
    holding the GIL); stops at the next read once ``cancelled`` is set, so a failed or
    interrupted build need not wait for the rest.
    """
    parts: list[list[tuple[Path, int, int]]] = [[]]
    size = 0
    for path in quads_files:
        length = path.stat().st_size
        if size + length > _BULK_PART_BYTES and parts[-1]:
            parts.append([])
            size = 0
        parts[-1].append((path, 0, length))
        size += length
    try:
        for ranges in parts:
            _bulk_load(generation.store, ranges, ox.RdfFormat.N_QUADS, cancelled)
    except _Cancelled:
        return


def load_union(generation: Generation, union: Path, cancelled: threading.Event) -> None:
    """Bulk-load ``union`` (N-Triples, the graphs' distinct triples) as ``generation``'s default graph.

    Like ``load_graphs``, stops at the next read once ``cancelled`` is set.
    """
    length = union.stat().st_size
    cuts = [0]
    with union.open("rb") as lines:
        while cuts[-1] + _BULK_PART_BYTES < length:
            lines.seek(cuts[-1] + _BULK_PART_BYTES)
            lines.readline()
            cuts.append(lines.tell())
    cuts.append(length)
    try:
        for start, end in itertools.pairwise(cuts):
            _bulk_load(generation.store, [(union, start, end)], ox.RdfFormat.N_TRIPLES, cancelled)
    except _Cancelled:
        return


def _bulk_load(
    store: ox.Store, ranges: list[tuple[Path, int, int]], rdf_format: ox.RdfFormat, cancelled: threading.Event
) -> None:
    """One pyoxigraph bulk load of the byte ranges of files, read one after the other as a stream.

    Parts of about 256 MB: every bulk load ends by merging its sorted files into the
    store, which costs more as the store grows, so few large parts beat many small ones;
    a part's memory grows with its size up to pyoxigraph's own batches (figures:
    docs/benchmarks.md). ``lenient`` skips checking the IRIs again: the lines were
    written by pyoxigraph from terms it had checked.
    """
    with io.BufferedReader(_Ranges(ranges, cancelled), buffer_size=1 << 20) as stream:
        store.bulk_load(stream, format=rdf_format, lenient=True)


def release_free_memory() -> None:
    """Give the free memory of this process's C heaps back to the system (glibc's ``malloc_trim``).

    A bulk load frees hundreds of MB that glibc keeps for later; the next stage, in
    another thread, would not reuse them. Does nothing where the C library has no
    ``malloc_trim`` (musl, macOS).
    """
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)


class _Cancelled(Exception):
    """Raised inside a bulk load to stop it."""


class _Ranges(io.RawIOBase):
    """Byte ranges ``(path, start, end)`` of files, read as one stream; raises _Cancelled once ``cancelled`` is set."""

    def __init__(self, ranges: list[tuple[Path, int, int]], cancelled: threading.Event) -> None:
        self._ranges = iter(ranges)
        self._cancelled = cancelled
        self._file: io.BufferedReader | None = None
        self._left = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self._cancelled.is_set():
                raise _Cancelled
            if self._file is None:
                following = next(self._ranges, None)
                if following is None:
                    return 0
                path, start, end = following
                self._file, self._left = path.open("rb"), end - start
                self._file.seek(start)
            count = (
                self._file.readinto(memoryview(buffer)[: min(len(buffer), self._left)]) if self._left else 0
            )
            if count:
                self._left -= count
                return count
            self._file.close()
            self._file = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


def patch_generation(folder: Path, previous: LiveGeneration, change: UnionChange) -> Generation:
    """A copy of ``previous``'s store in ``folder`` with ``change`` applied, compacted when it is the
    store's fourth patch in a row with no compaction between (an empty change is not a patch);
    the previous store is not modified."""
    target = GraphLayout(folder).store
    ox.Store.read_only(str(previous.store_path)).backup(str(target))
    store = ox.Store(str(target))
    for iri in sorted(change.dropped):
        store.remove_graph(ox.NamedNode(iri))
    for path in change.graphs.values():
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    for triple in change.removed:
        store.remove(_in_union(triple))
    store.extend(_in_union(triple) for triple in change.added)
    if change.empty:
        return Generation(folder, store, previous.patches, previous.compacted)
    if previous.patches + 1 >= _COMPACT_EVERY:
        store.optimize()
        return Generation(folder, store, 0, True)
    return Generation(folder, store, previous.patches + 1)


def finish_generation(
    generation: Generation, graphs: dict[str, tuple[str, Path]], fingerprint: str, summary: UnionSummary
) -> None:
    """Flush the store and write the manifest that lets the next build start from this generation.

    Call once the generation's ``graph.ttl`` is written: the manifest records its size
    and time, so a file changed since is never patched.
    """
    generation.store.flush()
    manifest = {
        "fingerprint": fingerprint,
        "graphs": {iri: key for iri, (key, _) in sorted(graphs.items())},
        "triples": summary.triples,
        "classes": dict(sorted(summary.classes.items())),
        "turtle": _file_stamp(GraphLayout(generation.folder).turtle),
        "patches": generation.patches,
        "compacted": generation.compacted,
    }
    _write_manifest(generation.folder, manifest)


def publish(out_dir: Path, generation: Generation, files: list[Path]) -> list[Path]:
    """Put ``files`` (written in the generation folder) into ``out_dir`` and point ``<out>/store``
    at ``generation``, each by an atomic rename, one after the other; drop generations older
    than the one replaced. Each file stays hard-linked in the generation folder, so the next
    build can patch it. Returns the files' new paths.

    Raises InputError when ``<out>/store`` exists and is not the link a build made.
    """
    layout = OutputFolder(out_dir)
    link = layout.store
    generations = layout.generations.resolve()
    if (link.exists() or link.is_symlink()) and not (
        link.is_symlink() and link.resolve().parent.parent == generations
    ):
        raise InputError(f"{link} is not a store made by kg build; move it away and build again")
    replaced = link.resolve().parent if link.is_symlink() and link.exists() else None
    temporary = layout.staged_store_link
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(generation.store_path, out_dir), temporary)
    published = []
    for path in files:
        staged = layout.staged(path.name)
        staged.unlink(missing_ok=True)
        _link_or_copy(path, staged)
        os.replace(staged, out_dir / path.name)
        published.append(out_dir / path.name)
    os.replace(temporary, link)
    keep = {generation.folder.resolve(), replaced.resolve() if replaced else None}
    for folder in layout.generations.iterdir():
        # Only folders named as start_generation names them: nothing else there is a build's.
        if folder.resolve() not in keep and _GENERATION_NAME.match(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
    return published


def compact_live(out_dir: Path) -> Path | None:
    """Publish a compacted copy of ``out_dir``'s live generation in its place; the folder of the copy.

    The live store is backed up (hard links) into a new generation folder, compacted there
    into one sorted run, given the live generation's files (hard links) and a manifest
    saying it is compacted, and swapped in by one atomic rename, as a build publishes.
    None when there is nothing to do: no live generation, or its store is compacted already.
    Interrupted at any point, it leaves the live generation as it was. Call it only while no
    build runs on ``out_dir`` (``kg.build.compaction`` sees to that).
    """
    link = OutputFolder(out_dir).store
    if not link.is_symlink() or not link.exists():
        return None
    live = link.resolve().parent
    manifest = json.loads(GraphLayout(live).manifest.read_text(encoding="utf-8"))
    if manifest["compacted"]:
        return None
    folder = start_generation(out_dir)
    ox.Store.read_only(str(GraphLayout(live).store)).backup(str(GraphLayout(folder).store))
    store = ox.Store(str(GraphLayout(folder).store))
    store.optimize()
    store.flush()
    for path in sorted(live.iterdir()):
        if path.is_file() and path != GraphLayout(live).manifest:
            _link_or_copy(path, folder / path.name)
    _write_manifest(folder, {**manifest, "patches": 0, "compacted": True})
    if link.resolve().parent != live:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    publish(out_dir, Generation(folder, store, 0, True), [])
    return folder


def _write_manifest(folder: Path, manifest: dict) -> None:
    write_atomically(GraphLayout(folder).manifest, json.dumps(manifest, indent=1, sort_keys=True))


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link of ``source`` at ``target``, or a copy where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _in_union(triple: ox.Triple) -> ox.Quad:
    """``triple`` in the default graph, where a build's store keeps the union."""
    return ox.Quad(triple.subject, triple.predicate, triple.object, _DEFAULT)


def _triple(quad: ox.Quad) -> ox.Triple:
    return ox.Triple(quad.subject, quad.predicate, quad.object)


def _file_stamp(path: Path) -> list[int]:
    """Size and modification time: enough to notice that a published file was edited in place."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]
