"""The scale benchmark checks every answer it times (benchmarks/answers.py): regression tests for the
run that timed empty answers (issue 12), where the corpus was asked about a copy ``c0000`` that does
not exist, so most questions returned nothing at every size and still counted as measured."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.build.corpus import RESOURCE, generate
from kg.sparql.questions import questions
from kg.sparql.store import GraphStore

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _answers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_answers", BENCHMARKS / "answers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


answers = _answers()


def _rows(store: GraphStore, sparql: str) -> tuple[list[str], list[tuple[str, ...]]]:
    result = store.query(sparql)
    return [v.value for v in result.variables], [tuple(answers.term_text(t) for t in s) for s in result]


def test_every_question_over_the_corpus_has_a_reviewed_growth() -> None:
    unreviewed = [q.name for q in questions() if not answers.anchored(q.sparql) and q.name not in answers.GROWTH]
    assert not unreviewed, f"say in benchmarks/answers.py GROWTH how these grow with the corpus: {unreviewed}"
    stale = [name for name in answers.GROWTH if name not in {q.name for q in questions()}]
    assert not stale, f"GROWTH lists questions that are gone or anchored: {stale}"


def test_a_corpus_gives_the_paper_answer_or_n_times_it(mini_graph: Path, tmp_path: Path) -> None:
    generate(mini_graph, 3, tmp_path / "corpus")
    paper, corpus = GraphStore.open(mini_graph), GraphStore.open(tmp_path / "corpus")
    checked = 0
    for q in questions():
        variables, rows = _rows(paper, q.sparql)
        if not rows:
            continue  # the mini slice does not answer every question
        plan, problem = answers.plan(q.name, q.sparql, variables, rows)
        assert problem is None, problem
        _, got = _rows(corpus, q.sparql)
        assert plan.check(got, 3) is None, (q.name, plan.check(got, 3))
        assert plan.check(got, 4) is not None or plan.growth is None or plan.growth.factor == "once"
        checked += 1
    assert checked >= 5


def test_asking_a_copy_that_does_not_exist_fails(mini_graph: Path, tmp_path: Path) -> None:
    """The old benchmark rewrote res: IRIs to copy c0000; copy 0 keeps the paper's IRIs, so the
    answers were empty. The check must refuse such an answer, not time it."""
    generate(mini_graph, 2, tmp_path / "corpus")
    paper, corpus = GraphStore.open(mini_graph), GraphStore.open(tmp_path / "corpus")
    refused = 0
    for q in questions():
        if not answers.anchored(q.sparql):
            continue
        variables, rows = _rows(paper, q.sparql)
        if not rows:
            continue
        plan, _ = answers.plan(q.name, q.sparql, variables, rows)
        localized = q.sparql.replace(RESOURCE, RESOURCE + "c0000/")
        _, got = _rows(corpus, localized)
        assert got == [] and plan.check(got, 2) is not None
        refused += 1
    assert refused >= 5


@pytest.mark.parametrize(
    ("got", "expected", "keys", "verdict"),
    [
        ([("a", "1"), ("a", "2")], [("a", "2"), ("a", "1")], [0], None),  # ties on the key: any order
        ([("b", "1"), ("a", "2")], [("a", "2"), ("b", "1")], [0], "out of order"),
        ([("a", "1")], [("a", "1"), ("a", "1")], [0], "1 rows where 2"),
        ([("a", "1"), ("a", "3")], [("a", "1"), ("a", "2")], None, "unexpected: a 3"),
        ([], [], None, "paper's own answer is empty"),
    ],
)
def test_rows_are_compared_as_multisets_in_key_order(got, expected, keys, verdict) -> None:
    said = answers.differs(got, expected, keys)
    assert said is None if verdict is None else verdict in said


def test_only_the_copy_segment_is_taken_out() -> None:
    copy = f"<{RESOURCE}c0042/japan>"
    assert answers.normalise((copy, '"c0042"', f'"{RESOURCE}c0042/x"')) == (
        f"<{RESOURCE}japan>",
        '"c0042"',
        f'"{RESOURCE}x"',
    )
    anchored = answers.Plan("q", [(f"<{RESOURCE}japan>",)], None, None)
    assert anchored.check([(copy,)], 2) is not None, "an anchored question must not take another copy's row"


def test_a_run_with_a_wrong_answer_is_not_published(tmp_path: Path) -> None:
    """`kg bench` writes docs/performance.md only from a run whose every timed answer was right."""
    import json
    import subprocess

    wrong = {"kg": {"median_ms": 1.0, "rows": 3, "wrong": "3 rows where the paper's 25 x 10 were expected"}}
    right = {"kg": {"median_ms": 1.0, "rows": 250, "wrong": None}}
    script = f"""
import json, sys
sys.path.insert(0, {str(BENCHMARKS)!r})
import report, run
from pathlib import Path
def results(answer):
    return {{"scale": {{"sizes": [{{"papers": 10, "disk": {{"cq": {{"cq06-laws": answer}}}}}}]}}}}
docs = Path({str(tmp_path / "docs")!r})
print(json.dumps([report.all_failures(results({wrong!r})), run.write_docs(results({wrong!r}), docs),
                  docs.exists(), report.publishable(results({right!r}))]))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-800:]
    failures, written, docs_exist, right_publishable = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(failures) == 1 and "cq06-laws at 10 papers" in failures[0] and "25 x 10" in failures[0]
    assert written is False and docs_exist is False
    assert right_publishable is True
