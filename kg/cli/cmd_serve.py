"""The command that serves the graph: serve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import GraphOpt, app, fail, say
from kg.errors import KgError


@app.command(rich_help_panel="Serve and share")
def serve(
    graph: GraphOpt = Path("build"),
    host: Annotated[
        str, typer.Option(help="Address to bind; 127.0.0.1 keeps the endpoint on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    paper: Annotated[
        Path | None,
        typer.Option(
            "--paper",
            help="Your copy of the paper: resource pages then quote its words as evidence "
            "(default: $KG_PAPER; read at start, never stored).",
        ),
    ] = None,
    access_log: Annotated[
        Path | None,
        typer.Option("--access-log", help="Append one line per request to this file, in the Common Log Format."),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped (HTTP 503).")] = 5.0,
    cors: Annotated[str | None, typer.Option(help="Allow this browser origin to query (CORS); off by default.")] = None,
    workers: Annotated[int, typer.Option(help="Query worker processes (each holds the graph).")] = 2,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes (HTTP 413 beyond).")] = 1_000_000,
    max_result: Annotated[int, typer.Option(help="Largest answer in bytes (HTTP 507 beyond).")] = 50_000_000,
) -> None:
    """Serve the graph read-only: a SPARQL 1.1 endpoint at /sparql, a query editor at /, a page
    for every resource at /resource/…, the graph page at /graph and the ontology at /docs.

    Updates and SERVICE are refused, a query is stopped at the time limit, and nothing is
    fetched from the web. A port already in use is an error before anything is served.

    Example:  kg serve --graph build --paper ../shared/paper/000_706023067e5b10b8.txt  then open http://127.0.0.1:8000/
    """
    import os

    from kg.errors import UsageError
    from kg.explore.explain import load_paper_text
    from kg.serve.endpoint import Settings
    from kg.serve.server import serve as run_server

    if workers < 1 or timeout <= 0 or max_body < 1 or max_result < 1:
        fail(UsageError("--workers, --timeout, --max-body and --max-result must be positive"))
    try:
        given = paper or (Path(os.environ["KG_PAPER"]) if os.environ.get("KG_PAPER") else None)
        paper_text = load_paper_text(given) if given is not None else None
        settings = Settings(
            graph,
            timeout=timeout,
            workers=workers,
            max_body_bytes=max_body,
            max_result_bytes=max_result,
            cors_origin=cors,
            paper_text=paper_text,
        )
        quoting = "quoting the paper" if paper_text is not None else "evidence as offsets (no --paper)"
        run_server(
            settings,
            host=host,
            port=port,
            access_log=access_log,
            ready=lambda url: say(f"serving {graph} at {url} (SPARQL at /sparql; {quoting}); Ctrl+C stops"),
        )
    except KgError as exc:
        fail(exc)
