"""A small Chrome DevTools Protocol driver for headless Chromium, for browser tests.

Starts the system's Debian ``chromium`` (never downloads a browser), reads the debugging port
from ``DevToolsActivePort`` in a throw-away profile, opens one page and records what the page
does: console errors, uncaught exceptions, dialogs (``alert`` and friends, dismissed at once) and
every network request. Talks to 127.0.0.1 only.

    with Chromium.launch() as browser:
        page = browser.page()
        page.goto(path.as_uri())
        assert page.evaluate("document.title") == "…"
        assert not page.errors and not page.dialogs
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--remote-debugging-port=0",
)


def chromium_binary() -> str | None:
    """The path of the installed Chromium, or None (tests then skip with that reason)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class CdpError(RuntimeError):
    """Chromium did not start, or answered a command with an error."""


@dataclass
class Page:
    """One tab, driven over its own WebSocket; events are kept in lists for the test to read."""

    ws: Any
    events: list[dict[str, Any]] = field(default_factory=list)
    _next: int = 0

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        """Send a command and return its result, recording the events that arrive meanwhile."""
        self._next += 1
        ident = self._next
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message is not None and message.get("id") == ident:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise CdpError(f"{method}: no answer in {timeout}s")

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        import websocket

        self.ws.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
        try:
            message = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        if "method" in message:
            self.events.append(message)
            if message["method"] == "Page.javascriptDialogOpening":
                self.ws.send(
                    json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": False}})
                )
        return message

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30) -> dict[str, Any]:
        """Wait until an event satisfying *predicate* has arrived (or had arrived) and return it."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if predicate(event):
                    return event
            seen = len(self.events)
            if time.monotonic() >= deadline:
                raise CdpError(f"event not seen in {timeout}s")
            self._receive(deadline)

    def goto(self, url: str, timeout: float = 60) -> None:
        """Open *url* and wait for its load event."""
        before = len(self.events)
        self.send("Page.navigate", {"url": url})
        self.wait_for(lambda e: e["method"] == "Page.loadEventFired" and self.events.index(e) >= before, timeout)

    def evaluate(self, expression: str, timeout: float = 30) -> Any:
        """Evaluate JavaScript in the page and return its value (promises are awaited)."""
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, timeout
        )
        if "exceptionDetails" in result:
            raise CdpError(
                f"{expression[:60]}…: {result['exceptionDetails'].get('text')} {result['exceptionDetails'].get('exception', {}).get('description', '')}"
            )
        return result.get("result", {}).get("value")

    def wait_until(self, expression: str, timeout: float = 60, interval: float = 0.05) -> Any:
        """Poll *expression* until it is truthy and return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression, timeout=max(1.0, deadline - time.monotonic()))
            if value:
                return value
            self._receive(time.monotonic() + interval)
        raise CdpError(f"{expression!r} still false after {timeout}s")

    def screenshot(self, path: Path, width: int = 1400, height: int = 900) -> Path:
        """Save a PNG of the page at *width* x *height*."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries, as text."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                details = p.get("exceptionDetails", {})
                out.append(f"exception: {details.get('text')} {details.get('exception', {}).get('description', '')}")
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(
                    "console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                )
            elif e["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        return out

    @property
    def dialogs(self) -> list[str]:
        """Messages of the JavaScript dialogs the page opened (each was dismissed)."""
        return [e["params"].get("message", "") for e in self.events if e["method"] == "Page.javascriptDialogOpening"]

    @property
    def requests(self) -> list[str]:
        """URLs of every request the page made."""
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]


@dataclass
class Chromium:
    """A headless Chromium process with a throw-away profile; use :meth:`launch` as a context manager."""

    process: subprocess.Popen[bytes]
    profile: Path
    port: int
    pages: list[Page] = field(default_factory=list)

    @classmethod
    def launch(cls, binary: str | None = None, timeout: float = 30) -> Chromium:
        binary = binary or chromium_binary()
        if binary is None:
            raise CdpError("no chromium on PATH (apt-get install chromium)")
        profile = Path(tempfile.mkdtemp(prefix="kg-chromium-"))
        process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        marker = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.is_file():
                lines = marker.read_text().split()
                if lines:
                    return cls(process, profile, int(lines[0]))
            if process.poll() is not None:
                break
            time.sleep(0.05)
        process.kill()
        shutil.rmtree(profile, ignore_errors=True)
        raise CdpError(f"chromium did not start (exit code {process.poll()})")

    def page(self) -> Page:
        """Attach to the blank tab Chromium opened with Page, Runtime, Network and Log events enabled."""
        import urllib.request

        import websocket

        deadline = time.monotonic() + 10
        targets: list[dict[str, Any]] = []
        while not targets and time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=10) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            time.sleep(0.05)
        if not targets:
            raise CdpError("chromium has no page to drive")
        target = targets[0]
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=10, suppress_origin=True)
        page = Page(ws)
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.send(f"{domain}.enable")
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            try:
                page.ws.close()
            except OSError:
                pass
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
