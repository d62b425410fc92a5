"""Check a built graph directory: OWL consistency and SHACL conformance, with a readable report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import GraphDirError
from kg.graphs import union as union_of
from kg.graphs import world
from kg.paths import ontology_file
from kg.store import graph_files

_SKIP = {"ontology.ttl", "shapes.ttl", "inferred.ttl"}
_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}


@dataclass
class CheckReport:
    ok: bool
    text: str


def read_dataset(directory: Path) -> Dataset:
    """The asserted data of a graph directory as an rdflib Dataset (ontology and inferences left out)."""
    dataset = Dataset()
    for path in graph_files(directory):
        if path.name in _SKIP:
            continue
        try:
            dataset.parse(path, format=_FORMATS[path.suffix])
        except Exception as exc:  # rdflib raises many parser-specific types
            raise GraphDirError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    return dataset


def check_graph(directory: Path | str, *, reasoner: str = "auto") -> CheckReport:
    """Reason over and validate the graph in *directory*.

    >>> check_graph("/nonexistent")
    Traceback (most recent call last):
    ...
    kg.errors.GraphDirError: /nonexistent: not a directory (run `kg build` first, or pass --graph DIR)
    """
    from kg.reasoning import reason
    from kg.validation import validate

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
