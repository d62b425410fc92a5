"""Where the paper's wording differs from the canonical record (``discrepancies.yaml``): both
values are kept, each with its own provenance, and the paper is never silently corrected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef

from kg.errors import InputError
from kg.namespaces import MX, expand
from loaders.sssom import HTTP
from loaders.yamlines import LineDict, LineList, load_yaml

DISCREPANCY_KEYS = frozenset(
    {"id", "entity", "property", "kind", "paper", "paperAsWritten", "record", "status", "source", "evidence", "note"}
)
STATUSES = ("verified", "partly verified", "unverified")


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


def read_discrepancies(
    path: Path | str, known_ids: Iterable[str], paper_length: int | None = None
) -> list[Discrepancy]:
    """Read ``discrepancies.yaml``: a mapping with a list ``discrepancies``; see the file's header."""
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

    _check_keys(item, fail)
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
    source = _source(item, fail)
    span = _span(item["evidence"], paper_length, fail)
    note = item.get("note") or {}
    return Discrepancy(
        ident,
        str(item["entity"]),
        prop,
        str(item["kind"]),
        str(item["paper"]),
        str(item.get("paperAsWritten") or item["paper"]),
        str(item["record"]),
        str(item["status"]),
        URIRef(str(source)) if source else None,
        (span[0], span[1]),
        str(note.get("en", "")) if isinstance(note, dict) else str(note),
        item.line,
    )


def _check_keys(item: LineDict, fail: Any) -> None:
    unknown = sorted(set(item) - DISCREPANCY_KEYS)
    if unknown:
        raise fail(f"unknown key(s): {', '.join(unknown)}", unknown[0])
    for key in ("id", "entity", "property", "kind", "paper", "record", "status", "evidence"):
        if item.get(key) in (None, ""):
            raise fail(f"missing `{key}`")


def _source(item: LineDict, fail: Any) -> Any:
    source = item.get("source")
    if source is None and item["status"] != "unverified":
        raise fail("a verified record value needs its `source`", "status")
    if source is not None and not HTTP.match(str(source)):
        raise fail(f"source {source!r} is not an http(s) IRI", "source")
    return source


def _span(span: Any, paper_length: int | None, fail: Any) -> list[int]:
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(type(x) is int for x in span)
        or not 0 <= span[0] < span[1]
        or (paper_length is not None and span[1] > paper_length)
    ):
        raise fail(f"evidence must be [start, end] within the paper, not {span!r}", "evidence")
    return span


def check_discrepancy_evidence(discrepancies: list[Discrepancy], text: str, path: Path | str) -> None:
    """Each evidence span must contain the paper's value as written (ignoring case and line breaks)."""

    def norm(s: str) -> str:
        return " ".join(s.split()).lower()

    for d in discrepancies:
        if norm(d.paper_as_written) not in norm(text[d.evidence[0] : d.evidence[1]]):
            raise InputError(
                path, f"{d.id}: the evidence span {list(d.evidence)} does not contain {d.paper_as_written!r}", d.line
            )
