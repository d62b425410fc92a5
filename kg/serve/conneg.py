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
