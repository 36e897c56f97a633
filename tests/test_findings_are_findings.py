"""Findings that are findings: statements of fact, grades and remarks about the report are not
strengths or failings (texts of our own writing)."""

from __future__ import annotations

from pathlib import Path

from kg.extract import extract
from kg.ingest import SourceDocument

_STATEMENT = """Ofsted inspection of Essex children's services

Ofsted carried out an inspection of local authority children's services in Essex in May 2024.
Essex Police and the Essex Integrated Care Board are statutory partners in the safeguarding partnership, which has strong leadership.
The partnership is chaired by Jane Doe, whose leadership is strong.
The report is sober reading for anyone who wants robust safeguarding services.
Inspectors found that services require improvement to be good, although leadership is strong.
Help for families living with neglect is weak and some plans drift.
Social workers know children well and visit them often, and practice is strong.
"""


def _findings(text: str) -> dict[str, str]:
    result = extract(SourceDocument("t", Path("t.txt"), text, "0"))
    return {finding.statement: finding.kind for finding in result.findings}


def test_who_the_partners_are_and_who_chairs_is_no_finding():
    statements = " ".join(_findings(_STATEMENT))
    assert "statutory partners" not in statements and "chaired by" not in statements


def test_a_remark_about_the_report_itself_is_no_finding():
    assert not any("sober reading" in statement for statement in _findings(_STATEMENT))


def test_a_grade_below_good_is_never_a_strength():
    found = _findings(_STATEMENT)
    assert (
        found["Inspectors found that services require improvement to be good, although leadership is strong."]
        == "Failing"
    )


def test_failings_and_strengths_of_practice_are_still_found():
    found = _findings(_STATEMENT)
    assert found["Help for families living with neglect is weak and some plans drift."] == "Failing"
    assert (
        found["Social workers know children well and visit them often, and practice is strong."] == "Strength"
    )


def test_a_grade_headline_is_a_judgement_not_a_strength():
    found = _findings(
        "Essex children's services rated good\n\n"
        "Ofsted has rated Essex County Council's children's services good.\n"
        "Inspectors found that social workers know their children well.\n"
    )
    assert list(found) == ["Inspectors found that social workers know their children well."]
