"""How ``kg push`` cuts a stream of quads into requests that every store tried accepts.

The limits, measured on Virtuoso 7.2.5 (Debian's ``virtuoso-opensource-7``; the Oxigraph server
takes all of these forms and has none of these limits):

- an ``INSERT DATA`` holds at most 1,426 triples in one ``GRAPH`` block and 1,108 spread over two
  or more, whatever the terms ("generated SQL text has exceeded 10000 lines"), and no body over
  10 MB is read; hence :data:`DEFAULT_BATCH` triples and :data:`MAX_BYTES` bytes at most; the
  default graph's triples travel apart from the named graphs', so that a store's refusal of the
  default graph (Virtuoso has none that can be written) is told apart;
- no blank node is allowed in ``INSERT DATA`` ("not allowed in a constant clause"): the triples
  that touch a blank node are sent last, as ``INSERT { … } WHERE {}`` (standard SPARQL 1.1, which
  makes fresh nodes per request, as ``INSERT DATA`` does), each node's triples in one request,
  and one graph a request (Virtuoso fails on a template with two ``GRAPH`` blocks, "SR002"); a
  blank node shared by two graphs becomes one node per graph;
- a whole ``xsd:decimal`` such as ``"716"`` sent in an update is stored as an ``xsd:integer``;
  written ``"716.0"`` (the same value and datatype, Oxigraph stores both as ``"716"``) it stays a
  decimal. Only updates are written so; the Graph Store Protocol's N-Triples keep every form.

With the Graph Store Protocol each lot of triples is sent as one request per graph it holds, as
N-Triples (a POST adds to the graph, so a large graph takes several).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import RemoteStoreError
from kg.terms import NAMESPACES

DEFAULT_BATCH = 1000
MAX_BYTES = 4_000_000
_DECIMAL = ox.NamedNode(NAMESPACES["xsd"] + "decimal")

Graph = ox.NamedNode | ox.DefaultGraph


@dataclass(frozen=True)
class Request:
    """One request's body; *graph* is the Graph Store Protocol's target (None for an update);
    *default* says whether it writes the default graph."""

    body: bytes
    graph: Graph | None
    default: bool


def requests(quads: Iterable[ox.Quad], batch: int = DEFAULT_BATCH, graph_store: bool = False) -> Iterator[Request]:
    """The requests that write *quads*: ground triples as they come, the default graph's apart
    from the named graphs', each lot sent when it holds *batch* triples; then the triples that
    touch a blank node, each node's triples together.

    >>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("716", datatype=_DECIMAL))
    >>> print(next(requests([q])).body.decode())
    INSERT DATA {
    <http://e/s> <http://e/p> "716.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
    }
    """
    blank: list[ox.Quad] = []
    lots: dict[bool, _Lot] = {}  # keyed by "is the default graph"
    for quad in quads:
        graph = _graph(quad)
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            blank.append(quad)
            continue
        key = isinstance(graph, ox.DefaultGraph)
        lot = lots.setdefault(key, _Lot())
        lot.add(graph, _line(quad, graph_store))
        if lot.count >= batch or lot.size >= MAX_BYTES:
            yield from _requests(lots.pop(key).lines, graph_store, template=False)
    for lot in lots.values():
        yield from _requests(lot.lines, graph_store, template=False)
    groups: dict[Graph, list[ox.Quad]] = defaultdict(list)
    for quad in blank:
        groups[_graph(quad)].append(quad)
    for graph, group in groups.items():
        for pack in _packs(_components(group), batch):
            yield from _requests({graph: [_line(quad, graph_store) for quad in pack]}, graph_store, template=True)


@dataclass
class _Lot:
    """Triples waiting to be sent, by graph."""

    lines: dict[Graph, list[str]] = field(default_factory=dict)
    count: int = 0
    size: int = 0

    def add(self, graph: Graph, line: str) -> None:
        self.lines.setdefault(graph, []).append(line)
        self.count, self.size = self.count + 1, self.size + len(line)


def _graph(quad: ox.Quad) -> Graph:
    name = quad.graph_name
    if isinstance(name, ox.BlankNode):
        raise RemoteStoreError(f"a graph named by a blank node ({name}) cannot be written to a store by name")
    return name


def _line(quad: ox.Quad, graph_store: bool) -> str:
    obj = quad.object
    if (
        not graph_store
        and isinstance(obj, ox.Literal)
        and obj.datatype == _DECIMAL
        and obj.value.lstrip("+-").isdigit()
    ):
        obj = ox.Literal(obj.value + ".0", datatype=_DECIMAL)
    return f"{quad.subject} {quad.predicate} {obj} .\n"


def _requests(lines: dict[Graph, list[str]], graph_store: bool, template: bool) -> Iterator[Request]:
    """One update for a lot, or one Graph Store request for each of its graphs."""
    if graph_store:
        for graph, triples in lines.items():
            yield Request("".join(triples).encode("utf-8"), graph, isinstance(graph, ox.DefaultGraph))
        return
    blocks = "".join(
        "".join(t) if isinstance(g, ox.DefaultGraph) else f"GRAPH {g} {{\n{''.join(t)}}}\n" for g, t in lines.items()
    )
    text = f"INSERT {{\n{blocks}}} WHERE {{}}" if template else f"INSERT DATA {{\n{blocks}}}"
    yield Request(text.encode("utf-8"), None, any(isinstance(g, ox.DefaultGraph) for g in lines))


def _components(quads: list[ox.Quad]) -> list[list[ox.Quad]]:
    """The quads grouped by the blank nodes they share (union-find), in first-seen order."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def nodes(quad: ox.Quad) -> list[ox.BlankNode]:
        return [t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]

    for quad in quads:
        first, *others = nodes(quad)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in quads:
        groups.setdefault(root(nodes(quad)[0]), []).append(quad)
    return list(groups.values())


def _packs(components: list[list[ox.Quad]], batch: int) -> Iterator[list[ox.Quad]]:
    """Whole components packed into requests of at most *batch* triples (a larger one goes alone)."""
    pack: list[ox.Quad] = []
    for component in components:
        if pack and len(pack) + len(component) > batch:
            yield pack
            pack = []
        pack += component
    if pack:
        yield pack
