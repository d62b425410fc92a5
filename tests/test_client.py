"""Remote stores: `kg push` of the full graph into a real Oxigraph server, then `kg query --endpoint`
answers every competency question as the embedded store does (each with rows to compare), in
every format; the requests push cuts; refusals (a read-only server, one that closes early) as
one sentence. Virtuoso side by side: tests/test_virtuoso.py."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_server import free_port
from remote_stores import (
    CASES,
    answer,
    oxigraph_server,
    parsed,
    sample_graph,
    sample_rows,
    stored_rows,
    term,
)
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.errors import RemoteStoreError
from kg.link.batches import DEFAULT_BATCH, MAX_BYTES, requests
from kg.link.remote import push, remote_query
from kg.sparql.questions import questions
from kg.sparql.results import serialize
from kg.sparql.store import GraphStore

runner = CliRunner()
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def pushed(full_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on 127.0.0.1 holding the full graph, loaded by `kg push` (default batch)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        result = runner.invoke(app, ["push", "--graph", str(full_graph), "--endpoint", base + "/update"])
        assert result.exit_code == 0, result.output
        yield base


def test_literal_forms_are_normalised() -> None:
    one = {"type": "literal", "value": "2.50", "datatype": XSD + "decimal"}
    other = {"type": "typed-literal", "value": "2.5", "datatype": XSD + "decimal"}
    assert term(one) == term(other)
    assert term({"type": "literal", "value": "x"}) == term(
        {"type": "literal", "value": "x", "datatype": XSD + "string"}
    )
    assert term({"type": "literal", "value": "2"}) != term(
        {"type": "literal", "value": "2", "datatype": XSD + "integer"}
    )
    assert term({"type": "literal", "value": "1", "datatype": XSD + "nonNegativeInteger"}) == term(
        {"type": "literal", "value": "1", "datatype": XSD + "integer"}
    )
    assert term({"type": "literal", "value": "716", "datatype": XSD + "decimal"}) != term(
        {"type": "literal", "value": "716", "datatype": XSD + "integer"}
    )
    assert term({"type": "literal", "value": "a", "xml:lang": "EN"}) == term(
        {"type": "literal", "value": "a", "xml:lang": "en"}
    )


def test_push_keeps_every_named_graph_and_quad(pushed: str, full_graph: Path) -> None:
    local = GraphStore.open(full_graph)
    for query in (
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    ):
        remote = answer(remote_query(pushed + "/query", query, "json"))
        assert remote == answer(serialize(local.query(query), "json"))
        assert local.rows(query)[0]["n"] > 0


CQ = [q.name for q in questions()]


@pytest.fixture(scope="module")
def local_store(full_graph: Path) -> GraphStore:
    return GraphStore.open(full_graph)


@pytest.mark.parametrize("name", CQ)
def test_competency_question_same_through_the_endpoint(pushed: str, local_store: GraphStore, name: str) -> None:
    local = answer(serialize(local_store.query(next(q.sparql for q in questions() if q.name == name)), "json"))
    assert local, f"{name} has no answer on the embedded store: comparing it with the endpoint proves nothing"
    cli = runner.invoke(app, ["query", "--endpoint", pushed + "/query", "--format", "json", name])
    assert cli.exit_code == 0, cli.output
    assert answer(cli.stdout_bytes) == local


def test_there_are_competency_questions() -> None:
    assert CQ, "queries/cq holds no question"


@pytest.mark.parametrize(("kind", "query", "fmt"), CASES, ids=[f"{k}-{f}" for k, _, f in CASES])
def test_every_format_reads_as_the_embedded_answer(
    pushed: str, full_graph: Path, kind: str, query: str, fmt: str
) -> None:
    here = runner.invoke(app, ["query", "--graph", str(full_graph), "--format", fmt, query])
    there = runner.invoke(app, ["query", "--endpoint", pushed + "/query", "--format", fmt, query])
    assert here.exit_code == 0 and there.exit_code == 0, here.output + there.output
    expected = parsed(here.stdout_bytes, fmt, kind == "construct")
    assert expected and parsed(there.stdout_bytes, fmt, kind == "construct") == expected


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


@pytest.mark.parametrize("mode", ["update", "graph-store"])
def test_literal_forms_and_blank_nodes_arrive_as_written(tmp_path: Path, mode: str) -> None:
    """Every literal keeps its datatype and value (the files' forms, not the embedded store's),
    blank nodes arrive, and --default-graph puts the default graph's triples in a named graph."""
    folder, default = sample_graph(tmp_path / "graph", mode), f"urn:kg-test:{mode}:default"
    with oxigraph_server(tmp_path / "store") as base:
        endpoint, flags = (base + "/store", ["--graph-store"]) if mode == "graph-store" else (base + "/update", [])
        result = runner.invoke(
            app, ["push", "--graph", str(folder), "--endpoint", endpoint, "--default-graph", default, *flags]
        )
        assert result.exit_code == 0, result.output
        back = remote_query(base + "/query", "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", "json")
    assert stored_rows(back) == sample_rows(folder, default)


