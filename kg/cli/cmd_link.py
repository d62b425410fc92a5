"""Commands that connect the graph with others: link, push."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kg.cli.app import GraphOpt, app, emit, err, fail
from kg.errors import KgError


@app.command(rich_help_panel="Serve and share")
def push(
    endpoint: Annotated[
        str, typer.Option(help="SPARQL Update endpoint URL, or with --graph-store the Graph Store Protocol URL.")
    ],
    graph: GraphOpt = Path("build"),
    graph_store: Annotated[
        bool,
        typer.Option(
            "--graph-store",
            help="Use the SPARQL 1.1 Graph Store HTTP Protocol (one POST per graph) instead of INSERT DATA.",
        ),
    ] = False,
    batch: Annotated[int, typer.Option(help="Triples per INSERT DATA request.")] = 5000,
) -> None:
    """Load the graph into an external SPARQL store (Oxigraph server, Fuseki, GraphDB, Virtuoso…),
    keeping each named graph, through SPARQL 1.1 Update (INSERT DATA in batches) or the Graph Store
    Protocol. Adds to what the store holds.

    Example:  kg push --graph build --endpoint http://127.0.0.1:7878/update
    """
    from kg.link.remote import push as run_push

    try:
        report = run_push(endpoint, graph, graph_store=graph_store, batch=batch)
    except KgError as exc:
        fail(exc)
    err.print(f"[green]pushed[/] {report}", highlight=False)


@app.command(rich_help_panel="Serve and share")
def link(
    with_file: Annotated[
        Path,
        typer.Option(
            "--with",
            help="The other dataset: an RDF file (.ttl .nt .nq .trig .rdf .jsonld), e.g. another paper's graph or a Wikidata extract.",
        ),
    ],
    graph: GraphOpt = Path("build"),
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the proposals as SSSOM TSV here (default: print them).")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Lowest label similarity (0-1) for a label-based proposal.")] = 0.9,
    merge: Annotated[
        bool, typer.Option("--merge", help="Add the links of --accept to a graph file instead of proposing.")
    ] = False,
    accept: Annotated[
        Path | None, typer.Option(help="With --merge: the reviewed SSSOM file whose rows are accepted.")
    ] = None,
    into: Annotated[
        Path | None, typer.Option(help="With --merge: the Turtle file to add the links to (default: GRAPH/links.ttl).")
    ] = None,
) -> None:
    """Propose links between the graph and another dataset: shared identifiers (Wikidata, ROR,
    DOI, ORCID, GeoNames) first, then labels (rapidfuzz, guarded by class family), as SSSOM.

    Example:  kg link --graph build --with other.ttl --out proposals.sssom.tsv
    then, after review:  kg link --graph build --with other.ttl --merge --accept proposals.sssom.tsv
    """

    from kg.errors import UsageError
    from kg.link.propose import link as run_link
    from kg.link.sssom import merge as run_merge
    from kg.link.sssom import to_sssom

    try:
        if merge:
            if accept is None:
                raise UsageError("--merge needs --accept FILE (the reviewed SSSOM proposals)")
            target = into or graph / "links.ttl"
            added = run_merge(accept, target)
            err.print(f"[green]merged[/] {added} link(s) into {escape(str(target))}", highlight=False)
            return
        proposals = run_link(graph, with_file, threshold)
        text = to_sssom(proposals, with_file, threshold)
    except KgError as exc:
        fail(exc)
    emit(text, out_file)
    by_id = sum(1 for p in proposals if p.justification == "semapv:MappingChaining")
    err.print(
        f"{len(proposals)} proposal(s): {by_id} by shared identifier, {len(proposals) - by_id} by label",
        highlight=False,
    )
