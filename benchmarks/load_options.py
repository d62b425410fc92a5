"""What helps ``kg load``: the ways of bulk-loading a corpus into an on-disk Oxigraph store, measured.

Run on demand (not part of the test suite):

    python benchmarks/load_options.py --corpus /tmp/c1000 --work /tmp/load-options --json load-options.json

Each variant loads the same corpus into a fresh store in its own process, and reports its wall
time, CPU time and peak memory (``wait4``) and the time of each phase: the bulk loads, ``optimize()``,
counting the quads, and the manifest (the sha256 of the sources). With ``--questions REF`` (the
``reference.json`` of a :mod:`scale` run) the store of each variant is then asked every competency
question, answers checked, to see what a variant costs the queries (``optimize()`` or not).

The variants: the load of ``kg load`` (:mod:`kg.sparql.ondisk`: one ``bulk_load`` per file, then
``optimize()``); the same with ``lenient=True`` (no IRI validation); without ``optimize()``; the
N-Quads split into several files loaded one after the other, or two at a time in two threads
(the corpus is split at copy boundaries, since blank node labels are local to a file); and the
checksums computed in a thread while the store loads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

#: name -> (files, lenient, optimize, threads, checksums in a thread, what it is)
VARIANTS: dict[str, tuple[int, bool, bool, int, bool, str]] = {
    "kg-load": (1, False, True, 1, False, "as `kg load`: one bulk_load per file, then optimize()"),
    "lenient": (1, True, True, 1, False, "bulk_load(lenient=True): IRIs not validated"),
    "no-optimize": (1, False, False, 1, False, "without optimize()"),
    "hash-aside": (1, False, True, 1, True, "the sha256 computed in a thread while the store loads"),
    "4-files": (4, False, True, 1, False, "the N-Quads split in 4 files, loaded one after the other"),
    "2-threads": (2, False, True, 2, False, "the N-Quads split in 2 files, loaded by two threads at once"),
    "small-files": (
        0,
        False,
        True,
        1,
        False,
        "files of 25 copies (under the loader's 1 M-quad batch), one after the other",
    ),
    "small-files-2-threads": (0, False, True, 2, False, "files of 25 copies, loaded by two threads at once"),
}
SMALL = 25  # copies per file for the "small" variants (25 x ~26,000 quads: under the 1,000,000-quad batch)


def split_corpus(corpus: Path, parts: int, out: Path) -> Path:
    """*corpus* with its ``data.nq`` split into *parts* files at copy boundaries (in *out*)."""
    manifest = json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))
    per_copy, shared, copies = manifest["quads_per_copy"], manifest["shared_quads"], manifest["copies"]
    out.mkdir(parents=True, exist_ok=True)
    for name in manifest["vocabulary_files"]:
        target = out / name
        if not target.exists():
            os.link(corpus / name, target)
    bounds = [shared + per_copy * (copies * i // parts) for i in range(1, parts)]
    if all((out / f"data-{i}.nq").exists() for i in range(parts)):
        return out
    with open(corpus / "data.nq", "rb") as source:
        part, line_no = 0, 0
        sink = open(out / "data-0.nq", "wb")  # noqa: SIM115 - switched while reading
        for line in source:
            if part < len(bounds) and line_no == bounds[part]:
                sink.close()
                part += 1
                sink = open(out / f"data-{part}.nq", "wb")  # noqa: SIM115
            sink.write(line)
            line_no += 1
        sink.close()
    return out


def child(variant: str, corpus: Path, store: Path, out: Path) -> None:
    """Load *corpus* into a new store at *store* the way *variant* says; phases to *out*."""
    import pyoxigraph as ox

    from kg.sparql.ondisk import DATABASE, write_manifest
    from kg.sparql.store import FORMATS, graph_files

    _, lenient, optimize, threads, hash_aside, _ = VARIANTS[variant]
    files = graph_files(corpus)
    store.mkdir(parents=True)
    phases: dict[str, float] = {}
    mark = time.perf_counter()
    digests: dict[str, Any] = {}
    hasher = None
    if hash_aside:  # the sha256 read the files while the store parses them
        from kg.sparql.ondisk import _sha256

        hasher = threading.Thread(target=lambda: digests.update({p.name: _sha256(p) for p in files}))
        hasher.start()
    database = ox.Store(str(store / DATABASE))

    def load(into: ox.Store, paths: list[Path]) -> None:
        for path in paths:
            into.bulk_load(path=str(path), format=FORMATS[path.suffix], lenient=lenient)

    if threads > 1:
        data = [p for p in files if p.suffix == ".nq"]
        load(database, [p for p in files if p not in data])
        workers = [threading.Thread(target=load, args=(database, data[i::threads])) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    else:
        load(database, files)
    phases["bulk_load"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if optimize:
        database.optimize()
        phases["optimize"] = time.perf_counter() - mark
        mark = time.perf_counter()
    quads = len(database)
    phases["count quads"] = time.perf_counter() - mark
    mark = time.perf_counter()
    database.flush()
    del database
    phases["flush and close"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if hasher is not None:
        hasher.join()
        phases["wait for checksums"] = time.perf_counter() - mark
        mark = time.perf_counter()
    write_manifest(store, corpus, files, quads)  # hashes again: the figure is the manifest's cost
    phases["manifest (sha256)" if hasher is None else "manifest (sha256 again, not counted)"] = (
        time.perf_counter() - mark
    )
    out.write_text(json.dumps({"quads": quads, "phases": phases}) + "\n", encoding="utf-8")


def run_variant(variant: str, corpus: Path, work: Path, reference: Path | None, copies: int) -> dict[str, Any]:
    """One variant in a child process: wall, CPU, peak RSS, phases; then its store's questions."""
    import shutil

    from scale import spawn, timed_process

    parts = VARIANTS[variant][0] or -(-copies // SMALL)
    source = corpus if parts == 1 else split_corpus(corpus, parts, work / f"split-{parts}")
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    out = work / "phases.json"
    out.unlink(missing_ok=True)
    report = timed_process(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            variant,
            "--corpus",
            str(source),
            "--store",
            str(store),
            "--out",
            str(out),
        ]
    )
    report["variant"], report["files"], report["what"] = variant, parts, VARIANTS[variant][5]
    if out.is_file():
        report.update(json.loads(out.read_text(encoding="utf-8")))
        hashed_twice = report["phases"].get("manifest (sha256 again, not counted)", 0.0)
        report["wall_s_counted"] = report["wall_s"] - hashed_twice
    report["store_mb"] = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 1e6
    if reference is not None and report["exit"] == 0:
        args = [
            "--engine",
            "disk",
            "--dir",
            str(store),
            "--reference",
            str(reference),
            "--copies",
            str(copies),
            "--reps",
            "5",
            "--budget",
            "1",
        ]
        report["questions"] = spawn("measure", work / "questions.json", *args)
    shutil.rmtree(store, ignore_errors=True)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the variants on one corpus and write their results as JSON."""
    p = argparse.ArgumentParser(prog="benchmarks/load_options.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, help="a corpus folder written by kg corpus")
    p.add_argument("--work", type=Path, default=Path("/tmp/kg-load-options"), help="where stores are built")
    p.add_argument("--variants", default=",".join(VARIANTS), help="which variants, comma-separated")
    p.add_argument("--questions", type=Path, default=None, help="reference.json of a scale run: ask every question")
    p.add_argument("--json", type=Path, default=None, help="write the results here")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    p.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.child:
        child(args.child, args.corpus, args.store, args.out)
        return 0
    copies = json.loads((args.corpus / "corpus.json").read_text(encoding="utf-8"))["copies"]
    args.work.mkdir(parents=True, exist_ok=True)
    results = {"corpus": str(args.corpus), "copies": copies, "cpus": os.cpu_count(), "variants": []}
    for variant in [v.strip() for v in args.variants.split(",") if v.strip()]:
        print(f"{variant}…", file=sys.stderr, flush=True)
        report = run_variant(variant, args.corpus, args.work, args.questions, copies)
        results["variants"].append(report)
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in report.get("phases", {}).items())
        print(
            f"  {report['wall_s']:.1f} s wall, {report['cpu_s']:.1f} s CPU, peak {report['peak_rss_mb']:.0f} MiB, "
            f"load average {report['loadavg']:.1f}; {phases}",
            file=sys.stderr,
            flush=True,
        )
    text = json.dumps({"load_options": results}, indent=1) + "\n"  # a results file `kg bench --render` merges
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
