"""Judgement tables, prose judgements, earlier assessments and inspection dates, on small
documents of our own writing in the layouts real reports and news use (issues 15 and 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.assessments import find_assessments
from kg.extract.dates import date_ranges, inspection_dates, relative_dates
from kg.extract.judgements import find_prose_judgements, find_table_judgements
from kg.ingest import SourceDocument
from kg.text import clean_view, segment

HELP = "the experiences and progress of children who need help and protection"
CARE = "the experiences and progress of children in care and care leavers"
LEADERS = "the impact of leaders on social work practice with children and families"
LSCB = "the effectiveness of the local safeguarding children board"

SAME_LINE = """Inspection of Dorset local authority children's services
Inspection dates: 13 to 24 March 2023
Judgement Grade
The impact of leaders on social work practice with children and families Good
The experiences and progress of children who need help and protection Good
The experiences and progress of children in care and care leavers Outstanding
Overall effectiveness Good
"""
NEXT_LINE_WRAPPED = """Judgement Grade
The impact of leaders on social work practice with
children and families
Requires improvement to be good
The experiences and progress of children who need help
and protection
Inadequate

The experiences and progress of children in care and care leavers
Requires improvement to be good
Overall effectiveness Inadequate (Grade 4)
"""
COLUMNS = """Judgement
The impact of leaders on social work practice with children and families
The experiences and progress of children who need help and protection
The experiences and progress of children in care and care leavers
Overall effectiveness
Grade
Good
Requires improvement to be good
Good
Good
"""
SIF = """Children's services in Kent require improvement to be good
1. Children who need help and protection Requires improvement
2. Children looked after and achieving permanence
Good

