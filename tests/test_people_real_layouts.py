"""People and roles in the layouts of real reports, letters and news (issues 15 and 16).

Every document here is of our own writing, with fictional people; the area names are real.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract
from kg.ingest import SourceDocument


def _extract(text: str):
    return extract(SourceDocument("t", Path("t.txt"), text, "0"))


def _memberships(text: str) -> set[tuple[str, str, str]]:
    return {(m.person, m.role, m.organisation) for m in _extract(text).memberships}


SIF_TEAM = """Inspection of services for children in need of help and protection, Rutland
Ofsted inspected the local authority.

The inspection team
Lead inspector: Harriet Quimby
Deputy lead inspector: Tomasz Wren
Team inspectors: Aisha Bellweather, Gideon Marsh-
Tolley, Priya
Okonkwo, Dick O'Rourke
Shadow inspectors: Lena Fairbrother, Oscar Penhallow
Senior data analyst: Colette Dunmore
Quality assurance manager: Walter Greaves
"""


def test_sif_team_list_wrapped_over_lines_and_a_line_end_hyphen():
    found = _memberships(SIF_TEAM)
    assert ("Harriet Quimby", "Lead inspector", "Ofsted") in found
    assert ("Tomasz Wren", "Deputy lead inspector", "Ofsted") in found
    for name in ("Aisha Bellweather", "Gideon Marsh-Tolley", "Priya Okonkwo", "Dick O'Rourke"):
        assert (name, "Team inspector", "Ofsted") in found
    assert ("Oscar Penhallow", "Shadow inspector", "Ofsted") in found
    assert ("Colette Dunmore", "Senior data analyst", "Ofsted") in found
    assert ("Walter Greaves", "Quality assurance manager", "Ofsted") in found


@pytest.mark.parametrize(
    "layout",
    [
        "Lead inspector: Harriet Quimby, His Majesty's Inspector\nJudgement Grade\n",
        "Lead inspector: Harriet Quimby\nHis Majesty's Inspector\nJudgement Grade\n",
    ],
)
def test_lead_inspector_on_one_line_or_two(layout):
    text = (
        "Inspection of Rutland County Council children's services\nInspection dates: 4 to 15 March 2024\n"
        + layout
        + "Ofsted found that children are safe.\n"
    )
    found = _memberships(text)
    assert ("Harriet Quimby", "Lead inspector", "Ofsted") in found
    assert ("Harriet Quimby", "His Majesty's Inspector", "Ofsted") in found
    assert not any(m[0].endswith("Judgement") or "Grade" in m[1] for m in found)


JOINT_LETTER = """12 March 2019
Harold Pemberton, Director of Children's Services, Rutland County Council
Quentin Rudd, Police and Crime Commissioner
Sir Alastair Vane QPM, Chief Constable of Leicestershire Police
Bronwen Hale-
Ashby, Independent Chair, Rutland Safeguarding Children Partnership
Dear local partnership
Joint targeted area inspection of the multi-agency response to neglect in Rutland
Between 4 and 8 February 2019, Ofsted, the Care Quality Commission (CQC), HMI Constabulary and Fire & Rescue Services (HMICFRS) and HMI Probation undertook a joint inspection.
The partnership in Rutland works well together.
Yours sincerely
Ofsted

Care Quality Commission

Rosalind Carver
National Director, Social Care

Edmund Tighe
Deputy Chief Inspector

HMI Constabulary

HMI Probation

Miriam Stowe
Her Majesty's Inspector of Constabulary

Clement Ashdown
Assistant Chief Inspector
"""


def test_joint_letter_address_block_and_signature_grid():
    result = _extract(JOINT_LETTER)
    found = {(m.person, m.role, m.organisation) for m in result.memberships}
    assert ("Harold Pemberton", "Director of Children's Services", "Rutland County Council") in found
    assert ("Alastair Vane", "Chief Constable", "Leicestershire Police") in found  # no "Sir", no "QPM"
    assert ("Bronwen Hale-Ashby", "Independent Chair", "Rutland Safeguarding Children Partnership") in found
    assert ("Rosalind Carver", "National Director, Social Care", "Ofsted") in found
    assert ("Edmund Tighe", "Deputy Chief Inspector", "Care Quality Commission") in found
    assert {m[0] for m in found if m[2] == "His Majesty's Inspectorate of Probation"} == {"Clement Ashdown"}
    # A police and crime commissioner's office is not named: a person, no membership.
    assert "Quentin Rudd" in {p.name for p in result.people}


FOCUSED_VISIT = """Ofsted
Piccadilly Gate
Manchester

