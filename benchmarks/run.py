"""``kg bench``: the store at scale with every answer checked, against rdflib, and the CLI, build and endpoint.

Run on demand (not part of the test suite):

    kg bench --graph build --sizes 1,10,100,1000 --docs docs
    python benchmarks/run.py --graph build --sizes 1,10,100,1000 --docs docs

What it measures, each in its own child process so that one measurement's memory and imports do
not leak into the next:

* the scale curve (:mod:`scale`): the paper's graph repeated 1 to 1,000 times, in memory (up to
  ``--memory-max``) and in an on-disk store (``kg load``: time, CPU, peak memory; opening it; every
  question on it), with the plans of the anchored questions and any proposed rewrite put in
  ``benchmarks/rewrites/<question>.rq`` (timed beside its question, its answer checked against it);
* Oxigraph against rdflib's in-memory ``Dataset`` on the paper's graph, and on the corpora up to
  ``--rdflib-max`` papers;
* ``kg query`` cold start against ``python -c "import rdflib"``; ``kg build`` by stage; the endpoint
  (``kg serve``) under concurrent clients.

Every timed answer is checked (:mod:`answers`): questions anchored on the paper must give the
paper's answer at every size, questions over the whole corpus N times the paper's rows. A run with a
wrong answer exits with status 1, prints which, and does not write ``docs/performance.md``.
``--render`` rebuilds the report from results files (``benchmarks/results/*.json``), merged in order.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import parts  # noqa: E402  (modules beside this file, not a package)
import report  # noqa: E402
import scale  # noqa: E402
from common import cpu_pressure, say  # noqa: E402

RESOURCE = "https://w3id.org/mxjp-talent/resource/"


def construct_query(entity: str) -> str:
    """The neighbourhood of *entity*: timed and checked like a question."""
    return f"CONSTRUCT {{ <{entity}> ?p ?o . ?s ?q <{entity}> }} WHERE {{ {{ <{entity}> ?p ?o }} UNION {{ ?s ?q <{entity}> }} }}"


def meta(args: argparse.Namespace, argv: Sequence[str]) -> dict[str, Any]:
    """Where and when: machine, versions, commit (and the files changed since), load."""
    import pyoxigraph
    import rdflib

    def git(*words: str) -> str:
        proc = subprocess.run(["git", "-C", str(HERE.parent), *words], capture_output=True, text=True)
        return proc.stdout if proc.returncode == 0 else ""

    dirty = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    return {
        "command": "kg bench " + " ".join(argv),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "platform": platform.platform(terse=True),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "cpu_pressure_start": cpu_pressure(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "graph": str(args.graph),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": git("rev-parse", "--short", "HEAD").strip() or "unknown",
        "dirty": ", ".join(dirty[:12]) + (" …" if len(dirty) > 12 else ""),
        "reps": args.reps,
    }


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="kg bench",
        description=__doc__.split("\n\n")[0],
        epilog="Example:  kg bench --graph build --sizes 1,10,100,1000 --docs docs",
    )
    p.add_argument("--graph", type=Path, default=Path("build"), help="the paper's graph (output of kg build)")
    p.add_argument("--sizes", default="1,10,100,1000", help="corpus sizes in papers, comma-separated ('' for none)")
    p.add_argument("--render", type=Path, nargs="+", default=None, help="only write the report from results files")
    p.add_argument("--work", type=Path, default=None, help="where corpora and stores go (default: a temp dir)")
    p.add_argument("--reps", type=int, default=15, help="most timed runs per question")
    p.add_argument("--budget", type=float, default=2.0, help="seconds of timed runs per question (Oxigraph)")
    p.add_argument("--rdflib-budget", type=float, default=6.0, help="seconds of timed runs per question (rdflib)")
    p.add_argument("--cold-runs", type=int, default=7, help="runs of each cold-start command")
    p.add_argument("--build-data", type=Path, default=None, help="curated data for the build stage (default: shipped)")
    p.add_argument("--clients", type=int, default=4, help="concurrent endpoint clients")
    p.add_argument("--requests", type=int, default=5000, help="most endpoint requests")
    p.add_argument("--seconds", type=float, default=10.0, help="most seconds of endpoint load")
    p.add_argument("--skip", default="", help="parts to skip: compare,scale,cold,build,endpoint")
    p.add_argument("--json", type=Path, default=None, help="write the results here (default: WORK/results.json)")
    p.add_argument("--docs", type=Path, default=None, help="write performance.md and scale.png into this folder")
    scale.add_arguments(p)
    p.set_defaults(rdflib_max=100)
    return p.parse_args(list(argv))


def write_docs(results: dict[str, Any], docs: Path | None) -> bool:
    """Write performance.md and scale.png into *docs* when every answer was right; False if refused."""
    if docs is None:
        return True
    if not report.publishable(results):
        say(f"not writing {docs}/performance.md: the run has wrong answers")
        return False
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "performance.md").write_text(report.markdown(results), encoding="utf-8")
    from scale_report import plot

    if not plot(results.get("scale") or {}, docs / "scale.png"):
        say("no plot: matplotlib is missing (pip install -e '.[bench]') or fewer than two sizes")
    return True


def render(paths: Sequence[Path], docs: Path | None) -> int:
    """Merge results files (later keys win) and write the report as a run does."""
    results: dict[str, Any] = {}
    for path in paths:
        results.update(json.loads(path.read_text(encoding="utf-8")))
    print(report.markdown(results))
    return 0 if write_docs(results, docs) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark: 0 when every answer was right (whatever the targets say), 1 otherwise."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.render:
        return render(args.render, args.docs)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"meta": meta(args, argv)}
    entity = parts.pick_entity(args.graph)
    say(f"entity for the CONSTRUCT and the endpoint: {entity}")
    extra = {f"CONSTRUCT neighbourhood of res:{entity[len(RESOURCE) :]}": construct_query(entity)}
    pressure: list[float] = []
    if "scale" not in skip:
        results["scale"] = scale.run(args, extra)
    else:
        results["scale"] = scale.prepare(args, extra)
        results["scale"]["sizes"] = []
    results["meta"]["quads"] = results["scale"].get("paper_quads", 0)
    if "compare" not in skip and results["scale"]["reference"]:
        say(f"the paper's graph {args.graph}: Oxigraph and rdflib…")
        common = ["--dir", str(args.graph), "--reference", str(args.work / "reference.json"), "--copies", "1"]
        common += ["--reps", str(args.reps), "--timeout", str(args.rdflib_timeout)]
        results["compare"] = {
            engine: scale.spawn(
                "measure",
                args.work / f"compare-{engine}.json",
                "--engine",
                engine,
                "--budget",
                str(args.budget if engine == "memory" else args.rdflib_budget),
                *common,
            )
            for engine in ("memory", "rdflib")
        }
    pressure.append(cpu_pressure() or 0.0)
    if "cold" not in skip:
        say("cold start…")
        results["cold"] = parts.cold_start(args.graph, args.cold_runs)
    if "build" not in skip:
        say("kg build by stage…")
        results["build"] = parts.build_stages(args.work / "build", args.build_data)
    if "endpoint" not in skip:
        say("endpoint…")
        results["endpoint"] = parts.endpoint(args.graph, entity, args.clients, args.requests, args.seconds)
    results["meta"]["busy"] = (
        f"CPU pressure (share of time a task waited for a CPU, last minute) {pressure[-1]:.0f} % at the end"
    )
    out = args.json or args.work / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    write_docs(results, args.docs)
    for t in report.targets(results):
        print(f"{t['status']:4}  {t['target']}: {t['detail']}")
    wrong = report.all_failures(results)
    for line in wrong:
        print(f"FAIL {line}")
    say(f"results: {out}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
