"""A query's ``--param`` names, resolved to the things of the graph they mean (``kg query``).

Users type a short name, an acronym or another case ("hereford council", "hscp",
"crompton"); the library queries match a value against labels exactly, in any case. So,
before a name is bound, it is looked up among the labels of the things its parameter can
name (``kg/data/query-parameters.json``: an ``organisation`` is an ``org:Organization`` or
one of its subclasses, an ``area`` an ``sg:Area`` ...): ``rdfs:label``, ``skos:altLabel``
(acronyms and other names), ``skos:prefLabel`` and ``foaf:name``. The query text is never
changed:

1. **A label in any case** (runs of spaces and curly apostrophes aside) naming one thing:
   the parameter is bound to that thing's IRI, which every library query accepts. Naming
   several (an acronym two partnerships share): the value is bound as typed, so the query
   answers for all of them, and a note says which they are.
2. **Else a partial name**: each word typed opens a word of a label, in order ("hereford
   council" for "Herefordshire Council"), or the value is the label's initials ("HSCB").
   One thing: bound to its IRI, and a note says which. Several: QueryError naming them.
3. **Else** the value is bound as typed (a theme's id, ``domestic-abuse``, still matches)
   and, should the answer have no rows, a note says that nothing is called so and names
   the closest labels (``difflib``).

Step 1 looks the name up in the store's index, as typed and in the usual cases (under a
millisecond at 2,000 documents); only a name not found so reads every label of its kind,
in one SPARQL query (tens of milliseconds at 2,000 documents). Everything is sorted, so the
same graph and name give the same binding and notes. IRIs, ``prefix:name``, integers and
dates are bound as they are (``kg.query.parameter_term``); so is a parameter whose name the
data file does not know, or that the query's header does not declare.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import DefaultGraph, Literal, NamedNode, Store, Variable

from . import datafiles
from .datafiles import ParameterKind
from .errors import QueryError
from .prefixes import PREFIXES

_LABEL_PROPERTIES = (
    PREFIXES["rdfs"] + "label",
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["skos"] + "altLabel",
    PREFIXES["foaf"] + "name",
)
_LABEL_NODES = tuple(NamedNode(prop) for prop in _LABEL_PROPERTIES)
_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_DEFAULT = DefaultGraph()  # a built or loaded store holds the union of its named graphs there
_WORD = re.compile(r"\w+")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Words left out of a name's initials as well as kept ("Department for Education": DFE and DE).
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "in", "on", "at", "to", "&"})
_LISTED = 6  # things named in one message, before "and N more"
_SUGGESTED = 3
_CLOSE = 0.75  # difflib ratio a suggested label must reach


@dataclass
class Resolution:
    """The terms to bind, by parameter name, and what the user should be told.

    ``notes`` are said whatever the answer; ``if_empty`` only when it has no rows
    (a name that matched nothing, with the closest labels)."""

    terms: dict[str, NamedNode | Literal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    if_empty: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Thing:
    iri: str
    name: str  # its rdfs:label, else its best other label
    labels: tuple[str, ...]


def resolve(
    store: Store,
    terms: Mapping[str, NamedNode | Literal],
    declared: Iterable[str],
) -> Resolution:
    """Resolve the plain-string values among ``terms`` whose parameter is in ``declared``
    and has a kind; everything else is kept as it is. Raises QueryError for a partial
    name that fits several things, naming them."""
    resolution = Resolution(terms=dict(terms))
    wanted = {
        name: kind
        for name in declared
        if (kind := parameter_kind(name)) is not None and _is_plain(terms.get(name))
    }
    unmatched: dict[str, ParameterKind] = {}
    for name, kind in sorted(wanted.items()):
        exact = _looked_up(store, terms[name].value, kind)
        if exact:
            _bind_exact(resolution, name, terms[name].value, kind, exact)
        else:
            unmatched[name] = kind
    scans: dict[ParameterKind, list[_Thing]] = {}
    for name, kind in unmatched.items():
        if kind not in scans:
            scans[kind] = _scanned(store, kind)
        _resolve_by_labels(resolution, name, terms[name].value, kind, scans[kind])
    return resolution


def _bind_exact(
    resolution: Resolution, name: str, value: str, kind: ParameterKind, exact: list[_Thing]
) -> None:
    if len(exact) == 1:
        resolution.terms[name] = NamedNode(exact[0].iri)
        return
    resolution.notes.append(
        f"{name} {value!r} names {len(exact)} {kind.noun}s: {_listing(exact)}; the answer is for "
        "all of them (give one's full name or IRI to pick it)"
    )


def _resolve_by_labels(
    resolution: Resolution, name: str, value: str, kind: ParameterKind, things: list[_Thing]
) -> None:
    typed = _key(value)
    exact = [thing for thing in things if any(_key(label) == typed for label in thing.labels)]
    if exact:
        _bind_exact(resolution, name, value, kind, exact)
        return
    partial = [thing for thing in things if any(_fits(value, label) for label in thing.labels)]
    if len(partial) == 1:
        (thing,) = partial
        resolution.terms[name] = NamedNode(thing.iri)
        resolution.notes.append(f"{name} {value!r} taken as {_shown(thing, partial)}")
        return
    if partial:
        raise QueryError(
            f"{name} {value!r} could be any of {len(partial)} {kind.noun}s: {_listing(partial)}; "
            "give more of the name, or its IRI"
        )
    close = _closest(value, things)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    resolution.if_empty.append(f"no {kind.noun} is called {value!r}, so no rows{hint}")


def parameter_kind(name: str) -> ParameterKind | None:
    """The kind of thing a parameter of this name names, or None when it names no kind."""
    return datafiles.query_parameters().parameters.get(name)


def _is_plain(term: NamedNode | Literal | None) -> bool:
    return isinstance(term, Literal) and term.datatype.value == PREFIXES["xsd"] + "string"


def _looked_up(store: Store, value: str, kind: ParameterKind) -> list[_Thing]:
    """The things of ``kind`` with a label that is ``value`` as typed, or in lower, upper,
    title or sentence case, or with its apostrophes straight or curly, or (for a kind whose
    IRIs share a namespace) that is the thing's id: found through the
    store's index of objects, a fraction of a millisecond, where reading every label of a
    kind takes tens of milliseconds on a large graph. Other mixes of case are found by
    ``_scanned``."""
    typed = " ".join(value.split())
    forms = {typed, typed.lower(), typed.upper(), typed.title(), typed[:1].upper() + typed[1:].lower()}
    forms |= {form.replace("'", "\u2019") for form in forms} | {form.replace("\u2019", "'") for form in forms}
    found: set[NamedNode] = set()
    for form in sorted(forms):
        for prop in _LABEL_NODES:
            found.update(
                quad.subject
                for quad in store.quads_for_pattern(None, prop, Literal(form), _DEFAULT)
                if isinstance(quad.subject, NamedNode)
            )
    if kind.namespace and _ID.fullmatch(typed):  # a theme's id, as its queries take it: domestic-abuse
        found.add(NamedNode(kind.namespace + typed))
    things = []
    for thing in found:
        if thing.value.startswith(kind.namespace) and _is_a(store, thing, kind):
            things.append(_Thing(thing.value, _name(store, thing), ()))
    return sorted(things, key=lambda thing: (thing.name, thing.iri))


def _is_a(store: Store, thing: NamedNode, kind: ParameterKind) -> bool:
    return any(
        next(store.quads_for_pattern(thing, _TYPE, NamedNode(cls), _DEFAULT), None) is not None
        for cls in kind.classes
    )


def _name(store: Store, thing: NamedNode) -> str:
    """A thing's rdfs:label, else its best other label (the order of ``_LABEL_PROPERTIES``)."""
    for prop in _LABEL_NODES:
        labels = sorted(
            quad.object.value
            for quad in store.quads_for_pattern(thing, prop, None, _DEFAULT)
            if isinstance(quad.object, Literal)
        )
        if labels:
            return labels[0]
    return thing.value


