"""ontology/sgkg.ttl: it parses everywhere, HermiT finds it consistent, and it agrees with
the term tables and theme list of docs/ONTOLOGY.md (the graph contract; the repository's copy
must equal the project's shared ../shared/ONTOLOGY.md where that exists)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.resources import ontology_dir
from kg.validate import ValidateOptions, validate
from kg.vocab import CLASS_NAMES, GRADE, GRADE_SCHEME, ONTOLOGY_IRI, SG, THEME, THEME_SCHEME

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "ONTOLOGY.md"
SHARED_CONTRACT = ROOT.parent / "shared" / "ONTOLOGY.md"
ONTOLOGY = ontology_dir() / "sgkg.ttl"
GOOD_GRAPH = Path(__file__).parent / "fixtures" / "validate" / "good.trig"
PREFIXES = {"sg": SG, "org": ORG, "prov": PROV, "skos": SKOS, "dcterms": DCTERMS, "foaf": FOAF, "rdfs": RDFS}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
GENERIC_WORDS = {
    "care",
    "plan",
    "plans",
    "support",
    "services",
    "service",
    "children",
    "child",
    "family",
    "report",
}
needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="HermiT needs Java (CI installs default-jre-headless)"
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def contract() -> str:
    return CONTRACT.read_text(encoding="utf-8")


@pytest.mark.skipif(
    not SHARED_CONTRACT.is_file(), reason=f"no shared contract beside this clone ({SHARED_CONTRACT})"
)
def test_the_repository_copy_of_the_contract_is_the_shared_one():
    """docs/ONTOLOGY.md is a copy, so the contract tests run in a plain clone; where the project's
    shared contract sits beside the repository the two must not drift apart."""
    assert CONTRACT.read_bytes() == SHARED_CONTRACT.read_bytes(), (
        f"{CONTRACT} differs from {SHARED_CONTRACT}: copy the shared contract into docs/"
    )


def _iri(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix][local]


def _section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, flags=re.S | re.M)
    assert match, f"ONTOLOGY.md has no '## {heading}' section"
    return match.group(1)


def _table_rows(section: str) -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # skip header and rule


def _curies(cell: str) -> list[str]:
    return re.findall(r"`([a-z]+:[A-Za-z][A-Za-z0-9]*)`", cell)


def _contract_classes(contract: str) -> list[tuple[str, list[str]]]:
    return [(_curies(row[0])[0], _curies(row[1])) for row in _table_rows(_section(contract, "Classes"))]


def _contract_properties(contract: str) -> list[tuple[str, str]]:
    properties = []
    for row in _table_rows(_section(contract, "Properties")):
        properties.extend((curie, row[-1]) for curie in _curies(row[0]))
    return properties


def _contract_themes(contract: str) -> dict[str, str]:
    """theme id -> its top concept id, from the 'Themes' section."""
    section = _section(contract, "Themes (`https://w3id.org/sgkg/theme/<id>`)")
    themes = {}
    for paragraph, top in (
        ("Harms and needs:", "harms-and-needs"),
        ("Practice and system:", "practice-and-system"),
    ):
        text = section.split(paragraph, 1)[1].split("\n\n", 1)[0]
        themes.update({theme_id: top for theme_id in re.findall(r"`([a-z-]+)`", text)})
    return themes


def test_parses_in_rdflib_with_ontology_metadata(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, f"ontology header lacks {predicate}"


def test_parses_in_pyoxigraph_to_the_same_triples(ontology):
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ontology)
    quads = store.quads_for_pattern(
        pyoxigraph.NamedNode(str(SG.Failing)), pyoxigraph.NamedNode(str(RDFS.subClassOf)), None
    )
    assert [quad.object.value for quad in quads] == [str(SG.Finding)]


@needs_java
def test_hermit_finds_the_ontology_consistent():
    report = validate(GOOD_GRAPH, ValidateOptions(reasoner=True))
    assert report.ontology is not None
    assert report.ontology.consistent
    assert report.ontology.unsatisfiable == ()
    assert report.passed


@needs_java
def test_hermit_reports_an_unsatisfiable_class(tmp_path):
    """The reasoner check can fail: a class below both disjoint finding kinds is unsatisfiable."""
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        ONTOLOGY.read_text(encoding="utf-8")
        + "\nsg:MixedFinding a owl:Class ; rdfs:subClassOf sg:Failing , sg:Strength ;"
        + ' rdfs:label "Mixed finding"@en ; rdfs:comment "Cannot exist."@en .\n',
        encoding="utf-8",
    )
    report = validate(GOOD_GRAPH, ValidateOptions(reasoner=True, ontology=broken))
    assert report.ontology.unsatisfiable == (str(SG.MixedFinding),)
    assert not report.passed


@needs_java
def test_hermit_reports_an_inconsistent_ontology(tmp_path):
    broken = tmp_path / "inconsistent.ttl"
    broken.write_text(
        ONTOLOGY.read_text(encoding="utf-8")
        + '\n<https://w3id.org/sgkg/id/finding/both> a sg:Failing , sg:Strength ; rdfs:label "Both" .\n',
        encoding="utf-8",
    )
    report = validate(GOOD_GRAPH, ValidateOptions(reasoner=True, ontology=broken))
    assert report.ontology.consistent is False
    assert not report.passed


def test_every_contract_class_exists_with_its_superclasses(ontology, contract):
    classes = _contract_classes(contract)
    assert len(classes) == 30, "the contract's class table changed: check this parser"
    for curie, superclasses in classes:
        term = _iri(curie)
        assert (term, RDF.type, OWL.Class) in ontology, f"{curie} is not an owl:Class in sgkg.ttl"
        for superclass in superclasses:
            assert (term, RDFS.subClassOf, _iri(superclass)) in ontology, (
                f"{curie} lacks rdfs:subClassOf {superclass}"
            )


def test_every_contract_property_exists_with_its_superproperty(ontology, contract):
    properties = _contract_properties(contract)
    assert len(properties) == 33, "the contract's property table changed: check this parser"
    for curie, meaning in properties:
        term = _iri(curie)
        assert set(ontology.objects(term, RDF.type)) & PROPERTY_TYPES, (
            f"{curie} is not declared as a property"
        )
        for superproperty in re.findall(r"sub-property of `([a-z]+:[A-Za-z][A-Za-z0-9]*)`", meaning):
            assert (term, RDFS.subPropertyOf, _iri(superproperty)) in ontology, (
                f"{curie} lacks subPropertyOf {superproperty}"
            )


def test_every_contract_term_has_label_comment_domain_and_range(ontology, contract):
    for curie, _ in _contract_classes(contract):
        for predicate in (RDFS.label, RDFS.comment):
            assert ontology.value(_iri(curie), predicate) is not None, f"{curie} lacks {predicate}"
    for curie, _ in _contract_properties(contract):
        for predicate in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
            assert ontology.value(_iri(curie), predicate) is not None, f"{curie} lacks {predicate}"


def test_sg_terms_used_in_code_and_queries_exist_in_the_ontology(ontology):
    used = set()
    for path in (ROOT / "kg").rglob("*.py"):
        used.update(re.findall(r"\bSG\.([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")))
    for path in [*(ROOT / "kg").rglob("*.py"), *(ROOT / "queries").glob("*.rq")]:
        used.update(re.findall(r"\bsg:([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")))
    assert len(used) > 5
    missing = sorted(term for term in used if not set(ontology.objects(SG[term], RDF.type)))
    assert not missing, f"kg/ or queries/ use sg: terms that ontology/sgkg.ttl does not declare: {missing}"


def test_class_names_the_extractors_decide_on_are_classes_of_the_ontology(ontology):
    """kg.vocab's class names (the claims carry a class by its local name)."""
    assert "LocalAuthority" in CLASS_NAMES
    for name in CLASS_NAMES:
        iri = ORG[name] if name == "Organization" else SG[name]
        assert (iri, RDF.type, OWL.Class) in ontology, (
            f"kg.vocab names {name!r}, no class of ontology/sgkg.ttl"
        )


