"""Score a built graph against gold annotations: precision, recall and F1 per category.

Usage::

    python benchmarks/evaluate.py                                  # build seeds/, score tests/gold
    python benchmarks/evaluate.py --docs tests/corpus/dev --gold tests/corpus/dev
    python benchmarks/evaluate.py --graph out/graph.trig --gold tests/gold --details

The yardstick of issue 3. It reads the graph only through the terms of ONTOLOGY.md, with
the SPARQL queries in ``benchmarks/eval_queries/``, so it scores any builder's TriG. Each gold
file (``<stem>.json``) describes one document, found in the graph by its ``sg:fileName``.
The matching rule of each category is written out in ``docs/quality.md``.

Categories: organisations (label + class), people (name + role + organisation), assessments
(kind + area), judgements (aspect + grade + assessment kind), recommendations (number or
key phrase + addressee), responses (what is answered + respondent), themes
(``dcterms:subject`` of the document). Gold items marked ``"optional": true`` (and
``optional_themes``) are things the text allows but does not require: a graph node that
matches one is neither a hit nor a false positive.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Dataset, Literal, URIRef, Variable

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "eval_queries"
THEME = "https://w3id.org/sgkg/theme/"
GRADE = "https://w3id.org/sgkg/grade/"

CATEGORIES = (
    "organisations",
    "people",
    "assessments",
    "judgements",
    "recommendations",
    "responses",
    "themes",
)
# Classes that say nothing more specific than "an organisation".
GENERIC_ORG_CLASSES = frozenset({"Organization", "OrganizationalCollaboration"})
ASSESSMENT_KINDS = ("Inspection", "PracticeReview", "PeerReview", "Commission")
# Honorifics dropped before comparing person names ("Councillor Keith Mans" is "Keith Mans").
TITLES = frozenset(
    {"councillor", "cllr", "dr", "mr", "mrs", "ms", "miss", "mx", "professor", "prof", "sir", "dame"}
)


class EvaluationError(Exception):
    """The gold or the graph cannot be scored (missing file, unknown document, bad gold)."""


# ---------------------------------------------------------------- normalisation


def normalise(text: str) -> str:
    """Case, accents, apostrophes (also lost ones: "Children s"), "&", punctuation, a leading "the"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    lowered = re.sub(r"['`]", "", ascii_text.lower().replace("&", " and "))
    words = re.sub(r"[^a-z0-9]+", " ", lowered).strip()
    words = re.sub(r"\b([a-z]+) s\b", r"\1s", words)
    return re.sub(r"^the ", "", words)


def normalise_person(text: str) -> str:
    words = normalise(text).split()
    while words and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def alternatives(value) -> list[str]:
    """A gold field that may be one string or a list of acceptable strings."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def phrase_matches(gold: str, predicted: str) -> bool:
    """Equal after normalisation, or one contains the other as whole words (at least two words)."""
    gold_n, predicted_n = normalise(gold), normalise(predicted)
    if not gold_n or not predicted_n:
        return False
    if gold_n == predicted_n:
        return True
    shorter, longer = sorted((gold_n, predicted_n), key=len)
    return len(shorter.split()) >= 2 and f" {shorter} " in f" {longer} "


def local_name(iri) -> str:
    text = str(iri)
    return re.split(r"[#/]", text)[-1]


# ---------------------------------------------------------------- the graph, per document


@cache
def _query_text(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def run_query(dataset: Dataset, name: str, **bindings) -> list[dict]:
    """Run ``eval_queries/<name>.rq`` with ``bindings`` as initBindings; rows as dicts."""
    result = dataset.query(_query_text(name), initBindings={Variable(k): v for k, v in bindings.items()})
    return [{str(var): row[var] for var in result.vars if row[var] is not None} for row in result]


@dataclass(frozen=True)
class Names:
    """A node's names, normalised: its rdfs:label and every name (label, altLabels, foaf:name)."""

    label: str
    all: frozenset[str]


@dataclass
class GraphIndex:
    """Names and types of every node of a dataset, and where each document's graph is."""

    dataset: Dataset
    names: dict[URIRef, Names]
    types: dict[URIRef, set[str]]
    documents: dict[str, tuple[URIRef, URIRef]]

    def names_of(self, node) -> Names:
        return self.names.get(node, Names("", frozenset()))


