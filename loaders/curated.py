"""The curated facts: YAML files in our words, checked against the ontology.

Every mistake is reported as ``file:line: what is wrong``; see ``loaders/data/README.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, Graph, URIRef

from kg.errors import InputError
from kg.namespaces import EXTERNAL_PROPERTIES, MX
from loaders.yamlines import LineDict, LineList, load_yaml

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATATYPES = ("string", "integer", "decimal", "gYear", "gYearMonth", "date", "anyURI", "boolean")
FABIO_TYPES = ("Book", "BookChapter", "JournalArticle", "ConferencePaper", "Report", "Work", "WebPage", "Thesis")
QUALIFIERS = ("exact", "approximate", "atLeast", "range")
NO_EVIDENCE_NEEDED = ("Person", "Unit", "Measure", "DataSet")
LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")
PERIOD = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")


@dataclass(frozen=True)
class Where:
    """A place in a data file, for error messages."""

    path: Path
    line: int

    def error(self, message: str) -> InputError:
        return InputError(self.path, message, self.line)


@dataclass(frozen=True)
class Fact:
    predicate: str  # mx local name or prefixed external name
    obj: str | None  # an id
    value: Any  # a literal value
    datatype: str | None
    lang: str | None
    evidence: tuple[int, int] | None
    where: Where


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

    def names(self) -> list[str]:
        """Every name the paper may use for this entity."""
        out = list(self.labels.values()) + self.paper_spellings
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
            return frozenset(
                str(s)[len(ns) :] for s in ontology.subjects(RDF.type, kind) if str(s).startswith(ns)
            )

        return cls(local(OWL.Class), local(OWL.ObjectProperty), local(OWL.DatatypeProperty))

    def is_class(self, name: str) -> bool:
        return name in self.classes


def _expect(value: Any, kind: type | tuple[type, ...], where: Where, what: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        names = names.replace("LineDict", "mapping").replace("LineList", "list").replace("dict", "mapping")
        raise where.error(f"{what} must be a {names}, got {type(value).__name__.replace('Line', '')} {value!r:.60}")
    return value


def _at(parent: LineDict, key: str, path: Path) -> Where:
    return Where(path, parent.key_lines.get(key, parent.line))


def _span(raw: Any, where: Where) -> tuple[int, int]:
    if not (isinstance(raw, list) and len(raw) == 2 and all(type(v) is int for v in raw)):
        raise where.error(f"evidence must be [start, end] with two integers, got {raw!r:.60}")
    start, end = raw
    if not 0 <= start < end:
        raise where.error(f"evidence [{start}, {end}] is empty or negative")
    return start, end


def _lang_map(raw: Any, where: Where, what: str, *, lists: bool = False) -> dict[str, Any]:
    _expect(raw, dict, where, what)
    out: dict[str, Any] = {}
    for lang, value in raw.items():
        if not LANG.match(lang):
            raise where.error(f"{what}: {lang!r} is not a language tag")
        if lists:
            values = value if isinstance(value, list) else [value]
            for v in values:
                _expect(v, str, where, f"{what}.{lang}")
            out[lang] = [str(v) for v in values]
        else:
            out[lang] = _expect(value, str, where, f"{what}.{lang}").strip()
            if not out[lang]:
                raise where.error(f"{what}.{lang} is empty")
    return out


def _check_keys(item: LineDict, allowed: set[str], required: set[str], path: Path, what: str) -> None:
    for key in item:
        if key not in allowed:
            raise _at(item, key, path).error(f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    for key in sorted(required):
        if key not in item:
            raise Where(path, item.line).error(f"{what} lacks required key {key!r}")


def _id(item: LineDict, path: Path) -> str:
    where = _at(item, "id", path)
    value = _expect(item["id"], str, where, "id")
    if not ID.match(value):
        raise where.error(f"id {value!r} must be lowercase letters, digits and single hyphens")
    return value


def _facts(raw: Any, vocab: Vocabulary, path: Path, where: Where) -> list[Fact]:
    _expect(raw, list, where, "facts")
    facts = []
    for i, item in enumerate(raw):
        fwhere = Where(path, raw.item_lines[i])
        _expect(item, dict, fwhere, "a fact")
        _check_keys(item, {"p", "o", "v", "datatype", "lang", "evidence"}, {"p"}, path, "fact")
        p = _expect(item["p"], str, fwhere, "p")
        if ":" in p:
            if p not in EXTERNAL_PROPERTIES:
                raise fwhere.error(f"unknown property {p!r}: not in kg.namespaces.EXTERNAL_PROPERTIES")
            kind = "object" if EXTERNAL_PROPERTIES[p] == "object" else "literal"
        elif p in vocab.object_properties:
            kind = "object"
        elif p in vocab.datatype_properties:
            kind = "literal"
        else:
            raise fwhere.error(f"unknown property {p!r}: not a property of ontology/mxjp.ttl")
        if ("o" in item) == ("v" in item):
            raise fwhere.error(f"fact {p!r} needs exactly one of 'o' (an id) or 'v' (a value)")
        if kind == "object" and "o" not in item:
            raise fwhere.error(f"{p!r} is an object property: give 'o' with an id, not 'v'")
        if kind == "literal" and "o" in item:
            raise fwhere.error(f"{p!r} is a datatype property: give 'v' with a value, not 'o'")
        datatype = item.get("datatype")
        if datatype is not None and datatype not in DATATYPES:
            raise fwhere.error(f"unknown datatype {datatype!r} (allowed: {', '.join(DATATYPES)})")
        lang = item.get("lang")
        if lang is not None and (not isinstance(lang, str) or not LANG.match(lang)):
            raise fwhere.error(f"{lang!r} is not a language tag")
        value = item.get("v")
        if "v" in item:
            if value is None or isinstance(value, (list, dict)):
                raise fwhere.error(f"value of {p!r} must be a string or a number, got {value!r:.60}")
            _check_datatype(value, datatype, fwhere)
        obj = item.get("o")
        if obj is not None:
            _expect(obj, str, fwhere, "o")
        evidence = _span(item["evidence"], fwhere) if "evidence" in item else None
        facts.append(Fact(p, obj, value, datatype, lang, evidence, fwhere))
    return facts


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


def _entity(item: LineDict, vocab: Vocabulary, path: Path) -> Entity:
    where = Where(path, item.line)
    _expect(item, dict, where, "an entity")
    _check_keys(
        item,
        {"id", "type", "label", "altLabel", "paperSpelling", "definition", "evidence", "facts", "source"},
        {"id", "type", "label"},
        path,
        "entity",
    )
    ident = _id(item, path)
    cls = _expect(item["type"], str, _at(item, "type", path), "type")
    if not vocab.is_class(cls):
        raise _at(item, "type", path).error(f"unknown class {cls!r}: not a class of ontology/mxjp.ttl")
    labels = _lang_map(item["label"], _at(item, "label", path), "label")
    if "en" not in labels:
        raise _at(item, "label", path).error("label needs an English name (en)")
    spellings = item.get("paperSpelling", [])
    spellings = [spellings] if isinstance(spellings, str) else spellings
    for s in _expect(spellings, list, _at(item, "paperSpelling", path), "paperSpelling"):
        _expect(s, str, _at(item, "paperSpelling", path), "paperSpelling")
    evidence = _span(item["evidence"], _at(item, "evidence", path)) if "evidence" in item else None
    source = _source(item, path)
    if evidence is None and source is None and cls not in NO_EVIDENCE_NEEDED:
        raise where.error(f"entity {ident!r} of type {cls} needs evidence [start, end] (or a source URL for metadata the paper does not state)")
    return Entity(
        id=ident,
        type=cls,
        labels=labels,
        alt_labels=_lang_map(item["altLabel"], _at(item, "altLabel", path), "altLabel", lists=True)
        if "altLabel" in item
        else {},
        paper_spellings=[str(s) for s in spellings],
        definitions=_lang_map(item["definition"], _at(item, "definition", path), "definition")
        if "definition" in item
        else {},
        evidence=evidence,
        facts=_facts(item["facts"], vocab, path, _at(item, "facts", path)) if "facts" in item else [],
        where=where,
        source=source,
    )


def _source(item: LineDict, path: Path) -> str | None:
    if "source" not in item:
        return None
    value = _expect(item["source"], str, _at(item, "source", path), "source")
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        raise _at(item, "source", path).error(f"source must be an http(s) URL, got {value!r:.60}")
    return value


def _work(item: LineDict, vocab: Vocabulary, path: Path) -> Entity:
    where = Where(path, item.line)
    _expect(item, dict, where, "a work")
    _check_keys(
        item,
        {"id", "fabio", "authors", "year", "title", "label", "evidence", "facts", "definition", "source"},
        {"id", "fabio", "authors", "year"},
        path,
        "work",
    )
    ident = _id(item, path)
    fabio = item["fabio"]
    if fabio not in FABIO_TYPES:
        raise _at(item, "fabio", path).error(f"unknown FaBiO type {fabio!r} (allowed: {', '.join(FABIO_TYPES)})")
    authors = _expect(item["authors"], list, _at(item, "authors", path), "authors")
    if not authors:
        raise _at(item, "authors", path).error("authors is empty")
    for a in authors:
        _expect(a, str, _at(item, "authors", path), "an author id")
    year = item["year"]
    if type(year) is not int or not 1500 <= year <= 2100:
        raise _at(item, "year", path).error(f"year must be a four-digit integer, got {year!r:.40}")
    title = item.get("title")
    if title is not None:
        _expect(title, str, _at(item, "title", path), "title")
    label = item.get("label")
    labels = _lang_map(label, _at(item, "label", path), "label") if label is not None else {}
    return Entity(
        id=ident,
        type="CitedWork",
        labels=labels,
        alt_labels={},
        paper_spellings=[],
        definitions=_lang_map(item["definition"], _at(item, "definition", path), "definition")
        if "definition" in item
        else {},
        evidence=_span(item["evidence"], _at(item, "evidence", path)) if "evidence" in item else None,
        facts=_facts(item["facts"], vocab, path, _at(item, "facts", path)) if "facts" in item else [],
        where=where,
        kind="work",
        source=_source(item, path),
        extra={"fabio": fabio, "authors": list(authors), "year": year, "title": title},
    )


OBS_REFS = {"dataset": "DataSet", "measure": "Measure", "unit": "Unit"}


def _observation(item: LineDict, path: Path) -> Entity:
    where = Where(path, item.line)
    _expect(item, dict, where, "an observation")
    allowed = {"id", "dataset", "measure", "value", "min", "max", "qualifier", "unit", "period", "area",
               "population", "actor", "category", "source", "asWritten", "evidence", "label"}
    _check_keys(item, allowed, {"id", "dataset", "measure", "unit", "period", "evidence"}, path, "observation")
    ident = _id(item, path)
    numbers = {}
    for key in ("value", "min", "max"):
        if key in item:
            v = item[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _at(item, key, path).error(f"{key} must be a number, got {v!r:.40}")
            numbers[key] = v
    if not numbers:
        raise where.error(f"observation {ident!r} needs value, or min (and max) for a range or a bound")
    if "value" in numbers and ("min" in numbers or "max" in numbers):
        raise where.error(f"observation {ident!r}: give either value or min/max, not both")
    if "min" in numbers and "max" in numbers and numbers["min"] > numbers["max"]:
        raise where.error(f"observation {ident!r}: min {numbers['min']} is greater than max {numbers['max']}")
    qualifier = item.get("qualifier", "range" if "max" in numbers else "exact")
    if qualifier not in QUALIFIERS:
        raise _at(item, "qualifier", path).error(f"unknown qualifier {qualifier!r} (allowed: {', '.join(QUALIFIERS)})")
    period = str(item["period"])
    if not PERIOD.match(period):
        raise _at(item, "period", path).error(f"period {period!r} is not ISO 8601 (2016, 2016-06-30, 2010/2014)")
    refs: dict[str, list[str]] = {}
    for key in ("dataset", "measure", "unit", "area", "population", "actor", "category", "source"):
        if key in item:
            raw = item[key]
            values = raw if isinstance(raw, list) else [raw]
            for v in values:
                _expect(v, str, _at(item, key, path), key)
            refs[key] = [str(v) for v in values]
    as_written = item.get("asWritten")
    if as_written is not None:
        _expect(as_written, str, _at(item, "asWritten", path), "asWritten")
    label = item.get("label")
    return Entity(
        id=ident,
        type="Observation",
        labels={"en": label} if isinstance(label, str) else {},
        alt_labels={},
        paper_spellings=[],
        definitions={},
        evidence=_span(item["evidence"], _at(item, "evidence", path)),
        facts=[],
        where=where,
        kind="observation",
        extra={"numbers": numbers, "qualifier": qualifier, "period": period, "refs": refs, "asWritten": as_written},
    )


def read_file(path: Path, vocab: Vocabulary) -> list[Entity]:
    """Parse and check one data file; raises :class:`InputError` at the first mistake."""
    doc = load_yaml(path)
    where = Where(path, getattr(doc, "line", 1))
    _expect(doc, dict, where, "the file")
    _check_keys(doc, {"entities", "works", "observations"}, set(), path, "the file")
    out: list[Entity] = []
    for key, parse in (("entities", _entity), ("works", _work), ("observations", _observation)):
        if key not in doc:
            continue
        items = doc[key]
        _expect(items, list, _at(doc, key, path), key)
        for item in items:
            if not isinstance(item, LineDict):
                raise Where(path, items.item_lines[items.index(item)] if isinstance(items, LineList) else doc.line).error(
                    f"each of {key} must be a mapping, got {item!r:.40}"
                )
            out.append(parse(item, path) if parse is _observation else parse(item, vocab, path))  # type: ignore[operator]
    return out


def read_curated(data_dir: Path, vocab: Vocabulary, *, paper_length: int | None = None) -> Curated:
    """Read every ``*.yaml`` file of *data_dir* and check ids, references and spans.

    >>> from kg.paths import data_dir, ontology_file
    >>> curated = read_curated(data_dir(), Vocabulary.from_ontology(Graph().parse(ontology_file())))
    >>> len(curated.entities) > 0
    True
    """
    files = sorted(data_dir.glob("*.yaml"))
    if not files:
        raise InputError(data_dir, "no *.yaml data files")
    entities: dict[str, Entity] = {}
    for path in files:
        for entity in read_file(path, vocab):
            if entity.id in entities:
                first = entities[entity.id].where
                raise entity.where.error(f"duplicate id {entity.id!r} (first defined at {first.path.name}:{first.line})")
            entities[entity.id] = entity
    curated = Curated(entities)
    _check_references(curated)
    if paper_length is not None:
        _check_bounds(curated, paper_length)
    return curated


def _check_references(curated: Curated) -> None:
    ids = curated.entities
    for entity in ids.values():
        for fact in entity.facts:
            if fact.obj is not None and fact.obj not in ids:
                raise fact.where.error(f"{fact.predicate!r} points at unknown id {fact.obj!r}")
        if entity.kind == "work":
            for author in entity.extra["authors"]:
                if author not in ids:
                    raise entity.where.error(f"author {author!r} is not a known id")
                if ids[author].type != "Person":
                    raise entity.where.error(f"author {author!r} is a {ids[author].type}, not a Person")
        if entity.kind == "observation":
            for key, values in entity.extra["refs"].items():
                for value in values:
                    if value not in ids:
                        raise entity.where.error(f"{key} {value!r} is not a known id")
                    expected = OBS_REFS.get(key)
                    if expected and ids[value].type != expected:
                        raise entity.where.error(f"{key} {value!r} is a {ids[value].type}, expected a {expected}")


def _check_bounds(curated: Curated, length: int) -> None:
    for entity in curated.entities.values():
        spans = [(entity.evidence, entity.where)] + [(f.evidence, f.where) for f in entity.facts]
        for span, where in spans:
            if span is not None and span[1] > length:
                raise where.error(f"evidence {list(span)} ends past the paper's end ({length} characters)")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _figure_forms(value: float) -> list[str]:
    if float(value).is_integer():
        n = int(value)
        return [str(n), f"{n:,}"]
    return [repr(float(value)).rstrip("0").rstrip(".")]


def check_evidence(curated: Curated, text: str) -> list[InputError]:
    """Check that every span contains a name or figure it supports; returns the mistakes found."""
    errors: list[InputError] = []
    ids = curated.entities

    def names(ident: str) -> list[str]:
        entity = ids.get(ident)
        if entity is None:
            return []
        found = entity.names()
        if entity.kind == "work":
            for author in entity.extra["authors"][:1]:
                person = ids.get(author)
                if person:
                    found += person.names() + [str(f.value) for f in person.facts if f.predicate == "foaf:familyName"]
        if entity.type == "Person":
            found += [str(f.value) for f in entity.facts if f.predicate == "foaf:familyName"]
        return found

    def contains(span: tuple[int, int], candidates: list[str]) -> bool:
        window = _norm(text[span[0] : span[1]])
        return any(_norm(c) and _norm(c) in window for c in candidates)

    for entity in ids.values():
        if entity.evidence is not None:
            if entity.kind == "observation":
                written = entity.extra["asWritten"]
                forms = [written] if written else [f for v in entity.extra["numbers"].values() for f in _figure_forms(v)]
                if not contains(entity.evidence, forms):
                    errors.append(entity.where.error(f"evidence {list(entity.evidence)} does not contain the figure {forms[0]!r}"))
            else:
                # a thing the paper describes without naming it (a flow, a registration) is
                # supported by a span naming what it relates to
                candidates = names(entity.id)
                for fact in entity.facts:
                    candidates += names(fact.obj) if fact.obj is not None else [str(fact.value)]
                if not contains(entity.evidence, candidates):
                    errors.append(entity.where.error(f"evidence {list(entity.evidence)} does not contain a name of {entity.id!r} or of what it relates to"))
        for fact in entity.facts:
            if fact.evidence is None:
                continue
            candidates = names(entity.id)
            if fact.obj is not None:
                candidates += names(fact.obj)
            else:
                candidates += [str(fact.value)] + (_figure_forms(fact.value) if isinstance(fact.value, (int, float)) else [])
            if not contains(fact.evidence, candidates):
                errors.append(fact.where.error(f"evidence {list(fact.evidence)} of {fact.predicate!r} names neither subject nor object"))
    return errors
