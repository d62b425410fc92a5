"""Turn the curated facts and the paper index into RDF claims with provenance.

Each claim is a named graph of asserted triples; the default graph holds what is said about the
claims (evidence span, section, method, source). No blank nodes: every IRI is minted from ids
and offsets, so rebuilds give the same graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from kg.namespaces import CITO, FABIO, MX, OA, QB, RES, expand, resource, slug
from loaders.cited import paragraph_of, resolve_citations, stated_claims
from loaders.curated import Curated, Entity, Fact
from loaders.index import section_at
from loaders.labels import observation_label, work_label
from loaders.model import INFERRED, RECORDED, STATED

PAPER_ID = "mendez-2017"
#: The individuals of mx:StatementKind, by the basis of a curated fact.
KINDS = {STATED: MX.statedByPaper, INFERRED: MX.inferredByCurators, RECORDED: MX.takenFromRecord}
SCHEMES = {"ResidenceStatus": MX.ResidenceStatusScheme, "Concept": MX.ConceptScheme, "Factor": MX.FactorScheme}
_SENTENCE_END = re.compile(r"[.?!](?=\s)")


def iri(ident: str) -> URIRef:
    """The IRI of a curated entity, work or observation.

    >>> iri("ntt-docomo")
    rdflib.term.URIRef('https://w3id.org/mxjp-talent/resource/ntt-docomo')
    """
    return RES[ident]


def span_iri(start: int, end: int) -> URIRef:
    return resource("span", f"{start}-{end}")


class _Writer:
    def __init__(self, index: dict[str, Any]) -> None:
        self.ds = Dataset()
        self.index = index
        self.paper = iri(PAPER_ID)
        self.spans: set[tuple[int, int]] = set()

    def claim(
        self,
        claim: URIRef,
        triples: Iterable[tuple[Node, Node, Node]],
        span: tuple[int, int] | None,
        method: URIRef,
        source: URIRef | None = None,
        *,
        basis: str = STATED,
        reason: str | None = None,
        more: Iterable[tuple[int, int]] = (),
    ) -> None:
        """Add a claim: its triples in their own graph, and in the default graph how it is known
        (stated by the paper, inferred by the curators with the reason, or taken from the record
        *source*), by which method, and the span(s) of the paper behind it."""
        graph = self.ds.graph(claim)
        for triple in triples:
            graph.add(triple)
        self.ds.add((claim, RDF.type, MX.Claim))
        self.ds.add((claim, PROV.wasDerivedFrom, source if basis == RECORDED and source is not None else self.paper))
        self.ds.add((claim, MX.method, method))
        self.ds.add((claim, MX.statementKind, KINDS[basis]))
        if reason is not None:
            self.ds.add((claim, MX.inferenceReason, Literal(reason, lang="en")))
        if source is not None:
            self.ds.add((claim, MX.source, source))
        spans = ([span] if span is not None else []) + [s for s in more if s != span]
        for number, each in enumerate(spans):
            self.ds.add((claim, MX.evidence, span_iri(*each)))
            self.spans.add(each)
            section = self.section_at(each[0])
            if section and number == 0:
                self.ds.add((claim, MX.inSection, iri(f"section-{section}")))

    def section_at(self, offset: int) -> str | None:
        return section_at(self.index, offset)

    def finish(self) -> Dataset:
        for start, end in sorted(self.spans):
            node = span_iri(start, end)
            self.ds.add((node, RDF.type, MX.TextSpan))
            self.ds.add((node, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
            self.ds.add((node, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
            self.ds.add((node, MX.partOf, self.paper))
            section = self.section_at(start)
            if section:
                self.ds.add((node, MX.inSection, iri(f"section-{section}")))
        return self.ds


def _literal(fact: Fact) -> Literal:
    if fact.lang:
        return Literal(str(fact.value), lang=fact.lang)
    if fact.datatype:
        return Literal(str(fact.value), datatype=XSD[fact.datatype])
    if isinstance(fact.value, int):
        return Literal(fact.value, datatype=XSD.integer)
    if isinstance(fact.value, float):
        return Literal(str(fact.value), datatype=XSD.decimal)
    return Literal(str(fact.value))


def _predicate(name: str) -> URIRef:
    return expand(name) if ":" in name else MX[name]


def _decimal(value: float) -> Literal:
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return Literal(text, datatype=XSD.decimal)


def to_dataset(curated: Curated, index: dict[str, Any]) -> Dataset:
    """Build the claims of *curated* and of the paper *index* into a new Dataset.

    Raises :class:`InputError` when an in-text citation matches no cited work.
    """
    w = _Writer(index)
    ids = curated.entities
    fallback = _fallback_evidence(curated, index)
    curation = MX.curation
    for entity in sorted(ids.values(), key=lambda e: e.id):
        subject = iri(entity.id)
        span = entity.evidence or fallback.get(entity.id)
        source = URIRef(entity.source) if entity.source else None
        _entity_claims(w, entity, ids, span, source)
        for fact in entity.facts:
            target = fact.obj if fact.obj is not None else slug(str(fact.value))
            claim = resource("claim", entity.id, slug(fact.predicate), target)
            obj: Node = iri(fact.obj) if fact.obj is not None else _literal(fact)
            record = URIRef(fact.record) if fact.record else None if fact.evidence else source
            basis = fact.basis if fact.basis != STATED or fact.evidence or source is None else RECORDED
            w.claim(
                claim,
                [(subject, _predicate(fact.predicate), obj)],
                fact.evidence or span,
                curation,
                record,
                basis=basis,
                reason=fact.reason,
                more=fact.spans,
            )
    _structure(w, index)
    _citations(w, curated, index)
    _mentions(w, index)
    return w.finish()


def _entity_claims(
    w: _Writer, entity: Entity, ids: dict[str, Entity], span: tuple[int, int] | None, source: URIRef | None
) -> None:
    """The claim that introduces an entity; an observation's inferred parts go in claims of their own."""
    claim = resource("claim", entity.id)
    triples = _entity_triples(entity, ids)
    basis = RECORDED if span is None and source is not None else STATED
    if entity.kind != "observation":
        w.claim(claim, triples, span, MX.curation, source, basis=basis)
        return
    inferred = entity.extra["inferred"]
    parts = {key: [t for t in triples if t[1] == OBSERVATION_PARTS[key]] for key in inferred}
    stated = [t for t in triples if not any(t in part for part in parts.values())]
    w.claim(claim, stated, span, MX.curation, source, more=entity.extra["spans"])
    for key, reason in sorted(inferred.items()):
        w.claim(
            resource("claim", entity.id, key),
            parts[key],
            span,
            MX.curation,
            basis=INFERRED,
            reason=reason,
            more=entity.extra["spans"],
        )


