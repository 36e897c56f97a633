"""Recommendations and responses in the layouts of real reports, letters and short texts, on
documents of our own writing (fictional people and findings, real English area names)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract
from kg.ingest import SourceDocument


def _extract(text: str):
    return extract(SourceDocument("t", Path("t.txt"), text, "0"))


def _statements(result) -> list[str]:
    return [r.statement for r in result.recommendations]


ILACS = (
    "Inspection of Dorset County Council children's services\n"
    "Dorset County Council children's services were inspected by Ofsted.\n"
    "What needs to improve?\n"
    "\uf06e The timeliness of assessments for children in need, so that help starts\n"
    "without delay.\n"
    "\u25fc The quality of plans for care leavers.\n"
    "\n"
    "Inspection of Dorset County Council children's services (1 to 12 May 2022)\n"
    "\n"
    "\u2022 Management oversight of children who go missing from\n"
    "(home and care)\n"
    "The experiences and progress of children who need help and protection: good\n"
    "1. Children receive help quickly. Leaders should be proud of the front door.\n"
    "2. Ensure that partners attend strategy meetings.\n"
)


def test_ilacs_bullets_of_every_glyph_across_a_page_break():
    result = _extract(ILACS)
    assert _statements(result) == [
        "The timeliness of assessments for children in need, so that help starts without delay.",
        "The quality of plans for care leavers.",
        "Management oversight of children who go missing from (home and care)",
    ]
    assert all(r.addressed_to == ["Dorset County Council"] for r in result.recommendations)
    first = result.recommendations[0]
    assert ILACS[first.span.start : first.span.end].startswith("The timeliness")
    assert ILACS[first.span.start : first.span.end].endswith("without delay.")


SIF = (
    "Children's services in Lancashire: Lancashire County Council\n"
    "Contents\n"
    "What does the local authority need to improve? 4\n"
    "The Local Safeguarding Children Board (LSCB) 30\n"
    "What does the local authority need to improve?\n"
    "Priority and immediate action\n"
    "Leadership and governance\n"
    "1. Secure stable leadership of children's social care.\n"
    "2. Coordinate planning across the Health and Wellbeing\n"
    "Board, the LSCB and the Corporate Parenting\n"
    "Board to agree shared priorities.\n"
    "Areas for improvement\n"
    "Care leavers\n"
    "3. Significantly improve the pathway plans of care leavers.\n"
    "The local authority's strengths\n"
    "4. Early help services are well coordinated.\n"
    "5. Adoption work is timely.\n"
    "The Local Safeguarding Children Board (LSCB)\n"
    "The Lancashire Safeguarding Children Board is inadequate\n"
    "What does the LSCB need to improve?\n"
    "Priority and immediate action\n"
    "There are no priority actions.\n"
    "Areas for improvement\n"
    "158. Ensure that the board hears the views of children placed out of the area.\n"
    "159. Evaluate the impact of multi-agency training.\n"
    "Inspection judgement about the LSCB\n"
    "160. The chair provides strong challenge to partners.\n"
)


def test_sif_numbered_lists_run_on_and_the_lscb_list_keeps_its_printed_numbers():
    result = _extract(SIF)
    numbered = {r.number: r for r in result.recommendations}
    assert sorted(numbered) == [1, 2, 3, 158, 159]
    assert numbered[2].statement == (
        "Coordinate planning across the Health and Wellbeing Board, the LSCB and the Corporate Parenting "
        "Board to agree shared priorities."
    )
    assert numbered[1].addressed_to == ["Lancashire County Council"]
    (board,) = numbered[158].addressed_to
    assert result.organisations[board].cls == "SafeguardingPartnership" and board.startswith("Lancashire")
    assert not any("strengths" in s or "Areas for improvement" in s for s in _statements(result))


JTAI = (
    "Joint targeted area inspection of the multi-agency response in Cumbria\n"
    "This letter is from Ofsted, the Care Quality Commission, HMICFRS and HM Inspectorate of Probation.\n"
    "Areas for improvement\n"
    "Help at the front door\n"
    "\uf06e Cumbria Constabulary does not always share domestic abuse notifications with schools on the\n"
    "same day.\n"
    "\uf06e Plans are not always specific about who does what. This means that\n"
    "\n"
    "some children wait for help.\n"
    "Case study: highly effective practice\n"
    "Ava was helped quickly by her school nurse and her social worker.\n"
    "\uf06e Cumbria County Council has not yet evaluated its new training.\n"
    "\uf06e The police do not always attend strategy meetings with children's social care.\n"
    "Case study: area for improvement\n"
    "Workers did not visit Leo often enough.\n"
    "Next steps\n"
    "The local authority should prepare a written statement of proposed action.\n"
)


def test_jtai_areas_for_improvement_name_their_agencies_and_skip_the_case_study():
    """A joint inspection: each item is addressed to the partners it names, by name or by kind."""
    result = _extract(JTAI)
    assert _statements(result) == [
        "Cumbria Constabulary does not always share domestic abuse notifications with schools on the same day.",
        "Plans are not always specific about who does what. This means that some children wait for help.",
        "Cumbria County Council has not yet evaluated its new training.",
        "The police do not always attend strategy meetings with children's social care.",
    ]
    assert result.recommendations[0].addressed_to == ["Cumbria Constabulary"]
    assert result.recommendations[3].addressed_to == ["Cumbria Constabulary", "Cumbria County Council"]
    assert result.recommendations[1].addressed_to == []
    assert result.recommendations[2].addressed_to == ["Cumbria County Council"]


FOCUSED_VISIT = (
    "Focused visit to Medway Council children's services\n"
    "Areas for priority action\n"
    "The local authority needs to take swift action to improve the following areas of practice:\n"
    "\u25fc the allocation of children to a social worker without delay\n"
    "What needs to improve in this area of social work practice?\n"
    "\u25fc The timeliness of return home interviews.\n"
    "Ofsted\n"
    "Piccadilly Gate\n"
    "Manchester\n"
    "\u25fc The recording of management decisions\n"
    "However, some records are now better.\n"
    "Ofsted will take the findings from this focused visit into account when planning your next inspection.\n"
)


def test_focused_visit_lists_skip_an_address_block_and_stop_at_the_closing_sentence():
    result = _extract(FOCUSED_VISIT)
    assert _statements(result) == [
        "the allocation of children to a social worker without delay",
        "The timeliness of return home interviews.",
        "The recording of management decisions However, some records are now better.",
    ]
    assert all(r.addressed_to == ["Medway Council"] for r in result.recommendations)


OLDER = (
    "Inspection of safeguarding and looked after children services: Luton Borough Council\n"
    "Areas for improvement\n"
    "8. In order to improve the quality of provision, Luton Borough Council should take the following action.\n"
    "Immediately:\n"
    "\x83 ensure that all referrals are screened by a qualified social worker\n"
    "Within three months:\n"
    "\x83 improve the quality of child protection plans\n"
    "Key findings\n"
    "9. Children are seen promptly.\n"
)


def test_older_reports_list_their_improvements_by_timescale():
    result = _extract(OLDER)
    assert _statements(result) == [
        "ensure that all referrals are screened by a qualified social worker",
        "improve the quality of child protection plans",
    ]
    assert all(r.addressed_to == ["Luton Borough Council"] for r in result.recommendations)


def test_words_that_only_look_like_recommendations():
    result = _extract(
        "Adopters spoken to would recommend Sefton as an adoption agency.\n"
        "Care leavers receive less than the recommended grant of 2,000 pounds.\n"
        "Social workers were recommending a longer transition home.\n"
    )
    assert result.recommendations == []


def test_announced_bullets_with_addressees_given_once_and_a_list_of_themes_that_is_not():
    text = (
        "Recommendations were made to Norfolk County Council and Norfolk Constabulary.\n"
        "Sharing information\n"
        "  \u2022 The report recommends a joint group to collate data from all agencies.\n"
        "  \u2022 Training was patchy. Thus, regular training should be offered to all staff.\n"
        "  \u2022 There are no mechanisms by which the council\n"
        "Some key themes highlighted during the review include:\n"
        "  \u2022 Thresholds for neglect;\n"
        "  \u2022 Children who go missing.\n"
    )
    result = _extract(text)
    assert _statements(result) == [
        "The report recommends a joint group to collate data from all agencies.",
        "Training was patchy. Thus, regular training should be offered to all staff.",
    ]
    assert result.recommendations[1].addressed_to == ["Norfolk County Council", "Norfolk Constabulary"]


def _responses(text: str) -> list[str]:
    return [r.response.statement for r in _extract(text).document_responses]


def test_apologies_commitments_and_directions_are_responses():
    text = (
        "Essex County Council has apologised for the missed opportunities to protect the baby.\n"
        'The county council said it was "determined to improve".\n'
        "Its director noted that leaders did not wait for the outcome of the inspection to change the front door.\n"
        "With permission, I wish to make a statement about Slough Borough Council.\n"
        "The minister said he would order a statutory inspection of the council's children's services.\n"
        "The council said the weather was poor.\n"
    )
    assert _responses(text) == [
        "Essex County Council has apologised for the missed opportunities to protect the baby.",
        'The county council said it was "determined to improve".',
        "Its director noted that leaders did not wait for the outcome of the inspection to change the front door.",
        "With permission, I wish to make a statement about Slough Borough Council.",
        "The minister said he would order a statutory inspection of the council's children's services.",
    ]


def test_a_quote_announced_after_the_publication_is_the_response():
    text = (
        "Following the publication of the review, Barnardo's has stated that lessons must be learnt:\n"
        "It is right that we look at what could have been done differently for this child.\n"
        "More news\n"
    )
    responses = _extract(text).document_responses
    assert [r.response.statement for r in responses] == [
        "It is right that we look at what could have been done differently for this child."
    ]
    assert responses[0].response.respondent == "Barnardo's"


def test_a_headline_is_not_a_second_apology():
    text = (
        "Council apologises for missed opportunities\n"
        "Kent County Council has apologised for the failings the review found.\n"
    )
    assert _responses(text) == ["Kent County Council has apologised for the failings the review found."]


def test_paragraphs_under_areas_for_priority_action():
    text = (
        "Focused visit to Kent County Council children's services\n"
        "Areas for priority action\n"
        "Senior leaders should make sure that every child at risk has a social worker within a day.\n"
        "Managers must review the plans of children who have waited longer than a month.\n"
        "Inspectors found that the front door is busy.\n"
        "Leaders should be proud of their staff.\n"
    )
    result = _extract(text)
    assert _statements(result) == [
        "Senior leaders should make sure that every child at risk has a social worker within a day.",
        "Managers must review the plans of children who have waited longer than a month.",
    ]
    assert all(r.addressed_to == ["Kent County Council"] for r in result.recommendations)


def test_a_statutory_direction_in_the_news_is_the_government_response():
    text = (
        "Ofsted rated Wokingham children's services inadequate.\n"
        "The Department for Education has issued Wokingham Borough Council with a statutory direction.\n"
        "A children's services commissioner was not named.\n"
    )
    responses = _extract(text).document_responses
    assert [r.response.statement for r in responses] == [
        "The Department for Education has issued Wokingham Borough Council with a statutory direction."
    ]
    assert responses[0].response.respondent == "Department for Education"


def test_recommendations_quoted_in_news():
    text = (
        "The review into the death of a baby in Leeds was published on Tuesday.\n"
        "The review recommended that health visitors see every new baby at home.\n"
        "Among its recommendations is that the police share reports of domestic abuse with schools.\n"
        "Inspectors in 2015 recommended improving supervision.\n"
    )
    assert _statements(_extract(text)) == [
        "The review recommended that health visitors see every new baby at home.",
        "Among its recommendations is that the police share reports of domestic abuse with schools.",
    ]


def test_no_priority_actions_then_areas_for_improvement_of_the_board():
    text = (
        "Inspection of services for children in Leeds: Leeds City Council\n"
        "What does the LSCB need to improve?\n"
        "Priority and immediate action\n"
        "There are no priority actions.\n"
        "Areas for improvement\n"
        "184. Report on the effectiveness of all partner agencies to the Leeds Safeguarding Children Board.\n"
        "Inspection judgement about the LSCB\n"
        "185. The board is well led.\n"
    )
    result = _extract(text)
    assert [(r.number, r.statement[:10]) for r in result.recommendations] == [(184, "Report on ")]
    assert result.organisations[result.recommendations[0].addressed_to[0]].cls == "SafeguardingPartnership"


def test_responding_to_findings_during_an_inspection_is_not_a_response_to_it():
    """Regression: a JTAI letter's 'the partnership has positively responded to findings identified
    during this inspection' became a response of the partnership to the inspection."""
    text = (
        "Joint targeted area inspection of Bexley\n"
        "The Bexley Safeguarding Partnership has positively responded to findings identified during this inspection.\n"
    )
    assert _responses(text) == []