2.1 Adoption performance
Outstanding
2.2 Experiences and progress of care leavers Good
3. Leadership, management and governance Requires improvement
The Local Safeguarding Children Board is good
"""


def _table(text: str) -> dict[str, str]:
    return {item.judgement.aspect: item.judgement.grade for item in find_table_judgements(clean_view(text))}


def test_table_grade_on_the_same_line():
    assert _table(SAME_LINE) == {
        LEADERS: "good",
        HELP: "good",
        CARE: "outstanding",
        "overall effectiveness": "good",
    }


def test_table_aspects_wrapped_and_grade_on_the_next_line_with_a_numeric_grade():
    assert _table(NEXT_LINE_WRAPPED) == {
        LEADERS: "requires-improvement",
        HELP: "inadequate",
        CARE: "requires-improvement",
        "overall effectiveness": "inadequate",
    }


def test_table_read_column_by_column():
    assert _table(COLUMNS) == {
        LEADERS: "good",
        HELP: "requires-improvement",
        CARE: "good",
        "overall effectiveness": "good",
    }


def test_single_inspection_framework_sub_judgements_and_board_in_one_report():
    clean = clean_view(SIF)
    [own] = find_assessments(clean, segment(clean), "Kent", "2016-05-20")
    grades = {j.aspect: j.grade for j in own.judgements}
    assert grades == {
        "overall effectiveness": "requires-improvement",
        HELP: "requires-improvement",
        "the experiences and progress of children in care": "good",
        "adoption performance": "outstanding",
        "the experiences and progress of care leavers": "good",
        LEADERS: "requires-improvement",
        LSCB: "good",
    }
    for judgement in own.judgements:  # every judgement keeps its exact evidence
        assert clean[judgement.span.start : judgement.span.end].lower().split()[0] in SIF.lower()


def _prose(text: str, framework: tuple[str, ...] = ()) -> dict[tuple[str | None, str], str]:
    clean = clean_view(text)
    return {
        (item.target, item.judgement.aspect): item.judgement.grade
        for item in find_prose_judgements(clean, segment(clean), set(), False, framework)
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Ofsted rated the council outstanding for both the help children receive and the leadership of the service.",
            {(None, HELP): "outstanding", (None, LEADERS): "outstanding"},
        ),
        (
            "The authority was judged 'good' overall, 'outstanding' for adoption performance and 'good' for care leavers.",
            {
                (None, "overall effectiveness"): "good",
                (None, "adoption performance"): "outstanding",
                (None, "the experiences and progress of care leavers"): "good",
            },
        ),
        (
            "Children's services 'require improvement' - Ofsted",
            {(None, "overall effectiveness"): "requires-improvement"},
        ),
        ("Inspectors said the leadership of children's services is good.", {(None, LEADERS): "good"}),
        (
            "In a separate report Ofsted rated the Local Safeguarding Children Board as 'good'.",
            {("lscb-review", LSCB): "good"},
        ),
        (
            "Inspectors looked at leadership, help and protection, and children in care and care leavers. "
            "They judged each of them to be good.",
            {(None, LEADERS): "good", (None, HELP): "good", (None, CARE): "good"},
        ),
        (
            "Ofsted judged Barnsley's children's services 'good'.",
            {(None, "overall effectiveness"): "good"},
        ),
        (
            "Inspectors judged the impact of leaders on social work practice, the experiences and progress "
            "of children who need help and protection, and the experiences and progress of children in care "
            "and care leavers to be outstanding.",
            {(None, LEADERS): "outstanding", (None, HELP): "outstanding", (None, CARE): "outstanding"},
        ),
        (
            "Inspectors found the help and protection of children and children in care to be good.",
            {(None, HELP): "good", (None, "the experiences and progress of children in care"): "good"},
        ),
        (
            "Leadership and help and protection were both judged good, but care leavers require improvement.",
            {
                (None, LEADERS): "good",
                (None, HELP): "good",
                (None, "the experiences and progress of care leavers"): "requires-improvement",
            },
        ),
        (
            "Children's services in Sefton require improvement to be good.",
            {(None, "overall effectiveness"): "requires-improvement"},
        ),
    ],
)
def test_prose_forms(text, expected):
    assert _prose(text) == expected


def test_inadequate_across_the_board_takes_the_aspects_of_the_framework():
    framework = ("overall effectiveness", LEADERS, HELP, CARE)
    assert _prose("Services in the town were found inadequate across the board.", framework) == {
        (None, aspect): "inadequate" for aspect in framework
    }


def test_inadequate_across_the_board_with_no_framework_known_is_at_least_the_overall_grade():
    assert _prose("Services in the town were found inadequate across the board.") == {
        (None, "overall effectiveness"): "inadequate"
    }


@pytest.mark.parametrize(
    "earlier",
    [
        "They were rated inadequate in 2018.",
        "Ofsted last inspected Barnsley in 2018, when services were judged to be inadequate.",
    ],
)
def test_an_earlier_grade_with_its_year_is_an_earlier_inspection(earlier):
    text = f"Ofsted rated Barnsley's children's services good. {earlier}"
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Barnsley", "2023-05-03")
    assert [(j.aspect, j.grade) for j in own.judgements] == [("overall effectiveness", "good")]
    assert [(a.year, [(j.aspect, j.grade) for j in a.judgements]) for a in own.previous] == [
        ("2018", [("overall effectiveness", "inadequate")])
    ]


def test_a_grade_of_the_present_inspection_is_not_an_earlier_one():
    text = "Children's services were judged good overall when Ofsted inspected in 2022."
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Barnsley", "2023-05-03")
    assert [(j.aspect, j.grade) for j in own.judgements] == [("overall effectiveness", "good")]
    assert own.previous == []


def test_the_grade_after_the_earlier_inspection_s_mention_is_its_grade():
    text = (
        "Sunderland children's services rated good\n\n"
        "Sunderland's children's services have been rated good by Ofsted, two grades higher than at "
        "the last full inspection in 2015, when they were judged inadequate."
    )
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Sunderland", "2018-07-01")
    assert [(j.aspect, j.grade) for j in own.judgements] == [("overall effectiveness", "good")]
    assert [(a.year, [(j.aspect, j.grade) for j in a.judgements]) for a in own.previous] == [
        ("2015", [("overall effectiveness", "inadequate")])
    ]


def test_adequate_of_the_old_scale_is_not_inadequate():
    assert _prose("Children's services were judged adequate.") == {}


def test_counts_without_aspects_give_no_judgement():
    assert _prose("Two areas were judged to be inadequate and three were judged good.") == {}


def test_previous_grade_up_from():
    text = (
        "Ofsted said children's services in Cumbria now require improvement, up from inadequate. "
        "The previous inspection, in 2019, found widespread problems."
    )
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Cumbria", "2022-03-01")
    assert [(j.aspect, j.grade) for j in own.judgements] == [
        ("overall effectiveness", "requires-improvement")
    ]
    [earlier] = own.previous
    assert earlier.year == "2019" and [(j.aspect, j.grade) for j in earlier.judgements] == [
        ("overall effectiveness", "inadequate")
    ]


def test_several_earlier_assessments_each_with_date_and_grade():
    text = (
        "Inspection of Luton local authority children's services\nInspection dates: 6 to 17 May 2024\n"
        "Overall effectiveness Good\n"
        "When last inspected, in 2019, services were judged to require improvement to be good. "
        "Since the focused visit in March 2022, leaders have acted on every area for priority action. "
        "The previous inspection of the local authority's services for children looked after was in June 2011. "
        "The local authority was judged adequate.\n"
    )
    clean = clean_view(text)
    assessments = find_assessments(clean, segment(clean), "Luton", "2024-07-01")
    own = assessments[0]
    assert own.kind == "ilacs" and own.date == "2024-05-06"
    assert [(j.aspect, j.grade) for j in own.judgements] == [("overall effectiveness", "good")]
    earlier = {(a.kind, a.date): [(j.aspect, j.grade) for j in a.judgements] for a in own.previous}
    assert earlier == {
        ("focused-visit", "2022-03"): [],
        ("looked-after-inspection", "2011-06"): [],  # "adequate": an old grade, no judgement
        ("ilacs", "2019"): [("overall effectiveness", "requires-improvement")],
    }


def test_an_earlier_inspections_grades_each_to_the_aspect_its_clause_names():
    """Regression: "all of the judgements were requires improvements to be good, with adoption
    judged to be good" gave the earlier inspection's overall effectiveness as good."""
    text = (
        "Inspection of Luton local authority children's services\nInspection dates: 6 to 17 May 2024\n"
        "Overall effectiveness Good\n"
        "When Luton was last inspected in 2019, all of the judgements were requires improvements to be good, "
        "with adoption judged to be good.\n"
    )
    clean = clean_view(text)
    own = find_assessments(clean, segment(clean), "Luton", "2024-07-01")[0]
    earlier = {a.year: sorted((j.aspect, j.grade) for j in a.judgements) for a in own.previous}
    assert earlier == {
        "2019": [("adoption performance", "good"), ("overall effectiveness", "requires-improvement")]
    }


