"""The project's prefixes as plain strings: importable without rdflib, for the fast query path.

:mod:`kg.namespaces` builds its rdflib namespaces from this table; a test checks they agree.
"""

from __future__ import annotations

PREFIX_IRIS: dict[str, str] = {
    "mx": "https://w3id.org/mxjp-talent/ontology#",
    "res": "https://w3id.org/mxjp-talent/resource/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "fabio": "http://purl.org/spar/fabio/",
    "cito": "http://purl.org/spar/cito/",
    "qb": "http://purl.org/linked-data/cube#",
    "oa": "http://www.w3.org/ns/oa#",
    "doco": "http://purl.org/spar/doco/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
}
