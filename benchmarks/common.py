"""Helpers the benchmark scripts share: progress, starting ``kg``, timing a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def say(text: str) -> None:
    """Progress on stderr."""
    print(text, file=sys.stderr, flush=True)


def kg_command() -> list[str]:
    """How to start ``kg``: the console script beside this interpreter, else ``python -m kg``."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg"]


def cpu_pressure() -> float | None:
    """The share of the last 60 s in which some runnable task waited for a CPU (Linux PSI), in %."""
    try:
        first = Path("/proc/pressure/cpu").read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return None
    fields = dict(part.split("=") for part in first.split()[1:])
    return float(fields["avg60"])


def timed_process(command: Sequence[str]) -> dict[str, Any]:
    """Run *command*; its wall time, CPU time and peak RSS (``wait4``: that process alone), exit
    status, last line of output, and how busy the machine was (load average, CPU pressure)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode(errors="replace")  # until it closes: the process is ending
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "said": output.strip().splitlines()[-1:] or [""],
        "loadavg": os.getloadavg()[0],
        "cpu_pressure": cpu_pressure(),
    }


def disk_usage_mb(path: Path) -> float:
    """The bytes under *path*, in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
