"""Score a built graph against the gold of the real documents in ``../shared/real``.

Usage::

    python -m benchmarks.evaluate_real                      # the 24 report PDFs, development part
    python -m benchmarks.evaluate_real --set short          # the 16 statements and news pages
    python -m benchmarks.evaluate_real --part holdout       # the part kept unread until the end
    python -m benchmarks.evaluate_real --graph out/graph.trig --details --per-document

The real documents are for measuring only: this script reads them where they lie and prints
figures, nothing of them enters the project. Their gold has its own shape (see
``../shared/real/README.md``), so this scorer is not ``benchmarks/evaluate.py``; it reuses that
one's graph index, normalisation and contract-only queries. The matching rules, one per
category, follow the corpus README's scoring suggestions and are written out in
``docs/quality.md`` ("Real documents"):

- organisations, people, areas: a node matches a gold item when one of its names equals one
  of the item's names (normalised; an organisation's also prefixed with one of the document's
  areas, as ``benchmarks/evaluate.py`` allows); precision counts nodes that match some gold
  item, recall gold items that some node matches.
- roles: each (person, role) of the gold; a membership of that person whose role contains the
  gold role's head noun ("Lead inspector" -> inspector).
- assessments: kind, area and, where both give one, a date in the gold's interval or year
  (pairs with a date inside the interval first, then the same year, then undated).
- judgements: aspect family ("help and protection", "children in care" ...), grade, and the
  assessment it belongs to.
- recommendations and responses: the first words of the gold ``text_start`` found in the
  statement or quote.
- themes: the document's ``dcterms:subject`` against the gold themes.

Which documents are the unread part is in ``benchmarks/real_split.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks import evaluate
from benchmarks.evaluate import (
    GraphIndex,
    Predicted,
    document_view,
    index_dataset,
    load_dataset,
    normalise,
    normalise_person,
    run_query,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED_REAL = ROOT.parent / "shared" / "real"
SETS = {"reports": Path("."), "short": Path("short")}  # each set's folder under the corpus root
SPLIT = Path(__file__).resolve().parent / "real_split.json"
CATEGORIES = (
    "organisations",
    "people",
    "roles",
    "assessments",
    "judgements",
    "recommendations",
    "responses",
    "themes",
    "areas",
)
# Words that open a gold text_start and are enough to recognise the item (fewer if it is shorter).
KEY_WORDS = 8
# Aspect families: a judged aspect as the families its words name; a combined aspect names two.
ASPECT_FAMILIES = (
    ("overall", r"\boverall\b"),
    ("help-and-protection", r"\bhelp and protection\b|\bneed(?:ing)? help\b"),
    ("care-leavers", r"\bcare leavers?\b|\bleaving care\b|\bleft care\b"),
    ("children-in-care", r"\bin care\b|\blooked after\b|\bpermanence\b"),
    ("leadership", r"\bleaders?(?:hip)?\b|\bmanagement and governance\b"),
    ("adoption", r"\badoption\b"),
    ("board", r"\bsafeguarding (?:children )?board\b|\blscb\b|\bchildren s safeguarding board\b"),
)
GRADES = ("outstanding", "good", "requires-improvement", "inadequate")
ROLE_CUT = re.compile(r"\b(?:of|for|at|to|in|on)\b|,|\(")


class RealEvaluationError(Exception):
    """The corpus, its gold or the graph cannot be scored."""


# ---------------------------------------------------------------- gold


@dataclass
class GoldDocument:
    stem: str
    file_name: str
    gold: dict


def load_split() -> dict[str, list[str]]:
    return json.loads(SPLIT.read_text(encoding="utf-8"))


def gold_documents(corpus: Path, part: str, holdout: list[str]) -> list[GoldDocument]:
    """The gold documents of ``corpus`` in ``part`` (dev, holdout or all), sorted by name."""
    if not (corpus / "gold").is_dir():
        raise RealEvaluationError(f"{corpus}: no gold folder (is ../shared/real beside the repository?)")
    documents = []
    for path in sorted((corpus / "gold").glob("*.json")):
        in_holdout = path.stem in holdout
        if part == "all" or (part == "holdout") == in_holdout:
            source = next(iter(sorted((corpus / "docs").glob(path.stem + ".*"))), None)
            if source is None:
                raise RealEvaluationError(f"{path}: no document {path.stem}.* in {corpus / 'docs'}")
            documents.append(
                GoldDocument(path.stem, source.name, json.loads(path.read_text(encoding="utf-8")))
            )
    return documents


# ---------------------------------------------------------------- matching helpers


def aspect_families(aspect: str) -> frozenset[str]:
    text = normalise(aspect)
    return frozenset(name for name, pattern in ASPECT_FAMILIES if re.search(pattern, text))


def role_head(role: str) -> str:
    """The head noun of a role as the text gives it: "Director of Children's Services" -> director."""
    words = normalise(ROLE_CUT.split(role.lower())[0]).split()
    return words[-1] if words else normalise(role)


def key_of(text_start: str) -> str:
    return " ".join(normalise(text_start).split()[:KEY_WORDS])


def contains_key(key: str, texts) -> bool:
    return bool(key) and any(f" {key} " in f" {normalise(str(text))} " for text in texts)


def date_rank(gold_date: str | None, predicted: set) -> int | None:
    """How well the predicted dates fit the gold's: 0 one inside the gold interval (or the same
    date, to the gold's precision), 1 one in one of its years, 2 no date on either side, None none fits."""
    if not gold_date or not predicted:
        return 2
    bounds = gold_date.split("/")
    low, high = bounds[0], bounds[-1]
    values = [str(value) for value in predicted]
    if any(low <= value[: len(low)] and value[: len(high)] <= high for value in values):
        return 0
    if any(value[:4] in {bound[:4] for bound in bounds} for value in values):
        return 1
    return None


