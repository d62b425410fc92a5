"""Reasoning: HermiT through owlready2 checks consistency and classifies; owlrl is the fallback.

The inferred triples come back apart from the asserted ones, filtered to what a reader can use:
types in the ontology's and the reused vocabularies' classes, and object relations between
resources (inverse, symmetric and transitive properties).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import UsageError
from kg.namespaces import QB
from kg.terms import MX as MX_NS
from kg.terms import RES, local_name

log = logging.getLogger(__name__)

_QB_KINDS = {QB.MeasureProperty, QB.DimensionProperty, QB.AttributeProperty}
_KEEP_LITERALS = {"string", "integer", "decimal", "nonNegativeInteger", "boolean"}


@dataclass
class ReasoningResult:
    """What a reasoner found: which one ran, whether it is consistent, and the inferred triples."""

    reasoner: str
    consistent: bool
    inferred: Graph
    explanation: list[str] = field(default_factory=list)
    note: str = ""


def java_available() -> bool:
    """True when a Java runtime is on PATH (HermiT needs one)."""
    return shutil.which("java") is not None


def reason(ontology: Graph, data: Graph, *, reasoner: str = "auto") -> ReasoningResult:
    """Check *ontology* plus *data* and return the inferred triples, apart from the asserted ones.

    *reasoner* is ``hermit``, ``owlrl`` or ``auto`` (HermiT when Java is there, else owlrl).
    Neither input is changed.
    """
    if reasoner == "auto":
        reasoner = "hermit" if java_available() else "owlrl"
    if reasoner == "hermit":
        result = _hermit(ontology, data)
    elif reasoner == "owlrl":
        result = _owlrl(ontology, data)
        if not java_available():
            result.note = "Java not found: ran the OWL RL closure (owlrl) instead of HermiT"
    else:
        raise UsageError(f"--reasoner {reasoner!r}: choose hermit, owlrl or auto")
    if not result.consistent:
        result.explanation = explain(ontology, data)
    return result


def _for_reasoner(ontology: Graph, data: Graph) -> Graph:
    """Ontology and data with what OWL DL reasoners choke on left out: Data Cube property
    punning and literals of datatypes outside the OWL 2 datatype map (xsd:gYear...)."""
    merged = Graph()
    for source in (ontology, data):
        for s, p, o in source:
            if p == RDF.type and o in _QB_KINDS:
                continue
            datatype = getattr(o, "datatype", None)
            if datatype is not None and local_name(str(datatype)) not in _KEEP_LITERALS:
                continue
            merged.add((s, p, o))
    return merged


def _hermit(ontology: Graph, data: Graph) -> ReasoningResult:
    import owlready2  # heavy: imported only when reasoning

    owlready2.reasoning.JAVA_MEMORY = int(os.environ.get("KG_JAVA_MEMORY_MB", "2000"))
    merged = _for_reasoner(ontology, data)
    with tempfile.TemporaryDirectory(prefix="kg-hermit-") as tmp:
        path = Path(tmp) / "input.nt"
        merged.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        logging.getLogger("owlready2").setLevel(logging.ERROR)
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ReasoningResult("HermiT (owlready2)", False, Graph())
        closure = Graph()
        for triple in world.as_rdflib_graph():
            closure.add(triple)
    inferred = _useful(closure, merged)
    return ReasoningResult("HermiT (owlready2)", True, materialise(ontology, merged, inferred))


def _owlrl(ontology: Graph, data: Graph) -> ReasoningResult:
    import owlrl

    merged = _for_reasoner(ontology, data)
    closure = Graph()
    for triple in merged:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    consistent = not any(closure.triples((None, RDF.type, OWL.Nothing))) and not explain(ontology, data)
    return ReasoningResult("OWL RL closure (owlrl)", consistent, _useful(closure, merged))


def materialise(ontology: Graph, asserted: Graph, inferred: Graph) -> Graph:
    """Add to *inferred* what SPARQL users expect spelled out: every named superclass of each
    type, the inverse of each relation, symmetric and transitive relations, and super-properties.

    HermiT classifies but reports only the most specific types; queries such as
    ``?e a mx:Event`` need the rest.
    """
    schema = _PropertySchema.of(ontology)
    both = Graph()
    for triple in asserted:
        both.add(triple)
    for triple in inferred:
        both.add(triple)
    new = Graph()
    for triple in inferred:
        new.add(triple)
    for s, p, o in both:
        if str(s).startswith(RES):
            for triple in schema.consequences(s, p, o):
                new.add(triple)
    for prop in schema.transitive:
        for subject in set(both.subjects(prop, None)):
            for value in both.transitive_objects(subject, prop):
                if value != subject and isinstance(value, URIRef):
                    new.add((subject, prop, value))
    return new - asserted


@dataclass
class _PropertySchema:
    """What :func:`materialise` needs from the ontology: superclasses and property axioms."""

    supers: dict[URIRef, set[URIRef]]
    inverse: dict[URIRef, set[URIRef]]
    symmetric: set[URIRef]
    transitive: set[URIRef]
    superprops: dict[URIRef, set[URIRef]]

    @classmethod
    def of(cls, ontology: Graph) -> _PropertySchema:
        inverse: dict[URIRef, set[URIRef]] = {}
        for p, q in ontology.subject_objects(OWL.inverseOf):
            if isinstance(p, URIRef) and isinstance(q, URIRef):
                inverse.setdefault(p, set()).add(q)
                inverse.setdefault(q, set()).add(p)
        superprops: dict[URIRef, set[URIRef]] = {}
        for p in set(ontology.subjects(RDFS.subPropertyOf, None)):
            if isinstance(p, URIRef):
                superprops[p] = {
                    q for q in ontology.transitive_objects(p, RDFS.subPropertyOf) if isinstance(q, URIRef) and q != p
                }
        return cls(
            _superclasses(ontology),
            inverse,
            {p for p in ontology.subjects(RDF.type, OWL.SymmetricProperty) if isinstance(p, URIRef)},
            {p for p in ontology.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(p, URIRef)},
            superprops,
        )

    def consequences(self, s: Node, p: Node, o: Node) -> Iterator[tuple[Node, Node, Node]]:
        """The triples that one triple about a resource entails: superclass types, inverses,
        symmetric twins and super-properties (transitivity is handled on the whole graph)."""
        if p == RDF.type and isinstance(o, URIRef):
            for sup in self.supers.get(o, ()):
                if sup not in (OWL.Thing, o):
                    yield s, RDF.type, sup
            return
        if not (isinstance(o, URIRef) and str(o).startswith(RES) and isinstance(p, URIRef)):
            return
        for q in self.inverse.get(p, ()):
            yield o, q, s
        if p in self.symmetric:
            yield o, p, s
        for q in self.superprops.get(p, ()):
            yield s, q, o


def _useful(closure: Graph, asserted: Graph) -> Graph:
    """The new triples about the project's resources worth keeping."""
    out = Graph()
    for s, p, o in closure:
        if not str(s).startswith(RES) or (s, p, o) in asserted:
            continue
        if p == RDF.type and isinstance(o, URIRef) and o not in (OWL.Thing, OWL.NamedIndividual, RDFS.Resource):
            out.add((s, p, o))
        elif isinstance(o, URIRef) and str(o).startswith(RES) and str(p).startswith(MX_NS):
            out.add((s, p, o))
    return out