@pytest.mark.parametrize(
    "text, first",
    [
        ("Inspection dates: 13 to 24 March 2023", "2023-03-13"),
        ("Inspection date: 16 September - 8 October 2014", "2014-09-16"),
        ("Between 20 and 24 January 2020, Ofsted, the CQC and HMICFRS inspected", "2020-01-20"),
        (
            "This letter summarises the findings of a focused visit to Bury children's services on 31 January and 1 February 2018.",
            "2018-01-31",
        ),
        ("This inspection took place from 9 to 13 October 2023.", "2023-10-09"),
    ],
)
def test_inspection_dates(text, first):
    assert inspection_dates(text) == first


def test_several_reviews_in_one_text_each_with_its_child():
    text = (
        "The Anytown Safeguarding Children Partnership published two reviews today. "
        "The serious case review into the death of Jane Doe found missed chances. "
        "A second serious case review, of Child B, found that the police did not share information. "
        "The serious case review also said schools acted well."
    )
    clean = clean_view(text)
    reviews = find_assessments(clean, segment(clean), "Anytown", "2024-01-05")
    assert sorted((a.kind, a.subject_child) for a in reviews) == [
        ("serious-case-review", "Child B"),
        ("serious-case-review", "Jane Doe"),
    ]


def test_a_kind_named_inside_another_kind_s_name_is_no_second_assessment():
    text = "The partnership published a local child safeguarding practice review into the death of Child R."
    clean = clean_view(text)
    reviews = find_assessments(clean, segment(clean), "Rutland", "2025-06-12")
    assert [(a.kind, a.subject_child) for a in reviews] == [("lcspr", "Child R")]


def test_a_review_into_the_death_of_a_baby_known_by_a_letter():
    text = "Last spring, a serious case review into the death of Baby T was published in Rutland."
    clean = clean_view(text)
    [review] = find_assessments(clean, segment(clean), "Rutland", "2025-03-14")
    assert (review.subject_child, review.date) == ("Child T", "2024")


def test_a_peer_review_by_a_national_body_or_another_council_names_who_conducted_it():
    text = (
        "14 March 2025\n\nRutland County Council welcomed a peer review by the Local Government "
        "Association last autumn. The council also commissioned a peer review from Essex County "
        "Council in 2023."
    )
    result = extract(SourceDocument("t", Path("news-rutland.txt"), text, "0"))
    reviews = sorted((a.area, a.date, a.conducted_by) for a in result.assessments if a.kind == "peer-review")
    assert reviews == [
        ("Rutland", "2023", ["Essex County Council"]),
        ("Rutland", "2024", ["Local Government Association"]),
    ]


