"""The query page and resource pages of `kg serve`: escaping, content negotiation, and the page
driven in headless Chromium (click an example, run it, read the table; nothing leaves 127.0.0.1)."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cdp import Chromium, chromium_binary
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
    for asset in ("/static/kg-yasgui.js", "/static/kg-yasgui.css", "/static/style.css", "/vendor/vis-network.min.js"):
        assert HTTP.get(site + asset).status_code == 200, asset
    for asset in re.findall(r'(?:src|href)="(/static/vendor/[^"]+)"', response.text):
        assert HTTP.get(site + asset).status_code == 200, asset


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


ACTIVE = ".yasgui .tabPanel.active"


def test_answers_with_markup_show_as_text_in_the_editor(site: str, browser: Chromium, tmp_path: Path) -> None:
    """A literal carrying markup, opened through a permalink, shows as text and runs nothing."""
    page = browser.page()
    query = f"SELECT ?x WHERE {{ BIND({json.dumps(EVIL)} AS ?x) }}"
    page.goto(site + "/?" + urllib.parse.urlencode({"query": query}))
    cell = f"document.querySelector('{ACTIVE} .yasr table.dataTable tbody td:last-child')"
    page.wait_until(f"{cell} !== null", timeout=30)
    assert EVIL in page.evaluate(f"{cell}.textContent")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert not page.errors, page.errors
    outside = [url for url in page.requests if not url.startswith(site) and not url.startswith("data:")]
    assert not outside, f"requests left 127.0.0.1: {outside}"
