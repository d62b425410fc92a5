"""Remote stores: `kg push` of the full graph into a real Oxigraph server, then `kg query --endpoint`
answers every competency question as the embedded store does (each with rows to compare)."""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from live_server import free_port, live_process
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.errors import RemoteStoreError
from kg.link.remote import push, remote_query
from kg.sparql.questions import questions
from kg.sparql.store import GraphStore

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
runner = CliRunner()


def _oxigraph_server(tmp: Path) -> Iterator[str]:
    if not Path(OXIGRAPH).is_file():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    command = [OXIGRAPH, "serve", "--location", str(tmp), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with live_process(command, f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def pushed(full_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on 127.0.0.1 holding the full graph, loaded by `kg push`."""
    for base in _oxigraph_server(tmp_path_factory.mktemp("oxigraph")):
        result = runner.invoke(
            app, ["push", "--graph", str(full_graph), "--endpoint", base + "/update", "--batch", "2000"]
        )
        assert result.exit_code == 0, result.output
        yield base


XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + n for n in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


def _term(term: dict[str, Any]) -> tuple[str, ...]:
    """A result term in one form: numbers by value ("2.50" = "2.5"), plain literals as xsd:string,
    language tags in lower case, blank nodes all alike (their labels are each store's own)."""
    kind = term["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", term["value"])
    lang = term.get("xml:lang", "").lower()
    datatype = term.get("datatype") or ("" if lang else XSD + "string")
    value = term["value"]
    if datatype in NUMERIC:
        try:
            value = str(Decimal(value).normalize())
        except InvalidOperation:
            pass
    return ("literal", value, datatype, lang)


def _multiset(body: bytes) -> Counter[tuple[tuple[str, tuple[str, ...]], ...]] | bool:
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    return Counter(
        tuple(sorted((name, _term(term)) for name, term in row.items())) for row in data["results"]["bindings"]
    )


def test_literal_forms_are_normalised() -> None:
    one = {"type": "literal", "value": "2.50", "datatype": XSD + "decimal"}
    other = {"type": "typed-literal", "value": "2.5", "datatype": XSD + "decimal"}
    assert _term(one) == _term(other)
    assert _term({"type": "literal", "value": "x"}) == _term(
        {"type": "literal", "value": "x", "datatype": XSD + "string"}
    )
    assert _term({"type": "literal", "value": "2"}) != _term(
        {"type": "literal", "value": "2", "datatype": XSD + "integer"}
    )
    assert _term({"type": "literal", "value": "a", "xml:lang": "EN"}) == _term(
        {"type": "literal", "value": "a", "xml:lang": "en"}
    )


def test_push_keeps_every_named_graph_and_quad(pushed: str, full_graph: Path) -> None:
    local = GraphStore.open(full_graph)
    for query in (
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    ):
        remote = json.loads(remote_query(pushed + "/query", query, "json"))
        assert int(remote["results"]["bindings"][0]["n"]["value"]) == local.rows(query)[0]["n"] > 0


CQ = [q.name for q in questions()]


@pytest.fixture(scope="module")
def local_store(full_graph: Path) -> GraphStore:
    return GraphStore.open(full_graph)


@pytest.mark.parametrize("name", CQ)
def test_competency_question_same_through_the_endpoint(pushed: str, local_store: GraphStore, name: str) -> None:
    from kg.sparql.results import serialize

    local = _multiset(serialize(local_store.query(next(q.sparql for q in questions() if q.name == name)), "json"))
    assert local, f"{name} has no answer on the embedded store: comparing it with the endpoint proves nothing"
    cli = runner.invoke(app, ["query", "--endpoint", pushed + "/query", "--format", "json", name])
    assert cli.exit_code == 0, cli.output
    assert _multiset(cli.stdout_bytes) == local


def test_there_are_competency_questions() -> None:
    assert CQ, "queries/cq holds no question"


def test_query_endpoint_table_and_csv(pushed: str) -> None:
    table = runner.invoke(
        app,
        [
            "query",
            "--endpoint",
            pushed + "/query",
            "SELECT ?s WHERE { ?s a <https://w3id.org/mxjp-talent/ontology#Country> } ORDER BY ?s",
        ],
    )
    assert table.exit_code == 0, table.output
    assert "res:japan" in table.stdout and "row" in table.stdout
    csv = remote_query(pushed + "/query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "csv").decode()
    assert csv.splitlines()[0] == "s" and len(csv.splitlines()) == 4
    turtle = remote_query(pushed + "/query", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", "turtle")
    assert turtle.strip()


def test_push_with_the_graph_store_protocol(mini_graph: Path, tmp_path: Path) -> None:
    for base in _oxigraph_server(tmp_path):
        report = push(base + "/store", mini_graph, graph_store=True)
        assert report.graphs > 1 and report.requests == report.graphs
        data = json.loads(
            remote_query(base + "/query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "json")
        )
        assert int(data["results"]["bindings"][0]["n"]["value"]) == report.graphs - 1  # all but the default graph


def test_connection_refused_is_a_clear_error(mini_graph: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/update"
    result = runner.invoke(app, ["push", "--graph", str(mini_graph), "--endpoint", url])
    assert result.exit_code == 1
    assert "cannot connect" in result.output and "Traceback" not in result.output
    with pytest.raises(RemoteStoreError, match="cannot connect"):
        remote_query(url, "ASK {}", "json")


def test_http_error_is_a_clear_error(pushed: str) -> None:
    result = runner.invoke(
        app, ["query", "--endpoint", pushed + "/query", "--format", "json", "SELECT * WHERE { ?s ?p"]
    )
    assert result.exit_code == 1
    assert "error" in result.output and "Traceback" not in result.output
    with pytest.raises(RemoteStoreError, match="127.0.0.1"):
        remote_query(pushed + "/no-such-endpoint", "ASK {}", "json")
