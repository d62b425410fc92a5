"""`kg explain`: every fact about one entity, with the section and span of the paper behind it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import UnknownEntity
from kg.namespaces import PREFIXES, RES
from kg.paths import queries_dir
from kg.store import GraphStore

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?s ?label WHERE {
  { ?s rdfs:label ?label } UNION { ?s skos:altLabel ?label }
  FILTER(STRSTARTS(STR(?s), STR(res:)))
}
"""


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


def short(iri: str) -> str:
    """A prefixed name for *iri* where a prefix fits.

    >>> short("https://w3id.org/mxjp-talent/resource/ntt-docomo")
    'res:ntt-docomo'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)):]}"
    return iri


def resolve(store: GraphStore, name: str) -> str:
    """The IRI of the entity called *name*: an id (``ntt-docomo``), an IRI, or a label.

    Raises :class:`UnknownEntity` with close labels when nothing matches, or the candidates when
    several do.
    """
    if name.startswith("http://") or name.startswith("https://"):
        iri = name
    elif name.startswith("res:"):
        iri = str(RES) + name[4:]
    else:
        iri = str(RES) + name
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        node = None
    if node is not None and bool(store.query("ASK { ?s ?p ?o }", {"s": node})):
        return iri
    labels: dict[str, set[str]] = {}
    for row in store.rows(_LABELS.replace("res:", f"<{RES}>")):
        labels.setdefault(str(row["label"]).casefold(), set()).add(str(row["s"]))
    hits = labels.get(name.casefold(), set())
    if len(hits) == 1:
        return next(iter(hits))
    if len(hits) > 1:
        listed = ", ".join(sorted(short(h) for h in hits))
        raise UnknownEntity(f"{name!r} names {len(hits)} entities: {listed}; give the id instead")
    from rapidfuzz import process

    close = process.extract(name.casefold(), list(labels), limit=3, score_cutoff=70)
    hint = "; did you mean: " + ", ".join(repr(c[0]) for c in close) if close else ""
    raise UnknownEntity(f"no entity is called {name!r}{hint}")


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
    sparql = (queries_dir() / "reports" / "explain.rq").read_text(encoding="utf-8")
    facts = []
    for row in store.rows(sparql, {"entity": ox.NamedNode(iri)}):
        other = row["other"]
        value = row.get("otherLabel") or (short(other) if str(other).startswith("http") else str(other))
        section = row.get("section")
        facts.append(Fact(
            direction=row["direction"],
            property=short(row["property"]),
            value=str(value),
            start=row.get("start"),
            end=row.get("end"),
            section=str(section).rsplit("section-", 1)[-1] if section else None,
            method=short(row["method"]).split(":", 1)[-1],
            source=row.get("source"),
        ))
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
