"""Running the endpoint: the listening socket (taken before anything is announced, so a busy port
is one clear error), the query workers, the access log, and uvicorn.

The access log has one line per request in the Common Log Format that web servers write and log
tools read: ``host - - [day/month/year:time zone] "request line" status bytes``.
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kg.errors import KgError
from kg.serve.endpoint import Settings, create_app
from kg.serve.workers import WorkerPool
from kg.sparql.store import graph_files


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on *host*:*port*; a :class:`~kg.errors.KgError` saying why when it
    cannot be had (the port is in use, the address is not this machine's, no permission).

    >>> s = listen("127.0.0.1", 0); s.getsockname()[0]
    '127.0.0.1'
    >>> s.close()
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise KgError(f"port {port} on {host} is in use by another program: choose another with --port") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise KgError(f"no permission to listen on port {port}: choose a port above 1023 with --port") from None
        reason = exc.strerror or str(exc)
        raise KgError(f"cannot listen on {host}:{port}: {reason}") from None
    # Accepted connections inherit it: without it a keep-alive client waits for the delayed ACK of
    # the response's headers before its body comes (about 40 ms a request on Linux).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _escape(text: str) -> str:
    """Text safe inside a quoted log field: backslash, quote and control characters escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


def log_line(scope: dict[str, Any], status: int, size: int, when: float | None = None) -> str:
    """The Common Log Format line of one request.

    >>> scope = {"client": ("127.0.0.1", 5000), "method": "GET", "raw_path": b"/sparql",
    ...          "query_string": b"query=ASK%7B%7D", "http_version": "1.1"}
    >>> log_line(scope, 200, 0, when=0.0).split("] ", 1)[1]
    '"GET /sparql?query=ASK%7B%7D HTTP/1.1" 200 -\\n'
    """
    client = scope.get("client")
    host = client[0] if client else "-"
    path = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
    target = path.decode("latin-1")
    if scope.get("query_string"):
        target += "?" + scope["query_string"].decode("latin-1")
    request = f"{scope.get('method', '-')} {target} HTTP/{scope.get('http_version', '1.1')}"
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(time.time() if when is None else when))
    return f'{host} - - [{stamp}] "{_escape(request)}" {status} {size or "-"}\n'


class AccessLog:
    """ASGI middleware writing :func:`log_line` for every HTTP request to *stream* (flushed at once)."""

    def __init__(self, app: Any, stream: TextIO) -> None:
        self.app = app
        self.stream = stream

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = {"status": 0, "size": 0}

        async def counting_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["size"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            self.stream.write(log_line(scope, answer["status"] or 500, answer["size"]))
            self.stream.flush()


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    access_log: Path | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Check the graph directory, take the port, load the graph into the workers, call *ready*
    with the address, then serve until interrupted (blocking). Each step's failure is a
    :class:`~kg.errors.KgError` raised before *ready* is called.

    Example: ``serve(Settings(Path("build")), port=8000, ready=print)`` then open http://127.0.0.1:8000/
    """
    import uvicorn

    graph_files(settings.graph_dir)
    sock = listen(host, port)
    pool = WorkerPool(settings.graph_dir, size=settings.workers, max_result_bytes=settings.max_result_bytes)
    log: TextIO | None = None
    try:
        if access_log is not None:
            try:
                log = access_log.open("a", encoding="utf-8")
            except OSError as exc:
                raise KgError(f"{access_log}: cannot write the access log: {exc.strerror or exc}") from None
        pool.start()
        app: Any = create_app(settings, pool)
        if log is not None:
            app = AccessLog(app, log)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
        shown = f"[{host}]" if ":" in host else host
        if ready is not None:
            ready(f"http://{shown}:{sock.getsockname()[1]}/")
        server.run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
        if log is not None:
            log.close()
