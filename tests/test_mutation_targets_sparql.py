"""The competency-question runner: the embedded store (kg/sparql/store.py: graph directories, the
build's checksums, rows and Python values) and the questions (kg/sparql/questions.py: names,
resolution, comparing an answer with its expected rows).

Runs in process on small graphs written here: `mutmut run "kg.sparql.store*"` and
`mutmut run "kg.sparql.questions*"` use it (docs/testing.md).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import GraphDirError, QueryError
from kg.sparql import questions as questions_module
from kg.sparql.questions import answers_agree, ordered, question, questions, resolve
from kg.sparql.store import GraphStore, graph_files, to_python

XSD = "http://www.w3.org/2001/XMLSchema#"
TRIPLE = "<http://e/a> <http://e/p> <http://e/b> .\n"
QUAD = "<http://e/c> <http://e/p> <http://e/d> <http://e/g> .\n"


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    out = tmp_path / "graph"
    out.mkdir(exist_ok=True)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    return out


def manifest(graph: Path, files: dict[str, str]) -> None:
    (graph / "reports").mkdir(exist_ok=True)
    (graph / "reports" / "build.json").write_text(json.dumps({"files": files}), encoding="utf-8")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- graph directories -------------------------------------------------------------------------


def test_graph_files_in_name_order_without_flattened_copies(tmp_path: Path) -> None:
    graph = folder(
        tmp_path,
        {
            "b.nt": TRIPLE,
            "a.nq": QUAD,
            "data.trig": "",
            "data.ttl": "",
            "other.ttl": "",
            "notes.txt": "x",
            "c.json": "{}",
        },
    )
    assert [p.name for p in graph_files(graph)] == ["a.nq", "b.nt", "data.trig", "other.ttl"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, r"holds no RDF file \(\.ttl, \.trig, \.nt, \.nq\)"),
        ({"readme.txt": "x"}, "holds no RDF file"),
        ({"sub.ttl/x.nt": TRIPLE}, "sub.ttl: not a regular file"),
    ],
)
def test_graph_files_refuses_a_folder_without_data(tmp_path: Path, files: dict[str, str], message: str) -> None:
    graph = folder(tmp_path, files)
    with pytest.raises(GraphDirError, match=message):
        graph_files(graph)


def test_graph_files_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(GraphDirError, match="nowhere: not a directory"):
        graph_files(tmp_path / "nowhere")


def test_a_build_manifest_is_checked(tmp_path: Path) -> None:
    graph = folder(tmp_path, {"data.nt": TRIPLE, "graph.html": "<html>"})
    manifest(graph, {"data.nt": sha(graph / "data.nt"), "graph.html": "0" * 64, "reports/x.nt": "0" * 64})
    assert [p.name for p in graph_files(graph)] == ["data.nt"]  # html and files under reports/ are not RDF data
    (graph / "data.nt").write_text(TRIPLE + TRIPLE.replace("/b>", "/c>"), encoding="utf-8")
    with pytest.raises(GraphDirError, match=r"data.nt: differs from the checksum in .*build.json"):
        GraphStore.open(graph)


def test_a_file_listed_in_the_manifest_must_exist(tmp_path: Path) -> None:
    graph = folder(tmp_path, {"data.nt": TRIPLE})
    manifest(graph, {"data.nt": sha(graph / "data.nt"), "gone.ttl": "0" * 64})
    with pytest.raises(GraphDirError, match=r"gone.ttl: missing, but listed in .*build.json"):
        graph_files(graph)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("{ not json", "JSONDecodeError"),
        ("[]", "TypeError"),
        ('{"files": []}', "AttributeError"),
        ('{"nofiles": {}}', "KeyError"),
        ("\udcff", "UnicodeDecodeError"),
    ],
)
def test_an_unreadable_manifest_is_reported(tmp_path: Path, body: str, why: str) -> None:
    graph = folder(tmp_path, {"data.nt": TRIPLE})
    (graph / "reports").mkdir()
    (graph / "reports" / "build.json").write_bytes(body.encode("utf-8", "surrogateescape"))
    with pytest.raises(GraphDirError, match=rf"build.json: unreadable build manifest \({why}: "):
        graph_files(graph)


def test_every_listed_data_file_is_checked_after_the_skipped_ones(tmp_path: Path) -> None:
    graph = folder(tmp_path, {"data.nt": TRIPLE, "graph.html": "<html>"})
    manifest(graph, {"graph.html": "0" * 64, "reports/x.nt": "0" * 64, "data.nt": "0" * 64})
    with pytest.raises(GraphDirError, match="data.nt: differs from the checksum"):
        graph_files(graph)


def test_open_loads_triples_into_the_default_graph_and_quads_into_theirs(tmp_path: Path) -> None:
    graph = folder(tmp_path, {"t.nt": TRIPLE, "q.nq": QUAD, "x.trig": "<http://e/g2> { <http://e/x> <http://e/p> 1 }"})
    store = GraphStore.open(graph)
    assert store.source == str(graph)
    assert len(store) == 3
    in_graphs = store.rows("SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert in_graphs == [{"g": "http://e/g", "s": "http://e/c"}, {"g": "http://e/g2", "s": "http://e/x"}]
    everything = store.rows("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")  # the union: default and named
    assert [r["s"] for r in everything] == ["http://e/a", "http://e/c", "http://e/x"]


@pytest.mark.parametrize(("name", "kind"), [("bad.ttl", "TTL"), ("bad.nq", "NQ"), ("bad.trig", "TRIG")])
def test_open_names_the_file_that_does_not_parse(tmp_path: Path, name: str, kind: str) -> None:
    graph = folder(tmp_path, {"ok.nt": TRIPLE, name: "<http://e/a> <http://e/p> ."})
    with pytest.raises(GraphDirError, match=rf"{name}: not valid {kind}: "):
        GraphStore.open(graph)


# --- queries and rows --------------------------------------------------------------------------


@pytest.fixture
def store() -> GraphStore:
    data = (
        "<http://e/a> <http://e/n> 7 ; <http://e/d> 2.50 ; <http://e/f> 1.5e0 ; <http://e/ok> true ; <http://e/no> false ;"
        ' <http://e/l> "hola"@es ; <http://e/s> "plain" ; <http://e/k> <http://e/b> ; <http://e/blank> [] .'
    )
    return GraphStore.from_rdf(data, ox.RdfFormat.TURTLE)


def test_rows_are_python_values_and_unbound_variables_are_left_out(store: GraphStore) -> None:
    rows = store.rows("SELECT ?p ?o ?none WHERE { <http://e/a> ?p ?o FILTER(?p != <http://e/blank>) } ORDER BY ?p")
    assert rows == [
        {"p": "http://e/d", "o": Decimal("2.50")},
        {"p": "http://e/f", "o": 1.5},
        {"p": "http://e/k", "o": "http://e/b"},
        {"p": "http://e/l", "o": "hola"},
        {"p": "http://e/n", "o": 7},
        {"p": "http://e/no", "o": False},
        {"p": "http://e/ok", "o": True},
        {"p": "http://e/s", "o": "plain"},
    ]
    assert list(store.iter_rows("SELECT ?p ?o ?none WHERE { <http://e/a> ?p ?o } ORDER BY ?p")) == store.rows(
        "SELECT ?p ?o ?none WHERE { <http://e/a> ?p ?o } ORDER BY ?p"
    )
    blank = store.rows("SELECT ?o WHERE { <http://e/a> <http://e/blank> ?o }")[0]["o"]
    assert blank.startswith("_:") and len(blank) > 2


@pytest.mark.parametrize(
    ("lexical", "datatype", "value"),
    [
        ("12", "integer", 12),
        ("12", "int", 12),
        ("12", "long", 12),
        ("12", "short", 12),
        ("12", "nonNegativeInteger", 12),
        ("12", "positiveInteger", 12),
        ("0.10", "decimal", Decimal("0.10")),
        ("2.5", "double", 2.5),
        ("2.5", "float", 2.5),
        ("true", "boolean", True),
        ("false", "boolean", False),
        ("2012", "gYear", "2012"),
        ("twelve", "integer", "twelve"),
        ("abc", "decimal", "abc"),
        ("x", "double", "x"),
    ],
)
def test_to_python_by_datatype(lexical: str, datatype: str, value: object) -> None:
    got = to_python(ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype)))
    assert got == value and type(got) is type(value)


def test_to_python_of_other_terms() -> None:
    assert to_python(ox.Literal("12", datatype=ox.NamedNode("http://e/integer"))) == "12"  # not XSD's
    assert to_python(ox.Literal("hola", language="es")) == "hola"
    assert to_python(ox.NamedNode("http://e/x")) == "http://e/x"
    assert to_python(ox.BlankNode("b1")) == "_:b1"
    triple = ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o"))
    assert to_python(triple) == str(triple)


def test_bindings_become_terms(store: GraphStore) -> None:
    query = "SELECT ?v (DATATYPE(?v) AS ?t) (isIRI(?v) AS ?iri) WHERE {}"
    cases = [
        (ox.NamedNode("http://e/x"), {"v": "http://e/x", "iri": False}),
        (True, {"v": True, "t": XSD + "boolean", "iri": False}),
        (False, {"v": False, "t": XSD + "boolean", "iri": False}),
        (42, {"v": 42, "t": XSD + "integer", "iri": False}),
        ("text", {"v": "text", "t": XSD + "string", "iri": False}),
        (Decimal("1.5"), {"v": "1.5", "t": XSD + "string", "iri": False}),
    ]
    for value, expected in cases:
        (row,) = store.rows(query, {"v": value})
        if isinstance(value, ox.NamedNode):
            assert row["v"] == "http://e/x" and row["iri"] is True
        else:
            assert row == expected, value
    assert store.rows("SELECT ?p ?o WHERE { <http://e/a> ?p ?o }", {"p": ox.NamedNode("http://e/n")}) == [
        {"p": "http://e/n", "o": 7}
    ]


def test_query_errors(store: GraphStore) -> None:
    with pytest.raises(QueryError, match="^malformed SPARQL: "):
        store.query("SELECT ?s WHERE {")
    with pytest.raises(QueryError, match=r"^rows\(\) needs a SELECT query$"):
        store.rows("ASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="^query failed: .*projection"):  # a binding for a variable not selected
        store.query("SELECT ?o WHERE { ?s ?p ?o }", {"p": 1})


# --- competency questions ----------------------------------------------------------------------


@pytest.fixture
def cq_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cq").mkdir()
    for name, text in {
        "cq02-second": "#   Question:   Which second thing?  \nSELECT * {}",
        "cq01-first": "# A note\n# Question: Which first thing?\nSELECT ?x {}",
        "cq03-no-header": "SELECT ?y {}",
        "CQ04-Upper_case": "# Question: Capitals?\nASK {}",
    }.items():
        (tmp_path / "cq" / f"{name}.rq").write_text(text, encoding="utf-8")
    (tmp_path / "cq" / "expected.csv").write_text("x\n", encoding="utf-8")
    monkeypatch.setattr(questions_module, "queries_dir", lambda: tmp_path)
    return tmp_path


def test_questions_by_name_with_their_header(cq_dir: Path) -> None:
    found = questions()
    assert [(q.name, q.question) for q in found] == [
        ("CQ04-Upper_case", "Capitals?"),
        ("cq01-first", "Which first thing?"),
        ("cq02-second", "Which second thing?"),
        ("cq03-no-header", ""),
    ]
    assert found[1].sparql == "# A note\n# Question: Which first thing?\nSELECT ?x {}"
    assert found[1].path == cq_dir / "cq" / "cq01-first.rq"


def test_question_by_name(cq_dir: Path) -> None:
    assert question("cq02-second").sparql.endswith("SELECT * {}")
    with pytest.raises(QueryError) as caught:
        question("cq99")
    assert str(caught.value) == (
        "no competency question named 'cq99' (known: CQ04-Upper_case, cq01-first, cq02-second, cq03-no-header)"
    )


def test_the_shipped_questions_all_ask_something() -> None:
    shipped = questions()
    assert len(shipped) >= 25 and all(q.question.endswith("?") for q in shipped)


def test_resolve_a_name_a_file_or_text(cq_dir: Path, tmp_path: Path) -> None:
    assert resolve("cq01-first") == question("cq01-first").sparql
    assert resolve("  cq01-first\n") == question("cq01-first").sparql
    assert resolve("CQ04-Upper_case") == "# Question: Capitals?\nASK {}"
    rq = tmp_path / "mine.rq"
    rq.write_text("ASK {}", encoding="utf-8")
    assert resolve(str(rq)) == "ASK {}"
    assert resolve(f"  {rq} ") == "ASK {}"
    text = "  SELECT * WHERE { ?s ?p ?o }\n"
    assert resolve(text) == text
    multiline = "# about x.rq\nSELECT * {} # x.rq"
    assert resolve(multiline) == multiline


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: str(d / "none.rq"), "none.rq: no such query file"),
        (lambda d: (d / "dir.rq").mkdir() or str(d / "dir.rq"), "dir.rq: cannot read: "),
        (
            lambda d: (d / "latin.rq").write_bytes(b"ASK { ?s ?p 'Jap\xf3n' }") and str(d / "latin.rq"),
            "latin.rq: cannot read",
        ),
        (lambda d: "   \n ", "^empty query$"),
        (lambda d: "", "^empty query$"),
        (lambda d: "cq99-unknown", "no competency question named 'cq99-unknown'"),
    ],
)
def test_resolve_errors(cq_dir: Path, tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match=message):
        resolve(make(tmp_path))


def test_ordered_reads_tokens_not_text() -> None:
    assert ordered("SELECT * {} order  by ?x")
    assert ordered("SELECT * {} ORDER\nBY DESC(?x)")
    assert not ordered("SELECT * { ?s <http://e/order> ?by . ?s ?p 'ORDER BY' }")
    assert not ordered("SELECT ?order ?by {}")
    assert not ordered("SELECT * {} # ORDER BY ?x")
    assert not ordered("SELECT * { ?s ?p ?o } GROUP BY ?s")
    assert not ordered("ORDER")


def test_answers_agree_as_multisets_or_in_order() -> None:
    rows = [("a", "1"), ("b", "2"), ("a", "1"), ("c", "3")]
    assert answers_agree("SELECT * {}", list(reversed(rows)), rows)
    assert not answers_agree("SELECT * {}", rows[1:], rows), "a missing duplicate must count"
    assert not answers_agree("SELECT * {}", rows + [("c", "3")], rows)
    assert answers_agree("SELECT * {} ORDER BY ?x", rows, rows)
    assert not answers_agree("SELECT * {} ORDER BY ?x", list(reversed(rows)), rows)
    assert not answers_agree("SELECT * {}", [], []), "an empty expected answer is an error, not a pass"
    assert not answers_agree("SELECT * {} ORDER BY ?x", [], [])


def test_a_store_folder_opens_as_the_store_it_holds(tmp_path: Path) -> None:
    """`GraphStore.open` of a `kg load` store opens that store (not the files), named by its folder."""
    from kg.sparql.ondisk import load

    graph = folder(tmp_path, {"data.nt": '<http://e/a> <http://e/p> "1" .\n<http://e/b> <http://e/p> "2" .\n'})
    target = tmp_path / "paper.store"
    load(graph, target)
    opened = GraphStore.open(target)
    assert opened.source == str(target)
    assert isinstance(opened.store, ox.Store) and len(opened) == 2
    assert opened.rows("SELECT ?o WHERE { <http://e/b> ?p ?o }") == [{"o": "2"}]


def test_a_malformed_query_is_told_where_it_breaks() -> None:
    store = GraphStore.from_rdf("", ox.RdfFormat.N_TRIPLES)
    with pytest.raises(QueryError) as caught:
        store.query("SELECT ?x WHERE { ?x ?p }")
    assert str(caught.value).startswith("malformed SPARQL: line 1, column 26: ")
