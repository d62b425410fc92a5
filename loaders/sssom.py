"""SSSOM mapping tables (``mappings.sssom.tsv``): a YAML metadata header with its ``curie_map``,
then one mapping per row, from curated ids to Wikidata, ROR, GeoNames and DOI identifiers.
Mistakes are reported with the file and line."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import OWL, SKOS, URIRef

from kg.errors import InputError
from kg.terms import NAMESPACES

#: Columns every mapping row must have (``see_also`` and any other SSSOM column are optional).
REQUIRED_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "author_id",
    "mapping_date",
    "comment",
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
SEMAPV = NAMESPACES["semapv"]
JUSTIFICATIONS = frozenset(
    {
        "ManualMappingCuration",
        "LexicalMatching",
        "LexicalSimilarityThresholdMatching",
        "MappingChaining",
        "BackgroundKnowledgeBasedMatching",
        "MappingReview",
        "StructuralMatching",
        "UnspecifiedMatching",
    }
)
REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(\S+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HTTP = re.compile(r"^https?://\S+$")


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
        raise InputError(
            path,
            f"the metadata header is not valid YAML: {getattr(exc, 'problem', exc)}",
            (mark.line + 1) if mark is not None else 1,
        ) from None
    if not isinstance(metadata, dict):
        raise InputError(path, "the metadata header (lines starting with '#') must be a YAML mapping", 1)
    return metadata, count


def read_sssom(
    path: Path | str, known_ids: Iterable[str] | None = None, *, subject_prefix: str | None = "res", strict: bool = True
) -> MappingSet:
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
    for offset, raw in enumerate(lines[first + 1 :], start=first + 2):
        if not raw.strip():
            continue
        cells = next(csv.reader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(columns):
            raise InputError(path, f"{len(cells)} cells where the header has {len(columns)} columns", offset)
        mappings.append(_row(dict(zip(columns, cells, strict=True)), curie_map, known, subject_prefix, path, offset))
    return MappingSet(path, metadata, curie_map, mappings, columns)


def _row(
    row: dict[str, str],
    curie_map: dict[str, str],
    known: set[str] | None,
    subject_prefix: str | None,
    path: Path,
    line: int,
) -> Mapping:
    def fail(message: str) -> InputError:
        return InputError(path, message, line)

    iris = _expanded(row, curie_map, fail)
    if row["predicate_id"] not in PREDICATES:
        raise fail(f"unknown predicate {row['predicate_id']!r} (known: {', '.join(sorted(PREDICATES))})")
    justification = row["mapping_justification"]
    if (
        not str(iris["mapping_justification"]).startswith(SEMAPV)
        or justification.split(":", 1)[1] not in JUSTIFICATIONS
    ):
        raise fail(
            f"unknown mapping_justification {justification!r} (a SEMAPV term such as semapv:ManualMappingCuration)"
        )
    subject_id = row["subject_id"]
    if known is not None:
        prefix, _, local = subject_id.partition(":")
        if prefix != subject_prefix or local not in known:
            raise fail(f"subject {subject_id!r} is not a curated id (expected {subject_prefix}:<id> of an entity)")
    confidence = _confidence(row["confidence"], fail)
    if row.get("mapping_date") and not _DATE.match(row["mapping_date"]):
        raise fail(f"mapping_date {row['mapping_date']!r} is not an ISO date YYYY-MM-DD")
    source = row.get("see_also", "").strip()
    if source and not HTTP.match(source):
        raise fail(f"see_also {source!r} is not an http(s) IRI")
    extra = {k: v for k, v in row.items() if k not in REQUIRED_COLUMNS and k != "see_also"}
    return Mapping(
        subject_id,
        iris["subject_id"],
        row["subject_label"],
        row["predicate_id"],
        PREDICATES[row["predicate_id"]],
        row["object_id"],
        iris["object_id"],
        row["object_label"],
        justification,
        confidence,
        URIRef(source) if source else None,
        row["comment"],
        line,
        extra,
    )


def _expanded(row: dict[str, str], curie_map: dict[str, str], fail: Any) -> dict[str, URIRef]:
    """The row's CURIEs as IRIs; every required cell must be filled and its prefix mapped."""
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
    return iris


def _confidence(cell: str, fail: Any) -> float:
    try:
        confidence = float(cell)
    except ValueError:
        raise fail(f"confidence {cell!r} is not a number") from None
    if not 0.0 <= confidence <= 1.0:
        raise fail(f"confidence {confidence} is outside [0, 1]")
    return confidence