def test_assessments_named_in_passing_with_relative_dates():
    text = (
        "Last August, Professor Smith's report into exploitation in Rotherham found failures. "
        "Today the minister published the best value inspection of Rotherham council. "
        "An independent inquiry will follow."
    )
    clean = clean_view(text)
    found = {
        (a.cls, a.kind): a.date for a in find_assessments(clean, segment(clean), "Rotherham", "2015-02-04")
    }
    assert found == {
        ("Inspection", "best-value-inspection"): "2015-02-04",
        ("Commission", "commission"): "2014-08",
    }


@pytest.mark.parametrize(
    "phrase, value",
    [
        ("last August", "2014-08"),
        ("last spring", "2014"),
        ("today", "2015-02-04"),
        ("earlier this year", "2015"),
        ("last year", "2014"),
        ("in January", "2015-01"),
        ("on 3 February", "2015-02-03"),
        ("in October", "2014-10"),
    ],
)
def test_relative_dates(phrase, value):
    assert [v for _, _, v in relative_dates(f"It happened {phrase}.", "2015-02-04")] == [value]


@pytest.mark.parametrize("phrase", ["in January 2013", "on 3 February, 2013", "on 30 February", "in may"])
def test_a_month_with_its_year_or_no_such_day_is_no_relative_date(phrase):
    assert relative_dates(f"It happened {phrase}.", "2015-02-04") == []


def test_an_assessment_the_news_dates_by_month_alone_keeps_that_month():
    text = (
        "Rutland County Council has welcomed the findings of an Ofsted monitoring visit in January. "
        "Inspectors found that leaders had strengthened practice."
    )
    clean = clean_view(text)
    [visit] = find_assessments(clean, segment(clean), "Rutland", "2025-03-14")
    assert (visit.kind, visit.date) == ("monitoring-visit", "2025-01")


def test_the_last_year_is_a_period_not_a_date():
    assert relative_dates("Referrals rose over the last year.", "2015-02-04") == []


def test_a_framework_named_is_not_an_assessment():
    text = (
        "Focused visit to Anytown children's services\nThis letter summarises the findings of a focused visit "
        "on 3 May 2022. The visit was carried out in line with the inspection of local authority children's "
        "services (ILACS) framework."
    )
    clean = clean_view(text)
    assert [a.kind for a in find_assessments(clean, segment(clean), "Anytown", "2022-06-01")] == [
        "focused-visit"
    ]


def test_a_range_takes_the_month_and_year_of_its_end():
    assert [item[2:] for item in date_ranges("from 28 September to 3 October 2019")] == [
        ("2019-09-28", "2019-10-03")
    ]


def test_an_inspection_named_in_passing_takes_the_year_its_sentence_gives():
    text = "Hackney Council's children's services were rated good by Ofsted in 2019."
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Hackney", "2023-05-03")
    assert (own.kind, own.date, [(j.aspect, j.grade) for j in own.judgements]) == (
        "ilacs",
        "2019",
        [("overall effectiveness", "good")],
    )


def test_in_all_areas_takes_the_aspects_of_the_framework_of_the_year():
    text = "Ofsted inspection of Northumberland children's services\n\nInspectors judged the service outstanding in all areas."
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Northumberland", "2024-03-01")
    assert {j.aspect for j in own.judgements} == {
        "overall effectiveness",
        LEADERS,
        HELP,
        "the experiences and progress of children in care",
        "the experiences and progress of care leavers",
    }
    assert {j.grade for j in own.judgements} == {"outstanding"}


def test_a_review_named_before_its_child_is_that_child_s_review():
    text = (
        "Serious case review published\n\nThe serious case review was published today. "
        "The serious case review following the death of Baby Peter found that agencies missed chances."
    )
    clean = clean_view(text)
    reviews = find_assessments(clean, segment(clean), "Haringey", "2009-05-01")
    assert [(a.kind, a.subject_child) for a in reviews] == [("serious-case-review", "Baby Peter")]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("The partnership has published a child safeguarding practice review today.", "lcspr"),
        ("Child Safeguarding Practice Review: Baby Tam\n\nThe partnership published it today.", "lcspr"),
        (
            "The government responded to recommendations made by the Child Safeguarding Practice Review in April 2023.",
            "national-review",
        ),
    ],
)
def test_a_child_safeguarding_practice_review_is_local_unless_it_is_the_national_panel_s(text, kind):
    clean = clean_view(text)
    assert [a.kind for a in find_assessments(clean, segment(clean), "Doncaster", "2023-12-18")] == [kind]