def organisation_names(item: dict, gold: dict) -> set[str]:
    """A gold organisation's names, also prefixed with an area of the document: a generic name
    ("Family Justice Board") takes its area in the graph so that it never merges across areas."""
    names = gold_names(item, "name", "aliases")
    areas = {normalise(area) for area in gold.get("areas", [])} | {
        normalise(a["area"]) for a in gold.get("assessments", []) if a.get("area")
    }
    return names | {f"{area} {name}" for area in areas for name in names}


def names_of(index: GraphIndex, nodes) -> set[str]:
    return {name for node in nodes for name in index.names_of(node).all}


def gold_names(item: dict, *keys: str) -> set[str]:
    names = set()
    for key in keys:
        value = item.get(key)
        for text in [value] if isinstance(value, str) else (value or []):
            names |= {normalise(text), normalise_person(text)}
    return names - {""}


# ---------------------------------------------------------------- what the graph says


@dataclass
class RealView:
    """One document's predictions, per category, as the scorer compares them."""

    organisations: list[Predicted]
    people: list[Predicted]
    memberships: list[Predicted]
    assessments: list[Predicted]
    judgements: list[Predicted]
    recommendations: list[Predicted]
    responses: list[Predicted]
    themes: set[str]
    areas: list[Predicted]


def real_view(index: GraphIndex, file_name: str) -> RealView:
    view = document_view(index, file_name)
    graph, document = index.documents[file_name]
    people = sorted(
        {row["node"] for row in run_query(index.dataset, "people", graph=graph, document=document)}
    )
    areas = sorted({row["node"] for row in run_query(index.dataset, "areas", graph=graph, document=document)})
    responses: dict = {}
    for row in run_query(index.dataset, "response_texts", graph=graph):
        item = responses.setdefault(
            row["response"], Predicted(row["response"], {"text": set(), "respondent": set()})
        )
        item.facts["text"] |= {row[k] for k in ("statement", "quote") if k in row}
        if "respondent" in row:
            item.facts["respondent"].add(row["respondent"])
    return RealView(
        organisations=view.organisations,
        people=[Predicted(node) for node in people],
        memberships=view.people,
        assessments=view.assessments,
        judgements=view.judgements,
        recommendations=view.recommendations,
        responses=[responses[node] for node in sorted(responses)],
        themes=view.themes,
        areas=[Predicted(node) for node in areas],
    )


# ---------------------------------------------------------------- scoring, per category


@dataclass
class Tally(evaluate.Tally):
    """``evaluate.Tally`` where precision counts ``predicted_hits``: nodes that match some gold
    item, which differ from ``hits`` (gold items found) where several nodes match one item."""

    predicted_hits: int = 0

    @property
    def precision(self) -> float:
        return self.predicted_hits / self.predicted if self.predicted else (0.0 if self.gold else 1.0)

    def add(self, other: Tally) -> None:
        super().add(other)
        self.predicted_hits += other.predicted_hits


def _many_to_many(index, gold_items, predicted, matches, label) -> Tally:
    """Precision over nodes matching any gold item; recall over gold items any node matches."""
    hit_nodes = {id(p) for p in predicted if any(matches(item, p) for item in gold_items)}
    found = [any(matches(item, p) for p in predicted) for item in gold_items]
    return Tally(
        hits=sum(found),
        gold=len(gold_items),
        predicted_hits=len(hit_nodes),
        predicted=len(predicted),
        missed=[label(item) for item, hit in zip(gold_items, found) if not hit],
        extra=[_describe_node(index, p) for p in predicted if id(p) not in hit_nodes],
    )


