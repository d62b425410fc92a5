"""The read-only guard (kg/sparql/guard.py): what the lexical scan finds in a query, and every way
into the project refusing a SPARQL update with the same sentence.

Runs in process and fast: `mutmut run "kg.sparql.guard*"` uses it (docs/testing.md).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import kg
from kg.cli.commands import app
from kg.cli.query import run_query
from kg.errors import EndpointError, QueryError
from kg.serve.jobs import Context
from kg.serve.jobs import run_query as endpoint_query
from kg.sparql.guard import READ_ONLY, scan, tokens
from kg.sparql.store import GraphStore

# --- tokens ----------------------------------------------------------------------------------


def test_tokens_drop_whitespace_and_comments_and_name_each_kind() -> None:
    text = "PREFIX e: <http://e/>\n# SERVICE in a comment\nSELECT ?x $y { ?x e:p 'a' , \"b\" , 1 }"
    assert tokens(text) == [
        ("name", "PREFIX"),
        ("name", "e:"),
        ("iri", "<http://e/>"),
        ("name", "SELECT"),
        ("var", "?x"),
        ("var", "$y"),
        ("other", "{"),
        ("var", "?x"),
        ("name", "e:p"),
        ("string", "'a'"),
        ("other", ","),
        ("string", '"b"'),
        ("other", ","),
        ("name", "1"),
        ("other", "}"),
    ]


def test_tokens_keep_long_strings_whole() -> None:
    assert tokens("ASK { ?s ?p '''a\nSERVICE 'b' ''' }")[4] == ("string", "'''a\nSERVICE 'b' '''")


# --- updates ---------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "delete where { ?s ?p ?o }",
    "LOAD <http://e/x>",
    "CLEAR ALL",
    "DROP GRAPH <http://e/g>",
    "CREATE GRAPH <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "MOVE DEFAULT TO <http://e/g>",
    "COPY DEFAULT TO <http://e/g>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c }",
    "BASE <http://e/> INSERT DATA { <a> <b> <c> }",
    "BASE <http://e/> PREFIX e: <x/> PREFIX f: <y/> DELETE DATA { e:a f:b e:c }",
    "# a comment first\nCLEAR DEFAULT",
]


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_found(text: str) -> None:
    assert scan(text).update


QUERIES = [
    "SELECT * WHERE { ?s ?p ?o }",
    "ASK { ?s ?p 'INSERT' }",
    "CONSTRUCT WHERE { ?s <http://e/DELETE> ?o }",
    "DESCRIBE <http://e/CLEAR>",
    "PREFIX insert: <http://e/> SELECT * { ?s insert:x ?o }",
    "SELECT ?insert WHERE { ?insert ?p ?o }",
    "ASK { ?s ?p ?o FILTER(?o = 1) } # DELETE everything",
    "SELECT * { ?s ?p ?o } LIMIT 1 # then: INSERT",
    "SELECT * WHERE { ?s ?p ?o . ?o ?q DELETE }",  # not SPARQL, but not an update either: the first keyword decides
    "BASE <http://e/> PREFIX load: <x> SELECT * {}",
    "",
]


@pytest.mark.parametrize("text", QUERIES)
def test_queries_are_not_updates(text: str) -> None:
    assert not scan(text).update


# --- SERVICE ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }", True),
        ("select * { service silent <http://x/sparql> { ?s ?p ?o } }", True),
        ("PREFIX e: <http://e/> SELECT * { ?s ?p ?o . SERVICE e:x { ?s ?p ?o } }", True),
        ('SELECT * { ?s ?p "SERVICE <http://x>" }', False),
        ("SELECT * { ?s <http://e/SERVICE> ?o }", False),
        ("SELECT ?service { ?service ?p ?o } # SERVICE", False),
        ("PREFIX s: <http://e/> SELECT * { ?x s:SERVICE ?y }", False),
    ],
)
def test_service_is_found_only_as_a_keyword(text: str, service: bool) -> None:
    assert scan(text).service is service


# --- FROM and FROM NAMED ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "base", "graphs"),
    [
        ("SELECT * FROM <http://g/1> FROM NAMED <http://g/2> {}", "", ["http://g/1", "http://g/2"]),
        ("select * from named <http://g/2> {}", "", ["http://g/2"]),
        ("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED g:b {}", "", ["http://g/a", "http://g/b"]),
        ("PREFIX : <http://g/> SELECT * FROM :a {}", "", ["http://g/a"]),
        ("PREFIX g: <http://g/> SELECT * FROM g:a\\.b {}", "", ["http://g/a.b"]),
        ("PREFIX g: <http://g/> SELECT * FROM g:a:b {}", "", ["http://g/a:b"]),
        ("PREFIX gX: <http://g/> SELECT * FROM gX:a {}", "", ["http://g/a"]),
        ("SELECT * FROM <../up> {}", "", ["../up"]),  # no base at all: kept as written
        ("SELECT * FROM <rel> {}", "", ["rel"]),
        ("SELECT * FROM <rel> {}", "http://h/dir/", ["http://h/dir/rel"]),
        ("BASE <http://b/x/> SELECT * FROM <g> {}", "", ["http://b/x/g"]),
        ("BASE <sub/> SELECT * FROM <g> {}", "http://h/root/", ["http://h/root/sub/g"]),
        ("BASE <http://b/> PREFIX g: <rel/> SELECT * FROM g:x {}", "", ["http://b/rel/x"]),
        ("PREFIX g: <http://g/> SELECT * FROM u:a FROM ?v FROM {}", "", []),
        ("SELECT * FROM", "", []),
        ("SELECT * FROM NAMED", "", []),
        ('SELECT * { ?s ?p "FROM <http://x>" }', "", []),
    ],
)
def test_from_graphs_are_resolved(text: str, base: str, graphs: list[str]) -> None:
    assert scan(text, base).from_graphs == graphs


@pytest.mark.parametrize("text", ["BASE", "PREFIX", "PREFIX e:", "BASE PREFIX e: <http://e/>", "PREFIX <http://e/>"])
def test_truncated_prologues_do_not_crash_the_scan(text: str) -> None:
    found = scan(text)
    assert not found.update and not found.service and found.from_graphs == []


def test_without_a_base_a_relative_graph_is_kept_as_written() -> None:
    assert scan("SELECT * FROM <../up> FROM <x> {}").from_graphs == ["../up", "x"]


def test_a_prologue_is_not_the_first_keyword() -> None:
    """BASE and PREFIX are skipped with their arguments: the keyword after them decides."""
    assert scan("BASE <http://e/> PREFIX a: <http://a/> INSERT DATA { a:x a:y a:z }").update
    assert not scan("BASE <http://e/> PREFIX a: <http://a/> SELECT * {}").update
    assert scan("PREFIX a: <http://a/> BASE <http://e/> LOAD <x>").update


# --- every way in refuses an update with the same sentence -----------------------------------


@pytest.fixture
def store() -> GraphStore:
    return GraphStore.from_rdf("<http://e/a> <http://e/p> <http://e/b> .", ox.RdfFormat.N_TRIPLES)


@pytest.mark.parametrize("update", UPDATES)
def test_the_store_refuses_updates_and_changes_nothing(update: str, store: GraphStore) -> None:
    with pytest.raises(QueryError) as caught:
        store.query(update)
    assert str(caught.value) == READ_ONLY
    assert len(store) == 1


def test_rows_and_the_python_api_refuse_updates(store: GraphStore) -> None:
    for call in (lambda: store.rows("CLEAR ALL"), lambda: list(store.iter_rows("CLEAR ALL"))):
        with pytest.raises(QueryError, match="read-only: SPARQL updates are refused"):
            call()
    with pytest.raises(QueryError) as caught:
        kg.query(store, "DELETE WHERE { ?s ?p ?o }")
    assert str(caught.value) == READ_ONLY
    assert len(store) == 1


def test_malformed_query_is_not_called_an_update(store: GraphStore) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL") as caught:
        store.query("SELECT ?s WHERE {")
    assert READ_ONLY not in str(caught.value)


def test_kg_query_refuses_before_reading_the_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(QueryError) as caught:
        run_query("CLEAR ALL", tmp_path / "no-such-graph")
    assert str(caught.value) == READ_ONLY
    assert capsys.readouterr().out == ""


def test_kg_query_refuses_with_exit_status_1(tmp_path: Path) -> None:
    graph = tmp_path / "g"
    graph.mkdir()
    (graph / "data.nt").write_text("<http://e/a> <http://e/p> <http://e/b> .\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["query", "--graph", str(graph), "DROP ALL"])
    assert result.exit_code == 1
    assert READ_ONLY in result.stderr and result.stdout == ""


def test_the_endpoint_job_refuses_with_403_and_the_same_sentence(store: GraphStore) -> None:
    context = Context(store.store, 10_000)
    for update in ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "CLEAR ALL"):
        with pytest.raises(EndpointError) as caught:
            endpoint_query(context, update)
        assert caught.value.status == 403
        assert str(caught.value).startswith(READ_ONLY)
    assert len(store) == 1


def test_name_characters_are_sparqls_over_all_of_unicode() -> None:
    """The fast-compiling alternations of the scanner match exactly the code points of the classes
    they stand for (a name, a local part of a prefixed name), so no token changes kind."""
    import re
    import sys

    from kg.sparql import guard

    pairs = [
        (guard._NAME_START, r"[\w\u00b7-\U000effff]"),
        (guard._NAME_CHAR, r"[\w\u00b7-\U000effff.\-]"),
        (guard._LOCAL_CHAR, r"[\w\u00b7-\U000effff.\-:%\\]"),
    ]
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for fast, spelled in pairs:
        assert re.sub(fast, "", every) == re.sub(spelled, "", every), f"{fast} is not {spelled}"
