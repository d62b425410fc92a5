"""`kg explain`: every fact about one entity, with the section and span of the paper behind it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.paths import read_query
from kg.resolve import names_of
from kg.sparql.store import GraphStore
from kg.terms import curie


@dataclass(frozen=True)
class Fact:
    """One asserted fact about the entity, with where the paper supports it."""

    direction: str  # "out": entity is the subject; "in": the object
    property: str
    value: str
    start: int | None
    end: int | None
    section: str | None
    method: str
    source: str | None


def resolve(store: GraphStore, name: str) -> str:
    """The IRI of the resource called *name* (see :mod:`kg.resolve`): any resource of the graph,
    named or not, can be given by id or IRI."""
    return names_of(store).resolve(name, exists=lambda iri: _exists(store, iri), what="entity")


def _exists(store: GraphStore, iri: str) -> bool:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return bool(store.query(read_query("reports/exists"), {"s": node}))


def explain(store: GraphStore, name: str) -> tuple[str, list[Fact]]:
    """The entity's IRI and every asserted fact about it, subject side first.

    >>> import pyoxigraph as ox
    >>> s = GraphStore.from_rdf(
    ...     '<https://w3id.org/mxjp-talent/resource/claim/x> { <https://w3id.org/mxjp-talent/resource/x> '
    ...     '<http://www.w3.org/2000/01/rdf-schema#label> "X"@en } '
    ...     '<https://w3id.org/mxjp-talent/resource/claim/x> <https://w3id.org/mxjp-talent/ontology#method> '
    ...     '<https://w3id.org/mxjp-talent/ontology#curation> .', ox.RdfFormat.TRIG)
    >>> iri, facts = explain(s, "x")
    >>> [(f.property, f.value, f.method) for f in facts]
    [('rdfs:label', 'X', 'curation')]
    """
    iri = resolve(store, name)
    sparql = read_query("reports/explain")
    facts = []
    for row in store.rows(sparql, {"entity": ox.NamedNode(iri)}):
        other = row["other"]
        value = row.get("otherLabel") or (curie(other) if str(other).startswith("http") else str(other))
        section = row.get("section")
        facts.append(
            Fact(
                direction=row["direction"],
                property=curie(row["property"]),
                value=str(value),
                start=row.get("start"),
                end=row.get("end"),
                section=str(section).rsplit("section-", 1)[-1] if section else None,
                method=curie(row["method"]).split(":", 1)[-1],
                source=row.get("source"),
            )
        )
    return iri, facts


def quote(paper_text: str | None, fact: Fact, width: int = 90) -> str:
    """The paper's words at the fact's span, read at run time from the user's copy (never stored)."""
    if paper_text is None or fact.start is None or fact.end is None:
        return ""
    text = " ".join(paper_text[fact.start : fact.end].split())
    return text if len(text) <= width else text[: width - 1] + "…"


def load_paper_text(path: Path | None) -> str | None:
    """The paper's text when available, for quoting evidence; None otherwise."""
    from kg.paths import default_paper
    from loaders.paper import read_paper

    path = path or default_paper()
    return read_paper(path).text if path else None


def as_rows(facts: list[Fact], paper_text: str | None) -> list[dict[str, Any]]:
    """Facts as printable rows."""
    return [
        {
            "": "→" if f.direction == "out" else "←",
            "property": f.property,
            "value": f.value,
            "section": f.section or "",
            "span": f"{f.start}–{f.end}" if f.start is not None else (f.source or ""),
            "how": f.method,
            **({"the paper says": quote(paper_text, f)} if paper_text else {}),
        }
        for f in facts
    ]
