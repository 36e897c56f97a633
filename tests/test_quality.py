"""The quality bar of issue 3, and the yardstick it is measured with.

1. The gold files themselves are sound: every document exists, every quote and name is in
   its text, every class, kind, grade and theme is one of the contract's, every organisation
   a person, recommendation or response points to is a gold organisation of that document.
2. The scorer (``benchmarks/evaluate.py``) gives the right counts on a hand-made graph
   (``tests/fixtures/quality/``) and normalises names as ``docs/quality.md`` says.
3. The builder reaches precision and recall of at least 0.85 in every category on the seeds
   and on the dev corpus (``tests/corpus/dev/``). The holdout corpus is not tested: it is
   for measuring, with ``benchmarks/evaluate.py``, documents the mapper was not tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gold_scoring import CORPUS, GOLD, ROOT, evaluate
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, XSD

from kg.vocab import SG, grade_iri, graph_iri, mint, slugify, theme_iri

# rdflib warns about its own Dataset internals when SPARQL walks named graphs.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIXTURE = ROOT / "tests" / "fixtures" / "quality"
GOLD_SETS = {
    "seeds": (GOLD, ROOT / "seeds"),
    "dev": (CORPUS / "dev", CORPUS / "dev"),
    "holdout": (CORPUS / "holdout", CORPUS / "holdout"),
}
BAR = 0.85
ORG_CLASSES = {
    "Organization",
    "LocalAuthority",
    "PoliceForce",
    "HealthBody",
    "ProbationService",
    "Inspectorate",
    "SafeguardingPartnership",
    "Charity",
    "CareProvider",
    "GovernmentBody",
    "EducationBody",
    "ReviewPanel",
}
GRADES = {"outstanding", "good", "requires-improvement", "inadequate"}


def _golds():
    cases = []
    for name, (gold_dir, text_dir) in GOLD_SETS.items():
        for gold in evaluate.load_golds(gold_dir):
            cases.append(pytest.param(gold, text_dir / gold["document"], id=f"{name}-{gold['document']}"))
    return cases


GOLD_CASES = _golds()


def _theme_ids() -> set[str]:
    ontology = Graph().parse(ROOT / "ontology" / "sgkg.ttl", format="turtle")
    scheme = evaluate.THEME
    return {str(s)[len(scheme) :] for s in ontology.subjects(SKOS.broader, None) if str(s).startswith(scheme)}


def test_every_gold_file_is_collected():
    """Five seeds, four dev and four holdout documents, each with its gold."""
    assert len(GOLD_CASES) == 13
    for folder in (CORPUS / "dev", CORPUS / "holdout"):
        assert sorted(p.stem for p in folder.glob("*.txt")) == sorted(p.stem for p in folder.glob("*.json"))


@pytest.mark.parametrize("gold, text_path", GOLD_CASES)
def test_gold_is_sound(gold, text_path: Path):
    """A gold file only states what its document says, in the contract's terms."""
    text = evaluate.normalise(text_path.read_text(encoding="utf-8"))
    raw = text_path.read_text(encoding="utf-8")
    orgs = gold["organisations"]
    for org in orgs:
        assert set(evaluate.alternatives(org["class"])) <= ORG_CLASSES, org
        for name in [org["label"], *org.get("acronyms", [])]:
            if not org.get("optional"):
                assert evaluate.normalise(name) in text, f"organisation {name!r} is not in the text"
    known = {evaluate.normalise(n) for org in orgs for n in [org["label"], *org.get("acronyms", [])]}
    pointers = [p.get("organisation") for p in gold["people"]]
    pointers += [a for r in gold["recommendations"] for a in r["addressed_to"]]
    pointers += [r.get("respondent") for r in evaluate.gold_items(gold, "responses")]
    pointers += [c for a in gold["assessments"] for c in a.get("conducted_by", []) + a.get("assesses", [])]
    for label in (label for pointer in pointers for label in evaluate.alternatives(pointer)):
        assert evaluate.normalise(label) in known, f"{label!r} is not a gold organisation of this document"
    for person in gold["people"]:
        assert evaluate.normalise_person(person["name"]) in text, person["name"]
    for assessment in gold["assessments"]:
        assert assessment["kind"] in evaluate.ASSESSMENT_KINDS, assessment
        assert {j["grade"] for j in assessment.get("judgements", [])} <= GRADES, assessment
    for finding in gold["findings"]:
        assert finding["type"] in {"Failing", "Strength"}
        assert finding["quote"] in raw, f"finding quote not verbatim in the text: {finding['quote']!r}"
    themes, optional = set(gold["themes"]), set(gold.get("optional_themes", []))
    assert themes and not themes & optional
    assert themes | optional <= _theme_ids()


# ---------------------------------------------------------------- the scorer on a hand-made graph


@pytest.fixture(scope="module")
def fixture_totals():
    index = evaluate.index_dataset(evaluate.load_dataset(FIXTURE / "graph.trig"))
    return evaluate.score(index, evaluate.load_golds(FIXTURE))


