"""Bugs the annotations showed once mypy checked them (issue 18), each with what broke."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import RdfFormat, parse

from kg.errors import InputError
from kg.exporters import graphml_bytes
from kg.extract import extract
from kg.ingest import SourceDocument
from kg.project import View

# A report of our own writing: a judgement table, then a sentence that gives an old scale's grade.
REPORT_WITH_TABLE_AND_OLD_GRADE = """Inspection of local authority children's services, Herefordshire

Inspection dates: 3 to 14 October 2022

Judgement                                             Grade
Overall effectiveness                                 Inadequate
The impact of leaders on social work practice         Inadequate

The overall effectiveness of services was judged to be adequate.
"""


def test_an_old_scale_grade_in_a_report_with_a_table_is_skipped_not_a_crash():
    """In a report with a judgement table (prose read for the formal names only), a sentence giving
    an old scale's grade ("judged to be adequate", no judgement) made the extractor return None
    among the judgements, and extraction failed with AttributeError on 'target'."""
    claims = extract(SourceDocument("t", Path("t.txt"), REPORT_WITH_TABLE_AND_OLD_GRADE, "0"))
    grades = {(j.aspect, j.grade) for a in claims.assessments for j in a.judgements}
    assert ("overall effectiveness", "inadequate") in grades


# An RDF file of our own writing with an RDF 1.2 triple term as an object, once as a class.
TRIPLE_TERMS = b"""
<https://example.org/claim> <https://example.org/about> <<( <https://example.org/a> <https://example.org/knows> <https://example.org/b> )>> .
<https://example.org/odd> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <<( <https://example.org/a> <https://example.org/knows> <https://example.org/b> )>> .
"""


def test_graphml_of_a_file_with_triple_terms_draws_them_as_nodes():
    """``kg export --format graphml`` of an RDF file holding RDF 1.2 triple terms (any file
    ``--graph`` opens may) failed with AttributeError: a triple term has no ``value``, yet it
    was read as a node's IRI and as a class."""
    triples = [quad.triple for quad in parse(TRIPLE_TERMS, format=RdfFormat.N_TRIPLES)]
    graph = nx.parse_graphml(graphml_bytes(triples).decode("utf-8"), force_multigraph=True)
    quoted = "<<( <https://example.org/a> <https://example.org/knows> <https://example.org/b> )>>"
    assert {(s, o) for s, o in graph.edges()} == {
        ("https://example.org/claim", quoted),
        ("https://example.org/odd", quoted),
    }


def test_a_view_made_without_its_name_is_refused_when_made():
    """``View("area")``, made in code rather than by ``View.parse``, was accepted and drawing it
    failed with AttributeError on None; the checks of parse now hold for every View."""
    with pytest.raises(InputError, match="takes a name"):
        View("area")
    with pytest.raises(InputError, match="takes no name"):
        View("full", "Herefordshire")
