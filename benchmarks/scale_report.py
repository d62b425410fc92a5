"""The scale curve's targets (issue 16), its tables for docs/performance.md and its plot.

Every figure comes from the results of :mod:`scale`; a question's latency is shown with the
verdict of its answer at that size (``✓`` right, ``✗`` wrong), and no question is left out of a
target: one that misses is listed with its curve.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

LOAD_S = 120.0  # kg load of 1,000 papers, wall time
LOAD_GB = 2.5  # peak RSS of the loading process
OPEN_MS = 100.0
ANCHORED_MS = 50.0  # each question anchored on one paper
PER_ROW_US = 50.0  # each question over the whole corpus, per answer row
GIB = 1024.0  # MiB per GiB: ru_maxrss is in KiB, our figures in MiB


def _gb(mib: float) -> str:
    return f"{mib * 1024 * 1024 / 1e9:.2f} GB"


def _open_ms(size: dict[str, Any]) -> float | None:
    got = [o["open_s"] * 1000 for o in size.get("open", []) if "open_s" in o]
    return statistics.median(got) if got else None


def _latency(size: dict[str, Any], engine: str, name: str, path: str) -> dict[str, Any] | None:
    report = size.get(engine) or {}
    return report.get("cq", {}).get(name, {}).get(path)


def _cell(r: dict[str, Any] | None) -> str:
    if not r or "skipped" in r:
        return "—" if not r else "(cut)"
    if "timeout_s" in r:
        return f"> {r['timeout_s']:,.0f} s"
    if "error" in r:
        return "failed"
    ms = r["median_ms"]
    text = f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 1000 else f"{ms:,.0f}"
    return text + (" ✗" if r["wrong"] else " ✓")


def largest(scale: dict[str, Any]) -> dict[str, Any] | None:
    """The largest size measured on disk."""
    sizes = [s for s in scale.get("sizes", []) if "disk" in s]
    return max(sizes, key=lambda s: s["papers"]) if sizes else None


def targets(scale: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 16's targets at the largest size measured on disk, each PASS / MISS with its numbers (the
    answers are checked by :func:`scale.failures`, reported with every other answer by report.py)."""
    out: list[dict[str, Any]] = []

    def add(name: str, ok: bool | None, detail: str) -> None:
        out.append({"target": name, "status": "PASS" if ok else ("SKIP" if ok is None else "MISS"), "detail": detail})

    top = largest(scale)
    if top is None:
        add("the on-disk store at 1,000 papers", None, "not measured")
        return out
    n, load = top["papers"], top["load"]
    label = f"{n:,} papers"
    add(
        f"{label}: `kg load` ≤ {LOAD_S:.0f} s",
        load["wall_s"] <= LOAD_S,
        f"{load['wall_s']:.0f} s wall ({load['cpu_s']:.0f} s CPU; load average {load['loadavg']:.1f} at the end) "
        f"for {top['corpus']['quads']:,} quads"
        + ("" if load["wall_s"] <= LOAD_S else f": {load['wall_s'] / LOAD_S:.2f}x the target"),
    )
    peak = load["peak_rss_mb"]
    add(
        f"{label}: `kg load` peak memory ≤ {LOAD_GB} GB",
        peak * 1024 * 1024 / 1e9 <= LOAD_GB,
        f"{_gb(peak)} peak RSS of the loading process",
    )
    opened = _open_ms(top)
    add(
        f"{label}: open ≤ {OPEN_MS:.0f} ms",
        opened is not None and opened <= OPEN_MS,
        f"{opened:.1f} ms (median of {len(top.get('open', []))} fresh processes)" if opened is not None else "failed",
    )
    kinds = {q: k for q, k in scale["reference"].items() if not k.get("rewrite_of") and not k.get("extra")}
    anchored = {q: _latency(top, "disk", q, "kg") for q, k in kinds.items() if k["anchored"]}
    slow = {q: _miss_ms(r) for q, r in anchored.items() if _miss_ms(r) > ANCHORED_MS}
    add(
        f"{label}: every question anchored on the paper ≤ {ANCHORED_MS:.0f} ms",
        not slow,
        f"{len(anchored) - len(slow)} of {len(anchored)} within"
        + (
            "; over: "
            + ", ".join(f"{q} {_said(anchored[q])} ({ms / ANCHORED_MS:,.0f}x)" for q, ms in sorted(slow.items()))
            if slow
            else f"; slowest {_slowest(anchored)}"
        ),
    )
    wide = {q: _latency(top, "disk", q, "kg") for q, k in kinds.items() if not k["anchored"]}
    per_row = {
        q: _miss_ms(r) * 1000 / max((r or {}).get("rows", 0) or kinds[q]["rows"] * n, 1) for q, r in wide.items()
    }
    over = {q: us for q, us in per_row.items() if us > PER_ROW_US}
    add(
        f"{label}: every question over the whole corpus ≤ {PER_ROW_US:.0f} µs per answer row",
        not over,
        f"{len(per_row) - len(over)} of {len(wide)} within"
        + (
            "; over: " + ", ".join(f"{q} {us:,.0f} µs ({us / PER_ROW_US:,.1f}x)" for q, us in sorted(over.items()))
            if over
            else "; worst " + max(((us, q) for q, us in per_row.items()), default=(0.0, "-"))[1]
        ),
    )
    return out


