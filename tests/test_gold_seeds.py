"""Every fact of the seed gold annotations (``tests/gold/``) holds in the seed build.

One parametrised case per fact, with a readable id: each organisation with its class and
acronyms, each person with role and organisation, each assessment (kind, area, who
conducted it, what it assessed, its subject child and date), each graded judgement, each
recommendation with its addressee and each response with its respondent, each document
theme, and the cross-document identities of ``tests/gold/_identity.json`` (the two HSCPs
are two nodes; the Herefordshire partnership is one node in both its documents). Matching
follows ``benchmarks/evaluate.py`` (rules in ``docs/quality.md``); optional gold items are
not facts. A lost fact fails its own case.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest
from gold_scoring import GOLD, evaluate

# rdflib warns about its own Dataset internals when SPARQL walks named graphs.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GOLDS = evaluate.load_golds(GOLD)
IDENTITY = json.loads((GOLD / "_identity.json").read_text(encoding="utf-8"))

# How many facts of each kind the gold holds: a filter that silently dropped cases would fail here.
EXPECTED_FACTS = {
    "organisation": 22,
    "person": 14,
    "assessment": 7,
    "conducted-by": 6,
    "assesses": 2,
    "subject-child": 1,
    "date": 2,
    "judgement": 4,
    "recommendation": 11,
    "response": 9,
    "theme": 23,
    "same-node": 2,
    "distinct-nodes": 1,
}


@dataclass(frozen=True)
class Fact:
    kind: str
    document: str
    item: dict
    detail: str = ""
    target: str = ""

    @property
    def id(self) -> str:
        name = self.detail or self.describe()
        return f"{self.document.split('_')[0]}-{self.kind}-{name}".replace(" ", "_")

    def describe(self) -> str:
        category = {
            "organisation": "organisations",
            "person": "people",
            "assessment": "assessments",
            "judgement": "judgements",
            "recommendation": "recommendations",
            "response": "responses",
        }
        return evaluate.describe(category[self.kind], self.item) if self.kind in category else str(self.item)


def collect_facts() -> list[Fact]:
    facts: list[Fact] = []
    for gold in GOLDS:
        doc = gold["document"]
        required = [i for i in gold.get("organisations", []) if not i.get("optional")]
        facts += [Fact("organisation", doc, item) for item in required]
        facts += [Fact("person", doc, p) for p in gold.get("people", []) if not p.get("optional")]
        for assessment in gold.get("assessments", []):
            if assessment.get("optional"):
                continue
            facts.append(Fact("assessment", doc, assessment))
            short = assessment["description"]
            facts += [
                Fact("conducted-by", doc, assessment, f"{short} by {body}", body)
                for body in assessment.get("conducted_by", [])
            ]
            facts += [
                Fact("assesses", doc, assessment, f"{short} assesses {body}", body)
                for body in assessment.get("assesses", [])
            ]
            if assessment.get("subject_child"):
                facts.append(
                    Fact("subject-child", doc, assessment, f"{short} about {assessment['subject_child']}")
                )
            if assessment.get("date"):
                facts.append(Fact("date", doc, assessment, f"{short} dated {assessment['date']}"))
        facts += [
            Fact("judgement", doc, j)
            for j in evaluate.gold_items(gold, "judgements")
            if not j.get("optional")
        ]
        facts += [
            Fact("recommendation", doc, r) for r in gold.get("recommendations", []) if not r.get("optional")
        ]
        facts += [
            Fact("response", doc, r) for r in evaluate.gold_items(gold, "responses") if not r.get("optional")
        ]
        facts += [Fact("theme", doc, {"theme": t}, t) for t in gold.get("themes", [])]
    facts += [Fact("same-node", "all", same, f"{same['label']}") for same in IDENTITY["same"]]
    facts += [
        Fact("distinct-nodes", "all", distinct, distinct["acronym"]) for distinct in IDENTITY["distinct"]
    ]
    return facts


FACTS = collect_facts()
GOLD_BY_DOCUMENT = {gold["document"]: gold for gold in GOLDS}


def test_every_fact_is_collected():
    """The gold of all five seeds is read, and each kind of fact has the expected number of cases."""
    assert len(GOLDS) == 5
    assert dict(Counter(fact.kind for fact in FACTS)) == EXPECTED_FACTS


@pytest.fixture(scope="module")
def seed_index(seed_build):
    out_dir, _ = seed_build
    return evaluate.index_dataset(evaluate.load_dataset(out_dir / "graph.trig"))


@pytest.fixture(scope="module")
def views(seed_index):
    return {name: evaluate.document_view(seed_index, name) for name in GOLD_BY_DOCUMENT}


def _candidates(index, gold, category, view, item):
    match, _ = evaluate.MATCHERS[category]
    return [p for p in getattr(view, category) if match(index, gold, item, p) is not None]


def _best_organisation(index, view, item):
    areas = evaluate.document_areas(GOLD_BY_DOCUMENT[view.file_name])
    ranked = sorted(
        (rank, str(p.node), p)
        for p in view.organisations
        if (rank := evaluate.org_rank(item, index.names_of(p.node), areas)) is not None
    )
    return ranked[0][2] if ranked else None


def check_organisation(index, views, fact):
    view = views[fact.document]
    found = _best_organisation(index, view, fact.item)
    assert found is not None, f"no organisation named {fact.item['label']!r} in {fact.document}"
    classes = evaluate.most_specific(found.facts["classes"])
    assert evaluate.organisation_correct(fact.item, found), (
        f"{found.node} is typed {sorted(classes)}, expected {evaluate.alternatives(fact.item['class'])}"
    )
    names = index.names_of(found.node).all
    missing = [a for a in fact.item.get("acronyms", []) if evaluate.normalise(a) not in names]
    assert not missing, f"{found.node} lacks skos:altLabel {missing}"


def check_listed(category):
    def check(index, views, fact):
        gold = GOLD_BY_DOCUMENT[fact.document]
        assert _candidates(index, gold, category, views[fact.document], fact.item), (
            f"{fact.document}: no {category[:-1]} matches {evaluate.describe(category, fact.item)}"
        )

    return check


def _assessments(index, views, fact):
    gold = GOLD_BY_DOCUMENT[fact.document]
    found = _candidates(index, gold, "assessments", views[fact.document], fact.item)
    assert found, f"{fact.document}: no {fact.item['kind']} of {fact.item.get('area')}"
    return gold, found


def check_linked_organisation(column):
    def check(index, views, fact):
        gold, found = _assessments(index, views, fact)
        body = fact.target
        assert any(evaluate.names_match_org(index, gold, [body], a.facts[column]) for a in found), (
            f"no {fact.item['kind']} of {fact.item.get('area')} has {column} {body!r}"
        )

    return check


def check_subject_child(index, views, fact):
    _, found = _assessments(index, views, fact)
    child = evaluate.normalise(fact.item["subject_child"])
    assert any(child in index.names_of(c).all for a in found for c in a.facts["child"]), (
        f"no review with sg:subjectChild named {fact.item['subject_child']!r}"
    )


def check_date(index, views, fact):
    _, found = _assessments(index, views, fact)
    dates = {str(d) for a in found for d in a.facts["date"]}
    assert fact.item["date"] in dates, f"dcterms:date {fact.item['date']} not among {sorted(dates)}"


def check_theme(index, views, fact):
    themes = views[fact.document].themes
    assert fact.item["theme"] in themes, (
        f"{fact.document}: dcterms:subject lacks {fact.item['theme']} (has {sorted(themes)})"
    )


def _node_for(index, views, document, label):
    gold = GOLD_BY_DOCUMENT[document]
    item = evaluate.org_lookup(gold, label)
    found = _best_organisation(index, views[document], item)
    if found is not None:
        return found.node
    person = evaluate.normalise_person(label)
    return next(
        (p for m in views[document].people for p in m.facts["person"] if person in index.names_of(p).all),
        None,
    )


def check_same_node(index, views, fact):
    nodes = {doc: _node_for(index, views, doc, fact.item["label"]) for doc in fact.item["documents"]}
    assert None not in nodes.values(), f"{fact.item['label']!r} not found in every document: {nodes}"
    assert len(set(nodes.values())) == 1, f"{fact.item['label']!r} is several nodes: {nodes}"


def check_distinct_nodes(index, views, fact):
    nodes = [_node_for(index, views, m["document"], m["label"]) for m in fact.item["mentions"]]
    assert None not in nodes, f"not every {fact.item['acronym']} partnership was found: {nodes}"
    assert len(set(nodes)) == len(nodes), f"{fact.item['acronym']} mentions were merged into {nodes}"
    for node in nodes:
        assert evaluate.normalise(fact.item["acronym"]) in index.names_of(node).all, (
            f"{node} lacks altLabel {fact.item['acronym']}"
        )


CHECKS = {
    "organisation": check_organisation,
    "person": check_listed("people"),
    "assessment": check_listed("assessments"),
    "conducted-by": check_linked_organisation("conductor"),
    "assesses": check_linked_organisation("assessed"),
    "subject-child": check_subject_child,
    "date": check_date,
    "judgement": check_listed("judgements"),
    "recommendation": check_listed("recommendations"),
    "response": check_listed("responses"),
    "theme": check_theme,
    "same-node": check_same_node,
    "distinct-nodes": check_distinct_nodes,
}


@pytest.mark.parametrize("fact", FACTS, ids=[fact.id for fact in FACTS])
def test_gold_fact(fact, seed_index, views):
    CHECKS[fact.kind](seed_index, views, fact)
