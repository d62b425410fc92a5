"""Links to external identifiers (SSSOM), identifier literals, and the paper-versus-record discrepancies.

Three curated files of ``loaders/mappings/`` become claims, each in its own named graph with
provenance, next to the claims of :mod:`loaders.rdf`:

- ``mappings.sssom.tsv``: SSSOM TSV (YAML metadata header, one mapping per row) from curated
  ids to Wikidata, ROR, GeoNames and DOI identifiers, loaded as ``skos:exactMatch``,
  ``skos:closeMatch`` or ``owl:sameAs``;
- ``identifiers.tsv``: identifier literals (ISO 3166 codes) and bibliographic records;
- ``discrepancies.yaml``: where the paper's wording differs from the canonical record.

Each claim is derived from its external source, obtained by curation, and takes as evidence the
span of the paper that supports the entity (so that every claim keeps its evidence). Mistakes are
reported as :class:`kg.errors.InputError` with the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import MX, OA, RES, resource, slug
from loaders.discrepancies import Discrepancy, check_discrepancy_evidence, read_discrepancies
from loaders.identifiers import IDENTIFIER_PROPERTIES, Identifier, read_identifiers
from loaders.index import section_at
from loaders.sssom import SEMAPV, MappingSet, read_sssom

__all__ = [
    "check_discrepancy_evidence",
    "folder_for",
    "mapping_claims",
    "mapping_dataset",
    "mappings_dir",
    "read_discrepancies",
    "read_identifiers",
    "read_sssom",
]

UNVERIFIED_SOURCE = resource("source", "unverified")


def mappings_dir() -> Path:
    """The folder of the shipped mapping files."""
    return Path(__file__).with_name("mappings")


Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Claim:
    """A claim to add: its named graph's triples, the source it is derived from, and its evidence.

    ``span`` is the claim's own evidence span; when None the claim takes the evidence of the
    entity it is about (the subject of its first triple). ``about`` are extra provenance triples.
    """

    iri: URIRef
    triples: list[Triple]
    source: URIRef
    span: tuple[int, int] | None = None
    about: list[Triple] = field(default_factory=list)
    kind: URIRef = MX.takenFromRecord  # or mx:statedByPaper (the paper's side of a discrepancy)


def mapping_claims(
    mappings: MappingSet, identifiers: list[Identifier], discrepancies: list[Discrepancy], paper: URIRef
) -> list[Claim]:
    """The claims of the three mapping files, in file order."""
    out: list[Claim] = []
    for m in mappings.mappings:
        local = m.subject_id.split(":", 1)[1]
        claim = resource("claim", "mapping", local, slug(m.object_id))
        about: list[Triple] = [
            (claim, MX.confidence, Literal(f"{m.confidence:g}", datatype=XSD.decimal)),
            (claim, MX.mappingJustification, URIRef(SEMAPV + m.justification.split(":", 1)[1])),
        ]
        out.append(Claim(claim, [(m.subject, m.predicate, m.object)], m.source or m.object, None, about))
    for ident in identifiers:
        prop, is_iri = IDENTIFIER_PROPERTIES[ident.prop]
        value: Node = URIRef(ident.value) if is_iri else Literal(ident.value)
        claim = resource("claim", "identifier", ident.subject_id, slug(ident.prop), slug(ident.value))
        out.append(Claim(claim, [(resource(ident.subject_id), prop, value)], ident.source))
    for d in discrepancies:
        node = resource("discrepancy", d.id)
        paper_side: list[Triple] = [
            (node, RDF.type, MX.Discrepancy),
            (node, RDFS.label, Literal(f"{d.kind}: {d.paper} / {d.record}", lang="en")),
            (node, MX.discrepancyOf, resource(d.entity)),
            (node, MX.differingProperty, d.prop),
            (node, MX.discrepancyKind, Literal(d.kind)),
            (node, MX.paperValue, Literal(d.paper)),
        ]
        if d.note:
            paper_side.append((node, SKOS.note, Literal(d.note, lang="en")))
        out.append(
            Claim(resource("claim", "discrepancy", d.id, "paper"), paper_side, paper, d.evidence, kind=MX.statedByPaper)
        )
        record_side: list[Triple] = [
            (node, MX.recordValue, Literal(d.record)),
            (node, MX.verificationStatus, Literal(d.status)),
        ]
        if d.source is not None:
            record_side.append((node, MX.recordSource, d.source))
        record_claim = resource("claim", "discrepancy", d.id, "record")
        if d.source is not None:
            out.append(Claim(record_claim, record_side, d.source, d.evidence))
        else:
            why = Literal("the curators' general knowledge, not yet checked against a public record", lang="en")
            out.append(
                Claim(
                    record_claim,
                    record_side,
                    UNVERIFIED_SOURCE,
                    d.evidence,
                    about=[(record_claim, MX.inferenceReason, why)],
                    kind=MX.inferredByCurators,
                )
            )
    return out


def folder_for(data: Path | None) -> Path | None:
    """The mapping folder that goes with the curated *data* folder.

    The shipped ``loaders/mappings/`` goes with the shipped data; another data folder uses its
    own ``mappings/`` subfolder when it has one, and no mappings otherwise.
    """
    from kg.paths import data_dir

    if data is None or Path(data).resolve() == data_dir().resolve():
        return mappings_dir()
    if (Path(data) / "mappings").is_dir():
        return Path(data) / "mappings"
    return None


def mapping_dataset(
    claims: Dataset,
    index: dict[str, Any],
    known_ids: Iterable[str],
    data: Path | None = None,
    *,
    paper_text: str | None = None,
    folder: Path | None = None,
) -> tuple[Dataset, list[str]]:
    """The claims of the mapping files that go with *data* (see :func:`folder_for`), as a new dataset.

    Each claim gets its named graph, ``mx:method mx:curation``, ``prov:wasDerivedFrom`` its
    source and ``mx:evidence`` a span of the paper: its own, or the span of the curated claim of
    the entity it is about, looked up in *claims* (which is only read). Returns the new dataset
    and notes for the build.
    """
    from loaders.rdf import PAPER_ID, iri

    out = Dataset()
    folder = folder or folder_for(data)
    if folder is None:
        return out, []
    known = set(known_ids)
    sssom, idents, discs = (folder / n for n in ("mappings.sssom.tsv", "identifiers.tsv", "discrepancies.yaml"))
    mappings = read_sssom(sssom, known) if sssom.is_file() else MappingSet(sssom, {}, {}, [], [])
    identifiers = read_identifiers(idents, known) if idents.is_file() else []
    discrepancies = read_discrepancies(discs, known, index.get("length")) if discs.is_file() else []
    if paper_text is not None:
        check_discrepancy_evidence(discrepancies, paper_text, discs)
    paper = iri(PAPER_ID)
    for claim in mapping_claims(mappings, identifiers, discrepancies, paper):
        _add_claim(out, claims, claim, paper, index, folder)
    if any(d.source is None for d in discrepancies):
        out.add((UNVERIFIED_SOURCE, RDF.type, PROV.Entity))
        out.add(
            (
                UNVERIFIED_SOURCE,
                RDFS.label,
                Literal("general knowledge not yet checked against a public record", lang="en"),
            )
        )
    return out, [
        f"linked {len(mappings.mappings)} mapping(s), {len(identifiers)} identifier(s) and "
        f"{len(discrepancies)} discrepancy(ies) from {folder.name}/"
    ]


def _add_claim(out: Dataset, claims: Dataset, claim: Claim, paper: URIRef, index: dict[str, Any], folder: Path) -> None:
    from loaders.rdf import span_iri

    if claim.span is not None:
        span_node: URIRef | None = span_iri(*claim.span)
        _add_span(out, span_iri(*claim.span), claim.span, paper, index)
        section = out.value(span_iri(*claim.span), MX.inSection)
    else:
        span_node = _entity_span(claims, str(claim.triples[0][0]).rsplit("/", 1)[-1])
        section = claims.value(span_node, MX.inSection) if span_node is not None else None
    if span_node is None and claim.kind != MX.takenFromRecord:
        raise InputError(folder, f"{claim.iri}: its entity has no evidence span to support the claim")
    graph = out.graph(claim.iri)
    for triple in claim.triples:
        graph.add(triple)
    out.add((claim.iri, RDF.type, MX.Claim))
    out.add((claim.iri, MX.method, MX.curation))
    out.add((claim.iri, MX.statementKind, claim.kind))
    out.add((claim.iri, PROV.wasDerivedFrom, claim.source))
    if span_node is not None:
        out.add((claim.iri, MX.evidence, span_node))
    else:  # a record about an entity the paper's text does not name: the record is the support
        out.add((claim.iri, MX.source, claim.source))
    if section is not None:
        out.add((claim.iri, MX.inSection, section))
    for triple in claim.about:
        out.add(triple)


def _entity_span(dataset: Dataset, ident: str) -> URIRef | None:
    span = dataset.value(resource("claim", ident), MX.evidence)
    return span if isinstance(span, URIRef) else None


def _add_span(dataset: Dataset, node: URIRef, span: tuple[int, int], paper: URIRef, index: dict[str, Any]) -> None:
    start, end = span
    dataset.add((node, RDF.type, MX.TextSpan))
    dataset.add((node, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    dataset.add((node, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    dataset.add((node, MX.partOf, paper))
    section = section_at(index, start) if "sections" in index else None
    if section:
        dataset.add((node, MX.inSection, RES[f"section-{section}"]))
