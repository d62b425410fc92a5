"""docs/performance.md from the results of one ``kg bench`` run (or several merged by ``--render``).

Every latency is shown with the verdict of its answer (``✓`` checked right, ``✗`` wrong); a run
with a wrong answer is not published (:func:`publishable`).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from parts import COLD_BASE, FORBIDDEN_ON_QUERY_PATH
from scale import REWRITTEN, failures
from scale_report import _cell, largest
from scale_report import markdown as scale_markdown
from scale_report import targets as scale_targets

HERE = Path(__file__).resolve().parent
CQ_SPEEDUP = 50.0  # issue 8: every question at least 50x faster than rdflib at 100 papers
COLD_RATIO = 1.5
NOOP_BUILD_SECONDS = 1.0
ENDPOINT_QPS = 500.0


def compare_failures(results: dict[str, Any]) -> list[str]:
    """Wrong answers of the comparison on the paper's graph (Oxigraph and rdflib)."""
    out = []
    for engine, report in (results.get("compare") or {}).items():
        if "error" in report:
            out.append(f"the paper's graph, {engine}: the measurement failed: {report['error'][-300:]}")
            continue
        for name, paths in report["cq"].items():
            out += [
                f"{name} on the paper's graph ({engine}, {p}): {r.get('wrong') or r.get('error')}"
                for p, r in paths.items()
                if r.get("wrong") or "error" in r
            ]
    if (results.get("endpoint") or {}).get("wrong"):
        out.append(f"the endpoint: {results['endpoint']['wrong']}")
    return out


def all_failures(results: dict[str, Any]) -> list[str]:
    """Every wrong or unchecked answer of the run."""
    return failures(results.get("scale") or {}) + compare_failures(results)


def publishable(results: dict[str, Any]) -> bool:
    """Whether the run may be published: every answer it timed was right."""
    return not all_failures(results)


def _median(r: dict[str, Any] | None) -> float | None:
    return r.get("median_ms") if r else None


