"""The parts of ``kg bench`` beside the scale curve: cold start, the build by stage, the endpoint.

Each is measured in child processes (``kg query``, ``kg build``, ``kg serve``), as a person runs them.
The endpoint's answers are checked: every response must carry the answer the embedded store gives.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from common import kg_command

RESOURCE = "https://w3id.org/mxjp-talent/resource/"
FORBIDDEN_ON_QUERY_PATH = ("owlready2", "networkx", "pyvis", "pyshacl", "owlrl", "starlette", "uvicorn")
BUILD_STAGES = {  # progress step (prefix) -> stage
    "reading the ontology": "parse/load",
    "reading the curated facts": "parse/load",
    "checking evidence spans": "parse/load",
    "building the graph": "parse/load",
    "reasoning": "reasoning",
    "validating": "validation",
    "writing the outputs": "serialisation",
    "drawing the graph page": "page",
}
COLD_BASE = "python -c 'import rdflib'"
SIMPLE_QUERY = "SELECT ?label WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"


def pick_entity(graph: Path) -> str:
    """The labelled resource with the most triples around it: the CONSTRUCT's and endpoint's subject."""
    from kg.sparql.store import GraphStore

    store = GraphStore.open(graph)
    rows = store.rows(f"""SELECT ?e (COUNT(*) AS ?n) WHERE {{
        ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l .
        {{ ?e ?p ?o }} UNION {{ ?s ?q ?e }}
        FILTER(STRSTARTS(STR(?e), "{RESOURCE}"))
    }} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""")
    return rows[0]["e"] if rows else RESOURCE + "none"


def cold_start(graph: Path, runs: int) -> dict[str, Any]:
    """Median wall time of ``kg query`` against ``python -c "import rdflib"``, and its imports."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    commands = {
        "kg query": [*kg_command(), "query", "--graph", str(graph), query],
        "kg query --format csv": [*kg_command(), "query", "--graph", str(graph), "--format", "csv", query],
        COLD_BASE: [sys.executable, "-c", "import rdflib"],
        "python -c 'pass'": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so that a burst of load on the machine hits all alike
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kg", "query", "--graph", str(graph), query],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set()
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s+(\S+)", line.strip())
        if match:
            modules.add(match.group(1).split(".")[0])
    medians = {name: statistics.median(ts) * 1000 for name, ts in times.items()}
    return {
        "median_ms": medians,
        "runs": runs,
        "ratio": medians["kg query"] / medians[COLD_BASE],
        "ratio_csv": medians["kg query --format csv"] / medians[COLD_BASE],
        "forbidden_imported": sorted(m for m in FORBIDDEN_ON_QUERY_PATH if m in modules),
        "imports_rdflib": "rdflib" in modules,
    }


def build_stages(out: Path, data: Path | None) -> dict[str, Any]:
    """Time ``kg build`` by stage in a child process, then an unchanged rebuild and a --force one."""
    code = f"""
import json, sys, time
from pathlib import Path
from kg.build.pipeline import build
marks = []
def progress(step):
    marks.append((step, time.perf_counter()))
start = time.perf_counter()
result = build(Path({str(out)!r}), data={str(data) if data else None!r} and Path({str(data)!r}), progress=progress, force=True)
end = time.perf_counter()
print(json.dumps({{"start": start, "end": end, "marks": marks, "reasoner": result.reasoner,
                  "triples": result.triples}}))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-1500:]}
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    stages: dict[str, float] = {}
    marks = run["marks"] + [["end", run["end"]]]
    stages["imports and setup"] = marks[0][1] - run["start"]
    for (step, at), (_, until) in zip(marks, marks[1:], strict=False):
        stage = next((s for prefix, s in BUILD_STAGES.items() if step.startswith(prefix)), step)
        stages[stage] = stages.get(stage, 0.0) + (until - at)
    report: dict[str, Any] = {
        "stages_s": stages,
        "total_s": run["end"] - run["start"],
        "reasoner": run["reasoner"],
        "triples": run["triples"],
    }
    command = [*kg_command(), "build", "--out", str(out)] + (["--data", str(data)] if data else [])
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True)
        timings.append(time.perf_counter() - start)
    report["unchanged_rebuild_s"] = statistics.median(timings)
    report["unchanged_rebuild_said"] = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
    report["unchanged_rebuild_ok"] = proc.returncode == 0
    return report


def _expected_bindings(graph: Path, sparql: str) -> list[str]:
    from kg.sparql.store import GraphStore

    return sorted(str(row["label"]) for row in GraphStore.open(graph).rows(sparql))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def endpoint(graph: Path, entity: str, clients: int, max_requests: int, seconds: float) -> dict[str, Any]:
    """Start ``kg serve`` on 127.0.0.1 and hit it with *clients* keep-alive clients, bounded in
    count (*max_requests*) and time (*seconds*); report throughput and latency percentiles."""
    help_proc = subprocess.run([*kg_command(), "serve", "--help"], capture_output=True, text=True)
    if help_proc.returncode != 0:
        return {"skipped": "`kg serve` is not available yet"}
    port = _free_port()
    server = subprocess.Popen(
        [*kg_command(), "serve", "--graph", str(graph), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    path = "/sparql?" + urllib.parse.urlencode({"query": SIMPLE_QUERY.format(iri=entity)})
    headers = {"Accept": "application/sparql-results+json"}
    expected = _expected_bindings(graph, SIMPLE_QUERY.format(iri=entity))
    first_body: list[bytes] = []
    wrong: list[str] = []
    checked = [0]

    def check(body: bytes) -> None:
        """Each answer is the store's: byte-identical to the first, which is compared as rows."""
        with lock:
            checked[0] += 1
            if not first_body:
                first_body.append(body)
                got = sorted(b["label"]["value"] for b in json.loads(body)["results"]["bindings"])
                if got != expected:
                    wrong.append(f"answered {got[:3]}, the store says {expected[:3]}")
            elif body != first_body[0] and not wrong:
                wrong.append(f"an answer differs from the first: {body[:200]!r}")

    lock = threading.Lock()
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                said = server.stderr.read() if server.stderr else b""
                return {"skipped": "`kg serve` exited: " + said.decode(errors="replace")[-800:]}
            try:
                conn = HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                conn.close()
                if response.status == 200:
                    break
                return {"skipped": f"`kg serve` answered HTTP {response.status}: {body[:300]!r}"}
            except OSError:
                if time.monotonic() > deadline:
                    return {"skipped": "`kg serve` did not answer within 60 s"}
                time.sleep(0.2)
        latencies: list[float] = []
        errors = [0]
        budget = [max_requests]
        stop_at = time.monotonic() + seconds

        def client() -> None:
            conn = HTTPConnection("127.0.0.1", port, timeout=10)
            mine: list[float] = []
            while time.monotonic() < stop_at:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                start = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    if response.status != 200:
                        errors[0] += 1
                    else:
                        check(body)
                except OSError:
                    errors[0] += 1
                    conn.close()
                    conn = HTTPConnection("127.0.0.1", port, timeout=10)
                mine.append(time.perf_counter() - start)
            conn.close()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        latencies.sort()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        return {
            "clients": clients,
            "requests": len(latencies),
            "errors": errors[0],
            "seconds": elapsed,
            "qps": len(latencies) / elapsed,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "query": SIMPLE_QUERY.format(iri=entity),
            "checked": checked[0],
            "wrong": wrong[0] if wrong else None,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
