"""What the matcher knows of a resource, on either side: names, types, identifiers, and the
context a gazetteer gives (containers, country code, coordinates, population).

Our side is read from the built graph with the queries of ``queries/link/`` (one property at a
time, bound by the caller); the other dataset is streamed by :mod:`kg.link.dataset`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from kg.link.families import family_of
from kg.link.identifiers import ID_LITERALS, SCHEMA_HTTP, identifier_of_iri, identifier_of_literal
from kg.link.names import Name, fold
from kg.paths import read_query
from kg.sparql.store import GraphStore
from kg.terms import NAMESPACES, RES, local_name

N = NAMESPACES
RDFS, SKOS, OWL, SCHEMA, FOAF, GN, WDT = N["rdfs"], N["skos"], N["owl"], N["schema"], N["foaf"], N["gn"], N["wdt"]
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"

#: Name properties: True for a preferred name (shown first), False for an alternate one.
LABEL_PROPERTIES: dict[str, bool] = {
    RDFS + "label": True,
    SKOS + "prefLabel": True,
    SCHEMA + "name": True,
    SCHEMA_HTTP + "name": True,
    FOAF + "name": True,
    GN + "name": True,
    GN + "officialName": True,
    SKOS + "altLabel": False,
    SCHEMA + "alternateName": False,
    SCHEMA_HTTP + "alternateName": False,
    GN + "alternateName": False,
    GN + "shortName": False,
    GN + "colloquialName": False,
}
SAME_PROPERTIES = (SKOS + "exactMatch", OWL + "sameAs", SCHEMA + "sameAs", SCHEMA_HTTP + "sameAs")
NAME_PROPERTIES = {
    FOAF + "familyName": "family",
    SCHEMA + "familyName": "family",
    FOAF + "givenName": "given",
    SCHEMA + "givenName": "given",
}
#: Properties from a place to a place that contains it.
PARENT_PROPERTIES = (
    N["mx"] + "locatedIn",
    SCHEMA + "containedInPlace",
    GN + "parentCountry",
    GN + "parentADM1",
    GN + "parentADM2",
    GN + "parentFeature",
    WDT + "P131",
    WDT + "P17",
)
ADM1_PROPERTY = GN + "parentADM1"
_SUFFIXES = {
    "co",
    "corp",
    "corporation",
    "inc",
    "ltd",
    "limited",
    "kabushiki",
    "kaisha",
    "kk",
    "sa",
    "de",
    "cv",
    "the",
    "company",
    "group",
}
_POINT = re.compile(r"^\s*Point\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$", re.I)


@dataclass(eq=False)
class Entity:
    """What the matcher knows of one resource."""

    iri: str
    labels: list[tuple[str, str, bool]] = field(default_factory=list)  # (text, lang, preferred)
    types: set[str] = field(default_factory=set)
    ids: set[tuple[str, str]] = field(default_factory=set)  # (scheme, value)
    family_name: str | None = None
    given_name: str | None = None
    family: str | None = None
    parents: set[str] = field(default_factory=set)  # IRIs of the places that contain it
    adm1: str | None = None  # the first-level division a gazetteer files it under (gn:parentADM1)
    country_code: str | None = None  # ISO 3166-1 alpha-2 code of its country (gn:countryCode)
    point: tuple[float, float] | None = None  # latitude, longitude
    population: int | None = None

    @property
    def label(self) -> str:
        """The name to show: English first, preferred names before alternate ones, then untagged
        names (GeoNames' main name), then any; the IRI's last segment when it has none."""
        if not self.labels:
            return local_name(self.iri)

        def rank(item: tuple[str, str, bool]) -> tuple[int, int, str, str]:
            text, lang, preferred = item
            order = 0 if lang == "en" else 1 if lang == "" else 2
            return (0 if preferred else 1, order, lang, text)

        return min(self.labels, key=rank)[0]

    @cached_property
    def names(self) -> list[Name]:
        """The labels with their comparison keys (computed once, when first compared)."""
        return [Name.of(text, lang, preferred) for text, lang, preferred in dict.fromkeys(self.labels)]

    def codes(self, scheme: str = "iso3166") -> set[str]:
        """The values of its identifiers of one scheme (default: its ISO 3166 codes)."""
        return {value for s, value in self.ids if s == scheme}


def normalise(text: str) -> str:
    """Lowercase words without accents, punctuation or corporate suffixes (organisations, people).

    >>> normalise("Nippon Steel & Sumitomo Metal Corporation")
    'nippon steel and sumitomo metal'
    >>> normalise("Japón"), normalise("ブラジル")
    ('japon', 'ブラジル')
    """
    words = fold(text).split()
    kept = [w for w in words if w not in _SUFFIXES]
    return " ".join(kept or words)


def point_of(value: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a WKT ``Point(long lat)`` literal (Wikidata's P625), or None.

    >>> point_of("Point(139.69 35.68)")
    (35.68, 139.69)
    """
    match = _POINT.match(value)
    return (float(match.group(2)), float(match.group(1))) if match else None


def _values(store: GraphStore, query: str, prop: str) -> list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]:
    return [(row[0], row[1]) for row in store.query(read_query(query), {"p": ox.NamedNode(prop)})]


