"""Print how long each library query takes to answer a graph (the issue's 100 ms budget).

Usage::

    python benchmarks/query_latency.py                         # builds seeds/ into a temporary folder
    python benchmarks/query_latency.py --graph out/graph.trig --repeat 50

For each query in ``queries/`` it runs the query ``--repeat`` times (after one warm-up run)
on an in-memory pyoxigraph store, exactly as ``kg query`` does (a required parameter bound
to a typical value), and prints the number of
rows, the median and the slowest time in milliseconds, and whether the slowest run is
within the budget. Figures, not assertions: this is a script, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.answer_floor import REQUIRED_EXAMPLES
from kg.pipeline import BuildOptions, build
from kg.query import library, open_store, run_query

ROOT = Path(__file__).resolve().parent.parent

BUDGET_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="graph to query (default: a fresh build of seeds/)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        graph = args.graph or _build_seeds(Path(scratch))
        started = time.perf_counter()
        store = open_store(graph)
        load_ms = (time.perf_counter() - started) * 1000
        print(
            f"graph {graph}: {len(store)} quads in the store (named graphs plus their union), loaded in {load_ms:.1f} ms; {args.repeat} runs per query"
        )
        print(f"{'query':<34}{'rows':>6}{'median ms':>11}{'max ms':>9}  within {BUDGET_MS:.0f} ms")
        slowest = 0.0
        for query in library():
            rows, times = _time(store, query, args.repeat)
            slowest = max(slowest, max(times))
            verdict = "yes" if max(times) <= BUDGET_MS else "NO"
            print(f"{query.name:<34}{rows:>6}{statistics.median(times):>11.2f}{max(times):>9.2f}  {verdict}")
        print(f"slowest single run: {slowest:.2f} ms")


def _build_seeds(out_dir: Path) -> Path:
    build([ROOT / "seeds"], BuildOptions(out_dir=out_dir, html=False))
    return out_dir / "graph.trig"


def _time(store, query, repeat: int) -> tuple[int, list[float]]:
    parameters = REQUIRED_EXAMPLES.get(query.name, {})
    rows = len(run_query(store, query, parameters).rows)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run_query(store, query, parameters)
        times.append((time.perf_counter() - started) * 1000)
    return rows, times


if __name__ == "__main__":
    main()
