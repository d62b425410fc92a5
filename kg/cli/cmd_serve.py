"""The command that serves the graph: serve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import GraphOpt, app, err, fail
from kg.errors import KgError


@app.command(rich_help_panel="Serve and share")
def serve(
    graph: GraphOpt = Path("build"),
    host: Annotated[
        str, typer.Option(help="Address to bind; 127.0.0.1 keeps the endpoint on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped (HTTP 503).")] = 5.0,
    cors: Annotated[str | None, typer.Option(help="Allow this browser origin to query (CORS); off by default.")] = None,
    workers: Annotated[int, typer.Option(help="Query worker processes (each holds the graph).")] = 2,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes (HTTP 413 beyond).")] = 1_000_000,
    max_result: Annotated[int, typer.Option(help="Largest answer in bytes (HTTP 507 beyond).")] = 50_000_000,
) -> None:
    """Serve the graph read-only: SPARQL 1.1 Protocol at /sparql, a query page at /, resource
    pages at /resource/..., the graph page at /graph. Updates and SERVICE are refused; a query is
    stopped at the time limit; nothing is fetched from the web.

    Example:  kg serve --graph build --port 8000   then open http://127.0.0.1:8000/
    """
    from kg.errors import UsageError
    from kg.serve.endpoint import Settings
    from kg.serve.endpoint import serve as run_server
    from kg.sparql.store import graph_files

    if workers < 1 or timeout <= 0 or max_body < 1 or max_result < 1:
        fail(UsageError("--workers, --timeout, --max-body and --max-result must be positive"))
    settings = Settings(
        graph, timeout=timeout, workers=workers, max_body_bytes=max_body, max_result_bytes=max_result, cors_origin=cors
    )
    try:
        graph_files(graph)
        err.print(
            f"serving {graph} at http://{host}:{port}/ (SPARQL at /sparql); Ctrl+C stops",
            highlight=False,
            soft_wrap=True,
        )
        run_server(settings, host=host, port=port)
    except KgError as exc:
        fail(exc)
