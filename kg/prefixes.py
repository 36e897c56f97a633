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
