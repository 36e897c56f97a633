"""Query parameters forgive (issue 18): a name in any case, an alternative label or acronym,
a partial name or initials that name one thing are resolved against the graph's labels
before they are bound (``kg.parameters``); a name that fits several things says which; a
name that matched nothing, when the answer is empty, says so and suggests close labels.

On the hand-made graph of ``tests/fixtures/queries/`` (areas Millbrook and Millford, whose
partnerships share the acronym MSCP) and, for the issue's own example, the seed build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.graph import open_graph
from kg.parameters import parameter_kind
from kg.query import inline_query, library, load_query, run_query

FIXTURE_GRAPH = Path(__file__).resolve().parent / "fixtures" / "queries" / "fixture.trig"
ID = "https://w3id.org/sgkg/id/"


@pytest.fixture(scope="module")
def store():
    return open_graph(FIXTURE_GRAPH)


def _ask(store, name: str, **parameters):
    return run_query(store, load_query(name), parameters)


def _column(answer, name: str) -> list[str]:
    return [row[name]["value"] for row in answer.rows if name in row]


def test_every_library_parameter_names_a_kind_of_thing():
    """Else a library parameter would be bound as typed, unresolved."""
    for query in library():
        for name in query.parameters:
            assert parameter_kind(name) is not None, f"{query.name}: ${name}"


@pytest.mark.parametrize("typed", ["JORDAN HALE", "jordan hale", "  Jordan   Hale "])
def test_a_name_in_any_case_or_spacing_binds_the_thing_without_a_note(store, typed):
    answer = _ask(store, "roles", person=typed)
    assert _column(answer, "personLabel") == ["Jordan Hale"]
    assert answer.notes == ()


def test_an_alternative_label_in_any_case_binds_the_one_thing_it_names(store):
    answer = _ask(store, "organisation-profile", organisation="micb")
    assert set(_column(answer, "organisationLabel")) == {"Millbrook Integrated Care Board"}
    assert answer.notes == ()


def test_an_acronym_two_things_share_answers_for_both_and_says_which(store):
    answer = _ask(store, "partnership-members", partnership="mscp")
    assert set(_column(answer, "partnershipLabel")) == {
        "Millbrook Safeguarding Children Partnership",
        "Millford Safeguarding Children Partnership",
    }
    assert answer.notes == (
        "partnership 'mscp' names 2 partnerships: Millbrook Safeguarding Children Partnership, "
        "Millford Safeguarding Children Partnership; the answer is for all of them "
        "(give one's full name or IRI to pick it)",
    )


@pytest.mark.parametrize(
    ("query", "parameter", "typed", "column", "meant"),
    [
        ("roles", "person", "hale", "personLabel", "Jordan Hale"),
        ("roles", "role", "scrutineer", "roleLabel", "Independent Scrutineer"),
        (
            "roles",
            "organisation",
            "millford safeguarding",
            "organisationLabel",
            "Millford Safeguarding Children Partnership",
        ),
        (
            "organisation-profile",
            "organisation",
            "millbrook constab",
            "organisationLabel",
            "Millbrook Constabulary",
        ),
        ("judgements-over-time", "area", "millb", "areaLabel", "Millbrook"),
        # initials the graph does not hold as an alternative label
        ("assessments-by-assessor", "assessor", "RPRT", "assessorLabel", "Regional Peer Review Team"),
        ("organisation-profile", "organisation", "MP", "organisationLabel", "Millford Police"),
    ],
)
def test_a_partial_name_that_names_one_thing_binds_it_and_says_so(
    store, query, parameter, typed, column, meant
):
    answer = _ask(store, query, **{parameter: typed})
    assert answer.rows and set(_column(answer, column)) == {meant}
    assert answer.notes == (f"{parameter} {typed!r} taken as {meant}",)


def test_a_partial_name_that_fits_several_things_is_refused_naming_them(store):
    with pytest.raises(QueryError) as raised:
        _ask(store, "roles", organisation="Millbrook")
    assert str(raised.value) == (
        "organisation 'Millbrook' could be any of 4 organisations: Millbrook Constabulary, Millbrook Council, "
        "Millbrook Integrated Care Board, Millbrook Safeguarding Children Partnership; "
        "give more of the name, or its IRI"
    )


def test_a_long_list_of_fits_is_cut_short(store):
    with pytest.raises(
        QueryError, match=r"could be any of 8 organisations: (\w+ )+\w+, .+ and 2 more; give more"
    ):
        _ask(store, "organisation-profile", organisation="mil")


def test_a_name_that_matched_nothing_says_so_and_suggests_close_labels(store):
    answer = _ask(store, "roles", person="Jordan Hail")
    assert answer.rows == []
    assert answer.notes == ("no person is called 'Jordan Hail', so no rows; did you mean: Jordan Hale?",)


def test_a_close_word_of_a_longer_label_is_suggested(store):
    answer = _ask(store, "judgements-over-time", area="Milford")
    assert answer.notes == ("no area is called 'Milford', so no rows; did you mean: Millford?",)


def test_nothing_close_gives_the_note_without_suggestions(store):
    answer = _ask(store, "roles", organisation="Zebra Crossing Trust")
    assert answer.notes == ("no organisation is called 'Zebra Crossing Trust', so no rows",)


def test_a_name_that_matched_something_and_found_no_rows_has_no_note(store):
    """Ofsted holds no role: an empty answer, and nothing to say about the name."""
    answer = _ask(store, "roles", organisation="Ofsted")
    assert answer.rows == [] and answer.notes == ()


def test_a_themes_id_binds_it_without_a_note(store):
    answer = _ask(store, "failings-by-partner-and-theme", theme="domestic-abuse")
    assert answer.rows and answer.notes == ()


def test_a_reviewed_childs_name_resolves_for_assessment(store):
    answer = _ask(store, "recommendations-and-responses", assessment="child r")
    assert answer.rows and answer.notes == ()


def test_iris_prefixed_names_and_numbers_are_bound_as_they_are(store):
    answer = _ask(store, "partner-theme-matrix", theme="theme:neglect")
    assert answer.rows and answer.notes == ()
    iri = _ask(store, "roles", person=f"<{ID}person/jordan-hale>")
    assert _column(iri, "personLabel") == ["Jordan Hale"] and iri.notes == ()


def test_an_inline_querys_parameter_is_bound_as_typed():
    """Only parameters a query's header declares are resolved: -e queries get what was typed."""
    store = open_graph(FIXTURE_GRAPH)
    answer = run_query(store, inline_query("SELECT $person WHERE {}"), {"person": "hale"})
    assert answer.rows == [{"person": {"type": "literal", "value": "hale"}}]
    assert answer.notes == ()


