"""The graph contract's namespaces as plain strings (ONTOLOGY.md, "Namespaces"): the only
place the sgkg base IRI is written.

``kg query`` and the store need only these strings; they import this module rather than
``kg.vocab``, whose rdflib namespaces cost a command a quarter of a second to load.
"""

from __future__ import annotations

BASE = "https://w3id.org/sgkg/"

PREFIXES: dict[str, str] = {
    "sg": BASE + "ontology#",
    "id": BASE + "id/",
    "theme": BASE + "theme/",
    "grade": BASE + "grade/",
    "graph": BASE + "graph/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

RDF_TYPE = PREFIXES["rdf"] + "type"


def curie(iri: str, *, bare_namespace: bool = False) -> str | None:
    """``prefix:local`` for an IRI in one of the contract's namespaces (the longest that fits),
    None for any other IRI. The local part never starts with ``//``, which JSON-LD would read
    as an IRI of scheme ``prefix``; it is empty (``grade:``) only with ``bare_namespace``, which
    the JSON-LD export allows and the tables and the page do not (they show such an IRI whole)."""
    for prefix, namespace in _LONGEST_FIRST:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and (local or bare_namespace) and not local.startswith("//"):
            return f"{prefix}:{local}"
    return None


_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
