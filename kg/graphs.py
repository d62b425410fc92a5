"""Small helpers over rdflib datasets."""

from __future__ import annotations

from rdflib import Dataset, Graph


def union(dataset: Dataset) -> Graph:
    """All triples of every graph of *dataset*, default and named, in one new graph.

    (``Dataset.triples`` alone sees the default graph only unless ``default_union`` is set.)

    >>> from rdflib import URIRef
    >>> ds = Dataset()
    >>> ds.graph(URIRef("urn:g")).add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o")))  # doctest: +ELLIPSIS
    <Graph identifier=urn:g ...>
    >>> len(union(ds))
    1
    """
    out = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        out.add((s, p, o))
    return out


def world(graph: Graph) -> Graph:
    """The triples about the paper's world: *graph* without the provenance of claims and spans.

    The reasoner needs only these; leaving out the provenance (about half the triples) keeps
    HermiT fast without hiding any contradiction about the world.
    """
    from rdflib import RDF

    from kg.namespaces import MX

    skip = set(graph.subjects(RDF.type, MX.Claim)) | set(graph.subjects(RDF.type, MX.TextSpan))
    out = Graph()
    for s, p, o in graph:
        if s not in skip:
            out.add((s, p, o))
    return out