def _one_to_one(index, gold_items, predicted, matches, label) -> tuple[Tally, dict[int, Predicted]]:
    """Each gold item paired with at most one node and each node with at most one item, best pairs
    first: ``matches`` gives a rank (lower is better; True is 0) or None/False for no match."""
    ranked = sorted(
        (int(rank), position, index_)
        for position, item in enumerate(gold_items)
        for index_, node in enumerate(predicted)
        if (rank := matches(item, node)) is not None and rank is not False
    )
    pairs: dict[int, Predicted] = {}
    used: set[int] = set()
    for _, position, index_ in ranked:
        if position not in pairs and index_ not in used:
            pairs[position] = predicted[index_]
            used.add(index_)
    tally = Tally(
        hits=len(pairs),
        gold=len(gold_items),
        predicted_hits=len(pairs),
        predicted=len(predicted),
        missed=[label(item) for position, item in enumerate(gold_items) if position not in pairs],
        extra=[_describe_node(index, node) for index_, node in enumerate(predicted) if index_ not in used],
    )
    return tally, pairs


def _describe_node(index: GraphIndex, predicted: Predicted) -> str:
    label = index.names_of(predicted.node).label
    statement = next(iter(predicted.facts.get("statement", ()) or predicted.facts.get("text", ()) or ()), "")
    aspect = next(iter(predicted.facts.get("aspect", ())), "")
    grade = ",".join(sorted(predicted.facts.get("grades", ())))
    return " ".join(str(part)[:90] for part in (label, aspect, grade, statement) if part) or str(
        predicted.node
    )


def score_document(index: GraphIndex, document: GoldDocument) -> dict[str, Tally]:
    gold, view = document.gold, real_view(index, document.file_name)
    tallies = {
        "organisations": _many_to_many(
            index,
            gold.get("organisations", []),
            view.organisations,
            lambda item, p: bool(organisation_names(item, gold) & index.names_of(p.node).all),
            lambda item: item["name"],
        ),
        "people": _many_to_many(
            index,
            gold.get("people", []),
            view.people,
            lambda item, p: bool(gold_names(item, "name") & index.names_of(p.node).all),
            lambda item: item["name"],
        ),
        "roles": _score_roles(index, gold, view),
        "areas": _many_to_many(
            index,
            gold.get("areas", []),
            view.areas,
            lambda item, p: normalise(item) in index.names_of(p.node).all,
            str,
        ),
        "themes": _score_themes(gold, view),
        "responses": _one_to_one(
            index,
            gold.get("responses", []),
            view.responses,
            lambda item, p: contains_key(key_of(item.get("text_start", "")), p.facts["text"]),
            lambda item: item.get("text_start", "")[:70],
        )[0],
        "recommendations": _one_to_one(
            index,
            gold.get("recommendations", []),
            view.recommendations,
            lambda item, p: contains_key(key_of(item["text_start"]), p.facts["statement"]),
            lambda item: f"{item.get('number') or '-'} {item['text_start'][:70]}",
        )[0],
    }
    tallies["assessments"], paired = _score_assessments(index, gold, view)
    tallies["judgements"] = _score_judgements(index, gold, view, paired)
    for tally in tallies.values():
        tally.missed = [f"{document.stem}: {m}" for m in tally.missed]
        tally.extra = [f"{document.stem}: {e}" for e in tally.extra]
    return tallies


def _score_roles(index: GraphIndex, gold: dict, view: RealView) -> Tally:
    wanted = [(person, role) for person in gold.get("people", []) for role in person.get("roles", [])]

    def matches(pair, membership: Predicted) -> bool:
        person, role = pair
        if not gold_names(person, "name") & names_of(index, membership.facts["person"]):
            return False
        return any(
            f" {role_head(role)} " in f" {name} " for name in names_of(index, membership.facts["role"])
        )

    return _many_to_many(
        index, wanted, view.memberships, matches, lambda pair: f"{pair[0]['name']}: {pair[1]}"
    )


def _score_assessments(index: GraphIndex, gold: dict, view: RealView):
    def matches(item: dict, p: Predicted) -> int | None:
        if item["kind"] not in p.facts["kinds"]:
            return None
        if item.get("area") and normalise(item["area"]) not in names_of(index, p.facts["area"]):
            return None
        return date_rank(item.get("date"), p.facts["date"])

    return _one_to_one(
        index,
        gold.get("assessments", []),
        view.assessments,
        matches,
        lambda item: f"{item['kind']} {item.get('area')} {item.get('date')}",
    )