def test_in_all_areas_with_no_year_known_is_the_overall_grade_only():
    text = "Ofsted inspection of Northumberland children's services\n\nInspectors judged the service outstanding in all areas."
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Northumberland", None)
    assert [(j.aspect, j.grade) for j in own.judgements] == [("overall effectiveness", "outstanding")]


MONITORING_VISIT = """Monitoring visit to Rochdale children's services

This letter summarises the findings of the monitoring visit to Rochdale children's services on 18 and 19 February 2025. This was the third monitoring visit since the local authority was judged inadequate in October 2023.

Headline findings
Leaders have made steady progress in improving the front door. However, the quality of assessments remains too variable and some children wait too long for a strategy meeting.
"""


def test_a_monitoring_visit_letter_names_the_inspection_that_judged_the_council_inadequate():
    """The date in "the third monitoring visit since ... was judged inadequate in October 2023" is
    the earlier inspection's, which gave the grade; the sentence is no failing of the practice found."""
    result = extract(SourceDocument("t", Path("t.txt"), MONITORING_VISIT, "0"))
    own = result.assessments[0]
    assert (own.kind, own.date) == ("monitoring-visit", "2025-02-18")
    assert [(p.kind, p.date, [(j.aspect, j.grade) for j in p.judgements]) for p in own.previous] == [
        ("ilacs", "2023-10", [("overall effectiveness", "inadequate")])
    ]
    assert [(f.kind, f.statement[:20]) for f in result.findings] == [
        ("Strength", "Leaders have made st"),
        ("Failing", "However, the quality"),
    ]


def test_an_acronym_in_brackets_after_the_name_is_the_same_assessment():
    """Regression: "a joint targeted area inspection (JTAI) ... in May 2023" read the acronym as a
    second mention that took the date: an undated JTAI with a dated earlier JTAI as its previous."""
    text = "A joint targeted area inspection (JTAI) of the response to exploitation in Sefton took place in May 2023."
    clean = clean_view(text)
    assert [
        (a.kind, a.date, a.previous) for a in find_assessments(clean, segment(clean), "Sefton", None)
    ] == [("jtai", "2023-05", [])]


def test_a_grade_given_in_last_year_s_inspection_takes_the_year_before_the_document_s():
    text = "Sefton's children's services were rated requires improvement in last year's inspection."
    clean = clean_view(text)
    [own] = find_assessments(clean, segment(clean), "Sefton", "2024-05-04")
    assert (own.kind, own.date, [j.grade for j in own.judgements]) == (
        "ilacs",
        "2023",
        ["requires-improvement"],
    )


def test_a_grade_for_all_areas_gives_way_to_the_grades_the_text_gives_aspects_itself():
    text = (
        "Rutland children's services upgraded to 'good'\n\n10 May 2024\n\n"
        "Inspectors rated the council good in all areas except the experiences of care leavers, "
        "which require improvement.\n\n"
        "The service was judged outstanding for the impact of leaders.\n"
    )
    result = extract(SourceDocument("t", Path("news-rutland.txt"), text, "0"))
    grades = {j.aspect: j.grade for j in result.assessments[0].judgements}
    assert grades["overall effectiveness"] == "good"
    assert grades["the experiences and progress of children in care"] == "good"
    assert grades["the experiences and progress of care leavers"] == "requires-improvement"
    assert grades["the impact of leaders on social work practice with children and families"] == "outstanding"


@pytest.mark.parametrize(
    "sentence, grade",
    [
        ("Rutland's children's services were given the top rating of outstanding by Ofsted.", "outstanding"),
        ("Ofsted gave Rutland's children's services a 'good' rating.", "good"),
        ("Rutland was rated 'outstanding' by Ofsted for its children's services.", "outstanding"),
    ],
)
def test_a_rating_given_in_news_words(sentence, grade):
    result = extract(SourceDocument("t", Path("news-rutland.txt"), f"12 March 2024\n\n{sentence}\n", "0"))
    assert [(j.aspect, j.grade) for j in result.assessments[0].judgements] == [
        ("overall effectiveness", grade)
    ]


def test_the_year_after_a_replaced_grade_dates_the_earlier_inspection_not_this_one():
    text = "12 March 2024\n\nRutland's children's services now require improvement, up from inadequate in 2019, Ofsted said.\n"
    [own] = extract(SourceDocument("t", Path("news-rutland.txt"), text, "0")).assessments
    assert (own.date, own.judgements[0].grade) == ("2024-03-12", "requires-improvement")
    assert [(p.date, [j.grade for j in p.judgements]) for p in own.previous] == [("2019", ["inadequate"])]
