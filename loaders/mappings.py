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

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import MX, OA, RES, expand, resource, slug
from loaders.index import section_at

#: Columns every mapping row must have (``see_also`` and any other SSSOM column are optional).
REQUIRED_COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "confidence", "author_id", "mapping_date", "comment",
)
#: Mapping predicates the loader knows, with the RDF property each becomes.
PREDICATES: dict[str, URIRef] = {
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "skos:broadMatch": SKOS.broadMatch,
    "skos:narrowMatch": SKOS.narrowMatch,
    "skos:relatedMatch": SKOS.relatedMatch,
    "owl:sameAs": OWL.sameAs,
}
SEMAPV = "https://w3id.org/semapv/vocab/"
JUSTIFICATIONS = frozenset({
    "ManualMappingCuration", "LexicalMatching", "LexicalSimilarityThresholdMatching", "MappingChaining",
    "BackgroundKnowledgeBasedMatching", "MappingReview", "StructuralMatching", "UnspecifiedMatching",
})
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")
#: Properties of ``identifiers.tsv``: name → (IRI, whether the value is an IRI).
IDENTIFIER_PROPERTIES: dict[str, tuple[URIRef, bool]] = {
    "mx:iso3166Code": (MX.iso3166Code, False),
    "rdfs:seeAlso": (RDFS.seeAlso, True),
}
DISCREPANCY_KEYS = frozenset({"id", "entity", "property", "kind", "paper", "paperAsWritten", "record", "status",
                              "source", "evidence", "note"})
