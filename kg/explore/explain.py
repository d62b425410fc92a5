"""`kg explain`: every fact about one entity, with the section and span of the paper behind it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.explore.projection import KIND_WORDS
from kg.paths import read_query
from kg.resolve import names_of
from kg.sparql.store import GraphStore
from kg.terms import curie, local_name


@dataclass(frozen=True)
class Fact:
    """One asserted fact about the entity, with where the paper supports it and how it is known."""

    direction: str  # "out": entity is the subject; "in": the object
    property: str
    value: str
    start: int | None
    end: int | None
    section: str | None
    method: str
    source: str | None
    lang: str | None = None  # the value's language tag, for a text value
    kind: str = "stated"  # stated | inferred | record
    reason: str | None = None  # why the curators hold an inferred fact
    record: str | None = None  # the record a fact is taken from


def how_known(fact: Fact) -> str:
    """The kind of statement in words, with the reason or the record.

    >>> how_known(Fact("out", "p", "v", None, None, None, "curation", None, kind="inferred", reason="common knowledge"))
    'inferred: common knowledge'
    """
    if fact.kind == "inferred" and fact.reason:
        return f"inferred: {fact.reason}"
    if fact.kind == "record" and fact.record:
        return f"record: {fact.record}"
    return fact.kind


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
    solutions = store.query(read_query("reports/explain"), {"entity": ox.NamedNode(iri)})
    return iri, [_fact(solution) for solution in solutions]


def _fact(row: Any) -> Fact:
    other, label = row["other"], row["otherLabel"]
    lang = None
    if isinstance(other, ox.Literal):
        value, lang = other.value, other.language
    elif label is not None:
        value = label.value
    else:
        value = curie(other.value) if isinstance(other, ox.NamedNode) else str(other)
    section, kind = row["section"], row["kind"]
    return Fact(
        direction=row["direction"].value,
        property=curie(row["property"].value),
        value=value,
        start=int(row["start"].value) if row["start"] is not None else None,
        end=int(row["end"].value) if row["end"] is not None else None,
        section=section.value.rsplit("section-", 1)[-1] if section is not None else None,
        method=local_name(row["method"].value),
        source=row["source"].value if row["source"] is not None else None,
        lang=lang,
        kind=KIND_WORDS.get(local_name(kind.value), "stated") if kind is not None else "stated",
        reason=row["reason"].value if row["reason"] is not None else None,
        record=row["record"].value if row["record"] is not None else None,
    )


def quote(paper_text: str | None, fact: Fact) -> str:
    """The paper's words at the fact's whole span, read at run time from the user's copy (never
    stored), on one line: the terminal wraps it."""
    if paper_text is None or fact.start is None or fact.end is None:
        return ""
    return " ".join(paper_text[fact.start : fact.end].split())


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
            "value": f"{f.value} @{f.lang}" if f.lang else f.value,
            "section": f.section or "",
            "span": f"{f.start}–{f.end}" if f.start is not None else (f.source or ""),
            "how known": how_known(f),
            **({"the paper says": quote(paper_text, f)} if paper_text else {}),
        }
        for f in facts
    ]
