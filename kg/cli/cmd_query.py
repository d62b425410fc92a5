"""Commands that ask the graph: query, questions, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.app import GraphOpt, app, fail, out
from kg.errors import KgError


@app.command(rich_help_panel="Ask")
def query(
    sparql: Annotated[
        str,
        typer.Argument(
            metavar="QUERY", help="SPARQL text, a .rq file, or a competency question's name (see `kg questions`)."
        ),
    ],
    graph: GraphOpt = Path("build"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table, csv, tsv, json or xml (CONSTRUCT/DESCRIBE: turtle, ntriples, jsonld)."
        ),
    ] = "table",
    endpoint: Annotated[str | None, typer.Option(help="Query a remote SPARQL endpoint URL instead of --graph.")] = None,
) -> None:
    """Run a SPARQL query on the graph and print the answer.

    The project's prefixes (mx:, res:, rdfs:, skos: and the other vocabularies the ontology reuses)
    need no PREFIX line. CSV and TSV follow the W3C SPARQL 1.1 results formats.

    Example:
        kg query --graph build --format csv "SELECT ?c WHERE { ?c a mx:Company }"
    """
    from kg.cli.query import run_query

    try:
        run_query(sparql, graph, fmt, endpoint)
    except KgError as exc:
        fail(exc)


@app.command(rich_help_panel="Ask")
def questions() -> None:
    """List the competency questions by name, with the question each answers.

    Example:
        kg questions
        kg query cq01-japanese-patent-companies
    """
    from kg.sparql.questions import questions as all_questions

    table = Table("name", "question")
    for q in all_questions():
        table.add_row(q.name, q.question)
    out.print(table)


@app.command(rich_help_panel="Ask")
def stats(graph: GraphOpt = Path("build")) -> None:
    """Count instances per class and triples per property.

    Example:
        kg stats --graph build
    """
    from kg.paths import read_query
    from kg.sparql.results import short
    from kg.sparql.store import GraphStore

    try:
        store = GraphStore.open(graph)
    except KgError as exc:
        fail(exc)
    for title, name in (
        ("instances per class", "instances-per-class"),
        ("triples per property", "triples-per-property"),
    ):
        table = Table(title.split(" per ")[1], "count", title=title)
        for sol in store.query(read_query(f"reports/{name}")):
            table.add_row(short(sol[0]), sol[1].value)
        out.print(table)
    out.print(f"{len(store)} quads in {graph}")
