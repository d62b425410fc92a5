"""Check a built graph directory: OWL consistency and SHACL conformance, with a readable report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.build.graphs import read_dataset, world
from kg.build.graphs import union as union_of
from kg.paths import ontology_file


@dataclass
class CheckReport:
    ok: bool
    text: str


def check_graph(directory: Path | str, *, reasoner: str = "auto") -> CheckReport:
    """Reason over and validate the graph in *directory*.

    >>> check_graph("/nonexistent")
    Traceback (most recent call last):
    ...
    kg.errors.GraphDirError: /nonexistent: not a directory (run `kg build` first, or pass --graph DIR)
    """
    from kg.build.reasoning import reason
    from kg.build.validation import validate

    directory = Path(directory)
    dataset = read_dataset(directory)
    ontology = Graph().parse(ontology_file())
    union = union_of(dataset)
    reasoning = reason(ontology, world(union), reasoner=reasoner)
    validation = validate(ontology, dataset, inferred=reasoning.inferred)
    lines = [f"Graph: {directory} ({len(union)} triples)", f"Reasoner: {reasoning.reasoner}"]
    if reasoning.note:
        lines.append(f"Note: {reasoning.note}")
    if reasoning.consistent:
        lines.append(f"Consistency: consistent ({len(reasoning.inferred)} triples inferred)")
    else:
        lines.append("Consistency: INCONSISTENT")
        lines += [f"  - {reason_}" for reason_ in reasoning.explanation or ["(no explanation found)"]]
    lines.append("SHACL: conforms" if validation.conforms else "SHACL: VIOLATIONS\n" + validation.text)
    return CheckReport(reasoning.consistent and validation.conforms, "\n".join(lines))
