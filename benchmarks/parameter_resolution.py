"""What resolving a ``--param`` name costs (``kg.parameters``): prints, for each kind of
thing a library parameter names, how many things of that kind the graph holds, and the
median time to resolve a name typed as labelled (found in the store's index), in an odd
mix of cases (which reads every label of the kind), in part, and misspelt (no match: the
suggestions are worked out too), beside the time of the query it feeds run on the IRI.

    python benchmarks/parameter_resolution.py --graph out/store --repeat 7
    python benchmarks/parameter_resolution.py --graph out/graph.trig

The names tried are the graph's own: the first label (in order) of a thing of the kind,
its first word for the partial name, and that word with one letter doubled for the miss.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path

from pyoxigraph import Literal

from kg.errors import QueryError
from kg.graph import open_graph
from kg.parameters import _scanned, parameter_kind, resolve
from kg.query import load_query, run_query

# A library query for each kind, and its parameter.
USES = {
    "organisation": ("roles", "organisation"),
    "partnership": ("partnership-members", "partnership"),
    "area": ("judgements-over-time", "area"),
    "person": ("roles", "person"),
    "role": ("roles", "role"),
    "theme": ("theme-cooccurrence", "theme"),
    "assessment": ("recommendations-and-responses", "assessment"),
    "node": ("evidence", "node"),
}


def _median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with contextlib.suppress(QueryError):  # a partial name that fits several: refused, timed all the same
            call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=Path("out/store"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    store = open_graph(args.graph)
    print(f"graph {args.graph}; median of {args.repeat} runs, ms")
    print(
        f"{'kind':<14}{'things':>8}{'as typed':>10}{'odd case':>10}{'partial':>9}{'miss':>9}{'query on IRI':>14}"
    )
    for kind_name, (query_name, parameter) in USES.items():
        kind = parameter_kind(parameter)
        assert kind is not None
        things = _scanned(store, kind)
        if not things:
            print(f"{kind_name:<14}{0:>8}")
            continue
        name = things[0].name
        word = name.split()[0]
        miss = word[0] + word[0] + word[1:] + "x"
        odd = "".join(char.upper() if index % 2 else char.lower() for index, char in enumerate(name))
        query = load_query(query_name)
        declared = (parameter,)

        def resolving(value: str):
            return lambda: resolve(store, {parameter: Literal(value)}, declared)

        on_iri = _median_ms(lambda: run_query(store, query, {parameter: f"<{things[0].iri}>"}), args.repeat)
        print(
            f"{kind_name:<14}{len(things):>8}"
            f"{_median_ms(resolving(name), args.repeat):>10.1f}"
            f"{_median_ms(resolving(odd), args.repeat):>10.1f}"
            f"{_median_ms(resolving(word), args.repeat):>9.1f}"
            f"{_median_ms(resolving(miss), args.repeat):>9.1f}"
            f"{on_iri:>14.1f}"
        )


if __name__ == "__main__":
    main()