def speedups(ox: dict[str, Any], rd: dict[str, Any], path: str = "kg") -> dict[str, tuple[float, str]]:
    """Per question: rdflib's median over Oxigraph's (through *path*), ``>=`` where rdflib timed out."""
    out: dict[str, tuple[float, str]] = {}
    for name, paths in ox.get("cq", {}).items():
        o, r = _median(paths.get(path)), (rd.get("cq", {}).get(name) or {}).get("rdflib")
        if not o or not r:
            continue
        if "median_ms" in r:
            out[name] = (r["median_ms"] / o, "")
        elif "timeout_s" in r:
            out[name] = (r["timeout_s"] * 1000 / o, ">=")
    return out


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the run, PASS / MISS / FAIL / SKIP, with its numbers."""
    out: list[dict[str, Any]] = []
    wrong = all_failures(results)
    checked = sum(
        r.get("runs", 0) + 1
        for block in _reports(results)
        for paths in block.get("cq", {}).values()
        for r in paths.values()
        if "median_ms" in r
    )
    out.append(
        {
            "target": "every timed answer right: every size, every engine, every question",
            "status": "FAIL" if wrong else "PASS",
            "detail": ("; ".join(wrong[:8]) + (f" (and {len(wrong) - 8} more)" if len(wrong) > 8 else ""))
            if wrong
            else f"{checked:,} timed runs, each answer checked",
        }
    )
    out += scale_targets(results.get("scale") or {})
    hundred = next((s for s in (results.get("scale") or {}).get("sizes", []) if s["papers"] == 100), None)
    if hundred and "rdflib" in hundred and "memory" in hundred and "cq" in hundred["rdflib"]:
        ratios = speedups(hundred["memory"], hundred["rdflib"])
        below = {n: r for n, r in ratios.items() if r[0] < CQ_SPEEDUP}
        worst = min(ratios.items(), key=lambda kv: kv[1][0]) if ratios else ("-", (0.0, ""))
        out.append(
            {
                "target": f"100 papers in memory: every question ≥ {CQ_SPEEDUP:.0f}x faster than rdflib",
                "status": "PASS" if not below else "MISS",
                "detail": f"slowest ratio {worst[1][1]}{worst[1][0]:.0f}x ({worst[0]}); {len(below)} of {len(ratios)} below"
                + (": " + ", ".join(f"{n} {r[1]}{r[0]:.0f}x" for n, r in sorted(below.items())) if below else ""),
            }
        )
    out += _other_targets(results)
    return out


def _reports(results: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = list((results.get("compare") or {}).values())
    for size in (results.get("scale") or {}).get("sizes", []):
        blocks += [size[e] for e in ("memory", "rdflib", "disk") if size.get(e)]
    return [b for b in blocks if "cq" in b]


def _other_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    c, b, e = results.get("cold"), results.get("build"), results.get("endpoint")
    if c:
        out.append(
            {
                "target": f"`kg query` cold start within {COLD_RATIO}x of `import rdflib`",
                "status": "PASS" if c["ratio"] <= COLD_RATIO else "MISS",
                "detail": f"{c['median_ms']['kg query']:.0f} ms vs {c['median_ms'][COLD_BASE]:.0f} ms = {c['ratio']:.2f}x "
                f"(--format csv: {c['ratio_csv']:.2f}x)",
            }
        )
        out.append(
            {
                "target": "query path imports none of " + ", ".join(FORBIDDEN_ON_QUERY_PATH),
                "status": "MISS" if c["forbidden_imported"] else "PASS",
                "detail": "imports: " + (", ".join(c["forbidden_imported"]) or "none of them"),
            }
        )
    if b and "error" not in b:
        out.append(
            {
                "target": f"unchanged `kg build` < {NOOP_BUILD_SECONDS:.0f} s",
                "status": "PASS"
                if b["unchanged_rebuild_ok"] and b["unchanged_rebuild_s"] < NOOP_BUILD_SECONDS
                else "MISS",
                "detail": f"{b['unchanged_rebuild_s']:.2f} s; full build {b['total_s']:.1f} s",
            }
        )
    if e and "qps" in e:
        out.append(
            {
                "target": f"endpoint ≥ {ENDPOINT_QPS:.0f} simple queries/s, every answer right",
                "status": "PASS" if e["qps"] >= ENDPOINT_QPS and e["errors"] == 0 and not e.get("wrong") else "MISS",
                "detail": f"{e['qps']:.0f} q/s with {e['clients']} clients; p50 {e['p50_ms']:.1f} ms, p99 {e['p99_ms']:.1f} ms; "
                f"{e['errors']} errors; {e.get('checked', 0)} answers checked",
            }
        )
    return out


def _notes() -> tuple[list[str], list[str]]:
    """The hand-written notes (benchmarks/notes.md): the part before ``<!-- tables -->`` goes after the
    targets, the rest at the end."""
    path = HERE / "notes.md"
    if not path.is_file():
        return [], []
    before, _, after = path.read_text(encoding="utf-8").partition("<!-- tables -->")
    return ["", before.strip()] if before.strip() else [], ["", after.strip()] if after.strip() else []


def markdown(results: dict[str, Any]) -> str:
    """docs/performance.md."""
    m = results["meta"]
    before, after = _notes()
    lines = [
        "# Performance",
        "",
        f"Generated by `kg bench` (benchmarks/run.py) from the run of {m['date']} on commit `{m['commit']}`"
        + (f" (with uncommitted changes to {m['dirty']})" if m.get("dirty") else "")
        + ". Every latency below is of a run whose answer was checked: questions anchored on the paper give the "
        "paper's answer, questions over the whole corpus N times the paper's rows (benchmarks/answers.py); "
        "a run with a wrong answer is not published.",
        "",
        f"- Command: `{m['command']}`",
        f"- Machine: {m['cpus']} cores, {m['memory_gb']} GB, {m['platform']}; "
        f"load average {m['loadavg']} at the start; {m.get('busy', '')}",
        f"- Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}; the paper's graph `{m['graph']}` "
        f"({m.get('quads', 0):,} quads)",
        "",
        "## Targets",
        "",
        "| target | status | numbers |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {t['target']} | **{t['status']}** | {t['detail']} |" for t in targets(results)]
    lines += before
    scale = results.get("scale") or {}
    lines += scale_markdown(scale)
    lines += rewrites_markdown(scale)
    lines += plans_markdown(scale)
    lines += load_options_markdown(results.get("load_options"))
    lines += compare_markdown(results)
    lines += _others_markdown(results)
    lines += after
    return "\n".join(lines) + "\n"


def rewrites_markdown(scale: dict[str, Any]) -> list[str]:
    """Original and proposed rewrite of each slow question, on disk at every size."""
    kinds = scale.get("reference", {})
    pairs = [(v["rewrite_of"], name) for name, v in kinds.items() if v.get("rewrite_of")]
    sizes = [s for s in scale.get("sizes", []) if "disk" in s]
    if not pairs or not sizes:
        return []
    lines = [
        "",
        "## Proposed rewrites of the anchored questions that scan the corpus",
        "",
        "Median ms on disk through `GraphStore.query` (✓ the answer was checked right: the rewrite must give the "
        "question's answer), and the rows of the largest step of Oxigraph's plan (`oxigraph query --explain --stats`). "
        "The rewrites are in `benchmarks/rewrites/`; `queries/cq` is unchanged.",
        "",
        "| question | "
        + " | ".join(f"{s['papers']:,} papers" for s in sizes)
        + " | largest step, rows at "
        + " / ".join(f"{s['papers']:,}" for s in sizes)
        + " |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | --- |",
    ]
    for original, rewrite in pairs:
        for name in (original, rewrite):
            steps = [((s.get("explain") or {}).get(name) or {}).get("largest") for s in sizes]
            lines.append(
                f"| {name} | "
                + " | ".join(_cell(((s["disk"].get("cq") or {}).get(name) or {}).get("kg")) for s in sizes)
                + " | "
                + " / ".join(f"{n:,}" if n is not None else "—" for n in steps)
                + " |"
            )
    return lines


def plans_markdown(scale: dict[str, Any]) -> list[str]:
    """The largest step of each anchored question's plan at every size: flat, or it scans the corpus."""
    sizes = [s for s in scale.get("sizes", []) if s.get("explain")]
    if len(sizes) < 2:
        return []
    names = [n for n in sizes[-1]["explain"] if sizes[-1]["explain"][n] and not n.endswith(REWRITTEN)]
    lines = [
        "",
        "### What the anchored questions touch",
        "",
        "Rows produced by the largest step of Oxigraph's plan for each question anchored on the paper, on disk; "
        "a question whose largest step grows with the corpus evaluates part of its pattern over every paper.",
        "",
        "| question | " + " | ".join(f"{s['papers']:,}" for s in sizes) + " | largest step at the largest size |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | --- |",
    ]
    for name in names:
        cells = [((s["explain"].get(name) or {}).get("largest")) for s in sizes]
        step = (sizes[-1]["explain"][name] or {}).get("largest_step", "")
        grows = cells[-1] is not None and cells[0] is not None and cells[-1] > 10 * max(cells[0], 1)
        lines.append(
            f"| {name}{' **scans**' if grows else ''} | "
            + " | ".join(f"{c:,}" if c is not None else "—" for c in cells)
            + f" | `{step.replace('|', '/')[:110]}` |"
        )
    return lines


