"""build(): documents in, graph files and store out. Reads like a table of contents, one line per stage.

Stages: discover files -> look each up in the cache by content hash (``kg.build.cache``) ->
read and map the rest on every core (``kg.ingest``, ``kg.mapping.map_document``), each
document's named graph going straight to the cache -> write Turtle and TriG
(``kg.build.outputs``) while a thread fills a new store generation with the graphs, then
their union (``kg.build.generations``) -> render the interactive HTML (``kg.render``) -> move the
files into place and swap the store in, each by an atomic rename. When few documents
changed, the previous build's ``graph.ttl`` and store are patched instead
(``kg.build.generations.union_change``), with the same bytes as a full write.

Faults: one build at a time per output folder (a lock file, ``BuildLocked`` for the
second); a build killed at any point leaves the previous store and files usable, and
the next build completes (every file is replaced atomically, the store is swapped by
one rename). Memory holds one document per worker, not the corpus. Once the build has
published, its store can be compacted in a process of its own (``kg.build.compaction``); a
later build ends a running compaction before it starts.
"""

from __future__ import annotations

import fcntl
import hashlib
import multiprocessing
import os
import stat
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import datafiles
from ..errors import BuildLocked, InputError, NothingBuilt
from ..files import create_out_folder
from ..ingest import DEFAULT_MAX_BYTES, discover
from ..stats import stats_graph_iri
from . import compaction, statistics
from .cache import DocumentCache, Entry, mapper_fingerprint
from .folder import DEFAULT_OUT, GraphLayout, OutputFolder
from .generations import (
    Generation,
    LiveGeneration,
    UnionChange,
    finish_generation,
    live_generation,
    load_graphs,
    load_union,
    new_generation,
    patch_generation,
    publish,
    release_free_memory,
    start_generation,
    union_change,
)
from .outputs import GraphFiles, UnionSummary, splice_union_turtle, write_graph_files, write_html, write_trig

# Documents per task sent to a worker process: at most enough to amortise the round trip, and
# few enough that every worker gets several tasks (a few large documents in one task left the
# other workers idle); documents in flight at once, to bound the finished results held.
_CHUNK = 16
_TASKS_PER_JOB = 8
_IN_FLIGHT = 4 * _CHUNK

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """How to build: output folder, HTML or not, worker processes (None: one per core),
    ``rebuild`` to ignore the cache, ``compact`` to start compacting the store in a process of
    its own once the build has returned (``kg build`` does unless told ``--no-compact``; off
    here, so that a caller is never left with a process at work in its folder unasked), and
    ``progress(stage, done, total)`` to hear how far it got (stages ``"map"``, ``"write"``,
    ``"store"``, then ``"render"`` with HTML)."""

    out_dir: Path = DEFAULT_OUT
    html: bool = True  # draw graph.html; kg.render chooses what to draw by the graph's size
    jobs: int | None = None
    rebuild: bool = False
    compact: bool = False
    progress: Progress | None = field(default=None, compare=False)
    follow_links: bool = False  # read files that links lead to outside the input folders
    force: bool = False  # build into a non-empty folder that is not an sgkg build (kg.build.folder)


@dataclass
class BuildReport:
    """What a build did: counts for the summary, failures and warnings, files written.

    ``mapped`` documents were read and mapped in this build; ``reused`` came unchanged
    from the cache; ``compactor`` is the process id of the store's background compaction,
    if one was started (``kg.build.compaction``).
    """

    documents: int = 0
    triples: int = 0
    classes: Counter = field(default_factory=Counter)  # class IRI -> distinct entities
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    mapped: int = 0
    reused: int = 0
    compactor: int | None = None
    stats: list[statistics.StatsGraph] = field(
        default_factory=list
    )  # official statistics kept in the folder (kg stats)


def build(inputs: list[Path], options: BuildOptions = BuildOptions()) -> BuildReport:
    """Build the graph of every document under ``inputs`` into ``options.out_dir``.

    Raises DataFileError for a broken data file of the mapper, InputError when every input path
    is missing, or for an ``out_dir`` that cannot be created or is not empty and not an sgkg
    build (unless ``options.force``), BuildLocked when another build is writing to the same
    folder, and NothingBuilt when no document could be read. Missing input paths (when others
    exist) and then unreadable documents (in path order) are listed in ``BuildReport.failures``;
    links and folders not read in ``BuildReport.warnings``.
    """
    datafiles.check_all()  # a broken data file is one error here, not a failure of every document
    report = BuildReport()
    folder = OutputFolder(options.out_dir)
    folder.check(force=options.force)
    paths = discover(
        inputs,
        follow_links=options.follow_links,
        skip=options.out_dir,
        skipped=report.warnings,
        missing=report.failures,
    )
    if inputs and len(report.failures) == len(inputs):
        raise InputError("; ".join(report.failures))
    create_out_folder(options.out_dir)
    with _build_lock(folder):
        folder.mark()
        compaction.stop(options.out_dir)
        cache = DocumentCache(folder.cache, mapper_fingerprint())
        entries = _accepted(_cached_or_mapped(paths, cache, options, report), report)
        if not entries:
            raise NothingBuilt(
                "no document could be read: " + ("; ".join(report.failures) or "no files found")
            )
        report.stats = statistics.graphs(options.out_dir)
        graphs = [_files(cache, entry) for entry in entries + [cache.schemes()]] + [
            graph.files for graph in report.stats
        ]
        summary = _write_and_publish(graphs, cache, options, report, options.html, options.rebuild)
    report.documents, report.triples, report.classes = len(entries), summary.triples, summary.classes
    return report


