"""The curated facts: YAML files in our words, checked against the ontology.

Every mistake is reported as ``file:line: what is wrong``; see ``loaders/data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import InputError
from loaders.entries import OBS_REFS, at, check_keys, expect, parse_entity, parse_observation, parse_work
from loaders.evidence import check_bounds, check_evidence
from loaders.model import Curated, Entity, Fact, Vocabulary, Where
from loaders.yamlines import LineDict, LineList, load_yaml

__all__ = ["Curated", "Entity", "Fact", "Vocabulary", "Where", "check_evidence", "read_curated", "read_file"]


def read_file(path: Path, vocab: Vocabulary) -> list[Entity]:
    """Parse and check one data file; raises :class:`InputError` at the first mistake."""
    doc = load_yaml(path)
    where = Where(path, getattr(doc, "line", 1))
    expect(doc, dict, where, "the file")
    check_keys(doc, {"entities", "works", "observations"}, set(), path, "the file")
    out: list[Entity] = []
    for key in ("entities", "works", "observations"):
        if key not in doc:
            continue
        items = doc[key]
        expect(items, list, at(doc, key, path), key)
        for item in items:
            if not isinstance(item, LineDict):
                raise Where(
                    path, items.item_lines[items.index(item)] if isinstance(items, LineList) else doc.line
                ).error(f"each of {key} must be a mapping, got {item!r:.40}")
            if key == "observations":
                out.append(parse_observation(item, path))
            else:
                out.append(parse_entity(item, vocab, path) if key == "entities" else parse_work(item, vocab, path))
    return out


def read_curated(data_dir: Path, vocab: Vocabulary, *, paper_length: int | None = None) -> Curated:
    """Read every ``*.yaml`` file of *data_dir* and check ids, references and spans.

    >>> from rdflib import Graph
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
                raise entity.where.error(
                    f"duplicate id {entity.id!r} (first defined at {first.path.name}:{first.line})"
                )
            entities[entity.id] = entity
    curated = Curated(entities)
    _check_references(curated)
    if paper_length is not None:
        check_bounds(curated, paper_length)
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
