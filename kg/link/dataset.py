"""The other dataset, streamed: a gazetteer of a quarter of a million records is read triple by
triple with pyoxigraph's parser (no store, no rdflib graph), keeping only what the matcher
uses, and turned into :class:`~kg.link.entities.Entity` objects only for the records it compares.

Reads Turtle, N-Triples, N-Quads, TriG, N3, RDF/XML and JSON-LD, each optionally gzipped
(``.nt.gz``). ``progress(done, total)`` is called with bytes read as the file is parsed.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import InputError
from kg.link.entities import (
    ADM1_PROPERTY,
    LABEL_PROPERTIES,
    NAME_PROPERTIES,
    PARENT_PROPERTIES,
    SAME_PROPERTIES,
    WGS84,
    Entity,
    point_of,
)
from kg.link.families import FAMILIES, OUR_ROOTS
from kg.link.identifiers import ID_LITERALS, identifier_of_iri, identifier_of_literal
from kg.terms import NAMESPACES

N = NAMESPACES
RDF_TYPE = N["rdf"] + "type"
GN, WDT, SKOS = N["gn"], N["wdt"], N["skos"]
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}
TYPE_PROPERTIES = {RDF_TYPE, WDT + "P31", GN + "featureCode", GN + "featureClass"}
POPULATION_PROPERTIES = {GN + "population", WDT + "P1082"}
Progress = Callable[[int, int], None]
_RANK = {family: rank for rank, (_, family) in enumerate(OUR_ROOTS)}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of *path* from its extension (``.gz`` looked through).

    >>> rdf_format(Path("extract.nt.gz")).name
    'N-Triples'
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes or suffixes[-1] not in FORMATS:
        raise InputError(path, f"unknown RDF format (use {', '.join(sorted(FORMATS))}, optionally .gz)")
    return FORMATS[suffixes[-1]]


@dataclass
class Dataset:
    """What was kept of the other dataset, by subject IRI (compact: a quarter of a million records
    fit in a few hundred megabytes)."""

    path: Path
    labels: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    family: dict[str, str] = field(default_factory=dict)
    ids: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    adm1: dict[str, str] = field(default_factory=dict)
    country: dict[str, str] = field(default_factory=dict)
    lat: dict[str, float] = field(default_factory=dict)
    long: dict[str, float] = field(default_factory=dict)
    points: dict[str, tuple[float, float]] = field(default_factory=dict)
    population: dict[str, int] = field(default_factory=dict)
    persons: dict[str, dict[str, str]] = field(default_factory=dict)
    _cache: dict[str, Entity] = field(default_factory=dict, repr=False)

    def entity(self, iri: str) -> Entity:
        """The resource *iri* as an :class:`Entity` (built once)."""
        found = self._cache.get(iri)
        if found is not None:
            return found
        e = Entity(iri, labels=list(self.labels.get(iri, ())), family=self.family.get(iri))
        e.ids = set(self.ids.get(iri, ())) | {("iri", iri)}
        if own := identifier_of_iri(iri):
            e.ids.add(own)
        e.parents = set(self.parents.get(iri, ()))
        e.adm1 = self.adm1.get(iri)
        e.country_code = self.country.get(iri)
        e.point = self.points.get(iri) or (
            (self.lat[iri], self.long[iri]) if iri in self.lat and iri in self.long else None
        )
        e.population = self.population.get(iri)
        person = self.persons.get(iri, {})
        e.family_name, e.given_name = person.get("family"), person.get("given")
        self._cache[iri] = e
        return e


def read_dataset(path: Path, progress: Progress | None = None, families: dict[str, str] | None = None) -> Dataset:
    """Stream the RDF file *path* and keep names, class families, identifiers and place context;
    *families* adds classes of our ontology to the well-known ones (another graph in our shape).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "other.ttl"
    >>> _ = path.write_text('<http://ex.org/jp> <http://www.w3.org/2000/01/rdf-schema#label> "Japón"@es ; '
    ...                     '<http://www.wikidata.org/prop/direct/P31> <http://www.wikidata.org/entity/Q6256> .')
    >>> data = read_dataset(path)
    >>> data.entity("http://ex.org/jp").label, data.family["http://ex.org/jp"]
    ('Japón', 'place:country')
    """
    if not path.is_file():
        raise InputError(path, "no such file")
    fmt = rdf_format(path)
    total = path.stat().st_size
    data = Dataset(path)
    keeper = _Keeper(data, {**FAMILIES, **(families or {})})
    with path.open("rb") as raw:
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if path.suffix.lower() == ".gz" else raw  # type: ignore[assignment]
        try:
            with _Ticker(raw, total, progress):
                keeper.read(ox.parse(stream, fmt, lenient=True))  # read only: IRIs are not checked, syntax is
        except (SyntaxError, ValueError, OSError, EOFError) as exc:
            raise InputError(path, f"not valid {fmt.name}: {' '.join(str(exc).split())}") from None
    if progress is not None:
        progress(total, total)
    return data


def from_quads(quads: Iterable[ox.Quad], name: str, families: dict[str, str] | None = None) -> Dataset:
    """A :class:`Dataset` of quads already in memory (the answers of an endpoint)."""
    data = Dataset(Path(name))
    _Keeper(data, {**FAMILIES, **(families or {})}).read(iter(quads))
    return data


_LABEL, _ALT_LABEL, _TYPE, _PARENT, _SAME, _ID, _COUNTRY, _LAT, _LONG, _POINT, _POPULATION, _PERSON = range(12)
_CODES: dict[str, int] = {
    **{p: _LABEL if preferred else _ALT_LABEL for p, preferred in LABEL_PROPERTIES.items()},
    **{p: _TYPE for p in TYPE_PROPERTIES},
    **{p: _PARENT for p in PARENT_PROPERTIES},
    **{p: _SAME for p in (*SAME_PROPERTIES, SKOS + "closeMatch")},
    **{p: _ID for p in ID_LITERALS},
    GN + "countryCode": _COUNTRY,
    WGS84 + "lat": _LAT,
    WGS84 + "long": _LONG,
    WDT + "P625": _POINT,
    **{p: _POPULATION for p in POPULATION_PROPERTIES},
    **{p: _PERSON for p in NAME_PROPERTIES},
}


class _Ticker:
    """Reports the bytes read every half second from a thread, so the parsing loop stays bare."""

    def __init__(self, raw: IO[bytes], total: int, progress: Progress | None) -> None:
        self.raw, self.total, self.progress = raw, total, progress
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.done.wait(0.5):
            if self.progress is not None and not self.raw.closed:
                self.progress(self.raw.tell(), self.total)

    def __enter__(self) -> _Ticker:
        if self.progress is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()


class _Keeper:
    """Sorts each triple into the field of :class:`Dataset` it feeds; the loop is kept flat
    because it runs once per triple (millions of times)."""

    def __init__(self, data: Dataset, families: dict[str, str]) -> None:
        self.data = data
        self.families = families
        self.intern: dict[str, str] = {}

    def read(self, quads: Iterator[ox.Quad]) -> None:
        labels, codes, literal, named = self.data.labels, _CODES, ox.Literal, ox.NamedNode
        for quad in quads:
            prop = quad.predicate.value
            code = codes.get(prop)
            if code is None:
                continue
            obj, subject_node = quad.object, quad.subject
            if type(subject_node) is not named:
                continue  # blank nodes and quoted triples name no record
            subject: str = subject_node.value
            if code <= _ALT_LABEL:
                if type(obj) is literal:
                    item = (obj.value, obj.language or "", code == _LABEL)
                    found = labels.get(subject)
                    if found is None:
                        labels[subject] = [item]
                    else:
                        found.append(item)
            elif type(obj) is literal:
                self._literal(code, subject, prop, obj)
            elif type(obj) is named:
                self._link(code, subject, prop, obj.value)

    def _literal(self, code: int, s: str, prop: str, obj: ox.Literal) -> None:
        data, value = self.data, obj.value
        try:
            if code == _COUNTRY:
                data.country[s] = value.strip().upper()
            elif code == _LAT:
                data.lat[s] = float(value)
            elif code == _LONG:
                data.long[s] = float(value)
            elif code == _POINT and (point := point_of(value)):
                data.points[s] = point
            elif code == _POPULATION:
                data.population[s] = int(float(value))
        except ValueError:
            return  # a malformed number is no context, not a reason to stop
        if code == _ID and (ident := identifier_of_literal(value, ID_LITERALS[prop])):
            data.ids.setdefault(s, set()).add(ident)
        elif code == _PERSON:
            data.persons.setdefault(s, {})[NAME_PROPERTIES[prop]] = value

    def _link(self, code: int, s: str, prop: str, o: str) -> None:
        data = self.data
        if code == _TYPE:
            family = self.families.get(o)
            old = data.family.get(s)
            if family is not None and (old is None or _RANK[family] < _RANK[old]):
                data.family[s] = family
        elif code == _PARENT:
            o = self.intern.setdefault(o, o)
            data.parents[s] = (*data.parents.get(s, ()), o)
            if prop == ADM1_PROPERTY:
                data.adm1[s] = o
        elif code == _SAME:
            found = data.ids.setdefault(s, set())
            found.add(("iri", o))
            if ident := identifier_of_iri(o):
                found.add(ident)
