"""Where the graph page draws each entity, computed before the page opens, and the scores that
size the dots and decide which labels show first.

The browser then has nothing to simulate: the page is still from the first frame, whatever the
graph's size. Each connected part of the projection is laid out on its own (networkx's
force-directed ``spring_layout``, Fruchterman–Reingold, with a fixed seed) and scaled so that
every part has the same density of entities; the parts are then packed in rows, the largest
first, into a roughly 16:10 rectangle. Laying out parts on their own costs a sum of small
problems instead of one large one (a corpus of ten papers is ten parts of the paper's size),
and keeps unrelated parts from drifting through each other.

The scores are those of ``kg analyze`` (:mod:`kg.explore.analytics`: degree and betweenness on
the undirected simple view, PageRank on the directed one), with betweenness summed over the
connected parts: no shortest path crosses two parts, so the sum is the same exact number
without the cost of the pairs that have no path.

>>> from kg.explore.projection import Entity, Projection, Relation
>>> e = lambda i: Entity(i, i, "urn:c", "company", "urn:g", "company")
>>> p = Projection({i: e(i) for i in "abcd"}, [Relation("a", "b", "p", "p"), Relation("b", "c", "p", "p")])
>>> sorted(positions(p)) == list("abcd") and positions(p) == positions(p)
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kg.explore.analytics import ALGORITHMS, DECIMALS, MEASURES

if TYPE_CHECKING:
    import networkx as nx

    from kg.explore.projection import Projection

#: Distance between neighbouring entities, in the page's units (pixels at zoom 1).
SPACING = 90.0
#: Room left between two packed parts, in the same units.
GAP = 60.0
SEED = 7


def _undirected(projection: Projection) -> nx.Graph:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(projection.entities))
    graph.add_edges_from(sorted((r.source, r.target) for r in projection.relations if r.source != r.target))
    return graph


def scores(projection: Projection) -> dict[str, dict[str, float]]:
    """Degree, betweenness and PageRank of every entity, as ``kg analyze`` computes them.

    >>> from kg.explore.projection import Entity, Projection, Relation
    >>> e = lambda i: Entity(i, i, "urn:c", "company", "urn:g", "company")
    >>> p = Projection({i: e(i) for i in "abc"}, [Relation("a", "b", "p", "p"), Relation("b", "c", "p", "p")])
    >>> scores(p)["betweenness"]["b"], scores(p)["degree"]["b"]
    (1.0, 1.0)
    """
    import networkx as nx

    graph = _undirected(projection)
    n = graph.number_of_nodes()
    if n == 0:
        return {m: {} for m in MEASURES}
    betweenness = dict.fromkeys(graph, 0.0)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0  # networkx's normalisation, undirected
    for part in nx.connected_components(graph):
        if len(part) > 2:
            raw = nx.betweenness_centrality(graph.subgraph(part), normalized=False, endpoints=False)
            for node, value in raw.items():
                betweenness[node] = value * scale
    directed = nx.DiGraph()
    directed.add_nodes_from(sorted(projection.entities))
    directed.add_edges_from(sorted((r.source, r.target) for r in projection.relations if r.source != r.target))
    pagerank = ALGORITHMS["pagerank"]
    raw = {
        "degree": nx.degree_centrality(graph) if n > 1 else dict.fromkeys(graph, 0.0),
        "betweenness": betweenness,
        "pagerank": nx.pagerank(directed, alpha=pagerank["alpha"], tol=pagerank["tol"], max_iter=pagerank["max_iter"]),
    }
    return {m: {node: round(float(v), DECIMALS) + 0.0 for node, v in sorted(raw[m].items())} for m in MEASURES}


def _part_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """One connected part laid out around (0, 0), neighbours about :data:`SPACING` apart."""
    import networkx as nx

    nodes = sorted(graph)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) == 2:
        return {nodes[0]: (-SPACING / 2, 0.0), nodes[1]: (SPACING / 2, 0.0)}
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_edges_from(sorted(tuple(sorted(e)) for e in graph.edges()))
    # an optimal distance twice networkx's default spreads the hubs' neighbourhoods apart
    raw = nx.spring_layout(ordered, seed=SEED, iterations=150, k=2.2 / math.sqrt(len(nodes)))
    # spring_layout fits the part into [-1, 1]; its area grows with the number of entities
    radius = SPACING * math.sqrt(len(nodes))
    return {node: (float(x) * radius, float(y) * radius) for node, (x, y) in raw.items()}


def positions(projection: Projection) -> dict[str, tuple[float, float]]:
    """Page coordinates of every entity: each connected part laid out, then the parts packed in rows."""
    import networkx as nx

    graph = _undirected(projection)
    parts = sorted(nx.connected_components(graph), key=lambda part: (-len(part), min(part)))
    boxes = []
    for part in parts:
        laid = _part_layout(graph.subgraph(part))
        xs, ys = [x for x, _ in laid.values()], [y for _, y in laid.values()]
        boxes.append((laid, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    area = sum((w + GAP) * (h + GAP) for *_, w, h in boxes)
    row_width = max([math.sqrt(area * 1.6)] + [w + GAP for *_, w, _ in boxes[:1]])
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for laid, left, top, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + GAP, 0.0
        for node, (px, py) in laid.items():
            placed[node] = (float(round(x + px - left)), float(round(y + py - top)))
        x += w + GAP
        row_height = max(row_height, h)
    return placed
