"""The ``kg`` Typer application, its consoles and shared options; commands register on :data:`app`.

Two promises hold for everything the command line prints:

- data is never read as markup or emoji: :data:`out` and :data:`err` are consoles without emoji
  codes, :data:`out` without markup, and messages that quote data go through :func:`say` (plain
  text, an optional styled lead word) rather than markup strings;
- help reads as prose: a docstring's lines are joined into paragraphs that wrap at the
  terminal's width (a line indented in the docstring, such as an example command, keeps its own
  line), and flags show no value type (``--force``, not ``--force <bool>``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from kg import __version__
from kg.errors import KgError


def reflow(text: str | None) -> str | None:
    """A docstring as help text: the lines of each paragraph joined into one, which the terminal
    wraps; a line indented in the docstring (an example command) keeps its own line. Square
    brackets are escaped, since the help is rendered as rich markup.

    >>> reflow("Build the graph:\\n    facts and [index].\\n\\n    Example:\\n      kg build")
    'Build the graph: facts and \\\\[index].\\n\\nExample:\\n  kg build'
    """
    if not text:
        return text
    import inspect

    paragraphs = []
    for block in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        lines: list[str] = []
        prose: list[str] = []
        for line in block.split("\n"):
            if line.startswith((" ", "\t")):
                lines += [" ".join(prose)] if prose else []
                prose = []
                lines.append(line.rstrip())
            else:
                prose.append(line.strip())
        lines += [" ".join(prose)] if prose else []
        paragraphs.append(escape("\n".join(lines)))
    return "\n\n".join(paragraphs)


def _flags_without_types(params: list[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""


class Command(TyperCommand):
    """A command whose help is reflowed prose and whose flags show no value type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["help"] = reflow(kwargs.get("help"))
        super().__init__(*args, **kwargs)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _flags_without_types(params)
        return params


class Group(TyperGroup):
    """The ``kg`` group, with the same help conventions as :class:`Command`."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _flags_without_types(params)
        return params


class _Typer(typer.Typer):
    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or Command, **kwargs)


app = _Typer(
    name="kg",
    cls=Group,
    help=(
        "A knowledge graph of the paper 'Talent Migration as a Development Strategy: Mexico-Japan' "
        "(Problemas del Desarrollo 48(190), 2017): build it, query it in SPARQL, validate it.\n\n"
        "Example:\n  kg build && kg query --graph build cq01-japanese-patent-companies"
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
GraphOrStoreOpt = Annotated[
    Path,
    typer.Option("--graph", "-g", help="A graph directory (e.g. the output of `kg build`) or a `kg load` store."),
]
GraphOpt = Annotated[
    Path,
    typer.Option("--graph", "-g", help="Directory of RDF files (.ttl .trig .nt .nq), e.g. the output of `kg build`."),
]


def say(message: str, lead: str = "", style: str = "") -> None:
    """Print *message* on standard error as plain text (never markup, never emoji), after an
    optional *lead* word in *style*: ``say("build: 3 triples", "built", "green")``."""
    text = Text.assemble((lead, style), " " if lead else "", message)
    err.print(text, highlight=False, soft_wrap=True)


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
    say(str(exc), "error:", "bold red")
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
