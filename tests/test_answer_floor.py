"""The benchmark's answer floor (``benchmarks/answer_floor.py``) reads back exactly the answer it stands for.

The floor claims to time handing over a query's own answer; that holds only if the rows
it stores and reads back are that answer, row for row and in order. Checked for every
case of the query library's fixture (``tests/fixtures/queries``: every query has rows
there, with and without parameters), in an on-disk store like the one a build writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks import answer_floor
from kg.prefixes import PREFIXES
from kg.query import load_query, parameter_term
from kg.store import load_graph_file, open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "queries"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))


def _rows(store: ox.Store, sparql: str, columns: list[str], parameters: dict[str, str]) -> list[tuple]:
    bound = {ox.Variable(name): parameter_term(value) for name, value in parameters.items()}
    return [
        tuple(solution[name] for name in columns)
        for solution in store.query(sparql, prefixes=PREFIXES, substitutions=bound)
    ]


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_stored_answer_reads_back_row_for_row(tmp_path, case):
    fixture = load_graph_file(FIXTURES / "fixture.trig")
    store = ox.Store(str(tmp_path / "store"))
    store.bulk_extend(list(fixture))
    query = load_query(case["query"])

    columns, rows, reading = answer_floor.store_answer(store, query.text, case["params"])

    expected = _rows(fixture, query.text, columns, case["params"])
    assert rows == len(expected) > 0
    assert _rows(store, reading, columns, {}) == expected


def test_floor_of_a_query_counts_its_rows_and_columns(seed_build):
    out_dir, _ = seed_build
    seconds, rows, columns = answer_floor.answer_floor(out_dir, "roles", {}, runs=3)
    assert rows == len(list(open_store(out_dir).query(load_query("roles").text, prefixes=PREFIXES))) > 0
    assert columns >= 2
    assert 0 < seconds < 5
    assert not list(out_dir.glob("sgkg-floor-*")), "the store's copy is removed afterwards"
