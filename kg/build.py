"""The build: load → graph → reason → validate → write, atomically and deterministically.

Orchestration only; each step lives in its own module.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from kg import __version__, serialize
from kg.errors import InputError, KgError, UsageError, ValidationFailed
from kg.graphs import union as union_of
from kg.graphs import world
from kg.namespaces import bind_prefixes
from kg.paths import data_dir, default_paper, ontology_file, shapes_file

Progress = Callable[[str], None]
REASONERS = ("auto", "hermit", "owlrl")


@dataclass
class BuildResult:
    """What a build produced and found."""

    out: Path
    triples: int
    claims: int
    inferred: int
    reasoner: str
    consistent: bool
    conforms: bool
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    up_to_date: bool = False


def _quiet(_: str) -> None:
    return None


def load_inputs(data: Path | None = None, paper: Path | None = None, progress: Progress = _quiet) -> tuple[Graph, Dataset, list[str]]:
    """Read the ontology, the curated facts and the paper index into the asserted dataset.

    When the paper is available, every evidence span is checked against it.
    """
    from loaders.curated import Vocabulary, check_evidence, read_curated
    from loaders.index import check_references, load_index
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
    paper = paper or default_paper()
    if paper is not None:
        from loaders.paper import read_paper

        progress("checking evidence spans against the paper")
        text = read_paper(paper).text
        errors = check_evidence(curated, text)
        if errors:
            shown = "\n".join(str(e) for e in errors[:20])
            more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
            raise InputError(errors[0].path, f"{len(errors)} evidence span(s) do not support their fact:\n{shown}{more}", errors[0].line)
        notes.append(f"checked the evidence spans against {paper}")
    else:
        notes.append("paper not found: evidence spans checked for bounds only (pass --paper to check their content)")
    progress("building the graph")
    dataset = to_dataset(curated, index)
    from loaders.mappings import add_mapping_claims

    notes += add_mapping_claims(dataset, index, curated.entities, data, paper_text=text if paper is not None else None)
    return ontology, dataset, notes


def build(out: Path | str = "build", *, data: Path | None = None, paper: Path | None = None,
          reasoner: str = "auto", progress: Progress = _quiet, viz: bool = True, force: bool = False) -> BuildResult:
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
    _recover(out)
    if paper is not None:
        from loaders.paper import read_paper

        read_paper(paper)  # a paper given by name must be the paper, even when nothing changed
    digest = input_hash(data, paper, reasoner=reasoner, viz=viz)
    previous = None if force else _up_to_date(out, digest, viz=viz)
    if previous is not None:
        return previous
    from kg.reasoning import reason
    from kg.validation import validate

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
    files = _write(out, ontology, dataset, union, reasoning, validation, notes, viz=viz, progress=progress,
                   input_hash=digest)
    claims = len({c for c in dataset.graphs() if c.identifier != dataset.default_graph.identifier})
    return BuildResult(out, len(union), claims, len(reasoning.inferred), reasoning.reasoner,
                       reasoning.consistent, validation.conforms, notes, files)


def input_hash(data: Path | None = None, paper: Path | None = None, *, reasoner: str = "auto", viz: bool = True) -> str:
    """sha256 of everything a build reads: the ontology and shapes, the curated data and paper
    index (*data*), the shipped loaders (code, data, mappings) and kg code, the paper's text, the
    package version and the options (with whether Java is there, which decides ``auto``)."""
    from kg.paths import ontology_dir

    digest = hashlib.sha256()

    def add(name: str, body: bytes) -> None:
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)

    roots = [("ontology", ontology_dir()), ("loaders", Path(__file__).resolve().parent.parent / "loaders"),
             ("kg", Path(__file__).resolve().parent), ("data", Path(data or data_dir()))]
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
        return BuildResult(out, manifest["triples_asserted"], manifest.get("claims", 0), manifest["triples_inferred"],
                           manifest["reasoner"], manifest["consistent"], manifest["conforms"],
                           [f"up to date: inputs unchanged (input hash {digest[:12]}); --force rebuilds"],
                           sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()), up_to_date=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _serialize(graph: Graph | Dataset, fmt: str) -> bytes:
    bind_prefixes(graph)
    return graph.serialize(format=fmt, encoding="utf-8")


def _write(out: Path, ontology: Graph, dataset: Dataset, union: Graph, reasoning: Any, validation: Any, notes: list[str],
           *, viz: bool, progress: Progress, input_hash: str = "") -> list[str]:
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        files: dict[str, bytes] = {}
        files["ontology.ttl"] = ontology_file().read_bytes()
        files["shapes.ttl"] = shapes_file().read_bytes()
        files["data.trig"] = serialize.trig(dataset)
        files["data.ttl"] = serialize.turtle(union)
        files["inferred.ttl"] = serialize.turtle(reasoning.inferred)
        files["reports/validation.txt"] = validation.text.encode("utf-8")
        files["reports/validation.ttl"] = _serialize(validation.report, "turtle")
        from kg.publish import ontology_html, void_turtle

        files["docs/ontology.html"] = ontology_html(ontology).encode("utf-8")
        files["void.ttl"] = void_turtle(union, ontology, __version__)
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
        for name, body in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        if viz:
            progress("drawing the graph page")
            try:
                from kg.visualize import write_page
            except ImportError:
                pass
            else:
                write_page(tmp, tmp / "graph.html")
        kept = _keep_user_files(out, tmp)
        if kept:
            notes.append(f"kept file(s) the build does not write: {', '.join(kept)}")
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


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


def _swap(tmp: Path, out: Path) -> None:
    """Replace *out* by *tmp*; the old output survives until the new one is in place.

    On Linux the two directories are exchanged in one atomic step, so *out* is never missing;
    elsewhere *out* is renamed aside first, and :func:`_recover` puts it back if a build is
    killed between the two renames.
    """
    old = out.parent / f".{out.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        if not out.is_dir():
            raise KgError(f"{out}: exists and is not a directory")
        if _exchange(tmp, out):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old output; if killed here, _recover removes it
            return
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def _recover(out: Path) -> None:
    """Put back the last good output if a build was killed between the two renames, and remove
    the temporary directories of builds that were killed (their process is gone)."""
    parent = out.resolve().parent
    old = parent / f".{out.name}.old"
    if not out.exists() and old.is_dir():
        os.replace(old, out)
    if not parent.is_dir():
        return
    prefix = f".{out.name}.tmp-"
    for tmp in parent.iterdir():
        if not tmp.name.startswith(prefix) or not tmp.is_dir():
            continue
        pid = tmp.name[len(prefix):]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue  # another build is writing there right now
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