def load_options_markdown(options: dict[str, Any] | None) -> list[str]:
    """The loading variants of benchmarks/load_options.py."""
    if not options or not options.get("variants"):
        return []
    lines = [
        "",
        f"## What helps `kg load` ({options['copies']:,} papers, {options.get('cpus')} cores)",
        "",
        "Each variant loads the same corpus into a fresh on-disk store in its own process "
        "(benchmarks/load_options.py); wall and CPU time and peak RSS of that process; then every question on the "
        "store it made, answers checked.",
        "",
        "| variant | wall s | CPU s | peak MiB | phases (s) | store MB | questions: median ms, answers |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for v in options["variants"]:
        phases = ", ".join(f"{k} {s:.1f}" for k, s in v.get("phases", {}).items())
        q = v.get("questions") or {}
        if "cq" in q:
            meds = [p["kg"]["median_ms"] for p in q["cq"].values() if "median_ms" in p.get("kg", {})]
            wrong = sum(1 for p in q["cq"].values() for r in p.values() if r.get("wrong"))
            questions = f"{statistics.median(meds):.2f} ms; " + ("all right" if not wrong else f"{wrong} wrong")
        else:
            questions = "—"
        lines.append(
            f"| {v['variant']}: {v['what']} | {v.get('wall_s_counted', v['wall_s']):.1f} | {v['cpu_s']:.1f} | "
            f"{v['peak_rss_mb']:,.0f} | {phases} | {v.get('store_mb', 0):,.0f} | {questions} |"
        )
    return lines


def compare_markdown(results: dict[str, Any]) -> list[str]:
    """Oxigraph against rdflib on the paper's graph, and at 100 papers when measured."""
    lines: list[str] = []
    blocks = []
    compare = results.get("compare") or {}
    if "memory" in compare and "rdflib" in compare:
        blocks.append(("the paper's graph", compare["memory"], compare["rdflib"]))
    for size in (results.get("scale") or {}).get("sizes", []):
        if size.get("memory") and size.get("rdflib") and "cq" in size["rdflib"]:
            blocks.append((f"{size['papers']:,} papers in memory", size["memory"], size["rdflib"]))
    for title, ox, rd in blocks:
        ratios = speedups(ox, rd)
        lines += [
            "",
            f"## Oxigraph against rdflib: {title}",
            "",
            f"Load: Oxigraph {ox.get('load_s', 0):.2f} s, peak {ox.get('rss_peak_mb', 0):,.0f} MiB; rdflib "
            f"{rd.get('load_s', 0):.2f} s, peak {rd.get('rss_peak_mb', 0):,.0f} MiB. Median ms; `kg` is "
            "`GraphStore.query` (a query that sorts runs in a forked child), `engine` is `pyoxigraph.Store.query` "
            "in-process; ✓ answer checked right.",
            "",
            "| question | rows | Oxigraph `kg` | Oxigraph engine | rdflib | speed-up (`kg`) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, paths in ox["cq"].items():
            r = (rd["cq"].get(name) or {}).get("rdflib")
            sp = ratios.get(name)
            lines.append(
                f"| {name} | {paths.get('kg', {}).get('rows', '—')} | {_cell(paths.get('kg'))} | "
                f"{_cell(paths.get('engine'))} | {_cell(r)} | " + (f"{sp[1]}{sp[0]:,.0f}x |" if sp else "— |")
            )
        if ratios:
            values = sorted(v for v, _ in ratios.values())
            lines += [
                "",
                f"Speed-up: min {values[0]:,.0f}x, median {statistics.median(values):,.0f}x, max {values[-1]:,.0f}x.",
            ]
    return lines


def _others_markdown(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    c, b, e = results.get("cold"), results.get("build"), results.get("endpoint")
    if c:
        lines += [
            "",
            "## `kg query` cold start",
            "",
            f"Median wall time of {c['runs']} runs, interleaved, on the paper's graph:",
            "",
        ]
        lines += ["| command | ms |", "| --- | ---: |"] + [f"| `{n}` | {ms:.0f} |" for n, ms in c["median_ms"].items()]
        lines += [
            "",
            f"Ratio to `import rdflib`: {c['ratio']:.2f} (table), {c['ratio_csv']:.2f} (csv). The query path imports "
            f"{', '.join(c['forbidden_imported']) or 'none'} of {', '.join(FORBIDDEN_ON_QUERY_PATH)}; rdflib "
            f"{'is' if c['imports_rdflib'] else 'is not'} imported.",
        ]
    if b and "error" not in b:
        lines += [
            "",
            "## `kg build` by stage",
            "",
            f"{b['triples']:,} asserted triples, {b['reasoner']} (`--force`):",
            "",
        ]
        lines += ["| stage | s |", "| --- | ---: |"] + [f"| {s} | {t:.2f} |" for s, t in b["stages_s"].items()]
        lines += [
            f"| **total** | **{b['total_s']:.2f}** |",
            "",
            f"Unchanged rebuild (median of 3): {b['unchanged_rebuild_s']:.2f} s.",
        ]
    if e and "qps" in e:
        lines += [
            "",
            "## Endpoint (`kg serve`)",
            "",
            f"{e['clients']} keep-alive clients on 127.0.0.1 (threads of one process, on the same cores as the server), "
            f"`GET /sparql`: {e['requests']} requests in {e['seconds']:.1f} s, {e['qps']:.0f} queries/s, p50 "
            f"{e['p50_ms']:.1f} ms, p99 {e['p99_ms']:.1f} ms, {e['errors']} errors; every answer compared with the "
            f"embedded store's ({e.get('checked', 0)} checked). Query: `{e['query']}`",
        ]
    return lines


def top_size(results: dict[str, Any]) -> int | None:
    """The largest corpus measured on disk, in papers."""
    size = largest(results.get("scale") or {})
    return size["papers"] if size else None
