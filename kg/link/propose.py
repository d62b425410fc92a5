"""``kg link``: propose links between our graph and another dataset, as SSSOM.

Two passes, in order of trust:

1. **Shared identifiers.** A record of the other dataset that carries the same Wikidata QID,
   ROR, DOI, ORCID, GeoNames id, ISBN or ISO 3166 code as one of ours (as ``skos:exactMatch``,
   ``owl:sameAs`` or ``schema:sameAs`` IRIs, as identifier literals such as ``wdt:P1566``, or
   because its own IRI is such an identifier) is proposed as ``skos:exactMatch``
   (``semapv:MappingChaining``).
2. **Names and context**, for our entities that step 1 did not link, against the records it did
   not take: candidates by name (:mod:`kg.link.candidates`, :mod:`kg.link.names`), of a
   compatible class family, in the same place (:mod:`kg.link.context`), scored and put through
   the margin test (:mod:`kg.link.score`). Containers go first (continents, countries,
   divisions, then cities), so a city can be checked against the division just linked. Each
   record goes to one of ours at most (one-to-one). A confident link is a ``skos:closeMatch``;
   close rivals give one row *to review* that names them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import UsageError
from kg.link.candidates import find_candidates
from kg.link.context import Side, closure, verdict
from kg.link.dataset import Dataset, Progress, read_dataset
from kg.link.entities import Entity, collect
from kg.link.families import CITY, CONTINENT, COUNTRY, PLACE, REGION, our_families
from kg.link.identifiers import own_identifier
from kg.link.score import Candidate, Decision, candidate, decide
from kg.sparql.store import GraphStore
from kg.terms import NAMESPACES

SKOS = NAMESPACES["skos"]
MARGIN = 0.05
_ORDER = {CONTINENT: 0, COUNTRY: 1, REGION: 2, CITY: 3, PLACE: 4}


@dataclass(frozen=True)
class Proposal:
    """A proposed link from one of our entities to one of theirs; *alternatives* are the close
    rivals of a row to review (empty for a confident link)."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    justification: str
    confidence: float
    measure: str
    comment: str
    alternatives: tuple[tuple[str, str], ...] = field(default=())

    @property
    def needs_review(self) -> bool:
        """Whether this row stands for several close candidates that a person must choose between."""
        return bool(self.alternatives)


def by_identifier(ours: dict[str, Entity], data: Dataset) -> list[Proposal]:
    """``skos:exactMatch`` proposals for the records that share an identifier with one of ours."""
    by_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri, e in ours.items():
        for ident in e.ids:
            by_id[ident].append(iri)
    out: list[Proposal] = []
    for their_iri in sorted(_sharing(by_id, data)):
        if their_iri in ours:
            continue
        t = data.entity(their_iri)
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


def _sharing(by_id: dict[tuple[str, str], list[str]], data: Dataset) -> set[str]:
    """The records of *data* with an identifier of ours (their own IRI included)."""
    found = {s for s, ids in data.ids.items() if not ids.isdisjoint(by_id)}
    for subject in data.labels.keys() | data.family.keys():
        if ("iri", subject) in by_id or ((own := own_identifier(subject)) is not None and own in by_id):
            found.add(subject)
    return found


def by_name(
    ours: dict[str, Entity],
    data: Dataset,
    threshold: float,
    linked: dict[str, set[str]],
    taken: set[str],
    margin: float = MARGIN,
    everything: dict[str, Entity] | None = None,
) -> list[Proposal]:
    """Proposals by name and context for *ours* (see the module docstring); *everything* holds all
    our entities, linked or not, to look up containers in."""
    everything = everything or ours
    found = find_candidates(ours, data, threshold, taken, everything)
    adm1_records = set(data.adm1.values())
    out: list[Proposal] = []
    for our_iri in sorted(ours, key=lambda i: (_ORDER.get(ours[i].family or "", 9), i)):
        o = ours[our_iri]
        mine = Side(o, closure(o, everything.get))
        scored = []
        for their_iri in sorted(found.get(our_iri, set()) - taken):
            t = data.entity(their_iri)
            context = verdict(mine, Side(t, closure(t, _lookup(data))), linked, adm1_records)
            if context is not None and (c := candidate(o, t, threshold, context)) is not None:
                scored.append(c)
        decision = decide(scored, margin)
        if decision.best is not None:
            taken.add(decision.best.iri)
            linked.setdefault(our_iri, set()).add(decision.best.iri)
        if (proposal := _proposal(o, decision)) is not None:
            out.append(proposal)
    return out


def _lookup(data: Dataset) -> Callable[[str], Entity | None]:
    def get(iri: str) -> Entity | None:
        return data.entity(iri) if iri in data.family or iri in data.labels or iri in data.ids else None

    return get


def _proposal(o: Entity, decision: Decision) -> Proposal | None:
    best = decision.best or (decision.review[0] if decision.review else None)
    if best is None:
        return None
    review = decision.review
    exact = best.score == 1.0
    comment = f"{best.why}; family {o.family}"
    if review:
        names = ", ".join(f"{c.iri} ({c.label}, {c.score:g})" for c in review)
        comment = f"needs review: {len(review)} close candidates: {names}"
    return Proposal(
        o.iri,
        o.label,
        SKOS + "closeMatch",
        best.iri,
        best.label,
        "semapv:LexicalMatching" if exact else "semapv:LexicalSimilarityThresholdMatching",
        round(best.score / (2 if review else 1), 3),
        "kg link names and context (Levenshtein within a script, romaji across)",
        comment,
        tuple((c.iri, c.label) for c in review),
    )


def propose(ours: dict[str, Entity], data: Dataset, threshold: float = 0.9, margin: float = MARGIN) -> list[Proposal]:
    """Proposals from *ours* to the records of *data*: shared identifiers first, then names."""
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"--threshold {threshold}: must be above 0 and at most 1")
    out = by_identifier(ours, data)
    linked: dict[str, set[str]] = defaultdict(set)
    for p in out:
        linked[p.subject].add(p.object)
    unlinked = {iri: e for iri, e in ours.items() if iri not in linked and e.family is not None}
    out += by_name(unlinked, data, threshold, linked, {p.object for p in out}, margin, ours)
    return sorted(out, key=lambda p: (p.subject, p.object))


def read_ours(graph_dir: Path) -> dict[str, Entity]:
    """Our entities, from the graph in *graph_dir*."""
    return collect(GraphStore.open(graph_dir), our_families(), ours=True)


def link(
    graph_dir: Path, other: Path, threshold: float = 0.9, *, margin: float = MARGIN, progress: Progress | None = None
) -> list[Proposal]:
    """Propose links between the graph in *graph_dir* and the RDF file *other* (streamed;
    ``progress(bytes_read, total)`` is called as it is read)."""
    ours = read_ours(graph_dir)
    return propose(ours, read_dataset(other, progress, our_families()), threshold, margin)


__all__ = ["Candidate", "Proposal", "by_identifier", "by_name", "link", "propose", "read_ours"]
