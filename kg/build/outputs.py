"""The files of a build, written into a staging directory and swapped in whole (:mod:`kg.atomic`)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from kg import __version__
from kg.atomic import staged_directory
from kg.build import serialize
from kg.namespaces import bind_prefixes
from kg.paths import ontology_file, shapes_file

Progress = Callable[[str], None]


def _serialize(graph: Graph | Dataset, fmt: str) -> bytes:
    bind_prefixes(graph)
    return graph.serialize(format=fmt, encoding="utf-8")


def write_outputs(
    out: Path,
    ontology: Graph,
    dataset: Dataset,
    union: Graph,
    reasoning: Any,
    validation: Any,
    notes: list[str],
    *,
    viz: bool,
    progress: Progress,
    input_hash: str = "",
) -> list[str]:
    """Write every file of a build into *out*, replacing it whole; returns the files' names."""
    files = _files(ontology, dataset, union, reasoning, validation, notes, input_hash)
    with staged_directory(out) as tmp:
        for name, body in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        if viz:
            progress("drawing the graph page")
            from kg.explore.visualize import write_page

            write_page(tmp, tmp / "graph.html")
        kept = _keep_user_files(out, tmp)
        if kept:
            notes.append(f"kept file(s) the build does not write: {', '.join(kept)}")
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _files(
    ontology: Graph, dataset: Dataset, union: Graph, reasoning: Any, validation: Any, notes: list[str], input_hash: str
) -> dict[str, bytes]:
    from kg.build.docs import ontology_html
    from kg.build.void import void_turtle

    files: dict[str, bytes] = {
        "ontology.ttl": ontology_file().read_bytes(),
        "shapes.ttl": shapes_file().read_bytes(),
        "data.trig": serialize.trig(dataset),
        "data.ttl": serialize.turtle(union),
        "inferred.ttl": serialize.turtle(reasoning.inferred),
        "reports/validation.txt": validation.text.encode("utf-8"),
        "reports/validation.ttl": _serialize(validation.report, "turtle"),
        "docs/ontology.html": ontology_html(ontology).encode("utf-8"),
        "void.ttl": void_turtle(union, ontology, __version__),
    }
    manifest = {
        "kg_version": __version__,
        "reasoner": reasoning.reasoner,
        "consistent": reasoning.consistent,
        "conforms": validation.conforms,
        "triples_asserted": len(union),
        "triples_inferred": len(reasoning.inferred),
        "notes": [n for n in notes if not n.startswith("checked the evidence spans against")],
        "input_hash": input_hash,
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())},
    }
    files["reports/build.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return files


def _keep_user_files(out: Path, tmp: Path) -> list[str]:
    """Copy into the new output the top-level files of the old one that the build does not write,
    such as links merged by ``kg link --merge`` or ``analytics.ttl``: a rebuild must not lose them."""
    kept: list[str] = []
    if not out.is_dir():
        return kept
    for path in sorted(out.iterdir()):
        if path.is_file() and not path.name.startswith(".") and not (tmp / path.name).exists():
            shutil.copy2(path, tmp / path.name)
            kept.append(path.name)
    return kept
