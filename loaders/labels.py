"""Labels generated from what a resource is: a figure's from its dimensions, a work's from its
authors and year. Generated, never written by hand, so two figures that differ in any dimension
cannot share a label (the build refuses a data set where two do: :func:`duplicate_figure_labels`)."""

from __future__ import annotations

from kg.errors import InputError
from loaders.model import Curated, Entity

#: The dimensions of a figure that go into its label, in order.
LABEL_REFS = ("area", "population", "actor", "category")


def observation_label(entity: Entity, ids: dict[str, Entity]) -> str:
    """``measure, dimensions…, scope, in unit (period)``; an inferred period says so.

    >>> from pathlib import Path
    >>> from loaders.model import Where
    >>> def e(i, label, **extra):
    ...     return Entity(i, "x", {"en": label}, {}, [], {}, None, [], Where(Path("f"), 1), extra=extra)
    >>> ids = {"m": e("m", "Monthly salary"), "u": e("u", "yen per month"), "aist": e("aist", "AIST")}
    >>> obs = e("o", "", refs={"measure": ["m"], "unit": ["u"], "actor": ["aist"]}, period="2016-12",
    ...         scope=None, inferred={})
    >>> observation_label(obs, ids)
    'Monthly salary, AIST, in yen per month (2016-12)'
    >>> obs.extra.update(period="2016", inferred={"period": "the paper's survey year"}, scope="abroad")
    >>> observation_label(obs, ids)
    'Monthly salary, AIST, abroad, in yen per month (2016, period inferred)'
    """
    extra = entity.extra
    refs = extra["refs"]
    parts = [ids[refs["measure"][0]].labels["en"]]
    for key in LABEL_REFS:
        parts += [ids[v].labels["en"] for v in refs.get(key, [])]
    if extra.get("scope"):
        parts.append(extra["scope"])
    unit = ids[refs["unit"][0]].labels["en"]
    label = f"{', '.join(parts)}, in {unit}"
    period = extra.get("period")
    if period:
        label += f" ({period}, period inferred)" if "period" in extra.get("inferred", {}) else f" ({period})"
    return label


def work_label(entity: Entity, ids: dict[str, Entity]) -> str:
    """``Family 2014``, ``Family & Other 2014`` or ``Family et al. 2014``."""
    names = [family_name(ids[a]) for a in entity.extra["authors"]]
    shown = names[0] + " et al." if len(names) > 2 else " & ".join(names)
    return f"{shown} {entity.extra['year']}"


def family_name(person: Entity) -> str:
    for fact in person.facts:
        if fact.predicate == "foaf:familyName":
            return str(fact.value)
    return person.labels["en"].split()[-1]


def duplicate_figure_labels(curated: Curated) -> list[InputError]:
    """Figures whose generated labels coincide: each cannot be told from the other, a dimension
    is missing (scope, category, unit…)."""
    seen: dict[str, Entity] = {}
    errors = []
    for obs in curated.of_kind("observation"):
        label = observation_label(obs, curated.entities)
        if label in seen:
            first = seen[label].where
            errors.append(
                obs.where.error(
                    f"figure {obs.id!r} has the same label as {seen[label].id!r} ({first.path.name}:{first.line}): "
                    f"{label!r}; give the dimension that tells them apart (scope, category, unit…)"
                )
            )
        else:
            seen[label] = obs
    return errors