2 May 2019
Mr Lionel Fairweather
Executive Director, Families and Wellbeing
Rutland County Council
High Street

Dear Mr Fairweather
Focused visit to Rutland children's services
This letter summarises the findings of the focused visit to Rutland County Council children's services by Ofsted.
Yours sincerely
Imogen Castell (Lead Inspector)
His Majesty's Inspector
"""


def test_focused_visit_addressee_on_lines_of_its_own_and_the_signatory():
    result = _extract(FOCUSED_VISIT)
    found = {(m.person, m.role, m.organisation) for m in result.memberships}
    assert (
        "Lionel Fairweather",
        "Executive Director, Families and Wellbeing",
        "Rutland County Council",
    ) in found
    assert ("Imogen Castell", "Lead Inspector", "Ofsted") in found
    assert ("Imogen Castell", "His Majesty's Inspector", "Ofsted") in found
    assert "Fairweather" not in {p.name for p in result.people}  # "Dear Mr Fairweather" refers back


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Nadia Farrow, the Rutland Safeguarding Children Partnership's (RSCP) independent chair and scrutineer, said: \u2018We accept the findings.\u2019",
            ("Nadia Farrow", "independent chair and scrutineer", "Rutland Safeguarding Children Partnership"),
        ),
        (
            "Ofsted rated Rutland County Council as good. Rutland County Council's chief executive, Oren Blakely, said the council was pleased.",
            ("Oren Blakely", "Chief Executive", "Rutland County Council"),
        ),
        (
            "The review was chaired by Dr Fenella Quayle. The Rutland Safeguarding Children Partnership published it.",
            None,
        ),
        (
            "Ofsted judged Rutland County Council good. Siobhan Trask, the county councillor who has had responsibility for children's services since 2019, welcomed it.",
            (
                "Siobhan Trask",
                "county councillor who has had responsibility for children's services since 2019",
                "Rutland County Council",
            ),
        ),
        (
            "Education Secretary Tunde Ashworth said the council must improve.",
            ("Tunde Ashworth", "Education Secretary", "Department for Education"),
        ),
        (
            "\u201cWe must act faster.\u201d\n\u2013 Yvette Marlow, CEO of Barnardo's",
            ("Yvette Marlow", "CEO", "Barnardo's"),
        ),
        (
            "Councillor Peter Lane (Conservative), cabinet member for children and families at Rutland County Council, said the council accepted the findings.",
            ("Peter Lane", "cabinet member for children and families", "Rutland County Council"),
        ),
        (
            "Karen Bright (Designated Nurse for Safeguarding, Rutland County Council) said that health visitors had missed signs.",
            ("Karen Bright", "Designated Nurse for Safeguarding", "Rutland County Council"),
        ),
        (
            "Det Supt Idris Fenn of Rutland Police said officers had learned lessons.",
            ("Idris Fenn", "Detective Superintendent", "Rutland Police"),
        ),
        (
            "Rutland Police worked with the council. Ch Supt Harriet Gale said the force had changed its training.",
            ("Harriet Gale", "Chief Superintendent", "Rutland Police"),
        ),
        (
            "Professor Imani Salt, the independent chair of the Rutland Safeguarding Children Multi-Agency Partnership, said partners would act.",
            ("Imani Salt", "Independent Chair", "Rutland Safeguarding Children Multi-Agency Partnership"),
        ),
    ],
)
def test_journalistic_forms(text, expected):
    result = _extract(text)
    found = {(m.person, m.role, m.organisation) for m in result.memberships}
    if expected:
        assert expected in found
    else:  # a role with no organisation named: still a person
        assert "Fenella Quayle" in {p.name for p in result.people} | {m[0] for m in found}


def test_byline_is_a_person_without_a_role_and_a_back_reference_is_no_new_person():
    text = (
        "Rowena Pike 28 March 2024\n\nCouncil apologises after review\n\n"
        "Gregor Lindqvist, executive director for children's services at Rutland County Council, said the council was sorry. "
        "Mr Lindqvist added that work had begun.\n"
    )
    result = _extract(text)
    assert {p.name for p in result.people} == {"Rowena Pike"}
    assert {m.person for m in result.memberships} == {"Gregor Lindqvist"}


@pytest.mark.parametrize(
    "text",
    [
        "The Thames Valley Police and the North Yorkshire County Council worked together.",
        "Children's services in Rutland were judged good by Ofsted in March 2024.",
        "Inspection dates: 4 to 15 March 2024\nJudgement Grade\nOverall effectiveness Good\n",
    ],
)
def test_capitalised_phrases_that_are_not_names_make_no_person(text):
    result = _extract(text)
    assert not result.memberships and not result.people


def test_honours_between_a_name_and_a_former_title_in_a_long_sentence():
    found = _memberships(
        "The review was commissioned by the partnership and was written by Harriet Quimby OBE, "
        "former President of the Association of Directors of Children's Services."
    )
    assert any(
        person == "Harriet Quimby"
        and "President" in role
        and organisation == "Association of Directors of Children's Services"
        for person, role, organisation in found
    ), found


_PANEL_NEWS = (
    "Ruth Adeyemi will lead the review. She will be supported by Samuel Okoro and Ayesha Brand. "
    "Samuel is Chair of Wiltshire Local Safeguarding Children Board and was previously Chair of the "
    "LSCB for Devon. Ayesha was formerly Deputy Chief Constable of Warwickshire Police."
)


def test_a_biography_sentence_refers_back_by_first_name_to_the_person_named_in_full():
    found = _memberships(_PANEL_NEWS)
    assert ("Samuel Okoro", "Chair", "Wiltshire Local Safeguarding Children Board") in found
    assert ("Samuel Okoro", "Chair", "Devon Local Safeguarding Children Board") in found
    assert ("Ayesha Brand", "Deputy Chief Constable", "Warwickshire Police") in found


def test_a_first_name_two_people_share_refers_to_no_one():
    text = _PANEL_NEWS.replace("Ayesha Brand", "Samuel Brand")
    assert not any(person == "Samuel Okoro" for person, _, _ in _memberships(text))


def test_a_minister_s_portfolio_names_the_department_when_the_text_names_none():
    found = _memberships(
        "Gideon Marsh, the Secretary of State for Communities and Local Government, said the council failed."
    )
    assert {(p, o) for p, _, o in found} == {
        ("Gideon Marsh", "Department for Levelling Up, Housing and Communities")
    }


_COUNCIL_NEWS = (
    "Doncaster children's services rated good\n\n"
    "Ofsted has rated Doncaster Council's children's services good.\n\n"
    'The {role}, Councillor Siobhan Mulvaney, said: "This is a great day for our families."\n'
)


@pytest.mark.parametrize(
    "role, title",
    [
        ("cabinet member for children", "Cabinet Member for Children"),
        (
            "chair of the council's children, young people and skills committee",
            "Chair of the Council's Children, Young People and Skills Committee",
        ),
    ],
)
def test_a_councillor_s_portfolio_or_committee_belongs_to_the_council(role, title):
    found = _memberships(_COUNCIL_NEWS.format(role=role))
    assert ("Siobhan Mulvaney", title, "Doncaster Council") in found
    assert ("Siobhan Mulvaney", "Councillor", "Doncaster Council") in found


def test_the_chair_of_an_inquiry_is_not_made_chair_of_the_partnership():
    text = (
        "Statement from the Bolton Safeguarding Children Partnership\n\n"
        "An independent inquiry into child exploitation in Bolton, chaired by Professor Imelda Grant, "
        "will report next year. The partnership, chaired by Grace Okafor, welcomes it.\n"
    )
    result = _extract(text)
    assert {(m.person, m.role) for m in result.memberships} == {("Grace Okafor", "Chair")}
    assert "Imelda Grant" in {p.name for p in result.people}


def test_a_surname_that_opens_with_a_particle_and_a_knighthood_with_the_given_name():
    result = _extract(
        "Children's Commissioner Dame Hester van der Loon said children deserved better. "
        "Dame Hester added that she would visit Rutland. Tomas de Oliveira, chief executive of "
        "Rutland County Council, said the council agreed."
    )
    found = {(m.person, m.role, m.organisation) for m in result.memberships}
    assert ("Hester van der Loon", "Children's Commissioner", "Children's Commissioner for England") in found
    assert ("Tomas de Oliveira", "Chief Executive", "Rutland County Council") in found
    assert not result.people, "'Dame Hester' is the commissioner named again, no other person"


def test_a_person_named_by_title_and_surname_alone():
    result = _extract(
        "Last August, Professor Whitlow's report into exploitation in Barnsley described abuse. "
        "Lord Fenwick said the council had failed. Professor Eileen Munro spoke; Professor Munro said more."
    )
    names = {p.name for p in result.people} | {m.person for m in result.memberships}
    assert {"Professor Whitlow", "Lord Fenwick"} <= names
    assert "Professor Munro" not in names, "a surname of a full name refers back to it"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Barnsley Council has appointed Priya Shah as the new director of children's services.",
            ("Priya Shah", "Director of Children's Services", "Barnsley Council"),
        ),
        (
            "The Barnsley Safeguarding Children Partnership named Ruth Adeyemi as its independent scrutineer.",
            ("Ruth Adeyemi", "Independent Scrutineer", "Barnsley Safeguarding Children Partnership"),
        ),
    ],
)
def test_an_appointment_names_the_person_as_the_role(text, expected):
    assert expected in _memberships(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Statement from the Rochdale Safeguarding Children Partnership\n\n"
            "Hamish Tolland, the partnership's independent scrutineer, said the review was thorough.\n",
            ("Hamish Tolland", "Independent Scrutineer", "Rochdale Safeguarding Children Partnership"),
        ),
        (
            "Rochdale Borough Council responds to Ofsted\n\n"
            "Nadia Kerrigan, the council's director of children's services, said lessons were learned.\n",
            ("Nadia Kerrigan", "Director of Children's Services", "Rochdale Borough Council"),
        ),
    ],
)
def test_the_organisation_s_role_in_an_apposition_belongs_to_the_one_organisation_named(text, expected):
    assert expected in _memberships(text)


def test_a_byline_with_a_job_title_is_the_author():
    result = _extract(
        "Council rated good\n\nBy Helen Quayle, Local Democracy Reporter\n\nOfsted rated Calderdale Council good.\n"
    )
    assert "Helen Quayle" in {p.name for p in result.people}


def test_two_people_named_by_one_verb():
    result = _extract(
        "The review, led by Tobias Wren CBE and Gary Holloway, found that the police failed children."
    )
    assert {"Tobias Wren", "Gary Holloway"} <= {p.name for p in result.people}


def test_a_role_after_an_indefinite_article_is_only_the_role():
    found = _memberships(
        "Tower Hamlets Council\n\nThe direction requires the council to work with a children's services "
        "commissioner, Edith Crane, who will report within three months.\n"
    )
    assert found == {("Edith Crane", "Children's Services Commissioner", "Department for Education")}


def test_a_brief_that_lists_several_areas_is_one_role():
    found = _memberships(
        "Kent County Council\n\nHelen Marsh, Corporate Director for Children, Young People and Education, "
        "thanked social workers.\n"
    )
    assert found == {
        ("Helen Marsh", "Corporate Director for Children, Young People and Education", "Kent County Council")
    }


def test_an_area_s_role_then_a_name_in_commas_is_neither_an_organisation_nor_a_list_of_briefs():
    found = _memberships(
        "Kent County Council\n\nKent's Director of Children's Services, Helen Marsh, said so.\n"
    )
    assert found == {("Helen Marsh", "Director of Children's Services", "Kent County Council")}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Lena Voss, Barnardo's chief executive, said the figures were shocking.",
            ("Lena Voss", "Chief Executive", "Barnardo's"),
        ),
        (
            "Joanna Royle, Ofsted's National Director for Social Care, said the report was clear.",
            ("Joanna Royle", "National Director for Social Care", "Ofsted"),
        ),
    ],
)
def test_a_role_of_a_named_body_in_the_possessive(text, expected):
    assert _memberships(f"Statement\n\n{text}\n") == {expected}


def test_a_clause_ending_in_a_plural_title_is_not_a_role():
    found = _memberships(
        "Statement from the Child Safeguarding Practice Review Panel\n\n"
        "Dale will be supported by Panel Members, Mark Tilley and Karen Ossett.\n"
    )
    assert {role for _, role, _ in found} == {"Panel Member"}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Jane Okoro (pictured), director of children's services at Bury Council, said the work continues.",
            ("Jane Okoro", "Director of Children's Services", "Bury Council"),
        ),
        (
            "Cllr Tessa Ward, portfolio holder for children's services at Bury Council, said she was pleased.",
            ("Tessa Ward", "Portfolio Holder for Children's Services", "Bury Council"),
        ),
        (
            "Bury Council's executive director of children and young people, Jeanette Richards, said so.",
            ("Jeanette Richards", "Executive Director of Children and Young People", "Bury Council"),
        ),
    ],
)
def test_news_forms_of_a_council_officer_or_member(text, expected):
    assert expected in _memberships(f"Bury Council\n\n{text}\n")


def test_a_speaker_set_off_by_where_they_are_from_is_a_person():
    result = _extract("Statement\n\nJane Okoro, from the NSPCC, said children must be heard.\n")
    assert "Jane Okoro" in {p.name for p in result.people}


@pytest.mark.parametrize(
    "text, role",
    [
        (
            "Dr Moira Atwell, the former Children's Commissioner, said the council had failed.",
            "Former Children's Commissioner",
        ),
        (
            "Anne Lowfield, the Children's Commissioner for England, said the report was damning.",
            "Children's Commissioner for England",
        ),
    ],
)
def test_one_role_by_its_fullest_title(text, role):
    assert {r for _, r, _ in _memberships(f"Statement\n\n{text}\n")} == {role}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Director of Children's Services at Bury Council, Orla Penrose, said the work continues.",
            ("Orla Penrose", "Director of Children's Services", "Bury Council"),
        ),
        (
            "The Chief Executive of Action for Children, Idris Vane, said every child deserves a home.",
            ("Idris Vane", "Chief Executive", "Action for Children"),
        ),
        (
            "The chair of the Bury Safeguarding Children Partnership, Maeve Corrin, said partners would act.",
            ("Maeve Corrin", "Chair", "Bury Safeguarding Children Partnership"),
        ),
        (
            "The head of children's services at Bury Council, Ffion Lacey, told the BBC it was fair.",
            ("Ffion Lacey", "head of children's services", "Bury Council"),
        ),
    ],
)
def test_a_role_of_a_named_organisation_before_the_name(text, expected):
    """ "The Role of/at Organisation, Name, said": the role's words end with the organisation
    (missed before: only a role ending in a job word counted before a name)."""
    assert _memberships(f"Bury Council\n\n{text}\n") == {expected}


def test_a_verb_of_saying_after_the_name_opens_no_role():
    """ "Role, Name, said the government would appoint a commissioner": the words after "said"
    were read as an apposition ending in a job word, a role "said the government would ..."."""
    found = _memberships(
        "Statement\n\nThe children's minister, Maria Ambrose, said the government would appoint a commissioner.\n"
    )
    assert found and all(not role.startswith("said") for _, role, _ in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "NSPCC spokesperson Rhian Tovey said the case was heartbreaking.",
            ("Rhian Tovey", "spokesperson", "NSPCC"),
        ),
        (
            "Bury Council's safeguarding lead Aled Morrow said lessons had been learned.",
            ("Aled Morrow", "Safeguarding Lead", "Bury Council"),
        ),
    ],
)
def test_a_lower_case_job_right_after_an_organisation_and_before_the_name(text, expected):
    """ "NSPCC spokesperson Name said": a job in lower case between the organisation and the
    name, with no comma (the speaker was a person with no role)."""
    assert expected in _memberships(f"Bury Council\n\n{text}\n")


def test_a_title_inside_an_organisation_s_name_is_no_role():
    """ "former President of the Association of Directors of Children's Services": the title
    inside the association's name made a second role, "Directors of Children's Services"."""
    found = _memberships(
        "Review published\n\nThe review was written by Hilda Marsh CBE, former President of the "
        "Association of Directors of Children's Services.\n"
    )
    assert found == {("Hilda Marsh", "former President", "Association of Directors of Children's Services")}


