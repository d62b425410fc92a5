"""How long the graph page takes to settle in headless Chromium: from the script's start to the
first frame drawn with every entity in place (the layout is computed before the page opens, so
nothing moves after it), and wall-clock time from navigation to that moment.

Measures the graph in --graph DIR (the paper's size) and a corpus N times larger (--times,
default 10) written by `kg corpus` (every claim repeated under distinct IRIs). Prints a Markdown
table; the figures in docs/performance-viz.md come from it.

Example:  python benchmarks/viz_settle.py --graph build --times 10
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from cdp import Chromium  # noqa: E402

from kg.explore.visualize import write_page  # noqa: E402


def scaled_copy(graph: Path, times: int, out: Path) -> Path:
    """The corpus of *times* copies of *graph* that `kg corpus` writes, in *out*."""
    from kg.build.corpus import generate

    generate(graph, times, out)
    return out


def measure(browser: Chromium, page_file: Path) -> tuple[float, float]:
    """(settle time reported by the page in ms, wall-clock seconds from navigation to settled)."""
    page = browser.pages[0] if browser.pages else browser.page()
    page.events.clear()
    start = time.monotonic()
    page.goto(page_file.as_uri(), timeout=300)
    settle_ms = page.wait_until("window.kg && window.kg.settled && window.kg.settleMs", timeout=600, interval=0.1)
    wall = time.monotonic() - start
    if page.errors:
        raise SystemExit(f"{page_file}: console errors: {page.errors}")
    return float(settle_ms), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=Path("build"))
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name, Chromium.launch() as browser:
        tmp = Path(tmp_name)
        cases = [("paper", args.graph), (f"{args.times}x", scaled_copy(args.graph, args.times, tmp / "scaled"))]
        print(
            "| graph | entities | relations | page MB | write_page s | settle ms (median) | load→settled s (median) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, directory in cases:
            page_file = tmp / f"{name}.html"
            t0 = time.monotonic()
            nodes = write_page(directory, page_file)
            write_s = time.monotonic() - t0
            edges = page_file.read_text(encoding="utf-8").count('"from":')
            runs = sorted(measure(browser, page_file) for _ in range(args.runs))
            settle, wall = runs[len(runs) // 2]
            size = page_file.stat().st_size / 1e6
            print(
                f"| {name} | {nodes} | {edges} | {size:.1f} | {write_s:.1f} | {settle:.0f} | {wall:.1f} |", flush=True
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