def test_theme_scheme_holds_the_contract_themes(ontology, contract):
    themes = _contract_themes(contract)
    assert len(themes) == 23
    assert (THEME_SCHEME, RDF.type, SKOS.ConceptScheme) in ontology
    tops = set(ontology.objects(THEME_SCHEME, SKOS.hasTopConcept))
    assert tops == {THEME["harms-and-needs"], THEME["practice-and-system"]}
    in_scheme = {c for c in ontology.subjects(SKOS.inScheme, THEME_SCHEME)} - tops
    assert in_scheme == {THEME[theme_id] for theme_id in themes}
    for theme_id, top in themes.items():
        concept = THEME[theme_id]
        assert (concept, RDF.type, SKOS.Concept) in ontology
        assert (concept, SKOS.broader, THEME[top]) in ontology, f"{theme_id} is not under {top}"
        for predicate in (SKOS.prefLabel, SKOS.definition, RDFS.label):
            assert len(list(ontology.objects(concept, predicate))) == 1, (
                f"{theme_id}: one {predicate} expected"
            )


def test_theme_cue_words_are_specific_and_unambiguous(ontology):
    owner: dict[str, URIRef] = {}
    for concept in ontology.subjects(SKOS.inScheme, THEME_SCHEME):
        if concept in set(ontology.objects(THEME_SCHEME, SKOS.hasTopConcept)):
            continue
        cues = [str(label) for label in ontology.objects(concept, SKOS.altLabel)]
        assert 10 <= len(cues) <= 40, f"{concept}: {len(cues)} cue words"
        for cue in cues:
            key = cue.lower()
            assert key not in GENERIC_WORDS, f"{concept}: {cue!r} fires on every document"
            assert "*" not in cue, f"{concept}: wildcards are not supported ({cue!r})"
            assert owner.setdefault(key, concept) == concept, (
                f"{cue!r} signals both {owner[key]} and {concept}"
            )


def test_grade_scheme_is_ordered_best_first(ontology):
    grades = ["outstanding", "good", "requires-improvement", "inadequate"]
    assert set(ontology.subjects(SKOS.inScheme, GRADE_SCHEME)) == {GRADE[g] for g in grades}
    for notation, grade_id in enumerate(grades, start=1):
        concept = GRADE[grade_id]
        assert ontology.value(concept, SKOS.notation) == Literal(notation, datatype=XSD.integer)
        for predicate in (SKOS.prefLabel, SKOS.definition, RDFS.label):
            assert ontology.value(concept, predicate) is not None, f"{grade_id} lacks {predicate}"
    cues = {str(label).lower() for label in ontology.objects(GRADE["requires-improvement"], SKOS.altLabel)}
    assert {"requires improvement to be good", "requires improvement"} <= cues
