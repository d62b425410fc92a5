"""The work a query worker does: run a SPARQL query or gather a resource's facts, safely.

Runs inside the worker processes of :mod:`kg.serve.workers`; every function returns plain Python
values (bytes, str, dicts) and raises :class:`~kg.errors.EndpointError` with the HTTP status
the endpoint should send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import EndpointError, QueryError, UnknownEntity
from kg.paths import read_query
from kg.resolve import Names, names_of
from kg.serve import conneg
from kg.sparql.guard import READ_ONLY, scan
from kg.sparql.isolate import evaluate
from kg.sparql.results import GRAPH_FORMATS, RESULT_FORMATS
from kg.sparql.store import GraphStore
from kg.sparql.syntax import explain_syntax_error
from kg.terms import PREFIX_IRIS


@dataclass
class Context:
    """What a worker holds: the loaded store and the cap on a result's size in bytes."""

    store: ox.Store
    max_result_bytes: int
    names: Names | None = None  # read on the first `find`, then kept

    @classmethod
    def load(cls, graph_dir: Path, max_result_bytes: int) -> Context:
        """Load the graph directory (raises :class:`~kg.errors.GraphDirError`)."""
        return cls(GraphStore.open(graph_dir).store, max_result_bytes)


class _CappedBuffer:
    """A write-only buffer that refuses to grow past a cap (results are serialised into it)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush; present because serialisers call it."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


class _TooLarge(Exception):
    pass


def run(context: Context, kind: str, payload: dict[str, Any]) -> Any:
    """Dispatch a job by *kind*: ``query``, ``resource``, ``profile``, ``find`` or ``count``."""
    if kind == "query":
        return run_query(context, **payload)
    if kind == "resource":
        return resource(context, **payload)
    if kind == "profile":
        return profile(context, **payload)
    if kind == "count":
        return len(context.store)
    if kind == "find":
        return find(context, **payload)
    raise EndpointError(500, f"unknown job {kind!r}")


def find(context: Context, name: str) -> dict[str, Any]:
    """The IRI of the entity called *name* (:mod:`kg.resolve`), or the resolver's message."""
    store = GraphStore(context.store)
    if context.names is None:
        context.names = names_of(store)
    try:
        return {"iri": context.names.resolve(name)}
    except UnknownEntity as exc:
        suggestions = [(iri, context.names.display(iri)) for iri in context.names.suggest(name)]
        return {"error": str(exc), "suggestions": suggestions}


def check_safe(sparql: str, store: ox.Store | None = None, base_iri: str | None = None) -> None:
    """Refuse updates and SERVICE, and FROM graphs not in *store*, before anything runs.

    >>> check_safe("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    kg.errors.EndpointError: refused: SERVICE is not allowed here (the endpoint never fetches remote data)
    """
    found = scan(sparql, base_iri or "")
    if found.service:
        raise EndpointError(400, "refused: SERVICE is not allowed here (the endpoint never fetches remote data)")
    if store is not None:
        for graph in found.from_graphs:
            if not _in_store(store, graph):
                raise EndpointError(
                    400,
                    f"refused: FROM <{graph}> names no graph in this store "
                    "(the endpoint never loads graphs from the web)",
                )


def _in_store(store: ox.Store, graph: str) -> bool:
    try:
        return store.contains_named_graph(ox.NamedNode(graph))
    except ValueError:
        raise EndpointError(400, f"refused: <{graph}> is not a valid graph IRI") from None


def run_query(
    context: Context,
    query: str,
    accept: str | None = None,
    fmt: str | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
) -> tuple[str, bytes]:
    """Run a read-only query and serialise its answer; returns ``(media type, bytes)``."""
    store = context.store
    check_safe(query, store, base_iri)
    for graph in (default_graphs or []) + (named_graphs or []):
        if not _in_store(store, graph):
            raise EndpointError(
                400, f"refused: graph <{graph}> is not in this store (the endpoint never loads graphs from the web)"
            )
    options: dict[str, Any] = {"base_iri": base_iri}
    if default_graphs or named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []] or ox.DefaultGraph()
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    else:
        options["use_default_graph_as_union"] = True
    try:
        result = _query_with_unknown_functions(store, query, options)
    except SyntaxError as exc:
        if scan(query).update:
            raise EndpointError(403, f"{READ_ONLY} ({exc})") from None
        raise EndpointError(400, f"malformed SPARQL: {explain_syntax_error(str(exc), query)}") from None
    except QueryError as exc:  # the engine crashed on a sort it could not be spared
        raise EndpointError(422, str(exc)) from None
    except (OSError, ValueError) as exc:
        raise EndpointError(400, f"query failed: {exc}") from None
    is_graph = isinstance(result, ox.QueryTriples)
    chosen = conneg.choose(is_graph, accept, fmt)
    return chosen.media_type, _serialize(result, chosen, context.max_result_bytes)