def _superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    supers: dict[URIRef, set[URIRef]] = {}
    for cls in set(ontology.subjects(RDF.type, OWL.Class)):
        if isinstance(cls, URIRef):
            supers[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if isinstance(c, URIRef)}
    return supers


def explain(ontology: Graph, data: Graph) -> list[str]:
    """Plain-language reasons for an inconsistency: individuals typed with disjoint classes,
    and properties used outside their domain or range where that forces a disjoint type."""
    types = _types_with_reasons(ontology, data)
    reasons = []
    for individual, classes in sorted(types.items()):
        for group in _disjoint_groups(ontology):
            present = [c for c in group if c in classes]
            if len(present) >= 2:
                a, b = present[0], present[1]
                reasons.append(
                    f"{local_name(individual)} is both {local_name(a)} ({classes[a]}) and {local_name(b)} ({classes[b]}), "
                    f"but the ontology declares {local_name(a)} and {local_name(b)} disjoint"
                )
    return sorted(set(reasons))


def _disjoint_groups(ontology: Graph) -> list[list[URIRef]]:
    groups: list[list[URIRef]] = []
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = ontology.value(node, OWL.members)
        if members is not None:
            groups.append([m for m in Collection(ontology, members) if isinstance(m, URIRef)])
    for a, b in ontology.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            groups.append([a, b])
    return groups


def _types_with_reasons(ontology: Graph, data: Graph) -> dict[URIRef, dict[URIRef, str]]:
    """Every class each individual belongs to, asserted or forced by a domain or range, and why."""
    supers = _superclasses(ontology)
    types: dict[URIRef, dict[URIRef, str]] = {}
    for individual, asserted in data.subject_objects(RDF.type):
        if isinstance(individual, URIRef) and isinstance(asserted, URIRef):
            for sup in supers.get(asserted, {asserted}):
                types.setdefault(individual, {}).setdefault(sup, f"asserted as {local_name(asserted)}")
    for axiom, kind in ((RDFS.domain, 0), (RDFS.range, 2)):
        for prop, cls in ontology.subject_objects(axiom):
            if not isinstance(cls, URIRef) or not isinstance(prop, URIRef):
                continue
            why = f"{'subject' if kind == 0 else 'object'} of {local_name(prop)} (whose {local_name(axiom)} is {local_name(cls)})"
            for triple in data.triples((None, prop, None)):
                node = triple[kind]
                if isinstance(node, URIRef):
                    for sup in supers.get(cls, {cls}):
                        types.setdefault(node, {}).setdefault(sup, why)
    return types
