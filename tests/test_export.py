"""`kg export --format nquads`: every quad of a graph directory or a store, in the forms its files
write, streamed to a file (replaced only when complete) or to standard output."""

from __future__ import annotations

import tracemalloc
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from remote_stores import ox_term
from typer.testing import CliRunner

from kg.atomic import writing
from kg.build.corpus import generate
from kg.build.nquads import export_nquads
from kg.cli.commands import app
from kg.sparql.ondisk import load
from kg.sparql.store import GraphStore

runner = CliRunner()
NON_NEGATIVE = b'"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>'  # a literal of that type


def _ground(quads: object) -> Counter[tuple[tuple[str, ...], ...]]:
    """Quads without blank nodes, terms normalised (the embedded store writes numbers its own way)."""
    return Counter(
        (*(ox_term(t) for t in (q.subject, q.predicate, q.object)), ("graph", str(q.graph_name)))
        for q in quads  # type: ignore[attr-defined]
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    )


def test_nquads_hold_every_quad_as_the_files_write_it(mini_graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    result = runner.invoke(app, ["export", "--graph", str(mini_graph), "--format", "nquads", "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    store = GraphStore.open(mini_graph).store
    assert len(exported) == len(store) > 0 and f"exported {len(store)} quads" in result.output
    assert _ground(exported) == _ground(store)
    assert any(isinstance(q.graph_name, ox.DefaultGraph) for q in exported)
    assert NON_NEGATIVE in out.read_bytes()  # the embedded store would have made it xsd:integer


def test_nquads_to_standard_output(mini_graph: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--graph", str(mini_graph), "--format", "nquads"])
    assert result.exit_code == 0, result.output
    export_nquads(mini_graph, tmp_path / "file.nq")
    assert result.stdout_bytes == (tmp_path / "file.nq").read_bytes()


def test_blank_nodes_of_two_files_stay_two(tmp_path: Path) -> None:
    """Each file's blank node labels are its own (RDF merges documents apart), and two exports
    of the same files are the same bytes."""
    graph = tmp_path / "graph"
    graph.mkdir()
    for name in ("a.nt", "b.nt"):
        (graph / name).write_text('_:x <urn:p> "a" .\n', encoding="utf-8")
    first, second = tmp_path / "one.nq", tmp_path / "two.nq"
    export_nquads(graph, first)
    export_nquads(graph, second)
    assert len({q.subject for q in ox.parse(path=str(first))}) == 2
    assert first.read_bytes() == second.read_bytes()


def test_nquads_of_a_store(mini_graph: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    load(mini_graph, store)
    out = tmp_path / "store.nq"
    count = export_nquads(store, out)
    assert count == len(GraphStore.open(store).store) == len(out.read_bytes().splitlines()) > 0


def test_a_failed_export_leaves_the_previous_file(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    graph.mkdir()
    (graph / "a.nt").write_text("<urn:s> <urn:p> <urn:o> .\n" * 1000, encoding="utf-8")
    (graph / "b.ttl").write_text("<urn:s> <urn:p> .\n", encoding="utf-8")  # not Turtle: fails after a.nt
    out = tmp_path / "out" / "graph.nq"
    out.parent.mkdir()
    out.write_bytes(b"the previous export\n")
    result = runner.invoke(app, ["export", "--graph", str(graph), "--format", "nquads", "--out", str(out)])
    assert result.exit_code == 1 and "b.ttl: not valid TTL" in result.output
    assert out.read_bytes() == b"the previous export\n"
    assert [p.name for p in out.parent.iterdir()] == ["graph.nq"]


def test_writing_replaces_the_file_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out.nq"
    with writing(target) as stream:
        stream.write(b"one\n")
        assert not target.exists()
    assert target.read_bytes() == b"one\n"
    with pytest.raises(RuntimeError), writing(target) as stream:
        stream.write(b"two\n")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"one\n" and sorted(p.name for p in target.parent.iterdir()) == ["out.nq"]


def test_nquads_export_streams(mini_graph: Path, tmp_path: Path) -> None:
    """Memory stays flat: the Python heap's peak is a small part of what is written."""
    corpus = tmp_path / "corpus"
    generate(mini_graph, 40, corpus)
    out = tmp_path / "corpus.nq"
    tracemalloc.start()
    try:
        count = export_nquads(corpus, out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = out.stat().st_size
    assert count > 40 * 1000 and peak < size / 20, (count, peak, size)


def test_unknown_export_format_names_both(mini_graph: Path) -> None:
    result = runner.invoke(app, ["export", "--graph", str(mini_graph), "--format", "rdfxml"])
    assert result.exit_code == 2 and "jsonld or nquads" in result.output