def test_an_apology_in_a_statement_from_a_named_body_is_its_response_to_the_review():
    result = _extract(
        "Statement from Bolton Council on the serious case review\n\n14 February 2024\n\n"
        "We apologise unreservedly to the family. We have changed how the front door works.\n"
    )
    [answer] = result.document_responses
    assert answer.response.respondent == "Bolton Council"
    assert answer.response.statement.startswith("We apologise")
    assert answer.assessment is not None and answer.assessment.kind == "serious-case-review"


_REVIEW_NEWS = (
    "The Bolton Safeguarding Children Partnership published the local child safeguarding practice "
    "review on Tuesday.\n\n"
    "The review makes eight recommendations, including that Greater Manchester Police should review "
    "its policy on searching children.\n\n"
    "In a statement, Greater Manchester Police said it accepted all of the recommendations.\n\n"
    "Bolton Council's children's services were rated good by Ofsted in 2019.\n"
)


def test_a_recommendation_given_with_the_count_in_news():
    result = _extract(_REVIEW_NEWS)
    [recommendation] = result.recommendations
    assert "should review its policy on searching children" in recommendation.statement
    assert recommendation.addressed_to == ["Greater Manchester Police"]


def test_a_statement_answers_the_review_named_before_it_not_an_inspection_named_after():
    result = _extract(_REVIEW_NEWS)
    [recommendation] = result.recommendations
    assert recommendation.response is not None
    assert recommendation.response.respondent == "Greater Manchester Police"
    assert [(d.assessment.kind if d.assessment else None) for d in result.document_responses] == ["lcspr"]


