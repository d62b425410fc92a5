"""What a gazetteer knows besides names: where a place lies.

:func:`verdict` rules a candidate out when its context contradicts ours, and counts the context
that confirms it:

- **country**: a place of ours in Japan (our container with ISO 3166-1 code ``JP``) never
  matches a record whose country code (``gn:countryCode``, or the ISO code of its ``wdt:P17`` or
  ``gn:parentCountry``) is another; a country of ours never matches a country with another code;
- **first-level division**: with ISO 3166-2 codes on both sides (ours ``mx:iso3166Code``, theirs
  ``wdt:P300`` on a container), they must agree; and when our division is already linked to a
  record that the other dataset uses as a first-level division (``gn:parentADM1``), a record
  filed under another one is elsewhere;
- **coordinates**, when both sides have them: farther apart than the radius of the kind of
  place (30 km for a city, 300 km for a region, 2,000 km for a country) is elsewhere; within a
  third of it confirms;
- a container of ours linked to a record that contains the candidate confirms it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from kg.link.entities import Entity
from kg.link.families import CITY, COUNTRY, REGION

RADIUS_KM = {CITY: 30.0, REGION: 300.0, COUNTRY: 2000.0}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in km.

    >>> round(distance_km((35.68, 139.69), (34.69, 135.50)))
    396
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def closure(e: Entity, lookup: Callable[[str], Entity | None], limit: int = 12) -> list[Entity]:
    """The places that contain *e*, transitively (a bounded walk: data may have cycles)."""
    seen: dict[str, Entity] = {}
    todo = list(e.parents)
    while todo and len(seen) < limit * 4:
        iri = todo.pop()
        if iri in seen or iri == e.iri:
            continue
        parent = lookup(iri)
        if parent is not None:
            seen[iri] = parent
            todo.extend(parent.parents)
    return list(seen.values())


def country_codes(e: Entity, containers: list[Entity]) -> set[str]:
    """The ISO 3166-1 alpha-2 codes of *e*'s country: its own when it is a country, else its containers'."""
    own = {c for c in e.codes() if len(c) == 2} | ({e.country_code} if e.country_code else set())
    if e.family == COUNTRY or own:
        return own
    return {c for p in containers if p.family == COUNTRY for c in p.codes() if len(c) == 2} | {
        p.country_code for p in containers if p.family == COUNTRY and p.country_code
    }


def division_codes(e: Entity, containers: list[Entity]) -> set[str]:
    """The ISO 3166-2 codes of *e* and its containers."""
    return {c for p in (e, *containers) for c in p.codes() if "-" in c}


@dataclass(frozen=True)
class Side:
    """One side of a comparison: the entity, its containers and how to look up the other records."""

    entity: Entity
    containers: list[Entity]


def verdict(ours: Side, theirs: Side, linked: dict[str, set[str]], adm1_records: set[str]) -> tuple[int, str] | None:
    """None when *theirs* lies elsewhere than *ours*; else the number of confirmations and a note.

    *linked* maps our IRIs to the records already linked to them; *adm1_records* are the records
    the other dataset files places under as first-level divisions.
    """
    o, t = ours.entity, theirs.entity
    ours_cc, theirs_cc = country_codes(o, ours.containers), country_codes(t, theirs.containers)
    if ours_cc and theirs_cc and not ours_cc & theirs_cc:
        return None
    ours_div, theirs_div = division_codes(o, ours.containers), division_codes(t, theirs.containers)
    if ours_div and theirs_div and not ours_div & theirs_div:
        return None
    containers = _containers(ours, theirs, linked, adm1_records)
    place = _coordinates(o, t)
    if containers is None or place is None:
        return None
    notes = containers[1] + place[1]
    if ours_cc & theirs_cc:
        notes.append(f"country {'/'.join(sorted(ours_cc & theirs_cc))}")
    return containers[0] + place[0], "; ".join(notes)


def _containers(
    ours: Side, theirs: Side, linked: dict[str, set[str]], adm1_records: set[str]
) -> tuple[int, list[str]] | None:
    """Our containers already linked: confirmed when the record lies in one, None when the record
    is filed under another first-level division."""
    confirmed, notes = 0, []
    t = theirs.entity
    their_containers = {c.iri for c in theirs.containers}
    for c in ours.containers:
        records = linked.get(c.iri, set())
        if records & their_containers:
            confirmed += 1
            notes.append(f"in {c.label} as the record is")
        elif t.adm1 is not None and records & adm1_records and t.adm1 not in records:
            return None
    return confirmed, notes


def _coordinates(o: Entity, t: Entity) -> tuple[int, list[str]] | None:
    """Coordinates on both sides: None when farther apart than the radius, confirmed within a third of it."""
    radius = RADIUS_KM.get(t.family or "")
    if o.point is None or t.point is None or radius is None:
        return 0, []
    far = distance_km(o.point, t.point)
    if far > radius:
        return None
    return (1, [f"{far:.0f} km apart"]) if far <= radius / 3 else (0, [])
