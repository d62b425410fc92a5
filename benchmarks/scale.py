"""The scale curve: the paper's graph repeated 1, 10, 100 and 1,000 times, every answer checked.

Run on demand (not part of the test suite), alone or as part of ``kg bench``:

    python benchmarks/scale.py --graph build --sizes 1,10,100,1000 --work /tmp/scale --json scale.json
    kg bench --graph build --sizes 1,10,100,1000 --docs docs

For each size N it writes the corpus (``kg corpus``: copy 0 is the paper under its own IRIs), then

* **in memory** (N up to ``--memory-max``): loads the corpus as ``kg query`` and ``kg serve`` load a
  graph directory (``GraphStore.open``), and times every competency question;
* **on disk**: runs ``kg load`` and measures its wall time, CPU time and peak memory (the loading
  process's ``ru_maxrss``, from ``wait4``); times opening the store in fresh processes; times
  every question on it.

Each measurement runs in its own process. A question is timed through ``GraphStore.query`` — what
``kg query``, ``kg.open_graph`` and the endpoint's workers run, including the evaluation of
``ORDER BY`` queries in a forked child (:mod:`kg.sparql.isolate`) — and, for comparison, through the
engine alone (``pyoxigraph.Store.query`` in-process). Every run's answer is checked against the
paper's (:mod:`answers`): a wrong answer at any size fails the run, names the question, the size
and how the answer differs, and the report is not published.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from common import disk_usage_mb, kg_command, say, timed_process  # noqa: E402
from measure import child_measure, child_reference, plans  # noqa: E402

REWRITES = HERE / "rewrites"  # proposed rewrites of questions: <question>.rq, checked and timed beside them
REWRITTEN = " (rewrite)"


# --------------------------------------------------------------------------------------------
# Children: each measurement in a fresh interpreter, its result written as JSON to --out.
# --------------------------------------------------------------------------------------------


#: What a fresh ``kg`` process does to open a store: imports, ``kg.open_graph``, a first answer;
#: then the manifest check alone (checksums or file stamps of the source), now that files are cached.
OPEN_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
import kg
from kg.sparql.ondisk import manifest_of
from pathlib import Path
t1 = time.perf_counter()
graph = kg.open_graph(sys.argv[1])
t2 = time.perf_counter()
graph.query("ASK { ?s ?p ?o }")
t3 = time.perf_counter()
manifest_of(Path(sys.argv[1]))
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "first_answer_s": t3 - t2, "manifest_s": t4 - t3}))
"""


def open_store(store: Path) -> dict[str, Any]:
    """Time opening *store* in a fresh interpreter (:data:`OPEN_SCRIPT`)."""
    proc = subprocess.run([sys.executable, "-c", OPEN_SCRIPT, str(store)], capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-1000:]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def child(args: argparse.Namespace) -> int:
    """Run one child measurement and write its JSON to ``--out``."""
    run = {"reference": child_reference, "measure": child_measure}[args.child]
    Path(args.out).write_text(json.dumps(run(args)) + "\n", encoding="utf-8")
    return 0


