"""Each competency question's answer on the full graph equals its expected answer in tests/cq/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kg.sparql.questions import questions
from kg.sparql.results import serialize
from kg.sparql.store import GraphStore

EXPECTED = Path(__file__).parent / "cq"
QUESTIONS = questions()


def _rows(text: str) -> tuple[list[str], list[tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [tuple(row) for row in reader]


@pytest.fixture(scope="module")
def store(full_graph: Path) -> GraphStore:
    return GraphStore.open(full_graph)


def test_there_are_at_least_25_questions_each_with_a_header() -> None:
    assert len(QUESTIONS) >= 25
    for q in QUESTIONS:
        assert q.question.endswith("?"), f"{q.path}: the '# Question:' header should ask a question"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_answer_matches_expected(question, store: GraphStore) -> None:  # type: ignore[no-untyped-def]
    expected_file = EXPECTED / f"{question.name}.csv"
    assert expected_file.is_file(), f"no expected answer {expected_file}"
    header, expected = _rows(expected_file.read_text(encoding="utf-8"))
    assert expected, f"{expected_file} is empty: an empty expected answer is an error, not a pass"
    got_header, got = _rows(serialize(store.query(question.sparql), "csv").decode("utf-8"))
    assert got_header == header
    if "ORDER BY" in question.sparql.upper():
        assert got == expected
    else:
        assert sorted(got) == sorted(expected)
