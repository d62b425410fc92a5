"""Identifiers shared with external records (Wikidata, ROR, DOI, ORCID, GeoNames, ISO 3166,
ISBN) in their IRI and literal forms, normalised so that equal identifiers compare equal."""

from __future__ import annotations

import re

from kg.terms import NAMESPACES

N = NAMESPACES
SCHEMA_HTTP = "http://schema.org/"  # schema.org's older scheme, still common in data

#: Identifier literal properties and the scheme of their values (None: guess from the value).
ID_LITERALS: dict[str, str | None] = {
    N["wdt"] + "P1566": "geonames",
    N["wdt"] + "P6782": "ror",
    N["wdt"] + "P356": "doi",
    N["wdt"] + "P496": "orcid",
    N["wdt"] + "P297": "iso3166",
    N["wdt"] + "P300": "iso3166",
    N["wdt"] + "P212": "isbn",
    N["wdt"] + "P957": "isbn",
    N["mx"] + "iso3166Code": "iso3166",
    N["bibo"] + "doi": "doi",
    N["prism"] + "doi": "doi",
    N["dcterms"] + "identifier": None,
    N["schema"] + "identifier": None,
    SCHEMA_HTTP + "identifier": None,
}
#: IRI forms of identifiers: (regex, scheme).
_ID_IRIS = (
    (re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q\d+)$"), "wikidata"),
    (re.compile(r"^https?://ror\.org/(0[a-z0-9]{8})$"), "ror"),
    (re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$", re.I), "doi"),
    (re.compile(r"^https?://orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$"), "orcid"),
    (re.compile(r"^https?://(?:sws\.|www\.)?geonames\.org/(\d+)(?:/.*)?$"), "geonames"),
)
_ID_LITERALS = (
    (re.compile(r"^(Q\d+)$"), "wikidata"),
    (re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$"), "ror"),
    (re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I), "doi"),
    (re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$"), "orcid"),
)


def identifier_of_iri(iri: str) -> tuple[str, str] | None:
    """The (scheme, value) of an identifier IRI, or None.

    >>> identifier_of_iri("https://www.wikidata.org/wiki/Q17")
    ('wikidata', 'Q17')
    >>> identifier_of_iri("http://sws.geonames.org/1861060/")
    ('geonames', '1861060')
    """
    for pattern, scheme in _ID_IRIS:
        match = pattern.match(iri)
        if match:
            value = match.group(1)
            return scheme, value.lower() if scheme == "doi" else value
    return None


_ID_HOSTS = ("wikidata.org/", "ror.org/", "doi.org/", "orcid.org/", "geonames.org/")


def own_identifier(iri: str) -> tuple[str, str] | None:
    """:func:`identifier_of_iri`, with a quick look at the host first (run on every record of a
    large dataset).

    >>> own_identifier("urn:x-gaz:1"), own_identifier("https://sws.geonames.org/1850147/")
    (None, ('geonames', '1850147'))
    """
    return identifier_of_iri(iri) if any(host in iri for host in _ID_HOSTS) else None


def identifier_of_literal(value: str, scheme: str | None) -> tuple[str, str] | None:
    """The (scheme, value) of an identifier literal; *scheme* None means guess it from the value.

    >>> identifier_of_literal("https://doi.org/10.1057/JIBS.2013.33", None)
    ('doi', '10.1057/jibs.2013.33')
    >>> identifier_of_literal("JP", "iso3166")
    ('iso3166', 'JP')
    """
    value = value.strip()
    if scheme is not None and scheme not in ("doi", "ror", "orcid"):
        if scheme == "isbn":
            value = re.sub(r"[^0-9X]", "", value.upper())
        return (scheme, value) if value else None
    for pattern, guess in _ID_LITERALS:
        if scheme is not None and guess != scheme:
            continue
        match = pattern.match(value)
        if match:
            found = match.group(1)
            return guess, found.lower() if guess == "doi" else found
    return None
