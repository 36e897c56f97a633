"""Serialise a build: Turtle (the union), TriG (a named graph per document), HTML.

Implements "Outputs of a build" in ONTOLOGY.md. Works from the build cache's sorted
per-graph N-Quads and TriG blocks (``kg.cache``), never from an in-memory graph, so
memory stays flat however large the corpus and the bytes depend only on the graphs'
content: the same input gives byte-identical files whatever the parallelism or the
cache state.

- ``graph.trig``: the ``@prefix`` lines, then each graph's cached block, in order of
  graph IRI.
- ``graph.ttl``: an external merge sort of the per-graph lines (repeats across
  graphs dropped), written by pyoxigraph's Turtle serialiser with the contract's
  prefixes, so each subject's triples are grouped in one block, in order of subject
  IRI. When few graphs changed, the previous file is patched instead: only the
  blocks of the subjects whose triples changed are written again
  (``splice_union_turtle``), and the bytes are those a full write gives.

Every file is written atomically (a temporary file in the same folder, then a
rename), so an interrupted build never leaves a truncated file behind.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import mmap
import operator
import os
import re
import shutil
import tempfile
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .prefixes import PREFIXES

# Bytes of N-Quads sorted in memory at once when merging the union (an external sort beyond).
_RUN_BYTES = 64 * 1024 * 1024
# Union lines written and counted at once: Python's per-line work is done in batches.
_BATCH_LINES = 65536
_RDF_TYPE = f"<{PREFIXES['rdf']}type>".encode()
# mkstemp makes files private; outputs are ordinary readable files.
_FILE_MODE = 0o644
# In the Turtle pyoxigraph writes, a subject's block starts on the one line not indented.
_BLOCK_START = re.compile(rb"^[^\t\n]", re.MULTILINE)
_LOCAL_ESCAPE = re.compile(rb"\\(.)")
_COPY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class GraphFiles:
    """One named graph as the cache holds it: its IRI, sorted N-Quads and TriG block."""

    iri: str
    quads: Path
    trig: Path


@dataclass
class UnionSummary:
    """What the union graph holds: distinct triples, and distinct entities per class IRI."""

    triples: int = 0
    classes: Counter = field(default_factory=Counter)


def write_graph_files(
    out_dir: Path, graphs: list[GraphFiles], union: Path
) -> tuple[list[Path], UnionSummary]:
    """Write ``graph.ttl`` and ``graph.trig``, and the union's sorted N-Triples to ``union`` (for the store).

    ``graphs`` may come in any order; the files list them by graph IRI.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    ordered = sorted(graphs, key=lambda graph: graph.iri)
    summary = UnionSummary()
    written = [
        write_union_turtle(out_dir / "graph.ttl", ordered, union, summary),
        write_trig(out_dir / "graph.trig", ordered),
    ]
    return written, summary


def write_html(out_dir: Path, render: Callable[[], str]) -> Path:
    """Write ``graph.html`` with what ``render`` returns."""
    return write_atomically(out_dir / "graph.html", render())


def prefix_lines() -> bytes:
    """The ``@prefix`` declarations of the contract's namespaces, in alphabetical order.

    pyoxigraph writes its own in hash order, which is not promised to stay the same
    from run to run, so every output starts with these instead.
    """
    return "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in sorted(PREFIXES.items())).encode()


def write_trig(path: Path, graphs: list[GraphFiles]) -> Path:
    """TriG: the prefixes, then each graph's cached block in the order given."""
    with atomic_writer(path) as stream:
        stream.write(prefix_lines())
        for graph in graphs:
            with graph.trig.open("rb") as block:
                shutil.copyfileobj(block, stream)
    return path


def write_union_turtle(path: Path, graphs: list[GraphFiles], union: Path, summary: UnionSummary) -> Path:
    """Turtle of the union of ``graphs`` (also left in ``union`` as N-Triples), counting into ``summary``."""
    with (
        tempfile.TemporaryDirectory(dir=union.parent, prefix=".merge.") as scratch,
        union.open("wb") as stream,
    ):
        lines = iter(_union_lines(graphs, Path(scratch)))
        while batch := list(itertools.islice(lines, _BATCH_LINES)):
            stream.writelines(batch)
            _observe(batch, summary)
    with atomic_writer(path) as stream:
        stream.write(prefix_lines())
        if summary.triples:
            body = union.with_suffix(".ttl")
            ox.serialize(
                ox.parse(path=str(union), format=ox.RdfFormat.N_TRIPLES),
                str(body),
                ox.RdfFormat.TURTLE,
                prefixes=PREFIXES,
            )
            _copy_without_prefixes(body, stream)
            body.unlink()
    return path


