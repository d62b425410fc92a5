"""Validation: SHACL shapes (pySHACL) and the quality checks of ``queries/checks``.

A check is a SPARQL SELECT named ``*-violation.rq``: every row it returns is a violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from kg.build.graphs import union as union_of
from kg.paths import queries_dir, shapes_file


@dataclass
class ValidationResult:
    """Whether the data conforms, with a report a person can read and the SHACL report graph."""

    conforms: bool
    text: str
    report: Graph
    check_failures: dict[str, list[str]] = field(default_factory=dict)


def validate(
    ontology: Graph,
    dataset: Dataset,
    *,
    inferred: Graph | None = None,
    shapes: Path | None = None,
    union: Graph | None = None,
) -> ValidationResult:
    """Validate the union of *dataset* against the SHACL shapes, and run the quality checks.

    With *inferred* (the reasoner's materialised triples, superclasses included) the shapes
    see asserted plus inferred triples and pySHACL runs no inference of its own; without it,
    pySHACL applies RDFS inference. *union*, when the caller has it, is the union of *dataset*
    (computed here otherwise). The inputs are not changed (``inplace=False``).
    """
    from pyshacl import validate as shacl_validate

    data = Graph()
    data += union if union is not None else union_of(dataset)
    if inferred is not None:
        data += inferred
    conforms, report, text = shacl_validate(
        data,
        shacl_graph=Graph().parse(shapes or shapes_file()),
        ont_graph=None if inferred is not None else ontology,
        inference="none" if inferred is not None else "rdfs",
        inplace=False,
        allow_warnings=True,
    )
    failures = run_checks(dataset, ontology)
    lines = [str(text).strip()]
    for name, rows in failures.items():
        lines.append(f"Quality check {name}: {len(rows)} violation(s)")
        lines += [f"  {row}" for row in rows[:20]]
    return ValidationResult(bool(conforms) and not failures, "\n".join(lines) + "\n", report, failures)


def run_checks(dataset: Dataset, ontology: Graph) -> dict[str, list[str]]:
    """Run every ``queries/checks/*-violation.rq`` on the data; returns the failing ones' rows.

    The checks see the union of all graphs, the ontology in ``<urn:kg:ontology>`` among them.
    """
    import pyoxigraph as ox

    store = ox.Store()
    store.load(dataset.serialize(format="nquads").encode("utf-8"), ox.RdfFormat.N_QUADS)
    store.load(
        ontology.serialize(format="nt").encode("utf-8"),
        ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("urn:kg:ontology"),
    )
    failures: dict[str, list[str]] = {}
    for path in sorted((queries_dir() / "checks").glob("*-violation.rq")):
        # the union as default graph, as everywhere else: facts sit in claim graphs, not the default graph
        solutions = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        rows = [" ".join(str(v) for v in sol) for sol in solutions]  # type: ignore[union-attr]
        if rows:
            failures[path.name] = rows
    return failures
