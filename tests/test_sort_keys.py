"""The sort keys of the library queries (docs/queries.md, "Fast sorting") order rows exactly
as sorting on the columns they join would.

A key is ``CONCAT(COALESCE(?a, ""), "\\t", COALESCE(STR(?b), ""), ...)``. The property test
asks pyoxigraph itself for both orders, over values chosen to be awkward: one a prefix of
another, spaces and punctuation that sort before letters, capitals, accents, the empty
unbound values and IRIs. The premises, that no value is empty (it would tie with unbound)
or holds a tab or a character sorting before it, are checked on the seed graph.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import FOAF, RDFS

from kg.vocab import SG

EX = "http://example.org/"
WORDS = [
    "A",
    "Ab",
    "A b",
    "A-b",
    "A, b",
    "a",
    "Zed",
    "Zed (2022)",
    "2022",
    "2022-03",
    "Ölwen",
    "O'Neill",
    "x" * 20,
]
LABEL = st.one_of(
    st.none(),
    st.sampled_from(WORDS),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x17F), min_size=1, max_size=6),
)
IRI = st.one_of(
    st.none(),
    st.sampled_from([EX + "a", EX + "a-b", EX + "a/b", EX + "b", "https://w3id.org/sgkg/id/area/a"]),
)
ROWS = st.lists(st.tuples(LABEL, IRI, LABEL), min_size=1, max_size=30)
COLUMNS = ("label", "iri", "other")
BY_COLUMNS = f"""
SELECT ?row WHERE {{
  ?row <{EX}kind> "row" .
  OPTIONAL {{ ?row <{EX}label> ?label }} OPTIONAL {{ ?row <{EX}iri> ?iri }} OPTIONAL {{ ?row <{EX}other> ?other }}
}} ORDER BY ?label ?iri ?other ?row"""
BY_KEY = BY_COLUMNS.replace(
    "} ORDER BY ?label ?iri ?other ?row",
    'BIND(CONCAT(COALESCE(?label, ""), "\\t", COALESCE(STR(?iri), ""), "\\t", COALESCE(?other, "")) AS ?key)\n} ORDER BY ?key ?row',
)


def _store(rows: list[tuple[str | None, str | None, str | None]]) -> ox.Store:
    store = ox.Store()
    for number, values in enumerate(rows):
        row = ox.NamedNode(f"{EX}row/{number:03d}")
        store.add(ox.Quad(row, ox.NamedNode(EX + "kind"), ox.Literal("row")))
        for column, value in zip(COLUMNS, values):
            if value is None:
                continue
            term = ox.NamedNode(value) if column == "iri" else ox.Literal(value)
            store.add(ox.Quad(row, ox.NamedNode(EX + column), term))
    return store


@settings(max_examples=200, deadline=None, derandomize=True)
@given(ROWS)
def test_a_sort_key_orders_rows_as_its_columns_do(rows):
    store = _store(rows)
    by_columns = [solution["row"] for solution in store.query(BY_COLUMNS)]
    by_key = [solution["row"] for solution in store.query(BY_KEY)]
    assert by_key == by_columns


def test_the_property_sees_both_orders_differ_without_the_tab():
    """The tab matters: with a space instead, "A b" would sort before "A" followed by an IRI."""
    store = _store([("A b", EX + "a", "x"), ("A", EX + "b", "x")])
    with_space = BY_KEY.replace('"\\t"', '" "')
    assert [s["row"] for s in store.query(with_space)] != [s["row"] for s in store.query(BY_COLUMNS)]
    assert [s["row"] for s in store.query(BY_KEY)] == [s["row"] for s in store.query(BY_COLUMNS)]


@pytest.mark.parametrize("predicate", [RDFS.label, SG.statement, SG.aspect, SG.fileName, FOAF.name])
def test_no_value_a_key_joins_is_empty_or_holds_a_tab_or_lower_character(seed_graph, predicate):
    values = [str(value) for value in seed_graph.objects(None, predicate)]
    assert values
    assert [value for value in values if not value or re.search("[\\x00-\\t]", value)] == []
