"""Small helpers over rdflib datasets: read a graph directory, take the union, keep the world."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import GraphDirError
from kg.sparql.store import graph_files

#: Files of a build that are not asserted data: the vocabulary and the reasoner's output.
NOT_ASSERTED = frozenset({"ontology.ttl", "shapes.ttl", "inferred.ttl"})
_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}


def read_dataset(directory: Path, *, skip: Collection[str] = NOT_ASSERTED) -> Dataset:
    """The RDF files of a graph directory as an rdflib Dataset, leaving out the files named in
    *skip* (by default the ontology, the shapes and the inferences)."""
    dataset = Dataset()
    for path in graph_files(directory):
        if path.name in skip:
            continue
        try:
            dataset.parse(path, format=_FORMATS[path.suffix])
        except Exception as exc:  # rdflib raises many parser-specific types
            raise GraphDirError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    return dataset


def merged(*datasets: Dataset) -> Dataset:
    """A new dataset holding every quad of *datasets*, graph names kept; the inputs are not changed.

    >>> from rdflib import URIRef
    >>> a, b = Dataset(), Dataset()
    >>> _ = a.graph(URIRef("urn:g")).add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o")))
    >>> _ = b.add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:x")))
    >>> len(list(merged(a, b).quads())), len(list(a.quads()))
    (2, 1)
    """
    out = Dataset()
    for dataset in datasets:
        for s, p, o, g in dataset.quads((None, None, None, None)):
            out.add((s, p, o, g))  # type: ignore[arg-type]
        for prefix, namespace in dataset.namespaces():
            out.bind(prefix, namespace, override=False)
    return out


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
