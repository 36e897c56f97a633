"""What a whole document is about: its areas and its themes, on texts of our own writing.

A long report names many places and touches every theme in passing; a document's areas are
those it is about and those its organisations serve, and its themes are those it dwells on.
"""

from __future__ import annotations

from pathlib import Path

from kg.extract import extract
from kg.extract.themes import themes_in
from kg.ingest import SourceDocument


def _extract(text: str):
    return extract(SourceDocument("t", Path("t.txt"), text, "0"))


_LETTER = """Inspection of Barnsley local authority children's services

Barnsley Metropolitan Borough Council was inspected in May 2024.
Social workers in Barnsley know their children well. Children in Barnsley are seen often.
Some children placed in Sheffield and Rotherham wait too long for a health assessment.

Ofsted
Piccadilly Gate
Store Street
Manchester M1 2WD
"""


def test_a_place_named_in_passing_or_in_an_address_is_not_an_area_of_the_document():
    result = _extract(_LETTER)
    assert result.main_area == "Barnsley"
    assert result.areas == ["Barnsley"]


def test_an_area_whose_organisation_the_document_names_is_one_of_its_areas():
    text = _LETTER + "\nThe council works closely with South Yorkshire Police and Doncaster Council.\n"
    assert set(_extract(text).areas) >= {"Barnsley", "Doncaster"}


_DWELT_ON = (
    "Neglect is not recognised early enough. Chronic neglect drifts for years. "
    "Practitioners do not use the neglect toolkit. Neglect of older children is missed. "
)
_IN_PASSING = "One child was referred to CAMHS. "


def test_a_long_report_keeps_the_themes_it_dwells_on_not_those_named_once():
    result = _extract("Report on services in Barnsley\n\n" + _DWELT_ON * 30 + _IN_PASSING * 2)
    assert "neglect" in result.themes
    assert "child-mental-health" not in result.themes


def test_a_short_text_keeps_a_theme_named_twice():
    result = _extract("Statement on services in Barnsley\n\n" + _DWELT_ON + _IN_PASSING * 2)
    assert {"neglect", "child-mental-health"} <= set(result.themes)


_OWN_PRESS_RELEASE = """3 March 2025

Children's services judged 'good' by Ofsted

Inspectors found that the council's children's services are good. They said the city's social
workers know their children well and that leaders have a clear grip on practice.

The lead member for children, Councillor Ada Pennywhistle, said: "We are proud of our staff."
"""


def _extract_named(text: str, file_name: str):
    return extract(SourceDocument("t", Path(file_name), text, "0"))


def test_a_press_release_that_names_no_area_is_about_the_area_its_file_name_names():
    result = _extract_named(_OWN_PRESS_RELEASE, "news-council-kingston-upon-hull-ofsted.txt")
    assert result.main_area == "Kingston upon Hull"
    assert not result.main_area_named
    assert [a.area for a in result.assessments] == ["Kingston upon Hull"]
    assert "Kingston upon Hull Council" in result.organisations


def test_the_file_name_gives_no_area_when_it_names_two_or_none():
    for name in ("leeds-and-york-joint-statement.txt", "statement-2025-03.txt"):
        result = _extract_named(_OWN_PRESS_RELEASE, name)
        assert result.main_area is None, name


def test_the_text_s_own_area_wins_over_the_file_name():
    result = _extract_named(_OWN_PRESS_RELEASE.replace("the city's", "Barnsley's"), "news-leeds.txt")
    assert result.main_area == "Barnsley"
    assert result.main_area_named


def test_an_area_only_the_file_name_gives_is_not_said_to_be_mentioned_in_the_document(tmp_path):
    from rdflib import URIRef

    from kg.mapping import map_document
    from kg.vocab import SG

    document = SourceDocument("t", tmp_path / "council-kingston-upon-hull.txt", _OWN_PRESS_RELEASE, "0")
    graph = map_document(document)
    areas = {o for s, p, o in graph.triples if p == SG.area}
    assert areas, "the assessment keeps its area"
    assert not [t for t in graph.triples if t[1] == SG.mentionedIn and t[0] in areas]
    assert all(isinstance(area, URIRef) for area in areas)


_DATELINED_NEWS = (
    "Children's services told to improve\n\n"
    "WOLVERHAMPTON - The council's services for children require improvement, inspectors said.\n"
    "The city council said it accepted the findings.\n"
)


def test_a_news_dateline_in_capitals_names_the_area():
    result = _extract(_DATELINED_NEWS)
    assert result.main_area == "Wolverhampton"
    assert result.areas == ["Wolverhampton"]


def test_a_heading_in_capitals_is_no_dateline():
    assert (
        _extract("FURTHER READING - the report\nThe council said it accepted the findings.\n").main_area
        is None
    )


_LISTED = """Learning from the review of Child P

The Eastshire Safeguarding Children Partnership has published its review of the care of Child P.

{lead}
 Thresholds for neglect
 Parents with mental health needs
 Sharing information between schools and health visitors

The partnership has accepted the review's findings.
"""


def test_the_items_of_a_list_announced_as_themes_are_themes_of_the_document():
    themes = _extract(_LISTED.format(lead="The key themes identified by the reviewer were:")).themes
    assert {"neglect", "parental-mental-health"} <= set(themes)


def test_a_theme_named_once_in_a_list_that_is_not_of_themes_stays_out():
    themes = _extract(_LISTED.format(lead="The reviewer spoke to these practitioners:")).themes
    assert "neglect" not in themes


def test_whose_mental_health_a_phrase_names_decides_the_theme():
    assert themes_in("support for parents with mental health problems") == ["parental-mental-health"]
    assert themes_in("safeguarding children with mental health needs") == ["child-mental-health"]
