"""The curated facts as Python objects: entities, facts, works and observations, and the
ontology's vocabulary they may use. Parsed by :mod:`loaders.entries`, read by :mod:`loaders.curated`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, Graph, URIRef

from kg.errors import InputError
from kg.namespaces import MX


@dataclass(frozen=True)
class Where:
    """A place in a data file, for error messages."""

    path: Path
    line: int

    def error(self, message: str) -> InputError:
        return InputError(self.path, message, self.line)


#: How a statement is known: said by the paper, concluded by the curators, or read in a record.
STATED, INFERRED, RECORDED = "stated", "inferred", "recorded"
Span = tuple[int, int]


@dataclass(frozen=True)
class Fact:
    predicate: str  # mx local name or prefixed external name
    obj: str | None  # an id
    value: Any  # a literal value
    datatype: str | None
    lang: str | None
    evidence: Span | None  # the first span: what a stated fact says it with
    where: Where
    basis: str = STATED
    reason: str | None = None  # for an inferred fact: why, in our words
    record: str | None = None  # for a recorded fact: the public record (URL)
    spans: tuple[Span, ...] = ()  # every span (an inferred fact may rest on several)


@dataclass
class Entity:
    id: str
    type: str
    labels: dict[str, str]
    alt_labels: dict[str, list[str]]
    paper_spellings: list[str]
    definitions: dict[str, str]
    evidence: tuple[int, int] | None
    facts: list[Fact]
    where: Where
    kind: str = "entity"  # entity | work | observation
    source: str | None = None  # an external record (URL) supporting what the paper does not state
    extra: dict[str, Any] = field(default_factory=dict)
    adjectives: list[str] = field(default_factory=list)  # "Japanese" for Japan: read by the evidence check only

    def names(self) -> list[str]:
        """Every name the paper may use for this entity (labels, alternative labels, the paper's
        spellings), and the adjectives it uses for it."""
        out = list(self.labels.values()) + self.paper_spellings + self.adjectives
        for names in self.alt_labels.values():
            out.extend(names)
        return out


@dataclass
class Curated:
    """Everything the data files say, by id."""

    entities: dict[str, Entity]

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]


@dataclass(frozen=True)
class Vocabulary:
    """The classes and properties of the ontology, which the data may use."""

    classes: frozenset[str]
    object_properties: frozenset[str]
    datatype_properties: frozenset[str]

    @classmethod
    def from_ontology(cls, ontology: Graph) -> Vocabulary:
        ns = str(MX._NS)

        def local(kind: URIRef) -> frozenset[str]:
            return frozenset(str(s)[len(ns) :] for s in ontology.subjects(RDF.type, kind) if str(s).startswith(ns))

        return cls(local(OWL.Class), local(OWL.ObjectProperty), local(OWL.DatatypeProperty))

    def is_class(self, name: str) -> bool:
        return name in self.classes
