"""Remote stores: query any SPARQL endpoint (SPARQLWrapper) and push the graph into one.

``remote_query`` speaks the SPARQL 1.1 Protocol; ``push`` loads a graph directory through
SPARQL 1.1 Update (``INSERT DATA``, batched, one ``GRAPH`` block per named graph) or the
SPARQL 1.1 Graph Store HTTP Protocol (one POST of N-Triples per graph). Failures become
:class:`~kg.errors.RemoteStoreError` naming the URL and what the server said.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kg.errors import QueryError, RemoteStoreError
from kg.sparql.store import GraphStore
from kg.terms import curie

_SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "application/sparql-results+json",
}
_GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
    "table": "text/turtle",
}
USER_AGENT = "mxjp-talent-kg (https://w3id.org/mxjp-talent)"


def _wrapper(url: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url, agent=USER_AGENT)
    sparql.setOnlyConneg(True)
    sparql.setMethod(POST)
    sparql.setTimeout(120)
    return sparql


def _call(sparql: SPARQLWrapper, url: str) -> bytes:
    try:
        return sparql.query().response.read()
    except SPARQLWrapperException as exc:
        raise RemoteStoreError(f"{url}: {' '.join(str(exc).split())}") from None
    except urllib.error.HTTPError as exc:
        raise RemoteStoreError(f"{url}: HTTP {exc.code} {exc.reason}: {_body(exc)}") from None
    except urllib.error.URLError as exc:
        raise RemoteStoreError(f"{url}: cannot connect ({exc.reason}); is the endpoint running?") from None
    except (OSError, ValueError) as exc:
        raise RemoteStoreError(f"{url}: {exc}") from None


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        return " ".join(exc.read().decode("utf-8", "replace").split())[:500]
    except OSError:
        return ""


def remote_query(endpoint_url: str, sparql: str, fmt: str = "json") -> bytes:
    """Run *sparql* on a remote SPARQL endpoint; the answer as bytes in *fmt*.

    *fmt* is json, xml, csv, tsv (SELECT/ASK), turtle, ntriples, jsonld (CONSTRUCT/DESCRIBE) or
    table (a plain-text table, or Turtle for a graph). Example::

        remote_query("http://127.0.0.1:7878/query", "ASK { ?s ?p ?o }", "json")
    """
    wrapper = _wrapper(endpoint_url)
    try:
        wrapper.setQuery(sparql)
    except SPARQLWrapperException as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from None
    if wrapper.isSparqlUpdateRequest():
        raise QueryError("kg query runs queries, not updates (use kg push to load data)")
    types = _GRAPH_TYPES if wrapper.queryType in ("CONSTRUCT", "DESCRIBE") else _SOLUTION_TYPES
    if fmt not in types:
        raise QueryError(f"--format {fmt!r} does not fit a {wrapper.queryType} query; choose {', '.join(types)}")
    wrapper.addCustomHttpHeader("Accept", types[fmt])
    body = _call(wrapper, endpoint_url)
    if fmt == "table" and types is _SOLUTION_TYPES:
        return text_table(json.loads(body)).encode("utf-8")
    return body


def text_table(results: dict[str, Any]) -> str:
    """SPARQL JSON results as an aligned plain-text table, IRIs shortened with our prefixes.

    >>> print(text_table({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "3"}}]}}))
    n
    -
    3
    (1 row)
    """
    if "boolean" in results:
        return ("yes" if results["boolean"] else "no") + "\n"
    names = results["head"]["vars"]
    rows = [[_short(b.get(n)) for n in names] for b in results["results"]["bindings"]]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = [
        "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


def _short(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    return curie(term["value"]) if term["type"] == "uri" else term["value"]


@dataclass
class PushReport:
    """What :func:`push` sent: quads, graphs and requests."""

    endpoint: str
    quads: int
    graphs: int
    requests: int

    def __str__(self) -> str:
        return f"{self.quads} quads in {self.graphs} graphs to {self.endpoint} ({self.requests} requests)"


def _graphs(store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad]]]:
    yield ox.DefaultGraph(), list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    for name in sorted(store.named_graphs(), key=str):
        yield name, list(store.quads_for_pattern(None, None, None, name))


def _triples_text(quads: list[ox.Quad]) -> str:
    return "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)


def _batches(quads: list[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """Slices of *size* quads; a graph with blank nodes goes whole, since a blank node's label is
    scoped to one request and splitting it would split the node."""
    has_bnodes = any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads)
    step = len(quads) if has_bnodes else size
    for start in range(0, len(quads), max(step, 1)):
        yield quads[start : start + step]


def push(endpoint_url: str, graph_dir: Path, graph_store: bool = False, batch: int = 5000) -> PushReport:
    """Load the graph of *graph_dir* into a remote store, keeping named graphs; adds, never clears.

    With *graph_store*, *endpoint_url* is the Graph Store Protocol URL (Oxigraph: ``…/store``);
    otherwise the SPARQL Update URL (Oxigraph: ``…/update``). Example::

        push("http://127.0.0.1:7878/update", Path("build"))
    """
    if batch < 1:
        raise RemoteStoreError("--batch must be at least 1")
    store = GraphStore.open(graph_dir).store
    report = PushReport(endpoint_url, 0, 0, 0)
    for name, quads in _graphs(store):
        if not quads:
            continue
        report.graphs += 1
        report.quads += len(quads)
        if graph_store:
            _graph_store_post(endpoint_url, name, _triples_text(quads).encode("utf-8"))
            report.requests += 1
            continue
        for chunk in _batches(quads, batch):
            body = _triples_text(chunk)
            update = (
                f"INSERT DATA {{\n{body}}}"
                if isinstance(name, ox.DefaultGraph)
                else f"INSERT DATA {{ GRAPH {name} {{\n{body}}} }}"
            )
            wrapper = _wrapper(endpoint_url)
            wrapper.setRequestMethod(POSTDIRECTLY)
            wrapper.setQuery(update)
            _call(wrapper, endpoint_url)
            report.requests += 1
    return report


def _graph_store_post(url: str, name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, body: bytes) -> None:
    if isinstance(name, ox.BlankNode):
        raise RemoteStoreError(f"{url}: the Graph Store Protocol cannot name a blank-node graph {name}")
    target = (
        url
        + ("&" if "?" in url else "?")
        + ("default" if isinstance(name, ox.DefaultGraph) else "graph=" + quote(name.value, safe=""))
    )
    request = urllib.request.Request(
        target, data=body, method="POST", headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise RemoteStoreError(f"{target}: HTTP {exc.code} {exc.reason}: {_body(exc)}") from None
    except urllib.error.URLError as exc:
        raise RemoteStoreError(f"{url}: cannot connect ({exc.reason}); is the store running?") from None
    except OSError as exc:
        raise RemoteStoreError(f"{url}: {exc}") from None