def test_an_indefinite_article_is_not_part_of_the_role():
    found = _memberships(
        "Statement\n\nTara Quill, a spokesperson for the NSPCC, said children were failed.\n"
    )
    assert found == {("Tara Quill", "spokesperson", "NSPCC")}


def test_a_title_of_a_police_force_named_after_no_council_area():
    found = _memberships(
        "Statement\n\nDeputy Chief Constable of Thames Valley Police, Owen Ferry, said so.\n"
    )
    assert found == {("Owen Ferry", "Deputy Chief Constable", "Thames Valley Police")}


def test_a_title_with_a_lower_case_brief_of_children_right_before_the_name_is_the_council_s():
    """ "praised director of children's social care Name": a title continued by "of" and a
    council's brief, right before the name, belongs to the one council (no organisation before)."""
    found = _memberships(
        "Norfolk County Council\n\nInspectors praised director of children's social care Anita Bhatt for her work.\n"
    )
    assert found == {("Anita Bhatt", "Director of Children's Social Care", "Norfolk County Council")}


def test_two_people_of_one_organisation_listed_with_and_keep_their_own_roles():
    """ "Name, chief executive of X Council, and Councillor Name, leader of the council": the
    second person took the first one's role too, read as a slide line's roles after an organisation."""
    found = _memberships(
        "Wirral Council\n\nIn a joint statement, Paul Osei, chief executive of Wirral Council, and "
        "Councillor Yvette Noon, leader of the council, said they were pleased.\n"
    )
    assert ("Yvette Noon", "Chief Executive", "Wirral Council") not in found
    assert ("Paul Osei", "Chief Executive", "Wirral Council") in found
    assert ("Yvette Noon", "Leader of the Council", "Wirral Council") in found


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "-"])
def test_a_role_set_off_by_dashes_after_the_name(dash):
    """ "Name – the council's director of children's services – said": only commas opened an apposition."""
    found = _memberships(
        f"Wirral Council\n\nSimone Wray {dash} the council's director of children's services {dash} said it was fair.\n"
    )
    assert found == {("Simone Wray", "Director of Children's Services", "Wirral Council")}


