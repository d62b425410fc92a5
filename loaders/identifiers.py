"""Identifier literals and bibliographic records of curated entities (``identifiers.tsv``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDFS, URIRef

from kg.errors import InputError
from kg.namespaces import MX
from loaders.sssom import HTTP

#: Properties of ``identifiers.tsv``: name → (IRI, whether the value is an IRI).
IDENTIFIER_PROPERTIES: dict[str, tuple[URIRef, bool]] = {
    "mx:iso3166Code": (MX.iso3166Code, False),
    "rdfs:seeAlso": (RDFS.seeAlso, True),
}


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
    for number, raw in enumerate(lines[first + 1 :], start=first + 2):
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
        if IDENTIFIER_PROPERTIES[prop][1] and not HTTP.match(value):
            raise InputError(path, f"{prop} needs an http(s) IRI, not {value!r}", number)
        if not HTTP.match(source):
            raise InputError(path, f"see_also {source!r} is not an http(s) IRI", number)
        out.append(Identifier(local, prop, value, URIRef(source), comment, number))
    return out
