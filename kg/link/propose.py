"""``kg link``: propose links between our graph and another RDF dataset, as SSSOM.

Two passes, in order of trust:

1. **Shared identifiers.** An entity of the other dataset that carries the same Wikidata QID,
   ROR, DOI, ORCID, GeoNames id, ISBN or ISO 3166 code as one of ours (as ``skos:exactMatch``,
   ``owl:sameAs`` or ``schema:sameAs`` IRIs, as identifier literals such as ``wdt:P1566``, or
   because its own IRI is such an identifier) is proposed as ``skos:exactMatch``
   (``semapv:MappingChaining``).
2. **Labels.** The others are compared by label with rapidfuzz (accents, case, punctuation and
   corporate suffixes ignored; every language compared, so ``Japón``@es meets ``Japón``@es),
   guarded by the class family (a country never matches a state; a person never matches a
   company) and, for people, by family and given names. Only the best unambiguous candidate at
   or above the threshold is proposed, as ``skos:closeMatch``.

An entity already linked by an identifier is never linked by label. Proposals are written as an
SSSOM TSV with scores and justifications; reviewed rows can be merged into a graph file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from kg.errors import UsageError
from kg.link.entities import Entity, collect, load_other, normalise, our_families
from kg.sparql.store import GraphStore
from kg.terms import NAMESPACES

SKOS = NAMESPACES["skos"]


@dataclass(frozen=True)
class Proposal:
    """A proposed link from one of our entities to one of theirs."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    justification: str
    confidence: float
    measure: str
    comment: str


def _compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    return (a == "place" and b.startswith("place:")) or (b == "place" and a.startswith("place:"))


def _person_names(e: Entity) -> tuple[str | None, str | None]:
    family = e.family_name
    given = e.given_name
    if family is None and e.labels:
        label = e.label
        if "," in label:
            family, _, given = (x.strip() for x in label.partition(","))
        else:
            parts = label.split()
            family = parts[-1]
            given = " ".join(parts[:-1]) or given
    return (normalise(family) if family else None, normalise(given) if given else None)


def _persons_agree(a: Entity, b: Entity) -> bool:
    """Same family name, and full given names on both sides that agree: a surname alone, or an
    initial, never proves that two people are the same (S. Kobayashi may be Shinichi or not)."""
    fa, ga = _person_names(a)
    fb, gb = _person_names(b)
    if not fa or fa != fb or not ga or not gb:
        return False
    full_a, full_b = [g for g in ga.split() if len(g) > 1], [g for g in gb.split() if len(g) > 1]
    return bool(full_a and full_b) and fuzz.ratio(" ".join(full_a), " ".join(full_b)) >= 90


def label_score(a: Entity, b: Entity) -> float:
    """The best rapidfuzz token-sort ratio (0-1) over the two entities' labels, in any language."""
    best = 0.0
    ours = {normalise(t) for t, _ in a.labels}
    theirs = {normalise(t) for t, _ in b.labels}
    for x in ours:
        for y in theirs:
            if x and y:
                best = max(best, fuzz.token_sort_ratio(x, y) / 100.0)
    return best


def propose(ours: dict[str, Entity], theirs: dict[str, Entity], threshold: float = 0.9) -> list[Proposal]:
    """Proposals from *ours* to *theirs*: shared identifiers first, then labels (see the module doc)."""
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--threshold {threshold}: must be between 0 and 1")
    out = by_identifier(ours, theirs)
    linked = {p.object for p in out}
    for their_iri, t in sorted(theirs.items()):
        if their_iri not in linked and their_iri not in ours and t.labels:
            proposal = by_label(ours, t, threshold)
            if proposal is not None:
                out.append(proposal)
    return sorted(out, key=lambda p: (p.subject, p.object))


def by_identifier(ours: dict[str, Entity], theirs: dict[str, Entity]) -> list[Proposal]:
    """``skos:exactMatch`` proposals for the records that share an identifier with one of ours."""
    by_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri, e in ours.items():
        for ident in e.ids:
            by_id[ident].append(iri)
    out: list[Proposal] = []
    for their_iri, t in sorted(theirs.items()):
        if their_iri in ours:
            continue
        hits: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for ident in t.ids:
            for our_iri in by_id.get(ident, []):
                hits[our_iri].append(ident)
        for our_iri, shared in sorted(hits.items()):
            what = ", ".join("an earlier link" if s == "iri" else f"{s} {v}" for s, v in sorted(shared))
            out.append(
                Proposal(
                    our_iri,
                    ours[our_iri].label,
                    SKOS + "exactMatch",
                    their_iri,
                    t.label,
                    "semapv:MappingChaining",
                    round(1.0 / len(hits), 3),
                    "shared identifier",
                    f"both carry {what}",
                )
            )
    return out


def by_label(ours: dict[str, Entity], t: Entity, threshold: float) -> Proposal | None:
    """A ``skos:closeMatch`` proposal for *t*: the one of ours whose labels are closest, when it is
    of a compatible class family, at or above *threshold*, and not tied with another."""
    scored = []
    for our_iri, o in ours.items():
        if not _compatible(o.family, t.family):
            continue
        if o.family == "person" and not _persons_agree(o, t):
            continue
        score = label_score(o, t)
        if score >= threshold:
            scored.append((score, our_iri))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # ambiguous: two of ours fit equally well
    score, our_iri = scored[0]
    o = ours[our_iri]
    return Proposal(
        our_iri,
        o.label,
        SKOS + "closeMatch",
        t.iri,
        t.label,
        "semapv:LexicalMatching" if score == 1.0 else "semapv:LexicalSimilarityThresholdMatching",
        round(score, 3),
        "rapidfuzz token_sort_ratio on normalised labels",
        f"label match within class family {o.family}",
    )


def link(graph_dir: Path, other: Path, threshold: float = 0.9) -> list[Proposal]:
    """Propose links between the graph in *graph_dir* and the RDF file *other*."""
    families = our_families()
    ours = collect(GraphStore.open(graph_dir), families, ours=True)
    theirs = collect(load_other(other), families, ours=False)
    return propose(ours, theirs, threshold)