def test_a_clause_after_a_name_with_an_honorific_gives_the_role():
    """ "Dr Name, who was appointed Role of X, said": the honorific hid the name opening the clause."""
    found = _memberships(
        "Statement\n\nDr Grace Adeyemi, who was appointed independent scrutineer of the Wirral "
        "Safeguarding Children Partnership in 2022, said the partnership was stronger.\n"
    )
    assert found == {("Grace Adeyemi", "Independent Scrutineer", "Wirral Safeguarding Children Partnership")}


def test_a_title_of_any_organisation_belongs_to_the_one_local_organisation_the_text_names():
    text = (
        "Ofsted has rated Rutland County Council's children's services inadequate. "
        "Chief executive Harriet Gale said the council was sorry."
    )
    assert ("Harriet Gale", "Chief Executive", "Rutland County Council") in _memberships(text)
    with_police = text + " Rutland Police also gave evidence."
    assert not [m for m in _memberships(with_police) if m[0] == "Harriet Gale"], "two bodies: whose?"


def test_a_person_given_a_task_is_a_person_though_no_organisation_is_theirs():
    result = _extract(
        "Last September I appointed Harriet Gale to undertake an inspection of Rutland County Council. "
        "The partnership commissioned Dr Idris Fenn as the independent reviewer. "
        "The council asked residents to take part."
    )
    assert {p.name for p in result.people} == {"Harriet Gale", "Idris Fenn"}