def test_push_with_the_graph_store_protocol(mini_graph: Path, tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as base:
        report = push(base + "/store", mini_graph, graph_store=True)
        assert report.graphs > 1 and report.requests >= report.graphs
        query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        data = json.loads(remote_query(base + "/query", query, "json"))
        assert int(data["results"]["bindings"][0]["n"]["value"]) == report.graphs - 1  # all but the default graph


@pytest.mark.parametrize("mode", ["update", "graph-store"])
def test_read_only_oxigraph_refusal_is_one_sentence(mini_graph: Path, tmp_path: Path, mode: str) -> None:
    """issue 14: the refusal of a read-only store, with its status and reason, not "Broken pipe"."""
    with oxigraph_server(tmp_path, read_only=True) as base:
        endpoint, flags = (base + "/store", ["--graph-store"]) if mode == "graph-store" else (base + "/update", [])
        result = runner.invoke(app, ["push", "--graph", str(mini_graph), "--endpoint", endpoint, *flags])
    assert result.exit_code == 1
    assert 'the store refused the write with HTTP 403 Forbidden: "The server is read-only" (nothing was written)' in (
        result.output
    )
    assert len(result.output.splitlines()) == 1 and "Broken pipe" not in result.output


def _closes_early(status: bytes, reason: bytes = b"The server is read-only") -> tuple[str, threading.Thread]:
    """A store that answers *status* and *reason* as soon as it has read the headers, then closes
    the connection unread, as a read-only or size-capped endpoint may."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with listener:
            connection, _ = listener.accept()
            with connection:
                head = b""
                while b"\r\n\r\n" not in head:
                    head += connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 "
                    + status
                    + b"\r\nContent-Type: text/plain\r\nContent-Length: "
                    + str(len(reason)).encode()
                    + b"\r\n\r\n"
                    + reason
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/update", thread


def test_push_to_a_store_that_closes_early_reports_its_refusal(tmp_path: Path) -> None:
    """Regression (issue 14): `kg push` to a read-only endpoint said "Broken pipe"."""
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "big.nt").write_text(f'<urn:kg-test:s> <urn:kg-test:p> "{"x" * 12_000_000}" .\n', encoding="utf-8")
    url, thread = _closes_early(b"403 Forbidden")
    with pytest.raises(RemoteStoreError) as refused:
        push(url, folder)  # 12 MB: far more than the socket buffers take before the server closes
    thread.join(timeout=10)
    message = str(refused.value)
    assert (
        message
        == f'{url}: the store refused the write with HTTP 403 Forbidden: "The server is read-only" (nothing was written)'
    )


def test_a_refused_default_graph_names_the_option(mini_graph: Path) -> None:
    url, thread = _closes_early(
        b"400 Bad Request",
        b"Virtuoso 37000 Error SP031: SPARQL compiler: No plain default graph specified\n\nSPARQL query:",
    )
    result = runner.invoke(app, ["push", "--graph", str(mini_graph), "--endpoint", url])
    thread.join(timeout=10)
    assert result.exit_code == 1 and "HTTP 400 Bad Request" in result.output and "SPARQL query" not in result.output
    assert "no writable default graph: give --default-graph IRI" in result.output


def _quad(s: str, o: ox.NamedNode | ox.BlankNode | ox.Literal, g: str | None = None) -> ox.Quad:
    graph = ox.NamedNode(g) if g else ox.DefaultGraph()
    subject = ox.BlankNode(s[2:]) if s.startswith("_:") else ox.NamedNode(s)
    return ox.Quad(subject, ox.NamedNode("urn:p"), o, graph)


def test_requests_fit_the_strictest_store() -> None:
    """At most *batch* triples a request; the default graph never shares a request with named
    graphs; a blank node's triples travel together, in one graph; whole decimals gain ".0" in
    updates only."""
    quads = [_quad(f"urn:s{i}", ox.Literal(str(i))) for i in range(25)]
    quads += [_quad(f"urn:t{i}", ox.Literal("x"), f"urn:g{i % 3}") for i in range(12)]
    b1, b2 = ox.BlankNode("b1"), ox.BlankNode("b2")
    quads += [_quad("urn:a", b1, "urn:g0"), _quad("_:b1", b2, "urn:g0"), _quad("_:b2", ox.Literal("deep"), "urn:g0")]
    quads += [_quad("_:b9", ox.Literal("alone"))]
    update = list(requests(quads, batch=10))
    bodies = [r.body.decode() for r in update]
    assert all(body.count(" .\n") <= 10 for body in bodies)
    assert [body.count(" .\n") for body in bodies] == [10, 10, 10, 5, 2, 3, 1]
    assert [r.default for r in update] == [True, True, False, True, False, False, True]
    assert all(("GRAPH" in body) != r.default for body, r in zip(bodies, update, strict=True))
    assert bodies[5].startswith("INSERT {\nGRAPH <urn:g0> {") and bodies[5].endswith("} WHERE {}")
    assert "_:b1" in bodies[5] and "_:b2" in bodies[5] and "INSERT DATA" not in bodies[5]
    store = list(requests(quads, batch=10, graph_store=True))
    assert {r.graph for r in store} == {ox.DefaultGraph(), *(ox.NamedNode(f"urn:g{i}") for i in range(3))}
    assert all(r.body.decode().count(" .\n") <= 10 for r in store)
    decimal = _quad("urn:s", ox.Literal("-716", datatype=ox.NamedNode(XSD + "decimal")))
    assert b'"-716.0"^^' in next(requests([decimal])).body
    assert b'"-716"^^' in next(requests([decimal], graph_store=True)).body


def test_interleaved_graphs_fill_their_requests() -> None:
    """A corpus writes each subject's default-graph and named-graph triples side by side: they
    still travel in full requests (one per graph with the Graph Store Protocol)."""
    quads = [_quad(f"urn:s{i}", ox.Literal("x"), None if i % 2 else "urn:g") for i in range(40)]
    assert [r.default for r in requests(quads, batch=10)] == [False, True, False, True]
    assert len(list(requests(quads, batch=10, graph_store=True))) == 4


def test_requests_stay_under_the_byte_cap() -> None:
    long = ox.Literal("x" * 100_000)
    sizes = [len(r.body) for r in requests([_quad(f"urn:s{i}", long) for i in range(100)], batch=1000)]
    assert len(sizes) > 1 and max(sizes) < MAX_BYTES + 200_000


def test_cli_batch_default_is_the_library_default() -> None:
    assert f"[default: {DEFAULT_BATCH}]" in runner.invoke(app, ["push", "--help"], terminal_width=200).output


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
    assert "error" in result.output and "HTTP 400" in result.output and "Traceback" not in result.output
    with pytest.raises(RemoteStoreError, match="127.0.0.1.*HTTP 404"):
        remote_query(pushed + "/no-such-endpoint", "ASK {}", "json")
