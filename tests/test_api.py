"""The Python API a notebook uses: open a built graph, query it by text or by question name."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg


def test_open_and_query_rows(mini_graph: Path) -> None:
    graph = kg.open_graph(mini_graph)
    rows = graph.rows("SELECT ?c WHERE { ?c a <https://w3id.org/mxjp-talent/ontology#Company> }")
    assert rows == [{"c": "https://w3id.org/mxjp-talent/resource/ntt-docomo"}]
    values = kg.query(mini_graph, "SELECT ?v WHERE { ?o <https://w3id.org/mxjp-talent/ontology#value> ?v }")
    assert values == [{"v": 246}]


def test_question_by_name_and_dataframe(full_graph: Path) -> None:
    rows = kg.query(full_graph, "cq02-patents-by-country-2012")
    assert {"country": "Japan", "patents": 246, "source": "Mexican Institute of Industrial Property"} in rows
    pytest.importorskip("pandas", reason="pandas is optional (pip install 'mxjp-talent-kg[pandas]')")
    frame = kg.query(full_graph, "cq02-patents-by-country-2012", as_dataframe=True)
    assert list(frame.columns) == ["country", "patents", "source"]


def test_questions_are_listed() -> None:
    assert any(q.name == "cq01-japanese-patent-companies" for q in kg.questions())