_SCAN_NAMES = ("label", "pref", "alt", "name")  # a variable per property of _LABEL_PROPERTIES


def _scanned(store: Store, kind: ParameterKind) -> list[_Thing]:
    """Every thing of ``kind`` with its labels, read in one query, sorted by name and IRI.

    The kind's classes come from the data file, never from the user, and are written into
    the query as IRIs (``str(NamedNode)`` escapes them): pyoxigraph substitutes projected
    variables only, and its planner would not see a substituted class. The things are
    found first and each property looked up from them, the fastest of the forms tried
    (``benchmarks/parameter_resolution.py``).
    """
    classes = " ".join(str(NamedNode(cls)) for cls in sorted(kind.classes))
    lookups = " UNION ".join(
        f"{{ ?thing {NamedNode(prop)} ?{name} }}" for prop, name in zip(_LABEL_PROPERTIES, _SCAN_NAMES)
    )
    text = (
        f"SELECT ?thing {' '.join('?' + name for name in _SCAN_NAMES)} WHERE {{ "
        f"{{ SELECT DISTINCT ?thing WHERE {{ VALUES ?class {{ {classes} }} ?thing a ?class }} }} {lookups} }}"
    )
    labels: dict[str, set[tuple[int, str]]] = {}
    for solution in store.query(text):  # type: ignore[union-attr]  # a SELECT: solutions
        thing = solution[Variable("thing")]
        if not isinstance(thing, NamedNode) or not thing.value.startswith(kind.namespace):
            continue
        for rank, name in enumerate(_SCAN_NAMES):
            label = solution[Variable(name)]
            if isinstance(label, Literal):
                labels.setdefault(thing.value, set()).add((rank, label.value))
    things = [
        _Thing(iri, name=min(pairs)[1], labels=tuple(sorted({label for _, label in pairs})))
        for iri, pairs in labels.items()
    ]
    return sorted(things, key=lambda thing: (thing.name, thing.iri))