def refresh_statistics(out_dir: Path, compact: bool = False) -> BuildReport | None:
    """Publish the last build of ``out_dir`` again with the statistics graphs now kept there
    (``kg stats`` calls this after ``kg.build.statistics.save`` or ``remove``); ``graph.html`` is
    left as it was (observations are not drawn).

    None when there is no build to refresh, or it was made by another version of the mapper
    or its cache is gone: the next ``kg build`` picks the statistics up. Raises BuildLocked
    when a build is writing to ``out_dir``.
    """
    report = BuildReport()
    folder = OutputFolder(out_dir)
    with _build_lock(folder):
        compaction.stop(out_dir)
        cache = DocumentCache(folder.cache, mapper_fingerprint())
        previous = live_generation(out_dir, cache.fingerprint)
        if previous is None:
            return None
        documents = {
            iri: key for iri, key in previous.graphs.items() if not iri.startswith(str(stats_graph_iri("")))
        }
        graphs = [
            GraphFiles(iri, cache.quads_path(key), cache.trig_path(key)) for iri, key in documents.items()
        ]
        if not all(graph.quads.is_file() and graph.trig.is_file() for graph in graphs):
            return None
        report.stats = statistics.graphs(out_dir)
        graphs += [graph.files for graph in report.stats]
        summary = _write_and_publish(
            graphs, cache, BuildOptions(out_dir=out_dir, compact=compact), report, False, False
        )
    report.documents = len(documents) - 1  # the schemes graph is no document
    report.triples, report.classes = summary.triples, summary.classes
    return report


def _write_and_publish(
    graphs: list[GraphFiles],
    cache: DocumentCache,
    options: BuildOptions,
    report: BuildReport,
    draws_html: bool,
    rebuild: bool,
) -> UnionSummary:
    """Write the outputs of ``graphs`` into a new store generation (patching the live one when
    few graphs changed) and publish it; what the union holds."""
    staging = start_generation(options.out_dir)
    keyed = _keyed(graphs)
    previous = None if rebuild else live_generation(options.out_dir, cache.fingerprint)
    change = union_change(previous, keyed) if previous else None
    if previous is None or change is None:
        generation, written, summary = _write_all(staging, graphs, options)
    else:
        generation, written, summary = _write_changes(staging, graphs, previous, change, options)
    finish_generation(generation, keyed, cache.fingerprint, summary)
    if draws_html:
        _tell(options, "render", 0, 1)
        written.append(write_html(staging, _renderer(GraphLayout(staging).trig)))
    report.written = publish(options.out_dir, generation, written)
    cache.keep_only({graph.quads.stem for graph in graphs})
    if options.compact and not generation.compacted:
        report.compactor = compaction.start(options.out_dir)
    return summary


def _write_all(
    staging: Path, graphs: list[GraphFiles], options: BuildOptions
) -> tuple[Generation, list[Path], UnionSummary]:
    """Every output written from the graphs, and a fresh store loaded with them.

    A thread loads the named graphs into the store while the files are written
    (pyoxigraph loads without the GIL, so the two share the cores), then the union
    that writing the Turtle produced. The same thread loads both, so the union's load
    reuses the memory the graphs' load freed (glibc gives each thread a heap of its
    own), and the heaps' free memory goes back to the system in between (figures:
    docs/benchmarks.md).
    """
    generation = new_generation(staging)
    union_file = staging / "union.nt"
    cancelled = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-store") as loader:
        loaded = loader.submit(load_graphs, generation, [graph.quads for graph in graphs], cancelled)
        try:
            _tell(options, "write", 0, 1)
            written, summary = write_graph_files(staging, graphs, union_file)
            _tell(options, "store", 0, 1)
            loaded.result()
            release_free_memory()
            loader.submit(load_union, generation, union_file, cancelled).result()
        except BaseException:
            cancelled.set()
            raise
    union_file.unlink()
    return generation, written, summary


def _write_changes(
    staging: Path,
    graphs: list[GraphFiles],
    previous: LiveGeneration,
    change: UnionChange,
    options: BuildOptions,
) -> tuple[Generation, list[Path], UnionSummary]:
    """The previous build's outputs patched with ``change``, and its store copied and patched."""
    _tell(options, "write", 0, 1)
    layout = GraphLayout(staging)
    assert previous.turtle is not None  # union_change gives no change to patch without it
    turtle = splice_union_turtle(previous.turtle, layout.turtle, change.subjects)
    written = [turtle, write_trig(layout.trig, sorted(graphs, key=lambda graph: graph.iri))]
    _tell(options, "store", 0, 1)
    return patch_generation(staging, previous, change), written, change.summary(previous)


