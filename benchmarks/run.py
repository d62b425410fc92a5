"""Benchmarks of the store, the CLI, the build and the endpoint, and their curve against corpus size.

Run on demand (not part of the test suite):

    kg bench --graph build --sizes 1,10,100,1000 --docs docs
    python benchmarks/run.py --graph build --sizes 1,10,100,1000 --docs docs

What it measures, each in its own child process so that one measurement's memory and imports do
not leak into the next:

* load time and each competency question's median latency on Oxigraph (``kg.sparql.store.GraphStore``)
  and on rdflib's in-memory ``Dataset`` parsed from the same files, with the ratio per question,
  on the paper's graph and on generated corpora of N papers (``kg.build.corpus``) up to ``--rdflib-max``;
* a CONSTRUCT of one entity's neighbourhood;
* ``kg query`` cold start against ``python -c "import rdflib"``, and the modules it imports;
* ``kg build`` by stage (timed between the build's ``progress`` calls), and an unchanged rebuild;
* the endpoint (``kg serve``) under concurrent clients on 127.0.0.1: throughput, p50 and p99;
* the scale curve: load time, CQ latency and peak memory (``ru_maxrss``) against N.

It prints the targets with PASS or MISS, writes the results as JSON, and with ``--docs DIR`` the
tables into ``DIR/performance.md`` and the plot into ``DIR/scale.png`` (matplotlib, from the
optional ``bench`` extra).

In the corpus every resource IRI carries its copy's segment (``…/resource/c0000/…``), so the
questions are asked about the first copy: their ``res:`` IRIs are rewritten the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESOURCE = "https://w3id.org/mxjp-talent/resource/"
FORBIDDEN_ON_QUERY_PATH = ("owlready2", "networkx", "pyvis", "pyshacl", "owlrl", "starlette", "uvicorn")
RDFLIB_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}
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

# Targets (issue 8)
CQ_SPEEDUP = 50.0
LOAD_SECONDS = 15.0
MEMORY_MB = 2048.0
CQ_MS = 50.0
COLD_RATIO = 1.5
NOOP_BUILD_SECONDS = 1.0
ENDPOINT_QPS = 500.0


# --------------------------------------------------------------------------------------------
# Child process: load one graph directory into one engine, time the questions, report peak RSS.
# --------------------------------------------------------------------------------------------


def localize(sparql: str, copy: str) -> str:
    """*sparql* asked about copy *copy* of a corpus (unchanged when *copy* is empty).

    >>> localize("PREFIX res: <https://w3id.org/mxjp-talent/resource/> ASK {}", "c0000")
    'PREFIX res: <https://w3id.org/mxjp-talent/resource/c0000/> ASK {}'
    """
    return sparql.replace(RESOURCE, f"{RESOURCE}{copy}/") if copy else sparql


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def _timed(run: Callable[[], int], timeout: float) -> tuple[float, int] | None:
    """(seconds, answer size) of one run of *run*, or None when it took longer than *timeout*."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        size = run()
    except _Timeout:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start, size


def _sample(run: Callable[[], int], reps: int, budget: float, timeout: float) -> dict[str, Any]:
    """Median over up to *reps* runs after one warm-up run, stopping once *budget* seconds are spent.

    A warm-up slower than a quarter of the budget is kept as the only sample.
    """
    first = _timed(run, timeout)
    if first is None:
        return {"timeout": timeout}
    times, size = [first[0]], first[1]
    if first[0] < budget / 4:
        times = []
        spent = 0.0
        while len(times) < reps and (spent < budget or len(times) < 3):
            got = _timed(run, timeout)
            if got is None:
                return {"timeout": timeout}
            times.append(got[0])
            spent += got[0]
    return {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000, "reps": len(times), "size": size}


