"""Proposals as an SSSOM table, reviewed tables merged into a graph file, and evaluation
against a gold standard."""

from __future__ import annotations

import datetime
from pathlib import Path

from kg.atomic import write_bytes
from kg.errors import InputError
from kg.link.propose import Proposal
from kg.terms import NAMESPACES, curie

#: The CURIE map every SSSOM file of ours starts with.
PREFIXES = {k: NAMESPACES[k] for k in ("res", "skos", "owl", "semapv", "wd", "ror", "doi", "orcid", "geonames")}


def evaluate(proposals: list[Proposal], gold: set[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of the proposed (subject, object) pairs against the gold pairs."""
    found = {(p.subject, p.object) for p in proposals}
    right = len(found & gold)
    precision = right / len(found) if found else 1.0
    recall = right / len(gold) if gold else 1.0
    return precision, recall


def read_gold(path: Path) -> set[tuple[str, str]]:
    """A gold file: ``#`` comments, then lines of ``subject IRI <TAB> object IRI``."""
    pairs = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise InputError(path, "expected subject IRI <TAB> object IRI", number)
        pairs.add((cells[0].strip(), cells[1].strip()))
    return pairs


def _namespace(iri: str) -> str:
    """The IRI up to its last ``/`` or ``#`` that leaves a non-empty local name.

    >>> _namespace("http://example.org/place/japan/"), _namespace("http://example.org/p#x")
    ('http://example.org/place/', 'http://example.org/p#')
    """
    cut = max(iri.rfind("/", 0, len(iri) - 1), iri.rfind("#", 0, len(iri) - 1))
    return iri[: cut + 1]


def to_sssom(proposals: list[Proposal], other: Path, threshold: float, date: str | None = None) -> str:
    """The proposals as an SSSOM TSV, with a curie_map covering every IRI."""
    prefixes = dict(PREFIXES)
    extra = sorted({_namespace(p.object) for p in proposals} - set(prefixes.values()))
    for n, ns in enumerate(extra, start=1):
        prefixes[f"other{n}"] = ns
    date = date or datetime.date.today().isoformat()
    head = (
        ["# curie_map:"]
        + [f"#   {k}: {v}" for k, v in sorted(prefixes.items())]
        + [
            f"# mapping_set_id: urn:kg:link:{other.name}",
            f"# mapping_set_description: Links proposed by kg link between the graph and {other.name} (threshold {threshold}); review before merging.",
            "# license: https://creativecommons.org/licenses/by/4.0/",
            f"# mapping_date: {date}",
        ]
    )
    columns = [
        "subject_id",
        "subject_label",
        "predicate_id",
        "object_id",
        "object_label",
        "mapping_justification",
        "confidence",
        "author_id",
        "mapping_date",
        "similarity_score",
        "similarity_measure",
        "comment",
    ]
    lines = head + ["\t".join(columns)]
    for p in proposals:
        cells = [
            _curie_of(p.subject, prefixes),
            p.subject_label,
            _curie_of(p.predicate, prefixes),
            _curie_of(p.object, prefixes),
            p.object_label,
            p.justification,
            f"{p.confidence:g}",
            "res:agent/kg-link",
            date,
            f"{p.confidence:g}",
            p.measure,
            p.comment,
        ]
        lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
    return "\n".join(lines) + "\n"


def merge(accept: Path, into: Path) -> int:
    """Add the accepted mappings of *accept* (SSSOM) to the graph file *into* (Turtle), atomically.

    Returns the number of links written.
    """
    from rdflib import Graph, URIRef

    from loaders.mappings import read_sssom

    accepted = read_sssom(accept, strict=False)
    graph = Graph()
    if into.exists():
        try:
            graph.parse(into, format="turtle")
        except Exception as exc:  # rdflib raises many parser-specific exception types
            raise InputError(into, f"not valid Turtle: {exc}") from None
    before = len(graph)
    for m in accepted.mappings:
        graph.add((URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)))
    from kg.namespaces import bind_prefixes

    bind_prefixes(graph)
    write_bytes(into, graph.serialize(format="turtle", encoding="utf-8"))
    return len(graph) - before


def _curie_of(iri: str, prefixes: dict[str, str]) -> str:
    found = curie(iri, prefixes)
    if found.startswith("<"):
        raise ValueError(f"{iri}: no prefix of the CURIE map fits")
    return found