STATUSES = ("verified", "partly verified", "unverified")
UNVERIFIED_SOURCE = resource("source", "unverified")
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(\S+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HTTP = re.compile(r"^https?://\S+$")


def mappings_dir() -> Path:
    """The folder of the shipped mapping files."""
    return Path(__file__).with_name("mappings")


@dataclass(frozen=True)
class Mapping:
    """One row of an SSSOM table, its CURIEs expanded."""

    subject_id: str  # the CURIE as written
    subject: URIRef
    subject_label: str
    predicate_id: str
    predicate: URIRef
    object_id: str
    object: URIRef
    object_label: str
    justification: str
    confidence: float
    source: URIRef | None  # see_also, the public record the mapping was read in
    comment: str
    line: int
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class MappingSet:
    """An SSSOM mapping set: its metadata (with the curie_map) and its rows."""

    path: Path
    metadata: dict[str, Any]
    curie_map: dict[str, str]
    mappings: list[Mapping]
    columns: list[str]


def expand_curie(curie: str, curie_map: dict[str, str]) -> URIRef | None:
    """Expand *curie* with *curie_map*; None when its prefix is not in the map.

    >>> expand_curie("wd:Q17", {"wd": "http://www.wikidata.org/entity/"})
    rdflib.term.URIRef('http://www.wikidata.org/entity/Q17')
    """
    match = _CURIE.match(curie)
    if not match or match.group(1) not in curie_map:
        return None
    return URIRef(curie_map[match.group(1)] + match.group(2))


def _header(lines: list[str], path: Path) -> tuple[dict[str, Any], int]:
    """The YAML metadata of the ``#`` lines at the top, and the number of those lines."""
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    text = "\n".join(line[1:].removeprefix(" ") if line.startswith("# ") else line[1:] for line in lines[:count])
    try:
        metadata = yaml.safe_load(text) if text.strip() else {}
    except ValueError as exc:  # a well-formed but impossible value, such as a 2024-02-30 date
        raise InputError(path, f"the metadata header holds an impossible value: {exc}", 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"the metadata header is not valid YAML: {getattr(exc, 'problem', exc)}",
                         (mark.line + 1) if mark is not None else 1) from None
    if not isinstance(metadata, dict):
        raise InputError(path, "the metadata header (lines starting with '#') must be a YAML mapping", 1)
    return metadata, count


def read_sssom(path: Path | str, known_ids: Iterable[str] | None = None, *, subject_prefix: str | None = "res",
               strict: bool = True) -> MappingSet:
    """Read and check an SSSOM TSV file.

    Checks the metadata (``curie_map``, ``mapping_set_id``, ``license``), the required columns,
    the predicates, the justifications, that every CURIE's prefix is in the ``curie_map``, that
    ``confidence`` lies in [0, 1] and, when *known_ids* is given, that each subject is
    ``subject_prefix:<id>`` for a known id. With ``strict=False`` (files made by ``kg link``)
    the mapping set may lack a licence.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the mapping table: {exc}") from None
    lines = text.splitlines()
    metadata, first = _header(lines, path)
    for key in REQUIRED_METADATA if strict else ("curie_map",):
        if key not in metadata:
            raise InputError(path, f"the metadata header has no `{key}`", 1)
    curie_map = metadata["curie_map"]
    if not isinstance(curie_map, dict) or not all(isinstance(v, str) for v in curie_map.values()):
        raise InputError(path, "`curie_map` must map prefixes to IRI strings", 1)
    curie_map = {str(k): v for k, v in curie_map.items()}
    if first >= len(lines) or not lines[first].strip():
        raise InputError(path, "no column header line after the metadata", first + 1)
    columns = lines[first].split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(path, f"missing required column(s): {', '.join(missing)}", first + 1)
    known = set(known_ids) if known_ids is not None else None
    mappings = []
    for offset, raw in enumerate(lines[first + 1:], start=first + 2):
        if not raw.strip():
            continue
        cells = next(csv.reader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(columns):
            raise InputError(path, f"{len(cells)} cells where the header has {len(columns)} columns", offset)
        mappings.append(_row(dict(zip(columns, cells, strict=True)), curie_map, known, subject_prefix, path, offset))
    return MappingSet(path, metadata, curie_map, mappings, columns)


def _row(row: dict[str, str], curie_map: dict[str, str], known: set[str] | None, subject_prefix: str | None,
         path: Path, line: int) -> Mapping:
    def fail(message: str) -> InputError:
        return InputError(path, message, line)

    for column in ("subject_id", "predicate_id", "object_id", "mapping_justification", "confidence"):
        if not row[column].strip():
            raise fail(f"empty `{column}`")
    iris: dict[str, URIRef] = {}
    for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
        value = row[column]
        expanded = expand_curie(value, curie_map)
        if expanded is None:
            prefix = value.split(":", 1)[0] if ":" in value else value
            raise fail(f"`{column}` {value!r}: prefix {prefix!r} is not in the curie_map")
        iris[column] = expanded
    if row["predicate_id"] not in PREDICATES:
        raise fail(f"unknown predicate {row['predicate_id']!r} (known: {', '.join(sorted(PREDICATES))})")
    justification = row["mapping_justification"]
    if not str(iris["mapping_justification"]).startswith(SEMAPV) or justification.split(":", 1)[1] not in JUSTIFICATIONS:
        raise fail(f"unknown mapping_justification {justification!r} (a SEMAPV term such as semapv:ManualMappingCuration)")
    subject_id = row["subject_id"]
    if known is not None:
        prefix, _, local = subject_id.partition(":")
        if prefix != subject_prefix or local not in known:
            raise fail(f"subject {subject_id!r} is not a curated id (expected {subject_prefix}:<id> of an entity)")
    try:
        confidence = float(row["confidence"])
    except ValueError:
        raise fail(f"confidence {row['confidence']!r} is not a number") from None
    if not 0.0 <= confidence <= 1.0:
        raise fail(f"confidence {confidence} is outside [0, 1]")
    if row.get("mapping_date") and not _DATE.match(row["mapping_date"]):
        raise fail(f"mapping_date {row['mapping_date']!r} is not an ISO date YYYY-MM-DD")
    source = row.get("see_also", "").strip()
    if source and not _HTTP.match(source):
        raise fail(f"see_also {source!r} is not an http(s) IRI")
    extra = {k: v for k, v in row.items() if k not in REQUIRED_COLUMNS and k != "see_also"}
    return Mapping(subject_id, iris["subject_id"], row["subject_label"], row["predicate_id"], PREDICATES[row["predicate_id"]],
                   row["object_id"], iris["object_id"], row["object_label"], justification, confidence,
                   URIRef(source) if source else None, row["comment"], line, extra)


@dataclass(frozen=True)
class Identifier:
    """One row of ``identifiers.tsv``: a literal identifier or a bibliographic record of an entity."""

    subject_id: str
    prop: str
    value: str
    source: URIRef
    comment: str
    line: int


def read_identifiers(path: Path | str, known_ids: Iterable[str]) -> list[Identifier]:
    """Read ``identifiers.tsv`` (``#`` comment lines, then a header: subject_id, property, value, see_also, comment)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    known = set(known_ids)
    first = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    if first >= len(lines):
        raise InputError(path, "no column header line", first + 1)
    columns = lines[first].split("\t")
    wanted = ("subject_id", "property", "value", "see_also", "comment")
    if tuple(columns) != wanted:
        raise InputError(path, f"the header must be {' '.join(wanted)} (tab-separated)", first + 1)
    out = []
    for number, raw in enumerate(lines[first + 1:], start=first + 2):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) != len(wanted):
            raise InputError(path, f"{len(cells)} cells where the header has {len(wanted)}", number)
        subject, prop, value, source, comment = cells
        local = subject.removeprefix("res:")
        if not subject.startswith("res:") or local not in known:
            raise InputError(path, f"subject {subject!r} is not a curated id (res:<id>)", number)
        if prop not in IDENTIFIER_PROPERTIES:
            raise InputError(path, f"unknown property {prop!r} (known: {', '.join(IDENTIFIER_PROPERTIES)})", number)
        if not value.strip():
            raise InputError(path, "empty value", number)
        if IDENTIFIER_PROPERTIES[prop][1] and not _HTTP.match(value):
            raise InputError(path, f"{prop} needs an http(s) IRI, not {value!r}", number)
        if not _HTTP.match(source):
            raise InputError(path, f"see_also {source!r} is not an http(s) IRI", number)
        out.append(Identifier(local, prop, value, URIRef(source), comment, number))
    return out


@dataclass(frozen=True)
class Discrepancy:
    """The paper's value of one property of an entity, against the canonical record's value."""

    id: str
    entity: str
    prop: URIRef
    kind: str
    paper: str
    paper_as_written: str
    record: str
    status: str
    source: URIRef | None
    evidence: tuple[int, int]
    note: str
    line: int


def _property(name: str) -> URIRef:
    if ":" not in name:
        return MX[name]
    if name.startswith("mx:"):
        return MX[name[3:]]
    return expand(name)


def read_discrepancies(path: Path | str, known_ids: Iterable[str], paper_length: int | None = None) -> list[Discrepancy]:
    """Read ``discrepancies.yaml``: a mapping with a list ``discrepancies``; see the file's header."""
    from loaders.yamlines import LineDict, LineList, load_yaml

    path = Path(path)
    data = load_yaml(path)
    items = data.get("discrepancies") if isinstance(data, LineDict) else None
    if not isinstance(items, LineList):
        raise InputError(path, "expected a mapping with a list `discrepancies`", 1)
    known = set(known_ids)
    seen: set[str] = set()
    out = []
    for position, item in enumerate(items):
        if not isinstance(item, LineDict):
            raise InputError(path, "each discrepancy must be a mapping", items.item_lines[position])
        out.append(_discrepancy(item, known, seen, paper_length, path))
    return out


def _discrepancy(item: Any, known: set[str], seen: set[str], paper_length: int | None, path: Path) -> Discrepancy:
    def fail(message: str, key: str | None = None) -> InputError:
        return InputError(path, message, item.key_lines.get(key, item.line) if key else item.line)

    unknown = sorted(set(item) - DISCREPANCY_KEYS)
    if unknown:
        raise fail(f"unknown key(s): {', '.join(unknown)}", unknown[0])
    for key in ("id", "entity", "property", "kind", "paper", "record", "status", "evidence"):
        if item.get(key) in (None, ""):
            raise fail(f"missing `{key}`")
    ident = str(item["id"])
    if ident in seen:
        raise fail(f"duplicate id {ident!r}", "id")
    seen.add(ident)
    if not isinstance(item["entity"], str) or item["entity"] not in known:
        raise fail(f"entity {item['entity']!r} is not a curated id", "entity")
    try:
        prop = _property(str(item["property"]))
    except (KeyError, AttributeError):
        raise fail(f"unknown property {item['property']!r}", "property") from None
    if item["status"] not in STATUSES:
        raise fail(f"status must be one of {', '.join(STATUSES)}", "status")
    source = item.get("source")
    if source is None and item["status"] != "unverified":
        raise fail("a verified record value needs its `source`", "status")
    if source is not None and not _HTTP.match(str(source)):
        raise fail(f"source {source!r} is not an http(s) IRI", "source")
    span = item["evidence"]
    if (not isinstance(span, list) or len(span) != 2 or not all(type(x) is int for x in span)
            or not 0 <= span[0] < span[1] or (paper_length is not None and span[1] > paper_length)):
        raise fail(f"evidence must be [start, end] within the paper, not {span!r}", "evidence")
    note = item.get("note") or {}
    return Discrepancy(ident, str(item["entity"]), prop, str(item["kind"]), str(item["paper"]),
                       str(item.get("paperAsWritten") or item["paper"]), str(item["record"]), str(item["status"]),
                       URIRef(str(source)) if source else None, (span[0], span[1]),
                       str(note.get("en", "")) if isinstance(note, dict) else str(note), item.line)


def check_discrepancy_evidence(discrepancies: list[Discrepancy], text: str, path: Path | str) -> None:
    """Each evidence span must contain the paper's value as written (ignoring case and line breaks)."""
    def norm(s: str) -> str:
        return " ".join(s.split()).lower()

    for d in discrepancies:
        if norm(d.paper_as_written) not in norm(text[d.evidence[0]:d.evidence[1]]):
            raise InputError(path, f"{d.id}: the evidence span {list(d.evidence)} does not contain {d.paper_as_written!r}", d.line)


# ---------------------------------------------------------------- into the dataset

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


def mapping_claims(mappings: MappingSet, identifiers: list[Identifier], discrepancies: list[Discrepancy],
                   paper: URIRef) -> list[Claim]:
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
        out.append(Claim(resource("claim", "discrepancy", d.id, "paper"), paper_side, paper, d.evidence))
        record_side: list[Triple] = [(node, MX.recordValue, Literal(d.record)), (node, MX.verificationStatus, Literal(d.status))]
        if d.source is not None:
            record_side.append((node, MX.recordSource, d.source))
        out.append(Claim(resource("claim", "discrepancy", d.id, "record"), record_side, d.source or UNVERIFIED_SOURCE,
                         d.evidence))
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


def add_mapping_claims(dataset: Dataset, index: dict[str, Any], known_ids: Iterable[str], data: Path | None = None,
                       *, paper_text: str | None = None, folder: Path | None = None) -> list[str]:
    """Read the mapping files that go with *data* (see :func:`folder_for`) and add their claims to *dataset*.

    Each claim gets its named graph, ``mx:method mx:curation``, ``prov:wasDerivedFrom`` its
    source and ``mx:evidence`` a span of the paper. Returns notes for the build.
    """
    from loaders.rdf import PAPER_ID, iri, span_iri

    folder = folder or folder_for(data)
    if folder is None:
        return []
    known = set(known_ids)
    sssom, idents, discs = (folder / n for n in ("mappings.sssom.tsv", "identifiers.tsv", "discrepancies.yaml"))
    mappings = read_sssom(sssom, known) if sssom.is_file() else MappingSet(sssom, {}, {}, [], [])
    identifiers = read_identifiers(idents, known) if idents.is_file() else []
    discrepancies = read_discrepancies(discs, known, index.get("length")) if discs.is_file() else []
    if paper_text is not None:
        check_discrepancy_evidence(discrepancies, paper_text, discs)
    paper = iri(PAPER_ID)
    for claim in mapping_claims(mappings, identifiers, discrepancies, paper):
        if claim.span is not None:
            span_node: URIRef | None = span_iri(*claim.span)
            _add_span(dataset, span_iri(*claim.span), claim.span, paper, index)
        else:
            span_node = _entity_span(dataset, str(claim.triples[0][0]).rsplit("/", 1)[-1])
        if span_node is None:
            raise InputError(folder, f"{claim.iri}: its entity has no evidence span to support the claim")
        graph = dataset.graph(claim.iri)
        for triple in claim.triples:
            graph.add(triple)
        dataset.add((claim.iri, RDF.type, MX.Claim))
        dataset.add((claim.iri, MX.method, MX.curation))
        dataset.add((claim.iri, PROV.wasDerivedFrom, claim.source))
        dataset.add((claim.iri, MX.evidence, span_node))
        section = dataset.value(span_node, MX.inSection)
        if section is not None:
            dataset.add((claim.iri, MX.inSection, section))
        for triple in claim.about:
            dataset.add(triple)
    if any(d.source is None for d in discrepancies):
        dataset.add((UNVERIFIED_SOURCE, RDF.type, PROV.Entity))
        dataset.add((UNVERIFIED_SOURCE, RDFS.label,
                     Literal("general knowledge not yet checked against a public record", lang="en")))
    return [f"linked {len(mappings.mappings)} mapping(s), {len(identifiers)} identifier(s) and "
            f"{len(discrepancies)} discrepancy(ies) from {folder.name}/"]


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
