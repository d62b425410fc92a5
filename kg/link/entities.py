"""What the matcher knows of the resources on each side: types, labels, identifiers, names.

The values are read with the queries of ``queries/link/`` (one property at a time, bound by the
caller), from our graph and from the other dataset alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.link.identifiers import ID_LITERALS, SCHEMA_HTTP, identifier_of_iri, identifier_of_literal
from kg.paths import read_query
from kg.sparql.store import GraphStore
from kg.terms import NAMESPACES, RES, local_name

N = NAMESPACES
RDFS, SKOS, OWL, SCHEMA, FOAF = N["rdfs"], N["skos"], N["owl"], N["schema"], N["foaf"]
WD, MX, BIBO = N["wd"], N["mx"], N["bibo"]

LABEL_PROPERTIES = (
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SCHEMA + "name",
    SCHEMA_HTTP + "name",
    SCHEMA + "alternateName",
    SCHEMA_HTTP + "alternateName",
    FOAF + "name",
)
SAME_PROPERTIES = (SKOS + "exactMatch", OWL + "sameAs", SCHEMA + "sameAs", SCHEMA_HTTP + "sameAs")
NAME_PROPERTIES = {
    FOAF + "familyName": "family",
    SCHEMA + "familyName": "family",
    FOAF + "givenName": "given",
    SCHEMA + "givenName": "given",
}
#: Class families of well-known types; ours come from the ontology's class tree.
FAMILIES: dict[str, str] = {
    FOAF + "Person": "person",
    SCHEMA + "Person": "person",
    WD + "Q5": "person",
    SCHEMA + "Organization": "organization",
    SCHEMA + "Corporation": "organization",
    FOAF + "Organization": "organization",
    N["org"] + "Organization": "organization",
    SCHEMA + "CollegeOrUniversity": "organization",
    SCHEMA + "EducationalOrganization": "organization",
    SCHEMA + "GovernmentOrganization": "organization",
    SCHEMA + "ResearchOrganization": "organization",
    WD + "Q43229": "organization",
    WD + "Q4830453": "organization",
    WD + "Q3918": "organization",
    WD + "Q891723": "organization",
    WD + "Q6881511": "organization",
    SCHEMA + "Country": "place:country",
    WD + "Q6256": "place:country",
    WD + "Q3624078": "place:country",
    SCHEMA + "City": "place:city",
    WD + "Q515": "place:city",
    WD + "Q1549591": "place:city",
    SCHEMA + "AdministrativeArea": "place:region",
    SCHEMA + "State": "place:region",
    WD + "Q50337": "place:region",
    WD + "Q82794": "place:region",
    SCHEMA + "Continent": "place:continent",
    WD + "Q5107": "place:continent",
    SCHEMA + "Place": "place",
    SCHEMA + "CreativeWork": "work",
    SCHEMA + "Book": "work",
    SCHEMA + "ScholarlyArticle": "work",
    BIBO + "Document": "work",
    BIBO + "Book": "work",
    BIBO + "AcademicArticle": "work",
    WD + "Q13442814": "work",
    WD + "Q571": "work",
    SCHEMA + "Event": "event",
    SCHEMA + "Legislation": "law",
    WD + "Q7748": "law",
}
_OUR_ROOTS = (  # most specific first
    ("Person", "person"),
    ("Organization", "organization"),
    ("Country", "place:country"),
    ("City", "place:city"),
    ("Continent", "place:continent"),
    ("Region", "place:region"),
    ("Place", "place"),
    ("CitedWork", "work"),
    ("Paper", "work"),
    ("Law", "law"),
    ("Event", "event"),
)
_SKIP_OUR_CLASSES = {"Claim", "TextSpan", "Section", "Paragraph", "Citation", "Discrepancy", "Observation", "Float"}
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


@dataclass
class Entity:
    """What the matcher knows of one resource."""

    iri: str
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, lang)
    types: set[str] = field(default_factory=set)
    ids: set[tuple[str, str]] = field(default_factory=set)  # (scheme, value)
    family_name: str | None = None
    given_name: str | None = None
    family: str | None = None

    @property
    def label(self) -> str:
        """The English label, or any label, or the IRI's last segment."""
        if self.labels:
            return min(self.labels, key=lambda tl: (tl[1] != "en", tl[1], tl[0]))[0]
        return local_name(self.iri)