def index_dataset(dataset: Dataset) -> GraphIndex:
    labels: dict = defaultdict(str)
    every: dict = defaultdict(set)
    for row in run_query(dataset, "names"):
        node, name = row["node"], str(row["name"])
        every[node].update({normalise(name), normalise_person(name)})
        if row["kind"] == Literal("label"):
            labels[node] = min(labels[node] or normalise(name), normalise(name))
    names = {node: Names(labels[node], frozenset(found)) for node, found in every.items()}
    types: dict = defaultdict(set)
    for row in run_query(dataset, "types"):
        types[row["node"]].add(local_name(row["type"]))
    documents = {
        str(row["fileName"]): (row["graph"], row["document"]) for row in run_query(dataset, "documents")
    }
    return GraphIndex(dataset, names, types, documents)


@dataclass
class Predicted:
    """One predicted item of a category: the node, and the facts the matching rule compares."""

    node: URIRef
    facts: dict = field(default_factory=dict)


@dataclass
class DocumentView:
    """What the graph says about one document, category by category."""

    file_name: str
    organisations: list[Predicted]
    people: list[Predicted]
    assessments: list[Predicted]
    judgements: list[Predicted]
    recommendations: list[Predicted]
    responses: list[Predicted]
    themes: set[str]


def document_view(index: GraphIndex, file_name: str) -> DocumentView:
    """Everything the graph says about the document named ``file_name``.

    Raises EvaluationError when no source document of that file name is in the graph.
    """
    if file_name not in index.documents:
        raise EvaluationError(f"{file_name}: no sg:SourceDocument with this sg:fileName in the graph")
    graph, document = index.documents[file_name]
    return DocumentView(
        file_name=file_name,
        organisations=_organisations(index, graph, document),
        people=_grouped(
            index,
            "memberships",
            "membership",
            graph,
            document,
            {"person": "person", "role": "role", "organisation": "organisation"},
        ),
        assessments=_assessments(index, graph, document),
        judgements=_judgements(index, graph, document),
        recommendations=_grouped(
            index,
            "recommendations",
            "recommendation",
            graph,
            document,
            {"number": "number", "statement": "statement", "addressee": "addressee"},
        ),
        responses=_responses(index, graph, document),
        themes={
            str(row["theme"])[len(THEME) :]
            for row in run_query(index.dataset, "themes", document=document)
            if str(row["theme"]).startswith(THEME)
        },
    )


def _grouped(index: GraphIndex, query: str, key: str, graph, document, columns: dict) -> list[Predicted]:
    """Rows of ``query`` grouped by their ``key`` node; each column becomes a set of values."""
    grouped: dict = {}
    for row in run_query(index.dataset, query, graph=graph, document=document):
        item = grouped.setdefault(row[key], Predicted(row[key], {name: set() for name in columns}))
        for name, column in columns.items():
            if column in row:
                item.facts[name].add(row[column])
    return [grouped[node] for node in sorted(grouped)]


def _organisations(index: GraphIndex, graph, document) -> list[Predicted]:
    classes: dict = defaultdict(set)
    for row in run_query(index.dataset, "organisations", graph=graph, document=document):
        classes[row["organisation"]].add(local_name(row["class"]))
    return [Predicted(node, {"classes": classes[node]}) for node in sorted(classes)]


def most_specific(classes: set[str]) -> set[str]:
    """Drop org:Organization / org:OrganizationalCollaboration when a contract subclass is present."""
    specific = classes - GENERIC_ORG_CLASSES
    if specific:
        return specific
    return {"Organization"} if classes else set()


def _assessments(index: GraphIndex, graph, document) -> list[Predicted]:
    columns = {
        "kind": "kind",
        "area": "area",
        "assessed": "assessed",
        "assessed_area": "assessedArea",
        "conductor": "conductor",
        "child": "child",
        "date": "date",
    }
    items = _grouped(index, "assessments", "assessment", graph, document, columns)
    for item in items:
        kinds = {local_name(kind) for kind in item.facts.pop("kind")}
        item.facts["kinds"] = (kinds & set(ASSESSMENT_KINDS)) or kinds
        item.facts["area"] |= item.facts.pop("assessed_area")
    return items


def _judgements(index: GraphIndex, graph, document) -> list[Predicted]:
    items = _grouped(
        index,
        "judgements",
        "judgement",
        graph,
        document,
        {"assessment": "assessment", "aspect": "aspect", "grade": "grade"},
    )
    for item in items:
        item.facts["grades"] = {
            str(g)[len(GRADE) :] for g in item.facts.pop("grade") if str(g).startswith(GRADE)
        }
        item.facts["kinds"] = {kind for a in item.facts["assessment"] for kind in index.types.get(a, set())}
    return items


