"""The one table of namespaces, and the two helpers that shorten IRIs: plain strings, no rdflib.

Everything else derives from :data:`NAMESPACES`: the rdflib namespaces of
:mod:`kg.namespaces`, the prefixes bound in output files (:data:`PREFIX_IRIS`), the prefixes a
query may use without declaring them, and the CURIE maps of SSSOM files. This module imports
nothing heavy, so the fast ``kg query`` path can use it.

>>> curie("https://w3id.org/mxjp-talent/resource/japan")
'res:japan'
>>> curie("http://example.org/x")
'<http://example.org/x>'
>>> local_name("https://w3id.org/mxjp-talent/ontology#Company")
'Company'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Every namespace the project names, by its preferred prefix.
NAMESPACES: dict[str, str] = {
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
    # known to the project but not bound in its output files
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "bibo": "http://purl.org/ontology/bibo/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "geonames": "https://sws.geonames.org/",
    "gn": "http://www.geonames.org/ontology#",
    "ror": "https://ror.org/",
    "doi": "https://doi.org/",
    "orcid": "https://orcid.org/",
}

#: The prefixes bound in the build's files and accepted by queries without a ``PREFIX`` line:
#: the project's own and the vocabularies the ontology reuses.
PREFIX_IRIS: dict[str, str] = {k: NAMESPACES[k] for k in list(NAMESPACES)[: list(NAMESPACES).index("prism") + 1]}

MX = NAMESPACES["mx"]
RES = NAMESPACES["res"]

#: A CURIE's reference: no spaces, quotes, brackets or backslashes (``/`` is allowed, as in CURIEs).
_LOCAL = re.compile(r"[^\s<>\"'{}|\\^`]+")


def curie(iri: str, prefixes: Mapping[str, str] | None = None) -> str:
    """*iri* as a prefixed name when a namespace of *prefixes* (default :data:`PREFIX_IRIS`)
    fits and leaves a reference without spaces, quotes or brackets; else ``<iri>``.

    The longest matching namespace wins, so a nested namespace is preferred to its parent.

    >>> curie("https://w3id.org/mxjp-talent/ontology#headquarteredIn")
    'mx:headquarteredIn'
    >>> curie("https://w3id.org/mxjp-talent/resource/")
    '<https://w3id.org/mxjp-talent/resource/>'
    >>> curie("http://a/b/c", {"a": "http://a/", "ab": "http://a/b/"})
    'ab:c'
    >>> curie("https://w3id.org/mxjp-talent/resource/span/1-2")
    'res:span/1-2'
    >>> curie("https://w3id.org/mxjp-talent/resource/a b")
    '<https://w3id.org/mxjp-talent/resource/a b>'
    """
    table = PREFIX_IRIS if prefixes is None else prefixes
    best: tuple[int, str] | None = None
    for prefix, namespace in table.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            if best is None or len(namespace) > best[0]:
                best = (len(namespace), prefix)
    if best is not None:
        local = iri[best[0] :]
        if _LOCAL.fullmatch(local) and not local.endswith("."):
            return f"{best[1]}:{local}"
    return f"<{iri}>"


def local_name(iri: str) -> str:
    """The last segment of *iri*, after its last ``#`` or ``/`` (a trailing ``/`` ignored).

    >>> local_name("http://sws.geonames.org/1861060/")
    '1861060'
    >>> local_name("urn:x")
    'urn:x'
    """
    trimmed = iri.rstrip("/") or iri
    return re.split(r"[#/]", trimmed)[-1] or trimmed


def expand(name: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The IRI of a prefixed name; raises :class:`KeyError` for an unknown prefix.

    >>> expand("skos:altLabel")
    'http://www.w3.org/2004/02/skos/core#altLabel'
    """
    prefix, _, local = name.partition(":")
    table = NAMESPACES if prefixes is None else prefixes
    if prefix not in table or not local:
        raise KeyError(name)
    return table[prefix] + local


def prefix_lines(prefixes: Mapping[str, str] | None = None) -> str:
    """SPARQL ``PREFIX`` declarations for *prefixes* (default :data:`PREFIX_IRIS`).

    >>> prefix_lines({"mx": MX})
    'PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>\\n'
    """
    table = PREFIX_IRIS if prefixes is None else prefixes
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in table.items())