_SPOKEN_ACCEPTANCE = (
    "Child safeguarding practice review: Baby Tobias\n\n"
    "The Dorset Safeguarding Vulnerable People Partnership has published a child safeguarding practice "
    "review following the death of a baby known as Tobias.\n\n"
    "The review makes two recommendations. They include:\n"
    "- the partnership should check that midwives ask about every adult in the household;\n"
    "- Dorset Police should share domestic abuse notifications with health visitors.\n\n"
    'Independent Scrutineer Joan Ferrars said: "We accept all of the recommendations."\n\n'
    "Arthur Pengelly, Chief Executive of Dorset Council, apologised to the family.\n"
)


def test_a_speaker_s_acceptance_in_the_present_is_their_organisation_s_response_to_each_recommendation():
    result = _extract(_SPOKEN_ACCEPTANCE)
    assert [r.addressed_to for r in result.recommendations] == [
        ["Dorset Safeguarding Vulnerable People Partnership"],
        ["Dorset Police"],
    ]
    assert [(r.response.respondent, r.response.answers) for r in result.recommendations if r.response] == [
        ("Dorset Safeguarding Vulnerable People Partnership", 1),
        ("Dorset Safeguarding Vulnerable People Partnership", 2),
    ]


def test_an_apology_without_have_is_a_response_to_the_review_of_the_child_it_names():
    result = _extract(_SPOKEN_ACCEPTANCE)
    [review] = result.assessments
    assert (review.kind, review.subject_child) == ("lcspr", "Baby Tobias")
    apologies = [d for d in result.document_responses if "apologised" in d.response.statement]
    assert [(d.response.respondent, d.assessment is review) for d in apologies] == [("Dorset Council", True)]


