"""The projection of the RDF graph onto a property graph, shared by the graph page and analytics.

RDF mixes the paper's world (who, where, under which law) with the scaffolding that makes it
trustworthy (claims, spans, sections, figures). Graph algorithms and drawings need only the
first, so this module keeps one documented, deterministic view of it:

**Nodes** are *entities*: resources under ``https://w3id.org/mxjp-talent/resource/`` typed with an
ontology class of the paper's world, that is a subclass (or the class itself) of one of
:data:`ENTITY_ROOTS` — actors (people, companies, institutions), places, population groups,
laws, residence statuses, programmes, migration channels and flows, factors, concepts, sectors,
events (mergers, missions, patent registrations…) and cited works. Each node carries its English
label, its most specific class, the evidence of the claim that introduces it, and the figures
(observations) that are about it, as text for tooltips.

**Edges** are object relations between two entities, asserted in a claim (a named graph), whose
predicate is an ontology property (``mx:``) or one of :data:`EXTRA_PREDICATES` (``dcterms:creator``
for authorship, SKOS links between concepts). Each edge keeps its predicate, the predicate's
``rdfs:label`` and the evidence of the claims asserting it. Direction is kept (a
``networkx.MultiDiGraph``); algorithms that need an undirected graph say so.

**Left out, and why:**

- literals (dates, names, numbers): they are attributes, not things; a year shared by two
  events is not a tie between them;
- the ontology itself (classes, properties): it is the schema, and every node would be one hop
  from its class, which would drown the paper's structure;
- provenance — claims, text spans, sections, paragraphs, mentions, in-text citations and the
  paper as a work: they describe *where* the paper says something, and the paper or a section
  would become a hub linked to everything it supports;
- observations, data sets, measures and units (the figures): an observation is an n-ary record,
  not an actor; counted as nodes they would make every country central by bookkeeping. They show
  in tooltips instead;
- inferred triples (``inferred.ttl``): inverse, symmetric and transitive closures would double
  edges and add shortcuts that change centralities; only asserted claims are read. A graph
  directory without named graphs is read flat, as given.

Example:

>>> from kg.sparql.store import GraphStore
>>> import pyoxigraph as ox
>>> trig = '''
... @prefix mx: <https://w3id.org/mxjp-talent/ontology#> .
... @prefix res: <https://w3id.org/mxjp-talent/resource/> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <https://w3id.org/mxjp-talent/resource/claim/a> { res:a a mx:Company ; rdfs:label "A Corp"@en ; mx:headquarteredIn res:jp . }
... <https://w3id.org/mxjp-talent/resource/claim/jp> { res:jp a mx:Country ; rdfs:label "Japan"@en . }
... '''
>>> p = project(GraphStore.from_rdf(trig, ox.RdfFormat.TRIG))
>>> sorted(e.label for e in p.entities.values())
['A Corp', 'Japan']
>>> [(r.label, p.entities[r.target].label) for r in p.relations]
[('headquartered in', 'Japan')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDFS, Graph, URIRef

from kg.namespaces import MX, RES, expand
from kg.paths import ontology_file, read_query
from kg.resolve import Names, names_of
from kg.sparql.store import GraphStore
from kg.terms import local_name

if TYPE_CHECKING:
    import networkx as nx

#: How each kind of statement (mx:StatementKind) reads in tooltips and paths.
KIND_WORDS = {"statedByPaper": "stated", "inferredByCurators": "inferred", "takenFromRecord": "record"}

#: The ontology classes whose instances (and their subclasses' instances) are nodes, in legend order.
ENTITY_ROOTS: tuple[URIRef, ...] = (
    MX.Person,
    MX.Company,
    MX.Institution,
    MX.Organization,
    MX.Place,
    MX.PopulationGroup,
    MX.Law,
    MX.ResidenceStatus,
    MX.Programme,
    MX.MigrationChannel,
    MX.MigrationFlow,
    MX.Event,
    MX.Factor,
    MX.Concept,
    MX.Sector,
    MX.CitedWork,
)

#: Predicates outside the ontology namespace that also make edges between entities.
EXTRA_PREDICATES: frozenset[str] = frozenset(
    str(expand(c)) for c in ("dcterms:creator", "dcterms:publisher", "dcterms:subject", "skos:related", "skos:broader")
)

#: Ontology properties that are provenance, never edges even between two entities.
PROVENANCE_PREDICATES: frozenset[str] = frozenset(str(p) for p in (MX.evidence, MX.inSection, MX.method, MX.mentions))

_MX = str(MX._NS)
_RES = str(RES)


@dataclass(frozen=True, order=True)
class Evidence:
    """Where the paper supports a node or an edge: a character span and its section, and whether
    the paper states it there or the curators inferred it from there (or a record gives it).

    >>> Evidence(24824, 24841, None, "section 6").text()
    'chars 24824–24841, section 6'
    >>> Evidence(24824, 24841, None, "section 6", "inferred").text()
    'inferred from chars 24824–24841, section 6'
    """

    start: int
    end: int
    section: str | None = None
    section_label: str | None = None
    kind: str = "stated"  # stated | inferred | record

    def text(self) -> str:
        where = f", {self.section_label}" if self.section_label else ""
        lead = {"inferred": "inferred from ", "record": "from a record; about "}.get(self.kind, "")
        return f"{lead}chars {self.start}–{self.end}{where}"


@dataclass
class Entity:
    """A node: an entity of the paper's world."""

    iri: str
    label: str
    cls: str
    cls_label: str
    group: str
    group_label: str
    evidence: list[Evidence] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)