#: The triple of an observation that holds each inferable part.
OBSERVATION_PARTS = {"period": MX.period}


def _entity_triples(entity: Entity, ids: dict[str, Entity]) -> list[tuple[Node, Node, Node]]:
    s = iri(entity.id)
    out: list[tuple[Node, Node, Node]] = [(s, RDF.type, MX[entity.type])]
    labels = dict(entity.labels)
    if entity.kind == "work":
        labels.setdefault("en", work_label(entity, ids))
    if entity.kind == "observation":
        labels.setdefault("en", observation_label(entity, ids))
    for lang, label in sorted(labels.items()):
        out.append((s, RDFS.label, Literal(label, lang=lang)))
    for lang, names in sorted(entity.alt_labels.items()):
        out += [(s, SKOS.altLabel, Literal(n, lang=lang)) for n in names]
    for lang, text in sorted(entity.definitions.items()):
        out.append((s, SKOS.definition, Literal(text, lang=lang)))
    out += [(s, MX.paperSpelling, Literal(n)) for n in entity.paper_spellings]
    if entity.type in SCHEMES:
        out.append((s, SKOS.inScheme, SCHEMES[entity.type]))
    if entity.kind == "work":
        extra = entity.extra
        out.append((s, RDF.type, FABIO[extra["fabio"]]))
        out.append((s, FABIO.hasPublicationYear, Literal(str(extra["year"]), datatype=XSD.gYear)))
        for author in extra["authors"]:
            out.append((s, DCTERMS.creator, iri(author)))
        if extra["title"]:
            out.append((s, DCTERMS.title, Literal(extra["title"])))
    if entity.kind == "observation":
        out += _observation_triples(entity)
    return out


def _observation_triples(entity: Entity) -> list[tuple[Node, Node, Node]]:
    s = iri(entity.id)
    extra = entity.extra
    out: list[tuple[Node, Node, Node]] = [(s, RDF.type, QB.Observation)]
    names = {"value": MX.value, "min": MX.minValue, "max": MX.maxValue}
    for key, number in extra["numbers"].items():
        out.append((s, names[key], _decimal(number)))
    out.append((s, MX.qualifier, Literal(extra["qualifier"])))
    if extra["period"] is not None:
        out.append((s, MX.period, Literal(extra["period"])))
    if extra["scope"] is not None:
        out.append((s, MX.scope, Literal(extra["scope"], lang="en")))
    props = {
        "dataset": MX.dataSet,
        "measure": MX.measure,
        "unit": MX.unit,
        "area": MX.refArea,
        "population": MX.refPopulation,
        "actor": MX.refActor,
        "category": MX.refCategory,
        "source": MX.source,
    }
    for key, values in sorted(extra["refs"].items()):
        out += [(s, props[key], iri(v)) for v in values]
    return out


