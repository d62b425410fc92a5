"""The persistent store (`kg load`, kg/sparql/ondisk.py): it answers every competency question as
the in-memory store does, opens where a graph directory is expected, and refuses to be used stale,
partial or damaged; a load that fails half-way leaves the previous store usable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli.commands import app
from kg.errors import GraphDirError
from kg.sparql.ondisk import MANIFEST, load
from kg.sparql.questions import questions
from kg.sparql.store import GraphStore

runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(full_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("store") / "paper.store"
    result = load(full_graph, target)
    assert result.quads == len(GraphStore.open(full_graph))
    return target


def _rows(store: GraphStore, sparql: str) -> list[tuple[str, ...]]:
    solutions = store.query(sparql)
    return sorted(tuple(str(solution[v]) for v in solutions.variables) for solution in solutions)


@pytest.mark.parametrize("question", questions(), ids=lambda q: q.name)
def test_the_store_answers_every_question_as_memory_does(question, full_graph: Path, store_dir: Path) -> None:  # type: ignore[no-untyped-def]
    in_memory, on_disk = GraphStore.open(full_graph), GraphStore.open(store_dir)
    expected = _rows(in_memory, question.sparql)
    assert expected, f"{question.name} has rows on the paper"
    assert _rows(on_disk, question.sparql) == expected


def test_commands_and_the_api_open_a_store(store_dir: Path) -> None:
    result = runner.invoke(
        app, ["query", "--graph", str(store_dir), "--format", "csv", "ASK { res:japan a mx:Country }"]
    )
    assert result.exit_code == 0, result.output
    assert kg.open_graph(store_dir).rows("SELECT ?c WHERE { res:japan a ?c } LIMIT 1")
    explained = runner.invoke(app, ["explain", "日本", "--graph", str(store_dir), "--no-quote"])
    assert explained.exit_code == 0 and "res:japan" in explained.output


def test_a_partial_store_is_refused(store_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "partial.store"
    shutil.copytree(store_dir, copy)
    (copy / MANIFEST).unlink()
    with pytest.raises(GraphDirError, match="partial store"):
        GraphStore.open(copy)


def test_a_damaged_store_is_refused(store_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "damaged.store"
    shutil.copytree(store_dir, copy)
    (copy / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(GraphDirError, match="damaged store manifest"):
        GraphStore.open(copy)
    shutil.rmtree(copy / "oxigraph")
    (copy / "oxigraph").mkdir()
    (copy / MANIFEST).write_text((store_dir / MANIFEST).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(GraphDirError):
        GraphStore.open(copy).rows("SELECT * WHERE { ?s ?p ?o } LIMIT 1") or GraphStore.open(copy).query("ASK {}")


def test_a_stale_store_is_refused(mini_graph: Path, tmp_path: Path) -> None:
    source = tmp_path / "graph"
    shutil.copytree(mini_graph, source)
    target = tmp_path / "mini.store"
    load(source, target)
    assert GraphStore.open(target).rows("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    data = source / "data.trig"
    data.write_text(data.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    with pytest.raises(GraphDirError, match="stale store"):
        GraphStore.open(target)


def test_a_failed_load_leaves_the_previous_store(mini_graph: Path, tmp_path: Path) -> None:
    target = tmp_path / "mini.store"
    load(mini_graph, target)
    before = json.loads((target / MANIFEST).read_text(encoding="utf-8"))

    def interrupt(step: str) -> None:
        if step.startswith("optimising"):
            raise KeyboardInterrupt  # as if the load were killed before it could finish

    with pytest.raises(KeyboardInterrupt):
        load(mini_graph, target, progress=interrupt)
    assert json.loads((target / MANIFEST).read_text(encoding="utf-8")) == before
    assert GraphStore.open(target).rows("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini.store"], "the staging folder was left behind"


def test_kg_load_reports_what_it_did(mini_graph: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", "--graph", str(mini_graph), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "quads" in result.output
    refused = runner.invoke(app, ["load", "--graph", str(mini_graph), "--store", str(mini_graph)])
    assert refused.exit_code != 0 and "must differ" in refused.output