@dataclass
class Relation:
    """An edge: an asserted object relation between two entities."""

    source: str
    target: str
    predicate: str
    label: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Projection:
    """Entities (by IRI, in IRI order) and relations (sorted), ready for networkx or pyvis."""

    entities: dict[str, Entity]
    relations: list[Relation]
    names: Names = field(default_factory=Names)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The projection as a ``networkx.MultiDiGraph``: node ids are IRIs, edge keys predicates.

        Node attributes: ``label``, ``cls``, ``cls_label``, ``group``, ``group_label``; edge
        attributes: ``predicate``, ``label``, ``evidence`` (a list of :class:`Evidence`).
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for iri, e in self.entities.items():
            graph.add_node(
                iri, label=e.label, cls=e.cls, cls_label=e.cls_label, group=e.group, group_label=e.group_label
            )
        for r in self.relations:
            graph.add_edge(
                r.source, r.target, key=r.predicate, predicate=r.predicate, label=r.label, evidence=r.evidence
            )
        return graph

    def subset(self, keep: set[str]) -> Projection:
        """The projection restricted to the entities in *keep* and the relations among them."""
        return Projection(
            {k: v for k, v in self.entities.items() if k in keep},
            [r for r in self.relations if r.source in keep and r.target in keep],
            self.names,
        )


@dataclass(frozen=True)
class _Schema:
    """What the projection needs from the ontology: class depths, groups, and labels."""

    groups: dict[str, str]  # entity class -> its root in ENTITY_ROOTS
    depth: dict[str, int]
    labels: dict[str, str]


@lru_cache(maxsize=1)
def _schema() -> _Schema:
    ontology = Graph().parse(ontology_file())
    labels: dict[str, str] = {}
    for s, o in ontology.subject_objects(RDFS.label):
        if getattr(o, "language", None) in ("en", None) and str(s) not in labels:
            labels[str(s)] = str(o)
    parents: dict[str, set[str]] = defaultdict(set)
    for s, o in ontology.subject_objects(RDFS.subClassOf):
        parents[str(s)].add(str(o))

    def ancestors(cls: str) -> set[str]:
        seen: set[str] = set()
        todo = [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    roots = [str(r) for r in ENTITY_ROOTS]
    groups: dict[str, str] = {}
    depth: dict[str, int] = {}
    for cls in sorted({str(s) for s in parents} | set(roots)):
        if not cls.startswith(_MX):
            continue
        lineage = {cls} | ancestors(cls)
        root = next((r for r in roots if r in lineage), None)
        if root is not None:
            groups[cls] = root
            depth[cls] = len(lineage)
    return _Schema(groups, depth, labels)


def predicate_label(iri: str) -> str:
    """The English ``rdfs:label`` of a property from the ontology, else its local name in words.

    >>> predicate_label("https://w3id.org/mxjp-talent/ontology#headquarteredIn")
    'headquartered in'
    >>> predicate_label("http://purl.org/dc/terms/creator")
    'creator'
    """
    label = _schema().labels.get(iri)
    if label:
        return label
    local = re.split(r"[#/]", iri)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def class_label(iri: str) -> str:
    """The English label of an ontology class, e.g. ``'company'`` for ``mx:Company``."""
    return predicate_label(iri)


def _section_label(section: str | None, number: Any, label: Any) -> str | None:
    if section is None:
        return None
    if label:
        return str(label)
    words = section.rsplit("/", 1)[-1].replace("-", " ")
    return f"section {number}: {words}" if number is not None else f"section: {words}"


def _number(value: Any) -> str:
    if isinstance(value, Decimal | float | int):
        d = Decimal(str(value))
        return f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,}"
    return str(value)


def _figure(row: dict[str, Any]) -> str:
    if "value" in row:
        amount = _number(row["value"])
    elif "min" in row and "max" in row:
        amount = f"{_number(row['min'])}–{_number(row['max'])}"
    elif "min" in row:
        amount = f"over {_number(row['min'])}"
    else:
        amount = "?"
    unit = f" {row['unit']}" if "unit" in row else ""
    period = f" ({row['period']})" if "period" in row else ""
    return f"{row.get('measure', 'figure')}: {amount}{unit}{period}"


