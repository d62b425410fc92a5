"""The interactive graph page: the projection (see :mod:`kg.explore.projection`) drawn with pyvis.

The page is one self-contained HTML file. vis-network's JavaScript and CSS are inlined from the
``pyvis`` package installed on this machine (``pyvis/templates/lib/vis-9.1.2``), and a Content
Security Policy forbids every request, so the page works offline and sends nothing anywhere.

Every entity's position is computed here, before the page opens (:mod:`kg.explore.layout`), and
the page draws with physics off: it is still from the first frame, at the paper's size as at
ten times it. Our template (``kg/explore/templates/graph.html.j2``) draws the labels itself,
most central entities first and never two overlapping, at every zoom; it adds a legend that
filters by class, a search box, and tooltips built as DOM text (labels are data: a label holding
``<script>`` is shown, never run) that say how each fact is known. Served by ``kg serve``, the
page has the site's navigation bar and a click opens the entity's page.

The same input gives the same bytes: nodes and edges are sorted, the layout seed is fixed and
nothing records the time.

>>> from kg.explore.projection import Entity, Projection
>>> p = Projection({"urn:x:a": Entity("urn:x:a", "A <b>", "urn:c", "company", "urn:g", "company")}, [])
>>> html = page_html(network(p))
>>> "vis.Network" in html and "A \\\\u003cb\\\\u003e" in html and "A <b>" not in html
True
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.atomic import write_bytes
from kg.errors import UsageError
from kg.explore.layout import positions, scores
from kg.explore.projection import ENTITY_ROOTS, Evidence, Projection, class_label, find_entity, project
from kg.paths import ontology_file
from kg.sparql.store import GraphStore
from kg.terms import RES, local_name

if TYPE_CHECKING:
    from pyvis.network import Network

TEMPLATE = "graph.html.j2"
VIS_VERSION = "vis-9.1.2"

#: One calm colour per legend group (the roots of :data:`kg.explore.projection.ENTITY_ROOTS`).
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#e15759",
    "#9c755f",
    "#86bcb6",
    "#d37295",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#bab0ac",
    "#17becf",
    "#79706e",
)

#: vis-network options: positions come with the nodes, so no physics and no layout in the browser.
OPTIONS: dict[str, Any] = {
    "layout": {"randomSeed": 7, "improvedLayout": False},
    "physics": {"enabled": False},
    "interaction": {
        "hover": True,
        "tooltipDelay": 150,
        "navigationButtons": False,
        "keyboard": False,
        "hideEdgesOnDrag": True,
    },
    "nodes": {"shape": "dot", "borderWidth": 1, "font": {"size": 0}},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
        "color": {"color": "#c3c7cf", "highlight": "#555", "hover": "#777"},
        "width": 1,
        "smooth": False,
    },
}
#: How each kind of statement reads in a tooltip, before the span and section.
KIND_LEADS = {
    "stated": "stated by the paper at",
    "inferred": "inferred by the curators from",
    "record": "taken from a record; see",
}


def _evidence(items: list[Evidence]) -> list[str]:
    """Tooltip lines: how each fact is known, then where the paper is.

    >>> _evidence([Evidence(1, 9, None, "section 2", "inferred")])
    ['inferred by the curators from chars 1–9, section 2']
    """
    return [
        f"{KIND_LEADS.get(ev.kind, KIND_LEADS['stated'])} chars {ev.start}–{ev.end}"
        + (f", {ev.section_label}" if ev.section_label else "")
        for ev in items
    ]


def select(
    projection: Projection, *, focus: str | None = None, depth: int = 2, classes: list[str] | None = None
) -> Projection:
    """The part of *projection* to draw: entities of *classes* only (legend group or class
    names, case-insensitive), then those within *depth* relations of *focus* (a name or id).

    >>> from kg.explore.projection import Entity, Relation
    >>> e = lambda i: Entity(i, i, "urn:c", "company", "urn:g", "company")
    >>> p = Projection({i: e(i) for i in "abc"}, [Relation("a", "b", "p", "p"), Relation("b", "c", "p", "p")])
    >>> sorted(select(p, focus="a", depth=1).entities)
    ['a', 'b']
    """
    import networkx as nx

    if depth < 0:
        raise UsageError(f"--depth {depth}: give 0 or more")
    if classes:
        wanted = {c.strip().casefold().removeprefix("mx:") for c in classes for c in c.split(",") if c.strip()}
        known = {
            n
            for e in projection.entities.values()
            for n in (
                e.cls_label.casefold(),
                e.group_label.casefold(),
                local_name(e.cls).casefold(),
                local_name(e.group).casefold(),
            )
        }
        unknown = sorted(w for w in wanted if w not in known)
        if unknown:
            choices = ", ".join(
                sorted(
                    {e.group_label for e in projection.entities.values()}
                    | {e.cls_label for e in projection.entities.values()}
                )
            )
            raise UsageError(
                f"--classes: no entity of class {', '.join(unknown)} in this graph; choose from: {choices}"
            )
        keep = {
            iri
            for iri, e in projection.entities.items()
            if {
                e.cls_label.casefold(),
                e.group_label.casefold(),
                local_name(e.cls).casefold(),
                local_name(e.group).casefold(),
            }
            & wanted
        }
        projection = projection.subset(keep)
    if focus is not None:
        centre = find_entity(projection, focus)
        undirected = projection.to_networkx().to_undirected(as_view=True)
        projection = projection.subset(set(nx.ego_graph(undirected, centre, radius=depth)))
    return projection


def _colours() -> dict[str, str]:
    return {str(root): PALETTE[i % len(PALETTE)] for i, root in enumerate(ENTITY_ROOTS)}


def network(
    graph: Projection | GraphStore | Path | str,
    *,
    focus: str | None = None,
    depth: int = 2,
    classes: list[str] | None = None,
    title: str = "Mexico–Japan talent migration",
) -> Network:
    """A ``pyvis.network.Network`` of the graph, set up with the project's offline template.

    In a notebook: ``from IPython.display import HTML; HTML(page_html(network("build")))``;
    ``net.write_html("x.html")`` also works and stays offline.
    """
    from pyvis.network import Network

    projection = graph if isinstance(graph, Projection) else project(graph)
    projection = select(projection, focus=focus, depth=depth, classes=classes)
    measured = scores(projection)
    placed = positions(projection)
    top = max(measured["pagerank"].values(), default=1.0) or 1.0
    colours = _colours()
    # most central first: the order in which the page gives entities their labels
    rank = {iri: i for i, iri in enumerate(sorted(projection.entities, key=lambda k: (-measured["pagerank"][k], k)))}

    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    _use_template(net)
    net.options = OPTIONS
    # pyvis's add_node/add_edge check membership in lists (quadratic): fill its lists directly
    for iri, e in projection.entities.items():
        pr = measured["pagerank"].get(iri, 0.0)
        x, y = placed[iri]
        node = {
            "id": iri,
            "label": e.label,
            "x": x,
            "y": y,
            "color": colours.get(e.group, "#999999"),
            "size": round(7 + 22 * math.sqrt(pr / top), 2),
            "rank": rank[iri],
            "cls": e.cls_label,
            "group_label": e.group_label,
            "group_iri": e.group,
            "alt": e.alt_labels,
            "evidence": _evidence(e.evidence),
            "figures": e.figures,
            "scores": {m: measured[m].get(iri, 0.0) for m in ("degree", "betweenness", "pagerank")},
        }
        net.nodes.append(node)
        net.node_ids.append(iri)
        net.node_map[iri] = node
    for r in projection.relations:
        net.edges.append(
            {
                "from": r.source,
                "to": r.target,
                "label": r.label,
                "predicate": r.predicate,
                "evidence": _evidence(r.evidence),
            }
        )
    net.kg_legend = [
        {
            "group": str(root),
            "label": class_label(str(root)),
            "color": colours[str(root)],
            "count": sum(1 for e in projection.entities.values() if e.group == str(root)),
        }
        for root in ENTITY_ROOTS
    ]
    return net


def _use_template(net: Network) -> None:
    import pyvis
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

    ours = Path(__file__).with_name("templates")
    theirs = Path(pyvis.__file__).parent / "templates"
    if not (theirs / "lib" / VIS_VERSION / "vis-network.min.js").is_file():
        raise UsageError(f"pyvis at {theirs} does not ship lib/{VIS_VERSION}: install pyvis>=0.3.2")
    net.templateEnv = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(ours)), FileSystemLoader(str(theirs))]),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    net.path = TEMPLATE
    net.template = net.templateEnv.get_template(TEMPLATE)


def page_html(net: Network) -> str:
    """The page's HTML for a network made by :func:`network`."""
    nodes, edges, heading, _height, _width, options = net.get_network_data()
    legend = getattr(net, "kg_legend", [])
    context = {"nodes": nodes, "edges": edges, "heading": heading, "options": options, "legend": legend}
    return net.templateEnv.get_template(TEMPLATE).render(
        **context, vis=VIS_VERSION, ontology=ontology_file().name, resources=RES
    )


