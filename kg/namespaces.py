"""Namespaces: the ontology's closed namespace, resource IRIs and the reused vocabularies."""

from __future__ import annotations

import re

from rdflib import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, Graph, Namespace, URIRef

from kg._mx import MX
from kg.terms import NAMESPACES, PREFIX_IRIS
from kg.terms import expand as expand_str

__all__ = [
    "CITO",
    "DCTERMS",
    "DOCO",
    "EXTERNAL_PROPERTIES",
    "FABIO",
    "FOAF",
    "MX",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PRISM",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "RES",
    "SCHEMA",
    "SDMX_DIM",
    "SH",
    "SKOS",
    "VANN",
    "VERSION_IRI_BASE",
    "XSD",
    "bind_prefixes",
    "expand",
    "resource",
    "slug",
]

RES = Namespace(NAMESPACES["res"])
ONTOLOGY_IRI = URIRef(NAMESPACES["mx"].rstrip("#"))
VERSION_IRI_BASE = NAMESPACES["mx"].rstrip("#") + "/"

SCHEMA = Namespace(NAMESPACES["schema"])
ORG = Namespace(NAMESPACES["org"])
FABIO = Namespace(NAMESPACES["fabio"])
CITO = Namespace(NAMESPACES["cito"])
QB = Namespace(NAMESPACES["qb"])
OA = Namespace(NAMESPACES["oa"])
DOCO = Namespace(NAMESPACES["doco"])
PRISM = Namespace(NAMESPACES["prism"])
VANN = Namespace(NAMESPACES["vann"])
SH = Namespace(NAMESPACES["sh"])
SDMX_DIM = Namespace(NAMESPACES["sdmx-dimension"])

#: The prefixes bound in output files, as rdflib namespaces (derived from :mod:`kg.terms`).
PREFIXES: dict[str, Namespace] = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}

#: Reused properties a curated fact may use, by prefixed name, with their kind.
EXTERNAL_PROPERTIES: dict[str, str] = {
    "dcterms:title": "literal",
    "dcterms:alternative": "literal",
    "dcterms:issued": "literal",
    "dcterms:identifier": "literal",
    "dcterms:language": "literal",
    "dcterms:license": "iri",
    "dcterms:creator": "object",
    "dcterms:publisher": "object",
    "dcterms:subject": "object",
    "foaf:familyName": "literal",
    "foaf:givenName": "literal",
    "foaf:homepage": "iri",
    "fabio:hasPublicationYear": "literal",
    "prism:volume": "literal",
    "prism:issueIdentifier": "literal",
    "prism:startingPage": "literal",
    "prism:endingPage": "literal",
    "prism:publicationName": "literal",
    "prism:issn": "literal",
    "prism:keyword": "literal",
    "schema:numberOfEmployees": "literal",
    "schema:foundingDate": "literal",
    "schema:url": "iri",
    "skos:related": "object",
    "skos:broader": "object",
    "skos:note": "literal",
}

_SLUG = re.compile(r"[^a-z0-9]+")


def expand(curie: str) -> URIRef:
    """Expand a prefixed name such as ``foaf:familyName``.

    >>> expand("foaf:familyName")
    rdflib.term.URIRef('http://xmlns.com/foaf/0.1/familyName')
    """
    return URIRef(expand_str(curie, PREFIX_IRIS))


def resource(*parts: str) -> URIRef:
    """Mint the IRI of a resource from curated ids, never from counters.

    >>> resource("claim", "ntt-docomo")
    rdflib.term.URIRef('https://w3id.org/mxjp-talent/resource/claim/ntt-docomo')
    """
    return RES["/".join(parts)]


def slug(text: str) -> str:
    """A lowercase kebab slug of *text*, for IRIs made from literal values.

    >>> slug("2012-06-30")
    '2012-06-30'
    """
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset, for readable output."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