def test_resolution_is_deterministic(store):
    first = _ask(store, "roles", person="hale", role="scrutin", organisation="mscp")
    second = _ask(store, "roles", person="hale", role="scrutin", organisation="mscp")
    assert first == second
    assert [note.split()[0] for note in first.notes] == ["organisation", "person", "role"]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_text_answers_or_is_refused_as_a_query_error(text):
    store = open_graph(FIXTURE_GRAPH)
    try:
        answer = run_query(store, load_query("roles"), {"organisation": text})
    except QueryError as error:
        assert "\n" not in str(error)
    else:
        assert all("\n" not in note for note in answer.notes)


# --- the command line -------------------------------------------------------------------


def _kg(*args: str):
    return CliRunner().invoke(app, ["query", *args])


def test_kg_query_prints_the_answer_and_the_note_on_stderr():
    result = _kg("roles", "-g", str(FIXTURE_GRAPH), "-p", "person=hale", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "Jordan Hale" in result.stdout
    assert result.stderr == "note: person 'hale' taken as Jordan Hale\n"


def test_kg_query_with_a_name_that_matched_nothing_exits_0_with_one_line():
    result = _kg("roles", "-g", str(FIXTURE_GRAPH), "-p", "organisation=Milbrok Council", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert result.stderr == (
        "note: no organisation is called 'Milbrok Council', so no rows; "
        "did you mean: Millbrook Council, Millford Council?\n"
    )


def test_seed_the_issues_example_now_names_what_herefordshire_could_mean(seed_build):
    """Regression (issue 18): --param organisation=Herefordshire gave 0 rows and no hint."""
    out_dir, _ = seed_build
    result = _kg("roles", "-g", str(out_dir / "graph.trig"), "-p", "organisation=Herefordshire")
    assert result.exit_code == QueryError.exit_code, result.output
    assert result.stderr == (
        "error: organisation 'Herefordshire' could be any of 3 organisations: Herefordshire Children's Services, "
        "Herefordshire Council, Herefordshire Safeguarding Children Partnership; give more of the name, or its IRI\n"
    )


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("herefordshire council", ""),
        ("hereford council", "note: organisation 'hereford council' taken as Herefordshire Council\n"),
    ],
)
def test_seed_a_short_name_or_another_case_finds_the_council(seed_build, typed, note):
    out_dir, _ = seed_build
    result = _kg("roles", "-g", str(out_dir / "graph.trig"), "-p", f"organisation={typed}", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert "Darryl Freeman" in result.stdout and "Herefordshire Council" in result.stdout
    assert result.stderr == note