def write_page(
    graph_dir: Path, out_file: Path, *, focus: str | None = None, depth: int = 2, classes: list[str] | None = None
) -> int:
    """Write the graph page of the graph in *graph_dir* to *out_file*; return the number of nodes.

    The file is written atomically (a temporary file, then a rename), byte-stable for the same
    graph. ``kg build`` calls it with the build directory.
    """
    net = network(Path(graph_dir), focus=focus, depth=depth, classes=classes)
    body = page_html(net).encode("utf-8")
    write_bytes(Path(out_file), body)
    return len(net.nodes)


def export(graph: Projection | GraphStore | Path | str, out_file: Path, fmt: str) -> int:
    """Write the projection for Gephi as ``gexf`` or ``graphml``, with the centralities and
    community of each node as attributes; return the number of nodes.
    """
    import networkx as nx

    from kg.explore.analytics import analyze

    projection = graph if isinstance(graph, Projection) else project(graph)
    analysis = analyze(projection)
    g = projection.to_networkx()
    for row in analysis.rows:
        g.nodes[row.iri].update({**row.scores, "community": row.community})
    for _, _, data in g.edges(data=True):
        data["evidence"] = "; ".join(ev.text() for ev in data["evidence"])
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gexf":
        nx.write_gexf(g, out_file)
    elif fmt == "graphml":
        nx.write_graphml(g, out_file)
    else:
        raise UsageError(f"unknown export format {fmt!r}: gexf or graphml")
    return g.number_of_nodes()