def child(args: argparse.Namespace) -> None:
    """Measure one engine on one graph directory; print the result as JSON on stdout."""
    import resource

    from kg.sparql.questions import questions
    from kg.sparql.store import graph_files

    directory = Path(args.dir)
    files = graph_files(directory)
    if args.child == "rdflib":
        import rdflib

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        dataset = rdflib.Dataset(default_union=True)
        for path in files:
            dataset.parse(str(path), format=RDFLIB_FORMATS[path.suffix])
        load = time.perf_counter() - start
        quads = sum(1 for _ in dataset.quads((None, None, None, None)))

        def ask(sparql: str) -> Callable[[], int]:
            def run() -> int:
                result = dataset.query(sparql)
                return len(result.graph) if result.type in ("CONSTRUCT", "DESCRIBE") else len(list(result))

            return run
    else:
        import pyoxigraph as ox

        from kg.sparql.store import GraphStore

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        store = GraphStore.open(directory)
        load = time.perf_counter() - start
        quads = len(store)

        def ask(sparql: str) -> Callable[[], int]:
            def run() -> int:
                result = store.query(sparql)
                if isinstance(result, ox.QueryBoolean):
                    return int(bool(result))
                return sum(1 for _ in result)

            return run

    after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report: dict[str, Any] = {
        "engine": args.child,
        "dir": str(directory),
        "quads": quads,
        "load_s": load,
        "rss_before_mb": before / 1024,
        "rss_loaded_mb": after_load / 1024,
        "cq": {},
    }
    for q in questions():
        report["cq"][q.name] = _sample(ask(localize(q.sparql, args.copy)), args.reps, args.budget, args.timeout)
    if args.entity:
        entity = localize(args.entity, args.copy)
        construct = f"CONSTRUCT {{ <{entity}> ?p ?o . ?s ?q <{entity}> }} WHERE {{ {{ <{entity}> ?p ?o }} UNION {{ ?s ?q <{entity}> }} }}"
        report["construct"] = _sample(ask(construct), args.reps, args.budget, args.timeout)
    report["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report))


def measure(engine: str, directory: Path, copy: str, opts: argparse.Namespace, entity: str) -> dict[str, Any]:
    """Run :func:`child` in a fresh interpreter and return its report (or the error)."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        engine,
        "--dir",
        str(directory),
        "--copy",
        copy,
        "--entity",
        entity,
        "--reps",
        str(opts.reps),
        "--budget",
        str(opts.budget if engine == "oxigraph" else opts.rdflib_budget),
        "--timeout",
        str(opts.rdflib_timeout if engine == "rdflib" else 60),
    ]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"error": (proc.stderr or proc.stdout).strip()[-2000:], "engine": engine}
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["wall_s"] = time.perf_counter() - start
    return report


# --------------------------------------------------------------------------------------------
# The parts of the benchmark
# --------------------------------------------------------------------------------------------


@dataclass
class Results:
    """Everything measured, as one JSON-able object."""

    meta: dict[str, Any] = field(default_factory=dict)
    pick: dict[str, Any] = field(default_factory=dict)
    engines: dict[str, dict[str, Any]] = field(default_factory=dict)  # "base" / "N=100" -> engine -> report
    corpora: dict[str, Any] = field(default_factory=dict)
    cold: dict[str, Any] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)
    endpoint: dict[str, Any] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)


def say(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


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


def kg_command() -> list[str]:
    """How to start ``kg``: the console script beside this interpreter, else ``python -m kg``."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg"]


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
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                return {"skipped": "`kg serve` exited: " + server.stderr.read().decode(errors="replace")[-800:]}
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
        lock = threading.Lock()
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
                    response.read()
                    if response.status != 200:
                        errors[0] += 1
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
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --------------------------------------------------------------------------------------------
# Targets and reports
# --------------------------------------------------------------------------------------------


def _cq_medians(report: dict[str, Any]) -> dict[str, float | None]:
    return {name: r.get("median_ms") for name, r in report.get("cq", {}).items()}


def growing(results: Results, prefix: str = "N=") -> dict[str, tuple[int, int]]:
    """Questions whose answer, or whose work, grows with the corpus: name -> (rows at the smallest N,
    at the largest). The work grows when the median latency grows more than tenfold."""
    sizes = sorted(int(k[len(prefix) :]) for k in results.engines if k.startswith(prefix))
    if len(sizes) < 2:
        return {}
    low = results.engines[f"{prefix}{sizes[0]}"].get("oxigraph", {}).get("cq", {})
    high = results.engines[f"{prefix}{sizes[-1]}"].get("oxigraph", {}).get("cq", {})

    def grows(a: dict[str, Any], b: dict[str, Any]) -> bool:
        slower = b.get("median_ms", 0) > max(5.0, 10 * a.get("median_ms", float("inf")))
        return b.get("size", 0) > a.get("size", 0) or slower

    return {
        name: (low[name].get("size", 0), high[name].get("size", 0))
        for name in high
        if name in low and grows(low[name], high[name])
    }


