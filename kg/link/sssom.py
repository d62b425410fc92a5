"""Proposals as an SSSOM table (written by sssom-py), reviewed tables merged into a graph file
with their provenance, and evaluation against a gold standard."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from urllib.parse import quote

from kg.atomic import write_bytes
from kg.errors import InputError
from kg.link.propose import Proposal
from kg.terms import NAMESPACES, curie
from loaders.sssom import quiet

#: The CURIE map every SSSOM file of ours starts with.
PREFIXES = {k: NAMESPACES[k] for k in ("res", "skos", "owl", "semapv", "wd", "ror", "doi", "orcid", "geonames")}


def evaluate(proposals: list[Proposal], gold: set[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of the proposed links (rows to review left out) against the gold pairs."""
    found = {(p.subject, p.object) for p in proposals if not p.needs_review}
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


COLUMNS = (
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
)
REVIEW = "needs review"


def to_sssom(proposals: list[Proposal], other: str, threshold: float, date: str | None = None) -> str:
    """The proposals as an SSSOM TSV written by sssom-py, with a curie_map covering every IRI.

    A row to review keeps its close rivals in its comment, which starts with ``needs review``.
    """
    import curies
    import pandas as pd

    with quiet():
        from sssom.util import MappingSetDataFrame
        from sssom.writers import write_table

    prefixes = dict(PREFIXES)
    extra = sorted({_namespace(p.object) for p in proposals} - set(prefixes.values()))
    for n, ns in enumerate(extra, start=1):
        prefixes[f"other{n}"] = ns
    date = date or datetime.date.today().isoformat()
    rows = [
        {
            "subject_id": _curie_of(p.subject, prefixes),
            "subject_label": p.subject_label,
            "predicate_id": _curie_of(p.predicate, prefixes),
            "object_id": _curie_of(p.object, prefixes),
            "object_label": p.object_label,
            "mapping_justification": p.justification,
            "confidence": p.confidence,
            "author_id": "res:agent/kg-link",
            "mapping_date": date,
            "similarity_score": p.confidence,
            "similarity_measure": p.measure,
            "comment": _review_note(p, prefixes) if p.needs_review else p.comment,
        }
        for p in proposals
    ]
    metadata = {
        "mapping_set_id": f"urn:kg:link:{quote(other, safe='')}",
        "mapping_set_description": f"Links proposed by kg link between the graph and {other} "
        f"(threshold {threshold}); review before merging.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "mapping_date": date,
    }
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    msdf = MappingSetDataFrame.with_converter(curies.Converter.from_prefix_map(prefixes), frame, metadata)
    buffer = io.StringIO()
    with quiet():
        write_table(msdf, buffer)
    return buffer.getvalue()


def _review_note(p: Proposal, prefixes: dict[str, str]) -> str:
    rivals = ", ".join(f"{_curie_of(iri, prefixes)} ({label})" for iri, label in p.alternatives)
    return f"{REVIEW}: {len(p.alternatives)} close candidates: {rivals}; keep one row with the right object_id and remove this note"


def merge(accept: Path, into: Path) -> tuple[int, int]:
    """Add the accepted mappings of *accept* (SSSOM) to the Turtle file *into*, atomically: each
    as its triple (``res:x skos:closeMatch <record>``) and as SSSOM's own RDF (an ``owl:Axiom``
    with justification, confidence, author and date, written by sssom-py). Rows still marked
    *needs review* are skipped. Returns (links written, rows skipped).
    """
    from rdflib import Graph, URIRef

    with quiet():
        from sssom.util import MappingSetDataFrame
        from sssom.writers import to_rdf_graph

    from kg.namespaces import bind_prefixes
    from loaders.mappings import read_sssom

    accepted = read_sssom(accept, strict=False)
    graph = Graph()
    if into.exists():
        try:
            graph.parse(into, format="turtle")
        except Exception as exc:  # rdflib raises many parser-specific exception types
            raise InputError(into, f"not valid Turtle: {exc}") from None
    fresh = [
        m
        for m in accepted.mappings
        if not m.comment.startswith(REVIEW) and (m.subject, m.predicate, m.object) not in graph
    ]
    skipped = sum(1 for m in accepted.mappings if m.comment.startswith(REVIEW))
    if fresh and accepted.msdf is not None:
        keep = {(m.subject_id, m.predicate_id, m.object_id) for m in fresh}
        frame = accepted.msdf.df
        mask = [(r.subject_id, r.predicate_id, r.object_id) in keep for r in frame.itertuples()]
        subset = MappingSetDataFrame.with_converter(accepted.msdf.converter, frame[mask], accepted.msdf.metadata)
        with quiet():
            provenance = to_rdf_graph(subset)
        for triple in provenance:
            graph.add(triple)
    for m in fresh:
        graph.add((URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)))
    bind_prefixes(graph)
    graph.bind("sssom", "https://w3id.org/sssom/")
    write_bytes(into, graph.serialize(format="turtle", encoding="utf-8"))
    return len(fresh), skipped


def _curie_of(iri: str, prefixes: dict[str, str]) -> str:
    found = curie(iri, prefixes)
    if found.startswith("<"):
        raise ValueError(f"{iri}: no prefix of the CURIE map fits")
    return found