# (hits, predicted, gold) per category, worked out by hand from alpha.json and graph.trig:
# organisations: police typed HealthBody is a miss and an extra, the CCG is missing, Widget
# Supplies is extra, the MASH matches an optional item and is not counted, beta's Southmoor
# Council does not leak in; people: Bo Reed's membership names the wrong organisation;
# assessments: the peer review is missing; judgements: leaders graded inadequate, gold says
# requires improvement; recommendation 2 and its response name the council, gold the NSCP;
# themes: early-help missing, online-harm extra, workforce optional.
FIXTURE_EXPECTED = {
    "organisations": (3, 5, 5),
    "people": (1, 2, 2),
    "assessments": (1, 1, 2),
    "judgements": (1, 2, 2),
    "recommendations": (1, 2, 2),
    "responses": (1, 2, 2),
    "themes": (1, 2, 2),
}


@pytest.mark.parametrize("category", evaluate.CATEGORIES)
def test_scorer_counts_on_fixture(fixture_totals, category):
    tally = fixture_totals[category]
    assert (tally.hits, tally.predicted, tally.gold) == FIXTURE_EXPECTED[category], tally


def test_scorer_precision_recall_f1(fixture_totals):
    organisations = fixture_totals["organisations"]
    assert (organisations.precision, organisations.recall) == (0.6, 0.6)
    assert organisations.f1 == pytest.approx(0.6)


def test_scorer_rejects_unknown_document():
    index = evaluate.index_dataset(evaluate.load_dataset(FIXTURE / "graph.trig"))
    with pytest.raises(evaluate.EvaluationError, match="gamma.txt"):
        evaluate.score(index, [{"document": "gamma.txt"}])


@pytest.mark.parametrize(
    "left, right",
    [
        ("Children’s Services", "Childrens Services"),
        ("Children s Services", "children's services"),
        ("The Hampshire Safeguarding Children Board", "Hampshire Safeguarding Children Board"),
        ("Hampshire & Isle of Wight", "Hampshire and Isle of Wight"),
        ("  NHS   England ", "nhs england"),
    ],
)
def test_normalise_treats_as_equal(left, right):
    assert evaluate.normalise(left) == evaluate.normalise(right)


def test_normalise_person_drops_titles_only():
    assert evaluate.normalise_person("Councillor Keith Mans") == "keith mans"
    assert evaluate.normalise_person("Dr Helen Marsh") == "helen marsh"
    assert evaluate.normalise_person("Chief Constable Olivia Pinkney") == "chief constable olivia pinkney"


def test_acronym_alone_never_matches_another_area():
    """An altLabel "HSCP" on the Hertfordshire node must not make it the Herefordshire partnership."""
    herefordshire = {"label": "Herefordshire Safeguarding Children Partnership", "acronyms": ["HSCP"]}
    hertfordshire = evaluate.Names(
        "hertfordshire safeguarding children partnership",
        frozenset({"hertfordshire safeguarding children partnership", "hscp"}),
    )
    named_by_acronym = evaluate.Names("hscp", frozenset({"hscp"}))
    assert evaluate.org_rank(herefordshire, hertfordshire) is None
    assert evaluate.org_rank(herefordshire, named_by_acronym) == 2


def test_area_prefixed_name_matches_a_generic_gold_name():
    """A mapper may qualify "Executive Board" by the document's area; that is the same organisation."""
    board = {"label": "Executive Board"}
    qualified = evaluate.Names("sefton executive board", frozenset({"sefton executive board"}))
    assert evaluate.org_rank(board, qualified, {"sefton"}) == 0
    assert evaluate.org_rank(board, qualified, {"torbay"}) is None


def test_aspect_phrases_match_on_whole_words():
    assert evaluate.phrase_matches(
        "children in care and care leavers",
        "The experiences and progress of children in care and care leavers",
    )
    assert evaluate.phrase_matches("Overall effectiveness", "overall effectiveness")
    assert not evaluate.phrase_matches("care", "children in care")
    assert not evaluate.phrase_matches("overall effectiveness", "children who need help and protection")


