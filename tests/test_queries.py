"""The SPARQL query library (``queries/*.rq``) and ``kg.query``.

Three parts: golden answers of every library query on a small hand-made graph
(``tests/fixtures/queries/``), the engine's contract (parameters, errors, formats), and
the issue's examples on the seed build (Herefordshire, Child K, Kevin Crompton).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode
from rdflib import Dataset, Graph

from kg.errors import GraphNotFound, InputError, QueryError
from kg.graph import open_graph
from kg.query import (
    inline_query,
    library,
    load_query,
    parameter_term,
    parse_parameters,
    read_query,
    run_query,
)
from kg.resources import ontology_dir
from kg.vocab import GRADE, ID, SG

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "queries"
FIXTURE_GRAPH = FIXTURES / "fixture.trig"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

LIBRARY = {
    "failings-by-partner-and-theme",
    "partner-theme-matrix",
    "judgements-over-time",
    "areas-not-improving",
    "recommendations-and-responses",
    "recommendations-without-response",
    "roles",
    "partnership-members",
    "theme-cooccurrence",
    "evidence",
    "assessments-by-assessor",
    "organisation-profile",
    "grades-beside-statistics",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# A value for each required parameter, for tests that run every library query.
REQUIRED_EXAMPLES = {"evidence": {"node": "Jordan Hale"}, "organisation-profile": {"organisation": "MSCP"}}


@pytest.fixture(scope="module")
def fixture_store():
    return open_graph(FIXTURE_GRAPH)


@pytest.fixture(scope="module")
def fixture_union_ttl(tmp_path_factory) -> Path:
    """The fixture's named graphs merged into one Turtle graph, as ``out/graph.ttl`` is."""
    dataset = Dataset().parse(FIXTURE_GRAPH, format="trig")
    path = tmp_path_factory.mktemp("union") / "graph.ttl"
    union = Graph()
    for subject, predicate, obj, _ in list(dataset.quads((None, None, None, None))):
        union.add((subject, predicate, obj))
    union.serialize(path, format="turtle")
    return path


# --- the library ---------------------------------------------------------------------


def test_library_has_the_thirteen_questions_each_with_a_header():
    queries = library()
    assert {query.name for query in queries} == LIBRARY
    for query in queries:
        assert query.question.endswith("?"), query.name
        assert "Example output" in query.text, query.name


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_declared_parameters_are_exactly_the_dollar_variables(name):
    """Each ``$name`` in the body is declared in the header and projected, and vice versa."""
    query = load_query(name)
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", body))
    assert used == set(query.parameters)
    select = body[body.index("SELECT") : body.index("WHERE")]
    assert set(re.findall(r"\$([A-Za-z_]\w*)", select)) == set(query.parameters)


def test_every_contract_term_a_query_uses_is_in_the_ontology():
    """A renamed class, property or grade in ontology/ must not silently empty a query."""
    ontology = Graph().parse(ontology_dir() / "sgkg.ttl", format="turtle")
    declared = {str(subject) for subject in ontology.subjects()}
    namespaces = {"sg": str(SG), "grade": str(GRADE)}
    for query in library():
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith(("#", "PREFIX")))
        for prefix, local in re.findall(r"\b(sg|grade):([A-Za-z][\w-]*)", body):
            assert namespaces[prefix] + local in declared, f"{query.name}: {prefix}:{local}"