def splice_union_turtle(old: Path, path: Path, subjects: dict[str, list[ox.Triple]]) -> Path:
    """Write ``path``: the union Turtle ``old`` with each subject of ``subjects`` given exactly the
    triples listed (its block replaced, inserted in order, or dropped when the list is empty).

    Every other block is copied byte for byte, so the result is what ``write_union_turtle``
    writes for the new union. Subjects must be IRIs.
    """
    with (
        old.open("rb") as source,
        mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as data,
        atomic_writer(path) as stream,
    ):
        starts = [match.start() for match in _BLOCK_START.finditer(data, len(prefix_lines()))]
        copied = 0
        for subject in sorted(subjects, key=_subject_key):
            key = _subject_key(subject)
            index = bisect_left(starts, key, key=lambda start: _block_key(data, start))
            at = starts[index] if index < len(starts) else len(data)
            _copy_range(data, copied, at, stream)
            copied = at
            if at < len(data) and _block_key(data, at) == key:
                copied = starts[index + 1] if index + 1 < len(starts) else len(data)
            if subjects[subject]:
                stream.write(_turtle_block(subjects[subject]))
        _copy_range(data, copied, len(data), stream)
    return path


def _copy_range(data: mmap.mmap, start: int, end: int, stream: BinaryIO) -> None:
    """Copy ``data[start:end]`` to ``stream`` a few megabytes at a time, never the whole file in memory."""
    for chunk_start in range(start, end, _COPY_BYTES):
        stream.write(data[chunk_start : min(end, chunk_start + _COPY_BYTES)])


def _subject_key(iri: str) -> bytes:
    """A subject as N-Triples writes it: the Turtle orders its blocks by this."""
    return b"<" + iri.encode("utf-8") + b">"


def _block_key(data: mmap.mmap, start: int) -> bytes:
    """The N-Triples form of the subject of the Turtle block at ``start`` (a full or prefixed IRI)."""
    token = data[start : data.find(b" ", start)]
    if token.startswith(b"<"):
        return token
    prefix, _, local = token.partition(b":")
    return b"<" + PREFIXES[prefix.decode("ascii")].encode("utf-8") + _LOCAL_ESCAPE.sub(rb"\1", local) + b">"


def _turtle_block(triples: list[ox.Triple]) -> bytes:
    """One subject's triples as ``write_union_turtle`` writes them: sorted by their N-Triples text."""
    # serialize returns None only when given a file to write to
    lines = sorted((ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines(True))
    parsed = ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    return without_prefixes(ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")


def without_prefixes(turtle: bytes) -> bytes:
    """Turtle or TriG text without the ``@prefix`` lines it starts with."""
    lines = turtle.splitlines(True)
    start = next((index for index, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    return b"".join(lines[start:])


def _copy_without_prefixes(source: Path, stream: BinaryIO) -> None:
    with source.open("rb") as lines:
        for line in lines:
            if not line.startswith(b"@prefix "):
                stream.write(line)
                break
        shutil.copyfileobj(lines, stream)


def _union_lines(graphs: list[GraphFiles], scratch: Path) -> Iterable[bytes]:
    """The distinct N-Triples lines of all ``graphs``, sorted.

    An external merge sort: graphs are read in runs of about ``_RUN_BYTES``, each run
    sorted in memory (and spilled to ``scratch`` when there is more than one), then
    the runs are merged. Memory is bounded by the run size, not the corpus.
    """
    runs: list[Iterable[bytes]] = []
    lines: list[bytes] = []
    size = 0
    for graph in graphs:
        data = graph.quads.read_bytes()
        size += len(data)
        lines += _as_triples(data, graph.iri)
        if size >= _RUN_BYTES:
            runs.append(_spilled(sorted(set(lines)), scratch))
            lines, size = [], 0
    if not runs:
        return sorted(set(lines))
    if lines:
        runs.append(_spilled(sorted(set(lines)), scratch))
    return _distinct(heapq.merge(*runs))


def _as_triples(nquads: bytes, graph_iri: str) -> list[bytes]:
    """One graph's N-Quads lines as N-Triples lines (its own graph name cut off).

    The graph name followed by the end of the line can only be that line's graph
    label: N-Quads escapes line breaks inside literals.
    """
    return nquads.replace(b" <" + graph_iri.encode() + b"> .\n", b" .\n").splitlines(True)


def _spilled(lines: list[bytes], scratch: Path) -> Iterator[bytes]:
    handle, name = tempfile.mkstemp(dir=scratch, suffix=".nt")
    with os.fdopen(handle, "wb") as stream:
        stream.writelines(lines)
    return _lines_of(Path(name))


def _lines_of(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        yield from stream


def _distinct(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted ``lines`` without repeats."""
    return map(operator.itemgetter(0), itertools.groupby(lines))


def _observe(lines: list[bytes], summary: UnionSummary) -> None:
    """Count the distinct triples ``lines`` into ``summary``, and the subjects of each class."""
    summary.triples += len(lines)
    for line in [line for line in lines if _RDF_TYPE in line]:
        _, predicate, obj = line.split(b" ", 2)
        if predicate == _RDF_TYPE and obj.startswith(b"<"):
            summary.classes[obj[1:-4].decode("utf-8")] += 1


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces ``path`` only when the block ends without error."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, _FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename."""
    with atomic_writer(path) as stream:
        stream.write(content.encode("utf-8") if isinstance(content, str) else content)
    return path
