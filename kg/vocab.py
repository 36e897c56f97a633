"""Namespaces and IRI minting, as rdflib terms over the strings of ``kg.prefixes``.

Implements the "Namespaces" section of ONTOLOGY.md. Every IRI the mapper writes is
minted here from a kind and a human-readable key, so the same key always gives the
same IRI (determinism and cross-document identity both rest on this).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdflib import Namespace, URIRef
from rdflib import namespace as rdflib_namespace

from .prefixes import BASE, PREFIXES


class _Vocabulary(Namespace):
    """A Namespace that makes each of its terms once: rdflib makes and checks a new URIRef on
    every use, and the mapper writes the same classes, properties, themes and grades thousands
    of times a build."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        setattr(self, name, term)  # found as a plain attribute from now on
        return term

    def term(self, name: str) -> URIRef:
        return _vocabulary_term(self, name)


@lru_cache(maxsize=1024)
def _vocabulary_term(namespace: _Vocabulary, name: str) -> URIRef:
    return Namespace.term(namespace, name)


class _Terms:
    """The terms of one of rdflib's namespaces (``RDF.type``, ``DCTERMS["format"]``), each looked up
    in rdflib once, so an unknown name still fails as rdflib fails it."""

    def __init__(self, declared) -> None:
        self._namespace = declared

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]


# The W3C vocabularies the mapper writes, as rdflib declares them.
DCTERMS = _Terms(rdflib_namespace.DCTERMS)
FOAF = _Terms(rdflib_namespace.FOAF)
ORG = _Terms(rdflib_namespace.ORG)
OWL = _Terms(rdflib_namespace.OWL)
RDF = _Terms(rdflib_namespace.RDF)
RDFS = _Terms(rdflib_namespace.RDFS)
SKOS = _Terms(rdflib_namespace.SKOS)
XSD = _Terms(rdflib_namespace.XSD)

SG = _Vocabulary(PREFIXES["sg"])
ID = Namespace(PREFIXES["id"])
THEME = _Vocabulary(PREFIXES["theme"])
GRADE = _Vocabulary(PREFIXES["grade"])
GRAPH = Namespace(PREFIXES["graph"])

THEME_SCHEME = URIRef(PREFIXES["theme"])
GRADE_SCHEME = URIRef(PREFIXES["grade"])
ONTOLOGY_IRI = URIRef(BASE + "ontology")
# The named graph that holds the theme and grade schemes in TriG output.
SCHEMES_GRAPH = GRAPH["schemes"]
# The graph ``kg push`` sends the ontology to; no document's graph may take its IRI.
ONTOLOGY_GRAPH = GRAPH["ontology"]

# Classes the extractors decide on, by the local name a claim carries (``SG[name]``, but
# "Organization" is ``org:Organization``: an organisation of no narrower kind). The data files
# name classes too; kg.datafiles checks those, tests/test_ontology.py these.
ORGANIZATION = "Organization"
LOCAL_AUTHORITY = "LocalAuthority"
POLICE_FORCE = "PoliceForce"
HEALTH_BODY = "HealthBody"
INSPECTORATE = "Inspectorate"
SAFEGUARDING_PARTNERSHIP = "SafeguardingPartnership"
INSPECTION = "Inspection"
PRACTICE_REVIEW = "PracticeReview"
COMMISSION = "Commission"
FAILING = "Failing"
STRENGTH = "Strength"
CLASS_NAMES = (
    ORGANIZATION,
    LOCAL_AUTHORITY,
    POLICE_FORCE,
    HEALTH_BODY,
    INSPECTORATE,
    SAFEGUARDING_PARTNERSHIP,
    INSPECTION,
    PRACTICE_REVIEW,
    COMMISSION,
    FAILING,
    STRENGTH,
)

# The kinds of data IRI (``id/<kind>/<slug>``).
KINDS = frozenset(
    {
        "organisation",
        "person",
        "membership",
        "role",
        "area",
        "child",
        "inspection",
        "practice-review",
        "peer-review",
        "commission",
        "assessment",
        "judgement",
        "finding",
        "recommendation",
        "response",
        "evidence",
        "document",
        # official statistics (kg.stats), W3C Data Cube
        "dataset",
        "structure",
        "component",
        "observation",
        "measure",
        "dimension",
    }
)

_NON_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``"Children’s Services"`` -> ``"childrens-services"``.

    Apostrophes vanish rather than split words, so "Children's" and "Childrens" agree.
    Raises ValueError when nothing sluggable is left (an IRI must never end in ``/``).
    Kept for the last texts slugged: a document's id, offsets and names come back for every IRI.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['’`]", "", ascii_text.lower().replace("&", " and "))
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    if not slug:
        raise ValueError(f"cannot make an IRI slug from {text!r}")
    return slug


def mint(kind: str, *parts: str | int) -> URIRef:
    """The data IRI ``id/<kind>/<slug of parts joined>``; ``kind`` must be one of KINDS."""
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}")
    return ID[f"{kind}/" + "-".join(slugify(str(part)) for part in parts)]


def theme_iri(theme_id: str) -> URIRef:
    return THEME[theme_id]


def grade_iri(grade_id: str) -> URIRef:
    return GRADE[grade_id]


def graph_iri(document_id: str) -> URIRef:
    """The named graph of one source document."""
    return GRAPH[document_id]