@contextmanager
def _build_lock(folder: OutputFolder) -> Iterator[None]:
    """Hold ``<out>/.kg/lock`` for the build; raise BuildLocked when another process holds it."""
    folder.state.mkdir(parents=True, exist_ok=True)
    with open(folder.lock, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"another kg build is writing to {folder.root} (it holds {folder.lock}); "
                "wait for it to finish, or build into another --out folder"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _cached_or_mapped(
    paths: list[Path], cache: DocumentCache, options: BuildOptions, report: BuildReport
) -> list[Entry]:
    """One entry per path, in path order: from the cache when the file is unchanged, else mapped now."""
    entries: list[Entry | None] = [None if options.rebuild else _lookup(cache, path) for path in paths]
    pending = [index for index, entry in enumerate(entries) if entry is None]
    report.reused, report.mapped = len(paths) - len(pending), len(pending)
    _tell(options, "map", 0, len(pending))
    mapped = _map_all([paths[index] for index in pending], cache, options.jobs or os.cpu_count() or 1)
    for done, (index, entry) in enumerate(zip(pending, mapped), 1):
        entries[index] = entry
        _tell(options, "map", done, len(pending))
    return [entry for entry in entries if entry is not None]  # every one, now that each is mapped


def _lookup(cache: DocumentCache, path: Path) -> Entry | None:
    """The cached entry of a regular, not too large file; None sends it to the reader."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= DEFAULT_MAX_BYTES:
            return None
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return cache.lookup(path, sha256)


def _map_all(paths: list[Path], cache: DocumentCache, jobs: int) -> Iterator[Entry]:
    """Map ``paths``, yielding in their order: in this process for one job, else on a process pool.

    Chunks of documents go to the workers, at least ``_TASKS_PER_JOB`` per worker when there
    are documents enough; two chunks per worker or ``_IN_FLIGHT`` documents, whichever is more, are in
    flight, so finished results never pile up in memory.
    """
    if jobs == 1 or len(paths) <= 1:
        yield from map(cache.map_file, paths)
        return
    size = max(1, min(_CHUNK, len(paths) // (_TASKS_PER_JOB * jobs)))
    chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
    in_flight = max(2 * jobs, _IN_FLIGHT // size)
    with _workers(min(jobs, len(chunks))) as pool:
        window: deque = deque()
        try:
            for chunk in chunks:
                window.append(pool.submit(_map_chunk, cache, chunk))
                if len(window) >= in_flight:
                    yield from window.popleft().result()
            while window:
                yield from window.popleft().result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _workers(count: int) -> ProcessPoolExecutor:
    """A pool of ``count`` mapping workers, forked by this process's forkserver.

    forkserver: workers never inherit the caller's threads (a progress bar's) or their locks.
    The forkserver starts with the first pool and serves every later one until this process
    ends. Started here, it imports ``kg.build.warm`` first, so every worker starts with the
    mapper imported and warm (this replaces a forkserver preload the caller set); one another
    part of the program started before forks cold workers, which map the same.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "kg.build.warm"])  # "__main__": the default
    return ProcessPoolExecutor(max_workers=count, mp_context=context)


def _map_chunk(cache: DocumentCache, paths: list[Path]) -> list[Entry]:
    return [cache.map_file(path) for path in paths]


def _accepted(entries: list[Entry], report: BuildReport) -> list[Entry]:
    """The entries that have a graph, one per document id (the first path wins); the rest become failures."""
    accepted: list[Entry] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.failure is not None:
            report.failures.append(entry.failure)
        elif entry.document_id in seen:
            report.failures.append(
                f"{entry.path}: same document id as another file ({entry.document_id}); skipped"
            )
        else:
            seen.add(entry.document_id)
            accepted.append(entry)
            report.warnings.extend(entry.warnings)
    return accepted


def _keyed(graphs: list[GraphFiles]) -> dict[str, tuple[str, Path]]:
    """Graph IRI -> (cache key, N-Quads file), as the store generation wants them."""
    return {graph.iri: (graph.quads.stem, graph.quads) for graph in graphs}


def _files(cache: DocumentCache, entry: Entry) -> GraphFiles:
    return GraphFiles(entry.graph, cache.quads_path(entry.key), cache.trig_path(entry.key))


def _renderer(trig: Path) -> Callable[[], str]:
    """``kg.render.render_html`` over the TriG just written, as an rdflib Dataset.

    pyoxigraph parses it (in memory, far faster than rdflib) and oxrdflib presents it
    through rdflib's API: the renderer sees the documents' named graphs exactly as
    ``Dataset().parse(trig)`` would give them, without the store's union default graph.
    """

    def render() -> str:
        import pyoxigraph
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        from ..render import render_html

        store = pyoxigraph.Store()
        store.bulk_load(path=str(trig), format=pyoxigraph.RdfFormat.TRIG)
        return render_html(Dataset(store=OxigraphStore(store=store)))

    return render


def _tell(options: BuildOptions, stage: str, done: int, total: int) -> None:
    if options.progress is not None:
        options.progress(stage, done, total)
