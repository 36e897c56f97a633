"""Areas and official geography (``kg.geography`` and the area triples ``kg.mapping`` writes).

Names resolve as documents write them, identity follows the document's date through the
2019-2023 reorganisations, the seed build's areas carry their codes, and the shapes catch
codes that break the contract.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef

from kg import geography
from kg.ingest import read_document
from kg.mapping import map_document
from kg.resources import ontology_dir
from kg.vocab import DCTERMS, ID, OWL, RDF, RDFS, SG

STATS = "http://statistics.data.gov.uk/id/statistical-geography/"


@pytest.mark.parametrize(
    ("name", "on", "code"),
    [
        ("Herefordshire", None, "E06000019"),
        ("Herefordshire Council", "2022", "E06000019"),
        ("BCP", None, "E06000058"),
        ("Bournemouth, Christchurch and Poole", "2021-05", "E06000058"),
        ("Bournemouth, Christchurch & Poole Council", None, "E06000058"),
        ("London Borough of Camden", None, "E09000007"),
        ("Royal Borough of Windsor and Maidenhead", None, "E06000040"),
        ("Bristol City Council", None, "E06000023"),
        ("Kingston upon Hull City Council", None, "E06000010"),
        ("St Helens", None, "E08000013"),
        ("Telford", None, "E06000020"),
        ("County Durham", None, "E06000047"),
        ("North Yorkshire", "2021", "E10000023"),
        ("North Yorkshire County Council", "2023-03-31", "E10000023"),
        ("North Yorkshire Council", "2023-04-01", "E06000065"),
        ("North Yorkshire", "2024", "E06000065"),
        ("North Yorkshire", None, "E06000065"),
        ("Somerset", "2022-11-02", "E10000027"),
        ("Somerset", "2023-06", "E06000066"),
        ("Dorset", "2018", "E10000009"),
        ("Dorset", "2019-04-01", "E06000059"),
        ("Northamptonshire", "2020", "E10000021"),
        ("Cumbria", "2022", "E10000006"),
    ],
)
def test_names_resolve_to_the_authority_of_the_date(name, on, code):
    found = geography.authority(name, on)
    assert found is not None and found.gss_code == code
    assert found.statistics_iri == URIRef(STATS + code)


@pytest.mark.parametrize("name", ["Millbrook", "Council", "", "the Council", "Christchurch"])
def test_names_of_no_authority_resolve_to_nothing(name):
    assert geography.authority(name) is None


def test_codes_resolve_and_a_kept_dfe_code_follows_the_date():
    assert geography.authority_by_code("E06000019").name == "Herefordshire"
    assert geography.authority_by_code("884").gss_code == "E06000019"
    assert geography.authority_by_code("815", "2021-07").gss_code == "E10000023"
    assert geography.authority_by_code("815", "2024-07").gss_code == "E06000065"
    assert geography.authority_by_code("E99999999") is None
    assert geography.place_by_code("E12000005").name == "West Midlands"
    assert geography.place_by_name("england").gss_code == "E92000001"


def test_ended_authorities_name_their_successors():
    def successor_codes(name, on):
        return sorted(successor.gss_code for successor in geography.successors(geography.authority(name, on)))

    assert successor_codes("Cumbria", "2022") == ["E06000063", "E06000064"]
    assert successor_codes("Northamptonshire", "2020") == ["E06000061", "E06000062"]
    assert successor_codes("Poole", "2018") == ["E06000058"]
    assert successor_codes("North Yorkshire", "2021") == ["E06000065"]
    assert successor_codes("North Yorkshire", "2024") == []


def test_the_table_is_whole():
    """153 authorities today (the reference's count), every one with a code and a region."""
    rows = geography.authorities()
    current = [row for row in rows if row.valid_until is None]
    assert len(current) == 153
    assert all(
        geography.GSS_CODE.match(row.gss_code) and row.region.gss_code.startswith("E12") for row in rows
    )
    assert len({row.gss_code for row in rows}) == len(rows)
    assert len({place.gss_code for place in geography.places()}) == 10  # nine regions and England


@pytest.mark.parametrize(
    ("area", "code", "dfe", "region"),
    [
        ("herefordshire", "E06000019", "884", "west-midlands"),
        ("hertfordshire", "E10000015", "919", "east-of-england"),
        ("hampshire", "E10000014", "850", "south-east"),
        ("doncaster", "E08000017", "371", "yorkshire-and-the-humber"),
    ],
)
def test_seed_areas_carry_their_codes(seed_graph, area, code, dfe, region):
    node = ID[f"area/{area}"]
    assert set(seed_graph.objects(node, SG.gssCode)) == {Literal(code)}
    assert set(seed_graph.objects(node, SG.dfeCode)) == {Literal(dfe)}
    assert set(seed_graph.objects(node, OWL.sameAs)) == {URIRef(STATS + code)}
    region_node = ID[f"area/{region}"]
    assert set(seed_graph.objects(node, SG.region)) == {region_node}
    assert (region_node, RDF.type, SG.Area) in seed_graph
    assert str(seed_graph.value(region_node, SG.gssCode)).startswith("E12")


def _report(tmp_path: Path, name: str, year: int, area_council: str) -> Path:
    """A short inspection report of our own writing, published in ``year``."""
    path = tmp_path / name
    path.write_text(
        f"Ofsted\n{area_council}\nInspection of local authority children's services\n\n"
        f"Inspection dates: 6 March to 17 March {year}\nLead inspector: Alma Fenwick, His Majesty's Inspector\n\n"
        "Judgement                                  Grade\n"
        "Overall effectiveness                      Good\n\n"
        f"Leaders in {area_council} know their services well. Social workers visit children regularly.\n",
        encoding="utf-8",
    )
    return path


def test_north_yorkshire_is_two_areas_by_date_and_the_old_one_is_replaced(tmp_path):
    before = map_document(
        read_document(_report(tmp_path, "ny-2021.txt", 2021, "North Yorkshire County Council"))
    ).graph()
    after = map_document(
        read_document(_report(tmp_path, "ny-2024.txt", 2024, "North Yorkshire Council"))
    ).graph()
    old, new = ID["area/north-yorkshire-e10000023"], ID["area/north-yorkshire"]
    assert set(before.objects(old, SG.gssCode)) == {Literal("E10000023")}
    assert set(before.objects(old, DCTERMS.isReplacedBy)) == {new}
    assert set(before.objects(new, SG.gssCode)) == {Literal("E06000065")}
    assert (old, SG.mentionedIn, None) in before and (new, SG.mentionedIn, None) not in before
    assert set(after.objects(new, SG.gssCode)) == {Literal("E06000065")}
    assert (old, None, None) not in after
    union = before + after
    assert (
        set(union.objects(old, RDFS.label))
        == set(union.objects(new, RDFS.label))
        == {Literal("North Yorkshire")}
    )
    assert len(set(union.objects(new, SG.gssCode))) == 1


def test_a_reorganised_county_links_to_both_successors(tmp_path):
    graph = map_document(
        read_document(_report(tmp_path, "cumbria-2022.txt", 2022, "Cumbria County Council"))
    ).graph()
    cumbria = ID["area/cumbria"]
    assert set(graph.objects(cumbria, DCTERMS.isReplacedBy)) == {
        ID["area/cumberland"],
        ID["area/westmorland-and-furness"],
    }
    for successor in graph.objects(cumbria, DCTERMS.isReplacedBy):
        assert (successor, RDF.type, SG.Area) in graph and graph.value(successor, SG.gssCode) is not None
        assert graph.value(successor, SG.region) == ID["area/north-west"]


def _shapes_conform(data: Graph) -> bool:
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    data.add((SG.Area, RDFS.subClassOf, URIRef("http://purl.org/dc/terms/Location")))
    conforms, _, _ = shacl_validate(data, shacl_graph=shapes, inference="none")
    return conforms


@pytest.mark.parametrize(
    "broken",
    [
        (SG.gssCode, Literal("E0600001")),
        (SG.gssCode, Literal("E06000020")),
        (SG.dfeCode, Literal("88")),
        (OWL.sameAs, Literal(STATS + "E06000019")),
        (SG.region, ID["area/nowhere"]),
    ],
    ids=["short-code", "second-code", "dfe-two-digits", "same-as-literal", "region-not-area"],
)
def test_shapes_catch_codes_that_break_the_contract(broken):
    node = ID["area/herefordshire"]
    good = Graph()
    good.add((node, RDF.type, SG.Area))
    good.add((node, RDFS.label, Literal("Herefordshire")))
    for triple in geography.official_geography(node, "Herefordshire", geography.authority("Herefordshire")):
        good.add(triple)
    assert _shapes_conform(Graph() + good)
    bad = Graph() + good
    bad.add((node, *broken))
    assert not _shapes_conform(bad)
