"""What `kg query` does, free of the CLI library so that the query path starts fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld")


def run_query(sparql: str, graph: Path, fmt: str = "table", endpoint: str | None = None) -> None:
    """Resolve *sparql* (text, ``.rq`` path or question name), run it and print the answer.

    Raises :class:`kg.errors.KgError` subclasses; the caller prints them.
    """
    from kg.errors import QueryError, UsageError
    from kg.sparql.guard import READ_ONLY, scan
    from kg.sparql.questions import resolve

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: choose {', '.join(FORMATS)}")
    text = resolve(sparql)
    if scan(text).update:  # refused before anything runs, a remote endpoint included (`kg push` writes)
        raise QueryError(READ_ONLY)
    if endpoint:
        from kg.link.remote import remote_query

        sys.stdout.buffer.write(remote_query(endpoint, text, fmt))
        return
    from kg.sparql.store import GraphStore

    print_result(GraphStore.open(graph).query(text), fmt)


def print_result(result: Any, fmt: str) -> None:
    """Write a pyoxigraph result to stdout in *fmt* (a rich table for ``table``)."""
    import pyoxigraph as ox

    from kg.errors import UsageError
    from kg.sparql.results import GRAPH_FORMATS, RESULT_FORMATS, serialize, short

    if isinstance(result, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS and fmt != "table":
            raise UsageError(
                f"--format {fmt!r}: a CONSTRUCT or DESCRIBE answer is written as turtle, ntriples or jsonld"
            )
        sys.stdout.buffer.write(serialize(result, "turtle" if fmt == "table" else fmt))
        return
    if fmt != "table":
        if fmt not in RESULT_FORMATS:
            raise UsageError(f"--format {fmt!r}: a SELECT or ASK answer is written as table, csv, tsv, json or xml")
        sys.stdout.buffer.write(serialize(result, fmt))
        return
    from rich.console import Console
    from rich.table import Table

    out, err = Console(markup=False, emoji=False, highlight=False), Console(stderr=True, emoji=False)
    if isinstance(result, ox.QueryBoolean):
        out.print("yes" if bool(result) else "no")
        return
    table = Table(show_lines=False)
    names = [v.value for v in result.variables]
    for name in names:
        table.add_column(name, overflow="fold")
    count = 0
    for solution in result:
        table.add_row(*(short(solution[n]) for n in names))
        count += 1
    out.print(table)
    err.print(f"{count} row(s)")
