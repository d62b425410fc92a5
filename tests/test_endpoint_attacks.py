"""The endpoint under attack: updates, LOAD, FROM/SERVICE to any address, path traversal,
oversized bodies, too many parameters, malformed requests, markup in the data, a runaway query.

A real ``kg serve`` runs on 127.0.0.1 over a build of a copy of the mini fixture in which an
entity's labels and definition carry ``<script>`` and quotes.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import KG, free_port, live_process

from kg.sparql.guard import READ_ONLY
from kg.sparql.store import GraphStore

MINI = Path(__file__).parent / "data" / "mini"
EVIL_LABEL = """NTT <script>alert("label")</script> 'Docomo' & "co" """.strip()
EVIL_DEF = """<img src=x onerror="alert('definition')"> a company's "quoted" & <b>bold</b> text"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def evil_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the mini fixture with markup in a label (es) and a definition (en)."""
    from kg.build.pipeline import build

    data = tmp_path_factory.mktemp("evil") / "data"
    shutil.copytree(MINI, data)
    facts = data / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    old = "    label: {en: NTT Docomo, ja: NTTドコモ}\n"
    assert old in text, "fixture changed"
    import json

    new = (
        f"    label: {{en: NTT Docomo, ja: NTTドコモ, es: {json.dumps(EVIL_LABEL)}}}\n"
        f"    definition: {{en: {json.dumps(EVIL_DEF)}}}\n"
    )
    facts.write_text(text.replace(old, new), encoding="utf-8")
    out = tmp_path_factory.mktemp("evil-build") / "build"
    build(out, data=data, reasoner="owlrl", viz=True)
    return out


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it (it must get none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def server(evil_graph: Path) -> Iterator[tuple[str, int]]:
    """(base URL, server pid) of ``kg serve`` over the evil graph, with a 2 s time limit."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(KG), "serve", "--graph", str(evil_graph), "--port", str(port), "--timeout", "2", "--workers", "2"]
    with live_process(command, base + "/sparql") as process:
        yield base, process.pid


@pytest.fixture(scope="module")
def base(server: tuple[str, int]) -> str:
    return server[0]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def count(evil_graph: Path) -> int:
    return int(GraphStore.open(evil_graph).rows(COUNT)[0]["n"])


def _count(base: str) -> int:
    r = httpx.get(base + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------------------------------------
# updates, in every form and through every door

UPDATES = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <http://127.0.0.1:{port}/data.ttl> INTO GRAPH <http://e/g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "DROP SILENT GRAPH <http://e/g>",
    "CREATE GRAPH <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "MOVE DEFAULT TO <http://e/g>",
    "COPY DEFAULT TO <http://e/g>",
    "PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c } ; CLEAR ALL",
]
DOORS = ["get-update", "get-query", "post-form-update", "post-form-query", "post-sparql-update", "post-sparql-query"]


def _send(base: str, door: str, text: str) -> httpx.Response:
    url = base + "/sparql"
    if door == "get-update":
        return httpx.get(url, params={"update": text})
    if door == "get-query":
        return httpx.get(url, params={"query": text})
    if door == "post-form-update":
        return httpx.post(url, data={"update": text})
    if door == "post-form-query":
        return httpx.post(url, data={"query": text})
    media = "application/sparql-update" if door == "post-sparql-update" else "application/sparql-query"
    return httpx.post(url, content=text.encode(), headers={"Content-Type": media})


@pytest.mark.parametrize("door", DOORS)
def test_every_update_refused_through_every_door(door: str, base: str, count: int, listener: Listener) -> None:
    for update in UPDATES:
        r = _send(base, door, update.replace("{port}", str(listener.port)))
        assert r.status_code == 403, (door, update, r.status_code, r.text)
        assert r.text.startswith(READ_ONLY), (door, update, r.text)
    assert _count(base) == count, "an update changed the store"
    assert listener.connections == 0, "the endpoint fetched a URL"


# ---------------------------------------------------------------------------------------------
# FROM, FROM NAMED, SERVICE and the graph parameters never reach out

OUTSIDE = [
    "http://127.0.0.1:{port}/data.ttl",
    "http://localhost:{port}/",
    "file:///etc/passwd",
    "file:/etc/passwd",
    "http://[::1]:{port}/",
    "http://169.254.169.254/latest/meta-data/",
    "ftp://127.0.0.1:{port}/x",
]


@pytest.mark.parametrize("address", OUTSIDE)
def test_from_and_service_to_any_address_refused(address: str, base: str, listener: Listener) -> None:
    iri = address.replace("{port}", str(listener.port))
    service = "refused: SERVICE is not allowed here (the endpoint never fetches remote data)"
    from_graph = f"refused: FROM <{iri}> names no graph in this store (the endpoint never loads graphs from the web)"
    for query, refusal in (
        (f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }} LIMIT 1", from_graph),
        (f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1", from_graph),
        (f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}", service),
        (f"SELECT * WHERE {{ SERVICE SILENT <{iri}> {{ ?s ?p ?o }} }}", service),
        (f"CONSTRUCT {{ ?s ?p ?o }} FROM <{iri}> WHERE {{ ?s ?p ?o }}", from_graph),
        (f"ASK FROM <{iri}> {{ ?s ?p ?o }}", from_graph),
    ):
        r = httpx.get(base + "/sparql", params={"query": query})
        assert r.status_code == 400, (query, r.status_code, r.text)
        assert r.text.startswith(refusal), (query, r.text)
        assert "root:" not in r.text
    for name in ("default-graph-uri", "named-graph-uri"):
        r = httpx.get(base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", name: iri})
        assert r.status_code == 400, (name, r.status_code, r.text)
        assert r.text.startswith(f"refused: graph <{iri}> is not in this store"), (name, r.text)
    time.sleep(0.2)
    assert listener.connections == 0, "the endpoint fetched a URL"


# ---------------------------------------------------------------------------------------------
# path traversal on the static routes: raw request lines, so that no client normalises the path

TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/..%252f..%252fetc%252fpasswd",
    "/static/....//....//etc/passwd",
    "/static/..\\..\\etc\\passwd",
    "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/vendor/../../../../etc/passwd",
    "/vendor/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/resource/../../etc/passwd",
    "/resource/..%2f..%2fetc%2fpasswd",
    "/graph/../../etc/passwd",
    "/static/..%00/etc/passwd",
    "/../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
]


def _raw_get(base: str, path: str) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
    return status, raw


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_refused(path: str, base: str) -> None:
    status, raw = _raw_get(base, path)
    assert b"root:" not in raw
    assert status in (400, 404, 405), (status, raw[:300])


# ---------------------------------------------------------------------------------------------
# sizes and shapes of requests


def test_oversized_bodies_are_413(base: str) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2_000_000
    assert httpx.post(base + "/sparql", data={"query": big}).status_code == 413
    assert (
        httpx.post(
            base + "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}
        ).status_code
        == 413
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap must hold while streaming
        for _ in range(40):
            yield b"#" + b"x" * 65535

    r = httpx.post(base + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert _count(base) > 0, "the server stopped answering"


def test_too_many_parameters_is_400(base: str) -> None:
    form = [("query", "ASK {}")] + [("x", str(i)) for i in range(5000)]
    r = httpx.post(
        base + "/sparql",
        content="&".join(f"{k}={v}" for k, v in form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "too many parameters" in r.text
    r = httpx.get(
        base + "/sparql", params=[("query", "ASK {}")] + [("default-graph-uri", f"urn:g{i}") for i in range(300)]
    )
    assert r.status_code in (400, 414, 431) and "root:" not in r.text


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"method": "GET", "params": {"query": "SELECT ?s WHERE { ?s ?p "}}, 400),
        ({"method": "GET", "params": {"query": "SELEKT * WHERE {}"}}, 400),
        ({"method": "GET", "params": {"query": "%ZZ%"}}, 400),
        ({"method": "GET", "params": {"query": ""}}, 400),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"method": "GET", "params": {"format": "json"}}, 400),
        (
            {
                "method": "POST",
                "content": b"query=ASK%20%7B%7D\xff\xfe",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
        ),
        (
            {"method": "POST", "content": b"\xff\xfeASK {}", "headers": {"Content-Type": "application/sparql-query"}},
            400,
        ),
        (
            {
                "method": "POST",
                "content": b"ASK {}",
                "headers": {"Content-Type": "application/sparql-query; charset=latin-1"},
            },
            415,
        ),
        ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"method": "POST", "content": b"ASK {}"}, 415),
        ({"method": "PUT", "content": b"ASK {}"}, 405),
        ({"method": "DELETE"}, 405),
    ],
    ids=[
        "unfinished",
        "misspelt",
        "bad-percent",
        "empty",
        "two-queries",
        "no-query",
        "form-not-utf8",
        "body-not-utf8",
        "latin1-charset",
        "text-plain",
        "no-content-type",
        "put",
        "delete",
    ],
)
def test_malformed_requests_are_4xx(request_kwargs: dict, status: int, base: str) -> None:  # type: ignore[type-arg]
    method = request_kwargs.pop("method")
    r = httpx.request(method, base + "/sparql", **request_kwargs)
    assert r.status_code == status, (r.status_code, r.text)
    assert "Traceback" not in r.text


# ---------------------------------------------------------------------------------------------
# markup in the data is escaped on every page


def _assert_escaped(page: str) -> None:
    for raw in ("<script>alert(", "<img src=x", "<b>bold</b>", 'onerror="alert'):
        assert raw not in page, f"unescaped {raw!r} in the page"


def test_entity_page_escapes_labels_and_literals(base: str) -> None:
    r = httpx.get(base + "/resource/ntt-docomo", headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    _assert_escaped(r.text)
    assert "&lt;script&gt;alert(" in r.text and "&lt;img src=x" in r.text
    assert "Content-Security-Policy" in r.headers


def test_query_page_and_graph_page_escape(base: str, evil_graph: Path) -> None:
    r = httpx.get(base + "/")
    assert r.status_code == 200
    _assert_escaped(r.text)
    r = httpx.get(base + "/graph")
    assert r.status_code == 200, r.text[:300]
    assert "NTT" in r.text, "the graph page does not show the planted entity"
    # labels sit in the page's data (JSON in a script): a "</script>" there would end the script
    assert "</script>alert" not in r.text and '<script>alert("label")' not in r.text
    _assert_escaped(r.text)


def test_resource_path_with_markup_is_escaped(base: str) -> None:
    r = httpx.get(base + "/resource/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert "<script>alert(1)" not in r.text


def test_query_answers_with_markup_are_data_not_html(base: str) -> None:
    r = httpx.get(
        base + "/sparql",
        params={"query": "SELECT ?l WHERE { ?s ?p ?l FILTER(CONTAINS(STR(?l), 'script')) }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    values = {b["l"]["value"] for b in r.json()["results"]["bindings"]}
    assert EVIL_LABEL in values


# ---------------------------------------------------------------------------------------------
# a runaway query is stopped, its worker's resources freed, and the server keeps serving


def process_tree(root: int) -> dict[int, int]:
    """pid → RSS in kB for *root* and its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    out = {}
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        out[pid] = rss
    return out


def test_runaway_query_stopped_and_worker_freed(server: tuple[str, int]) -> None:
    base, pid = server
    _count(base)
    before = process_tree(pid)
    started = time.monotonic()
    r = httpx.get(base + "/sparql", params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 503 and "time limit" in r.text, (r.status_code, r.text)
    assert elapsed < 2 + 3, f"stopped after {elapsed:.1f} s, past the 2 s limit"
    assert _count(base) > 0, "the server stopped serving"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        after = process_tree(pid)
        if len(after) >= len(before) and set(before) - set(after):
            break
        time.sleep(0.2)
    gone = set(before) - set(after)
    assert gone, "no worker was stopped: the runaway query may still be running"
    assert len(after) == len(before), "the stopped worker was not replaced"
    total_before, total_after = sum(before.values()), sum(after.values())
    assert total_after < total_before * 1.3 + 50_000, f"memory {total_before} kB → {total_after} kB"
