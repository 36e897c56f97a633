"""kg.build.generations: the built store opens read-only without re-parsing; any RDF file opens by suffix."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import threading

import pyoxigraph as ox
import pytest
from scale_helpers import assert_store_matches_files

from kg.build.generations import load_graphs, load_union, new_generation
from kg.errors import GraphNotFound, InputError
from kg.graph import open_graph
from kg.vocab import SCHEMES_GRAPH, graph_iri

SPARQL_DOCUMENTS = (
    "PREFIX sg: <https://w3id.org/sgkg/ontology#> SELECT ?d WHERE { ?d a sg:SourceDocument } ORDER BY ?d"
)


def test_the_built_store_holds_the_graph_files(seed_build):
    out_dir, report = seed_build
    assert_store_matches_files(out_dir)
    names = {graph.value for graph in open_graph(out_dir).named_graphs()}
    assert str(SCHEMES_GRAPH) in names and str(graph_iri("000-c6acae932d576f81")) in names
    assert len(names) == report.documents + 1


def test_the_default_graph_is_the_union_so_plain_sparql_sees_everything(seed_build):
    out_dir, report = seed_build
    rows = list(open_graph(out_dir).query(SPARQL_DOCUMENTS))
    assert len(rows) == report.documents == 5


def test_the_built_store_is_opened_read_only(seed_build):
    out_dir, _ = seed_build
    store = open_graph(out_dir)
    quad = ox.Quad(
        ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o")
    )
    with pytest.raises(RuntimeError, match="read-write"):
        store.add(quad)


def test_no_store_yet_says_to_build_first(tmp_path):
    with pytest.raises(GraphNotFound, match="run `kg build` first"):
        open_graph(tmp_path / "out")


@pytest.mark.parametrize("name", ["graph.ttl", "graph.trig"])
def test_a_graph_file_is_loaded_by_its_suffix(seed_build, tmp_path, name):
    out_dir, report = seed_build
    store = open_graph(out_dir / name)
    rows = list(store.query(SPARQL_DOCUMENTS))
    assert len(rows) == report.documents
    assert bool(list(store.named_graphs())) == (name == "graph.trig")


def test_an_n_triples_file_loads_into_the_default_graph(tmp_path):
    path = tmp_path / "tiny.nt"
    path.write_text('<https://example.org/a> <https://example.org/label> "Northmere" .\n', encoding="utf-8")
    store = open_graph(path)
    assert len(store) == 1


def test_bad_graph_files_are_refused_with_the_reason(tmp_path):
    with pytest.raises(GraphNotFound, match="no such file or folder"):
        open_graph(tmp_path / "missing.ttl")
    unknown = tmp_path / "graph.csv"
    unknown.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a graph file"):
        open_graph(unknown)
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid"):
        open_graph(broken)


# A thread's heap left full of holes: 200 MB of 1 KB blocks, every 64th kept, the rest
# freed. glibc keeps the free pages for later; release_free_memory gives them back.
_HOLED_HEAP = """
import ctypes, threading
from kg.build.generations import release_free_memory

libc = ctypes.CDLL(None)
libc.malloc.restype, libc.free.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
kept = []

def fill_and_free():
    blocks = [libc.malloc(1024) for _ in range(200_000)]
    for block in blocks:
        ctypes.memset(block, 1, 1024)
    kept.extend(blocks[::64])
    for index, block in enumerate(blocks):
        if index % 64:
            libc.free(block)

def resident_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))

thread = threading.Thread(target=fill_and_free)
thread.start()
thread.join()
before = resident_mb()
release_free_memory()
print(before, resident_mb())
"""


@pytest.mark.skipif(
    not hasattr(ctypes.CDLL(None), "malloc_trim"), reason="the C library has no malloc_trim (not glibc)"
)
def test_free_memory_of_a_thread_heap_goes_back_to_the_system():
    done = subprocess.run([sys.executable, "-c", _HOLED_HEAP], capture_output=True, text=True, check=True)
    before, after = map(int, done.stdout.split())
    assert before - after > 100, f"resident {before} MB before, {after} MB after"


def test_the_loaders_stop_once_cancelled_and_load_everything_otherwise(tmp_path):
    triples = [f'<urn:s:{index}> <urn:p> "{index}" .\n' for index in range(5000)]
    union = tmp_path / "union.nt"
    union.write_text("".join(triples), encoding="utf-8")
    quads = tmp_path / "graph.nq"
    quads.write_text("".join(line.replace(" .\n", " <urn:g> .\n") for line in triples), encoding="utf-8")
    cancelled = threading.Event()
    cancelled.set()
    (tmp_path / "stopped").mkdir()
    (tmp_path / "loaded").mkdir()
    stopped = new_generation(tmp_path / "stopped")
    load_graphs(stopped, [quads], cancelled)
    load_union(stopped, union, cancelled)
    assert len(stopped.store) == 0

    loaded = new_generation(tmp_path / "loaded")
    load_graphs(loaded, [quads], threading.Event())
    load_union(loaded, union, threading.Event())
    assert len(loaded.store) == 10000
