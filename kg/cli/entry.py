"""The `kg` console script: `kg query` takes a fast path that loads no CLI framework (typer
pulls in pydantic, which alone costs more than importing rdflib); everything else, and any
`--help`, goes to the full command line in :mod:`kg.cli.commands`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class _Fallback(Exception):
    """The fast parser cannot handle these arguments: let the full command line answer."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Fallback(message)


def _fast_query(argv: list[str]) -> int:
    parser = _Parser(prog="kg query", add_help=False)
    parser.add_argument("query")
    parser.add_argument("--graph", "-g", type=Path, default=Path("build"))
    parser.add_argument("--format", "-f", dest="fmt", default="table")
    parser.add_argument("--endpoint", default=None)
    args = parser.parse_args(argv)
    from kg.cli.query import run_query
    from kg.errors import KgError

    try:
        run_query(args.query, args.graph, args.fmt, args.endpoint)
    except KgError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    return 0


def main() -> None:
    """Run `kg`; see ``kg --help``."""
    argv = sys.argv[1:]
    if argv[:1] == ["query"] and not {"-h", "--help"} & set(argv):
        try:
            sys.exit(_fast_query(argv[1:]))
        except _Fallback:
            pass
    from kg.cli.commands import run

    run()
