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

import datetime
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rapidfuzz import fuzz

from kg.errors import InputError, UsageError
from kg.namespaces import RES

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
MX = "https://w3id.org/mxjp-talent/ontology#"
FABIO = "http://purl.org/spar/fabio/"
BIBO = "http://purl.org/ontology/bibo/"

LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SCHEMA + "name", SCHEMA_HTTP + "name",
                    SCHEMA + "alternateName", SCHEMA_HTTP + "alternateName", FOAF + "name")
SAME_PROPERTIES = (SKOS + "exactMatch", OWL + "sameAs", SCHEMA + "sameAs", SCHEMA_HTTP + "sameAs")
#: Identifier literal properties and the scheme of their values (None: guess from the value).
ID_LITERALS: dict[str, str | None] = {
    WDT + "P1566": "geonames", WDT + "P6782": "ror", WDT + "P356": "doi", WDT + "P496": "orcid",
    WDT + "P297": "iso3166", WDT + "P300": "iso3166", WDT + "P212": "isbn", WDT + "P957": "isbn",
    MX + "iso3166Code": "iso3166", BIBO + "doi": "doi", "http://prismstandard.org/namespaces/basic/2.0/doi": "doi",
    "http://purl.org/dc/terms/identifier": None, SCHEMA + "identifier": None, SCHEMA_HTTP + "identifier": None,
}
#: IRI forms of identifiers: (regex, scheme).
_ID_IRIS = (
    (re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/(Q\d+)$"), "wikidata"),
    (re.compile(r"^https?://ror\.org/(0[a-z0-9]{8})$"), "ror"),
    (re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$", re.I), "doi"),
    (re.compile(r"^https?://orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$"), "orcid"),
    (re.compile(r"^https?://(?:sws\.|www\.)?geonames\.org/(\d+)(?:/.*)?$"), "geonames"),
)
_ID_LITERALS = (
    (re.compile(r"^(Q\d+)$"), "wikidata"),
    (re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$"), "ror"),
    (re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I), "doi"),
    (re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$"), "orcid"),
)
#: Class families of well-known types; ours come from the ontology's class tree.
FAMILIES: dict[str, str] = {
    FOAF + "Person": "person", SCHEMA + "Person": "person", WD + "Q5": "person",
    SCHEMA + "Organization": "organization", SCHEMA + "Corporation": "organization", FOAF + "Organization": "organization",
    "http://www.w3.org/ns/org#Organization": "organization", SCHEMA + "CollegeOrUniversity": "organization",
    SCHEMA + "EducationalOrganization": "organization", SCHEMA + "GovernmentOrganization": "organization",
    SCHEMA + "ResearchOrganization": "organization", WD + "Q43229": "organization", WD + "Q4830453": "organization",
    WD + "Q3918": "organization", WD + "Q891723": "organization", WD + "Q6881511": "organization",
    SCHEMA + "Country": "place:country", WD + "Q6256": "place:country", WD + "Q3624078": "place:country",
    SCHEMA + "City": "place:city", WD + "Q515": "place:city", WD + "Q1549591": "place:city",
    SCHEMA + "AdministrativeArea": "place:region", SCHEMA + "State": "place:region", WD + "Q50337": "place:region",
    WD + "Q82794": "place:region", SCHEMA + "Continent": "place:continent", WD + "Q5107": "place:continent",
    SCHEMA + "Place": "place",
    SCHEMA + "CreativeWork": "work", SCHEMA + "Book": "work", SCHEMA + "ScholarlyArticle": "work", BIBO + "Document": "work",
    BIBO + "Book": "work", BIBO + "AcademicArticle": "work", WD + "Q13442814": "work", WD + "Q571": "work",
    SCHEMA + "Event": "event", SCHEMA + "Legislation": "law", WD + "Q7748": "law",
}
_OUR_ROOTS = (  # most specific first
    ("Person", "person"), ("Organization", "organization"), ("Country", "place:country"), ("City", "place:city"),
    ("Continent", "place:continent"), ("Region", "place:region"), ("Place", "place"), ("CitedWork", "work"),
    ("Paper", "work"), ("Law", "law"), ("Event", "event"),
)
_SKIP_OUR_CLASSES = {"Claim", "TextSpan", "Section", "Paragraph", "Citation", "Discrepancy", "Observation", "Float"}
_SUFFIXES = {"co", "corp", "corporation", "inc", "ltd", "limited", "kabushiki", "kaisha", "kk", "sa", "de", "cv", "the",
             "company", "group"}
PREFIXES = {"res": str(RES), "skos": SKOS, "owl": OWL, "semapv": "https://w3id.org/semapv/vocab/", "wd": WD,
            "ror": "https://ror.org/", "doi": "https://doi.org/", "orcid": "https://orcid.org/",
            "geonames": "http://sws.geonames.org/"}


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
        return re.split(r"[/#]", self.iri.rstrip("/"))[-1]


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


def identifier_of_iri(iri: str) -> tuple[str, str] | None:
    """The (scheme, value) of an identifier IRI, or None.

    >>> identifier_of_iri("https://www.wikidata.org/wiki/Q17")
    ('wikidata', 'Q17')
    >>> identifier_of_iri("http://sws.geonames.org/1861060/")
    ('geonames', '1861060')
    """
    for pattern, scheme in _ID_IRIS:
        match = pattern.match(iri)
        if match:
            value = match.group(1)
            return scheme, value.lower() if scheme == "doi" else value
    return None


def identifier_of_literal(value: str, scheme: str | None) -> tuple[str, str] | None:
    """The (scheme, value) of an identifier literal; *scheme* None means guess it from the value.

    >>> identifier_of_literal("https://doi.org/10.1057/JIBS.2013.33", None)
    ('doi', '10.1057/jibs.2013.33')
    >>> identifier_of_literal("JP", "iso3166")
    ('iso3166', 'JP')
    """
    value = value.strip()
    if scheme is not None and scheme not in ("doi", "ror", "orcid"):
        if scheme == "isbn":
            value = re.sub(r"[^0-9X]", "", value.upper())
        return (scheme, value) if value else None
    for pattern, guess in _ID_LITERALS:
        if scheme is not None and guess != scheme:
            continue
        match = pattern.match(value)
        if match:
            found = match.group(1)
            return guess, found.lower() if guess == "doi" else found
    return None


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
        if str(cls)[len(MX):] in _SKIP_OUR_CLASSES:
            continue
        for root, family in _OUR_ROOTS:
            if MX + root in supers:
                out[str(cls)] = family
                break
    return out


def _q(store: ox.Store, sparql: str) -> list[list[ox.NamedNode | ox.Literal | ox.BlankNode]]:
    return [[sol[i] for i in range(len(sol))] for sol in store.query(sparql, use_default_graph_as_union=True)]  # type: ignore[union-attr]


def _values(iris: tuple[str, ...] | list[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def collect(store: ox.Store, families: dict[str, str], *, ours: bool) -> dict[str, Entity]:
    """The entities of *store*: ours are our resources with a class of our ontology; theirs are any
    IRI with a label or an identifier."""
    found: dict[str, Entity] = {}

    def get(node: object) -> Entity | None:
        if not isinstance(node, ox.NamedNode):
            return None
        if ours and not node.value.startswith(str(RES)):
            return None
        return found.setdefault(node.value, Entity(node.value))

    for s, t in _q(store, f"SELECT ?s ?t WHERE {{ {{ ?s a ?t }} UNION {{ ?s <{WDT}P31> ?t }} }}"):
        if isinstance(t, ox.NamedNode) and (e := get(s)):
            e.types.add(t.value)
    for s, label in _q(store, f"SELECT ?s ?l WHERE {{ VALUES ?p {{ {_values(LABEL_PROPERTIES)} }} ?s ?p ?l FILTER(isLiteral(?l)) }}"):
        if isinstance(label, ox.Literal) and (e := get(s)):
            e.labels.append((label.value, label.language or ""))
    same = (*SAME_PROPERTIES, SKOS + "closeMatch")
    for s, o in _q(store, f"SELECT ?s ?o WHERE {{ VALUES ?p {{ {_values(same)} }} ?s ?p ?o FILTER(isIRI(?o)) }}"):
        if isinstance(o, ox.NamedNode) and (e := get(s)):
            e.ids.add(("iri", o.value))  # a link made earlier (by hand or by `kg link --merge`)
            ident = identifier_of_iri(o.value)
            if ident:
                e.ids.add(ident)
    for s, p, o in _q(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(list(ID_LITERALS))} }} ?s ?p ?o FILTER(isLiteral(?o)) }}"):
        ident = identifier_of_literal(o.value, ID_LITERALS[p.value])  # type: ignore[union-attr]
        if ident and (e := get(s)):
            e.ids.add(ident)
    names = (FOAF + "familyName", SCHEMA + "familyName", FOAF + "givenName", SCHEMA + "givenName")
    for s, p, o in _q(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(names)} }} ?s ?p ?o }}"):
        e = found.get(s.value) if isinstance(s, ox.NamedNode) else None
        if e is not None and isinstance(o, ox.Literal):
            if p.value.endswith("familyName"):  # type: ignore[union-attr]
                e.family_name = o.value
            else:
                e.given_name = o.value
    out = {}
    for iri, e in found.items():
        own = identifier_of_iri(iri)
        if not ours:
            e.ids.add(("iri", iri))
            if own:
                e.ids.add(own)
        e.family = _family(e, families)
        if ours and not any(t in families for t in e.types):
            continue
        if not e.labels and not e.ids:
            continue
        out[iri] = e
    return out