def _miss_ms(r: dict[str, Any] | None) -> float:
    """A latency to hold against a target: the median, or the time limit a cut question reached (a
    question cut at a smaller size, or not measured, counts as infinitely slow)."""
    if r and "median_ms" in r:
        return float(r["median_ms"])
    if r and "timeout_s" in r:
        return float(r["timeout_s"]) * 1000
    return float("inf")


def _said(r: dict[str, Any] | None) -> str:
    if r and "median_ms" in r:
        return f"{r['median_ms']:,.0f} ms"
    if r and "timeout_s" in r:
        return f"> {r['timeout_s']:,.0f} s (cut)"
    return "cut at a smaller size" if r and "skipped" in r else "not measured"


def _slowest(latencies: dict[str, dict[str, Any] | None]) -> str:
    known = [(r["median_ms"], q) for q, r in latencies.items() if r and "median_ms" in r]
    if not known:
        return "—"
    ms, q = max(known)
    return f"{q} {ms:.1f} ms"


def markdown(scale: dict[str, Any]) -> list[str]:
    """The scale section of docs/performance.md."""
    sizes = scale.get("sizes", [])
    if not sizes:
        return []
    ns = [s["papers"] for s in sizes]
    lines = [
        "",
        "## Scale: 1 to 1,000 papers, every answer checked",
        "",
        "The corpus is the paper's full graph repeated N times (`kg corpus`): copy 0 is the paper under its own "
        "IRIs, copy k under `…/resource/cNNNN/…`. In memory is `GraphStore.open` of the corpus folder (what "
        "`kg query --graph DIR` does); on disk is `kg load` into a store, then `--graph STORE`. Peak memory is "
        "`ru_maxrss` of the process concerned: the loading process for `kg load`, the querying process otherwise.",
        "",
        "| papers | quads | N-Quads MB | in memory: load s | peak MB | `kg load` wall s | CPU s | peak MB "
        "| store MB | open ms | on disk: query process peak MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in sizes:
        mem, load, disk = s.get("memory") or {}, s.get("load") or {}, s.get("disk") or {}
        opened = _open_ms(s)
        lines.append(
            f"| {s['papers']:,} | {s['corpus']['quads']:,} | {s['corpus']['bytes'] / 1e6:,.0f} | "
            + (f"{mem['load_s']:.2f} | {mem['rss_peak_mb']:,.0f} | " if "load_s" in mem else "— | — | ")
            + (
                f"{load['wall_s']:.1f} | {load['cpu_s']:.1f} | {load['peak_rss_mb']:,.0f} | {load['store_mb']:,.0f} | "
                if "wall_s" in load
                else "— | — | — | — | "
            )
            + (f"{opened:.1f} | " if opened is not None else "— | ")
            + (f"{disk['rss_peak_mb']:,.0f} |" if "rss_peak_mb" in disk else "— |")
        )
    lines += ["", "![load, memory, open and question latency against corpus size](scale.png)", ""]
    kinds = scale["reference"]
    mem_ns = [s for s in sizes if "memory" in s]
    lines += [
        "Median latency of each question in ms through `GraphStore.query` (what `kg query`, `kg.open_graph` and "
        "the endpoint's workers run: a query that sorts is evaluated in a forked child); ✓ the answer was checked "
        "right at that size in every timed run, ✗ wrong. *Anchored* questions name a resource of the paper and must "
        "give the paper's answer; questions *over the corpus* must give every copy's answer (N times the paper's rows).",
        "",
        "| question | kind | rows: paper → "
        + f"{ns[-1]:,}"
        + " | "
        + " | ".join(f"memory {s['papers']:,}" for s in mem_ns)
        + " | "
        + " | ".join(f"disk {n:,}" for n in ns)
        + f" | engine alone, disk {ns[-1]:,} | target at {ns[-1]:,} |",
        "| --- | --- | ---: | "
        + " | ".join("---:" for _ in mem_ns)
        + " | "
        + " | ".join("---:" for _ in ns)
        + " | ---: | --- |",
    ]
    top = sizes[-1]
    for name, kind in kinds.items():
        if kind.get("rewrite_of"):
            continue  # in their own table
        last = _latency(top, "disk", name, "kg")
        rows = f"{kind['rows']} → {last['rows']:,}" if last and "rows" in last else f"{kind['rows']} → —"
        lines.append(
            f"| {name} | {'anchored' if kind['anchored'] else 'over the corpus'} | {rows} | "
            + " | ".join(_cell(_latency(s, "memory", name, "kg")) for s in mem_ns)
            + " | "
            + " | ".join(_cell(_latency(s, "disk", name, "kg")) for s in sizes)
            + f" | {_cell(_latency(top, 'disk', name, 'engine'))} | {_verdict(kind, last)} |"
        )
    return lines


def _verdict(kind: dict[str, Any], r: dict[str, Any] | None) -> str:
    if not r or "median_ms" not in r:
        return f"**miss**: {_said(r)}"
    if kind["anchored"]:
        ms = r["median_ms"]
        return "within" if ms <= ANCHORED_MS else f"**miss** ({ms / ANCHORED_MS:.1f}x {ANCHORED_MS:.0f} ms)"
    us = r["median_ms"] * 1000 / max(r["rows"], 1)
    return f"{us:.1f} µs/row" + ("" if us <= PER_ROW_US else f" **miss** ({us / PER_ROW_US:.1f}x)")


def plot(scale: dict[str, Any], path: Path) -> bool:
    """Load, memory, open and question latency against N into *path*; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sizes = [s for s in scale.get("sizes", []) if "load" in s]
    if len(sizes) < 2:
        return False
    ns = [s["papers"] for s in sizes]
    mem = [(s["papers"], s["memory"]) for s in sizes if "load_s" in (s.get("memory") or {})]
    fig, axes = plt.subplots(2, 3, figsize=(17, 9.5))
    ax = axes[0][0]
    ax.plot([n for n, _ in mem], [m["load_s"] for _, m in mem], "s--", label="in memory (GraphStore.open)")
    ax.plot(ns, [s["load"]["wall_s"] for s in sizes], "o-", label="kg load, wall")
    ax.plot(ns, [s["load"]["cpu_s"] for s in sizes], "o:", label="kg load, CPU")
    ax.axhline(LOAD_S, color="grey", lw=0.8, ls=":", label=f"target {LOAD_S:.0f} s at 1,000")
    ax.set(title="Load", ylabel="s")
    ax = axes[0][1]
    ax.plot([n for n, _ in mem], [m["rss_peak_mb"] for _, m in mem], "s--", label="in memory, query process")
    ax.plot(ns, [s["load"]["peak_rss_mb"] for s in sizes], "o-", label="kg load")
    disk = [(s["papers"], s["disk"]["rss_peak_mb"]) for s in sizes if "rss_peak_mb" in (s.get("disk") or {})]
    ax.plot([n for n, _ in disk], [m for _, m in disk], "o:", label="on disk, query process")
    ax.axhline(LOAD_GB * 1e9 / 1024 / 1024, color="grey", lw=0.8, ls=":", label=f"target {LOAD_GB} GB (kg load)")
    ax.set(title="Peak memory (RSS)", ylabel="MiB")
    ax = axes[0][2]
    opens = [(s["papers"], _open_ms(s)) for s in sizes if _open_ms(s) is not None]
    ax.plot([n for n, _ in opens], [ms for _, ms in opens], "o-", label="open the store (fresh process)")
    ax.axhline(OPEN_MS, color="grey", lw=0.8, ls=":", label=f"target {OPEN_MS:.0f} ms")
    ax.set(title="Open", ylabel="ms")
    kinds = {q: k for q, k in scale["reference"].items() if not k.get("rewrite_of")}
    panels = (
        (axes[1][0], True, "disk", "Anchored questions, on disk (ms)"),
        (axes[1][1], False, "disk", "Questions over the corpus, on disk (µs per row)"),
        (axes[1][2], True, "memory", "Anchored questions, in memory (ms)"),
    )
    for ax, want_anchored, engine, title in panels:
        for name, kind in kinds.items():
            if kind["anchored"] != want_anchored:
                continue
            points = [(s["papers"], r) for s in sizes if (r := _latency(s, engine, name, "kg")) and "median_ms" in r]
            ys = [r["median_ms"] if want_anchored else r["median_ms"] * 1000 / max(r["rows"], 1) for _, r in points]
            slow = bool(ys) and ys[-1] > (ANCHORED_MS if want_anchored else PER_ROW_US)
            ax.plot(
                [n for n, _ in points],
                ys,
                "o-" if slow else "-",
                lw=1.4 if slow else 0.7,
                alpha=1 if slow else 0.5,
                label=name if slow or not want_anchored else None,
            )
        limit = ANCHORED_MS if want_anchored else PER_ROW_US
        ax.axhline(
            limit, color="grey", lw=0.8, ls=":", label=f"target {limit:.0f} {'ms' if want_anchored else 'µs/row'}"
        )
        ax.set(title=title)
    for ax in axes.flat:
        ax.set(xscale="log", yscale="log", xlabel="papers")
        ax.grid(True, which="both", lw=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("mxjp-talent-kg: the paper's graph repeated N times (every answer checked)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