_UNKNOWN_FUNCTION = re.compile(r"custom function <([^>]+)> is not supported")


def _query_with_unknown_functions(store: ox.Store, query: str, options: dict[str, Any]) -> Any:
    """Run *query*; a call of a function Oxigraph does not know is an evaluation error, as SPARQL
    1.1 (section 17.3) says, rather than a failed query: such functions are given that meaning."""
    unknown: dict[ox.NamedNode, Any] = {}
    while True:
        try:
            return evaluate(store, query, custom_functions=unknown or None, prefixes=PREFIX_IRIS, **options)
        except RuntimeError as exc:
            match = _UNKNOWN_FUNCTION.search(str(exc))
            if match is None or len(unknown) > 50:
                raise EndpointError(400, f"query cannot run: {exc}") from None
            unknown[ox.NamedNode(match.group(1))] = _evaluation_error


def _evaluation_error(*args: Any) -> None:
    return None


def _serialize(result: Any, chosen: conneg.Format, cap: int) -> bytes:
    buffer: Any = _CappedBuffer(cap)  # a file-like object that pyoxigraph writes into
    try:
        if isinstance(result, ox.QueryTriples):
            ox.serialize(result, buffer, GRAPH_FORMATS[chosen.name])
        else:
            result.serialize(buffer, RESULT_FORMATS[chosen.name])
    except _TooLarge:
        raise EndpointError(
            507, f"the answer is larger than this endpoint's cap of {cap:,} bytes: add a LIMIT or narrow the query"
        ) from None
    except (OSError, ValueError) as exc:
        raise EndpointError(500, f"cannot write the answer as {chosen.name}: {exc}") from None
    return buffer.getvalue()


def resource(context: Context, iri: str, fmt: str | None = None) -> Any:
    """The facts of one resource: rows of ``resource-facts.rq``, or the graph in *fmt* as bytes."""
    node = ox.NamedNode(iri)
    subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {ox.Variable("s"): node}
    if fmt is not None:
        triples = context.store.query(read_query("serve/resource-graph"), substitutions=subs)
        return _serialize(triples, conneg.GRAPHS[fmt], context.max_result_bytes)
    rows = []
    solutions = context.store.query(read_query("serve/resource-facts"), substitutions=subs)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        rows.append({name: _plain(solution[name]) for name in _FACT_VARS if solution[name] is not None})
    return rows


_FACT_VARS = ("direction", "p", "o", "g", "start", "end", "section", "method", "kind", "reason", "record", "label")


def profile(context: Context, iri: str) -> dict[str, Any]:
    """What a resource's page shows: its facts (as :func:`resource`), the labels in every language
    of everything the page names, its figures and its discrepancies."""
    subs: dict[ox.Variable, Any] = {ox.Variable("s"): ox.NamedNode(iri)}

    def union(name: str) -> Any:
        return context.store.query(read_query(name), substitutions=subs, use_default_graph_as_union=True)

    labels: dict[str, dict[str, str]] = {}
    for row in union("serve/resource-labels"):
        label = row["label"]
        labels.setdefault(row["iri"].value, {}).setdefault(label.language or "", label.value)
    return {
        "facts": resource(context, iri),
        "labels": labels,
        "figures": _rows(union("serve/resource-figures")),
        "discrepancies": _rows(union("serve/resource-discrepancies")),
    }


def _rows(solutions: Any) -> list[dict[str, dict[str, str]]]:
    names = [v.value for v in solutions.variables]
    return [{name: _plain(s[name]) for name in names if s[name] is not None} for s in solutions]


def _plain(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        if term.language:
            out["lang"] = term.language
        return out
    return {"type": "literal", "value": str(term)}
