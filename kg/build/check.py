"""Check a built graph directory: OWL consistency and SHACL conformance, with a readable report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg import __version__
from kg.build.graphs import read_dataset, world
from kg.build.graphs import union as union_of
from kg.paths import ontology_file, shapes_file
from kg.sparql.store import graph_files


@dataclass
class CheckReport:
    ok: bool
    text: str
    reused: bool = False  # the build's own verdict, for the very same files, was reported


def _quiet(_: str) -> None:
    return None


def check_graph(
    directory: Path | str, *, reasoner: str = "auto", progress: Callable[[str], None] = _quiet, force: bool = False
) -> CheckReport:
    """Reason over and validate the graph in *directory*, saying each stage to *progress*.

    When *directory* is the output of ``kg build`` and still holds exactly the files the build wrote
    and checked (the checksums of its ``reports/build.json``), made by this version with this
    ontology and these shapes, the build's verdict is reported instead of redoing the work;
    *force* redoes it all the same.

    >>> check_graph("/nonexistent")
    Traceback (most recent call last):
    ...
    kg.errors.GraphDirError: /nonexistent: not a directory (run `kg build` first, or pass --graph DIR)
    """
    from kg.build.reasoning import reason
    from kg.build.validation import validate

    directory = Path(directory)
    progress("checking the files")
    previous = None if force else _build_verdict(directory, reasoner)
    if previous is not None:
        return previous
    progress("reading the graph")
    dataset = read_dataset(directory)
    ontology = Graph().parse(ontology_file())
    union = union_of(dataset)
    progress("reasoning (HermiT)" if reasoner != "owlrl" else "reasoning (OWL RL)")
    reasoning = reason(ontology, world(union), reasoner=reasoner)
    progress("validating with SHACL and the quality checks")
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


def _build_verdict(directory: Path, reasoner: str) -> CheckReport | None:
    """The build's own verdict, when *directory* holds exactly what it checked; else None."""
    manifest_path = directory / "reports" / "build.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = set(manifest["files"])
        present = {p.name for p in graph_files(directory)}  # also checks every listed checksum
        same_schema = all(
            hashlib.sha256((directory / name).read_bytes()).hexdigest()
            == hashlib.sha256(source.read_bytes()).hexdigest()
            for name, source in (("ontology.ttl", ontology_file()), ("shapes.ttl", shapes_file()))
        )
        fresh = manifest["kg_version"] == __version__ and present <= listed and same_schema
        if not fresh or reasoner not in ("auto", _kind(str(manifest["reasoner"]))):
            return None
        ok = bool(manifest["consistent"]) and bool(manifest["conforms"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    text = "\n".join(
        [
            f"Graph: {directory} ({manifest['triples_asserted']} triples, as built)",
            f"Reasoner: {manifest['reasoner']}",
            f"Consistency: {'consistent' if manifest['consistent'] else 'INCONSISTENT'} "
            f"({manifest['triples_inferred']} triples inferred)",
            f"SHACL: {'conforms' if manifest['conforms'] else 'VIOLATIONS (see reports/validation.txt)'}",
            f"Reused: these are the files `kg build` wrote and checked ({manifest_path}); --force checks them again",
        ]
    )
    return CheckReport(ok, text, reused=True)


def _kind(reasoner_name: str) -> str:
    return "owlrl" if "owlrl" in reasoner_name.lower() or "rl" in reasoner_name.lower().split() else "hermit"
