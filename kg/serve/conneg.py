"""Content negotiation for the endpoint: pick a result format from Accept or a ``format`` name."""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import EndpointError


@dataclass(frozen=True)
class Format:
    """A result format: its short name (as in :mod:`kg.sparql.results`) and media type."""

    name: str
    media_type: str


SOLUTIONS = {
    "json": Format("json", "application/sparql-results+json"),
    "xml": Format("xml", "application/sparql-results+xml"),
    "csv": Format("csv", "text/csv; charset=utf-8"),
    "tsv": Format("tsv", "text/tab-separated-values; charset=utf-8"),
}
GRAPHS = {
    "turtle": Format("turtle", "text/turtle; charset=utf-8"),
    "ntriples": Format("ntriples", "application/n-triples"),
    "jsonld": Format("jsonld", "application/ld+json"),
    "xml": Format("xml", "application/rdf+xml"),
}

_SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
}
#: Media types that name an RDF syntax (a client asking for one of them wants RDF, not a page).
RDF_TYPES: frozenset[str] = frozenset(_GRAPH_TYPES)
_ALIASES = {
    "n3": "turtle",
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf+xml": "xml",
    "sparql-results+json": "json",
    "sparql-results+xml": "xml",
}


def accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (by q, then order); ``*/*`` when absent.

    >>> accepted("text/csv;q=0.5, application/sparql-results+json")
    ['application/sparql-results+json', 'text/csv']
    """
    if not header:
        return ["*/*"]
    ranked = []
    for index, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def choose(graph: bool, accept: str | None, fmt: str | None) -> Format:
    """The format for a result (*graph* for CONSTRUCT/DESCRIBE): the ``format`` parameter wins.

    >>> choose(False, "text/csv", None).name, choose(True, "*/*", None).name, choose(True, None, "json-ld").name
    ('csv', 'turtle', 'jsonld')
    """
    table, types, default = (GRAPHS, _GRAPH_TYPES, "turtle") if graph else (SOLUTIONS, _SOLUTION_TYPES, "json")
    if fmt:
        key = fmt.strip().lower()
        name = types.get(key.split(";")[0]) or _ALIASES.get(key, key)
        if name not in table:
            kinds = "turtle, ntriples, jsonld or xml" if graph else "json, xml, csv or tsv"
            raise EndpointError(406, f"format {fmt!r} is not available for this query; choose {kinds}")
        return table[name]
    media_types = accepted(accept)
    for media in media_types:
        if media in types:
            return table[types[media]]
        if media in ("*/*", "application/*", "text/*"):
            return table[default]
    raise EndpointError(
        406,
        f"none of the accepted types ({accept}) is available; "
        f"this query answers in {', '.join(f.media_type.split(';')[0] for f in table.values())}",
    )


def language(header: str | None, available: list[str] | set[str], default: str = "en") -> str:
    """The language to show, from an Accept-Language *header* and the *available* language tags:
    the reader's first choice that is available (``ja-JP`` takes ``ja``), else *default* when
    available, else an untagged text, else the first available in order.

    >>> language("ja-JP,ja;q=0.9,en;q=0.8", {"en", "es", "ja"}), language("fr", {"en", "ja"})
    ('ja', 'en')
    >>> language(None, {"es"}), language("*", {"", "es"})
    ('es', '')
    """
    tags = {tag.lower(): tag for tag in available}
    for wanted in accepted(header):
        if wanted == "*/*" or wanted == "*":
            break
        for candidate in (wanted, wanted.split("-")[0]):
            if candidate in tags:
                return tags[candidate]
        for tag in sorted(tags):
            if tag.split("-")[0] == wanted.split("-")[0]:
                return tags[tag]
    if default in tags:
        return tags[default]
    if "" in tags:
        return ""
    return sorted(tags.values())[0] if tags else default