def project(graph: GraphStore | Path | str) -> Projection:
    """Project a graph directory (or an open :class:`GraphStore`) onto entities and relations.

    Deterministic: entities come in IRI order and relations sorted by (source, predicate,
    target), so the same graph always gives the same projection. See the module docstring for
    what is kept and what is left out.
    """
    store = graph if isinstance(graph, GraphStore) else GraphStore.open(Path(graph))
    names = names_of(store)
    evidence_of = _claim_evidence(store)
    entities = _entities(store, names)
    _attach_evidence_and_figures(store, entities, evidence_of)
    return Projection(entities, _relations(store, entities, evidence_of), names)


def _entities(store: GraphStore, names: Names) -> dict[str, Entity]:
    """Every resource typed with a class of the paper's world, with its most specific class."""
    schema = _schema()
    classes: dict[str, set[str]] = defaultdict(set)
    for row in store.rows(read_query("projection/typed-resources")):
        if row["class"] in schema.groups:
            classes[row["entity"]].add(row["class"])
    entities: dict[str, Entity] = {}
    for iri in sorted(classes):
        best = sorted(classes[iri], key=lambda c: (-schema.depth[c], c))[0]
        group = schema.groups[best]
        label = names.display(iri) if iri in names else local_name(iri)
        entities[iri] = Entity(
            iri,
            label,
            best,
            class_label(best),
            group,
            class_label(group),
            alt_labels=sorted({text for text, _ in names.alternatives.get(iri, [])}),
        )
    return entities


def _claim_evidence(store: GraphStore) -> dict[str, list[Evidence]]:
    evidence_of: dict[str, list[Evidence]] = defaultdict(list)
    for row in store.rows(read_query("projection/claim-evidence")):
        section = row.get("section")
        label = _section_label(section, row.get("number"), row.get("sectionLabel"))
        kind = KIND_WORDS.get(local_name(row.get("kind", "")), "stated")
        evidence_of[row["claim"]].append(Evidence(int(row["start"]), int(row["end"]), section, label, kind))
    return evidence_of


def _attach_evidence_and_figures(
    store: GraphStore, entities: dict[str, Entity], evidence_of: dict[str, list[Evidence]]
) -> None:
    for row in store.rows(read_query("projection/entity-claims")):
        if (entity := entities.get(row["entity"])) is not None:
            entity.evidence.extend(evidence_of.get(row["claim"], []))
    for row in store.rows(read_query("projection/figures")):
        if (entity := entities.get(row["entity"])) is not None:
            entity.figures.append(_figure(row))
    for entity in entities.values():
        entity.evidence = sorted(set(entity.evidence))
        entity.figures = sorted(set(entity.figures))


def _relations(
    store: GraphStore, entities: dict[str, Entity], evidence_of: dict[str, list[Evidence]]
) -> list[Relation]:
    """Object relations between two entities, asserted in claims (or flat, for a graph without claims)."""
    links = store.rows(read_query("projection/asserted-links"))
    if not links and not store.rows(read_query("projection/has-named-graphs")):
        links = store.rows(read_query("projection/flat-links"))
    found: dict[tuple[str, str, str], set[Evidence]] = {}
    for row in links:
        s, p, o = row["s"], row["p"], row["o"]
        if s not in entities or o not in entities or s == o:
            continue
        if (p.startswith(_MX) and p not in PROVENANCE_PREDICATES) or p in EXTRA_PREDICATES:
            found.setdefault((s, p, o), set()).update(evidence_of.get(row.get("claim", ""), []))
    return [Relation(s, o, p, predicate_label(p), sorted(ev)) for (s, p, o), ev in sorted(found.items())]


def find_entity(projection: Projection, name: str) -> str:
    """The IRI of the entity called *name*, resolved by :mod:`kg.resolve` (labels in any
    language, alternative labels, ids, IRIs) and limited to the projection's entities.

    >>> jp = "https://w3id.org/mxjp-talent/resource/jp"
    >>> p = Projection({jp: Entity(jp, "Japan", "", "country", "", "place")}, [],
    ...                Names.from_rows([{"entity": jp, "name": "日本", "lang": "ja", "kind": "label"}]))
    >>> find_entity(p, "日本") == jp == find_entity(p, "japan")
    True
    >>> find_entity(p, "Japna")
    Traceback (most recent call last):
    kg.errors.UnknownEntity: no entity is called 'Japna'; did you mean: Japan (res:jp)?
    """
    names = projection.names
    for iri, entity in projection.entities.items():
        if all(text != entity.label for text, _ in names.labels.get(iri, [])):
            names.labels[iri].append((entity.label, "en"))
    return names.resolve(
        name, within=projection.entities, what="entity", describe=lambda iri: projection.entities[iri].cls_label
    )
