"""A synthetic corpus for scale tests: the paper's graph repeated N times under distinct IRIs.

Copy 0 is the paper's graph itself, with its IRIs unchanged, so that questions anchored on a
named resource (``res:mexico``) still find the paper's answer in the corpus. In every other copy,
each IRI under ``https://w3id.org/mxjp-talent/resource/`` is rewritten with a per-copy path
segment (``…/resource/c0042/…``); every blank node label gets a per-copy prefix. The N copies
share no node except the ontology's and the reused vocabularies' terms. The vocabulary
files of a build (``ontology.ttl``, ``shapes.ttl``) are written once, unchanged, and so is every
data quad that mentions no resource and no blank node (it would be the same in every copy).

The copies are written as one N-Quads file by stamping a text template: the base graph is parsed
once with pyoxigraph, each quad becomes a line with markers where the copy's name goes, and each
copy is one ``str.replace`` of that template — a thousand copies of a ~3,000-triple paper take a
few seconds. The output is a graph directory that ``kg query``, ``kg serve`` and ``GraphStore``
read as they read a build.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.atomic import staged_directory
from kg.errors import GraphDirError, UsageError
from kg.sparql.store import FORMATS, graph_files
from kg.terms import RES

RESOURCE = RES
#: Files of a build that hold the ontology and the shapes: written once, never repeated.
VOCABULARY_FILES = frozenset({"ontology.ttl", "shapes.ttl"})
DATA_FILE = "data.nq"
MANIFEST = "corpus.json"

# Markers of the template. They cannot occur in pyoxigraph's N-Quads output otherwise, since it
# writes control characters in literals as \uXXXX escapes and IRIs may not contain them.
_IRI_MARK = "\x00"
_BNODE_MARK = "\x01"


@dataclass
class CorpusResult:
    """What :func:`generate` wrote."""

    out: str
    copies: int
    quads_per_copy: int
    shared_quads: int
    vocabulary_files: list[str]
    total_quads: int
    bytes_written: int

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.out}: {self.copies} copies x {self.quads_per_copy} quads + {self.shared_quads} shared "
            f"(+ {', '.join(self.vocabulary_files) or 'no vocabulary file'}) = {self.total_quads} data quads, "
            f"{self.bytes_written / 1e6:.1f} MB"
        )


def copy_name(index: int, copies: int) -> str:
    """The path segment of copy *index* of *copies*: ``c0042`` (at least four digits).

    >>> copy_name(42, 1000), copy_name(7, 100000)
    ('c0042', 'c00007')
    """
    width = max(4, len(str(max(copies - 1, 0))))
    return f"c{index:0{width}d}"


def _term(term: object) -> str:
    """*term* in N-Quads syntax, with the copy markers in resource IRIs and blank node labels."""
    if isinstance(term, ox.NamedNode):
        value = term.value
        if value.startswith(RESOURCE):
            return f"<{RESOURCE}{_IRI_MARK}{value[len(RESOURCE) :]}>"
        return f"<{value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{_BNODE_MARK}{term.value}"
    return str(term)


def _is_copied(quad: ox.Quad) -> bool:
    """Whether *quad* mentions a resource IRI or a blank node, and so differs between copies."""
    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        if isinstance(term, ox.BlankNode):
            return True
        if isinstance(term, ox.NamedNode) and term.value.startswith(RESOURCE):
            return True
    return False


def template(files: Iterable[Path]) -> tuple[str, str, int, int]:
    """The per-copy N-Quads template and the shared N-Quads text of the data *files*.

    Returns ``(template, shared, copied_quads, shared_quads)``; lines are sorted and
    deduplicated, so the output does not depend on the order of the input.
    """
    copied: set[str] = set()
    shared: set[str] = set()
    for path in files:
        try:
            quads = ox.parse(path=str(path), format=FORMATS[path.suffix])
            for quad in quads:
                graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else " " + _term(quad.graph_name)
                line = f"{_term(quad.subject)} {_term(quad.predicate)} {_term(quad.object)}{graph} .\n"
                (copied if _is_copied(quad) else shared).add(line)
        except SyntaxError as exc:
            raise GraphDirError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    return "".join(sorted(copied)), "".join(sorted(shared)), len(copied), len(shared)


def generate(
    graph: Path | str, copies: int, out: Path | str, progress: Callable[[int], None] | None = None
) -> CorpusResult:
    """Write *copies* copies of the graph directory *graph* into *out* (replaced atomically).

    *out* receives the vocabulary files unchanged, ``data.nq`` with the copies (and, once, the
    data quads that name no resource), and ``corpus.json`` describing what was written.
    *progress* is called with the number of copies written so far, every 100 copies.
    """
    graph, out = Path(graph), Path(out)
    if copies < 1:
        raise UsageError(f"--copies {copies}: must be at least 1")
    files = graph_files(graph)
    vocabulary = [p for p in files if p.name in VOCABULARY_FILES]
    data = [p for p in files if p.name not in VOCABULARY_FILES]
    if not data:
        raise GraphDirError(f"{graph}: holds no data file besides {', '.join(sorted(VOCABULARY_FILES))}")
    if out.resolve() == graph.resolve():
        raise UsageError(f"--out {out}: must differ from --graph")
    text, shared, per_copy, shared_count = template(data)

    with staged_directory(out) as tmp:
        for path in vocabulary:
            shutil.copyfile(path, tmp / path.name)
        with open(tmp / DATA_FILE, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as sink:
            sink.write(shared)
            for index in range(copies):
                name = copy_name(index, copies)
                segment = "" if index == 0 else name + "/"
                sink.write(text.replace(_IRI_MARK, segment).replace(_BNODE_MARK, name + "x"))
                if progress is not None and (index + 1) % 100 == 0:
                    progress(index + 1)
        result = CorpusResult(
            str(out),
            copies,
            per_copy,
            shared_count,
            sorted(p.name for p in vocabulary),
            copies * per_copy + shared_count,
            (tmp / DATA_FILE).stat().st_size,
        )
        (tmp / MANIFEST).write_text(
            json.dumps({**asdict(result), "source": str(graph)}, indent=2) + "\n", encoding="utf-8"
        )
    return result
