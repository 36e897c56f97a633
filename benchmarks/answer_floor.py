"""The least time a store can take to hand over a query's answer: the answer stored ready-made and read back.

A library query's latency has two parts: working the answer out, and handing its rows
over (every term of every row decoded from the store). This script measures the second
part alone. It copies the built store (hard links), stores the query's answer in the copy
as one resource per row (its rank and one property per column), and times the fastest
query that reads the rows back in rank order. No query that computes the same answer
from the graph can return sooner from this store.

    python benchmarks/answer_floor.py failings-by-partner-and-theme --out out/
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.prefixes import PREFIXES
from kg.query import load_query, parameter_term, parse_parameters
from kg.store import STORE_LINK, open_store

# A typical value for each required query parameter (kg query refuses to run without it):
# Ofsted is in the seeds and in every generated corpus.
REQUIRED_EXAMPLES = {"evidence": {"node": "Ofsted"}, "organisation-profile": {"organisation": "Ofsted"}}
_ROW = "urn:sgkg:benchmark:row:"
_COLUMN = "urn:sgkg:benchmark:column:"
_RANK = ox.NamedNode(_COLUMN + "rank")


def store_answer(store: ox.Store, sparql: str, parameters: dict[str, str]) -> tuple[list[str], int, str]:
    """Store the answer of ``sparql`` in ``store`` (its default graph) as rows; the columns
    that are ever bound, the row count, and the query that reads the rows back in order."""
    bound = {ox.Variable(name): parameter_term(value) for name, value in parameters.items()}
    answer = store.query(sparql, prefixes=PREFIXES, substitutions=bound)
    variables = [variable.value for variable in answer.variables]
    quads, bound_somewhere, unbound_somewhere = [], set(), set()
    rows = 0
    for rows, solution in enumerate(answer, start=1):
        row = ox.NamedNode(f"{_ROW}{rows}")
        quads.append(ox.Quad(row, _RANK, ox.Literal(rows)))
        for name in variables:
            value = solution[name]
            if value is None:
                unbound_somewhere.add(name)
            else:
                bound_somewhere.add(name)
                quads.append(ox.Quad(row, ox.NamedNode(_COLUMN + name), value))
    store.bulk_extend(quads)
    store.flush()
    columns = [name for name in variables if name in bound_somewhere]
    return columns, rows, reading_query(columns, unbound_somewhere)


def reading_query(columns: list[str], optional: set[str]) -> str:
    """The rows back in rank order, each column a sub-select hash-joined on the row (the
    fastest form in pyoxigraph: one scan of each column), OPTIONAL for the ``optional`` ones
    (sometimes unbound)."""
    parts = [f"{{ SELECT ?row ?rank WHERE {{ ?row <{_RANK.value}> ?rank }} }}"]
    for name in columns:
        select = f"{{ SELECT ?row ?{name} WHERE {{ ?row <{_COLUMN}{name}> ?{name} }} }}"
        parts.append(f"OPTIONAL {select}" if name in optional else select)
    projection = " ".join(f"?{name}" for name in columns)
    return f"SELECT {projection} WHERE {{ {' '.join(parts)} }} ORDER BY ?rank"


def time_reading(store_dir: Path, sparql: str, runs: int) -> float:
    """Median seconds, over ``runs``, to read every row of ``sparql`` from the store at ``store_dir``."""
    store, times = ox.Store.read_only(str(store_dir)), []
    for _ in range(runs):
        began = time.perf_counter()
        sum(1 for _ in store.query(sparql))
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def answer_floor(
    out_dir: Path, query_name: str, parameters: dict[str, str], runs: int = 15
) -> tuple[float, int, int]:
    """(median seconds to read the stored answer back, rows, columns) for library query
    ``query_name`` on the store ``kg build`` wrote in ``out_dir``."""
    query = load_query(query_name)
    with tempfile.TemporaryDirectory(prefix="sgkg-floor-", dir=out_dir) as scratch:
        copy = Path(scratch) / STORE_LINK
        open_store(out_dir).backup(str(copy))
        writable = ox.Store(str(copy))
        columns, rows, reading = store_answer(writable, query.text, parameters)
        del writable
        return time_reading(copy, reading, runs), rows, len(columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("query", help="a library query's name")
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="the build's output folder (default: out)"
    )
    parser.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a query parameter"
    )
    args = parser.parse_args()
    parameters = parse_parameters(args.param)
    seconds, rows, columns = answer_floor(args.out, args.query, parameters)
    print(
        f"{args.query}: its answer ({rows} rows, {columns} columns) stored ready-made and read back in order: "
        f"{1000 * seconds:.1f} ms"
    )


if __name__ == "__main__":
    main()