def _family(e: Entity, families: dict[str, str]) -> str | None:
    found = {families.get(t) or FAMILIES.get(t) for t in e.types} - {None}
    for _, family in _OUR_ROOTS:  # most specific first
        if family in found:
            return family
    return None


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
    by_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri, e in ours.items():
        for ident in e.ids:
            by_id[ident].append(iri)
    out: list[Proposal] = []
    linked: set[str] = set()
    for their_iri, t in sorted(theirs.items()):
        if their_iri in ours:
            continue
        hits: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for ident in t.ids:
            for our_iri in by_id.get(ident, []):
                hits[our_iri].append(ident)
        for our_iri, shared in sorted(hits.items()):
            o = ours[our_iri]
            what = ", ".join("an earlier link" if s == "iri" else f"{s} {v}" for s, v in sorted(shared))
            out.append(Proposal(our_iri, o.label, SKOS + "exactMatch", their_iri, t.label,
                                "semapv:MappingChaining", round(1.0 / len(hits), 3), "shared identifier",
                                f"both carry {what}"))
            linked.add(their_iri)
    for their_iri, t in sorted(theirs.items()):
        if their_iri in linked or their_iri in ours or not t.labels:
            continue
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
            continue
        scored.sort(reverse=True)
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            continue  # ambiguous: two of ours fit equally well
        score, our_iri = scored[0]
        o = ours[our_iri]
        exact = score == 1.0
        out.append(Proposal(our_iri, o.label, SKOS + "closeMatch", their_iri, t.label,
                            "semapv:LexicalMatching" if exact else "semapv:LexicalSimilarityThresholdMatching",
                            round(score, 3), "rapidfuzz token_sort_ratio on normalised labels",
                            f"label match within class family {o.family}"))
    return sorted(out, key=lambda p: (p.subject, p.object))


