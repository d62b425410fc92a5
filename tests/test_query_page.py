"""The query page and resource pages of `kg serve`: escaping, content negotiation, and the page
driven in headless Chromium (click an example, run it, read the table; nothing leaves 127.0.0.1)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cdp import Chromium, Page, chromium_binary
from live_server import live_server
from rdflib import Graph, URIRef

from kg.serve import pages
from kg.sparql.questions import Question, questions
from kg.sparql.store import GraphStore

HTTP = httpx.Client(timeout=60)
JAPAN = "https://w3id.org/mxjp-talent/resource/japan"
EVIL = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def site(mini_graph: Path) -> Iterator[str]:
    """`kg serve` over the mini graph; yields the base URL."""
    with live_server(["serve", "--graph", str(mini_graph)]) as base:
        yield base


def test_query_page_escapes_question_text(monkeypatch: pytest.MonkeyPatch) -> None:
    evil = Question("cq-evil", EVIL, f'SELECT ("{EVIL}" AS ?x) WHERE {{}}', Path("cq-evil.rq"))
    monkeypatch.setattr(pages, "questions", lambda: [evil])
    html = pages.query_page()
    assert "<script>window" not in html and "<img" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    embedded = html.split('id="examples">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded)[0]["question"] == EVIL


def test_resource_page_escapes_literals() -> None:
    row = {
        "direction": {"type": "literal", "value": "out"},
        "p": {"type": "uri", "value": "http://www.w3.org/2000/01/rdf-schema#label"},
        "o": {"type": "literal", "value": EVIL, "lang": "en"},
    }
    html = pages.resource_page("https://w3id.org/mxjp-talent/resource/x", [row])
    assert "<script>window" not in html and "<img" not in html


def test_query_page_served_with_questions_and_no_external_reference(site: str) -> None:
    response = HTTP.get(site + "/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    for q in questions():
        assert f'data-name="{q.name}"' in response.text
    assert not re.findall(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", response.text)
    for asset in ("/static/app.js", "/static/style.css", "/vendor/vis-network.min.js"):
        assert HTTP.get(site + asset).status_code == 200


def test_resource_dereferences_to_html_with_evidence(site: str) -> None:
    response = HTTP.get(site + "/resource/japan", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "<h1>Japan</h1>" in response.text
    assert "characters" in response.text and "/resource/claim/" in response.text
    assert "section" in response.text


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_resource_dereferences_to_rdf(site: str, mini_graph: Path, accept: str, fmt: str) -> None:
    response = HTTP.get(site + "/resource/japan", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=fmt)
    expected = GraphStore.open(mini_graph).rows(f"SELECT ?p ?o WHERE {{ <{JAPAN}> ?p ?o }}")
    assert len(set(graph.predicate_objects(URIRef(JAPAN)))) == len({(r["p"], r["o"]) for r in expected}) > 0


def test_unknown_resource_is_404(site: str) -> None:
    assert HTTP.get(site + "/resource/no-such-thing").status_code == 404
    assert HTTP.get(site + "/resource/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404


def test_graph_page_is_drawn_for_a_build_without_one(site: str, mini_graph: Path) -> None:
    """The mini build has no graph.html (built without the page): the server draws it on demand."""
    assert not (mini_graph / "graph.html").exists()
    response = HTTP.get(site + "/graph")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()
    assert "NTT Docomo" in response.text, "the page does not show the graph's entities"
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", response.text)


# --- In a browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): skipping the in-browser test")
    with Chromium.launch() as chromium:
        yield chromium


def _click(page: Page, selector: str) -> None:
    """A real mouse click (press and release) in the middle of the element."""
    element = f"document.querySelector({json.dumps(selector)})"
    page.evaluate(f"{element}.scrollIntoView({{block: 'center'}})")
    x, y = page.evaluate(
        f"(() => {{ const r = {element}.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
    )
    for kind in ("mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})


def _question_with_rows(mini_graph: Path) -> str:
    store = GraphStore.open(mini_graph)
    for q in questions():
        result = store.query(q.sparql)
        if hasattr(result, "variables") and any(True for _ in result):
            return q.name
    pytest.skip("no competency question has an answer on the mini graph")


def test_query_page_in_chromium(site: str, browser: Chromium, mini_graph: Path, tmp_path: Path) -> None:
    name = _question_with_rows(mini_graph)
    page = browser.page()
    page.send(
        "Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    )
    page.goto(site + "/")
    _click(page, f'button.example[data-name="{name}"]')
    assert page.evaluate("document.getElementById('query').value").startswith("#")
    _click(page, "#run")
    rows = page.wait_until("document.querySelectorAll('#results table tbody tr').length", timeout=30)
    assert rows > 0
    assert "row(s)" in page.evaluate("document.getElementById('status').textContent")

    # A literal carrying markup shows as text and runs nothing.
    page.evaluate(
        f"document.getElementById('query').value = {json.dumps(f'SELECT ?x WHERE {{ BIND({json.dumps(EVIL)} AS ?x) }}')}"
    )
    _click(page, "#run")
    page.wait_until("document.querySelector('#results td') !== null", timeout=30)
    assert page.evaluate("document.querySelector('#results td').textContent") == EVIL
    assert page.evaluate("typeof window.pwned") == "undefined"

    # CONSTRUCT draws a graph.
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isIRI(?o)) } LIMIT 40"
    page.evaluate(f"document.getElementById('query').value = {json.dumps(construct)}")
    _click(page, "#run")
    page.wait_until("document.querySelector('#graph-view canvas') !== null", timeout=30)
    assert "triple(s)" in page.evaluate("document.getElementById('status').textContent")
    page.screenshot(tmp_path / "query-page.png")

    assert not page.errors, page.errors
    outside = [url for url in page.requests if not url.startswith(site) and not url.startswith("data:")]
    assert not outside, f"requests left 127.0.0.1: {outside}"