def test_every_case_has_its_expected_file_and_every_query_a_case():
    expected_files = {path.stem for path in (FIXTURES / "expected").glob("*.tsv")}
    assert len(CASES) == 32
    assert all(set(load_query(case["query"]).required) <= set(case["params"]) for case in CASES)
    assert {case["case"] for case in CASES} == expected_files
    assert {case["query"] for case in CASES} == LIBRARY


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_library_query_answers_the_fixture(fixture_store, case):
    answer = run_query(fixture_store, load_query(case["query"]), case["params"])
    expected = (FIXTURES / "expected" / f"{case['case']}.tsv").read_text(encoding="utf-8")
    assert answer.serialize("tsv") == expected


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_union_turtle_and_named_graph_trig_give_the_same_answer(fixture_store, fixture_union_ttl, name):
    """Triples repeated across named graphs must not repeat rows or inflate counts."""
    query, parameters = load_query(name), REQUIRED_EXAMPLES.get(name, {})
    assert (
        run_query(open_graph(fixture_union_ttl), query, parameters).document
        == run_query(fixture_store, query, parameters).document
    )


def test_a_triple_stated_in_two_documents_is_seen_once_and_graph_still_finds_both(fixture_store):
    """pyoxigraph's union default graph repeats such triples; open_graph must not."""
    once = run_query(fixture_store, inline_query('SELECT ?o WHERE { ?o rdfs:label "Ofsted" }'))
    assert _column(once, "o") == [str(ID["organisation/ofsted"])]
    both = run_query(
        fixture_store, inline_query('SELECT ?g WHERE { GRAPH ?g { ?o rdfs:label "Ofsted" } } ORDER BY ?g')
    )
    assert _column(both, "g") == [
        "https://w3id.org/sgkg/graph/millbrook-ilacs",
        "https://w3id.org/sgkg/graph/millford-child-r",
    ]


def test_answers_are_deterministic(fixture_store):
    query, parameters = load_query("evidence"), {"node": "MSCP"}
    first = run_query(open_graph(FIXTURE_GRAPH), query, parameters).serialize("json")
    assert first == run_query(fixture_store, query, parameters).serialize("json")


def test_only_the_dumping_queries_require_a_parameter():
    assert {query.name: query.required for query in library() if query.required} == {
        "evidence": ("node",),
        "organisation-profile": ("organisation",),
    }


@pytest.mark.parametrize("name", sorted(REQUIRED_EXAMPLES))
def test_a_missing_required_parameter_is_refused_by_name(fixture_store, name):
    (parameter,) = REQUIRED_EXAMPLES[name]
    with pytest.raises(QueryError, match=f"requires --param {parameter}="):
        run_query(fixture_store, load_query(name))


@pytest.mark.parametrize("name", sorted(REQUIRED_EXAMPLES))
def test_a_required_parameter_left_unbound_in_sparql_matches_nothing(fixture_store, name):
    """Run outside kg query (another engine, no binding), a required parameter's query is empty, not a dump."""
    assert list(fixture_store.query(load_query(name).text)) == []


# --- the fixture's answers, read as a user would ---------------------------------------


def _column(answer, name: str) -> list[str]:
    return [row[name]["value"] for row in answer.rows if name in row]


def test_scrutineer_is_found_only_in_her_own_partnership_despite_the_shared_acronym(fixture_store):
    answer = run_query(fixture_store, load_query("roles"), {"person": "priya lane", "organisation": "MSCP"})
    assert set(_column(answer, "organisationIri")) == {
        str(ID["organisation/millford-safeguarding-children-partnership"])
    }
    assert sorted(_column(answer, "roleLabel")) == ["Chair", "Independent Scrutineer"]


def test_a_label_that_matches_nothing_gives_no_rows(fixture_store):
    for name, parameter in [("roles", "person"), ("evidence", "node"), ("judgements-over-time", "area")]:
        assert run_query(fixture_store, load_query(name), {parameter: "Nobody Atall"}).rows == []


def test_parameter_text_is_bound_not_pasted(fixture_store):
    """A value that would widen the query if it were pasted into the text matches nothing."""
    hostile = 'x")) || true || ("'
    assert run_query(fixture_store, load_query("roles"), {"person": hostile}).rows == []
    hostile_iri = "<https://w3id.org/sgkg/id/person/x> } UNION { ?membership ?p ?o"
    assert run_query(fixture_store, load_query("roles"), {"person": hostile_iri}).rows == []