_INADEQUATE_NEWS = (
    "Council's children's services rated inadequate\n\n"
    "Children's services at Calderdale Council have been rated inadequate by Ofsted.\n\n"
    "Education Secretary Ruth Kelham has appointed a children's commissioner to review the service.\n\n"
    'Olwen Marsh, the leader of Calderdale Council, said: "We accept the findings in full and we are sorry."\n'
)


def test_a_minister_s_direction_and_a_leader_s_acceptance_are_their_organisations_responses():
    result = _extract(_INADEQUATE_NEWS)
    assert [
        (d.response.respondent, d.assessment.kind if d.assessment else None)
        for d in result.document_responses
    ] == [
        ("Department for Education", "ilacs"),
        ("Calderdale Council", "ilacs"),
    ]


def test_a_minister_who_is_the_subject_responds_for_the_department_not_the_council_addressed():
    result = _extract(
        "Government intervenes in Tower Hamlets children's services\n\n"
        "The Secretary of State for Education has issued a statutory direction to Tower Hamlets Council "
        "after Ofsted judged its services for children inadequate.\n"
    )
    [direction] = result.document_responses
    assert direction.response.respondent == "Department for Education"
    assert direction.assessment is not None
    assert [(j.aspect, j.grade) for j in direction.assessment.judgements] == [
        ("overall effectiveness", "inadequate")
    ]