def normalise(text: str) -> str:
    """Lowercase ASCII words without accents, punctuation or corporate suffixes.

    >>> normalise("Nippon Steel & Sumitomo Metal Corporation")
    'nippon steel and sumitomo metal'
    >>> normalise("Japón")
    'japon'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    words = re.sub(r"[^\w\s]", " ", text).split()
    kept = [w for w in words if w not in _SUFFIXES]
    return " ".join(kept or words)


def our_families(ontology_path: Path | None = None) -> dict[str, str]:
    """The class family of each class of our ontology, from its class tree."""
    from rdflib import RDFS as R
    from rdflib import Graph, URIRef

    from kg.paths import ontology_file

    onto = Graph().parse(ontology_path or ontology_file())
    out: dict[str, str] = {}
    for cls in set(onto.subjects(R.subClassOf, None)) | {URIRef(MX + n) for n, _ in _OUR_ROOTS}:
        if not str(cls).startswith(MX):
            continue
        supers = {str(c) for c in onto.transitive_objects(cls, R.subClassOf)}
        if str(cls)[len(MX) :] in _SKIP_OUR_CLASSES:
            continue
        for root, family in _OUR_ROOTS:
            if MX + root in supers:
                out[str(cls)] = family
                break
    return out


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
    for prop in LABEL_PROPERTIES:
        for s, label in _values(store, "link/literals", prop):
            if isinstance(label, ox.Literal) and (e := get(s)) is not None:
                e.labels.append((label.value, label.language or ""))
    for prop in (*SAME_PROPERTIES, SKOS + "closeMatch"):
        for s, o in _values(store, "link/iris", prop):
            if (e := get(s)) is not None:
                e.ids.add(("iri", o.value))  # a link made earlier (by hand or by `kg link --merge`)
                if ident := identifier_of_iri(o.value):
                    e.ids.add(ident)
    for prop, scheme in ID_LITERALS.items():
        for s, o in _values(store, "link/literals", prop):
            if (ident := identifier_of_literal(o.value, scheme)) and (e := get(s)) is not None:
                e.ids.add(ident)
    for prop, part in NAME_PROPERTIES.items():
        for s, o in _values(store, "link/literals", prop):
            if (e := found.get(s.value)) is not None:
                setattr(e, f"{part}_name", o.value)
    return _keep(found, families, ours=ours)


def _keep(found: dict[str, Entity], families: dict[str, str], *, ours: bool) -> dict[str, Entity]:
    """The entities worth matching: with a label or an identifier, and for ours a class of ours."""
    out = {}
    for iri, e in found.items():
        if not ours:
            e.ids.add(("iri", iri))
            if own := identifier_of_iri(iri):
                e.ids.add(own)
        e.family = family_of(e, families)
        if ours and not any(t in families for t in e.types):
            continue
        if e.labels or e.ids:
            out[iri] = e
    return out


def family_of(e: Entity, families: dict[str, str]) -> str | None:
    """The most specific class family among the entity's types."""
    found = {families.get(t) or FAMILIES.get(t) for t in e.types} - {None}
    for _, family in _OUR_ROOTS:  # most specific first
        if family in found:
            return family
    return None


def load_other(path: Path) -> GraphStore:
    """Read the other dataset (Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD) into a store."""
    from rdflib import Dataset
    from rdflib.util import guess_format

    if not path.is_file():
        raise InputError(path, "no such file")
    fmt = "json-ld" if path.suffix in (".jsonld", ".json") else guess_format(str(path))
    if fmt is None:
        raise InputError(path, "unknown RDF format (use .ttl, .nt, .nq, .trig, .rdf, .owl or .jsonld)")
    ds = Dataset()
    try:
        ds.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific exception types
        raise InputError(path, f"not valid {fmt}: {exc}") from None
    return GraphStore.from_rdf(ds.serialize(format="nquads").encode("utf-8"), ox.RdfFormat.N_QUADS)