def _key(text: str) -> str:
    """A label as compared: case folded, curly apostrophes straight, runs of spaces one space."""
    return " ".join(text.replace("\u2019", "'").casefold().split())


def _fits(value: str, label: str) -> bool:
    """True when each word of ``value`` opens a word of ``label``, in order, or ``value`` is
    one word that spells the label's initials (with or without its small words)."""
    typed, words = _WORD.findall(value.casefold()), _WORD.findall(label.casefold())
    if not typed or len(typed) > len(words):
        return False
    if len(typed) == 1 and len(typed[0]) > 1 and len(words) > 1:
        initials = {"".join(word[0] for word in words)}
        initials.add("".join(word[0] for word in words if word not in _SMALL_WORDS))
        if typed[0] in initials:
            return True
    position = 0
    for word in typed:
        while position < len(words) and not words[position].startswith(word):
            position += 1
        if position == len(words):
            return False
        position += 1
    return True


def _closest(value: str, things: list[_Thing]) -> list[str]:
    """Up to three labels closest to ``value``, best first: difflib's ratio of ``value`` to the
    whole label or to as many of its words in a row as ``value`` has ("Herfordshire" is
    close to "Herefordshire Council"), 0.75 or more. Each distinct run of words is compared
    once, prefiltered as difflib's own ``get_close_matches`` does, so that the many labels
    of a large graph (which share most of their words) cost little."""
    typed = _key(value)
    size = len(typed.split())
    labels_of: dict[str, set[str]] = {}
    for thing in things:
        for label in thing.labels:
            words = _key(label).split()
            runs = {" ".join(words)} | {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
            for run in runs:
                labels_of.setdefault(run, set()).add(label)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(typed)
    scored: dict[str, float] = {}
    for run, labels in labels_of.items():
        matcher.set_seq1(run)
        if matcher.real_quick_ratio() < _CLOSE or matcher.quick_ratio() < _CLOSE:
            continue
        score = matcher.ratio()
        if score >= _CLOSE:
            for label in labels:
                scored[label] = max(score, scored.get(label, 0.0))
    return [label for label, _ in sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:_SUGGESTED]]


def _shown(thing: _Thing, among: list[_Thing]) -> str:
    """A thing's name, with its IRI when another thing listed with it has the same name."""
    twins = sum(other.name == thing.name for other in among)
    return f"{thing.name} <{thing.iri}>" if twins > 1 else thing.name


def _listing(things: list[_Thing]) -> str:
    shown = [_shown(thing, things) for thing in things[:_LISTED]]
    more = f" and {len(things) - _LISTED} more" if len(things) > _LISTED else ""
    return ", ".join(shown) + more
