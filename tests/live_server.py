"""Start a real ``kg serve`` (or any server command) on a free 127.0.0.1 port, for tests.

with live_server(["serve", "--graph", str(graph)]) as url:
    httpx.get(url + "/sparql")
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

KG = Path(sys.executable).with_name("kg")


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_process(command: list[str], ready_url: str, timeout: float = 60) -> Iterator[subprocess.Popen[bytes]]:
    """Run *command* in its own process group until *ready_url* answers; kill the group at the end."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
                raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{output}")
            try:
                if httpx.get(ready_url, timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not answer {ready_url} in {timeout}s")
            time.sleep(0.1)
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def live_server(args: list[str], timeout: float = 60) -> Iterator[str]:
    """Run ``kg ARGS --port N`` and yield its base URL once ``/sparql`` answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with live_process([str(KG), *args, "--port", str(port)], base + "/sparql", timeout):
        yield base