def test_the_trust_s_acceptance_and_the_partnership_s_determination_are_responses():
    result = _extract(
        "Review finds missed chances\n\n"
        "The Liverpool Safeguarding Children Partnership published a serious case review into Child D. "
        "It found that Merseyside Police and Alder Hey Children's NHS Foundation Trust missed chances.\n\n"
        "Assistant Chief Constable Nell Quarry said Merseyside Police had already changed the way it "
        "responds to missing children.\n\n"
        "A spokesperson for Alder Hey said the trust accepted the findings.\n\n"
        'The partnership\'s independent scrutineer, Ivy Marchant, said: "We are determined that the lessons are learned."\n'
    )
    assert [d.response.respondent for d in result.document_responses] == [
        "Merseyside Police",
        "Alder Hey Children's NHS Foundation Trust",
        "Liverpool Safeguarding Children Partnership",
    ]


def test_urging_others_to_accept_the_recommendations_is_no_acceptance():
    result = _extract(
        "Statement from the NSPCC on the national review\n\n"
        "The Child Safeguarding Practice Review Panel published its review of infant deaths.\n\n"
        "We urge the Department for Education to accept these recommendations in full.\n"
    )
    assert result.document_responses == []


_RATED_NEWS = (
    "Bury children's services rated inadequate\n\n"
    "Ofsted rated Bury Council's children's services inadequate in a report published on Tuesday.\n\n"
)


@pytest.mark.parametrize(
    "sentence, respondent",
    [
        ("The council said it would implement all the recommendations.", "Bury Council"),
        ("Bury Council said it had made significant progress since the inspection.", "Bury Council"),
        ("Greater Manchester Police said lessons had been learned.", "Greater Manchester Police"),
        ("In response, the council said it was already working to improve.", "Bury Council"),
        (
            'A council spokesperson said: "We welcome the report and will act on its findings."',
            "Bury Council",
        ),
    ],
)
def test_a_response_in_news_words(sentence, respondent):
    result = _extract(_RATED_NEWS + sentence + "\n")
    assert [d.response.respondent for d in result.document_responses] == [respondent]


def test_an_action_plan_a_report_describes_is_a_finding_not_a_response():
    result = _extract(
        _RATED_NEWS + "The local authority has developed an action plan to address the deficits.\n"
    )
    assert result.document_responses == []


@pytest.mark.parametrize(
    "sentence, respondent",
    [
        (
            "Responding to the report, the Department for Education said it would monitor progress.",
            "Department for Education",
        ),
        ("Bury Council has pledged to recruit more social workers.", "Bury Council"),
        ("The council has vowed to turn its children's services around.", "Bury Council"),
        (
            'A spokesperson for Bury Council said the authority was "disappointed" but would act quickly.',
            "Bury Council",
        ),
        ("The council said it had already taken steps to address the concerns raised.", "Bury Council"),
        ("Bury Council said work was already under way to address the issues.", "Bury Council"),
        (
            '"We recognise the issues this report raises and will put them right," a council spokesperson said.',
            "Bury Council",
        ),
        (
            'Council leader Ann Hale said: "This is not the result we wanted, but we accept it."',
            "Bury Council",
        ),
        ('The council said it would "learn from the report".', "Bury Council"),
        (
            "In a statement, the Department for Education said it would carefully consider the recommendations.",
            "Department for Education",
        ),
        ("Bury Council said partners would act on every recommendation.", "Bury Council"),
        ("Bury Council said it had already begun work to address the issues raised.", "Bury Council"),
    ],
)
def test_a_pledge_a_disappointment_or_work_under_way_is_a_response_in_news(sentence, respondent):
    """Commitments ("has pledged to"), a disappointment, steps already taken, a quote about the
    report attributed after it, and a sentence-initial "Responding to the report" are each the
    speaker's response to the inspection the news reports."""
    result = _extract(_RATED_NEWS + sentence + "\n")
    assert [d.response.respondent for d in result.document_responses] == [respondent]


def test_a_speaker_named_again_by_title_and_surname_answers_for_the_organisation_given_before():
    result = _extract(
        _RATED_NEWS
        + "Ann Hale, chief executive of Bury Council, met families on Wednesday.\n\n"
        + 'Ms Hale said: "We fully accept the report and we are sorry."\n'
    )
    assert [d.response.respondent for d in result.document_responses] == ["Bury Council"]


def test_accepting_a_point_inside_a_speaker_s_quote_is_no_second_response():
    """Regression: "we accept it" as a response also took "We accept that there is more to do"
    inside a quote whose first sentence had already answered the report."""
    result = _extract(
        _RATED_NEWS
        + 'Council leader Ann Hale said: "We are disappointed with the report. '
        + 'We accept that there is more to do for children in care."\n'
    )
    assert [d.response.respondent for d in result.document_responses] == ["Bury Council"]
