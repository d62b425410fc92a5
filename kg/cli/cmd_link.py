"""Commands that connect the graph with others: link, push."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from kg.cli.app import GraphOpt, GraphOrStoreOpt, app, emit, err, fail
from kg.errors import KgError

if TYPE_CHECKING:
    from kg.link.propose import Proposal


@app.command(rich_help_panel="Serve and share")
def push(
    endpoint: Annotated[
        str, typer.Option(help="SPARQL Update endpoint URL, or with --graph-store the Graph Store Protocol URL.")
    ],
    graph: GraphOrStoreOpt = Path("build"),
    graph_store: Annotated[
        bool,
        typer.Option(
            "--graph-store",
            help="Use the SPARQL 1.1 Graph Store HTTP Protocol (N-Triples POSTs per graph) instead of SPARQL Update.",
        ),
    ] = False,
    default_graph: Annotated[
        str | None,
        typer.Option(
            "--default-graph",
            metavar="IRI",
            help="Put the default graph's triples in this named graph (stores without a writable default graph, "
            "such as Virtuoso).",
        ),
    ] = None,
    batch: Annotated[
        int, typer.Option(help="Most triples in one request (Virtuoso takes about 1,100 in one INSERT DATA).")
    ] = 1000,
) -> None:
    """Load the graph into an external SPARQL store (Oxigraph server, Virtuoso, Fuseki, GraphDB…),
    keeping each named graph and every literal as written, through SPARQL 1.1 Update or the Graph
    Store Protocol. Adds to what the store holds; a refusal is reported with the store's reason.

    Example:
        kg push --graph build --endpoint http://127.0.0.1:7878/update
        kg push --graph build --endpoint http://127.0.0.1:8890/sparql --default-graph urn:kg:default-graph
    """
    from kg.link.remote import push as run_push

    try:
        report = run_push(endpoint, graph, graph_store=graph_store, batch=batch, default_graph=default_graph)
    except KgError as exc:
        fail(exc)
    err.print(f"[green]pushed[/] {escape(str(report))}", highlight=False, soft_wrap=True)


@app.command(rich_help_panel="Serve and share")
def link(
    with_file: Annotated[
        Path | None,
        typer.Option(
            "--with",
            help="The other dataset: an RDF file (.ttl .nt .nq .trig .rdf .jsonld, optionally .gz), e.g. a gazetteer extract or another paper's graph.",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            help="Align with a SPARQL endpoint shaped like Wikidata's (labels, aliases, P31/P17/P131/P625) instead of a file."
        ),
    ] = None,
    graph: GraphOpt = Path("build"),
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the proposals as SSSOM TSV here (default: print them).")
    ] = None,
    threshold: Annotated[float, typer.Option(help="Lowest name similarity (0-1) for a proposal by name.")] = 0.9,
    margin: Annotated[
        float,
        typer.Option(
            help="Candidates scoring within this of the best make a row to review, unless context sets one apart."
        ),
    ] = 0.05,
    merge: Annotated[
        bool, typer.Option("--merge", help="Add the links of --accept to a graph file instead of proposing.")
    ] = False,
    accept: Annotated[
        Path | None, typer.Option(help="With --merge: the reviewed SSSOM file whose rows are accepted.")
    ] = None,
    into: Annotated[
        Path | None, typer.Option(help="With --merge: the Turtle file to add the links to (default: GRAPH/links.ttl).")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="With --endpoint: folder of cached answers (default: ~/.cache/kg-link).")
    ] = None,
    rate: Annotated[float, typer.Option(help="With --endpoint: at most this many requests a second.")] = 1.0,
    batch: Annotated[int, typer.Option(help="With --endpoint: values per VALUES block of a query.")] = 50,
) -> None:
    """Propose links between the graph and another dataset: shared identifiers (Wikidata, ROR,
    DOI, ORCID, GeoNames, ISO 3166) first, then names checked against type, place and
    coordinates, one record per entity, as SSSOM. Close rivals give a row to review.

    Example:  kg link --graph build --with extract.nt.gz --out proposals.sssom.tsv
    or:       kg link --graph build --endpoint http://127.0.0.1:7878/query --out proposals.sssom.tsv
    then, after review:  kg link --graph build --merge --accept proposals.sssom.tsv
    """
    from kg.errors import UsageError

    try:
        if merge:
            if accept is None:
                raise UsageError("--merge needs --accept FILE (the reviewed SSSOM proposals)")
            _merge(accept, into or graph / "links.ttl")
            return
        if (with_file is None) == (endpoint is None):
            raise UsageError("give the other dataset: --with FILE or --endpoint URL (one of them)")
        if not 0.0 < threshold <= 1.0:
            raise UsageError(f"--threshold {threshold}: must be above 0 and at most 1")
        if not 0.0 <= margin < 1.0:
            raise UsageError(f"--margin {margin}: must be at least 0 and below 1")
        proposals, source = _propose(graph, with_file, endpoint, threshold, margin, cache, rate, batch)
        text = _sssom(proposals, source, threshold)
    except KgError as exc:
        fail(exc)
    emit(text, out_file)
    by_id = sum(1 for p in proposals if p.justification == "semapv:MappingChaining")
    review = sum(1 for p in proposals if p.needs_review)
    err.print(
        f"{len(proposals)} proposal(s): {by_id} by shared identifier, {len(proposals) - by_id - review} by name, "
        f"{review} to review",
        highlight=False,
    )


def _merge(accept: Path, target: Path) -> None:
    from kg.link.sssom import merge as run_merge

    added, skipped = run_merge(accept, target)
    note = f"; skipped {skipped} row(s) still marked 'needs review'" if skipped else ""
    err.print(f"[green]merged[/] {added} link(s) into {escape(str(target))}{escape(note)}", highlight=False)


def _sssom(proposals: list[Proposal], source: str, threshold: float) -> str:
    from kg.link.sssom import to_sssom

    return to_sssom(proposals, source, threshold)


def _propose(
    graph: Path,
    with_file: Path | None,
    endpoint: str | None,
    threshold: float,
    margin: float,
    cache: Path | None,
    rate: float,
    batch: int,
) -> tuple[list[Proposal], str]:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from kg.link.propose import link as run_link

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        if endpoint is not None:
            from kg.link.endpoint import link_endpoint

            task = bar.add_task("querying", total=None)
            found = link_endpoint(
                graph,
                endpoint,
                threshold,
                margin,
                cache=cache,
                rate=rate,
                batch=batch,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
            return found, endpoint
        assert with_file is not None
        task = bar.add_task(f"reading {escape(with_file.name)}", total=None)
        found = run_link(
            graph,
            with_file,
            threshold,
            margin=margin,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
        return found, with_file.name
