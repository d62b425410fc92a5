"""The measuring child of the scale curve: one engine on one graph, every question timed and checked.

``benchmarks/scale.py --child measure`` runs :func:`child_measure` in a fresh interpreter; each
question is sampled in a forked copy of it (:func:`isolated`), which is killed past the time limit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import select
import signal
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from answers import Plan, plan, term_text

SLOW_RUN_S = 15.0  # a question slower than this is timed once after its warm-up


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plans(reference: dict[str, Any]) -> list[tuple[Plan, str, str | None]]:
    """How each question of *reference* is checked: ``(plan, sparql, problem)``. A proposed rewrite
    is checked against the answer of the question it rewrites, and is a problem when its own answer
    on the paper differs from that one."""
    by_name = {q["name"]: q for q in reference["questions"]}
    out: list[tuple[Plan, str, str | None]] = []
    for q in reference["questions"]:
        original = by_name.get(q.get("rewrite_of") or q["name"])
        if original is None:
            out.append((plan(q["name"], q["sparql"], q["variables"], [])[0], q["sparql"], "its question is gone"))
            continue
        checked, problem = plan(original["name"], q["sparql"], q["variables"], [tuple(r) for r in original["rows"]])
        if q.get("rewrite_of"):
            checked = replace(checked, name=q["name"])
            wrong = checked.check([tuple(r) for r in q["rows"]], 1)
            problem = problem or (wrong and f"{q['name']} does not give the answer of {original['name']}: {wrong}")
        elif not q["rows"]:
            problem = problem or f"{q['name']}: the paper's own answer is empty: nothing to check against"
        out.append((checked, q["sparql"], problem))
    return out


def _sample(
    run: Callable[[], list[tuple[Any, ...]]],
    check: Callable[[list[tuple[Any, ...]]], str | None],
    reps: int,
    budget: float,
    limit: float,
    slow: float = SLOW_RUN_S,
) -> dict[str, Any]:
    """One warm-up run, then timed runs: at least 3 and at most *reps* within *budget* seconds, one
    when a run takes over *slow* seconds, none that would end past *limit* seconds from the start
    (then the warm-up is the only sample). Every run's answer is checked, outside the timing."""
    times: list[float] = []
    wrong: str | None = None
    rows, warm, spent = 0, 0.0, 0.0
    for i in range(reps + 1):
        start = time.perf_counter()
        answer = run()
        elapsed = time.perf_counter() - start
        wrong = wrong or check(answer)
        rows, spent = len(answer), spent + elapsed
        if i == 0:
            warm = elapsed
        else:
            times.append(elapsed)
        if spent + elapsed > limit * 0.8 or (i >= 1 and (elapsed > slow or (len(times) >= 3 and sum(times) >= budget))):
            break
    sample = times or [warm]
    return {
        "median_ms": statistics.median(sample) * 1000,
        "min_ms": min(sample) * 1000,
        "warm_up_ms": warm * 1000,
        "runs": len(times),
        "rows": rows,
        "wrong": wrong,
    }


def isolated(work: Callable[[], dict[str, Any]], limit: float) -> dict[str, Any]:
    """``work()`` in a forked copy of this process (the loaded store is shared, copy-on-write), given
    *limit* seconds: past it the copy and everything it started are killed and the result says so.
    Oxigraph cannot be interrupted in the middle of a query, so a question that scans a corpus for
    an hour can only be stopped from outside."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: measure, write the result, leave without the parent's exit handlers
        os.close(read)
        os.setpgid(0, 0)
        try:
            payload = json.dumps(work())
        except BaseException as exc:  # noqa: BLE001 - every failure travels to the parent as a result
            payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"[-800:]})
        with os.fdopen(write, "w", encoding="utf-8") as sink:
            sink.write(payload)
        os._exit(0)
    os.close(write)
    with contextlib.suppress(OSError):  # the copy may already have done it
        os.setpgid(pid, pid)
    deadline, data = time.monotonic() + limit, b""
    with os.fdopen(read, "rb") as source:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([source], [], [], left)[0]:
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return {"timeout_s": limit}
            chunk = os.read(source.fileno(), 1 << 20)
            if not chunk:
                break
            data += chunk
    _, status = os.waitpid(pid, 0)
    if not data:
        return {"error": f"the measuring process ended with status {status}"}
    return dict(json.loads(data))


TRIPLE = ("subject", "predicate", "object")


def oxigraph_rows(result: Any) -> list[tuple[Any, ...]]:
    """The rows of an Oxigraph answer: solutions, the triples of a CONSTRUCT (once each: a graph),
    or a boolean as one row."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryTriples):
        return list(dict.fromkeys(tuple(triple) for triple in result))
    if isinstance(result, ox.QueryBoolean):
        return [(ox.Literal(str(bool(result)).lower()),)]
    return [tuple(solution) for solution in result]


