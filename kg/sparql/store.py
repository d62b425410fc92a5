"""The embedded store: a graph directory loaded into Oxigraph, queried with SPARQL 1.1.

A graph directory holds RDF files (``.ttl``, ``.trig``, ``.nt``, ``.nq``), such as the output
of ``kg build``. Triples files go into the default graph, quads files keep their graphs, and
queries see the union of all graphs. A ``.ttl`` file with the same stem as a ``.trig`` file is
the same data flattened, so only the ``.trig`` is loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import GraphDirError, QueryError
from kg.sparql.guard import READ_ONLY, scan
from kg.sparql.isolate import evaluate
from kg.sparql.ondisk import is_store, open_store
from kg.sparql.syntax import explain_syntax_error
from kg.terms import PREFIX_IRIS

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}

_XSD = "http://www.w3.org/2001/XMLSchema#"


def graph_files(directory: Path) -> list[Path]:
    """The RDF files of *directory* that make up the graph, in name order."""
    if not directory.is_dir():
        raise GraphDirError(f"{directory}: not a directory (run `kg build` first, or pass --graph DIR)")
    entries = sorted(p for p in directory.iterdir() if p.suffix in FORMATS)
    for entry in entries:
        if not entry.is_file():
            raise GraphDirError(
                f"{entry}: not a regular file (a directory or a broken link where an RDF file should be)"
            )
    files = entries
    stems = {p.stem for p in files if p.suffix == ".trig"}
    files = [p for p in files if not (p.suffix == ".ttl" and p.stem in stems)]
    if not files:
        raise GraphDirError(f"{directory}: holds no RDF file (.ttl, .trig, .nt, .nq)")
    _check_manifest(directory)
    return files


def _check_manifest(directory: Path) -> None:
    """When *directory* is the output of ``kg build``, check its files against the checksums
    of ``reports/build.json``: a truncated or altered file is reported, never served."""
    manifest = directory / "reports" / "build.json"
    if not manifest.exists():
        return
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        items = [(str(name), str(digest)) for name, digest in listed.items()]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GraphDirError(f"{manifest}: unreadable build manifest ({type(exc).__name__}: {exc})") from None
    for name, digest in items:
        path = directory / name
        if path.suffix not in FORMATS or "/" in name:
            continue
        try:
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            raise GraphDirError(f"{path}: missing, but listed in {manifest}") from None
        except OSError as exc:
            raise GraphDirError(f"{path}: cannot read: {exc.strerror}") from None
        if actual != digest:
            raise GraphDirError(
                f"{path}: differs from the checksum in {manifest} (truncated or changed since the build)"
            )


@dataclass
class GraphStore:
    """A read-mostly SPARQL store over a graph directory.

    >>> store = GraphStore.from_rdf('<http://e/a> <http://e/p> "1" .', ox.RdfFormat.N_TRIPLES)
    >>> store.rows("SELECT ?o WHERE { ?s ?p ?o }")
    [{'o': '1'}]
    """

    store: ox.Store
    source: str = "memory"

    @classmethod
    def open(cls, directory: Path | str) -> GraphStore:
        """Load every RDF file of *directory* into a new in-memory store; a persistent store folder
        (made by ``kg load``, see :mod:`kg.sparql.ondisk`) is opened read-only instead."""
        directory = Path(directory)
        if is_store(directory):
            return cls(open_store(directory), str(directory))
        store = ox.Store()
        for path in graph_files(directory):
            try:
                store.bulk_load(path=str(path), format=FORMATS[path.suffix])
            except SyntaxError as exc:
                raise GraphDirError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
            except (OSError, ValueError) as exc:
                raise GraphDirError(f"{path}: cannot load: {exc}") from None
        return cls(store, str(directory))

    @classmethod
    def from_rdf(cls, data: str | bytes, fmt: ox.RdfFormat) -> GraphStore:
        store = ox.Store()
        store.load(data, fmt)
        return cls(store)

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, bindings: dict[str, Any] | None = None) -> Any:
        """Run *sparql* over the union of all graphs, the project's prefixes (:data:`kg.terms.PREFIX_IRIS`)
        declared; raises :class:`QueryError` when malformed (one sentence: line, column, what was
        found and expected), refuses a SPARQL update with the endpoint's words (the store is
        read-only), and evaluates a query that sorts in a child process (:mod:`kg.sparql.isolate`),
        so that an engine crash becomes a :class:`QueryError` instead of killing the caller.

        *bindings* maps variable names to values (IRIs as ``ox.NamedNode`` or plain Python
        values, taken as literals) substituted before evaluation.

        >>> GraphStore.from_rdf("", ox.RdfFormat.N_TRIPLES).query("CLEAR ALL")
        Traceback (most recent call last):
        kg.errors.QueryError: this store is read-only: SPARQL updates are refused and nothing was changed
        """
        substitutions = {ox.Variable(k): _term(v) for k, v in (bindings or {}).items()}
        options: dict[str, Any] = {
            "use_default_graph_as_union": True,
            "prefixes": PREFIX_IRIS,
            "substitutions": substitutions or None,
        }
        try:
            return evaluate(self.store, sparql, **options)  # a sort runs in a child: it may crash the engine
        except SyntaxError as exc:
            if scan(sparql).update:  # Oxigraph reads only queries here: an update fails to parse
                raise QueryError(READ_ONLY) from None
            raise QueryError(f"malformed SPARQL: {explain_syntax_error(str(exc), sparql)}") from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def rows(self, sparql: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT and return its rows as dicts of Python values (unbound variables left out)."""
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("rows() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: to_python(s[n]) for n in names if s[n] is not None} for s in result]

    def iter_rows(self, sparql: str) -> Iterator[dict[str, Any]]:
        """Like :meth:`rows`, lazily."""
        result = self.query(sparql)
        names = [v.value for v in result.variables]
        for s in result:
            yield {n: to_python(s[n]) for n in names if s[n] is not None}


def _term(value: Any) -> Any:
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    return ox.Literal(str(value))


def to_python(term: Any) -> Any:
    """A SPARQL term as a Python value: IRIs as str, numbers as int/Decimal, other literals as str."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype.startswith(_XSD):
            kind = datatype[len(_XSD) :]
            try:
                if kind in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger", "short"):
                    return int(term.value)
                if kind == "decimal":
                    return Decimal(term.value)
                if kind in ("double", "float"):
                    return float(term.value)
                if kind == "boolean":
                    return term.value == "true"
            except (ValueError, ArithmeticError):  # an ill-typed literal ("abc"^^xsd:decimal) stays text
                return term.value
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)
