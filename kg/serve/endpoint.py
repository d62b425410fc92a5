"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint with a query page, offline.

Routes: ``/sparql`` (the protocol; a Service Description on a bare GET: HTML for a browser, RDF
for others), ``/`` (the query page), ``/resource/{path}`` (resource IRIs dereferenced: a page in
the reader's language, Turtle or JSON-LD), ``/graph`` (the graph page), ``/docs`` (the ontology's
documentation), ``/find`` (a name to its page), ``/static/…`` and ``/vendor/…`` (the pages'
scripts, from this package and pyvis). Every answer chosen by content negotiation says
``Vary: Accept`` (and ``Accept-Language`` for resource pages).

Safety: queries run in worker processes killed at the time limit (:mod:`kg.serve.workers`); updates,
SERVICE and FROM graphs outside the store are refused before evaluation (:mod:`kg.serve.jobs`);
request bodies and answers are capped; CORS is off unless an origin is given.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.errors import EndpointError, KgError
from kg.serve import conneg, pages
from kg.serve.assets import packaged, static_files, vis_file
from kg.serve.jobs import check_safe
from kg.serve.layout import nav_bar, page
from kg.serve.workers import WorkerPool
from kg.sparql.guard import READ_ONLY
from kg.sparql.results import GRAPH_FORMATS
from kg.terms import RES

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: The most protocol parameters a request may carry (URL and form together); more is refused (400).
MAX_PARAMS = 100
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class Settings:
    """How the endpoint runs; every limit has a safe default."""

    graph_dir: Path
    timeout: float = 5.0
    workers: int = 2
    max_body_bytes: int = 1_000_000
    max_result_bytes: int = 50_000_000
    cors_origin: str | None = None
    paper_text: str | None = None  # the user's copy of the paper, read at start, for quoting evidence