def evaluate(proposals: list[Proposal], gold: set[tuple[str, str]]) -> tuple[float, float]:
    """Precision and recall of the proposed (subject, object) pairs against the gold pairs."""
    found = {(p.subject, p.object) for p in proposals}
    right = len(found & gold)
    precision = right / len(found) if found else 1.0
    recall = right / len(gold) if gold else 1.0
    return precision, recall


def read_gold(path: Path) -> set[tuple[str, str]]:
    """A gold file: ``#`` comments, then lines of ``subject IRI <TAB> object IRI``."""
    pairs = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise InputError(path, "expected subject IRI <TAB> object IRI", number)
        pairs.add((cells[0].strip(), cells[1].strip()))
    return pairs


def load_other(path: Path) -> ox.Store:
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
    store = ox.Store()
    store.load(ds.serialize(format="nquads").encode("utf-8"), ox.RdfFormat.N_QUADS)
    return store


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if re.fullmatch(r"[^\s<>\"'{}|\\^`]+", local):
                return f"{prefix}:{local}"
    raise ValueError(iri)


def _namespace(iri: str) -> str:
    """The IRI up to its last ``/`` or ``#`` that leaves a non-empty local name.

    >>> _namespace("http://example.org/place/japan/"), _namespace("http://example.org/p#x")
    ('http://example.org/place/', 'http://example.org/p#')
    """
    cut = max(iri.rfind("/", 0, len(iri) - 1), iri.rfind("#", 0, len(iri) - 1))
    return iri[: cut + 1]