def _responses(index: GraphIndex, graph, document) -> list[Predicted]:
    items = _grouped(
        index,
        "responses",
        "response",
        graph,
        document,
        {
            "target": "target",
            "number": "targetNumber",
            "statement": "targetStatement",
            "respondent": "respondent",
        },
    )
    for item in items:
        target_types = {kind for target in item.facts["target"] for kind in index.types.get(target, set())}
        item.facts["to_assessment"] = bool(target_types & (set(ASSESSMENT_KINDS) | {"Assessment"}))
    return items


# ---------------------------------------------------------------- matching rules, per category


def document_areas(gold: dict) -> set[str]:
    """The areas a gold document is about: those of its assessments."""
    return {normalise(a["area"]) for a in gold.get("assessments", []) if a.get("area")}


def org_rank(gold_org: dict, names: Names, areas: set[str] = frozenset()) -> int | None:
    """How well a node's names match a gold organisation: 0 label, 1 other stated name, 2 acronym label.

    The gold label and aliases, also prefixed with one of the document's ``areas`` (a mapper
    may call "the Executive Board" of a Sefton document "Sefton Executive Board"), are compared
    with every name of the node; a gold acronym only with the node's rdfs:label (a node named
    by its acronym), so an altLabel "HSCP" alone never makes the Hertfordshire partnership
    match the Herefordshire one.
    """
    gold_label = normalise(gold_org["label"])
    own = {gold_label} | {normalise(a) for a in gold_org.get("aliases", [])}
    stated = own | {f"{area} {name}" for area in areas for name in own}
    if names.label in {gold_label} | {f"{area} {gold_label}" for area in areas}:
        return 0
    if stated & names.all:
        return 1
    if names.label and names.label in {normalise(a) for a in gold_org.get("acronyms", [])}:
        return 2
    return None


def org_lookup(gold: dict, label: str) -> dict:
    """The gold organisation of a document with this label or acronym (a bare one if none has)."""
    wanted = normalise(label)
    for org in gold.get("organisations", []):
        if wanted in {normalise(name) for name in [org["label"], *org.get("acronyms", [])]}:
            return org
    return {"label": label}


def names_match_org(index: GraphIndex, gold: dict, labels, nodes) -> bool:
    """Does any of ``nodes`` match any gold organisation label in ``labels``? Empty gold means any."""
    wanted = alternatives(labels)
    if not wanted:
        return True
    areas = document_areas(gold)
    return any(
        org_rank(org_lookup(gold, label), index.names_of(node), areas) is not None
        for label in wanted
        for node in nodes
    )


def match_organisation(index: GraphIndex, gold: dict, item: dict, predicted: Predicted) -> int | None:
    return org_rank(item, index.names_of(predicted.node), document_areas(gold))


def organisation_correct(item: dict, predicted: Predicted) -> bool:
    return most_specific(predicted.facts["classes"]) <= set(alternatives(item["class"])) and bool(
        predicted.facts["classes"]
    )


def match_person(index: GraphIndex, gold: dict, item: dict, predicted: Predicted) -> int | None:
    facts = predicted.facts
    if normalise_person(item["name"]) not in {n for p in facts["person"] for n in index.names_of(p).all}:
        return None
    roles = {n for r in facts["role"] for n in index.names_of(r).all}
    if not roles & {normalise(role) for role in alternatives(item["role"])}:
        return None
    return 0 if names_match_org(index, gold, item.get("organisation"), facts["organisation"]) else None


def match_assessment(index: GraphIndex, gold: dict, item: dict, predicted: Predicted) -> int | None:
    if item["kind"] not in predicted.facts["kinds"]:
        return None
    areas = {n for a in predicted.facts["area"] for n in index.names_of(a).all}
    if item.get("area") and normalise(item["area"]) not in areas:
        return None
    return 0


def match_judgement(index: GraphIndex, gold: dict, item: dict, predicted: Predicted) -> int | None:
    facts = predicted.facts
    if item["grade"] not in facts["grades"] or item["kind"] not in facts["kinds"]:
        return None
    if not any(
        phrase_matches(aspect, str(found))
        for aspect in alternatives(item["aspect"])
        for found in facts["aspect"]
    ):
        return None
    return 0


def _answers(item: dict, numbers, statements) -> bool:
    """Is this the recommendation the gold item means: same number, or key phrase in its statement?"""
    if item.get("number") is not None:
        return item["number"] in {int(n) for n in numbers if str(n).lstrip("-").isdigit()}
    key = normalise(item["key"])
    return any(key in normalise(str(s)) for s in statements)


