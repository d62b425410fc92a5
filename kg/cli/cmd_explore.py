"""Commands that explore the graph: viz, analyze, path, explain."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.padding import Padding
from rich.table import Table

from kg.cli.app import GraphOpt, PaperOpt, app, fail, out, say
from kg.errors import KgError


@app.command(rich_help_panel="Explore")
def viz(
    graph: GraphOpt = Path("build"),
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="The HTML page to write (default: GRAPH/graph.html).")
    ] = None,
    focus: Annotated[str | None, typer.Option(help="Draw only the neighbourhood of this entity (label or id).")] = None,
    depth: Annotated[int, typer.Option(help="With --focus: how many relations away to go.")] = 2,
    classes: Annotated[
        list[str] | None,
        typer.Option("--classes", help="Only these classes (repeat or comma-separate), e.g. company,place."),
    ] = None,
    gexf: Annotated[Path | None, typer.Option(help="Also write the projection as GEXF for Gephi.")] = None,
    graphml: Annotated[Path | None, typer.Option(help="Also write the projection as GraphML.")] = None,
) -> None:
    """Draw the graph's entities and relations as one offline HTML page (search, class filter,
    tooltips with the evidence); optionally export the same projection for Gephi.

    Example:
        kg viz --graph build --focus "NTT Docomo" --depth 2 --out docomo.html
    """
    from kg.explore.visualize import export, write_page

    target = out_file or graph / "graph.html"
    try:
        count = write_page(graph, target, focus=focus, depth=depth, classes=classes)
        for path, fmt in ((gexf, "gexf"), (graphml, "graphml")):
            if path is not None:
                export(graph, path, fmt)
                say(f"wrote {path} ({fmt})")
    except KgError as exc:
        fail(exc)
    say(f"{target}: {count} entities", "wrote", "green")


@app.command(rich_help_panel="Explore")
def analyze(
    graph: GraphOpt = Path("build"),
    top: Annotated[int, typer.Option(help="Rows per table.")] = 10,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Turtle file for the results (default: GRAPH/analytics.ttl).")
    ] = None,
) -> None:
    """Centralities (degree, betweenness, PageRank) and communities (Louvain, fixed seed) of the
    graph's entities; prints tables and writes the results as RDF with the algorithms as provenance.

    Example:
        kg analyze --graph build --top 15
    """
    from kg.explore.analytics import MEASURES, write_rdf
    from kg.explore.analytics import analyze as run_analysis

    if top < 1:
        fail(KgError(f"--top {top}: give at least 1"))
    try:
        analysis = run_analysis(graph)
        target = write_rdf(analysis, out_file or graph / "analytics.ttl")
    except KgError as exc:
        fail(exc)
    for measure in MEASURES:
        table = Table("#", "entity", "class", measure, "community", title=f"top {top} by {measure}")
        for i, row in enumerate(analysis.top(measure, top), start=1):
            table.add_row(str(i), row.label, row.cls_label, f"{row.scores[measure]:.4f}", str(row.community))
        out.print(table)
    labels = {row.iri: row.label for row in analysis.rows}
    table = Table("#", "size", "members", title="communities (Louvain)")
    for i, members in enumerate(analysis.communities[:top], start=1):
        names = sorted((labels[m] for m in members), key=str.casefold)
        table.add_row(str(i), str(len(members)), ", ".join(names[:12]) + (" …" if len(names) > 12 else ""))
    out.print(table)
    say(f"{analysis.nodes} entities, {analysis.edges} relations; wrote {target}")


@app.command(rich_help_panel="Explore")
def path(
    a: Annotated[str, typer.Argument(metavar="A", help="An entity: label (case-insensitive), id or IRI.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Another entity.")],
    graph: GraphOpt = Path("build"),
    max_paths: Annotated[int, typer.Option("--max", help="At most this many shortest paths.")] = 3,
) -> None:
    """Shortest paths between two entities, each step with its relation and the evidence for it
    (character span and section of the paper). Exits 1 when they are not connected.

    Example:
        kg path --graph build "NTT Docomo" Mexico
    """
    from kg.explore.analytics import shortest_paths
    from kg.explore.projection import project

    try:
        projection = project(graph)
        paths = shortest_paths(projection, a, b, max_paths=max_paths)
    except KgError as exc:
        fail(exc)
    name = {iri: e.label for iri, e in projection.entities.items()}
    if not paths:
        say(f"no path between {a!r} and {b!r}: they are not connected in the projection")
        raise typer.Exit(1)
    for number, steps in enumerate(paths, start=1):
        out.print(
            f"path {number} ({len(steps)} step{'s' if len(steps) != 1 else ''}): {name[steps[0].source]}",
            highlight=False,
            markup=False,
        )
        for step in steps:
            for s, label, o, evidence in step.relations:
                where = "; ".join(ev.text() for ev in evidence) or "no evidence span"
                arrow = f"—{label}→ {name[o]}" if s == step.source else f"←{label}— {name[s]}"
                out.print(f"  {arrow}   [{where}]", highlight=False, markup=False, soft_wrap=True)
    say(f"{len(paths)} shortest path(s) of length {len(paths[0])}")


@app.command(rich_help_panel="Explore")
def explain(
    entity: Annotated[
        str, typer.Argument(help='An id (ntt-docomo), a res: name, an IRI, or an English label ("NTT Docomo").')
    ],
    graph: GraphOpt = Path("build"),
    paper: PaperOpt = None,
    quote_paper: Annotated[
        bool,
        typer.Option(
            "--quote/--no-quote", help="Quote the paper's words at each span (read from your copy of the paper)."
        ),
    ] = True,
) -> None:
    """Print every fact about an entity, with the section and character span of the paper behind it.

    Example:
        kg explain "NTT Docomo" --graph build
    """
    from kg.explore.explain import explain as run_explain
    from kg.explore.explain import how_known, load_paper_text, quote
    from kg.sparql.store import GraphStore
    from kg.terms import curie

    try:
        store = GraphStore.open(graph)
        iri, facts = run_explain(store, entity)
        text = load_paper_text(paper) if quote_paper else None
    except KgError as exc:
        fail(exc)
    out.print(f"{curie(iri)}: {len(facts)} fact(s)", style="bold")
    for fact in facts:
        value = f"{fact.value} @{fact.lang}" if fact.lang else fact.value
        arrow = "→" if fact.direction == "out" else "←"
        out.print(f"{arrow} {fact.property}  {value}", soft_wrap=False)
        where = [how_known(fact), fact.section and f"section {fact.section}"]
        where.append(f"chars {fact.start}–{fact.end}" if fact.start is not None else fact.source)
        out.print(Padding(" · ".join(w for w in where if w), (0, 0, 0, 4)), style="dim")
        said = quote(text, fact)
        if said:
            out.print(Padding(f"“{said}”", (0, 0, 0, 4)))