def check_targets(results: Results) -> list[dict[str, Any]]:
    """Each target with PASS or MISS and the numbers behind it."""
    targets: list[dict[str, Any]] = []

    def add(name: str, ok: bool | None, detail: str) -> None:
        targets.append(
            {"target": name, "status": "PASS" if ok else ("SKIP" if ok is None else "MISS"), "detail": detail}
        )

    scale = results.meta.get("scale_graph", results.meta.get("graph", ""))
    series = [("N=", "")] + (
        [("paper graph x", "full paper graph: ")] if any(k.startswith("paper graph x") for k in results.engines) else []
    )
    for prefix, label in series:
        if prefix == "N=" and len(series) > 1:
            label = f"{scale} corpus: "
        hundred = results.engines.get(f"{prefix}100", {})
        if "oxigraph" in hundred and "rdflib" in hundred and "cq" in hundred["rdflib"]:
            ratios = speedups(hundred["oxigraph"], hundred["rdflib"])
            misses = {n: r for n, r in ratios.items() if r[0] < CQ_SPEEDUP}
            worst = min(ratios.items(), key=lambda kv: kv[1][0]) if ratios else ("-", (0.0, ""))
            add(
                f"{label}every CQ >= {CQ_SPEEDUP:.0f}x faster than rdflib at 100 papers",
                not misses,
                f"slowest ratio {worst[1][1]}{worst[1][0]:.0f}x ({worst[0]}); {len(misses)} of {len(ratios)} below"
                + (": " + ", ".join(f"{n} {r[1]}{r[0]:.0f}x" for n, r in sorted(misses.items())) if misses else ""),
            )
        else:
            add(
                f"{label}every CQ >= {CQ_SPEEDUP:.0f}x faster than rdflib at 100 papers",
                None,
                "not measured (size 100 not run)",
            )
        thousand = results.engines.get(f"{prefix}1000", {}).get("oxigraph")
        if thousand and "error" not in thousand:
            add(
                f"{label}1000 papers loaded in <= {LOAD_SECONDS:.0f} s",
                thousand["load_s"] <= LOAD_SECONDS,
                f"{thousand['load_s']:.1f} s for {thousand['quads']:,} quads",
            )
            add(
                f"{label}1000 papers: peak memory < {MEMORY_MB:.0f} MB",
                thousand["rss_peak_mb"] < MEMORY_MB,
                f"{thousand['rss_peak_mb']:.0f} MB peak RSS (loaded: {thousand['rss_loaded_mb']:.0f} MB)",
            )
            meds = {n: m for n, m in _cq_medians(thousand).items() if m is not None}
            grow = growing(results, prefix)
            fixed = {n: m for n, m in meds.items() if n not in grow}
            slow_fixed = {n: m for n, m in fixed.items() if m > CQ_MS}
            slow_grow = {n: m for n, m in meds.items() if n in grow and m > CQ_MS}
            median_all = statistics.median(meds.values()) if meds else float("nan")
            add(
                f"{label}1000 papers: CQ median <= {CQ_MS:.0f} ms",
                median_all <= CQ_MS and not slow_fixed,
                f"median over CQs {median_all:.1f} ms; max {max(meds.values()):.1f} ms; "
                f"{len(slow_fixed)} fixed-answer CQ(s) over {CQ_MS:.0f} ms"
                + (
                    " (" + ", ".join(f"{n} {m:.0f} ms" for n, m in sorted(slow_fixed.items())) + ")"
                    if slow_fixed
                    else ""
                )
                + (
                    f"; {len(slow_grow)} CQ(s) whose answer or work grows with the corpus over it: "
                    + ", ".join(
                        f"{n} {m:.0f} ms ({grow[n][0]}->{grow[n][1]} rows)" for n, m in sorted(slow_grow.items())
                    )
                    if slow_grow
                    else ""
                ),
            )
        else:
            add(f"{label}1000 papers: load, memory, CQ latency", None, "not measured (size 1000 not run)")
    if results.cold:
        c = results.cold
        add(
            f"`kg query` cold start within {COLD_RATIO}x of `import rdflib`",
            c["ratio"] <= COLD_RATIO,
            f"{c['median_ms']['kg query']:.0f} ms vs {c['median_ms'][COLD_BASE]:.0f} ms = {c['ratio']:.2f}x "
            f"(--format csv, which skips rdflib: {c['ratio_csv']:.2f}x)",
        )
        add(
            "query path imports none of " + ", ".join(FORBIDDEN_ON_QUERY_PATH),
            not c["forbidden_imported"],
            "imports: " + (", ".join(c["forbidden_imported"]) or "none of them"),
        )
    if results.build and "error" not in results.build:
        b = results.build
        add(
            f"unchanged `kg build` < {NOOP_BUILD_SECONDS:.0f} s",
            b["unchanged_rebuild_ok"] and b["unchanged_rebuild_s"] < NOOP_BUILD_SECONDS,
            f"{b['unchanged_rebuild_s']:.2f} s ({' '.join(b['unchanged_rebuild_said'])}); full build {b['total_s']:.1f} s",
        )
    elif results.build:
        add(
            f"unchanged `kg build` < {NOOP_BUILD_SECONDS:.0f} s",
            None,
            "build failed: " + results.build["error"].splitlines()[-1],
        )
    if results.endpoint and "qps" in results.endpoint:
        e = results.endpoint
        add(
            f"endpoint >= {ENDPOINT_QPS:.0f} simple queries/s",
            e["qps"] >= ENDPOINT_QPS and e["errors"] == 0,
            f"{e['qps']:.0f} q/s with {e['clients']} clients; p50 {e['p50_ms']:.1f} ms, p99 {e['p99_ms']:.1f} ms; {e['errors']} errors",
        )
    elif results.endpoint:
        add(f"endpoint >= {ENDPOINT_QPS:.0f} simple queries/s", None, results.endpoint.get("skipped", "?"))
    return targets


