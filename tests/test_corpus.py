"""The corpus generator: N copies of the graph, distinct but for the vocabulary."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.build.corpus import RESOURCE, VOCABULARY_FILES, generate
from kg.sparql.store import GraphStore, graph_files


def _nodes(quad: ox.Quad) -> list[object]:
    return [quad.subject, quad.predicate, quad.object, quad.graph_name]


def test_three_copies_are_distinct(mini_graph: Path, tmp_path: Path) -> None:
    base = ox.Store()
    for path in graph_files(mini_graph):
        if path.name not in VOCABULARY_FILES:
            base.load(path=str(path))
    vocabulary = GraphStore.open(mini_graph)  # everything, to know the vocabulary's own size below
    vocab_only = len(vocabulary) - len(base)

    result = generate(mini_graph, 3, tmp_path / "corpus")
    store = GraphStore.open(tmp_path / "corpus")

    assert result.copies == 3 and result.total_quads == 3 * result.quads_per_copy + result.shared_quads
    assert len(store) == 3 * len(base) + vocab_only  # no quad of a copy coincides with another's
    assert {p.name for p in (tmp_path / "corpus").iterdir()} >= VOCABULARY_FILES | {"data.nq"}

    base_iris = {t.value for q in base for t in _nodes(q) if isinstance(t, ox.NamedNode)}
    vocabulary_iris = {i for i in base_iris if not i.startswith(RESOURCE)}
    per_copy: dict[str, set[str]] = {}
    for quad in ox.parse(path=str(tmp_path / "corpus" / "data.nq")):
        for term in _nodes(quad):
            if isinstance(term, ox.NamedNode) and term.value.startswith(RESOURCE):
                if term.value in base_iris:  # copy 0 is the paper itself, IRIs unchanged
                    per_copy.setdefault("c0000", set()).add(RESOURCE + "c0000/" + term.value[len(RESOURCE) :])
                    continue
                copy, _, rest = term.value[len(RESOURCE) :].partition("/")
                assert copy in {"c0001", "c0002"} and RESOURCE + rest in base_iris
                per_copy.setdefault(copy, set()).add(term.value)
            elif isinstance(term, ox.NamedNode):
                assert term.value in vocabulary_iris, term.value
            elif isinstance(term, ox.BlankNode):
                per_copy.setdefault(term.value.partition("x")[0], set()).add("_:" + term.value)
    iris = [per_copy[c] for c in ("c0000", "c0001", "c0002")]
    assert iris[1].isdisjoint(iris[2])
    assert {i.replace("c0000/", "") for i in iris[0]}.isdisjoint(iris[1] | iris[2])
    assert {i.replace("c0001/", "") for i in iris[1]} == {i.replace("c0000/", "") for i in iris[0]}


def test_copy_zero_is_the_paper_so_anchored_questions_keep_their_answer(mini_graph: Path, tmp_path: Path) -> None:
    generate(mini_graph, 3, tmp_path / "corpus")
    sparql = (
        "SELECT ?place WHERE { <https://w3id.org/mxjp-talent/resource/ntt-docomo> "
        "<https://w3id.org/mxjp-talent/ontology#headquarteredIn> ?place }"
    )
    assert GraphStore.open(tmp_path / "corpus").rows(sparql) == GraphStore.open(mini_graph).rows(sparql) != []
