"""The build: load → graph → reason → validate → write, atomically and deterministically.

Orchestration only; each step lives in its own module.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from kg import __version__
from kg.atomic import recover
from kg.build.graphs import merged, world
from kg.build.graphs import union as union_of
from kg.build.outputs import write_outputs
from kg.errors import InputError, UsageError, ValidationFailed
from kg.paths import data_dir, default_paper, ontology_file

Progress = Callable[[str], None]
REASONERS = ("auto", "hermit", "owlrl")


@dataclass
class BuildResult:
    """What a build produced and found."""

    out: Path
    reasoner: str
    consistent: bool
    conforms: bool
    triples: int = 0  # asserted
    claims: int = 0
    inferred: int = 0
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    up_to_date: bool = False


def _quiet(_: str) -> None:
    return None


def load_inputs(
    data: Path | None = None, paper: Path | None = None, progress: Progress = _quiet
) -> tuple[Graph, Dataset, list[str]]:
    """Read the ontology, the curated facts and the paper index into the asserted dataset.

    When the paper is available, every evidence span is checked against it.
    """
    from loaders.curated import Vocabulary, read_curated
    from loaders.evidence import check_evidence
    from loaders.index import check_references, load_index
    from loaders.labels import duplicate_figure_labels
    from loaders.rdf import to_dataset

    notes: list[str] = []
    data = data or data_dir()
    if not data.is_dir():
        raise InputError(data, "--data: not a directory of curated YAML files")
    progress("reading the ontology")
    ontology = Graph().parse(ontology_file())
    vocab = Vocabulary.from_ontology(ontology)
    progress("reading the curated facts")
    index = load_index(data / "paper_index.json")
    curated = read_curated(data, vocab, paper_length=index["length"])
    check_references(data / "paper_index.json", index, curated.entities)
    problems = duplicate_figure_labels(curated)
    paper = paper or default_paper()
    if paper is not None:
        from loaders.paper import read_paper

        progress("checking evidence spans against the paper")
        text = read_paper(paper).text
        problems += check_evidence(curated, text, index)
        notes.append(f"checked the evidence spans against {paper}")
    else:
        notes.append("paper not found: evidence spans checked for bounds only (pass --paper to check their content)")
    if problems:
        shown = "\n".join(str(e) for e in problems[:20])
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError(
            problems[0].path,
            f"{len(problems)} curated statement(s) fail their checks:\n{shown}{more}",
            problems[0].line,
        )
    progress("building the graph")
    dataset = to_dataset(curated, index)
    from loaders.mappings import mapping_dataset

    mapped, mapping_notes = mapping_dataset(
        dataset, index, curated.entities, data, paper_text=text if paper is not None else None
    )
    return ontology, merged(dataset, mapped), notes + mapping_notes


def build(
    out: Path | str = "build",
    *,
    data: Path | None = None,
    paper: Path | None = None,
    reasoner: str = "auto",
    progress: Progress = _quiet,
    viz: bool = True,
    force: bool = False,
) -> BuildResult:
    """Build the graph into *out*; on any error *out* is left as it was.

    When *out* was built from the same inputs (see :func:`input_hash`) and its files are intact,
    nothing is done and the result says ``up_to_date``; *force* rebuilds all the same.

    >>> import tempfile, pathlib
    >>> result = build(pathlib.Path(tempfile.mkdtemp()) / "b", reasoner="owlrl", viz=False)
    >>> result.consistent and result.conforms
    True
    """
    if reasoner not in REASONERS:
        raise UsageError(f"--reasoner {reasoner!r}: choose {', '.join(REASONERS)}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    recover(out)
    if paper is not None:
        from loaders.paper import read_paper

        read_paper(paper)  # a paper given by name must be the paper, even when nothing changed
    digest = input_hash(data, paper, reasoner=reasoner, viz=viz)
    previous = None if force else _up_to_date(out, digest, viz=viz)
    if previous is not None:
        return previous
    from kg.build.reasoning import reason
    from kg.build.validation import validate

    ontology, dataset, notes = load_inputs(data, paper, progress)
    union = union_of(dataset)
    progress("reasoning")
    reasoning = reason(ontology, world(union), reasoner=reasoner)
    if reasoning.note:
        notes.append(reasoning.note)
    progress("validating with SHACL")
    validation = validate(ontology, dataset, inferred=reasoning.inferred, union=union)
    if not reasoning.consistent:
        raise ValidationFailed(
            f"{reasoning.reasoner} found the ontology and data inconsistent:\n"
            + "\n".join(f"  - {line}" for line in reasoning.explanation or ["(no explanation found)"])
        )
    if not validation.conforms:
        raise ValidationFailed("SHACL validation failed:\n" + validation.text)
    progress("writing the outputs")
    files = write_outputs(
        out, ontology, dataset, union, reasoning, validation, notes, viz=viz, progress=progress, input_hash=digest
    )
    claims = len({c for c in dataset.graphs() if c.identifier != dataset.default_graph.identifier})
    return BuildResult(
        out,
        reasoning.reasoner,
        reasoning.consistent,
        validation.conforms,
        triples=len(union),
        claims=claims,
        inferred=len(reasoning.inferred),
        notes=notes,
        files=files,
    )


def input_hash(data: Path | None = None, paper: Path | None = None, *, reasoner: str = "auto", viz: bool = True) -> str:
    """sha256 of everything a build reads: the ontology and shapes, the curated data and paper
    index (*data*), the shipped loaders (code, data, mappings) and kg code, the paper's text, the
    package version and the options (with whether Java is there, which decides ``auto``)."""
    from kg.paths import ontology_dir

    digest = hashlib.sha256()

    def add(name: str, body: bytes) -> None:
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)

    kg_root = Path(__file__).resolve().parent.parent
    roots = [
        ("ontology", ontology_dir()),
        ("loaders", kg_root.parent / "loaders"),
        ("kg", kg_root),
        ("data", Path(data or data_dir())),
    ]
    for label, root in roots:
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            add(f"{label}/{path.relative_to(root).as_posix()}", path.read_bytes())
    paper = paper or default_paper()
    add("paper", paper.read_bytes() if paper is not None and paper.is_file() else b"")
    options = {"version": __version__, "reasoner": reasoner, "viz": viz, "java": shutil.which("java") is not None}
    add("options", json.dumps(options, sort_keys=True).encode())
    return digest.hexdigest()


def _up_to_date(out: Path, digest: str, *, viz: bool) -> BuildResult | None:
    """The result of the build already in *out* when it was made from inputs hashing to *digest*
    and every file its manifest lists is there with its recorded sha256; else None."""
    try:
        manifest = json.loads((out / "reports" / "build.json").read_text(encoding="utf-8"))
        if manifest.get("input_hash") != digest or (viz and not (out / "graph.html").is_file()):
            return None
        for name, sha in manifest["files"].items():
            if name != "reports/build.json" and hashlib.sha256((out / name).read_bytes()).hexdigest() != sha:
                return None
        return BuildResult(
            out,
            manifest["reasoner"],
            manifest["consistent"],
            manifest["conforms"],
            triples=manifest["triples_asserted"],
            claims=manifest.get("claims", 0),
            inferred=manifest["triples_inferred"],
            notes=[f"up to date: inputs unchanged (input hash {digest[:12]}); --force rebuilds"],
            files=sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()),
            up_to_date=True,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
