"""Organisation names as reports and letters write them, on texts of our own writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract
from kg.ingest import SourceDocument


def _organisations(text: str) -> dict[str, tuple[str, set[str]]]:
    result = extract(SourceDocument("t", Path("t.txt"), text, "0"))
    return {o.label: (o.cls, o.alt_labels) for o in result.organisations.values()}


def test_a_council_named_by_a_prefix_and_its_area():
    found = _organisations(
        "The London Borough of Bexley and the Metropolitan Borough of Rotherham were inspected."
    )
    assert found["London Borough of Bexley"][0] == "LocalAuthority"
    assert found["Metropolitan Borough of Rotherham"][0] == "LocalAuthority"


def test_an_area_and_a_health_acronym_name_the_health_body():
    found = _organisations("Leaders at Croydon CCG agreed the plan for Croydon.")
    assert found["Croydon Clinical Commissioning Group"] == ("HealthBody", {"Croydon CCG"})


def test_an_acronym_ending_a_longer_name_is_not_an_area_health_body():
    found = _organisations("Dr Ann Lowe of NHS Nottingham and Nottinghamshire ICB said so.")
    assert "Nottinghamshire Integrated Care Board" not in found


def test_a_local_service_named_in_lower_case_takes_the_document_area():
    found = _organisations(
        "In Leeds, children wait months for child and adolescent mental health services. CAMHS staff are stretched."
    )
    cls, names = found["Leeds Child and Adolescent Mental Health Services"]
    assert cls == "HealthBody" and "CAMHS" in names


def test_the_partnership_named_in_lower_case_is_the_one_the_text_names():
    found = _organisations(
        "The Bexley Safeguarding Children Partnership met in May. The safeguarding partnership in Bexley is strong."
    )
    assert [label for label, (cls, _) in found.items() if cls == "SafeguardingPartnership"] == [
        "Bexley Safeguarding Children Partnership"
    ]


def test_a_councils_own_boards_are_not_organisations():
    found = _organisations(
        "Leeds City Council listens to the Leeds Children in Care Council and its Corporate Parenting Board."
    )
    assert list(found) == ["Leeds City Council"]


def test_the_local_authority_of_a_report_that_never_names_its_council_is_the_area_council():
    found = _organisations(
        "Focused visit to Wigan children's services\n\nThe local authority has improved its front door in Wigan."
    )
    assert found["Wigan Council"] == ("LocalAuthority", {"Wigan"})


@pytest.mark.parametrize(
    "area, dates, council",
    [
        ("Kent", "8 to 19 January 2024", "Kent County Council"),
        ("North Yorkshire", "8 to 19 January 2021", "North Yorkshire County Council"),
        ("North Yorkshire", "8 to 19 January 2024", "North Yorkshire Council"),
        ("Leeds", "8 to 19 January 2024", "Leeds Council"),
    ],
)
def test_the_unnamed_council_of_a_county_is_its_county_council_as_it_was_on_the_document_s_date(
    area, dates, council
):
    found = _organisations(
        f"Inspection of {area} local authority children's services\n\nInspection dates: {dates}\n\n"
        "The local authority has improved its front door."
    )
    assert found[council][0] == "LocalAuthority"
    assert area in found[council][1]


def test_a_named_council_is_not_doubled_by_the_local_authority():
    found = _organisations(
        "Wigan Council was visited. The local authority has improved its front door in Wigan."
    )
    assert "Wigan Council" in found and len([c for c, _ in found.values() if c == "LocalAuthority"]) == 1


def test_a_publishers_colophon_names_no_organisation_of_the_document():
    text = (
        "Services in Wigan have improved.\n\n"
        "Ofsted regulates and inspects childcare, and inspects the Children and Family Court Advisory and Support Service (Cafcass).\n"
    )
    assert "Cafcass" not in _organisations(text)


def test_national_bodies_of_the_justice_system_and_government():
    found = _organisations(
        "The family court returned the child home. The Crown Prosecution Service (CPS) and the National Crime Agency did not charge anyone."
    )
    assert {"Family Court", "Crown Prosecution Service", "National Crime Agency"} <= set(found)


def test_a_local_service_followed_by_its_area_takes_that_area_not_the_document_s():
    found = _organisations(
        "Services in Dorset were reviewed. The new chair was previously Chair of the LSCB for Devon."
    )
    assert "LSCB for Devon" in found["Devon Local Safeguarding Children Board"][1]
    assert "Dorset Local Safeguarding Children Board" not in found


def test_a_children_s_services_trust_is_the_area_s_children_s_services_not_a_charity():
    found = _organisations(
        "Sandwell Children's Trust runs children's social care for the council. "
        "Doncaster Children's Services Trust welcomed the findings. The Lowther Trust funds play schemes."
    )
    assert found["Sandwell Children's Trust"][0] == "LocalAuthority"
    assert found["Doncaster Children's Services Trust"][0] == "LocalAuthority"
    assert found["Lowther Trust"][0] == "Charity"


def test_a_partnership_for_vulnerable_people_or_children_and_adults_but_not_an_adults_board():
    found = _organisations(
        "The Wiltshire Safeguarding Vulnerable People Partnership and the Leeds Safeguarding Children and "
        "Adults Partnership met. The Wiltshire Safeguarding Adults Board did not."
    )
    assert found["Wiltshire Safeguarding Vulnerable People Partnership"][0] == "SafeguardingPartnership"
    assert found["Leeds Safeguarding Children and Adults Partnership"][0] == "SafeguardingPartnership"
    assert found["Wiltshire Safeguarding Adults Board"][0] != "SafeguardingPartnership"


def test_a_title_running_into_a_force_or_trust_named_after_no_council_area():
    """ "Deputy Chief Constable of South Yorkshire Police, Name,": the title's "of" ran into the
    force's name and the whole run was taken for a role; a council's service stays a brief."""
    found = _organisations(
        "Deputy Chief Constable of South Yorkshire Police, Owen Ferry, said so. "
        "Chief Nurse of Sherwood Forest Hospitals NHS Foundation Trust, Ida Crane, agreed. "
        "The Director of Children's Services, Ewan Platt, welcomed it."
    )
    assert found["South Yorkshire Police"][0] == "PoliceForce"
    assert found["Sherwood Forest Hospitals NHS Foundation Trust"][0] == "HealthBody"
    assert not any("Children's Services" in label for label in found)


def test_health_bodies_in_an_inspectorate_s_lower_case_house_style():
    found = _organisations(
        "Inspectors visited Rutland. Rutland clinical commissioning group (CCG) funds the service. "
        "Fenwick and Dale health services NHS trust runs the hospital; Oakham hospital NHS foundation "
        "trust runs the clinic. Ashby mental health NHS trust works with the CCG."
    )
    assert found["Rutland Clinical Commissioning Group"][0] == "HealthBody"
    assert found["Fenwick and Dale Health Services NHS Trust"][0] == "HealthBody"
    assert found["Oakham Hospital NHS Foundation Trust"][0] == "HealthBody"
    assert found["Ashby Mental Health NHS Trust"][0] == "HealthBody"


def test_a_trust_named_after_a_place_that_is_also_a_given_name():
    found = _organisations("Kingston Hospital NHS Foundation Trust has a safeguarding team.")
    assert "Kingston Hospital NHS Foundation Trust" in found


def test_bodies_named_after_two_places_joined_by_and():
    found = _organisations(
        "Avon and Somerset Constabulary and Humber and North Yorkshire Integrated Care Board met. "
        "University Hospitals of Derby and Burton NHS Foundation Trust treated the child."
    )
    assert found["Avon and Somerset Constabulary"][0] == "PoliceForce"
    assert found["Humber and North Yorkshire Integrated Care Board"][0] == "HealthBody"
    assert found["University Hospitals of Derby and Burton NHS Foundation Trust"][0] == "HealthBody"


def test_a_word_before_and_that_is_no_place_stays_out_of_the_name():
    found = _organisations(
        "Partners and Kent Police met. Ofsted and Kent County Council agreed. HM Inspectorate of "
        "Constabulary and Fire and Rescue services (HMICFRS) inspected Kent Police."
    )
    assert {"Kent Police", "Kent County Council"} <= set(found)
    assert not [label for label in found if " and Kent" in label or "Fire and Rescue" in label]


def test_a_health_body_named_after_a_list_of_areas_without_nhs_before_it():
    found = _organisations(
        "Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board agreed the plan. "
        "Kent County Council, Medway Council and Kent Police met."
    )
    assert (
        found["Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board"][0] == "HealthBody"
    )
    assert {"Kent County Council", "Medway Council", "Kent Police"} <= set(found)
