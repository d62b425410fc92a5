"""A resource's facts sorted for its page: merged by statement, each with its evidence, and put in
the group a reader looks for (identity, identifiers, relations, figures, citations, discrepancies,
mentions, and what the reasoner added).

Works on the plain rows the worker returns (:func:`kg.serve.jobs.profile`): ``{name: {"type",
"value", "lang"?, "datatype"?}}`` per solution, as in the SPARQL JSON results format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.terms import NAMESPACES, expand, local_name

Row = dict[str, dict[str, str]]


def _iris(*names: str) -> frozenset[str]:
    return frozenset(expand(name) for name in names)


TYPE = expand("rdf:type")
LABEL = expand("rdfs:label")
ALT_LABEL = expand("skos:altLabel")
DEFINITION = expand("skos:definition")
MENTIONS = expand("mx:mentions")
DISCREPANCY_OF = expand("mx:discrepancyOf")
#: What a thing is and what it is called.
IDENTITY = _iris("rdf:type", "rdfs:label", "skos:prefLabel", "skos:altLabel", "skos:definition", "rdfs:comment")
#: Its names in other datasets: shown as links to the record.
IDENTIFIERS = _iris(
    "owl:sameAs", "skos:exactMatch", "skos:closeMatch", "mx:iso3166Code", "dcterms:identifier", "prism:issn"
)
#: Who cites what: the paper's in-text citations and the works they point at.
CITATIONS = _iris("mx:citedFor", "cito:hasCitedEntity", "cito:hasCitingEntity", "cito:hasCitationCharacterization")
#: The registries whose identifiers the graph links to, by namespace: their name for a reader.
REGISTRIES = {"wd": "Wikidata", "geonames": "GeoNames", "ror": "ROR", "doi": "DOI", "orcid": "ORCID"}
#: How each kind of statement (mx:StatementKind) reads on a page.
KINDS = {
    "statedByPaper": "stated by the paper",
    "inferredByCurators": "inferred by the curators",
    "takenFromRecord": "taken from a record",
}
GROUPS = ("identity", "identifiers", "relations", "figures", "citations", "discrepancies", "mentions", "reasoner")


@dataclass(frozen=True, order=True)
class Evidence:
    """Where a fact comes from: its claim graph, span, section, and how it is known."""

    start: int | None = None
    end: int | None = None
    claim: str | None = None
    section: str | None = None
    kind: str | None = None  # a local name of KINDS, or None
    reason: str | None = None
    record: str | None = None

    @property
    def how(self) -> str:
        """The kind of statement in words ("stated by the paper"…); a fact outside any claim was
        added by the reasoner or recorded as provenance.

        >>> Evidence(1, 2, "urn:c", kind="inferredByCurators").how, Evidence().how
        ('inferred by the curators', 'outside any claim')
        """
        if self.kind in KINDS:
            return KINDS[self.kind]
        return "found in the paper" if self.claim else "outside any claim"


@dataclass
class Fact:
    """One statement about the resource (``out``: it is the subject; ``in``: the object)."""

    direction: str
    predicate: str
    value: dict[str, str]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def in_claim(self) -> bool:
        """Whether a claim of the graph asserts it (rather than the reasoner or provenance)."""
        return any(e.claim for e in self.evidence)


def _int(term: dict[str, str] | None) -> int | None:
    return int(term["value"]) if term is not None else None


def _value(term: dict[str, str] | None) -> str | None:
    return term["value"] if term is not None else None


def merge(rows: Iterable[Row]) -> list[Fact]:
    """One :class:`Fact` per statement, its evidence gathered from every row that gives it.

    >>> uri = lambda v: {"type": "uri", "value": v}
    >>> rows = [{"direction": {"value": "out"}, "p": uri("urn:p"), "o": uri("urn:o"), "g": uri("urn:g1")},
    ...         {"direction": {"value": "out"}, "p": uri("urn:p"), "o": uri("urn:o"), "g": uri("urn:g2")}]
    >>> [len(f.evidence) for f in merge(rows)]
    [2]
    """
    facts: dict[tuple[str, ...], Fact] = {}
    for row in rows:
        o = row["o"]
        key = (
            row["direction"]["value"],
            row["p"]["value"],
            o["type"],
            o["value"],
            o.get("lang", ""),
            o.get("datatype", ""),
        )
        fact = facts.setdefault(key, Fact(key[0], key[1], o))
        kind = _value(row.get("kind"))
        evidence = Evidence(
            _int(row.get("start")),
            _int(row.get("end")),
            _value(row.get("g")),
            _value(row.get("section")),
            local_name(kind) if kind else None,
            _value(row.get("reason")),
            _value(row.get("record")),
        )
        if evidence not in fact.evidence and (evidence != Evidence() or not fact.evidence):
            fact.evidence.append(evidence)
    for fact in facts.values():
        fact.evidence.sort()
        if len(fact.evidence) > 1 and Evidence() in fact.evidence:
            fact.evidence.remove(Evidence())
    return list(facts.values())


def group(facts: list[Fact], figures: set[str], discrepancies: set[str]) -> dict[str, list[Fact]]:
    """The facts by :data:`GROUPS`. When some claim asserts a fact about the resource, the facts
    outside every claim are the reasoner's (types, broader and inverse relations) and are put
    apart; a resource no claim speaks of (a claim, a span, a section) shows them as they are.
    """
    grouped: dict[str, list[Fact]] = {name: [] for name in GROUPS}
    has_claims = any(f.in_claim for f in facts)
    for fact in facts:
        grouped[_group_of(fact, has_claims, figures, discrepancies)].append(fact)
    return grouped


def _group_of(fact: Fact, has_claims: bool, figures: set[str], discrepancies: set[str]) -> str:
    incoming = fact.direction == "in"
    if has_claims and not fact.in_claim:
        return "reasoner"
    if incoming and fact.predicate == MENTIONS:
        return "mentions"
    if incoming and fact.value["value"] in figures:
        return "figures"
    if incoming and fact.predicate == DISCREPANCY_OF and fact.value["value"] in discrepancies:
        return "discrepancies"
    if fact.predicate in CITATIONS:
        return "citations"
    if not incoming and fact.predicate in IDENTIFIERS:
        return "identifiers"
    if not incoming and (fact.predicate in IDENTITY or fact.value["type"] == "literal"):
        return "identity"
    return "relations"


def registry(iri: str) -> tuple[str, str] | None:
    """The registry an identifier IRI belongs to and the identifier in it, or None.

    >>> registry("http://www.wikidata.org/entity/Q17"), registry("http://example.org/x")
    (('Wikidata', 'Q17'), None)
    """
    for prefix, name in REGISTRIES.items():
        namespace = NAMESPACES[prefix]
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return name, iri[len(namespace) :]
    return None


def pick(texts: dict[str, str], languages: list[str]) -> tuple[str, str] | None:
    """The text in the first of *languages* that has one, else English, untagged, or any; with its tag.

    >>> pick({"en": "Japan", "ja": "日本"}, ["ja"]), pick({"es": "Japón"}, ["ja"])
    (('日本', 'ja'), ('Japón', 'es'))
    """
    for lang in [*languages, "en", ""]:
        if lang in texts:
            return texts[lang], lang
    if texts:
        lang = sorted(texts)[0]
        return texts[lang], lang
    return None


def amount(figure: dict[str, Any]) -> str:
    """A figure's value or bounds and unit, in words.

    >>> amount({"value": {"value": "90000"}, "unit": {"value": "person"}})
    '90,000 person'
    >>> amount({"min": {"value": "900"}, "max": {"value": "1000"}}), amount({"min": {"value": "2.5"}})
    ('900–1,000', 'over 2.5')
    """

    def number(key: str) -> str:
        text = figure[key]["value"]
        whole, _, fraction = text.partition(".")
        try:
            grouped = f"{int(whole):,}"
        except ValueError:
            return text
        return grouped + (f".{fraction}" if fraction.strip("0") else "")

    if "value" in figure:
        shown = number("value")
    elif "min" in figure and "max" in figure:
        shown = f"{number('min')}–{number('max')}"
    elif "min" in figure:
        shown = f"over {number('min')}"
    elif "max" in figure:
        shown = f"up to {number('max')}"
    else:
        shown = "no value"
    unit = figure.get("unit", {}).get("value")
    return f"{shown} {unit}" if unit else shown
