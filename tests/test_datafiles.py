"""The typed loaders of kg/data/*.json (kg.datafiles): the shipped files load, and a file broken in
one place is refused with the file and the key named."""

from __future__ import annotations

import copy
import json

import pytest

from kg import datafiles, lexicon
from kg.datafiles import DataFileError
from kg.resources import data_path, ontology_graph
from kg.vocab import OWL, RDF


def test_every_shipped_data_file_loads_and_passes_its_checks():
    datafiles.check_all()
    kinds = {kind.cls for kind in datafiles.assessments().kinds}
    assert {"Inspection", "PracticeReview"} <= kinds
    assert any(title.fallback_class == "SafeguardingPartnership" for title in datafiles.roles().titles)
    assert datafiles.judgements().grades[-1].id is None  # "adequate": a grade of an old scale
    assert data_path("areas.txt").exists() and len(lexicon.areas()) > 150


def test_the_classes_query_parameters_name_are_the_ontologys():
    """Checked here, not as the file loads: that would load rdflib into every ``kg query``."""
    declared = {str(cls) for cls in ontology_graph().subjects(RDF.type, OWL.Class)}
    kinds = datafiles.query_parameters().kinds.values()
    assert {cls for kind in kinds for cls in kind.classes} <= declared
    assert datafiles.query_parameters().parameters["assessor"].noun == "organisation"


def _shipped(name: str) -> dict:
    return copy.deepcopy(json.loads(data_path(name).read_text(encoding="utf-8")))


def _set(data: dict, path: tuple, value: object) -> None:
    *parents, last = path
    for key in parents:
        data = data[key]
    if value is _DELETE:
        del data[last]
    else:
        data[last] = value


_DELETE = object()

BROKEN = [
    (
        "roles.json",
        ("titles", 0, "organisation_class"),
        "Polce",
        "kg/data/roles.json: titles[0].organisation_class: 'Polce' is no class of ontology/sgkg.ttl",
    ),
    (
        "recommendations.json",
        ("response",),
        r"^\s*Response\s*:",
        "kg/data/recommendations.json: response: the pattern lacks the named group(s) who, named",
    ),
    (
        "recommendations.json",
        ("lists", "agency_words", "Constabulary"),
        "police",
        "kg/data/recommendations.json: lists.agency_words.Constabulary: 'Constabulary' is no class",
    ),
    (
        "findings.json",
        ("not_findings", 1),
        "(unclosed",
        "kg/data/findings.json: not_findings[1]: not a regular expression: missing ), unterminated subpattern",
    ),
    (
        "findings.json",
        ("reporting_cues",),
        ["found", "judged"],
        "kg/data/findings.json: (top level): unknown key(s) 'reporting_cues'; expected some of failing",
    ),
    (
        "organisations.json",
        ("heads",),
        _DELETE,
        "kg/data/organisations.json: (top level): the key 'heads' is missing",
    ),
    (
        "organisations.json",
        ("apposition", 0, "pattern"),
        r"[A-Z]\w+, the charity",
        "kg/data/organisations.json: apposition[0].pattern: the pattern lacks the named group(s) name",
    ),
    (
        "judgements.json",
        ("grades", 0, "id"),
        "excellent",
        "kg/data/judgements.json: grades[0].id: 'excellent' is no grade",
    ),
    (
        "judgements.json",
        ("frameworks", 0, "years"),
        [2018],
        "frameworks[0].years: expected [first year, last year]",
    ),
    (
        "assessments.json",
        ("kinds", 0, "conducted_by", 0),
        "Ofstead",
        "kg/data/assessments.json: kinds[0].conducted_by[0]: 'Ofstead' is no national body of organisations.json",
    ),
    ("assessments.json", ("kinds", 1, "graded"), "yes", "kinds[1].graded: expected true or false, not 'yes'"),
    (
        "assessments.json",
        ("kinds", 0, "patterns", 1),
        r"\b(ILACS)\b",
        "kinds[0].patterns[1]: the pattern may not capture",
    ),
    (
        "assessments.json",
        ("kinds", 0, "untill"),
        2018,
        "kg/data/assessments.json: kinds[0]: unknown key(s) 'untill'; expected some of kind, class",
    ),
    (
        "organisations.json",
        ("services", 0, "refers_to_name"),
        True,
        "services[0]: unknown key(s) 'refers_to_name'",
    ),
    (
        "html-boilerplate.json",
        ("drop_prefixed_text_max_length",),
        "40",
        "drop_prefixed_text_max_length: expected a whole number, not '40'",
    ),
    ("viz/classes.json", ("classes", 0, "class"), "sg:Nothing", "classes[0].class: 'sg:Nothing' is no class"),
    (
        "query-parameters.json",
        ("kinds", "area", "classes", 0),
        "Area",
        "kg/data/query-parameters.json: kinds.area.classes[0]: 'Area' is neither prefix:name",
    ),
    (
        "query-parameters.json",
        ("kinds", "theme", "namespace"),
        "themes:",
        "kinds.theme.namespace: 'themes:' is neither prefix:name with a prefix of kg/prefixes.py nor <IRI>",
    ),
    (
        "query-parameters.json",
        ("parameters", "assessor"),
        "organization",
        "kg/data/query-parameters.json: parameters.assessor: 'organization' is no kind of 'kinds'",
    ),
]


@pytest.mark.parametrize(("name", "path", "value", "message"), BROKEN, ids=[f"{b[0]}:{b[1]}" for b in BROKEN])
def test_a_data_file_broken_in_one_place_is_refused_naming_file_and_key(name, path, value, message):
    data = _shipped(name)
    datafiles.parse(name, data)  # the shipped file passes ...
    _set(data, path, value)
    with pytest.raises(DataFileError) as raised:  # ... and the same file broken in one place does not
        datafiles.parse(name, data)
    assert message in str(raised.value)
    assert raised.value.exit_code == 1


def test_the_typed_records_keep_the_data_of_the_file():
    """What the extractors read is what the file says, in its order."""
    raw = _shipped("roles.json")
    roles = datafiles.roles()
    assert [title.title for title in roles.titles] == [entry["title"] for entry in raw["titles"]]
    assert roles.honorifics == tuple(raw["honorifics"])
    assert dict(roles.abbreviations) == raw["abbreviations"]
    raw_recommendations = _shipped("recommendations.json")
    assert (
        dict(datafiles.recommendations().lists.agency_words) == raw_recommendations["lists"]["agency_words"]
    )


def test_a_csv_data_file_without_a_column_or_with_a_short_row_is_refused():
    text = data_path("local-authorities.csv").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    assert len(datafiles.csv_rows("local-authorities.csv", text, ("name", "gss_code"))) > 150
    renamed = text.replace(header, header.replace("gss_code", "gss"), 1)
    with pytest.raises(DataFileError, match=r"^kg/data/local-authorities.csv: no column gss_code$"):
        datafiles.csv_rows("local-authorities.csv", renamed, ("name", "gss_code"))
    short = text + "Millbrook\n"
    with pytest.raises(DataFileError, match="the row 'Millbrook' has fewer fields than columns"):
        datafiles.csv_rows("local-authorities.csv", short, ("name", "gss_code"))