def _score_judgements(index: GraphIndex, gold: dict, view: RealView, paired: dict[int, Predicted]) -> Tally:
    wanted = [
        (position, judgement)
        for position, assessment in enumerate(gold.get("assessments", []))
        for judgement in assessment.get("judgements", [])
    ]

    def matches(pair, p: Predicted) -> bool:
        position, judgement = pair
        if judgement["grade"] not in p.facts["grades"]:
            return False
        if aspect_families(judgement["aspect"]) not in {aspect_families(str(a)) for a in p.facts["aspect"]}:
            return False
        return position in paired and paired[position].node in p.facts["assessment"]

    tally, _ = _one_to_one(
        index, wanted, view.judgements, matches, lambda pair: f"{pair[1]['aspect']}: {pair[1]['grade']}"
    )
    return tally


def _score_themes(gold: dict, view: RealView) -> Tally:
    wanted = set(gold.get("themes", []))
    hits = len(wanted & view.themes)
    return Tally(
        hits=hits,
        predicted=len(view.themes),
        gold=len(wanted),
        missed=sorted(wanted - view.themes),
        extra=sorted(view.themes - wanted),
        predicted_hits=hits,
    )


# ---------------------------------------------------------------- totals and report


def score(
    index: GraphIndex, documents: list[GoldDocument]
) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]]]:
    """Tallies per category over ``documents``, and per document."""
    totals = {category: Tally() for category in CATEGORIES}
    per_document = {}
    for document in documents:
        per_document[document.stem] = score_document(index, document)
        for category, tally in per_document[document.stem].items():
            totals[category].add(tally)
    return totals, per_document


def micro(totals: dict[str, Tally]) -> tuple[float, float, float]:
    predicted = sum(t.predicted for t in totals.values())
    gold = sum(t.gold for t in totals.values())
    p = sum(t.predicted_hits for t in totals.values()) / predicted if predicted else 1.0
    r = sum(t.hits for t in totals.values()) / gold if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def format_report(totals, per_document, details: bool, by_document: bool) -> str:
    lines = [f"{'category':<16}{'precision':>16}{'recall':>16}{'F1':>7}"]
    for category, tally in totals.items():
        lines.append(
            f"{category:<16}{tally.precision:>6.2f}{f'{tally.predicted_hits}/{tally.predicted}':>10}"
            f"{tally.recall:>6.2f}{f'{tally.hits}/{tally.gold}':>10}{tally.f1:>7.2f}"
        )
    p, r, f1 = micro(totals)
    lines.append(f"{'micro':<16}{p:>6.2f}{'':>10}{r:>6.2f}{'':>10}{f1:>7.2f}")
    if by_document:
        lines.append("")
        lines.append("per document (recall hits/gold): " + "  ".join(CATEGORIES))
        for stem, tallies in per_document.items():
            cells = " ".join(f"{tallies[c].hits}/{tallies[c].gold}" for c in CATEGORIES)
            lines.append(f"{stem:<48}{cells}")
    if details:
        for category, tally in totals.items():
            lines += [f"missed {category}: {m}" for m in tally.missed]
            lines += [f"extra {category}: {e}" for e in tally.extra]
    return "\n".join(lines)


def build_trig(paths: list[Path], out_dir: Path, jobs: int | None) -> Path:
    from kg.build.pipeline import BuildOptions, build

    build(paths, BuildOptions(out_dir=out_dir, html=False, jobs=jobs))
    return out_dir / "graph.trig"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a graph against the gold of ../shared/real.")
    parser.add_argument(
        "--set", choices=sorted(SETS), default="reports", help="reports (PDFs) or short texts"
    )
    parser.add_argument(
        "--part",
        choices=("dev", "holdout", "all"),
        default="dev",
        help="the development part, the part kept unread (benchmarks/real_split.json), or both",
    )
    parser.add_argument(
        "--graph", type=Path, help="a graph.trig built from the documents (default: build them now)"
    )
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for the build")
    parser.add_argument(
        "--real", type=Path, default=SHARED_REAL, help="the corpus root (default: ../shared/real)"
    )
    parser.add_argument("--details", action="store_true", help="list every missed and extra item")
    parser.add_argument("--per-document", action="store_true", help="recall per document and category")
    args = parser.parse_args(argv)
    corpus = args.real / SETS[args.set]
    try:
        documents = gold_documents(corpus, args.part, load_split()[args.set])
        with tempfile.TemporaryDirectory() as scratch:
            paths = [corpus / "docs" / document.file_name for document in documents]
            trig = args.graph or build_trig(paths, Path(scratch), args.jobs)
            totals, per_document = score(index_dataset(load_dataset(trig)), documents)
    except RealEvaluationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(totals, per_document, args.details, args.per_document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
