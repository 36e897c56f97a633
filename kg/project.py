"""The projection of the RDF graph that is drawn: which nodes, which edges, what a click shows.

Reads the contract of ONTOLOGY.md ("Classes", "Properties") and turns a built dataset into
a networkx ``DiGraph`` for ``kg.render``. Every typed node of a contract class is drawn,
except ``sg:Evidence``, whose quotes go into the click panel of the node they support;
themes are drawn when something refers to them; grades colour judgements instead of
being drawn. Literal values become the node's facts.

Views (``View``): ``full`` (everything), ``partners-failings`` (organisations against
themes, an edge weighted by the number of ``sg:Failing`` that implicate the one and
carry the other, plus each organisation's judgements), ``area`` (the nodes of one area
and their neighbours) and ``node`` (one node and its neighbours).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from . import datafiles
from .errors import InputError
from .graph import open_graph
from .prefixes import PREFIXES, curie
from .vocab import GRADE, SG, THEME

VIEW_KINDS = ("full", "partners-failings", "area", "node")
# Properties shown elsewhere than in the facts list of the click panel.
_NOT_FACTS = frozenset({RDF.type, RDFS.label, SG.evidence})


@dataclass(frozen=True)
class View:
    """What to draw: ``kind`` is one of VIEW_KINDS; ``target`` names the area or node.

    Raises InputError for an unknown kind or a missing or unexpected target.
    """

    kind: str = "full"
    target: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in VIEW_KINDS:
            raise InputError(f"unknown view {self.kind!r}: use one of {', '.join(VIEW_KINDS)}")
        named = self.kind in ("area", "node")
        if named and self.target is None:
            raise InputError(f'view {self.kind!r} takes a name: --view "{self.kind} NAME"')
        if not named and self.target is not None:
            raise InputError(f"view {self.kind!r} takes no name")

    @classmethod
    def parse(cls, text: str) -> View:
        """``"full"``, ``"partners-failings"``, ``"area Eastmere"`` or ``"node ECC"``.

        Raises InputError for an unknown kind or a missing or unexpected target.
        """
        kind, _, target = text.strip().partition(" ")
        return cls(kind, target.strip() or None)

    def __str__(self) -> str:
        return self.kind if self.target is None else f"{self.kind} {self.target}"


@dataclass(frozen=True)
class ClassStyle:
    """How a class is drawn; ``important`` classes are labelled at the opening zoom."""

    key: str
    label: str
    color: str
    shape: str
    important: bool = False


def open_dataset(path: Path | None = None) -> Dataset:
    """The graph at ``path`` (what ``kg.graph.open_graph`` opens; None: the build in ``out/``)
    as an rdflib Dataset over its pyoxigraph store (``_Index`` reads the store directly).

    Raises GraphNotFound when there is no graph there and InputError when it cannot be read.
    """
    return Dataset(store=OxigraphStore(store=open_graph(path)))


@cache
def class_styles() -> tuple[ClassStyle, ...]:
    """The drawn classes, most specific first (``kg/data/viz/classes.json``)."""
    return tuple(
        ClassStyle(drawn.cls, drawn.label, drawn.color, drawn.shape, drawn.key)
        for drawn in datafiles.viz_classes().classes
    )


@cache
def grade_colours() -> dict[str, tuple[str, str]]:
    """Grade id -> (label, colour)."""
    return {drawn.grade: (drawn.label, drawn.color) for drawn in datafiles.viz_classes().grades}


def _short(iri: URIRef) -> str:
    """``sg:implicates`` for a term in a contract namespace, else the IRI itself."""
    return curie(str(iri)) or str(iri)


def project(dataset: Dataset, view: View = View()) -> nx.DiGraph:
    """The drawn graph of ``dataset`` for ``view``.

    Nodes are keyed by IRI (inserted in sorted order, so the result is deterministic)
    and carry ``label``, ``cls`` (a ClassStyle key), ``alt``, ``facts`` (sorted
    ``(property, values)`` pairs), ``evidence`` (dicts with ``quote``, ``document``
    (its file name), ``start``, ``end``), ``grade``, ``themes`` and ``areas`` (the
    theme and area IRIs the page filters on, labelled in ``graph["names"]``), ``date``
    (see ``_add_dates``; None when undated) and ``value`` (what the node's size shows). Edges carry ``relations`` (sorted labels)
    and ``weight``; in the partners-failings view an organisation-theme edge also
    carries its ``failings`` (labels) and their ``evidence``. The full view also carries
    ``graph["overview"]`` (see ``_overview``). Raises InputError when the area or node a
    view names is not in the graph.
    """
    reader = _Reader(_Index(dataset))
    if view.kind == "partners-failings":
        drawn = _partners_failings(reader)
    else:
        drawn = _full(reader, links_drawn=view.kind == "full")
    if view.kind in ("area", "node"):
        assert view.target is not None  # View checks that these two kinds, and only they, have one
        found = reader.find(view.target, drawn, kind=view.kind)
        drawn = (
            _area_view(drawn, found)
            if view.kind == "area"
            else _restricted(drawn, _with_neighbours(drawn, {found}))
        )
    _add_dates(drawn, reader)
    if view.kind == "full":
        drawn.graph["overview"] = _overview(reader, drawn)
    named = {value for key in ("themes", "areas") for _, values in drawn.nodes(data=key) for value in values}
    drawn.graph["names"] = {node: reader.label(node) for node in sorted(named)}
    return drawn


class _Reader:
    """Label, class, facts and evidence lookups over one union graph."""

    def __init__(self, graph: _Index):
        self.graph = graph
        self._labels: dict[URIRef, str] = {}
        self.classes = self._classify()

    def _classify(self) -> dict[URIRef, str]:
        rank = {URIRef(_expand(style.key)): index for index, style in enumerate(class_styles())}
        best: dict[URIRef, int] = {}
        for subject, cls in self.graph.subject_objects(RDF.type):
            if isinstance(subject, URIRef) and cls in rank and cls != SKOS.Concept:
                best[subject] = min(best.get(subject, len(rank)), rank[cls])
        for prop in (SG.theme, DCTERMS.subject):
            for theme in self.graph.objects(None, prop):
                if isinstance(theme, URIRef) and str(theme).startswith(str(THEME)):
                    best[theme] = rank[SKOS.Concept]
        keys = [style.key for style in class_styles()]
        return {node: keys[index] for node, index in best.items()}

    def label(self, node: URIRef) -> str:
        if node not in self._labels:
            self._labels[node] = self._label(node)
        return self._labels[node]

    def _label(self, node: URIRef) -> str:
        for prop in (RDFS.label, SKOS.prefLabel, FOAF.name, SG.fileName):
            value = self.graph.value(node, prop)
            if value is not None:
                return str(value)
        return _short(node).rsplit("/", 1)[-1]

    def file_name(self, document: URIRef) -> str:
        value = self.graph.value(document, SG.fileName)
        return str(value) if value is not None else self.label(document)

    def alt_labels(self, node: URIRef) -> list[str]:
        return sorted({str(value) for value in self.graph.objects(node, SKOS.altLabel)})

    def facts(self, node: URIRef, links_drawn: bool = False) -> list[tuple[str, list[str]]]:
        """Literal values and the labels of linked nodes; with ``links_drawn``, not those of
        drawn nodes, which the page lists as links (on a national corpus they were half the page)."""
        values: dict[str, set[str]] = defaultdict(set)
        for prop, value in self.graph.predicate_objects(node):
            if links_drawn and value in self.classes and value != node:
                continue
            if prop not in _NOT_FACTS:
                values[_short(prop)].add(str(value) if isinstance(value, Literal) else self.label(value))
        return sorted((prop, sorted(found)) for prop, found in values.items())

    def evidence(self, node: URIRef) -> list[dict]:
        spans = []
        for span in set(self.graph.objects(node, SG.evidence)):
            document = self.graph.value(span, SG.inDocument)
            spans.append(
                {
                    "quote": str(self.graph.value(span, SG.quote) or ""),
                    "document": self.file_name(document) if document is not None else "",
                    "start": _integer(self.graph.value(span, SG.start)),
                    "end": _integer(self.graph.value(span, SG.end)),
                }
            )
        return sorted(spans, key=lambda span: (span["document"], span["start"] or 0, span["quote"]))

    def grade(self, node: URIRef) -> str | None:
        value = self.graph.value(node, SG.grade)
        return (
            str(value)[len(str(GRADE)) :] if value is not None and str(value).startswith(str(GRADE)) else None
        )

    def attributes(self, node: URIRef, links_drawn: bool = False) -> dict:
        """Everything the page shows about ``node`` (see ``project`` and ``facts``)."""
        return {
            "label": self.label(node),
            "cls": self.classes[node],
            "alt": self.alt_labels(node),
            "facts": self.facts(node, links_drawn),
            "evidence": self.evidence(node),
            "grade": self.grade(node),
        }

    def find(self, name: str, drawn: nx.DiGraph, *, kind: str) -> URIRef:
        """The drawn node whose label or alias is ``name`` (case-insensitive).

        An exact match wins; otherwise a single node whose label contains ``name``.
        For ``kind == "area"`` only ``sg:Area`` nodes count. Raises InputError otherwise.
        """
        wanted = name.casefold()
        candidates = [node for node in drawn if kind != "area" or drawn.nodes[node]["cls"] == "sg:Area"]
        names = {node: [drawn.nodes[node]["label"], *drawn.nodes[node]["alt"]] for node in candidates}
        exact = [node for node in candidates if any(text.casefold() == wanted for text in names[node])]
        partial = [node for node in candidates if any(wanted in text.casefold() for text in names[node])]
        if exact or len(partial) == 1:
            return (exact or partial)[0]
        near = sorted(drawn.nodes[node]["label"] for node in partial) or sorted(
            drawn.nodes[node]["label"] for node in candidates
        )
        hint = ", ".join(near[:10]) + (" ..." if len(near) > 10 else "")
        raise InputError(
            f"no single {kind} called {name!r}; " + (f"try one of: {hint}" if hint else "the graph has none")
        )


class _Index:
    """The union of a dataset's graphs, indexed for the few lookups the projection makes.

    Filled in one pass over the quads. rdflib's in-memory Graph was many times slower and
    larger on a national corpus (figures: docs/benchmarks.md), and oxrdflib makes an rdflib
    Graph for every quad it hands over, so an Oxigraph-backed dataset is read from its
    pyoxigraph store directly. Where a property has several values, ``value`` returns the
    least, so the answer never depends on the order of the store.
    """

    def __init__(self, dataset: Dataset):
        out: dict = defaultdict(lambda: defaultdict(dict))  # subject -> predicate -> {object: None}
        into: dict = defaultdict(lambda: defaultdict(dict))  # IRI object -> predicate -> {subject: None}
        for subject, predicate, obj in _triples(dataset):
            out[subject][predicate][obj] = None
            if isinstance(obj, URIRef):
                into[obj][predicate][subject] = None
        self.out = out
        self.into = into

    def value(self, subject, predicate):
        found = self.out[subject][predicate] if subject in self.out and predicate in self.out[subject] else ()
        return min(found, key=_term_key) if found else None

    def objects(self, subject, predicate) -> list:
        if subject is None:
            return [obj for by_predicate in self.out.values() for obj in by_predicate.get(predicate, ())]
        return list(self.out[subject].get(predicate, ())) if subject in self.out else []

    def subjects(self, predicate, obj) -> list:
        return list(self.into[obj].get(predicate, ())) if obj in self.into else []

    def predicate_objects(self, subject) -> list:
        found = self.out.get(subject, {})
        return [(predicate, obj) for predicate, objects in found.items() for obj in objects]

    def subject_objects(self, predicate) -> list:
        return [
            (subject, obj)
            for subject, by_predicate in self.out.items()
            for obj in by_predicate.get(predicate, ())
        ]


def _term_key(term) -> tuple:
    return (type(term).__name__, str(term), str(getattr(term, "datatype", "") or ""))


def _triples(dataset: Dataset):
    """Every triple of every graph of ``dataset``, as rdflib terms (duplicates included)."""
    store = dataset.store
    if not isinstance(store, OxigraphStore):
        for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
            yield subject, predicate, obj
        return
    terms: dict = {}

    def term(node):
        found = terms.get(node)
        if found is None:
            found = terms[node] = _from_oxigraph(node)
        return found

    for quad in store._inner.quads_for_pattern(None, None, None, None):  # the pyoxigraph Store it wraps
        yield term(quad.subject), term(quad.predicate), term(quad.object)


def _from_oxigraph(node):
    """An rdflib term for a pyoxigraph one; a plain string literal stays plain, as rdflib parses it."""
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    return (
        Literal(node.value) if datatype == str(XSD.string) else Literal(node.value, datatype=URIRef(datatype))
    )


def _expand(key: str) -> str:
    prefix, _, local = key.partition(":")
    return PREFIXES[prefix] + local


def _integer(value) -> int | None:
    return int(value) if isinstance(value, Literal) and str(value).lstrip("-").isdigit() else None


def _full(reader: _Reader, links_drawn: bool = False) -> nx.DiGraph:
    drawn = nx.DiGraph()
    for node in sorted(reader.classes):
        drawn.add_node(node, **reader.attributes(node, links_drawn))
    for node in sorted(reader.classes):
        for prop, target in sorted(reader.graph.predicate_objects(node)):
            if target in reader.classes and target != node and prop != RDF.type:
                _add_relation(drawn, node, target, _short(prop))
    _add_filters(drawn, reader)
    for node, degree in drawn.degree():
        drawn.nodes[node]["value"] = degree
    return drawn


def _add_relation(drawn: nx.DiGraph, source, target, relation: str, weight: int = 1) -> None:
    if drawn.has_edge(source, target):
        edge = drawn.edges[source, target]
        edge["relations"] = sorted(set(edge["relations"]) | {relation})
        edge["weight"] += weight
    else:
        drawn.add_edge(source, target, relations=[relation], weight=weight)


def _add_filters(drawn: nx.DiGraph, reader: _Reader) -> None:
    """Give each node the themes and areas the page filters on.

    A node belongs to a theme it carries (``sg:theme``, ``dcterms:subject``) or that a
    neighbour carries through ``sg:theme``, and to its own ``sg:area`` or a neighbour's.
    """
    own_themes = {node: set(reader.graph.objects(node, SG.theme)) for node in drawn}
    own_areas = {node: set(reader.graph.objects(node, SG.area)) for node in drawn}
    for node, attributes in drawn.nodes(data=True):
        if attributes["cls"] == "skos:Concept":
            own_themes[node].add(node)
        if attributes["cls"] == "sg:Area":
            own_areas[node].add(node)
    for node in drawn:
        neighbours = set(drawn.predecessors(node)) | set(drawn.successors(node))
        themes = own_themes[node] | set(reader.graph.objects(node, DCTERMS.subject))
        areas = set(own_areas[node])
        for neighbour in neighbours:
            themes |= own_themes[neighbour]
            areas |= own_areas[neighbour]
        drawn.nodes[node]["themes"] = sorted(theme for theme in themes if theme in drawn)
        drawn.nodes[node]["areas"] = sorted(area for area in areas if area in drawn)


def _with_neighbours(drawn: nx.DiGraph, nodes: set) -> set:
    grown = set(nodes)
    for node in nodes:
        grown |= set(drawn.predecessors(node)) | set(drawn.successors(node))
    return grown


def _area_view(full: nx.DiGraph, area: URIRef) -> nx.DiGraph:
    """The area's nodes (see ``_add_filters``) and their neighbours, without source documents."""
    inside = {node for node, areas in full.nodes(data="areas") if area in areas}
    context = {
        node
        for node in _with_neighbours(full, inside) - inside
        if full.nodes[node]["cls"] != "sg:SourceDocument"
    }
    return _restricted(full, inside | context)


def _restricted(full: nx.DiGraph, keep: set) -> nx.DiGraph:
    """The part of ``full`` on ``keep``, its filters naming only nodes it still draws."""
    part = nx.DiGraph()
    for node in sorted(keep):
        attributes = full.nodes[node]
        themes = [theme for theme in attributes["themes"] if theme in keep]
        areas = [area for area in attributes["areas"] if area in keep]
        part.add_node(node, **{**attributes, "themes": themes, "areas": areas})
    part.add_edges_from((u, v, data) for u, v, data in full.edges(data=True) if u in keep and v in keep)
    return part


def _partners_failings(reader: _Reader) -> nx.DiGraph:
    """Organisations against themes, weighted by failings; judgements hang off what they judge."""
    ties: dict[tuple[URIRef, URIRef], list[URIRef]] = defaultdict(list)
    failings_of: dict[URIRef, list[URIRef]] = defaultdict(list)
    for failing in sorted(set(reader.graph.subjects(RDF.type, SG.Failing))):
        for organisation in sorted(set(reader.graph.objects(failing, SG.implicates))):
            failings_of[organisation].append(failing)
            for theme in sorted(set(reader.graph.objects(failing, SG.theme))):
                failings_of[theme].append(failing)
                ties[organisation, theme].append(failing)
    judged = _judgements_by_organisation(reader)
    drawn = nx.DiGraph()
    for node in sorted({node for pair in ties for node in pair} | set(judged)):
        if node in reader.classes:
            drawn.add_node(node, **_with_failings(reader, node, sorted(set(failings_of[node]))))
    for (organisation, theme), failings in sorted(ties.items()):
        if organisation in drawn and theme in drawn:
            count = len(failings)
            _add_relation(drawn, organisation, theme, f"{count} failing{'s' if count != 1 else ''}", count)
            drawn.edges[organisation, theme]["failings"] = [reader.label(failing) for failing in failings]
            drawn.edges[organisation, theme]["evidence"] = [
                span for failing in failings for span in reader.evidence(failing)
            ]
    for organisation, judgements in sorted(judged.items()):
        for judgement in judgements:
            drawn.add_node(judgement, **reader.attributes(judgement), value=1)
            _add_relation(drawn, judgement, organisation, "judgement of")
    _add_tie_filters(drawn)
    return drawn


def _add_tie_filters(drawn: nx.DiGraph) -> None:
    """A theme filters on itself, an organisation on the themes it is tied to, a judgement on its organisation's."""
    for node, attributes in drawn.nodes(data=True):
        tied = [target for target in drawn.successors(node) if drawn.nodes[target]["cls"] == "skos:Concept"]
        attributes["themes"] = [node] if attributes["cls"] == "skos:Concept" else sorted(tied)
    for node, attributes in drawn.nodes(data=True):
        if attributes["cls"] == "sg:Judgement":
            judged = sorted(drawn.successors(node))
            attributes["themes"] = sorted(
                {theme for target in judged for theme in drawn.nodes[target]["themes"]}
            )
            attributes["areas"] = sorted({area for target in judged for area in drawn.nodes[target]["areas"]})


def _judgements_by_organisation(reader: _Reader) -> dict[URIRef, list[URIRef]]:
    judged: dict[URIRef, set[URIRef]] = defaultdict(set)
    for assessment, judgement in reader.graph.subject_objects(SG.hasJudgement):
        for organisation in reader.graph.objects(assessment, SG.assesses):
            if organisation in reader.classes and judgement in reader.classes:
                judged[organisation].add(judgement)
    return {organisation: sorted(judgements) for organisation, judgements in judged.items()}


def _with_failings(reader: _Reader, node: URIRef, failings: list[URIRef]) -> dict:
    """An organisation's or theme's attributes, with the evidence of its failings."""
    attributes = reader.attributes(node)
    attributes["facts"] = attributes["facts"] + [
        ("failings", [reader.label(failing) for failing in failings])
    ]
    attributes["evidence"] = attributes["evidence"] + [
        span for failing in failings for span in reader.evidence(failing)
    ]
    attributes["value"] = max(len(failings), 1)
    attributes["areas"] = sorted(
        area for area in reader.graph.objects(node, SG.area) if area in reader.classes
    )
    return attributes


# An assessment's parts take its date; a response takes its own, else its recommendation's.
_DATED_PARTS = (SG.hasJudgement, SG.hasFinding, SG.hasRecommendation, SG.hasResponse)
_DATED_CLASSES = frozenset(
    {"sg:Inspection", "sg:PracticeReview", "sg:PeerReview", "sg:Commission", "sg:Assessment", "sg:Response"}
)


def _add_dates(drawn: nx.DiGraph, reader: _Reader) -> None:
    """Give each node the ``date`` the page's date range filters on (ISO text, or None).

    Assessments and responses have their own ``dcterms:date``; judgements, findings and
    recommendations take their assessment's, a response without one its recommendation's.
    Documents, organisations and the rest are undated: the range never hides them.
    """
    own = {
        node: str(value)
        for node, cls in drawn.nodes(data="cls")
        if cls in _DATED_CLASSES
        for value in [reader.graph.value(node, DCTERMS.date)]
        if value is not None
    }
    dates = dict(own)
    for _ in range(2):  # assessment -> recommendation -> response
        for parent, date in sorted(dates.items()):
            for prop in _DATED_PARTS:
                for part in reader.graph.objects(parent, prop):
                    if part in drawn and part not in dates:
                        dates[part] = date
    for node in drawn:
        drawn.nodes[node]["date"] = dates.get(node)


# The overview draws every area and theme but only this many partners, the most implicated.
OVERVIEW_PARTNERS = 40
# ... and ties each area or partner to at most this many themes, those of most failings.
OVERVIEW_THEMES_PER_NODE = 3
_GRADE_ORDER = ("outstanding", "good", "requires-improvement", "inadequate")


def _overview(reader: _Reader, drawn: nx.DiGraph) -> nx.DiGraph:
    """A graph that stays small whatever the corpus: areas, themes and the main partners.

    Nodes are IRIs of ``drawn`` and carry ``value`` (failings) and, for an area, ``grade``
    and ``date``: the grade of its latest graded assessment (its overall-effectiveness
    judgement, else its worst). Edges tie an area or a partner to the themes of its
    failings (``weight``, ``relations``, ``failings`` as IRIs), and a partner to its area.
    """
    failings = sorted(node for node, cls in drawn.nodes(data="cls") if cls == "sg:Failing")
    by_area: dict[tuple, list] = defaultdict(list)
    by_partner: dict[tuple, list] = defaultdict(list)
    for failing in failings:
        themes = sorted(theme for theme in reader.graph.objects(failing, SG.theme) if theme in drawn)
        partners = sorted(org for org in reader.graph.objects(failing, SG.implicates) if org in drawn)
        for area in _failing_areas(reader, drawn, failing, partners):
            for theme in themes:
                by_area[area, theme].append(failing)
        for partner in partners:
            for theme in themes:
                by_partner[partner, theme].append(failing)
    counts: dict = defaultdict(set)  # area, partner or theme -> its failings
    for (node, theme), found in list(by_area.items()) + list(by_partner.items()):
        counts[node].update(found)
        counts[theme].update(found)
    ranked = sorted({partner for partner, _ in by_partner}, key=lambda node: (-len(counts[node]), str(node)))
    shown_partners = set(ranked[:OVERVIEW_PARTNERS])
    areas = {node for node, cls in drawn.nodes(data="cls") if cls == "sg:Area"}
    overview = nx.DiGraph()
    for node in sorted(
        areas | shown_partners | {theme for _, theme in by_area} | {theme for _, theme in by_partner}
    ):
        overview.add_node(node, value=max(len(counts[node]), 1), grade=None, date=None)
    for area in sorted(areas):
        overview.nodes[area].update(_latest_grade(reader, drawn, area))
    for ties in (by_area, by_partner):
        for (node, theme), found in _strongest(ties, areas | shown_partners):
            count = len(found)
            overview.add_edge(
                node,
                theme,
                weight=count,
                relations=[f"{count} failing{'s' if count != 1 else ''}"],
                failings=found,
            )
    for partner in sorted(shown_partners):
        for area in sorted(reader.graph.objects(partner, SG.area)):
            if area in overview:
                overview.add_edge(partner, area, weight=1, relations=["sg:area"], failings=[])
    return overview


def _failing_areas(reader: _Reader, drawn: nx.DiGraph, failing: URIRef, partners: list) -> list:
    """The areas of the assessment that found ``failing``, else those of the partners it implicates."""
    areas = {
        area
        for assessment in reader.graph.subjects(SG.hasFinding, failing)
        for area in reader.graph.objects(assessment, SG.area)
    }
    if not areas:
        areas = {area for partner in partners for area in reader.graph.objects(partner, SG.area)}
    return sorted(area for area in areas if area in drawn)


def _strongest(ties: dict, owners: set) -> list:
    """Each owner's OVERVIEW_THEMES_PER_NODE ties of most failings, in a stable order."""
    by_owner: dict = defaultdict(list)
    for (owner, theme), found in ties.items():
        if owner in owners:
            by_owner[owner].append((theme, found))
    kept: list = []
    for owner, found_ties in sorted(by_owner.items()):
        found_ties.sort(key=lambda tie: (-len(tie[1]), str(tie[0])))
        kept.extend(((owner, theme), found) for theme, found in found_ties[:OVERVIEW_THEMES_PER_NODE])
    return kept


def _latest_grade(reader: _Reader, drawn: nx.DiGraph, area: URIRef) -> dict:
    """``grade`` and ``date`` of the area's latest dated assessment that has graded judgements."""
    graded = []
    for assessment in reader.graph.subjects(SG.area, area):
        date = drawn.nodes[assessment]["date"] if assessment in drawn else None
        grades: dict[str, str] = {}  # aspect -> its worst grade
        for judgement in reader.graph.objects(assessment, SG.hasJudgement):
            grade = reader.grade(judgement)
            if grade in _GRADE_ORDER:
                aspect = str(reader.graph.value(judgement, SG.aspect) or "")
                grades[aspect] = max(grades.get(aspect, grade), grade, key=_GRADE_ORDER.index)
        if date and grades:
            overall = grades.get("overall effectiveness") or max(grades.values(), key=_GRADE_ORDER.index)
            graded.append((date, str(assessment), overall))
    if not graded:
        return {"grade": None, "date": None}
    date, _, grade = max(graded)
    return {"grade": grade, "date": date}
