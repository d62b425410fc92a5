"""SSSOM mapping tables (``mappings.sssom.tsv``): a YAML metadata header with its ``curie_map``,
then one mapping per row, from curated ids to Wikidata, ROR, GeoNames and DOI identifiers.

Read, validated and written with the community's libraries: ``sssom`` (sssom-py) parses the
table into its data model and checks it against the SSSOM schema, ``curies`` expands the CURIEs
with the table's prefix map. sssom-py names neither file nor line, and quietly drops a row whose
confidence or date it cannot read; so each row is first checked here, as read, and every
mistake (ours or the schema's) is reported as ``file:line: message``."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import curies
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
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HTTP = re.compile(r"^https?://\S+$")
_SCHEMA_ERROR = re.compile(r"^(?P<message>.*) in /mappings/(?P<index>\d+)(?:/(?P<slot>\w+))?")

if TYPE_CHECKING:
    from sssom.util import MappingSetDataFrame


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
    """An SSSOM mapping set: its metadata (with the curie_map), its rows, and sssom-py's own
    reading of it (``msdf``, a ``MappingSetDataFrame``; None for an absent table)."""

    path: Path
    metadata: dict[str, Any]
    curie_map: dict[str, str]
    mappings: list[Mapping]
    columns: list[str]
    msdf: MappingSetDataFrame | None = None


def expand_curie(curie: str, curie_map: dict[str, str] | curies.Converter) -> URIRef | None:
    """Expand *curie* with *curie_map* (a prefix map or a ``curies.Converter``); None when its
    prefix is not in the map.

    >>> expand_curie("wd:Q17", {"wd": "http://www.wikidata.org/entity/"})
    rdflib.term.URIRef('http://www.wikidata.org/entity/Q17')
    """
    converter = curie_map if isinstance(curie_map, curies.Converter) else curies.Converter.from_prefix_map(curie_map)
    expanded = converter.expand(curie, strict=False) if ":" in curie else None
    return URIRef(expanded) if expanded else None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """sssom-py and linkml log every finding at ERROR on the root logger; we report them ourselves."""
    logging.disable(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sssom-py's own use of pandas keywords that pandas deprecates
            yield
    finally:
        logging.disable(logging.NOTSET)


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
    curie_map, converter = _prefix_map(metadata, path, strict)
    if first >= len(lines) or not lines[first].strip():
        raise InputError(path, "no column header line after the metadata", first + 1)
    columns = lines[first].split("\t")
    condensed = {c: _text(metadata[c]) for c in REQUIRED_COLUMNS if c not in columns and c in metadata}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns and c not in condensed]
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
        row = {**condensed, **dict(zip(columns, cells, strict=True))}
        mappings.append(_row(row, converter, known, subject_prefix, path, offset))
    msdf = _sssom_py(path, mappings)
    return MappingSet(path, metadata, curie_map, mappings, columns, msdf)


def _prefix_map(metadata: dict[str, Any], path: Path, strict: bool) -> tuple[dict[str, str], curies.Converter]:
    """The required metadata, and the ``curie_map`` as a dict and as a ``curies.Converter``."""
    for key in REQUIRED_METADATA if strict else ("curie_map",):
        if key not in metadata:
            raise InputError(path, f"the metadata header has no `{key}`", 1)
    curie_map = metadata["curie_map"]
    if not isinstance(curie_map, dict) or not all(isinstance(v, str) for v in curie_map.values()):
        raise InputError(path, "`curie_map` must map prefixes to IRI strings", 1)
    curie_map = {str(k): v for k, v in curie_map.items()}
    try:
        return curie_map, curies.Converter.from_prefix_map(curie_map)
    except (ValueError, curies.api.DuplicateURIPrefixes, curies.api.DuplicatePrefixes) as exc:
        raise InputError(path, f"`curie_map` is not a valid prefix map: {' '.join(str(exc).split())}", 1) from None


def _sssom_py(path: Path, mappings: list[Mapping]) -> MappingSetDataFrame:
    """The table as sssom-py reads it, checked against the SSSOM schema; its findings get the
    line of the row they are about."""
    with quiet():
        from sssom.parsers import parse_sssom_table
        from sssom.validators import SchemaValidationType, validate

    line_of = {(m.subject_id, m.predicate_id, m.object_id, m.justification): m.line for m in mappings}
    try:
        with quiet():
            msdf = parse_sssom_table(path)
            reports = validate(msdf, [SchemaValidationType.JsonSchema], fail_on_error=False)
    except (ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise InputError(path, f"sssom-py cannot read the table: {' '.join(str(exc).split())[:300]}") from None
    rows = msdf.df.to_dict("records")
    for report in reports.values():
        for result in report.results:
            found = _SCHEMA_ERROR.match(result.message)
            row = rows[int(found["index"])] if found and int(found["index"]) < len(rows) else {}
            key = tuple(
                str(row.get(c, "")) for c in ("subject_id", "predicate_id", "object_id", "mapping_justification")
            )
            message = found["message"] if found else result.message
            slot = f"`{found['slot']}` " if found and found["slot"] else ""
            raise InputError(path, f"not valid SSSOM: {slot}{message[:300]}", line_of.get(key))  # type: ignore[arg-type]
    if len(rows) != len(mappings):
        raise InputError(path, f"sssom-py reads {len(rows)} mapping(s) where the file has {len(mappings)}")
    return msdf


def _row(
    row: dict[str, str],
    converter: curies.Converter,
    known: set[str] | None,
    subject_prefix: str | None,
    path: Path,
    line: int,
) -> Mapping:
    def fail(message: str) -> InputError:
        return InputError(path, message, line)

    iris = _expanded(row, converter, fail)
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
    if row.get("mapping_date") and not _iso_date(row["mapping_date"]):
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


def _text(value: object) -> str:
    """A metadata value as it would stand in a cell (sssom-py moves a column whose cells are all
    equal into the header: ``mapping_date: 2026-11-27``)."""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _iso_date(value: str) -> bool:
    try:
        return bool(_DATE.match(value)) and datetime.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _expanded(row: dict[str, str], converter: curies.Converter, fail: Any) -> dict[str, URIRef]:
    """The row's CURIEs as IRIs; every required cell must be filled and its prefix mapped."""
    for column in ("subject_id", "predicate_id", "object_id", "mapping_justification", "confidence"):
        if not row[column].strip():
            raise fail(f"empty `{column}`")
    iris: dict[str, URIRef] = {}
    for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
        value = row[column]
        expanded = expand_curie(value, converter)
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
