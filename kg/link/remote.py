"""Remote stores: query any SPARQL endpoint (SPARQLWrapper) and push the graph into one.

``remote_query`` speaks the SPARQL 1.1 Protocol and gives every engine's answer in the standard
forms: solutions are asked for as SPARQL JSON, read with the older dialect Virtuoso writes
(``"typed-literal"``, ``nodeID://`` blank nodes, ASK as ``__ASK_RETVAL``) and written out by
pyoxigraph, and graphs are asked for as N-Triples (or Turtle) and written out by pyoxigraph, so
JSON, XML, CSV, TSV, Turtle, RDF/XML and JSON-LD come out alike from Oxigraph, Virtuoso or any
other store (Virtuoso's own CSV quotes its header and its JSON-LD turns decimals into numbers).

``push`` streams a graph directory (its files as they are written: the literals' forms and
datatypes are kept) or a ``kg load`` store into a store, through SPARQL 1.1 Update or the Graph
Store HTTP Protocol, in the forms every store tried takes (:mod:`kg.link.batches`). A failure is
one :class:`~kg.errors.RemoteStoreError` sentence: the URL, the HTTP status and the first line
of the server's reason, read even when the server answers before taking the whole request.
"""

from __future__ import annotations

import ast
import http.client
import json
import re
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from kg.errors import GraphDirError, QueryError, RemoteStoreError
from kg.link.batches import DEFAULT_BATCH, Request, requests
from kg.sparql.ondisk import is_store, open_store
from kg.sparql.results import GRAPH_FORMATS, RESULT_FORMATS
from kg.sparql.store import FORMATS, graph_files
from kg.terms import PREFIX_IRIS, curie

_SOLUTIONS: dict[str, ox.QueryResultsFormat | None] = {**RESULT_FORMATS, "table": None}
_GRAPHS = {**GRAPH_FORMATS, "table": ox.RdfFormat.TURTLE}
#: What SPARQLWrapper raises for each HTTP status it knows (others come as urllib's HTTPError).
_STATUS = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414, EndPointInternalError: 500}
USER_AGENT = "mxjp-talent-kg (https://w3id.org/mxjp-talent)"
TIMEOUT = 300


def _wrapper(url: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url, agent=USER_AGENT)
    sparql.setOnlyConneg(True)
    sparql.setMethod(POST)
    sparql.setTimeout(120)
    return sparql


def _call(sparql: SPARQLWrapper, url: str) -> tuple[bytes, str]:
    try:
        response = sparql.query().response
        return response.read(), response.headers.get("Content-Type", "")
    except SPARQLWrapperException as exc:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), None)
        raise RemoteStoreError(_answer_error(url, status, _response(exc), "")) from None
    except urllib.error.HTTPError as exc:
        raise RemoteStoreError(_answer_error(url, exc.code, _read(exc), exc.headers.get("Content-Type", ""))) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, BrokenPipeError | ConnectionResetError):
            raise RemoteStoreError(f"{url}: the server closed the connection before it had read the query") from None
        raise RemoteStoreError(f"{url}: cannot connect ({exc.reason}); is the endpoint running?") from None
    except (OSError, ValueError) as exc:
        raise RemoteStoreError(f"{url}: {exc}") from None


def _response(exc: SPARQLWrapperException) -> bytes:
    """The server's answer that SPARQLWrapper keeps only as ``repr()`` at the end of its message."""
    _, _, shown = str(exc).partition("Response:\n")
    try:
        body = ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        return shown.encode("utf-8")
    return body if isinstance(body, bytes) else str(body).encode("utf-8")


