"""Evidence checks: every span a curated fact points at must lie in the paper and say what it supports."""

from __future__ import annotations

from kg.errors import InputError
from loaders.model import Curated


def check_bounds(curated: Curated, length: int) -> None:
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
                forms = (
                    [written] if written else [f for v in entity.extra["numbers"].values() for f in _figure_forms(v)]
                )
                if not contains(entity.evidence, forms):
                    errors.append(
                        entity.where.error(f"evidence {list(entity.evidence)} does not contain the figure {forms[0]!r}")
                    )
            else:
                # a thing the paper describes without naming it (a flow, a registration) is
                # supported by a span naming what it relates to
                candidates = names(entity.id)
                for fact in entity.facts:
                    candidates += names(fact.obj) if fact.obj is not None else [str(fact.value)]
                if not contains(entity.evidence, candidates):
                    errors.append(
                        entity.where.error(
                            f"evidence {list(entity.evidence)} does not contain a name of {entity.id!r} or of what it relates to"
                        )
                    )
        for fact in entity.facts:
            if fact.evidence is None:
                continue
            candidates = names(entity.id)
            if fact.obj is not None:
                candidates += names(fact.obj)
            else:
                candidates += [str(fact.value)] + (
                    _figure_forms(fact.value) if isinstance(fact.value, (int, float)) else []
                )
            if not contains(fact.evidence, candidates):
                errors.append(
                    fact.where.error(
                        f"evidence {list(fact.evidence)} of {fact.predicate!r} names neither subject nor object"
                    )
                )
    return errors
