"""Graph analytics over the projection (see :mod:`kg.explore.projection`): centralities, communities, paths.

Which graph each algorithm sees, so that the numbers can be read correctly:

- **degree** and **betweenness** centrality, and **communities** (Louvain), run on the
  *undirected simple* view of the projection: two entities are neighbours when any relation joins
  them, in either direction, however many relations there are. Betweenness is exact (no
  sampling) and normalised.
- **PageRank** runs on the *directed simple* view (``A → B`` when some relation points from A to
  B), so it rewards what many things point at (countries, laws, statuses).
- **paths** are shortest paths in the undirected view; each step lists every relation between its
  two ends with its direction and evidence.

Every run is deterministic: nodes are added in IRI order and Louvain gets a fixed seed.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_edges_from([("a", "b"), ("b", "c")])
[0, 0]
>>> scores = centralities(g)
>>> scores["betweenness"]["b"], scores["degree"]["b"]
(1.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.atomic import write_bytes
from kg.errors import UsageError
from kg.explore.projection import Evidence, Projection, find_entity, project
from kg.namespaces import MX, PROV, bind_prefixes, resource
from kg.sparql.store import GraphStore
from kg.terms import RES

if TYPE_CHECKING:
    import networkx as nx

#: The algorithms, with the parameters they are run with (recorded as provenance).
ALGORITHMS: dict[str, dict[str, Any]] = {
    "degree": {"function": "networkx.degree_centrality", "view": "undirected simple graph"},
    "betweenness": {
        "function": "networkx.betweenness_centrality",
        "view": "undirected simple graph",
        "normalized": True,
        "endpoints": False,
    },
    "pagerank": {
        "function": "networkx.pagerank",
        "view": "directed simple graph",
        "alpha": 0.85,
        "tol": 1e-10,
        "max_iter": 1000,
    },
    "louvain": {
        "function": "networkx.community.louvain_communities",
        "view": "undirected simple graph",
        "seed": 42,
        "resolution": 1.0,
        "threshold": 1e-7,
    },
}
MEASURES = ("degree", "betweenness", "pagerank")
DECIMALS = 6


def _undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    return simple


def _directed(graph: nx.MultiDiGraph) -> nx.DiGraph:
    import networkx as nx

    simple = nx.DiGraph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    return simple


def centralities(graph: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """Degree, betweenness and PageRank of every node, rounded to six decimals.

    >>> import networkx as nx
    >>> star = nx.MultiDiGraph([("hub", x) for x in "abc"])
    >>> centralities(star)["degree"]["hub"]
    1.0
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {m: {} for m in MEASURES}
    undirected = _undirected(graph)
    b = ALGORITHMS["betweenness"]
    p = ALGORITHMS["pagerank"]
    raw = {
        "degree": nx.degree_centrality(undirected) if len(undirected) > 1 else dict.fromkeys(undirected, 0.0),
        "betweenness": nx.betweenness_centrality(undirected, normalized=b["normalized"], endpoints=b["endpoints"]),
        "pagerank": nx.pagerank(_directed(graph), alpha=p["alpha"], tol=p["tol"], max_iter=p["max_iter"]),
    }
    return {m: {n: round(float(v), DECIMALS) + 0.0 for n, v in sorted(scores.items())} for m, scores in raw.items()}


def communities(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Louvain communities of the undirected view, largest first, each sorted; fixed seed.

    >>> import networkx as nx
    >>> two = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> communities(two)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return []
    p = ALGORITHMS["louvain"]
    found = nx.community.louvain_communities(
        _undirected(graph), seed=p["seed"], resolution=p["resolution"], threshold=p["threshold"]
    )
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


@dataclass
class NodeRow:
    """One entity's scores and community number (1 is the largest community)."""

    iri: str
    label: str
    cls_label: str
    scores: dict[str, float]
    community: int


@dataclass
class Analysis:
    """The result of :func:`analyze`: a row per entity, the communities, the algorithms' settings."""

    rows: list[NodeRow]
    communities: list[list[str]]
    nodes: int
    edges: int
    algorithms: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(ALGORITHMS))

    def top(self, measure: str, n: int) -> list[NodeRow]:
        """The *n* rows with the highest *measure*, ties broken by label."""
        if measure not in MEASURES:
            raise UsageError(f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}")
        return sorted(self.rows, key=lambda r: (-r.scores[measure], r.label.casefold(), r.iri))[:n]


def analyze(graph: Projection | GraphStore | Path | str) -> Analysis:
    """Centralities and communities of the projection of *graph* (a directory, store or projection).

    >>> from kg.explore.projection import Entity
    >>> e = lambda i: Entity(i, i.upper(), "", "thing", "", "thing")
    >>> from kg.explore.projection import Relation
    >>> p = Projection({i: e(i) for i in "abc"}, [Relation("a", "b", "p", "p"), Relation("b", "c", "p", "p")])
    >>> [(r.label, r.scores["betweenness"]) for r in analyze(p).top("betweenness", 1)]
    [('B', 1.0)]
    """
    projection = graph if isinstance(graph, Projection) else project(graph)
    nxg = projection.to_networkx()
    scores = centralities(nxg)
    groups = communities(nxg)
    member = {iri: i for i, group in enumerate(groups, start=1) for iri in group}
    rows = [
        NodeRow(iri, e.label, e.cls_label, {m: scores[m][iri] for m in MEASURES}, member[iri])
        for iri, e in projection.entities.items()
    ]
    return Analysis(rows, groups, nxg.number_of_nodes(), nxg.number_of_edges())


