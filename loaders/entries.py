"""Parsers of the entries of a curated data file: entities with facts, cited works and
observations (figures). Each checks its keys, types, ids, language tags and spans, and reports a
mistake as ``file:line: what is wrong``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kg.namespaces import EXTERNAL_PROPERTIES
from loaders.model import INFERRED, RECORDED, STATED, Entity, Fact, Span, Vocabulary, Where
from loaders.yamlines import LineDict

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATATYPES = ("string", "integer", "decimal", "gYear", "gYearMonth", "date", "anyURI", "boolean")
FABIO_TYPES = ("Book", "BookChapter", "JournalArticle", "ConferencePaper", "Report", "Work", "WebPage", "Thesis")
QUALIFIERS = ("exact", "approximate", "atLeast", "range")
NO_EVIDENCE_NEEDED = ("Person", "Unit", "Measure", "DataSet")
LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")
PERIOD = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")


def expect(value: Any, kind: type | tuple[type, ...], where: Where, what: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        names = names.replace("LineDict", "mapping").replace("LineList", "list").replace("dict", "mapping")
        raise where.error(f"{what} must be a {names}, got {type(value).__name__.replace('Line', '')} {value!r:.60}")
    return value


def at(parent: LineDict, key: str, path: Path) -> Where:
    return Where(path, parent.key_lines.get(key, parent.line))


def _span(raw: Any, where: Where) -> tuple[int, int]:
    if not (isinstance(raw, list) and len(raw) == 2 and all(type(v) is int for v in raw)):
        raise where.error(f"evidence must be [start, end] with two integers, got {raw!r:.60}")
    start, end = raw
    if not 0 <= start < end:
        raise where.error(f"evidence [{start}, {end}] is empty or negative")
    return start, end


def _lang_map(raw: Any, where: Where, what: str, *, lists: bool = False) -> dict[str, Any]:
    expect(raw, dict, where, what)
    out: dict[str, Any] = {}
    for lang, value in raw.items():
        if not LANG.match(lang):
            raise where.error(f"{what}: {lang!r} is not a language tag")
        if lists:
            values = value if isinstance(value, list) else [value]
            for v in values:
                expect(v, str, where, f"{what}.{lang}")
            out[lang] = [str(v) for v in values]
        else:
            out[lang] = expect(value, str, where, f"{what}.{lang}").strip()
            if not out[lang]:
                raise where.error(f"{what}.{lang} is empty")
    return out


def check_keys(item: LineDict, allowed: set[str], required: set[str], path: Path, what: str) -> None:
    for key in item:
        if key not in allowed:
            raise at(item, key, path).error(f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    for key in sorted(required):
        if key not in item:
            raise Where(path, item.line).error(f"{what} lacks required key {key!r}")


def _id(item: LineDict, path: Path) -> str:
    where = at(item, "id", path)
    value = expect(item["id"], str, where, "id")
    if not ID.match(value):
        raise where.error(f"id {value!r} must be lowercase letters, digits and single hyphens")
    return value


def _facts(raw: Any, vocab: Vocabulary, path: Path, where: Where) -> list[Fact]:
    expect(raw, list, where, "facts")
    return [_fact(item, vocab, path, Where(path, raw.item_lines[i])) for i, item in enumerate(raw)]


def _fact(item: Any, vocab: Vocabulary, path: Path, where: Where) -> Fact:
    expect(item, dict, where, "a fact")
    check_keys(item, {"p", "o", "v", "datatype", "lang", "evidence", "inferred", "record"}, {"p"}, path, "fact")
    p = expect(item["p"], str, where, "p")
    kind = _property_kind(p, vocab, where)
    if ("o" in item) == ("v" in item):
        raise where.error(f"fact {p!r} needs exactly one of 'o' (an id) or 'v' (a value)")
    if kind == "object" and "o" not in item:
        raise where.error(f"{p!r} is an object property: give 'o' with an id, not 'v'")
    if kind == "literal" and "o" in item:
        raise where.error(f"{p!r} is a datatype property: give 'v' with a value, not 'o'")
    datatype = item.get("datatype")
    if datatype is not None and datatype not in DATATYPES:
        raise where.error(f"unknown datatype {datatype!r} (allowed: {', '.join(DATATYPES)})")
    lang = item.get("lang")
    if lang is not None and (not isinstance(lang, str) or not LANG.match(lang)):
        raise where.error(f"{lang!r} is not a language tag")
    value = item.get("v")
    if "v" in item:
        if value is None or isinstance(value, (list, dict)):
            raise where.error(f"value of {p!r} must be a string or a number, got {value!r:.60}")
        _check_datatype(value, datatype, where)
    obj = item.get("o")
    if obj is not None:
        expect(obj, str, where, "o")
    spans = _spans(item["evidence"], where) if "evidence" in item else ()
    basis, reason, record = _basis(item, where)
    return Fact(p, obj, value, datatype, lang, spans[0] if spans else None, where, basis, reason, record, spans)


def _basis(item: LineDict, where: Where) -> tuple[str, str | None, str | None]:
    """How a fact is known: ``inferred: <reason>``, ``record: <URL>``, or stated by the paper."""
    if "inferred" in item and "record" in item:
        raise where.error("a fact is either inferred (with its reason) or taken from a record, not both")
    if "inferred" in item:
        reason = item["inferred"]
        if not isinstance(reason, str) or len(reason.split()) < 3:
            raise where.error("inferred: give the reason in a few words of our own")
        if "evidence" not in item:
            raise where.error("an inferred fact needs the span(s) it was inferred from as evidence")
        return INFERRED, reason, None
    if "record" in item:
        return RECORDED, None, _url(item["record"], where, "record")
    return STATED, None, None


def _url(value: Any, where: Where, what: str) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        raise where.error(f"{what} must be an http(s) URL, got {value!r:.60}")
    return value


def _spans(raw: Any, where: Where) -> tuple[Span, ...]:
    """One span ``[start, end]`` or a list of them."""
    if isinstance(raw, list) and raw and all(isinstance(x, list) for x in raw):
        return tuple(_span(x, where) for x in raw)
    return (_span(raw, where),)


def _property_kind(p: str, vocab: Vocabulary, where: Where) -> str:
    """``object`` or ``literal``: what kind of value the property *p* takes."""
    if ":" in p:
        if p not in EXTERNAL_PROPERTIES:
            raise where.error(f"unknown property {p!r}: not in kg.namespaces.EXTERNAL_PROPERTIES")
        return "object" if EXTERNAL_PROPERTIES[p] == "object" else "literal"
    if p in vocab.object_properties:
        return "object"
    if p in vocab.datatype_properties:
        return "literal"
    raise where.error(f"unknown property {p!r}: not a property of ontology/mxjp.ttl")


def _check_datatype(value: Any, datatype: str | None, where: Where) -> None:
    text = str(value)
    checks = {
        "integer": r"-?\d+",
        "decimal": r"-?\d+(?:\.\d+)?",
        "gYear": r"-?\d{4}",
        "gYearMonth": r"\d{4}-\d{2}",
        "date": r"\d{4}-\d{2}-\d{2}",
        "boolean": r"true|false",
    }
    if datatype in checks and not re.fullmatch(checks[datatype], text.lower() if datatype == "boolean" else text):
        raise where.error(f"value {text!r} is not a valid xsd:{datatype}")


#: The keys each kind of entry may have, and those it must have.
KEYS = {
    "entity": (
        {"id", "type", "label", "altLabel", "paperSpelling", "adjective", "definition", "evidence", "facts", "source"},
        {"id", "type", "label"},
    ),
    "work": (
        {"id", "fabio", "authors", "year", "title", "label", "evidence", "facts", "definition", "source"},
        {"id", "fabio", "authors", "year"},
    ),
    "observation": (
        {
            "id",
            "dataset",
            "measure",
            "value",
            "min",
            "max",
            "qualifier",
            "unit",
            "period",
            "area",
            "population",
            "actor",
            "category",
            "scope",
            "source",
            "asWritten",
            "evidence",
            "inferred",
        },
        {"id", "dataset", "measure", "unit", "evidence"},
    ),
}


def _entry(item: LineDict, path: Path, kind: str) -> Where:
    """Where an entry of *kind* starts, once it is a mapping with only its known keys."""
    where = Where(path, item.line)
    expect(item, dict, where, f"an {kind}" if kind[0] in "aeiou" else f"a {kind}")
    check_keys(item, *KEYS[kind], path, kind)
    return where


def parse_entity(item: LineDict, vocab: Vocabulary, path: Path) -> Entity:
    where = _entry(item, path, "entity")
    ident = _id(item, path)
    cls = expect(item["type"], str, at(item, "type", path), "type")
    if not vocab.is_class(cls):
        raise at(item, "type", path).error(f"unknown class {cls!r}: not a class of ontology/mxjp.ttl")
    labels = _lang_map(item["label"], at(item, "label", path), "label")
    if "en" not in labels:
        raise at(item, "label", path).error("label needs an English name (en)")
    spellings = item.get("paperSpelling", [])
    spellings = [spellings] if isinstance(spellings, str) else spellings
    for s in expect(spellings, list, at(item, "paperSpelling", path), "paperSpelling"):
        expect(s, str, at(item, "paperSpelling", path), "paperSpelling")
    evidence = _span(item["evidence"], at(item, "evidence", path)) if "evidence" in item else None
    source = _source(item, path)
    if evidence is None and source is None and cls not in NO_EVIDENCE_NEEDED:
        raise where.error(
            f"entity {ident!r} of type {cls} needs evidence [start, end] (or a source URL for metadata the paper does not state)"
        )
    return Entity(
        id=ident,
        type=cls,
        labels=labels,
        alt_labels=_lang_map(item["altLabel"], at(item, "altLabel", path), "altLabel", lists=True)
        if "altLabel" in item
        else {},
        paper_spellings=[str(s) for s in spellings],
        definitions=_lang_map(item["definition"], at(item, "definition", path), "definition")
        if "definition" in item
        else {},
        evidence=evidence,
        facts=_facts(item["facts"], vocab, path, at(item, "facts", path)) if "facts" in item else [],
        where=where,
        source=source,
        adjectives=_strings(item, "adjective", path),
    )


def _strings(item: LineDict, key: str, path: Path) -> list[str]:
    """A string or a list of strings under *key* (empty when absent)."""
    raw = item.get(key, [])
    values = [raw] if isinstance(raw, str) else raw
    for value in expect(values, list, at(item, key, path), key):
        expect(value, str, at(item, key, path), key)
    return [str(v) for v in values]


def _source(item: LineDict, path: Path) -> str | None:
    if "source" not in item:
        return None
    return _url(item["source"], at(item, "source", path), "source")


def parse_work(item: LineDict, vocab: Vocabulary, path: Path) -> Entity:
    where = _entry(item, path, "work")
    ident = _id(item, path)
    fabio = item["fabio"]
    if fabio not in FABIO_TYPES:
        raise at(item, "fabio", path).error(f"unknown FaBiO type {fabio!r} (allowed: {', '.join(FABIO_TYPES)})")
    authors = expect(item["authors"], list, at(item, "authors", path), "authors")
    if not authors:
        raise at(item, "authors", path).error("authors is empty")
    for a in authors:
        expect(a, str, at(item, "authors", path), "an author id")
    year = item["year"]
    if type(year) is not int or not 1500 <= year <= 2100:
        raise at(item, "year", path).error(f"year must be a four-digit integer, got {year!r:.40}")
    title = item.get("title")
    if title is not None:
        expect(title, str, at(item, "title", path), "title")
    label = item.get("label")
    labels = _lang_map(label, at(item, "label", path), "label") if label is not None else {}
    return Entity(
        id=ident,
        type="CitedWork",
        labels=labels,
        alt_labels={},
        paper_spellings=[],
        definitions=_lang_map(item["definition"], at(item, "definition", path), "definition")
        if "definition" in item
        else {},
        evidence=_span(item["evidence"], at(item, "evidence", path)) if "evidence" in item else None,
        facts=_facts(item["facts"], vocab, path, at(item, "facts", path)) if "facts" in item else [],
        where=where,
        kind="work",
        source=_source(item, path),
        extra={"fabio": fabio, "authors": list(authors), "year": year, "title": title},
    )


OBS_REFS = {"dataset": "DataSet", "measure": "Measure", "unit": "Unit"}


def parse_observation(item: LineDict, path: Path) -> Entity:
    where = _entry(item, path, "observation")
    ident = _id(item, path)
    numbers = _numbers(item, ident, path)
    qualifier = item.get("qualifier", "range" if "max" in numbers else "exact")
    if qualifier not in QUALIFIERS:
        raise at(item, "qualifier", path).error(f"unknown qualifier {qualifier!r} (allowed: {', '.join(QUALIFIERS)})")
    period = str(item["period"]) if "period" in item else None
    if period is not None and not PERIOD.match(period):
        raise at(item, "period", path).error(f"period {period!r} is not ISO 8601 (2016, 2016-06-30, 2010/2014)")
    as_written = item.get("asWritten")
    if as_written is not None:
        expect(as_written, str, at(item, "asWritten", path), "asWritten")
    scope = item.get("scope")
    if scope is not None:
        expect(scope, str, at(item, "scope", path), "scope")
    spans = _spans(item["evidence"], at(item, "evidence", path))
    return Entity(
        id=ident,
        type="Observation",
        labels={},
        alt_labels={},
        paper_spellings=[],
        definitions={},
        evidence=spans[0],
        facts=[],
        where=where,
        kind="observation",
        extra={
            "numbers": numbers,
            "qualifier": qualifier,
            "period": period,
            "refs": _refs(item, path),
            "asWritten": as_written,
            "scope": scope,
            "spans": spans,
            "inferred": _inferred_components(item, path, period),
        },
    )


#: The parts of an observation that may be the curators' inference rather than the paper's.
INFERABLE = ("period",)


def _inferred_components(item: LineDict, path: Path, period: str | None) -> dict[str, str]:
    """``inferred: {period: <reason>}``: which parts of the figure the paper does not give."""
    if "inferred" not in item:
        return {}
    where = at(item, "inferred", path)
    raw = expect(item["inferred"], dict, where, "inferred")
    out = {}
    for key, reason in raw.items():
        if key not in INFERABLE:
            raise where.error(f"inferred: {key!r} cannot be inferred (only {', '.join(INFERABLE)})")
        if key not in item:
            raise where.error(f"inferred: {key!r} is marked inferred but the observation gives none")
        if not isinstance(reason, str) or len(reason.split()) < 3:
            raise where.error(f"inferred: give the reason for {key!r} in a few words of our own")
        out[str(key)] = reason
    return out


def _numbers(item: LineDict, ident: str, path: Path) -> dict[str, int | float]:
    """An observation's value, or its bounds: exactly one of the two, each a number."""
    where = Where(path, item.line)
    numbers = {}
    for key in ("value", "min", "max"):
        if key in item:
            v = item[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise at(item, key, path).error(f"{key} must be a number, got {v!r:.40}")
            numbers[key] = v
    if not numbers:
        raise where.error(f"observation {ident!r} needs value, or min (and max) for a range or a bound")
    if "value" in numbers and ("min" in numbers or "max" in numbers):
        raise where.error(f"observation {ident!r}: give either value or min/max, not both")
    if "min" in numbers and "max" in numbers and numbers["min"] > numbers["max"]:
        raise where.error(f"observation {ident!r}: min {numbers['min']} is greater than max {numbers['max']}")
    return numbers


def _refs(item: LineDict, path: Path) -> dict[str, list[str]]:
    """The ids an observation points at (data set, measure, unit, area, population…), as lists."""
    refs: dict[str, list[str]] = {}
    for key in ("dataset", "measure", "unit", "area", "population", "actor", "category", "source"):
        if key in item:
            raw = item[key]
            values = raw if isinstance(raw, list) else [raw]
            for v in values:
                expect(v, str, at(item, key, path), key)
            refs[key] = [str(v) for v in values]
    return refs