def create_app(settings: Settings, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application for *settings*; workers start with the app's lifespan.

    >>> app = create_app(Settings(Path("build")))
    >>> sorted(r.path for r in app.routes)[:3]
    ['/', '/docs', '/find']
    """
    if pool is None:
        pool = WorkerPool(settings.graph_dir, size=settings.workers, max_result_bytes=settings.max_result_bytes)
    state: dict[str, Any] = {}
    page_lock = asyncio.Lock()

    @asynccontextmanager
    async def lifespan(app: Starlette):
        await asyncio.to_thread(pool.start)
        try:
            yield
        finally:
            pool.close()
            if isinstance(state.get("graph"), Path):
                shutil.rmtree(state["graph"].parent, ignore_errors=True)

    async def sparql(request: Request) -> Response:
        try:
            params = await _protocol_params(request, settings.max_body_bytes)
            if _asks_for_description(params):
                return _service_description(request, params, settings.timeout)
            job = _query_job(params, request)
            check_safe(job["query"])
            media_type, body = await pool.run(("query", job), settings.timeout)
        except EndpointError as exc:
            return _error(exc)
        return Response(body, media_type=media_type, headers={"Vary": "Accept"})

    async def query_page(request: Request) -> Response:
        return _html(pages.query_page(), vary=False)

    async def resource(request: Request) -> Response:
        iri = str(RES) + request.path_params["path"]
        if not _valid_iri(iri):  # such as a path with spaces or markup: no resource has that name
            return _html(pages.not_found(iri), status=404)
        wanted = _resource_format(request)
        try:
            if wanted == "html":
                found = await pool.run(("profile", {"iri": iri}), settings.timeout)
                if not found["facts"]:
                    return _html(pages.not_found(iri), status=404)
                return _html(_profile_page(iri, found, request, settings.paper_text))
            chosen = conneg.GRAPHS[wanted]
            body = await pool.run(("resource", {"iri": iri, "fmt": wanted}), settings.timeout)
        except EndpointError as exc:
            return _error(exc)
        if not body.strip():
            return PlainTextResponse(f"no facts about <{iri}> in this graph\n", status_code=404, headers=VARY)
        return Response(body, media_type=chosen.media_type, headers=VARY)

    async def docs(request: Request) -> Response:
        path = settings.graph_dir / "docs" / "ontology.html"
        if not path.is_file():
            message = f"{path} is absent: `kg build` writes it, or `kg docs --out {path.parent}`"
            return _html(page("No documentation", f"<h1>No documentation</h1><p>{escape(message)}</p>"), 404)
        if "docs" not in state:  # read and framed once, like the graph page
            state["docs"] = _with_nav(await asyncio.to_thread(path.read_text, encoding="utf-8"), "/docs")
        return _html(state["docs"], vary=False)

    async def find(request: Request) -> Response:
        name = request.query_params.get("name", "").strip()
        if not name:
            return _html(pages.find_page("", "Type a name, an id or an IRI."), status=400)
        try:
            found = await pool.run(("find", {"name": name[:500]}), settings.timeout)
        except EndpointError as exc:
            return _error(exc)
        if "iri" in found:
            return RedirectResponse(pages.href(found["iri"]), status_code=303)
        return _html(pages.find_page(name, found["error"], found["suggestions"]), status=404, vary=False)

    async def graph(request: Request) -> Response:
        path = settings.graph_dir / "graph.html"
        if path.is_file():
            return FileResponse(path, media_type="text/html; charset=utf-8")
        async with page_lock:  # two first requests draw the page once
            if "graph" not in state:
                state["graph"] = await asyncio.to_thread(_generate_graph_page, settings.graph_dir)
        if isinstance(state["graph"], str):
            return PlainTextResponse(state["graph"], status_code=404)
        return FileResponse(state["graph"], media_type="text/html; charset=utf-8")

    files = static_files()

    async def static(request: Request) -> Response:
        found = files.get(request.path_params["path"])
        if found is None:
            return PlainTextResponse("not found\n", status_code=404)
        return packaged(found)

    async def vendor(request: Request) -> Response:
        return vis_file(request.path_params["name"])

    middleware = []
    if settings.cors_origin:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[settings.cors_origin],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    routes = [
        Route("/", query_page, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        Route("/resource/{path:path}", resource, methods=["GET"]),
        Route("/graph", graph, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/find", find, methods=["GET"]),
        Route("/static/{path:path}", static, methods=["GET"]),
        Route("/vendor/{name}", vendor, methods=["GET"]),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    return app


async def _protocol_params(request: Request, cap: int) -> list[tuple[str, str]]:
    """The protocol's parameters from the URL and, for a form POST, the body; a direct POST's body
    becomes a ``query`` parameter. Refuses updates (403) and bodies past *cap* (413)."""
    params = list(request.query_params.multi_items())
    if len(params) > MAX_PARAMS:
        raise EndpointError(400, f"too many parameters: at most {MAX_PARAMS}")
    if request.method == "POST":
        media, charset = _content_type(request.headers.get("content-type", ""))
        if media == UPDATE_TYPE:
            raise EndpointError(403, READ_ONLY)
        if media not in (FORM, QUERY_TYPE):
            raise EndpointError(415, f"POST needs Content-Type {FORM} or {QUERY_TYPE}, not {media or 'none'!r}")
        if charset not in (None, "utf-8", "utf8"):
            raise EndpointError(415, f"the request body must be UTF-8, not {charset}")
        body = await _read_body(request, cap)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EndpointError(400, f"the request body is not UTF-8: {exc}") from None
        if media == FORM:
            try:
                params += parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_PARAMS - len(params))
            except ValueError:
                raise EndpointError(400, f"too many parameters: at most {MAX_PARAMS}") from None
        else:
            params.append(("query", text))
    names = [name for name, _ in params]
    if "update" in names:
        raise EndpointError(403, READ_ONLY)
    return params


def _query_job(params: list[tuple[str, str]], request: Request) -> dict[str, Any]:
    queries = [value for name, value in params if name == "query"]
    if len(queries) != 1:
        raise EndpointError(400, "give exactly one query parameter" if queries else "missing the query parameter")
    formats = [value for name, value in params if name in ("format", "output") and value]
    return {
        "query": queries[0],
        "accept": request.headers.get("accept"),
        "fmt": formats[0] if formats else None,
        "default_graphs": [v for n, v in params if n == "default-graph-uri"],
        "named_graphs": [v for n, v in params if n == "named-graph-uri"],
        "base_iri": str(request.url_for("sparql")),
    }


def _content_type(header: str) -> tuple[str, str | None]:
    media, *rest = (part.strip() for part in header.split(";"))
    charset = None
    for param in rest:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


async def _read_body(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise EndpointError(413, f"the request body is larger than this endpoint's cap of {cap:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise EndpointError(413, f"the request body is larger than this endpoint's cap of {cap:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _resource_format(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt in ("html", *conneg.GRAPHS):
        return fmt or "html"
    for media in conneg.accepted(request.headers.get("accept")):
        if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
            return "html"
        try:
            return conneg.choose(True, media, None).name
        except EndpointError:
            continue
    return "html"


def _valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


#: The header of every answer chosen by content negotiation (the resource pages' also by language).
VARY = {"Vary": "Accept, Accept-Language"}


def _error(exc: EndpointError) -> Response:
    return PlainTextResponse(f"{exc}\n", status_code=exc.status, headers={"Vary": "Accept"})


def _html(text: str, status: int = 200, vary: bool = True) -> HTMLResponse:
    headers = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}
    if vary:
        headers.update(VARY)
    return HTMLResponse(text, status_code=status, headers=headers)


def _asks_for_description(params: list[tuple[str, str]]) -> bool:
    """A bare GET, or one naming only a format the description has (a page or an RDF syntax);
    ``format=json`` alone is a query without its query."""
    if {name for name, _ in params} - {"format", "output"}:
        return False
    fmt = next((value for _, value in params if value), None)
    if fmt is None or fmt == "html":
        return True
    try:
        conneg.choose(True, None, fmt)
    except EndpointError:
        return False
    return True


def _service_description(request: Request, params: list[tuple[str, str]], timeout: float) -> Response:
    """The Service Description: a page for a browser (or ``format=html``), RDF for other clients."""
    endpoint = str(request.url_for("sparql"))
    fmt = next((value for _, value in params if value), None)
    if fmt == "html" or (fmt is None and _prefers_html(request.headers.get("accept"))):
        return _html(pages.service_page(endpoint, timeout))
    try:
        chosen = conneg.choose(True, request.headers.get("accept"), fmt)
    except EndpointError as exc:
        return _error(exc)
    turtle = pages.service_description(endpoint)
    body = turtle.encode("utf-8")
    if chosen.name != "turtle":
        body = ox.serialize(ox.parse(turtle, ox.RdfFormat.TURTLE), format=GRAPH_FORMATS[chosen.name]) or b""
    return Response(body, media_type=chosen.media_type, headers={"Vary": "Accept"})


def _prefers_html(accept: str | None) -> bool:
    """Whether HTML comes before any RDF type in an Accept header (a browser's does)."""
    for media in conneg.accepted(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in conneg.RDF_TYPES or media.endswith("/*"):
            return False
    return False


def _profile_page(iri: str, found: dict[str, Any], request: Request, paper_text: str | None) -> str:
    own = found["labels"].get(iri, {})
    chosen = conneg.language(request.headers.get("accept-language"), set(own))
    return pages.resource_page(
        iri,
        found["facts"],
        labels=found["labels"],
        figures=found["figures"],
        discrepancies=found["discrepancies"],
        languages=[chosen],
        paper_text=paper_text,
    )


def _with_nav(document: str, current: str) -> str:
    """A whole HTML page made elsewhere (the ontology's documentation), with our navigation bar."""
    head = '<link rel="stylesheet" href="/static/nav.css"></head>'
    body = "<body>" + nav_bar(current)
    return document.replace("</head>", head, 1).replace("<body>", body, 1)


def _generate_graph_page(graph_dir: Path) -> Path | str:
    """Write the graph page with kg.explore.visualize into a temporary folder; a message when unavailable."""
    try:
        from kg.explore.visualize import write_page  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return (
            f"no graph page: {graph_dir / 'graph.html'} is absent and this installation cannot draw one "
            "(kg.explore.visualize is missing); run `kg build` with the graph page enabled\n"
        )
    out = Path(tempfile.mkdtemp(prefix="kg-graph-")) / "graph.html"
    try:
        write_page(graph_dir, out)
    except KgError as exc:
        return f"no graph page: {exc}\n"
    return out
