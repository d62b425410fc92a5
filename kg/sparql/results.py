"""Writing SPARQL results: W3C JSON, XML, CSV and TSV formats, Turtle for graphs, and tables."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.terms import curie

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


def serialize(result: Any, fmt: str) -> bytes:
    """Serialise a pyoxigraph query result; graphs go to Turtle unless *fmt* names an RDF format."""
    if isinstance(result, ox.QueryTriples):
        rdf = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        return ox.serialize(result, format=rdf) or b""
    return result.serialize(format=RESULT_FORMATS[fmt]) or b""


def short(term: Any) -> str:
    """A term as a person reads it: prefixed IRIs (:func:`kg.terms.curie`), bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)