def match_recommendation(index: GraphIndex, gold: dict, item: dict, predicted: Predicted) -> int | None:
    facts = predicted.facts
    if not _answers(item, facts["number"], facts["statement"]):
        return None
    return 0 if names_match_org(index, gold, item.get("addressed_to"), facts["addressee"]) else None


def match_response(index: GraphIndex, gold: dict, item: dict, predicted: Predicted) -> int | None:
    facts = predicted.facts
    if item["to"] == "assessment":
        if not facts["to_assessment"]:
            return None
    elif not _answers(item["to"], facts["number"], facts["statement"]):
        return None
    return 0 if names_match_org(index, gold, item.get("respondent"), facts["respondent"]) else None


def always_correct(item: dict, predicted: Predicted) -> bool:
    return True


def gold_items(gold: dict, category: str) -> list[dict]:
    """The gold items of one category, in one shape: judgements and responses are unrolled."""
    if category == "judgements":
        return [
            {"kind": a["kind"], "assessment": a["description"], "optional": a.get("optional", False), **j}
            for a in gold.get("assessments", [])
            for j in a.get("judgements", [])
        ]
    if category == "responses":
        from_recommendations = [
            {
                "to": {"number": r.get("number"), "key": r.get("key")},
                "respondent": r.get("respondent"),
                "optional": r.get("optional", False),
                "label": f"response to {describe('recommendations', r)}",
            }
            for r in gold.get("recommendations", [])
            if r.get("has_response")
        ]
        return from_recommendations + [{**r, "to": "assessment"} for r in gold.get("responses", [])]
    return list(gold.get(category, []))


def describe(category: str, item: dict) -> str:
    """A short readable name for a gold item (test ids, reports)."""
    if category == "organisations":
        return item["label"]
    if category == "people":
        return f"{item['name']}, {alternatives(item['role'])[0]}" + (
            f", {alternatives(item['organisation'])[0]}" if item.get("organisation") else ""
        )
    if category == "assessments":
        return f"{item['kind']}: {item['description']}"
    if category == "judgements":
        return f"{alternatives(item['aspect'])[0]}: {item['grade']}"
    if category == "recommendations":
        return (
            f"recommendation {item['number']}"
            if item.get("number") is not None
            else f"recommendation '{item['key']}'"
        )
    if category == "responses":
        return (
            item.get("label")
            or f"response to the assessment by {(alternatives(item.get('respondent')) or ['anyone'])[0]}"
        )
    return str(item)


MATCHERS = {
    "organisations": (match_organisation, organisation_correct),
    "people": (match_person, always_correct),
    "assessments": (match_assessment, always_correct),
    "judgements": (match_judgement, always_correct),
    "recommendations": (match_recommendation, always_correct),
    "responses": (match_response, always_correct),
}


