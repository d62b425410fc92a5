"""A small pool of worker processes, each holding the graph, that run queries under a deadline.

pyoxigraph cannot interrupt a query from another thread, so a query past its time limit is
stopped by killing its process; the pool then starts a fresh worker in its place while the
other workers keep answering. Jobs are plain tuples, answers plain Python values, so nothing
but bytes crosses the pipe.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import EndpointError, KgError

#: Status sent when a query passes the time limit (the service could not answer in time).
TIMEOUT_STATUS = 503


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class WorkerPool:
    """Run jobs (see :mod:`kg.serve.jobs`) in *size* processes holding the graph of *graph_dir*.

    >>> import asyncio, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "g.nt").write_text('<http://e/a> <http://e/p> "1" .\\n')
    >>> pool = WorkerPool(d, size=1); pool.start()
    >>> asyncio.run(pool.run(("count", {}), timeout=10))
    1
    >>> pool.close()
    """

    def __init__(self, graph_dir: Path, size: int = 2, max_result_bytes: int = 50_000_000) -> None:
        self.graph_dir = Path(graph_dir)
        self.size = size
        self.max_result_bytes = max_result_bytes
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._initial: list[_Worker] = []
        self.started = False

    def start(self) -> None:
        """Start the workers and wait until each has loaded the graph; raises the loading error.

        Calling it again does nothing.
        """
        if self.started:
            return
        workers = [self._spawn_async() for _ in range(self.size)]
        try:
            self._initial = [self._await_ready(w) for w in workers]
        except KgError:
            self.close()
            raise
        self.started = True

    def _spawn_async(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_main, args=(child, str(self.graph_dir), self.max_result_bytes, os.getpid()), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> _Worker:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            message = ("error", 500, "a query worker exited while loading the graph")
        if message[0] != "ready":
            self._kill(worker)
            raise KgError(message[2])
        return worker

    async def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._initial:
                self._idle.put_nowait(worker)
        return self._idle

    async def run(self, job: tuple[str, dict[str, Any]], timeout: float) -> Any:
        """Run *job* in a free worker; waiting for one counts against *timeout* (seconds).

        Raises :class:`EndpointError` with the job's own status, or 503 when time runs out.
        """
        idle = await self._queue()
        deadline = time.monotonic() + timeout
        try:
            worker = await asyncio.wait_for(idle.get(), timeout)
        except TimeoutError:
            raise EndpointError(
                TIMEOUT_STATUS, f"every query worker stayed busy for {timeout:g} s; try again"
            ) from None
        try:
            worker.conn.send(job)
            remaining = max(0.0, deadline - time.monotonic())
            ready = await asyncio.to_thread(worker.conn.poll, remaining)
            if not ready:
                self._replace(worker)
                raise EndpointError(TIMEOUT_STATUS, f"query stopped: it ran past the time limit of {timeout:g} s")
            answer = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise EndpointError(500, "the query worker died while running the query (out of memory?)") from None
        except asyncio.CancelledError:
            # the request went away (client gone, shutdown) mid-query: the worker may still be
            # busy with it, so replace it rather than lose it from the pool
            self._replace(worker)
            raise
        idle.put_nowait(worker)
        if answer[0] == "ok":
            return answer[1]
        raise EndpointError(answer[1], answer[2])

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if self._closed:
            return
        loop = asyncio.get_running_loop()

        def respawn() -> None:
            try:
                fresh = self._await_ready(self._spawn_async())
            except KgError:
                return
            if self._idle is not None:
                loop.call_soon_threadsafe(self._idle.put_nowait, fresh)

        threading.Thread(target=respawn, daemon=True).start()

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._kill(worker)


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            os._exit(0)


def _main(conn: Connection, graph_dir: str, max_result_bytes: int, parent_pid: int) -> None:
    """A worker's loop: load the graph, then answer jobs until the pipe closes."""
    from kg.serve import jobs

    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    try:
        context = jobs.Context.load(Path(graph_dir), max_result_bytes)
    except KgError as exc:
        conn.send(("error", 500, str(exc)))
        return
    conn.send(("ready",))
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", jobs.run(context, kind, payload)))
        except EndpointError as exc:
            conn.send(("error", exc.status, str(exc)))
        except KgError as exc:
            conn.send(("error", 400, str(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug must answer 500, not take the worker down
            conn.send(("error", 500, f"internal error: {type(exc).__name__}: {exc}"))