def spawn(mode: str, out: Path, *extra: str) -> dict[str, Any]:
    """Run a child in a fresh interpreter; its report, or the error it ended with."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--out", str(out), *extra]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0 or not out.is_file():
        return {"error": (proc.stderr or proc.stdout).strip()[-3000:]}
    return dict(json.loads(out.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# The parent: corpora, kg load, open, measurements; then the checks.
# --------------------------------------------------------------------------------------------


def explain_rows(database: Path, sparql: str, scratch: Path) -> dict[str, Any] | None:
    """How many rows the steps of Oxigraph's plan for *sparql* produced on *database*: the largest
    step (with its name) and the total, from ``oxigraph query --explain-file --stats`` (the CLI of the
    ``oxigraph`` package, in the dev extra; it opens the database read-only). None without the CLI.
    A question anchored on one paper whose largest step grows with the corpus scans the corpus."""
    cli = Path(sys.executable).with_name("oxigraph")
    found = str(cli) if cli.is_file() else shutil.which("oxigraph")
    if not found:
        return None
    query, plan_file = scratch / "explain.rq", scratch / "explain.json"
    query.write_text(sparql, encoding="utf-8")
    command = [found, "query", "-l", str(database), "--query-file", str(query), "--results-format", "csv"]
    command += ["--explain-file", str(plan_file), "--stats", "--union-default-graph"]
    if subprocess.run(command, capture_output=True).returncode != 0 or not plan_file.is_file():
        return None
    steps: list[tuple[int, str]] = []

    def walk(node: dict[str, Any]) -> None:
        steps.append((int(node.get("number of results", 0)), str(node.get("name", ""))))
        for child_node in node.get("children", []):
            walk(child_node)

    tree = json.loads(plan_file.read_text(encoding="utf-8"))
    walk(tree.get("plan", tree))
    largest = max(steps)
    return {"largest": largest[0], "largest_step": largest[1][:160], "total": sum(n for n, _ in steps)}


def snapshot_questions(
    path: Path, rewrites: Path | None = REWRITES, extra: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """The competency questions as they are now (queries/cq is read once, so every size asks the
    same text even if a question is edited during the run), with their sha256; then the *extra*
    queries (name -> SPARQL, timed and checked like a question), then the proposed rewrites in
    *rewrites* (``<question>.rq``), each named for the question it rewrites."""
    import hashlib

    from kg.sparql.questions import questions

    def entry(name: str, sparql: str, **more: str) -> dict[str, str]:
        return {"name": name, "sparql": sparql, "sha256": hashlib.sha256(sparql.encode()).hexdigest(), **more}

    snap = [entry(q.name, q.sparql) for q in questions()]
    snap += [entry(name, sparql, extra="yes") for name, sparql in (extra or {}).items()]
    for file in sorted(rewrites.glob("*.rq")) if rewrites and rewrites.is_dir() else []:
        snap.append(entry(file.stem + REWRITTEN, file.read_text(encoding="utf-8"), rewrite_of=file.stem))
    path.write_text(json.dumps(snap, indent=1) + "\n", encoding="utf-8")
    return snap


def measure_size(n: int, args: argparse.Namespace, work: Path, reference: Path) -> dict[str, Any]:
    """Everything measured at one size: corpus, in memory, kg load, open, on disk."""
    from kg.build.corpus import generate

    corpus, store = work / f"corpus-{n}", work / f"store-{n}"
    common = ["--reference", str(reference), "--copies", str(n), "--reps", str(args.reps), "--budget", str(args.budget)]
    common += ["--timeout", str(args.rdflib_timeout), "--limit", str(args.limit)]
    over = args.__dict__.setdefault("over_limit", {})  # engine -> questions cut at a smaller size

    def skip(engine: str) -> list[str]:
        return ["--skip-questions", "|".join(sorted(over.get(engine, set())))]

    def remember(engine: str, report: dict[str, Any]) -> None:
        for name, paths in report.get("cq", {}).items():
            if any("timeout_s" in r or "skipped" in r for r in paths.values()):
                over.setdefault(engine, set()).add(name)

    out: dict[str, Any] = {"papers": n}
    start = time.perf_counter()
    made = generate(args.graph, n, corpus)
    out["corpus"] = {"seconds": time.perf_counter() - start, "quads": made.total_quads, "bytes": made.bytes_written}
    say(f"{n} paper(s): {made.total_quads:,} data quads, {made.bytes_written / 1e6:.0f} MB of N-Quads")
    engines = ["memory"] if n <= args.memory_max else []
    engines += ["rdflib"] if n <= args.rdflib_max else []
    for engine in engines:
        say(f"  {engine}: load and questions…")
        out[engine] = spawn(
            "measure", work / f"{engine}-{n}.json", "--engine", engine, "--dir", str(corpus), *common, *skip(engine)
        )
        remember(engine, out[engine])
        _say_report(out[engine])
    say("  kg load…")
    shutil.rmtree(store, ignore_errors=True)
    out["load"] = timed_process([*kg_command(), "load", "--graph", str(corpus), "--store", str(store)])
    out["load"]["store_mb"] = disk_usage_mb(store) if store.is_dir() else None
    load = out["load"]
    say(f"  kg load: {load['wall_s']:.1f} s wall, {load['cpu_s']:.1f} s CPU, peak {load['peak_rss_mb']:.0f} MB")
    if load["exit"] == 0:
        opens = [open_store(store) for _ in range(args.open_runs)]
        out["open"] = opens
        good = [o["open_s"] for o in opens if "open_s" in o]
        if good:
            say(f"  open: median {statistics.median(good) * 1000:.1f} ms over {len(good)} fresh processes")
        say("  on disk: questions…")
        out["disk"] = spawn(
            "measure", work / f"disk-{n}.json", "--engine", "disk", "--dir", str(store), *common, *skip("disk")
        )
        remember("disk", out["disk"])
        _say_report(out["disk"])
        if args.explain:
            say("  plans of the anchored questions…")
            from answers import anchored

            snapshot = json.loads((work / "questions.json").read_text(encoding="utf-8"))
            out["explain"] = {
                q["name"]: explain_rows(store / "oxigraph", q["sparql"], work)
                for q in snapshot
                if anchored(q["sparql"])
            }
    if not args.keep and n > 100:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)
    return out


def _say_report(report: dict[str, Any]) -> None:
    if "error" in report:
        say(f"    failed: {report['error'][-800:]}")
        return
    wrong = [(name, p) for name, paths in report["cq"].items() for p, r in paths.items() if r.get("wrong")]
    cut = sorted({name for name, paths in report["cq"].items() for r in paths.values() if "timeout_s" in r})
    took = report.get("load_s", report.get("open_s", 0.0))
    say(
        f"    {report['quads']:,} quads in {took:.2f} s, peak {report['rss_peak_mb']:.0f} MB; "
        + (f"WRONG answers: {', '.join(f'{n} ({p})' for n, p in wrong)}" if wrong else "every answer right")
        + (f"; over the time limit: {', '.join(cut)}" if cut else "")
    )


def failures(results: dict[str, Any]) -> list[str]:
    """Every wrong or unchecked answer of the run, one sentence each (empty: all answers right)."""
    out = list(results.get("unchecked", []))
    for size in results.get("sizes", []):
        for engine in ("memory", "rdflib", "disk"):
            report = size.get(engine)
            if report is None:
                continue
            if "error" in report:
                out.append(f"{size['papers']} papers, {engine}: the measurement failed: {report['error'][-300:]}")
                continue
            for name, paths in report["cq"].items():
                for path, r in paths.items():
                    if r.get("wrong") or "error" in r:
                        said = r.get("wrong") or f"the measurement failed: {r['error'][-300:]}"
                        out.append(f"{name} at {size['papers']} papers ({engine}, {path}): {said}")
        if "load" in size and size["load"]["exit"] != 0:
            out.append(f"{size['papers']} papers: kg load failed: {' '.join(size['load']['said'])}")
    return out


def prepare(args: argparse.Namespace, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """The questions of the run and the paper's answers (``WORK/reference.json``), checked: every
    problem that leaves a question unchecked is listed under ``unchecked``."""
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    snapshot = snapshot_questions(work / "questions.json", extra=extra)
    say(f"reference: the paper's answers on {args.graph}…")
    reference = spawn(
        "reference", work / "reference.json", "--dir", str(args.graph), "--questions", str(work / "questions.json")
    )
    results: dict[str, Any] = {
        "questions": {q["name"]: q["sha256"] for q in snapshot},
        "reference": {},
        "unchecked": [],
        "sizes": [],
    }
    if "error" in reference:
        results["unchecked"].append(f"the paper's answers could not be computed: {reference['error'][-500:]}")
        return results
    results["paper_quads"] = reference["quads"]
    from answers import GROWTH

    for (checked, _, problem), q in zip(plans(reference), reference["questions"], strict=True):
        results["reference"][q["name"]] = {
            "rows": len(q["rows"]),
            "anchored": checked.growth is None,
            "growth": checked.growth.factor if checked.growth else None,
            "keys": checked.keys,
            "rewrite_of": q.get("rewrite_of"),
            "extra": bool(q.get("extra")),
        }
        if problem:
            results["unchecked"].append(problem)
    names = {q["name"] for q in reference["questions"]}
    results["unchecked"] += [
        f"GROWTH lists {name}, which is not a question: review the table" for name in GROWTH if name not in names
    ]
    for problem in results["unchecked"]:
        say(f"FAIL {problem}")
    return results


def run(args: argparse.Namespace, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole scale curve; the results as one JSON-able dict."""
    results = prepare(args, extra)
    if results["reference"]:
        for n in args.sizes:
            results["sizes"].append(measure_size(n, args, Path(args.work), Path(args.work) / "reference.json"))
    return results


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of the scale curve (shared with ``kg bench``)."""
    p.add_argument("--memory-max", type=int, default=100, help="largest corpus also loaded in memory")
    p.add_argument("--rdflib-max", type=int, default=0, help="largest corpus also loaded into rdflib (0: none)")
    p.add_argument("--rdflib-timeout", type=float, default=60.0, help="longest single rdflib run before giving up")
    p.add_argument("--limit", type=float, default=120.0, help="most seconds for one question (Oxigraph), then cut")
    p.add_argument("--open-runs", type=int, default=5, help="fresh processes that open each store")
    p.add_argument("--no-explain", dest="explain", action="store_false", help="skip the plans (oxigraph CLI)")
    p.add_argument("--keep", action="store_true", help="keep corpora and stores over 100 papers in --work")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scale curve alone; 0 when every answer was right, 1 otherwise."""
    p = argparse.ArgumentParser(prog="benchmarks/scale.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--graph", type=Path, default=Path("build"), help="the paper's graph (output of kg build)")
    p.add_argument("--sizes", default="1,10,100,1000", help="corpus sizes in papers, comma-separated")
    p.add_argument("--work", type=Path, default=None, help="where corpora and stores go (default: a temp dir)")
    p.add_argument("--reps", type=int, default=15, help="most timed runs per question")
    p.add_argument("--budget", type=float, default=2.0, help="seconds of timed runs per question")
    p.add_argument("--json", type=Path, default=None, help="write the results here (default: WORK/scale.json)")
    add_arguments(p)
    p.add_argument("--child", choices=["reference", "measure"], help=argparse.SUPPRESS)
    p.add_argument("--engine", choices=["memory", "disk", "rdflib"], help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--questions", help=argparse.SUPPRESS)
    p.add_argument("--reference", help=argparse.SUPPRESS)
    p.add_argument("--copies", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    p.add_argument("--skip-questions", default="", help=argparse.SUPPRESS)
    args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.child:
        return child(args)
    import tempfile

    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    args.work = args.work or Path(tempfile.mkdtemp(prefix="kg-scale-"))
    results = run(args)
    out = args.json or Path(args.work) / "scale.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    wrong = failures(results)
    for line in wrong:
        print(f"FAIL {line}")
    say(f"results: {out}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