def _literal(value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
        return Literal(text if text not in ("", "-0") else "0", datatype=XSD.decimal)
    return Literal(str(value))


def to_rdf(analysis: Analysis) -> Graph:
    """The analysis as RDF: one ``mx:GraphAnalysis`` (a ``prov:Activity``) per algorithm with its
    parameters, one ``mx:NodeScore`` per entity and measure, one ``mx:Community`` per community.

    IRIs are minted from the algorithm's name and the entity's IRI path, so reruns give the same
    graph; no timestamps are recorded, so the file is byte-stable.

    >>> from kg.explore.projection import Entity
    >>> p = Projection({"https://w3id.org/mxjp-talent/resource/a": Entity(
    ...     "https://w3id.org/mxjp-talent/resource/a", "A", "", "thing", "", "thing")}, [])
    >>> g = to_rdf(analyze(p))
    >>> len(list(g.subjects(RDF.type, MX.NodeScore)))
    3
    """
    import networkx as nx

    g = Graph()
    bind_prefixes(g)
    activities: dict[str, URIRef] = {}
    for name, settings in analysis.algorithms.items():
        activity = resource("analysis", name)
        activities[name] = activity
        g.add((activity, RDF.type, MX.GraphAnalysis))
        g.add((activity, RDFS.label, Literal(f"{name} over the entity projection", lang="en")))
        g.add((activity, MX.algorithm, Literal(f"{settings['function']} (networkx {nx.__version__})")))
        for key, value in sorted(settings.items()):
            if key == "function":
                continue
            parameter = resource("analysis", name, "parameter", key)
            g.add((activity, MX.hasParameter, parameter))
            g.add((parameter, RDF.type, MX.AnalysisParameter))
            g.add((parameter, RDFS.label, Literal(key, lang="en")))
            g.add((parameter, RDF.value, _literal(value)))
    for measure in MEASURES:
        ranked = sorted(analysis.rows, key=lambda r: (-r.scores[measure], r.iri))
        for rank, row in enumerate(ranked, start=1):
            score = resource("analysis", measure, _local(row.iri))
            g.add((score, RDF.type, MX.NodeScore))
            g.add((score, MX.scoreOf, URIRef(row.iri)))
            g.add((score, MX.score, _literal(float(row.scores[measure]))))
            g.add((score, MX.rank, Literal(rank, datatype=XSD.integer)))
            g.add((score, PROV.wasGeneratedBy, activities[measure]))
    for number, members in enumerate(analysis.communities, start=1):
        community = resource("analysis", "louvain", "community", str(number))
        g.add((community, RDF.type, MX.Community))
        g.add((community, RDFS.label, Literal(f"community {number}", lang="en")))
        g.add((community, MX.number, Literal(number, datatype=XSD.integer)))
        g.add((community, PROV.wasGeneratedBy, activities["louvain"]))
        for iri in members:
            g.add((community, MX.hasMember, URIRef(iri)))
    return g


def _local(iri: str) -> str:
    return iri[len(RES) :] if iri.startswith(RES) else iri.replace("://", "/").replace("#", "/")


def write_rdf(analysis: Analysis, out_file: Path) -> Path:
    """Write :func:`to_rdf` as Turtle to *out_file* (atomically) and return the path."""
    body = to_rdf(analysis).serialize(format="turtle", encoding="utf-8")
    write_bytes(out_file, body)
    return out_file


@dataclass
class Step:
    """One hop of a path: the relations that join two consecutive entities, in either direction."""

    source: str
    target: str
    relations: list[tuple[str, str, str, list[Evidence]]]  # (subject, predicate label, object, evidence)


def shortest_paths(projection: Projection, a: str, b: str, *, max_paths: int = 5) -> list[list[Step]]:
    """Up to *max_paths* shortest paths between entities named *a* and *b* (labels, ids or IRIs).

    Names are resolved with :func:`kg.projection.find_entity` (unknown or ambiguous names raise
    :class:`kg.errors.UnknownEntity`). Paths are listed in a stable order; an empty list means
    the two entities are not connected.

    >>> from kg.explore.projection import Entity, Relation
    >>> e = lambda i: Entity(i, i.upper(), "", "thing", "", "thing")
    >>> p = Projection({i: e(i) for i in "abc"}, [Relation("a", "b", "p", "rel"), Relation("c", "b", "p", "rel")])
    >>> [[(s.source, s.target) for s in path] for path in shortest_paths(p, "A", "c")]
    [[('a', 'b'), ('b', 'c')]]
    """
    import networkx as nx

    if max_paths < 1:
        raise UsageError(f"--max {max_paths}: give at least 1")
    start, end = find_entity(projection, a), find_entity(projection, b)
    if start == end:
        raise UsageError(f"{a!r} and {b!r} name the same entity")
    nxg = projection.to_networkx()
    undirected = _undirected(nxg)
    try:
        found = nx.all_shortest_paths(undirected, start, end)
        paths = []
        for path in found:
            paths.append(path)
            if len(paths) >= max_paths * 50:
                break
    except nx.NetworkXNoPath:
        return []
    paths.sort(key=lambda p: [projection.entities[n].label.casefold() for n in p])
    out = []
    for path in paths[:max_paths]:
        steps = []
        for u, v in zip(path, path[1:], strict=False):
            relations = [
                (s, data["label"], t, data["evidence"])
                for s, t in ((u, v), (v, u))
                for _, data in sorted((nxg.get_edge_data(s, t) or {}).items())
            ]
            steps.append(Step(u, v, relations))
        out.append(steps)
    return out
