"""The command that makes a persistent store: load."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import GraphOpt, app, err, fail
from kg.errors import KgError


@app.command(rich_help_panel="Build and check")
def load(
    store: Annotated[Path, typer.Option("--store", "-s", help="The store folder to create (replaced whole).")],
    graph: GraphOpt = Path("build"),
) -> None:
    """Bulk-load a graph directory into an on-disk Oxigraph store that opens in milliseconds.

    Then give the store folder as --graph to kg query, serve, explain and path, or to kg.open_graph.
    A load that fails or is killed leaves the previous store as it was. At the paper's size the
    in-memory default is as fast; a store pays off from about a hundred papers.

    Example:  kg load --graph corpus1000 --store corpus1000.store
    """
    from kg.sparql.ondisk import load as run_load

    try:
        with err.status("loading…") as status:
            result = run_load(graph, store, progress=lambda step: status.update(f"{step}…"))
    except KgError as exc:
        fail(exc)
    err.print(
        f"[green]loaded[/] {result.quads:,} quads from {len(result.files)} file(s) into {store} "
        f"in {result.seconds:.1f} s",
        highlight=False,
    )
