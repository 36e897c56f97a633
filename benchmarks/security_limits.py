"""What the limits of docs/security.md cost and hold (prints figures; not a test).

Measures, on loopback and in temporary folders only:
- the cost of running a query in a forked child (``kg.isolation``: ``kg query`` always, ``kg serve``
  while on guard after a crash) next to running it inline (``kg serve`` normally);
- a query that crashes the engine, and a simple query right after it;
- ``kg serve``'s memory with 20 clients that stop reading 8 MB answers, and a simple query meanwhile;
- hostile files: nested HTML, a DOCX zip bomb (honest and faked sizes), RDF/XML "billion laughs".

    .venv/bin/python benchmarks/security_limits.py [--graph tests/fixtures/linked-data/small.trig]
"""

from __future__ import annotations

import argparse
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kg.errors import InputError
from kg.isolation import run_in_child
from kg.serve import ServeOptions, answer_query, isolated_answer, query_runner, serving_store

ROOT = Path(__file__).resolve().parent.parent

SIMPLE = "ASK { ?s ?p ?o }"
LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 100"
NESTED = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
BIG = "SELECT (GROUP_CONCAT(STR(?p)) AS ?n) WHERE { SELECT ?p WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y } LIMIT 200000 }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--graph", type=Path, default=ROOT / "tests" / "fixtures" / "linked-data" / "small.trig"
    )
    graph = parser.parse_args().graph
    isolation_cost(graph)
    crash_then_simple(graph)
    slow_readers(graph)
    hostile_files()


def _median_ms(call, times: int = 50) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def isolation_cost(graph: Path) -> None:
    store = serving_store(graph)
    options = ServeOptions(graph=graph)
    runner = query_runner(store, options)

    def prepared(query: str) -> None:
        runner.prepare()  # the worker forks after answering, before the next query comes
        started = time.perf_counter()
        isolated_answer(runner, query, ["*/*"], options)
        return (time.perf_counter() - started) * 1000

    print(f"Query isolation on {graph.name} ({len(store)} quads), median of 50, ms:")
    for name, query in (("ASK", SIMPLE), ("100 labels", LABELS)):
        inline = _median_ms(lambda: answer_query(store, query, ["*/*"], 10_000))
        ahead = statistics.median(prepared(query) for _ in range(50))
        fresh = _median_ms(lambda: run_in_child(lambda: answer_query(store, query, ["*/*"], 10_000)))
        print(
            f"  {name:<11} inline (kg serve) {inline:6.2f}   child forked ahead (kg serve on guard) {ahead:6.2f}   "
            f"child forked per query (kg query) {fresh:6.2f}"
        )
    runner.close()


def crash_then_simple(graph: Path) -> None:
    options = ServeOptions(graph=graph, timeout=10)
    runner = query_runner(serving_store(graph), options)
    started = time.perf_counter()
    answer = isolated_answer(runner, NESTED, ["*/*"], options)
    crashed = time.perf_counter() - started
    runner.prepare()
    started = time.perf_counter()
    simple = isolated_answer(runner, SIMPLE, ["*/*"], options)
    after = time.perf_counter() - started
    runner.close()
    print(
        f"5,000 nested braces past the nesting check: HTTP {answer.status} in {crashed * 1000:.0f} ms "
        f"({answer.body.decode().strip()}); the next simple query: HTTP {simple.status} in {after * 1000:.1f} ms"
    )


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def slow_readers(graph: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "serve",
            "--graph",
            str(graph),
            "--port",
            str(port),
            "--row-limit",
            "1000000",
            "--timeout",
            "30",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    readers = []
    try:
        server.stdout.readline()
        idle = _rss_mb(server.pid)
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": SIMPLE})
        before = _median_ms(lambda: urllib.request.urlopen(url, timeout=10).read(), 20)
        request = (
            f"GET /sparql?{urllib.parse.urlencode({'query': BIG})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: application/sparql-results+json\r\n\r\n"
        ).encode()
        for _ in range(20):
            reader = socket.socket()
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            reader.settimeout(120)
            reader.connect(("127.0.0.1", port))
            reader.sendall(request)
            readers.append(reader)
        statuses = [reader.recv(12)[9:12].decode() for reader in readers]
        held = _rss_mb(server.pid)
        during = _median_ms(lambda: urllib.request.urlopen(url, timeout=10).read(), 20)
        print(
            f"kg serve with 20 clients not reading 8 MB answers: RSS {idle:.0f} MB idle -> {held:.0f} MB "
            f"({statuses.count('200')} answered 200, {statuses.count('503')} 503 busy); "
            f"simple query median {before:.1f} ms before, {during:.1f} ms meanwhile"
        )
    finally:
        for reader in readers:
            reader.close()
        server.terminate()
        server.wait(timeout=30)


def _in_child(call) -> tuple[float, float, str]:
    """Seconds, peak RSS above a child's start (MB) and the outcome of ``call()`` in a forked child."""

    def measured():
        start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            result = call()
        except InputError as error:
            result = f"refused: {error}"
        seconds = time.perf_counter() - started
        return (
            seconds,
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss) / 1024,
            str(result)[:110],
        )

    outcome = run_in_child(measured, timeout=300)
    if not outcome.finished:
        return float("nan"), float("nan"), f"died: {outcome.how}"
    return outcome.value


def hostile_files() -> None:
    from test_security import LAUGHS, _docx_with_huge_body, _understated

    from kg.ingest import read_document
    from kg.readers.html import read_html
    from kg.store import load_graph_file

    print("Hostile files (each read in a forked child; memory is the peak above the child's start):")
    for tag in ("div", "span", "b"):
        count = 300_000 // (2 * len(tag) + 6)
        raw = ("<html><body>" + f"<{tag}>Wexcombe " * count + "</body></html>").encode()
        seconds, megabytes, _ = _in_child(lambda: read_html(raw))
        print(
            f"  {len(raw) // 1000} KB of {count:,} nested <{tag}>: read in {seconds:.2f} s, {megabytes:.0f} MB"
        )
    with tempfile.TemporaryDirectory() as folder:
        bomb = _docx_with_huge_body(150)
        for label, raw in (
            ("honest sizes", bomb),
            ("faked sizes", _understated(bomb, b"word/document.xml", 4096)),
        ):
            path = Path(folder) / "bomb.docx"
            path.write_bytes(raw)
            seconds, megabytes, result = _in_child(lambda: read_document(path))
            print(
                f"  DOCX of {len(raw) // 1000} KB, body 150 MB, {label}: {seconds:.2f} s, {megabytes:.0f} MB: {result}"
            )
        laughs = Path(folder) / "laughs.rdf"
        laughs.write_text(LAUGHS, encoding="utf-8")
        seconds, megabytes, result = _in_child(lambda: load_graph_file(laughs))
        print(
            f"  RDF/XML of {len(LAUGHS)} bytes, entities 6 deep: {seconds * 1000:.1f} ms, {megabytes:.0f} MB: {result}"
        )


if __name__ == "__main__":
    main()
