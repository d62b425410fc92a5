"""Namespaces: the ontology's closed namespace, resource IRIs and the reused vocabularies."""

from __future__ import annotations

import re

from rdflib import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, Namespace, URIRef

from kg._mx import MX

RES = Namespace("https://w3id.org/mxjp-talent/resource/")
ONTOLOGY_IRI = URIRef("https://w3id.org/mxjp-talent/ontology")
VERSION_IRI_BASE = "https://w3id.org/mxjp-talent/ontology/"

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")
DOCO = Namespace("http://purl.org/spar/doco/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")

PREFIXES: dict[str, Namespace] = {
    "mx": Namespace(str(MX._NS)),
    "res": RES,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "prov": Namespace(str(PROV)),
    "schema": SCHEMA,
    "org": ORG,
    "fabio": FABIO,
    "cito": CITO,
    "qb": QB,
    "oa": OA,
    "doco": DOCO,
    "prism": PRISM,
}

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
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES or not local:
        raise KeyError(curie)
    return PREFIXES[prefix][local]


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


def bind_prefixes(graph) -> None:  # type: ignore[no-untyped-def]
    """Bind the project's prefixes on an rdflib graph or dataset, for readable output."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
