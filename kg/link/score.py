"""How well a record's names agree with one of ours, and which candidate wins.

A candidate is scored by its best name agreement (0-1, the number compared with the
threshold), then ranked by what else speaks for it: context confirmed (:mod:`kg.link.context`),
*support* (for each of our languages or scripts, the quality of its best agreement: the same key
counts 3, the same key without designator or read as romaji 2, a fuzzy one 1), and languages in
which both sides have names that disagree (*contradictions*: Americas@en against South
America@en). A candidate with more contradictions than agreeing languages is dropped.

:func:`decide` applies the margin test: when another candidate scores within *margin* of the
best and nothing (context, support, a population ten times larger) sets the best apart, the
entity gets one row *to review* listing them all instead of a confident link.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from kg.link.entities import Entity, normalise
from kg.link.families import PERSON
from kg.link.names import compare

PROMINENCE = 10  # a record this many times more populous than its rivals is the one a text means


@dataclass(frozen=True)
class Candidate:
    """One record of the other dataset, scored against one of ours."""

    iri: str
    label: str
    score: float
    support: int
    agree: int
    contradict: int
    context: int
    population: int
    why: str

    @property
    def rank(self) -> tuple[int, int, int]:
        """What sets two candidates of close scores apart, most telling first."""
        return (self.context, self.support, self.agree - self.contradict)


@dataclass(frozen=True)
class Decision:
    """The outcome for one of ours: a link, a row to review (with every close candidate), or nothing."""

    best: Candidate | None
    review: tuple[Candidate, ...] = ()


def name_evidence(o: Entity, t: Entity, threshold: float) -> tuple[float, int, int, int, str] | None:
    """(best score, support, agreeing languages, contradicting languages, why) of two entities' names."""
    best, why = 0.0, ""
    support: dict[str, int] = {}
    agreeing: set[str] = set()
    their_langs = {b.lang for b in t.names if b.lang}
    shared = {a.lang for a in o.names if a.lang} & their_langs
    for a in o.names:
        for b in t.names:
            found = compare(a, b)
            if found is None:
                continue
            score, quality = found
            if score > best:
                best, why = score, f"{a.text!r} ~ {b.text!r}"
            if score >= threshold:
                channel = a.lang or a.script
                support[channel] = max(support.get(channel, 0), quality)
                if a.lang and a.lang == b.lang:
                    agreeing.add(a.lang)
    if best < threshold:
        return None
    contradict = len(shared - agreeing)
    if contradict > len(agreeing):
        return None
    return best, sum(support.values()), len(agreeing), contradict, why


def persons_agree(a: Entity, b: Entity) -> bool:
    """Same family name, and full given names on both sides that agree: a surname alone, or an
    initial, never proves that two people are the same (S. Kobayashi may be Shinichi or not)."""
    fa, ga = _person_names(a)
    fb, gb = _person_names(b)
    if not fa or fa != fb or not ga or not gb:
        return False
    full_a, full_b = [g for g in ga.split() if len(g) > 1], [g for g in gb.split() if len(g) > 1]
    return bool(full_a and full_b) and fuzz.ratio(" ".join(full_a), " ".join(full_b)) >= 90


def _person_names(e: Entity) -> tuple[str | None, str | None]:
    family, given = e.family_name, e.given_name
    if family is None and e.labels:
        label = e.label
        if "," in label:
            family, _, given = (x.strip() for x in label.partition(","))
        else:
            parts = label.split()
            family = parts[-1]
            given = " ".join(parts[:-1]) or given
    return (normalise(family) if family else None, normalise(given) if given else None)


def candidate(o: Entity, t: Entity, threshold: float, context: tuple[int, str]) -> Candidate | None:
    """*t* scored against *o*, or None when their names do not agree well enough."""
    if o.family == PERSON and not persons_agree(o, t):
        return None
    evidence = name_evidence(o, t, threshold)
    if evidence is None:
        return None
    score, support, agree, contradict, why = evidence
    confirmed, note = context
    return Candidate(
        t.iri,
        t.label,
        round(score, 3),
        support,
        agree,
        contradict,
        confirmed,
        t.population or 0,
        why + (f"; {note}" if note else ""),
    )


def decide(candidates: list[Candidate], margin: float) -> Decision:
    """The margin test over one entity's candidates (see the module docstring)."""
    if not candidates:
        return Decision(None)
    ordered = sorted(candidates, key=lambda c: (-c.score, c.iri))
    close = [c for c in ordered if c.score >= ordered[0].score - margin]
    if len(close) == 1:
        return Decision(close[0])
    close.sort(key=lambda c: (c.rank, c.score, c.population), reverse=True)
    top, rivals = close[0], close[1:]
    if all(top.rank > r.rank for r in rivals):
        return Decision(top)
    tied = [r for r in rivals if r.rank == top.rank]
    if top.population and all(top.population >= PROMINENCE * max(r.population, 1) for r in tied):
        if all(top.rank >= r.rank for r in rivals):
            return Decision(top)
    return Decision(None, tuple(close))