def _graph_from_gold(golds: list[dict]) -> Dataset:
    """A contract graph that states exactly the required facts of ``golds``, one named graph each."""
    dataset = Dataset()
    for gold in golds:
        graph = dataset.graph(graph_iri(slugify(Path(gold["document"]).stem)))
        document = mint("document", gold["document"])
        graph.add((document, RDF.type, SG.SourceDocument))
        graph.add((document, SG.fileName, Literal(gold["document"])))
        for theme in gold["themes"]:
            graph.add((document, DCTERMS.subject, theme_iri(theme)))
        orgs = {}
        for item in gold["organisations"]:
            node = orgs[evaluate.normalise(item["label"])] = mint("organisation", item["label"])
            for acronym in item.get("acronyms", []):
                orgs[evaluate.normalise(acronym)] = node
                graph.add((node, SKOS.altLabel, Literal(acronym)))
            first_class = evaluate.alternatives(item["class"])[0]
            graph.add(
                (node, RDF.type, ORG.Organization if first_class == "Organization" else SG[first_class])
            )
            graph.add((node, RDFS.label, Literal(item["label"])))
            graph.add((node, SG.mentionedIn, document))

        def link(subject, predicate, labels):
            for label in evaluate.alternatives(labels)[:1]:
                graph.add((subject, predicate, orgs[evaluate.normalise(label)]))

        for n, person in enumerate(p for p in gold["people"] if not p.get("optional")):
            membership, role = (
                mint("membership", gold["document"], n),
                mint("role", evaluate.alternatives(person["role"])[0]),
            )
            graph.add((membership, RDF.type, ORG.Membership))
            graph.add((membership, ORG.member, mint("person", person["name"])))
            graph.add((mint("person", person["name"]), FOAF.name, Literal(person["name"])))
            graph.add((membership, ORG.role, role))
            graph.add((role, RDFS.label, Literal(evaluate.alternatives(person["role"])[0])))
            link(membership, ORG.organization, person.get("organisation"))
        assessments = []
        for n, item in enumerate(a for a in gold["assessments"] if not a.get("optional")):
            node = mint("assessment", gold["document"], n)
            assessments.append(node)
            graph.add((node, RDF.type, SG[item["kind"]]))
            if item.get("area"):
                graph.add((node, SG.area, mint("area", item["area"])))
                graph.add((mint("area", item["area"]), RDFS.label, Literal(item["area"])))
            for m, judgement in enumerate(item["judgements"]):
                judgement_node = mint("judgement", gold["document"], n, m)
                graph.add((judgement_node, RDF.type, SG.Judgement))
                graph.add((node, SG.hasJudgement, judgement_node))
                graph.add((judgement_node, SG.aspect, Literal(evaluate.alternatives(judgement["aspect"])[0])))
                graph.add((judgement_node, SG.grade, grade_iri(judgement["grade"])))
        for n, item in enumerate(r for r in gold["recommendations"] if not r.get("optional")):
            node = mint("recommendation", gold["document"], n)
            graph.add((node, RDF.type, SG.Recommendation))
            if item.get("number") is not None:
                graph.add((node, SG.number, Literal(item["number"], datatype=XSD.integer)))
            else:
                graph.add((node, SG.statement, Literal(f"Please {item['key']} soon.")))
            for label in item["addressed_to"]:
                link(node, SG.addressedTo, label)
            if item.get("has_response"):
                response = mint("response", gold["document"], "recommendation", n)
                graph.add((response, RDF.type, SG.Response))
                graph.add((node, SG.hasResponse, response))
                link(response, SG.respondent, item.get("respondent"))
        for n, item in enumerate(r for r in gold["responses"] if not r.get("optional")):
            response = mint("response", gold["document"], n)
            graph.add((response, RDF.type, SG.Response))
            graph.add((assessments[0], SG.hasResponse, response))
            link(response, SG.respondent, item.get("respondent"))
    return dataset


@pytest.mark.parametrize("name", GOLD_SETS)
def test_scorer_gives_full_marks_to_the_gold_itself(name):
    """A graph written from a gold set scores 1.0 everywhere: every rule can be met by a true graph."""
    golds = evaluate.load_golds(GOLD_SETS[name][0])
    index = evaluate.index_dataset(_graph_from_gold(golds))
    totals = evaluate.score(index, golds)
    assert {c: (t.precision, t.recall) for c, t in totals.items()} == {
        c: (1.0, 1.0) for c in evaluate.CATEGORIES
    }


# ---------------------------------------------------------------- the quality bar


@pytest.fixture(scope="module")
def seed_totals(seed_build):
    out_dir, _ = seed_build
    index = evaluate.index_dataset(evaluate.load_dataset(out_dir / "graph.trig"))
    return evaluate.score(index, evaluate.load_golds(GOLD))


@pytest.fixture(scope="module")
def dev_totals(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("dev-build")
    trig = evaluate.build_trig([CORPUS / "dev"], out_dir)
    return evaluate.score(
        evaluate.index_dataset(evaluate.load_dataset(trig)), evaluate.load_golds(CORPUS / "dev")
    )


def _check_bar(tally, measure: str) -> None:
    value = getattr(tally, measure)
    shown = tally.missed if measure == "recall" else tally.extra
    assert value >= BAR, (
        f"{measure} {value:.2f} < {BAR} ({tally.hits} hits, {tally.predicted} predicted, "
        f"{tally.gold} gold); {'missed' if measure == 'recall' else 'extra'}: {shown}"
    )


@pytest.mark.parametrize("measure", ["precision", "recall"])
@pytest.mark.parametrize("category", evaluate.CATEGORIES)
def test_seed_quality(seed_totals, category, measure):
    _check_bar(seed_totals[category], measure)


@pytest.mark.parametrize("measure", ["precision", "recall"])
@pytest.mark.parametrize("category", evaluate.CATEGORIES)
def test_dev_quality(dev_totals, category, measure):
    _check_bar(dev_totals[category], measure)