def _read(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except OSError:
        return b""


def remote_query(endpoint_url: str, sparql: str, fmt: str = "json") -> bytes:
    """Run *sparql* on a remote SPARQL endpoint; the answer as bytes in *fmt*, in standard form.

    *fmt* is json, xml, csv, tsv (SELECT/ASK), turtle, ntriples, jsonld, xml (CONSTRUCT/DESCRIBE)
    or table (a plain-text table, or Turtle for a graph). Example::

        remote_query("http://127.0.0.1:7878/query", "ASK { ?s ?p ?o }", "json")
    """
    wrapper = _wrapper(endpoint_url)
    try:
        wrapper.setQuery(sparql)
    except SPARQLWrapperException as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from None
    if wrapper.isSparqlUpdateRequest():
        raise QueryError("kg query runs queries, not updates (use kg push to load data)")
    graph = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
    types: dict[str, Any] = _GRAPHS if graph else _SOLUTIONS
    if fmt not in types:
        raise QueryError(f"--format {fmt!r} does not fit a {wrapper.queryType} query; choose {', '.join(types)}")
    accept = "application/n-triples, text/turtle;q=0.9" if graph else "application/sparql-results+json"
    wrapper.addCustomHttpHeader("Accept", accept)
    body, kind = _call(wrapper, endpoint_url)
    try:
        if graph:
            triples = ox.parse(body, ox.RdfFormat.from_media_type(kind) or ox.RdfFormat.N_TRIPLES)
            prefixes = PREFIX_IRIS if fmt in ("turtle", "table") else None
            return ox.serialize(triples, format=types[fmt], prefixes=prefixes) or b""
        results = standard_results(json.loads(body))
        if fmt == "table":
            return text_table(results).encode("utf-8")
        parsed = ox.parse_query_results(json.dumps(results), ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=types[fmt]) or b""
    except (SyntaxError, ValueError, KeyError, TypeError) as exc:
        raise RemoteStoreError(
            f"{endpoint_url}: the answer is not valid {'RDF' if graph else 'SPARQL JSON'}: {exc}"
        ) from None


def standard_results(results: dict[str, Any]) -> dict[str, Any]:
    """SPARQL JSON results as SPARQL 1.1 writes them: the older ``"typed-literal"`` (Virtuoso 7)
    is a ``"literal"``, blank node labels are made of letters and digits only (Virtuoso writes
    ``nodeID://b10000``, which no RDF syntax allows), and an ASK answered as a SELECT of
    ``__ASK_RETVAL`` (Virtuoso with a ``CaseMode`` other than 2) is a boolean.

    >>> XSD = "http://www.w3.org/2001/XMLSchema#"
    >>> standard_results({"head": {"vars": ["o", "b"]}, "results": {"bindings": [{
    ...     "o": {"type": "typed-literal", "value": "2", "datatype": XSD + "integer"},
    ...     "b": {"type": "bnode", "value": "nodeID://b10000"}}]}})["results"]["bindings"]
    [{'o': {'type': 'literal', 'value': '2', 'datatype': 'http://www.w3.org/2001/XMLSchema#integer'}, 'b': {'type': 'bnode', 'value': 'nodeIDb10000'}}]
    >>> standard_results({"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}})
    {'head': {}, 'boolean': False}
    """
    if "boolean" in results:
        return {"head": {}, "boolean": bool(results["boolean"])}
    bindings = results["results"]["bindings"]
    if results["head"].get("vars") == ["__ASK_RETVAL"]:
        return {"head": {}, "boolean": any(row["__ASK_RETVAL"]["value"] not in ("0", "false") for row in bindings)}
    rows = [{name: _standard_term(term) for name, term in row.items()} for row in bindings]
    return {"head": {"vars": list(results["head"].get("vars", []))}, "results": {"bindings": rows}}


def _standard_term(term: dict[str, str]) -> dict[str, str]:
    term = dict(term)
    if term["type"] == "typed-literal":
        term["type"] = "literal"
    if term["type"] == "bnode":
        term["value"] = re.sub(r"[^A-Za-z0-9]", "", term["value"]) or "b"
    return term


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
    quads: int = 0
    graphs: int = 0
    requests: int = 0
    names: set[str] = field(default_factory=set, repr=False)

    def __str__(self) -> str:
        return f"{self.quads} quads in {self.graphs} graphs to {self.endpoint} ({self.requests} requests)"


def read_quads(source: Path) -> Iterator[ox.Quad]:
    """Every quad of a graph directory as its files write it, one file after another (triples
    files in the default graph), or of a store folder made by ``kg load``.

    Files are parsed, not loaded into a store, because the store rewrites literals into its own
    canonical forms (``"1"^^xsd:nonNegativeInteger`` becomes ``"1"^^xsd:integer``, ``"3.0"`` becomes
    ``"3"``). Blank nodes are named per file and in order of appearance (``f2b0`` is the first of
    the third file), so that ``_:x`` of two files are two nodes and two reads give the same quads.
    """
    if is_store(source):
        yield from open_store(source).quads_for_pattern(None, None, None, None)
        return
    for index, path in enumerate(graph_files(source)):
        try:
            yield from _renamed(ox.parse(path=str(path), format=FORMATS[path.suffix]), f"f{index}b")
        except SyntaxError as exc:
            raise GraphDirError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
        except OSError as exc:
            raise GraphDirError(f"{path}: cannot read: {exc}") from None


def _renamed(quads: Iterator[ox.Quad], prefix: str) -> Iterator[ox.Quad]:
    """*quads* with their blank nodes named *prefix* + 0, 1, … in order of appearance."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def name(term: Any) -> Any:
        return names.setdefault(term, ox.BlankNode(f"{prefix}{len(names)}")) if isinstance(term, ox.BlankNode) else term

    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            quad = ox.Quad(name(quad.subject), quad.predicate, name(quad.object), name(quad.graph_name))
        elif isinstance(quad.graph_name, ox.BlankNode):
            quad = ox.Quad(quad.subject, quad.predicate, quad.object, name(quad.graph_name))
        yield quad


def push(
    endpoint_url: str,
    graph_dir: Path,
    graph_store: bool = False,
    batch: int = DEFAULT_BATCH,
    default_graph: str | None = None,
) -> PushReport:
    """Load the graph of *graph_dir* (a graph directory or a ``kg load`` store) into a remote
    store, keeping named graphs; adds, never clears.

    With *graph_store*, *endpoint_url* is the Graph Store Protocol URL (Oxigraph: ``…/store``,
    Virtuoso: ``…/sparql-graph-crud``); otherwise the SPARQL Update URL (Oxigraph: ``…/update``,
    Virtuoso: ``…/sparql``). *batch* is the most triples in one request; *default_graph* names the
    graph that receives the default graph's triples, for stores without a writable default graph
    (Virtuoso). Example::

        push("http://127.0.0.1:7878/update", Path("build"))
    """
    if batch < 1:
        raise RemoteStoreError("--batch must be at least 1")
    target: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
    if default_graph is not None:
        try:
            target = ox.NamedNode(default_graph)
        except ValueError as exc:
            raise RemoteStoreError(f"--default-graph {default_graph!r}: not an IRI ({exc})") from None
    report = PushReport(endpoint_url)
    for request in requests(_counted(read_quads(graph_dir), target, report), batch, graph_store):
        _send(endpoint_url, request, report)
        report.requests += 1
    report.graphs = len(report.names)
    return report


def _counted(quads: Iterator[ox.Quad], target: ox.NamedNode | ox.DefaultGraph, report: PushReport) -> Iterator[ox.Quad]:
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph) and isinstance(target, ox.NamedNode):
            quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
        report.quads += 1
        report.names.add(str(quad.graph_name))
        yield quad


def _send(url: str, request: Request, report: PushReport) -> None:
    if request.graph is None:
        target, content_type = url, "application/sparql-update"
    else:
        where = (
            "default" if isinstance(request.graph, ox.DefaultGraph) else "graph=" + quote(request.graph.value, safe="")
        )
        target, content_type = url + ("&" if "?" in url else "?") + where, "application/n-triples"
    status, reason, body, kind = _post(target, request.body, content_type, report)
    if 200 <= status < 300:
        return
    line = _first_line(body, kind)
    sentence = f"{target}: the store refused the write with HTTP {status} {reason}" + (f': "{line}"' if line else "")
    sentence += _so_far(report)
    if re.search(r"exceed|too (large|long)|longer than|memory", line, re.IGNORECASE):
        sentence += "; a smaller --batch may fit"
    if request.default and "default" in line.lower():  # the store's reason is about the default graph
        sentence += "; it has no writable default graph: give --default-graph IRI, a named graph to hold those triples"
    raise RemoteStoreError(sentence)


def _so_far(report: PushReport) -> str:
    return f" ({report.requests} earlier requests were accepted)" if report.requests else " (nothing was written)"


def _post(url: str, body: bytes, content_type: str, report: PushReport) -> tuple[int, str, bytes, str]:
    """POST *body*; the answer, read even when the server answers and closes the connection
    before it has taken the whole body (a read-only store or a size limit), where urllib only
    reports "Broken pipe"."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteStoreError(f"{url}: not an http(s) URL")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            connection.request("POST", path, body, {"Content-Type": content_type, "User-Agent": USER_AGENT})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer, if it sent one, is still to be read
        response = connection.getresponse()
        return response.status, response.reason, response.read(1 << 16), response.getheader("Content-Type", "")
    except ConnectionRefusedError as exc:
        raise RemoteStoreError(f"{url}: cannot connect ({exc.strerror}); is the store running?") from None
    except (http.client.HTTPException, OSError) as exc:
        raise RemoteStoreError(
            f"{url}: the server closed the connection without an answer ({exc}) while taking a request of "
            f"{len(body):,} bytes; a read-only store, or a smaller --batch may fit{_so_far(report)}"
        ) from None
    finally:
        connection.close()


def _answer_error(url: str, status: int | None, body: bytes, kind: str) -> str:
    line = _first_line(body, kind)
    if status is None:
        return f"{url}: {line or 'the endpoint failed without saying why'}"
    return f"{url}: the endpoint answered HTTP {status}" + (f': "{line}"' if line else "")


class _Text(HTMLParser):
    """The text of an HTML error page, without its head and headings (they repeat the status)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("head", "title", "h1", "h2", "h3", "script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= self.skip > 0 and tag in ("head", "title", "h1", "h2", "h3", "script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _first_line(body: bytes, kind: str = "") -> str:
    """The first line of a server's reason, tags removed, at most 300 characters.

    >>> _first_line(b"Virtuoso 42000 Error SR186:SECURITY: No permission\\n\\nSPARQL query:\\nINSERT DATA {")
    'Virtuoso 42000 Error SR186:SECURITY: No permission'
    >>> _first_line(b"<html><head><title>failed</title></head><body><h1>HTTP/1.1 403</h1><xmp>SR575: No</xmp>", "text/html")
    'SR575: No'
    """
    text = body.decode("utf-8", "replace")
    if "html" in kind.lower() or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        parser = _Text()
        parser.feed(text)
        text = "\n".join(parser.parts)
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= 300 else line[:299] + "…"