def rdflib_rows(result: Any) -> list[tuple[Any, ...]]:
    """The rows of an rdflib answer, as :func:`oxigraph_rows`."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return list(dict.fromkeys(tuple(triple) for triple in result))
    if result.type == "ASK":
        return [(str(bool(result.askAnswer)).lower(),)]
    return [tuple(row) for row in result]


def child_reference(args: argparse.Namespace) -> dict[str, Any]:
    """The paper's answer to every question, on the paper's graph in memory: the reference."""
    from kg.sparql.store import GraphStore

    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    store = GraphStore.open(args.dir)
    out = []
    for q in questions:
        result = store.query(q["sparql"])
        variables = [v.value for v in result.variables] if hasattr(result, "variables") else list(TRIPLE)
        rows = [[term_text(t) for t in row] for row in oxigraph_rows(result)]
        out.append({**q, "variables": variables, "rows": rows})
    return {"graph": str(args.dir), "quads": len(store), "questions": out}


def child_measure(args: argparse.Namespace) -> dict[str, Any]:
    """Load or open one corpus with one engine; time and check every question."""
    reference = json.loads(Path(args.reference).read_text(encoding="utf-8"))
    report: dict[str, Any] = {"engine": args.engine, "dir": args.dir, "rss_before_mb": _rss_mb(), "cq": {}}
    copies = args.copies
    if args.engine == "rdflib":
        import rdflib

        from kg.sparql.store import graph_files

        formats = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}
        start = time.perf_counter()
        dataset = rdflib.Dataset(default_union=True)
        for file in graph_files(Path(args.dir)):
            dataset.parse(str(file), format=formats[file.suffix])
        report["load_s"] = time.perf_counter() - start
        report["quads"] = sum(1 for _ in dataset.quads((None, None, None, None)))

        def paths(sparql: str) -> dict[str, Callable[[], list[tuple[Any, ...]]]]:
            return {"rdflib": lambda: rdflib_rows(dataset.query(sparql))}
    else:
        from kg.sparql.store import GraphStore
        from kg.terms import PREFIX_IRIS

        start = time.perf_counter()
        store = GraphStore.open(args.dir)
        report["load_s" if args.engine == "memory" else "open_s"] = time.perf_counter() - start
        report["quads"] = len(store)
        options: dict[str, Any] = {"use_default_graph_as_union": True, "prefixes": PREFIX_IRIS}

        def paths(sparql: str) -> dict[str, Callable[[], list[tuple[Any, ...]]]]:
            return {
                "kg": lambda: oxigraph_rows(store.query(sparql)),
                "engine": lambda: oxigraph_rows(store.store.query(sparql, **options)),
            }

    report["rss_loaded_mb"] = _rss_mb()
    skipped = set(filter(None, args.skip_questions.split("|")))
    # rdflib is pure Python and up to a thousand times slower: a run over a second is timed once
    limit, slow = (args.timeout, 1.0) if args.engine == "rdflib" else (args.limit, SLOW_RUN_S)
    for checked, sparql, _ in plans(reference):
        if checked.name in skipped:
            report["cq"][checked.name] = {"kg": {"skipped": "over the time limit at a smaller size"}}
            continue

        def check(answer: list[tuple[Any, ...]], checked: Plan = checked) -> str | None:
            rows = [tuple(term_text(t) for t in row) for row in answer]
            return checked.check(rows, copies, in_order=args.engine != "rdflib")

        report["cq"][checked.name] = {}
        for path, run in paths(sparql).items():
            if any("timeout_s" in r for r in report["cq"][checked.name].values()):
                report["cq"][checked.name][path] = {"skipped": "the question's other path was over the time limit"}
                continue
            report["cq"][checked.name][path] = isolated(
                partial(_sample, run, check, args.reps, args.budget, limit, slow), limit
            )
    report["rss_peak_mb"] = _rss_mb()
    report["rss_question_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return report