def to_sssom(proposals: list[Proposal], other: Path, threshold: float, date: str | None = None) -> str:
    """The proposals as an SSSOM TSV, with a curie_map covering every IRI."""
    prefixes = dict(PREFIXES)
    extra = sorted({_namespace(p.object) for p in proposals} - set(prefixes.values()))
    for n, ns in enumerate(extra, start=1):
        prefixes[f"other{n}"] = ns
    date = date or datetime.date.today().isoformat()
    head = ["# curie_map:"] + [f"#   {k}: {v}" for k, v in sorted(prefixes.items())] + [
        f"# mapping_set_id: urn:kg:link:{other.name}",
        f"# mapping_set_description: Links proposed by kg link between the graph and {other.name} (threshold {threshold}); review before merging.",
        "# license: https://creativecommons.org/licenses/by/4.0/",
        f"# mapping_date: {date}",
    ]
    columns = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
               "confidence", "author_id", "mapping_date", "similarity_score", "similarity_measure", "comment"]
    lines = head + ["\t".join(columns)]
    for p in proposals:
        cells = [_curie(p.subject, prefixes), p.subject_label, _curie(p.predicate, prefixes), _curie(p.object, prefixes),
                 p.object_label, p.justification, f"{p.confidence:g}", "res:agent/kg-link", date,
                 f"{p.confidence:g}", p.measure, p.comment]
        lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))
    return "\n".join(lines) + "\n"


def merge(accept: Path, into: Path) -> int:
    """Add the accepted mappings of *accept* (SSSOM) to the graph file *into* (Turtle), atomically.

    Returns the number of links written.
    """
    from rdflib import Graph, URIRef

    from loaders.mappings import read_sssom

    accepted = read_sssom(accept, strict=False)
    graph = Graph()
    if into.exists():
        try:
            graph.parse(into, format="turtle")
        except Exception as exc:  # rdflib raises many parser-specific exception types
            raise InputError(into, f"not valid Turtle: {exc}") from None
    before = len(graph)
    for m in accepted.mappings:
        graph.add((URIRef(m.subject), URIRef(m.predicate), URIRef(m.object)))
    from kg.namespaces import bind_prefixes

    bind_prefixes(graph)
    tmp = into.with_name(f".{into.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(graph.serialize(format="turtle", encoding="utf-8"))
        os.replace(tmp, into)
    finally:
        tmp.unlink(missing_ok=True)
    return len(graph) - before


def link(graph_dir: Path, other: Path, threshold: float = 0.9) -> list[Proposal]:
    """Propose links between the graph in *graph_dir* and the RDF file *other*."""
    from kg.store import GraphStore

    families = our_families()
    ours = collect(GraphStore.open(graph_dir).store, families, ours=True)
    theirs = collect(load_other(other), families, ours=False)
    return propose(ours, theirs, threshold)