def test_parameters_are_left_out_of_the_answer(fixture_store):
    answer = run_query(fixture_store, load_query("roles"), {"person": "Jordan Hale"})
    assert "person" not in answer.variables
    assert all("person" not in row for row in answer.rows)


# --- parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("<https://example.org/x>", NamedNode("https://example.org/x")),
        ("https://w3id.org/sgkg/id/area/millford", NamedNode("https://w3id.org/sgkg/id/area/millford")),
        ("theme:neglect", NamedNode("https://w3id.org/sgkg/theme/neglect")),
        ("id:organisation/ofsted", NamedNode("https://w3id.org/sgkg/id/organisation/ofsted")),
        ("7", Literal("7", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ("2023-03-10", Literal("2023-03-10", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
        ("Kevin Crompton", Literal("Kevin Crompton")),
        ("Note: unknown prefix", Literal("Note: unknown prefix")),
    ],
)
def test_parameter_values_are_typed(value, term):
    assert parameter_term(value) == term


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Zs")), min_size=1).filter(str.strip))
def test_words_always_bind_as_plain_strings(text):
    term = parameter_term(text)
    assert isinstance(term, Literal)
    assert term.value == text.strip() and term.datatype == NamedNode(XSD_STRING)


def test_parse_parameters():
    assert parse_parameters(["person=Kevin Crompton", "?role=Chair", "area=a=b"]) == {
        "person": "Kevin Crompton",
        "role": "Chair",
        "area": "a=b",
    }
    with pytest.raises(QueryError, match="key=value"):
        parse_parameters(["person"])


def test_an_undeclared_parameter_is_refused_with_the_declared_ones(fixture_store):
    with pytest.raises(
        QueryError, match="has no parameter colour; its parameters: person, role, organisation"
    ):
        run_query(fixture_store, load_query("roles"), {"colour": "red"})


def test_an_inline_query_binds_projected_variables(fixture_store):
    query = inline_query("SELECT ?label ?area WHERE { ?area rdfs:label ?label }")
    answer = run_query(fixture_store, query, {"area": "id:area/millford"})
    assert _column(answer, "label") == ["Millford"]


def test_an_inline_query_refuses_a_parameter_it_does_not_project(fixture_store):
    with pytest.raises(QueryError, match="SELECT clause"):
        run_query(fixture_store, inline_query("SELECT ?s WHERE { ?s a sg:Area }"), {"area": "x"})


# --- errors ----------------------------------------------------------------------------


def test_unknown_name_lists_close_matches():
    with pytest.raises(QueryError, match="did you mean: roles"):
        load_query("rolez")
    with pytest.raises(QueryError, match="kg query --list"):
        load_query("qqqqqqqq")


def test_syntax_error_names_file_line_and_column(tmp_path, fixture_store):
    path = tmp_path / "broken.rq"
    path.write_text("# Question: broken?\nSELECT ?s\nWHERE { ?s ?p }\n", encoding="utf-8")
    with pytest.raises(QueryError) as raised:
        run_query(fixture_store, read_query(path))
    assert str(raised.value).startswith(f"{path}:3:9:")
    assert "SPARQL syntax error near" in str(raised.value)
    assert len(str(raised.value)) < 250


def test_missing_graph_says_how_to_build_one(tmp_path):
    with pytest.raises(GraphNotFound, match="kg build"):
        open_graph(tmp_path / "graph.trig")


def test_unknown_graph_suffix_and_broken_graph_are_input_errors(tmp_path):
    unknown = tmp_path / "graph.xyz"
    unknown.write_text("nothing", encoding="utf-8")
    with pytest.raises(InputError, match="not a graph file"):
        open_graph(unknown)
    broken = tmp_path / "graph.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="graph.ttl: not valid"):
        open_graph(broken)


def test_construct_is_refused(fixture_store):
    with pytest.raises(QueryError, match="SELECT and ASK"):
        run_query(fixture_store, inline_query("CONSTRUCT WHERE { ?s a sg:Area }"))


# --- formats ---------------------------------------------------------------------------


def test_json_follows_the_w3c_results_format(fixture_store):
    document = json.loads(
        run_query(fixture_store, load_query("roles"), {"person": "Jordan Hale"}).serialize("json")
    )
    assert document["head"]["vars"][:2] == ["personIri", "personLabel"]
    (row,) = document["results"]["bindings"]
    assert row["personIri"] == {"type": "uri", "value": str(ID["person/jordan-hale"])}
    assert row["personLabel"] == {"type": "literal", "value": "Jordan Hale"}


def test_csv_has_a_header_and_plain_values(fixture_store):
    text = run_query(fixture_store, load_query("judgements-over-time"), {"area": "Millbrook"}).serialize(
        "csv"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["gradeLabel"] for row in rows] == ["requires improvement", "inadequate", "inadequate"]
    assert rows[0]["date"] == "2019-06"


def test_ask_answers_in_json_only(fixture_store):
    answer = run_query(fixture_store, inline_query("ASK { ?s a sg:Area }"))
    assert json.loads(answer.serialize("json"))["boolean"] is True
    with pytest.raises(QueryError, match="ASK"):
        answer.serialize("csv")


# --- the seed graph (the examples) ---------------------------------------------


@pytest.fixture(scope="module")
def seed_store(seed_build):
    out_dir, _ = seed_build
    return open_graph(out_dir / "graph.trig")


def _seed(seed_store, name: str, **parameters):
    return run_query(seed_store, load_query(name), parameters)


HEREFORDSHIRE_PARTNERSHIP = str(ID["organisation/herefordshire-safeguarding-children-partnership"])
HERTFORDSHIRE_PARTNERSHIP = str(ID["organisation/hertfordshire-safeguarding-children-partnership"])


def test_seed_herefordshire_ilacs_aspects_are_all_inadequate(seed_store):
    answer = _seed(seed_store, "judgements-over-time", area="Herefordshire")
    inspections = [row for row in answer.rows if "/id/inspection/" in row["assessmentIri"]["value"]]
    assert len({row["aspect"]["value"].lower() for row in inspections}) >= 3
    assert {row["gradeIri"]["value"] for row in inspections} == {str(GRADE["inadequate"])}


def test_seed_child_k_has_seven_recommendations_each_with_a_response(seed_store):
    answer = _seed(seed_store, "recommendations-and-responses", assessment="Child K")
    numbers = {int(row["number"]["value"]) for row in answer.rows if "number" in row}
    assert numbers == set(range(1, 8))
    assert all(row.get("response", {}).get("value") for row in answer.rows)
    assert _seed(seed_store, "recommendations-without-response", assessment="Child K").rows == []


def test_seed_kevin_crompton_scrutinises_herefordshire_not_hertfordshire(seed_store):
    answer = _seed(seed_store, "roles", person="Kevin Crompton")
    places = {(row["roleLabel"]["value"], row["organisationIri"]["value"]) for row in answer.rows}
    assert ("Independent Scrutineer", HEREFORDSHIRE_PARTNERSHIP) in places
    assert HERTFORDSHIRE_PARTNERSHIP not in {organisation for _, organisation in places}


def test_seed_jenny_coles_chairs_hertfordshire(seed_store):
    answer = _seed(seed_store, "roles", person="Jenny Coles")
    assert {(row["roleLabel"]["value"], row["organisationIri"]["value"]) for row in answer.rows} == {
        ("Chair", HERTFORDSHIRE_PARTNERSHIP)
    }


def test_seed_herefordshire_council_is_implicated_in_failings_in_herefordshire(seed_store):
    answer = _seed(seed_store, "failings-by-partner-and-theme", organisation="Herefordshire Council")
    assert answer.rows
    assert all("Herefordshire" in row["areas"]["value"] for row in answer.rows)


def test_seed_matrix_counts_local_authority_failings(seed_store):
    answer = _seed(seed_store, "partner-theme-matrix")
    local_authority = [
        row for row in answer.rows if row["organisationType"]["value"] == str(SG.LocalAuthority)
    ]
    assert sum(int(row["failings"]["value"]) for row in local_authority) >= 3


def test_seed_no_area_is_reported_without_two_comparable_grades(seed_store):
    """Only graded judgements can be compared: every row has both grades, latest no better."""
    ranks = {"outstanding": 1, "good": 2, "requires improvement": 3, "inadequate": 4}
    for row in _seed(seed_store, "areas-not-improving").rows:
        assert (
            ranks[row["latestGradeLabel"]["value"].lower()]
            >= ranks[row["previousGradeLabel"]["value"].lower()]
        )
    hampshire = _seed(seed_store, "areas-not-improving", area="Hampshire")
    assert hampshire.rows == []  # the Hampshire JTAI gives narrative findings, no grades


def test_seed_partnerships_have_their_own_areas_members(seed_store):
    answer = _seed(seed_store, "partnership-members", partnership=HEREFORDSHIRE_PARTNERSHIP)
    members = _column(answer, "memberLabel")
    assert not any("Hertfordshire" in member for member in members)
    assert {row["partnershipIri"]["value"] for row in _seed(seed_store, "partnership-members").rows} >= {
        HEREFORDSHIRE_PARTNERSHIP,
        HERTFORDSHIRE_PARTNERSHIP,
    }


def test_seed_domestic_abuse_recurs_with_multi_agency_working(seed_store):
    answer = _seed(seed_store, "theme-cooccurrence", theme="domestic-abuse")
    pairs = {
        (row["themeAIri"]["value"], row["themeBIri"]["value"]): int(row["documents"]["value"])
        for row in answer.rows
    }
    key = ("https://w3id.org/sgkg/theme/domestic-abuse", "https://w3id.org/sgkg/theme/multi-agency-working")
    assert pairs.get(key, 0) >= 2  # the Hampshire JTAI and the Child K review


def test_seed_evidence_quotes_are_the_document_text_at_their_offsets(seed_store):
    answer = _seed(seed_store, "evidence", node="Kevin Crompton")
    assert answer.rows
    for row in answer.rows:
        text = (SEEDS / row["fileName"]["value"]).read_bytes().decode("utf-8")
        start, end = int(row["start"]["value"]), int(row["end"]["value"])
        assert text[start:end] == row["quote"]["value"]
    assert any("Kevin Crompton" in row["quote"]["value"] for row in answer.rows)


def test_seed_hampshire_jtai_was_conducted_by_four_inspectorates(seed_store):
    answer = _seed(seed_store, "assessments-by-assessor", area="Hampshire")
    by_assessment: dict[str, set[str]] = {}
    for row in answer.rows:
        by_assessment.setdefault(row["assessmentIri"]["value"], set()).add(row["assessorIri"]["value"])
    assert any(len(assessors) >= 4 for assessors in by_assessment.values())
    ofsted = _seed(seed_store, "assessments-by-assessor", assessor="Ofsted")
    assert {row["areaLabel"]["value"] for row in ofsted.rows if "areaLabel" in row} >= {
        "Hampshire",
        "Herefordshire",
    }


def test_seed_profile_of_the_herefordshire_partnership(seed_store):
    answer = _seed(
        seed_store, "organisation-profile", organisation="Herefordshire Safeguarding Children Partnership"
    )
    assert {row["organisationIri"]["value"] for row in answer.rows} == {HEREFORDSHIRE_PARTNERSHIP}
    facts = {(row["property"]["value"], row["object"]["value"]) for row in answer.rows}
    assert ("http://www.w3.org/2004/02/skos/core#altLabel", "HSCP") in facts
    assert any(prop == "http://www.w3.org/ns/org#organization" for prop, _ in facts)
