"""Load test of ``kg serve``: N concurrent clients for a fixed time on loopback.

Starts ``kg serve`` as a child process on a free 127.0.0.1 port, runs the clients
(threads, each sending queries one after another), stops the server and prints
requests/s, latency percentiles and the number of errors. Loopback only, bounded in
time: it stops by itself.

    .venv/bin/python benchmarks/serve_load.py --graph out/graph.trig --clients 50 --seconds 10
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

QUERIES = [
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 100",
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)",
    "ASK { ?s a sg:SourceDocument }",
    "CONSTRUCT { ?d ?p ?o } WHERE { ?d a sg:SourceDocument ; ?p ?o }",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=Path("out/graph.trig"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    arguments = parser.parse_args()
    if not arguments.graph.exists():
        sys.exit(f"no graph at {arguments.graph}: run `kg build seeds/ --out out/` first")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--graph", str(arguments.graph), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        _wait_for(url, server)
        latencies, errors = _run_clients(url, arguments.clients, arguments.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(latencies, errors, arguments)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"kg serve exited with {server.returncode}")
        try:
            urllib.request.urlopen(url + "?query=" + urllib.parse.quote("ASK {}"), timeout=5).read()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    sys.exit("kg serve did not answer within 60 s")


def _run_clients(url: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        sent = number
        while time.monotonic() < deadline:
            query = QUERIES[sent % len(QUERIES)]
            sent += 1
            started = time.perf_counter()
            try:
                request = urllib.request.Request(
                    url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": "*/*"}
                )
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                outcome = None
            except (urllib.error.URLError, OSError) as error:
                outcome = str(error)
            elapsed = time.perf_counter() - started
            with lock:
                if outcome is None:
                    latencies.append(elapsed)
                else:
                    errors.append(outcome)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def _report(latencies: list[float], errors: list[str], arguments) -> None:
    total = len(latencies) + len(errors)
    print(f"graph: {arguments.graph}  clients: {arguments.clients}  duration: {arguments.seconds:g} s")
    print(f"requests: {total}  ok: {len(latencies)}  errors: {len(errors)}")
    print(f"throughput: {len(latencies) / arguments.seconds:.1f} requests/s")
    if len(latencies) >= 2:
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"latency: p50 {cuts[49] * 1000:.1f} ms  p95 {cuts[94] * 1000:.1f} ms  p99 {cuts[98] * 1000:.1f} ms  max {max(latencies) * 1000:.1f} ms"
        )
    for message in sorted(set(errors))[:5]:
        print(f"error: {message} (x{errors.count(message)})")


if __name__ == "__main__":
    main()
