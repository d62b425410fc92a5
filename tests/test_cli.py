"""The command line: help with examples, query formats, errors without tracebacks."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.sparql.guard import READ_ONLY
from kg.sparql.store import GraphStore

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_top_level_help_shows_an_example() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_says_what_and_shows_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`kg {command} --help` shows no example"


def test_count_query_as_csv(mini_graph: Path) -> None:
    result = runner.invoke(
        app, ["query", "--graph", str(mini_graph), "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["n"] and int(rows[1][0]) > 1000


def test_query_from_rq_file_and_json(mini_graph: Path, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT ?s WHERE { ?s a <https://w3id.org/mxjp-talent/ontology#Company> }", encoding="utf-8")
    result = runner.invoke(app, ["query", "--graph", str(mini_graph), "--format", "json", str(rq)])
    assert result.exit_code == 0, result.output
    assert "ntt-docomo" in result.stdout and '"bindings"' in result.stdout


def test_malformed_query_is_a_clear_error(mini_graph: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--graph", str(mini_graph), "SELECT ?s WHERE {"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "malformed SPARQL" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_graph_dir_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--graph", str(tmp_path / "nope"), "ASK {}"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "not a directory" in result.stderr and "Traceback" not in result.stderr


def test_build_and_query_from_another_directory(tmp_path: Path) -> None:
    """An installed `kg` works from any directory (ontology, queries and data are package data)."""
    out = tmp_path / "b"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "build",
            "--out",
            str(out),
            "--data",
            str(Path(__file__).parent / "data" / "mini"),
            "--reasoner",
            "owlrl",
            "--no-viz",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    listed = subprocess.run([sys.executable, "-m", "kg", "questions"], capture_output=True, text=True, cwd=tmp_path)
    assert listed.returncode == 0 and "cq01" in listed.stdout


def test_stats(mini_graph: Path) -> None:
    result = runner.invoke(app, ["stats", "--graph", str(mini_graph)])
    assert result.exit_code == 0
    assert "mx:Company" in result.output and "rdfs:label" in result.output


def test_fast_query_path_answers_like_the_full_cli_and_loads_no_cli_framework(mini_graph: Path) -> None:
    sparql = "SELECT ?s WHERE { ?s a <https://w3id.org/mxjp-talent/ontology#Country> } ORDER BY ?s"
    full = runner.invoke(app, ["query", "--graph", str(mini_graph), "--format", "csv", sparql])
    probe = (
        "import sys, runpy; sys.argv = ['kg', 'query', '--graph', sys.argv[1], '--format', 'csv', sys.argv[2]]\n"
        "try:\n    runpy.run_module('kg', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('typer', 'pydantic', 'rich', 'rdflib', 'owlready2', 'networkx', 'pyvis', 'pyshacl') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    fast = subprocess.run([sys.executable, "-c", probe, str(mini_graph), sparql], capture_output=True, text=True)
    assert fast.stdout == full.stdout and "japan" in fast.stdout
    assert fast.stderr.strip().endswith("HEAVY="), fast.stderr


def test_table_output_loads_neither_rdflib_nor_typer(mini_graph: Path) -> None:
    probe = (
        "import sys, runpy; sys.argv = ['kg', 'query', '--graph', sys.argv[1], 'SELECT (COUNT(*) AS ?n) { ?s ?p ?o }']\n"
        "try:\n    runpy.run_module('kg', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write('HEAVY=' + ','.join(m for m in ('typer', 'pydantic', 'rdflib') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, str(mini_graph)], capture_output=True, text=True)
    count = GraphStore.open(mini_graph).rows("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"]
    assert re.search(r"^┃\s*n\s*┃$", run.stdout, re.MULTILINE), f"no header cell 'n':\n{run.stdout}"
    assert re.search(rf"^│\s*{count}\s*│$", run.stdout, re.MULTILINE), f"no row with the count {count}:\n{run.stdout}"
    assert "1 row(s)" in run.stderr
    assert run.stderr.strip().endswith("HEAVY="), run.stderr


def test_table_output_prints_literals_verbatim_not_as_markup(tmp_path: Path) -> None:
    graph = tmp_path / "g"
    graph.mkdir()
    (graph / "data.ttl").write_text(
        '<urn:a> <urn:says> "Nakamura [sic] said [/] and [bold]x[/bold]" .\n', encoding="utf-8"
    )
    for command in (["query", "--graph", str(graph), "SELECT ?o WHERE { ?s ?p ?o }"], ["stats", "--graph", str(graph)]):
        result = subprocess.run(
            [sys.executable, "-m", "kg", *command],
            capture_output=True,
            text=True,
            env={**__import__("os").environ, "COLUMNS": "200"},
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    query = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--graph", str(graph), "SELECT ?o WHERE { ?s ?p ?o }"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "COLUMNS": "200"},
    )
    assert "Nakamura [sic] said [/] and [bold]x[/bold]" in query.stdout


# --- an update handed to `kg query` is refused with the endpoint's words, whichever way it comes in

UPDATE = "PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c }"


def test_update_refused_by_the_fast_path(mini_graph: Path) -> None:
    probe = (
        "import sys, runpy; sys.argv = ['kg', 'query', '--graph', sys.argv[1], sys.argv[2]]\n"
        "code = 0\n"
        "try:\n    runpy.run_module('kg', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "sys.stderr.write(f'EXIT={code} HEAVY=' + ','.join(m for m in ('typer', 'pydantic') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, str(mini_graph), UPDATE], capture_output=True, text=True)
    assert f"error: {READ_ONLY}" in run.stderr, run.stderr
    assert run.stderr.strip().endswith("EXIT=1 HEAVY="), run.stderr  # exit 1, and typer never loaded
    assert run.stdout == "" and "Traceback" not in run.stderr


@pytest.mark.parametrize("how", ["text", "rq-file", "endpoint"])
def test_update_refused_by_the_full_cli(how: str, mini_graph: Path, tmp_path: Path) -> None:
    query = UPDATE
    if how == "rq-file":
        query = str(tmp_path / "update.rq")
        Path(query).write_text(UPDATE, encoding="utf-8")
    where = ["--endpoint", "http://127.0.0.1:9/sparql"] if how == "endpoint" else ["--graph", str(mini_graph)]
    result = runner.invoke(app, ["query", *where, query])
    assert result.exit_code == 1, result.output
    assert READ_ONLY in result.stderr, result.stderr  # for --endpoint: refused before any connection
    assert result.stdout == ""
