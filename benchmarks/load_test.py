"""Load test of ``kg serve`` on 127.0.0.1: many concurrent clients mixing the competency questions,
bad requests and runaway queries, for a bounded time.

Every valid answer is compared with the embedded store's answer over the same graph; the test
counts requests, errors and 5xx, measures p50/p99 latency, and the RSS of the server's process
tree (from /proc) before, at peak and after the load.

    python benchmarks/load_test.py [--graph DIR] [--seconds 60] [--clients 16]

Without --graph, the mini fixture is built into a temporary folder. ``KG_LOAD_SECONDS`` and
``KG_LOAD_CLIENTS`` set the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = "application/sparql-results+json"
BAD = [  # (request, expected status)
    ({"method": "GET", "params": {"query": "SELECT ?s WHERE { ?s ?p "}}, 400),
    ({"method": "GET", "params": {"query": "SELEKT * {}"}}, 400),
    ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 403),
    ({"method": "POST", "content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403),
    ({"method": "GET", "params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400),
    ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ({"method": "GET", "params": {}}, 200),  # the service description
]


def process_tree_rss(root: int) -> int:
    """RSS in kB of *root* and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def normalise(body: bytes) -> Any:
    """A SPARQL JSON answer as a comparable value: the boolean, or the sorted rows (bnodes blanked)."""
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]
    rows = []
    for binding in data["results"]["bindings"]:
        row = {k: ({"type": "bnode"} if v["type"] == "bnode" else v) for k, v in binding.items()}
        rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


def expected_answers(graph: Path) -> dict[str, tuple[str, Any]]:
    """Each competency question's SPARQL and its answer from the embedded store."""
    import pyoxigraph as ox

    from kg.sparql.questions import questions
    from kg.sparql.results import serialize
    from kg.sparql.store import GraphStore

    store = GraphStore.open(graph)
    out = {}
    for q in questions():
        result = store.query(q.sparql)
        if isinstance(result, ox.QueryTriples):
            continue
        out[q.name] = (q.sparql, normalise(serialize(result, "json")))
    return out


@dataclass
class Report:
    clients: int
    seconds: float
    requests: int = 0
    valid_queries: int = 0
    bad_requests: int = 0
    runaway_queries: int = 0
    wrong_answers: int = 0
    unexpected_status: int = 0
    server_errors_on_valid: int = 0
    transport_errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_after_mb: float = 0.0
    problems: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not (
            self.wrong_answers or self.unexpected_status or self.server_errors_on_valid or self.transport_errors
        )


def run_load(base: str, server_pid: int, graph: Path, *, seconds: float, clients: int, seed: int = 1) -> Report:
    """Drive *clients* threads against *base* for *seconds*; one of them sends runaway queries."""
    answers = expected_answers(graph)
    names = sorted(answers)
    report = Report(clients, seconds)
    lock = threading.Lock()
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    def note(status: int, problem: str | None = None, **counts: int) -> None:
        with lock:
            report.requests += 1
            report.statuses[str(status)] = report.statuses.get(str(status), 0) + 1
            for key, value in counts.items():
                setattr(report, key, getattr(report, key) + value)
            if problem and len(report.problems) < 20:
                report.problems.append(problem)

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < stop:
                try:
                    if index == 0:  # the slow client: runaway queries, one at a time
                        r = http.get("/sparql", params={"query": RUNAWAY}, headers={"Accept": JSON})
                        bad = r.status_code != 503
                        note(
                            r.status_code,
                            f"runaway answered {r.status_code}" if bad else None,
                            runaway_queries=1,
                            unexpected_status=int(bad),
                        )
                        continue
                    if rng.random() < 0.2:
                        kwargs, expected = rng.choice(BAD)
                        r = http.request(
                            kwargs["method"], "/sparql", **{k: v for k, v in kwargs.items() if k != "method"}
                        )
                        bad = r.status_code != expected
                        note(
                            r.status_code,
                            f"{kwargs} → {r.status_code}, expected {expected}" if bad else None,
                            bad_requests=1,
                            unexpected_status=int(bad),
                        )
                        continue
                    name = rng.choice(names)
                    sparql, expected_answer = answers[name]
                    started = time.monotonic()
                    r = http.post("/sparql", data={"query": sparql}, headers={"Accept": JSON})
                    elapsed = time.monotonic() - started
                    if r.status_code != 200:
                        note(
                            r.status_code,
                            f"{name} → {r.status_code}: {r.text[:120]}",
                            valid_queries=1,
                            unexpected_status=1,
                            server_errors_on_valid=int(r.status_code >= 500),
                        )
                        continue
                    wrong = normalise(r.content) != expected_answer
                    with lock:
                        latencies.append(elapsed)
                    note(
                        200,
                        f"{name}: answer differs from the embedded store's" if wrong else None,
                        valid_queries=1,
                        wrong_answers=int(wrong),
                    )
                except httpx.HTTPError as exc:
                    note(0, f"transport error: {type(exc).__name__}: {exc}", transport_errors=1)

    # warm up, then measure the memory before the load
    with httpx.Client(base_url=base, timeout=60) as http:
        for name in names:
            http.post("/sparql", data={"query": answers[name][0]}, headers={"Accept": JSON})
    report.rss_before_mb = process_tree_rss(server_pid) / 1024
    peak = [report.rss_before_mb]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(0.25):
            peak[0] = max(peak[0], process_tree_rss(server_pid) / 1024)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    sampling.set()
    sampler.join(timeout=5)
    report.rss_peak_mb = peak[0]
    # after the load: let stopped workers be replaced, then measure again
    deadline = time.monotonic() + 20
    with httpx.Client(base_url=base, timeout=60) as http:
        while time.monotonic() < deadline:
            time.sleep(1.0)
            http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON})
            now = process_tree_rss(server_pid) / 1024
            if now <= report.rss_before_mb * 1.2 + 20:
                break
    report.rss_after_mb = process_tree_rss(server_pid) / 1024
    if latencies:
        ordered = sorted(latencies)
        report.p50_ms = round(statistics.median(ordered) * 1000, 1)
        report.p99_ms = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)
        report.max_ms = round(ordered[-1] * 1000, 1)
    report.rss_before_mb = round(report.rss_before_mb, 1)
    report.rss_peak_mb = round(report.rss_peak_mb, 1)
    report.rss_after_mb = round(report.rss_after_mb, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graph", type=Path, help="graph directory to serve (default: build the mini fixture)")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("KG_LOAD_SECONDS", "60")))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("KG_LOAD_CLIENTS", "16")))
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's query time limit (s)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    from live_server import KG, free_port, live_process  # type: ignore[import-not-found]

    graph = args.graph
    if graph is None:
        from kg.build.pipeline import build

        graph = Path(tempfile.mkdtemp(prefix="kg-load-")) / "build"
        build(graph, data=ROOT / "tests" / "data" / "mini", reasoner="owlrl", viz=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(KG),
        "serve",
        "--graph",
        str(graph),
        "--port",
        str(port),
        "--timeout",
        str(args.timeout),
        "--workers",
        str(args.workers),
    ]
    with live_process(command, base + "/sparql") as process:
        report = run_load(base, process.pid, graph, seconds=args.seconds, clients=args.clients)
    print(json.dumps(asdict(report), indent=2))
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