def collect(store: GraphStore, families: dict[str, str], *, ours: bool) -> dict[str, Entity]:
    """The entities of *store*: ours are our resources with a class of our ontology; theirs are any
    IRI with a label or an identifier."""
    found: dict[str, Entity] = {}

    def get(node: ox.NamedNode) -> Entity | None:
        if ours and not node.value.startswith(RES):
            return None
        return found.setdefault(node.value, Entity(node.value))

    for s, t in store.query(read_query("link/types")):
        if (e := get(s)) is not None:
            e.types.add(t.value)
    for prop, preferred in LABEL_PROPERTIES.items():
        for s, label in _values(store, "link/literals", prop):
            if isinstance(label, ox.Literal) and (e := get(s)) is not None:
                e.labels.append((label.value, label.language or "", preferred))
    for prop in (*SAME_PROPERTIES, SKOS + "closeMatch"):
        for s, o in _values(store, "link/iris", prop):
            if (e := get(s)) is not None:
                e.ids.add(("iri", o.value))  # a link made earlier (by hand or by `kg link --merge`)
                if ident := identifier_of_iri(o.value):
                    e.ids.add(ident)
    _collect_literals(store, found)
    for prop in PARENT_PROPERTIES:
        for s, o in _values(store, "link/iris", prop):
            if (e := found.get(s.value)) is not None:
                e.parents.add(o.value)
    return keep(found, families, ours=ours)


def _collect_literals(store: GraphStore, found: dict[str, Entity]) -> None:
    for prop, scheme in ID_LITERALS.items():
        for s, o in _values(store, "link/literals", prop):
            if (ident := identifier_of_literal(o.value, scheme)) and (e := found.get(s.value)) is not None:
                e.ids.add(ident)
    for prop, part in NAME_PROPERTIES.items():
        for s, o in _values(store, "link/literals", prop):
            if (e := found.get(s.value)) is not None:
                setattr(e, f"{part}_name", o.value)
    lat = {s.value: o.value for s, o in _values(store, "link/literals", WGS84 + "lat")}
    for s, o in _values(store, "link/literals", WGS84 + "long"):
        if (e := found.get(s.value)) is not None and s.value in lat:
            e.point = (float(lat[s.value]), float(o.value))


def keep(found: dict[str, Entity], families: dict[str, str], *, ours: bool) -> dict[str, Entity]:
    """The entities worth matching: with a label or an identifier, and for ours a class of ours.
    Theirs also count their own IRI as an identifier (a Wikidata or GeoNames extract)."""
    out = {}
    for iri, e in found.items():
        if not ours:
            e.ids.add(("iri", iri))
            if own := identifier_of_iri(iri):
                e.ids.add(own)
        e.family = family_of(e.types, families)
        if ours and not any(t in families for t in e.types):
            continue
        if e.labels or e.ids:
            out[iri] = e
    return out
