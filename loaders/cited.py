"""Which cited work each in-text citation of the index names, and which of the curated claims a
citation can support (those the paper states, with a span of their own)."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from kg.errors import InputError
from kg.namespaces import resource, slug
from loaders.labels import family_name
from loaders.model import STATED, Curated, Entity

Span = tuple[int, int]


def matches(work: Entity, ids: dict[str, Entity], citation: dict[str, Any]) -> bool:
    if work.extra["year"] != citation["year"]:
        return False
    first = family_name(ids[work.extra["authors"][0]]).lower()
    cited = citation["authors"][0].lower()
    return cited == first or cited.endswith(" " + first)


def resolve_citations(curated: Curated, index: dict[str, Any]) -> list[tuple[tuple[int, int], str]]:
    works = sorted(curated.of_kind("work"), key=lambda e: e.id)
    out = []
    for citation in index["citations"]:
        found = [w.id for w in works if matches(w, curated.entities, citation)]
        if len(found) != 1:
            what = "no cited work" if not found else f"several works ({', '.join(found)})"
            names = " & ".join(citation["authors"])
            raise InputError(
                "loaders/data/works.yaml",
                f"the in-text citation {names} {citation['year']} at [{citation['start']}, {citation['end']}] matches {what}",
            )
        out.append(((citation["start"], citation["end"]), found[0]))
    return out


def paragraph_of(index: dict[str, Any], offset: int) -> tuple[int, int]:
    for paragraph in index["paragraphs"]:
        ps, pe = paragraph["span"]
        if ps <= offset < pe:
            return ps, pe
    return offset, offset + 1


def stated_claims(curated: Curated) -> list[tuple[tuple[int, int], URIRef]]:
    """The curated claims the paper states with their own evidence spans (an entity's description,
    each stated fact with its own span), for linking citations to what they support: a fact the
    curators inferred, or took from a record, is not what a citation of the paper supports."""
    out = []
    for entity in sorted(curated.entities.values(), key=lambda e: e.id):
        if entity.kind == "entity" and entity.evidence is not None and entity.type not in ("Person", "Paper"):
            out.append((entity.evidence, resource("claim", entity.id)))
        for fact in entity.facts:
            if fact.evidence is not None and fact.basis == STATED:
                target = fact.obj if fact.obj is not None else slug(str(fact.value))
                out.append((fact.evidence, resource("claim", entity.id, slug(fact.predicate), target)))
    return out