# ---------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Hits, predictions and gold items of one category, with what was missed and what was extra."""

    hits: int = 0
    predicted: int = 0
    gold: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Hits over predictions; with no prediction, 1.0 only if nothing was expected either."""
        if not self.predicted:
            return 0.0 if self.gold else 1.0
        return self.hits / self.predicted

    @property
    def recall(self) -> float:
        return self.hits / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, other: Tally) -> None:
        self.hits += other.hits
        self.predicted += other.predicted
        self.gold += other.gold
        self.missed.extend(other.missed)
        self.extra.extend(other.extra)


def align(
    index: GraphIndex, gold: dict, category: str, view: DocumentView
) -> list[tuple[dict, Predicted | None]]:
    """Pair each gold item with at most one predicted node, one to one, required items first.

    Within one gold item the best-ranked free candidate wins (exact label before other names).
    """
    match, _ = MATCHERS[category]
    predicted = getattr(view, category)
    items = gold_items(gold, category)
    ordered = [i for i in items if not i.get("optional")] + [i for i in items if i.get("optional")]
    used: set = set()
    pairs = []
    for item in ordered:
        ranked = sorted(
            (rank, position)
            for position, candidate in enumerate(predicted)
            if position not in used and (rank := match(index, gold, item, candidate)) is not None
        )
        if ranked:
            used.add(ranked[0][1])
            pairs.append((item, predicted[ranked[0][1]]))
        else:
            pairs.append((item, None))
    return pairs


def score_category(index: GraphIndex, gold: dict, category: str, view: DocumentView) -> Tally:
    """Precision and recall counts of one category for one document (see docs/quality.md)."""
    if category == "themes":
        return _score_themes(gold, view)
    _, correct = MATCHERS[category]
    tally = Tally()
    pairs = align(index, gold, category, view)
    taken_by_optional = {id(p) for item, p in pairs if p is not None and item.get("optional")}
    counted = [p for p in getattr(view, category) if id(p) not in taken_by_optional]
    tally.predicted = len(counted)
    hit_nodes = set()
    for item, found in pairs:
        if item.get("optional"):
            continue
        tally.gold += 1
        if found is not None and correct(item, found):
            tally.hits += 1
            hit_nodes.add(id(found))
        else:
            tally.missed.append(f"{view.file_name}: {describe(category, item)}")
    tally.extra = [f"{view.file_name}: {_node_text(index, p)}" for p in counted if id(p) not in hit_nodes]
    return tally


def _node_text(index: GraphIndex, predicted: Predicted) -> str:
    names = index.names_of(predicted.node)
    return f"{predicted.node} ({names.label or 'no label'})"


def _score_themes(gold: dict, view: DocumentView) -> Tally:
    wanted = set(gold.get("themes", []))
    allowed = wanted | set(gold.get("optional_themes", []))
    counted = {theme for theme in view.themes if theme in wanted or theme not in allowed}
    return Tally(
        hits=len(counted & wanted),
        predicted=len(counted),
        gold=len(wanted),
        missed=[f"{view.file_name}: {t}" for t in sorted(wanted - view.themes)],
        extra=[f"{view.file_name}: {t}" for t in sorted(counted - wanted)],
    )


def score(index: GraphIndex, golds: list[dict]) -> dict[str, Tally]:
    """Micro-averaged tallies per category over every gold document."""
    totals = {category: Tally() for category in CATEGORIES}
    for gold in golds:
        view = document_view(index, gold["document"])
        for category in CATEGORIES:
            totals[category].add(score_category(index, gold, category, view))
    return totals


# ---------------------------------------------------------------- inputs and the command line


def load_golds(folder: Path) -> list[dict]:
    """Every gold file (``*.json`` not starting with ``_``) in ``folder``, sorted by name.

    Raises EvaluationError when there is none or one lacks its ``document`` field.
    """
    paths = sorted(p for p in Path(folder).glob("*.json") if not p.name.startswith("_"))
    if not paths:
        raise EvaluationError(f"{folder}: no gold files (*.json)")
    golds = []
    for path in paths:
        gold = json.loads(path.read_text(encoding="utf-8"))
        if "document" not in gold:
            raise EvaluationError(f"{path}: gold file without a 'document' field")
        golds.append(gold)
    return golds


def load_dataset(path: Path) -> Dataset:
    """A TriG file as an rdflib Dataset (named graphs are needed to tell documents apart)."""
    if not Path(path).is_file():
        raise EvaluationError(f"{path}: no such graph file (build first, or drop --graph)")
    return Dataset().parse(path, format="trig")


def build_trig(documents: list[Path], out_dir: Path) -> Path:
    """Build ``documents`` with this project's builder; the TriG file it wrote."""
    from kg.pipeline import BuildOptions, build

    build(documents, BuildOptions(out_dir=out_dir, html=False))
    return out_dir / "graph.trig"


def format_report(totals: dict[str, Tally], details: bool) -> str:
    lines = [f"{'category':<16}{'precision':>10}{'recall':>8}{'F1':>7}{'hits':>6}{'pred':>6}{'gold':>6}"]
    for category, tally in totals.items():
        lines.append(
            f"{category:<16}{tally.precision:>10.2f}{tally.recall:>8.2f}{tally.f1:>7.2f}"
            f"{tally.hits:>6}{tally.predicted:>6}{tally.gold:>6}"
        )
    if details:
        for category, tally in totals.items():
            lines += [f"missed {category}: {m}" for m in tally.missed]
            lines += [f"extra {category}: {e}" for e in tally.extra]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a graph against gold annotations.")
    parser.add_argument("--graph", type=Path, help="a built graph.trig (default: build --docs now)")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold", help="folder of gold *.json")
    parser.add_argument("--docs", type=Path, nargs="+", default=[ROOT / "seeds"], help="documents to build")
    parser.add_argument("--details", action="store_true", help="list every missed and extra item")
    args = parser.parse_args(argv)
    try:
        golds = load_golds(args.gold)
        with tempfile.TemporaryDirectory() as scratch:
            trig = args.graph or build_trig(args.docs, Path(scratch))
            totals = score(index_dataset(load_dataset(trig)), golds)
    except EvaluationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(totals, args.details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