def speedups(ox_report: dict[str, Any], rdf_report: dict[str, Any]) -> dict[str, tuple[float, str]]:
    """Per question: rdflib median / Oxigraph median, with ">=" where rdflib hit its time limit."""
    out: dict[str, tuple[float, str]] = {}
    for name, r in ox_report.get("cq", {}).items():
        o, other = r.get("median_ms"), rdf_report.get("cq", {}).get(name, {})
        if not o:
            continue
        if "median_ms" in other:
            out[name] = (other["median_ms"] / o, "")
        elif "timeout" in other:
            out[name] = (other["timeout"] * 1000 / o, ">=")
    return out


def _fmt_ms(r: dict[str, Any] | None) -> str:
    if not r:
        return "—"
    if "timeout" in r:
        return f"> {r['timeout'] * 1000:.0f}"
    return f"{r['median_ms']:.2f}" if r["median_ms"] < 10 else f"{r['median_ms']:.1f}"


def markdown(results: Results) -> str:
    """The results as the markdown of docs/performance.md."""
    m = results.meta
    lines = [
        "# Performance",
        "",
        "Generated by `kg bench` (benchmarks/run.py); numbers from one run on this machine, "
        "ratios are against rdflib's in-memory `Dataset` loaded from the same files.",
        "",
        f"- Command: `{m['command']}`",
        f"- Machine: {m['cpus']} cores, {m['memory_gb']} GB, {m['platform']}; load average at start {m['loadavg']}",
        f"- Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}; graph `{m['graph']}`; {m['date']}",
        "",
        "## Targets",
        "",
        "| target | status | numbers |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {t['target']} | **{t['status']}** | {t['detail']} |" for t in results.targets]

    lines += [
        "",
        "## Load time",
        "",
        "| data | quads | Oxigraph s | rdflib s | rdflib / Oxigraph | Oxigraph peak RSS MB | rdflib peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, engines in results.engines.items():
        o, r = engines.get("oxigraph", {}), engines.get("rdflib", {})
        if "load_s" not in o:
            continue
        rl = f"{r['load_s']:.2f}" if "load_s" in r else "—"
        ratio = f"{r['load_s'] / o['load_s']:.1f}x" if "load_s" in r else "—"
        rm = f"{r['rss_peak_mb']:.0f}" if "rss_peak_mb" in r else "—"
        lines.append(f"| {key} | {o['quads']:,} | {o['load_s']:.3f} | {rl} | {ratio} | {o['rss_peak_mb']:.0f} | {rm} |")

    for key, engines in results.engines.items():
        o, r = engines.get("oxigraph", {}), engines.get("rdflib", {})
        if "cq" not in o or "cq" not in r:
            continue
        ratios = speedups(o, r)
        lines += [
            "",
            f"## Competency questions, Oxigraph vs rdflib ({key})",
            "",
            "Median latency in ms (one warm-up run, then up to "
            f"{m['reps']} runs within a time budget); rows = answer size (Oxigraph / rdflib).",
            "",
            "| question | rows | Oxigraph ms | rdflib ms | speed-up |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name in o["cq"]:
            rows_o, rows_r = o["cq"][name].get("size", "—"), r["cq"].get(name, {}).get("size", "—")
            rows = f"{rows_o}" if rows_o == rows_r or rows_r == "—" else f"{rows_o} / {rows_r}"
            sp = ratios.get(name)
            lines.append(
                f"| {name} | {rows} | {_fmt_ms(o['cq'][name])} | {_fmt_ms(r['cq'].get(name))} | "
                + (f"{sp[1]}{sp[0]:.0f}x |" if sp else "— |")
            )
        if "construct" in o and "construct" in r:
            sp = (r["construct"].get("median_ms") or r["construct"].get("timeout", 0) * 1000) / o["construct"][
                "median_ms"
            ]
            lines.append(
                f"| CONSTRUCT neighbourhood of `{results.pick['entity_local']}` | {o['construct']['size']} | "
                f"{_fmt_ms(o['construct'])} | {_fmt_ms(r['construct'])} | {sp:.0f}x |"
            )
        if ratios:
            vals = sorted(v for v, _ in ratios.values())
            lines += [
                "",
                f"Speed-up over the questions: min {vals[0]:.0f}x, median {statistics.median(vals):.0f}x, "
                f"max {vals[-1]:.0f}x.",
            ]

    sizes = [k for k in results.engines if k.startswith("N=")]
    if sizes:
        lines += [
            "",
            "## Scale",
            "",
            f"The corpus is the graph `{m.get('scale_graph', m['graph'])}` repeated N times (`kg corpus`); each copy's resource IRIs "
            "carry their own segment (`…/resource/c0042/…`), the ontology is kept once. The questions "
            "are asked about copy c0000. Peak memory is the child process's `ru_maxrss` after loading "
            "and answering every question.",
            "",
            "| papers | quads | corpus written s | load s | peak RSS MB | CQ median of medians ms | slowest CQ ms |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for key in sizes:
            o = results.engines[key].get("oxigraph", {})
            if "load_s" not in o:
                continue
            meds = [v for v in _cq_medians(o).values() if v is not None]
            slow = max(_cq_medians(o).items(), key=lambda kv: kv[1] or 0)
            lines.append(
                f"| {key[2:]} | {o['quads']:,} | {results.corpora.get(key, {}).get('seconds', 0):.1f} | "
                f"{o['load_s']:.2f} | {o['rss_peak_mb']:.0f} | {statistics.median(meds):.2f} | "
                f"{slow[1]:.1f} ({slow[0]}) |"
            )
        lines += [
            "",
            "![load time, CQ latency and peak memory against corpus size](scale.png)",
            "",
            "Median latency per question (ms) against the number of papers:",
            "",
            "| question | " + " | ".join(k[2:] for k in sizes) + " |",
            "| --- | " + " | ".join("---:" for _ in sizes) + " |",
        ]
        names = list(results.engines[sizes[0]].get("oxigraph", {}).get("cq", {}))
        for name in names:
            cells = [_fmt_ms(results.engines[k].get("oxigraph", {}).get("cq", {}).get(name)) for k in sizes]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        grow = growing(results)
        if grow:
            lines += [
                "",
                "Questions whose answer or work grows with the corpus (rows at the smallest → the largest N): "
                + ", ".join(f"{n} ({a} → {b} rows)" for n, (a, b) in sorted(grow.items()))
                + ". "
                'They start from no resource of the paper ("all laws", "citations per work", "every '
                'observation of a measure"), so in a corpus of N papers they return, or aggregate over, every '
                "paper's answer: their latency grows linearly with N because their output (or the set they "
                "scan) does, not because a lookup gets slower. The questions anchored on a named resource "
                "stay flat. In a real multi-paper store such questions would be scoped to one paper "
                "(e.g. by its claims' `prov:wasDerivedFrom`).",
            ]

    if results.cold:
        c = results.cold
        lines += [
            "",
            "## `kg query` cold start",
            "",
            f"Median wall time of {c['runs']} runs (subprocess, interleaved), on the paper's graph:",
            "",
            "| command | ms |",
            "| --- | ---: |",
        ]
        lines += [f"| `{name}` | {ms:.0f} |" for name, ms in c["median_ms"].items()]
        lines += [
            "",
            f"Ratio kg query / import rdflib: {c['ratio']:.2f} (table), {c['ratio_csv']:.2f} (csv). `python -X importtime -m kg query …` imports "
            f"{', '.join(c['forbidden_imported']) or 'none'} of {', '.join(FORBIDDEN_ON_QUERY_PATH)}; "
            f"rdflib {'is' if c['imports_rdflib'] else 'is not'} imported.",
        ]
    if results.build:
        b = results.build
        lines += ["", "## `kg build` by stage", ""]
        if "error" in b:
            lines.append(f"The build failed: `{b['error'].splitlines()[-1]}`")
        else:
            lines += [
                f"Full build of {b['triples']:,} asserted triples with {b['reasoner']} (`--force`):",
                "",
                "| stage | s |",
                "| --- | ---: |",
            ]
            lines += [f"| {s} | {t:.2f} |" for s, t in b["stages_s"].items()]
            lines += [
                f"| **total** | **{b['total_s']:.2f}** |",
                "",
                f"Unchanged rebuild (`kg build` again, inputs hashed, median of 3): {b['unchanged_rebuild_s']:.2f} s "
                f"— {' '.join(b['unchanged_rebuild_said'])}",
            ]
    if results.endpoint:
        e = results.endpoint
        lines += ["", "## Endpoint (`kg serve`)", ""]
        if "qps" in e:
            lines += [
                f"{e['clients']} concurrent keep-alive clients on 127.0.0.1 (threads of one Python process, on the "
                f"same two cores as the server), GET /sparql, bounded to {e['requests']} requests / {e['seconds']:.1f} s:",
                "",
                "| requests | errors | queries/s | p50 ms | p99 ms |",
                "| ---: | ---: | ---: | ---: | ---: |",
                f"| {e['requests']} | {e['errors']} | {e['qps']:.0f} | {e['p50_ms']:.1f} | {e['p99_ms']:.1f} |",
                "",
                f"Query: `{e['query']}`",
            ]
        else:
            lines.append(f"Skipped: {e.get('skipped')}")
    notes = HERE / "notes.md"  # hand-written reading of the numbers, kept across runs
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def plot(results: Results, path: Path) -> bool:
    """Draw the scale curve into *path*; False when matplotlib is missing (`pip install -e .[bench]`)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        say("matplotlib is not installed (pip install -e '.[bench]'): no plot")
        return False
    sizes = sorted(
        int(k[2:]) for k in results.engines if k.startswith("N=") and "load_s" in results.engines[k].get("oxigraph", {})
    )
    if len(sizes) < 2:
        return False
    ox = [results.engines[f"N={n}"]["oxigraph"] for n in sizes]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
    corpus = results.meta.get("scale_graph", "corpus")
    axes[0].plot(sizes, [r["load_s"] for r in ox], "o-", color="C0", label=f"Oxigraph, {corpus}")
    rd = [(n, results.engines[f"N={n}"].get("rdflib", {}).get("load_s")) for n in sizes]
    rd = [(n, s) for n, s in rd if s]
    if rd:
        axes[0].plot([n for n, _ in rd], [s for _, s in rd], "s--", color="C1", label=f"rdflib, {corpus}")
    extra = sorted(
        (int(k.rsplit("x", 1)[1]), v["oxigraph"])
        for k, v in results.engines.items()
        if k.startswith("paper graph x") and "load_s" in v.get("oxigraph", {})
    )
    if extra:
        axes[0].plot(
            [n for n, _ in extra],
            [r["load_s"] for _, r in extra],
            "^-.",
            color="C2",
            label="Oxigraph, full paper graph",
        )
        axes[2].plot(
            [n for n, _ in extra],
            [r["rss_peak_mb"] for _, r in extra],
            "^-.",
            color="C2",
            label="Oxigraph, full paper graph",
        )
        axes[1].plot(
            [n for n, _ in extra],
            [statistics.median([v for v in _cq_medians(r).values() if v]) for _, r in extra],
            "k^-.",
            lw=1.5,
            label="median over CQs, full paper graph",
        )
    axes[0].axhline(LOAD_SECONDS, color="grey", lw=0.8, ls=":", label=f"target {LOAD_SECONDS:.0f} s")
    axes[0].set(xscale="log", yscale="log", xlabel="papers", ylabel="load time (s)", title="Load")
    grow = growing(results)
    for name in ox[0]["cq"]:
        ys = [r["cq"].get(name, {}).get("median_ms") for r in ox]
        if all(y is not None for y in ys):
            axes[1].plot(
                sizes,
                ys,
                "-",
                lw=1.2 if name in grow else 0.8,
                alpha=0.9 if name in grow else 0.45,
                label=name if name in grow else None,
            )
    axes[1].plot(
        sizes,
        [statistics.median([v for v in _cq_medians(r).values() if v]) for r in ox],
        "k-o",
        lw=2,
        label=f"median over CQs, {corpus}",
    )
    axes[1].axhline(CQ_MS, color="grey", lw=0.8, ls=":", label=f"target {CQ_MS:.0f} ms")
    axes[1].set(
        xscale="log",
        yscale="log",
        xlabel="papers",
        ylabel="median latency (ms)",
        title=f"Competency questions (Oxigraph; thin lines: {corpus})",
    )
    axes[1].legend(fontsize=6, loc="upper left")
    axes[2].plot(sizes, [r["rss_peak_mb"] for r in ox], "o-", color="C0", label=f"Oxigraph, {corpus}")
    rm = [(n, results.engines[f"N={n}"].get("rdflib", {}).get("rss_peak_mb")) for n in sizes]
    rm = [(n, s) for n, s in rm if s]
    if rm:
        axes[2].plot([n for n, _ in rm], [s for _, s in rm], "s--", color="C1", label=f"rdflib, {corpus}")
    axes[2].axhline(MEMORY_MB, color="grey", lw=0.8, ls=":", label=f"target {MEMORY_MB:.0f} MB")
    axes[2].set(xscale="log", yscale="log", xlabel="papers", ylabel="peak RSS (MB)", title="Memory")
    for ax in (axes[0], axes[2]):
        ax.legend(fontsize=8)
    for ax in axes:
        ax.grid(True, which="both", lw=0.3)
    fig.suptitle(f"mxjp-talent-kg at scale ({results.meta['cpus']} cores)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------------------------


def render(paths: Sequence[Path], docs: Path | None) -> int:
    """Merge results files into one report (see ``--render``) and write it like a run does."""
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    first, last = loaded[0], loaded[-1]
    results = Results(**{k: v for k, v in first.items() if k in Results.__dataclass_fields__})
    engines = {"base": first["engines"].get("base", {})}
    if len(loaded) > 1:  # the corpus series of all but the last file become extra rows, the last one's is the curve
        for other in loaded[:-1]:
            for key, value in sorted(
                other["engines"].items(), key=lambda kv: int(kv[0][2:]) if kv[0][2:].isdigit() else 0
            ):
                if key.startswith("N="):
                    engines.setdefault(f"paper graph x{key[2:]}", {}).update(value)
        results.corpora = last.get("corpora", {})
        results.meta = {
            **first["meta"],
            "command": "`, then `".join(r["meta"]["command"] for r in loaded),
            "scale_graph": last["meta"].get("scale_graph", last["meta"]["graph"]),
        }
    engines.update({k: v for k, v in last["engines"].items() if k.startswith("N=")})
    results.engines = engines
    results.targets = check_targets(results)
    text = markdown(results)
    if docs:
        docs.mkdir(parents=True, exist_ok=True)
        (docs / "performance.md").write_text(text, encoding="utf-8")
        plot(results, docs / "scale.png")
    print(text)
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="kg bench",
        description=__doc__.split("\n\n")[0],
        epilog="Example:  kg bench --graph build --scale-graph /tmp/mini --sizes 1,10,100,1000 --docs docs",
    )
    p.add_argument("--graph", type=Path, default=Path("build"), help="the paper's graph (output of kg build)")
    p.add_argument("--sizes", default="1,10,100,1000", help="corpus sizes in papers, comma-separated ('' for none)")
    p.add_argument(
        "--scale-graph",
        type=Path,
        default=None,
        help="the graph the corpora repeat (default: --graph), e.g. a smaller build for a 1000-paper run",
    )
    p.add_argument(
        "--render",
        type=Path,
        nargs="+",
        default=None,
        help="only write the report from results JSON files: the first gives the paper's graph, "
        "cold start, build and endpoint; the corpus series of the last is the scale curve",
    )
    p.add_argument("--work", type=Path, default=None, help="where corpora and builds go (default: a temp dir)")
    p.add_argument("--rdflib-max", type=int, default=100, help="largest corpus also loaded into rdflib")
    p.add_argument("--reps", type=int, default=15, help="most timed runs per question")
    p.add_argument("--budget", type=float, default=2.0, help="seconds of timed runs per question (Oxigraph)")
    p.add_argument("--rdflib-budget", type=float, default=6.0, help="seconds of timed runs per question (rdflib)")
    p.add_argument("--rdflib-timeout", type=float, default=60.0, help="longest single rdflib run before giving up")
    p.add_argument("--cold-runs", type=int, default=7, help="runs of each cold-start command")
    p.add_argument("--build-data", type=Path, default=None, help="curated data for the build stage (default: shipped)")
    p.add_argument("--clients", type=int, default=4, help="concurrent endpoint clients")
    p.add_argument("--requests", type=int, default=5000, help="most endpoint requests")
    p.add_argument("--seconds", type=float, default=10.0, help="most seconds of endpoint load")
    p.add_argument("--skip", default="", help="parts to skip: compare,scale,cold,build,endpoint")
    p.add_argument("--json", type=Path, default=None, help="write the results here (default: WORK/results.json)")
    p.add_argument("--docs", type=Path, default=None, help="write performance.md and scale.png into this folder")
    p.add_argument("--child", choices=["oxigraph", "rdflib"], help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--copy", default="", help=argparse.SUPPRESS)
    p.add_argument("--entity", default="", help=argparse.SUPPRESS)
    p.add_argument("--timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    return p.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when it ran (whatever the targets say), 2 on bad arguments."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        child(args)
        return 0
    if args.render:
        return render(args.render, args.docs)
    import pyoxigraph
    import rdflib

    from kg.build.corpus import generate
    from kg.sparql.store import graph_files

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        graph_files(args.graph)
    except (ValueError, Exception) as exc:  # noqa: BLE001 - reported to the person, not raised
        say(f"error: {exc}")
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = Results()
    results.meta = {
        "command": "kg bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "platform": platform.platform(terse=True),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "graph": str(args.graph),
        "scale_graph": str(args.scale_graph or args.graph),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "reps": args.reps,
    }
    entity = pick_entity(args.graph)
    results.pick = {"entity": entity, "entity_local": entity.replace(RESOURCE, "res:")}
    say(f"entity for CONSTRUCT and the endpoint: {entity}")

    if "compare" not in skip:
        say(f"paper's graph {args.graph}: Oxigraph and rdflib…")
        results.engines["base"] = {e: measure(e, args.graph, "", args, entity) for e in ("oxigraph", "rdflib")}
    if "scale" not in skip:
        for n in sizes:
            target = work / f"corpus-{n}"
            start = time.perf_counter()
            made = generate(args.scale_graph or args.graph, n, target)
            results.corpora[f"N={n}"] = {
                "seconds": time.perf_counter() - start,
                "quads": made.total_quads,
                "bytes": made.bytes_written,
            }
            engines = ("oxigraph", "rdflib") if n <= args.rdflib_max else ("oxigraph",)
            results.engines[f"N={n}"] = {}
            for engine in engines:
                say(f"{n} paper(s), {made.total_quads:,} quads: {engine}…")
                results.engines[f"N={n}"][engine] = measure(engine, target, "c0000", args, entity)
                report = results.engines[f"N={n}"][engine]
                if "error" in report:
                    say(f"  failed: {report['error'][-500:]}")
                else:
                    say(f"  load {report['load_s']:.2f} s, peak {report['rss_peak_mb']:.0f} MB")
            if n > 100:
                shutil.rmtree(target, ignore_errors=True)
    if "cold" not in skip:
        say("cold start…")
        results.cold = cold_start(args.graph, args.cold_runs)
    if "build" not in skip:
        say("kg build by stage…")
        results.build = build_stages(work / "build", args.build_data)
    if "endpoint" not in skip:
        say("endpoint…")
        results.endpoint = endpoint(args.graph, entity, args.clients, args.requests, args.seconds)
    results.targets = check_targets(results)

    out_json = args.json or work / "results.json"
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(results.__dict__, indent=1, default=str) + "\n", encoding="utf-8")
    text = markdown(results)
    if args.docs:
        args.docs.mkdir(parents=True, exist_ok=True)
        (args.docs / "performance.md").write_text(text, encoding="utf-8")
        plot(results, args.docs / "scale.png")
    print(text)
    for t in results.targets:
        print(f"{t['status']:4}  {t['target']}: {t['detail']}")
    say(f"results: {out_json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