def _fallback_evidence(curated: Curated, index: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Evidence for entities the paper never names on their own: authors, units, measures, data sets."""
    out: dict[str, tuple[int, int]] = {}
    works = curated.of_kind("work")
    cites = resolve_citations(curated, index)
    for work in sorted(works, key=lambda e: e.id):
        span = work.evidence or next((c for c, wid in cites if wid == work.id), None)
        if span is None:
            continue
        out.setdefault(work.id, span)
        for author in work.extra["authors"]:
            out.setdefault(author, span)
    for obs in sorted(curated.of_kind("observation"), key=lambda e: e.id):
        for key in ("dataset", "measure", "unit"):
            for ref in obs.extra["refs"].get(key, []):
                if obs.evidence:
                    out.setdefault(ref, obs.evidence)
    return out


def _structure(w: _Writer, index: dict[str, Any]) -> None:
    length = int(index["length"])
    w.claim(
        resource("claim", "paper-length"),
        [(w.paper, MX.textLength, Literal(length, datatype=XSD.nonNegativeInteger))],
        (0, length),
        MX.extraction,
    )
    for section in index["sections"]:
        node = iri(f"section-{section['id']}")
        span = tuple(section["heading"])
        w.claim(
            resource("claim", "section", section["id"]),
            [
                (node, RDF.type, MX.Section),
                (node, MX.partOf, w.paper),
                (node, MX.number, Literal(index["sections"].index(section) + 1, datatype=XSD.integer)),
            ],
            span,
            MX.extraction,
        )
    for paragraph in index["paragraphs"]:
        node = resource("paragraph", paragraph["id"])
        w.claim(
            resource("claim", "paragraph", paragraph["id"]),
            [(node, RDF.type, MX.Paragraph), (node, MX.partOf, iri(f"section-{paragraph['section']}"))],
            tuple(paragraph["span"]),
            MX.extraction,
        )


def _citations(w: _Writer, curated: Curated, index: dict[str, Any]) -> None:
    """Each in-text citation, linked to the figures it is the source of and to the curated facts
    stated in the same sentence (``mx:citedFor``), typed with its CiTO function where clear."""
    resolved = resolve_citations(curated, index)
    observations = curated.of_kind("observation")
    facts = stated_claims(curated)
    for citation, (span, work_id) in zip(index["citations"], resolved, strict=True):
        node = resource("citation", work_id, str(span[0]))
        ss, se = citation["sentence"]
        # a figure whose curated source is this work counts when it lies in the citation's
        # paragraph (papers often cite once at the end of a paragraph of figures); a fact
        # only when it is stated in the citation's own sentence
        ps, pe = paragraph_of(index, span[0])
        # ... and, when the paragraph cites the work more than once, only to the nearest citation
        same_work = [s for s, wid in resolved if wid == work_id and ps <= s[0] < pe]
        sourced = sorted(
            o.id
            for o in observations
            if work_id in o.extra["refs"].get("source", [])
            and o.evidence
            and ps <= o.evidence[0] < pe
            and min(same_work, key=lambda s: (abs(s[0] - o.evidence[0]), s[0])) == span  # type: ignore[index]
        )
        stated = sorted({claim for (fs, fe), claim in facts if fs < se and fe > ss}, key=str)
        function = CITO.citesAsDataSource if sourced else CITO.citesForInformation if stated else CITO.cites
        triples: list[tuple[Node, Node, Node]] = [
            (node, RDF.type, MX.Citation),
            (node, CITO.hasCitingEntity, w.paper),
            (node, CITO.hasCitedEntity, iri(work_id)),
            (node, CITO.hasCitationCharacterization, function),
            (node, MX.citationForm, Literal(citation["form"])),
            (
                node,
                RDFS.label,
                Literal(
                    f"{' & '.join(citation['authors'])} {citation['year']}"
                    + (f", p. {citation['pages']}" if citation["pages"] else ""),
                    lang="en",
                ),
            ),
        ]
        if citation["pages"]:
            triples.append((node, MX.pages, Literal(citation["pages"])))
        triples += [(node, MX.citedFor, iri(o)) for o in sourced]
        triples += [(node, MX.citedFor, claim) for claim in stated]
        w.claim(resource("claim", "citation", work_id, str(span[0])), triples, span, MX.extraction)


def _mentions(w: _Writer, index: dict[str, Any]) -> None:
    for mention in index["mentions"]:
        start, end = mention["start"], mention["end"]
        paragraph = next((p for p in index["paragraphs"] if p["span"][0] <= start < p["span"][1]), None)
        if paragraph is None:
            continue
        node = resource("paragraph", paragraph["id"])
        w.claim(
            resource("claim", "mention", mention["entity"], str(start)),
            [(node, MX.mentions, iri(mention["entity"]))],
            (start, end),
            MX.extraction,
        )
