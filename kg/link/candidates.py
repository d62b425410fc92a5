"""Blocking: which records of the other dataset are worth comparing with each of ours.

A record is a candidate for one of our entities when one of its names has the same key (or the
same key without its designator, or the same romaji reading) as one of ours, or, for Latin
names, a Levenshtein similarity at or above the threshold. The fuzzy step runs in batches through
rapidfuzz's ``cdist`` (compiled, both cores), so a quarter of a million records with a million
names take seconds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kg.link.context import closure, country_codes
from kg.link.dataset import Dataset
from kg.link.entities import Entity
from kg.link.families import compatible
from kg.link.names import HAN, JAPANESE, LATIN, bare, fold, roman_key, script_of

_BATCH = 20_000


class Blocker:
    """An index of our names, and the candidates found for each of ours."""

    def __init__(self, ours: Iterable[Entity], threshold: float, families: dict[str, str]) -> None:
        self.threshold = threshold
        self.their_families = families
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.roman: dict[str, set[str]] = defaultdict(set)
        self.families: dict[str, str | None] = {}
        fuzzy: dict[str, set[str]] = defaultdict(set)
        for o in ours:
            self.families[o.iri] = o.family
            for name in o.names:
                for key in (name.key, name.bare):
                    if key:
                        self.exact[key].add(o.iri)
                        if name.script == LATIN:
                            fuzzy[key].add(o.iri)
                if name.roman and name.script in (JAPANESE, HAN):
                    self.roman[name.roman].add(o.iri)
        self._wanted = {
            f: any(compatible(f, mine) for mine in set(self.families.values())) for f in set(families.values())
        }
        self.fuzzy_keys = sorted(fuzzy)
        self.fuzzy_owners = [fuzzy[k] for k in self.fuzzy_keys]
        self.found: dict[str, set[str]] = defaultdict(set)
        self._pending: dict[str, list[str]] = defaultdict(list)

    def wanted(self, family: str | None) -> bool:
        """Whether a record of *family* may match one of ours at all."""
        return family is not None and self._wanted.get(family, False)

    def add(self, subject: str, names: Iterable[tuple[str, str, bool]], family: str | None) -> None:
        """Look at the names of one record."""
        exact, roman = self.exact, self.roman
        for text, _, _ in names:
            script = script_of(text)
            key = fold(text, script)
            stripped = bare(key, script) if " " in key or script == HAN else None
            if key in exact:
                self._hit(subject, family, exact[key])
            if stripped and stripped in exact:
                self._hit(subject, family, exact[stripped])
            if script == LATIN:
                if roman and (rk := roman_key(stripped or key)) in roman:
                    self._hit(subject, family, roman[rk])
                self._pending[key].append(subject)
                if stripped:
                    self._pending[stripped].append(subject)
        if len(self._pending) >= _BATCH:
            self.flush()

    def _hit(self, subject: str, family: str | None, owners: set[str]) -> None:
        for owner in owners:
            if compatible(self.families[owner], family):
                self.found[owner].add(subject)

    def flush(self) -> None:
        """Compare the pending Latin keys with ours, fuzzily, in compiled batches: keys of one
        length against our keys of a length that can reach the threshold (the rest cannot)."""
        by_length: dict[int, list[str]] = defaultdict(list)
        for key in self._pending:
            by_length[len(key)].append(key)
        t = self.threshold
        for length, keys in by_length.items():
            lo, hi = math.ceil(length * t - 1e-9), math.floor(length / t + 1e-9)
            cols = [i for i, k in enumerate(self.fuzzy_keys) if lo <= len(k) <= hi]
            if not cols:
                continue
            scores = process.cdist(
                keys,
                [self.fuzzy_keys[i] for i in cols],
                scorer=Levenshtein.normalized_similarity,
                score_cutoff=t,
                dtype=np.float32,
                workers=-1,
            )
            rows, found = np.nonzero(scores >= t)
            for row, col in zip(rows.tolist(), found.tolist(), strict=True):
                for subject in self._pending[keys[row]]:
                    self._hit(subject, self.their_families.get(subject), self.fuzzy_owners[cols[col]])
        self._pending.clear()


def countries_by_family(
    ours: list[Entity], everything: dict[str, Entity], families: set[str]
) -> dict[str, set[str] | None]:
    """For each family of the other dataset, the countries our comparable entities lie in; None
    when one of them has no known country (then no record can be left out by its country)."""
    codes = {o.iri: country_codes(o, closure(o, everything.get)) for o in ours}
    out: dict[str, set[str] | None] = {}
    for family in families:
        mine = [codes[o.iri] for o in ours if compatible(o.family, family)]
        out[family] = None if any(not c for c in mine) else set().union(*mine)
    return out


def find_candidates(
    ours: dict[str, Entity],
    data: Dataset,
    threshold: float,
    taken: set[str],
    everything: dict[str, Entity] | None = None,
) -> dict[str, set[str]]:
    """For each of *ours*, the records of *data* worth comparing (records in *taken* left out).

    A record whose country code is known and is the country of none of our entities of a
    compatible family is not looked at: the country rule of :mod:`kg.link.context` would rule it
    out anyway, and skipping it early spares most of a world gazetteer's cities.
    """
    present = set(data.family.values())
    comparable = [o for o in ours.values() if any(compatible(o.family, f) for f in present)]
    allowed = countries_by_family(comparable, everything or ours, present)
    blocker = Blocker(comparable, threshold, data.family)
    country = data.country
    for subject, names in data.labels.items():
        family = data.family.get(subject)
        if not blocker.wanted(family) or subject in taken:
            continue
        codes = allowed.get(family or "")
        if codes is not None and (code := country.get(subject)) is not None and code not in codes:
            continue
        blocker.add(subject, names, family)
    blocker.flush()
    return dict(blocker.found)
