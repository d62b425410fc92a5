"""The ``kg`` Typer application, its consoles and shared options; commands register on :data:`app`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from kg import __version__
from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help=(
        "A knowledge graph of the paper 'Talent Migration as a Development Strategy: Mexico-Japan' "
        "(Problemas del Desarrollo 48(190), 2017): build it, query it in SPARQL, validate it.\n\n"
        "Example:  kg build && kg query --graph build cq01-japanese-patent-companies"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, emoji=False)  # messages quote data: never read :codes: as emoji
out = Console(markup=False, emoji=False, highlight=False)  # tables and reports print data: never markup or emoji

PaperOpt = Annotated[
    Path | None,
    typer.Option(
        "--paper",
        help="The paper's text, to check and quote evidence spans (default: $KG_PAPER, or ../shared/paper/ when present).",
    ),
]
DataOpt = Annotated[
    Path | None, typer.Option("--data", help="Directory of curated YAML files (default: the shipped loaders/data).")
]
GraphOpt = Annotated[
    Path,
    typer.Option("--graph", "-g", help="Directory of RDF files (.ttl .trig .nt .nq), e.g. the output of `kg build`."),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Entry point; see the commands below."""


def fail(exc: KgError) -> NoReturn:
    """Print *exc* as one line on standard error and exit with its code."""
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def emit(text: str, out_file: Path | None) -> None:
    """Write *text* to standard output, or to *out_file* in one step (no partial file on failure)."""
    if out_file is None:
        sys.stdout.write(text)
        return
    from kg.atomic import write_text

    try:
        write_text(out_file, text)
    except OSError as exc:
        fail(KgError(f"{out_file}: cannot write: {exc.strerror or exc}"))
