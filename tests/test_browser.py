"""Issue 14's "done when", in a real browser (headless Chromium over the DevTools Protocol): a new
user opens `kg serve`, types `SELECT ?c WHERE { ?c a mx:Company }` with completion, runs it,
shares its URL, clicks an answer, reads the entity's page in English or Japanese with the
paper's words as evidence, jumps to the graph and back; all of it without a request leaving
127.0.0.1. One Chromium and one server for the whole module."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Chromium, Page, chromium_binary
from live_server import live_server

QUERY = "SELECT ?c WHERE { ?c a mx:Company }"
ACTIVE = ".yasgui .tabPanel.active"
TYPED: list[str] = []  # the permalink of the query typed in the first test


@pytest.fixture(scope="module")
def site(mini_graph: Path, paper_path: Path) -> Iterator[str]:
    with live_server(["serve", "--graph", str(mini_graph), "--paper", str(paper_path)]) as base:
        yield base


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): skipping the browser tests")
    pytest.importorskip("websocket", reason="websocket-client is needed to drive chromium")
    with Chromium.launch() as browser:
        tab = browser.page()
        tab.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1300, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        downloads = tmp_path_factory.mktemp("downloads")
        tab.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        tab.downloads = downloads  # type: ignore[attr-defined]
        yield tab


@pytest.fixture(autouse=True)
def stays_on_this_machine(page: Page, site: str) -> Iterator[None]:
    """Every test: no request leaves 127.0.0.1, no script error."""
    seen = len(page.events)
    yield
    new = page.events[seen:]
    requests = [e["params"]["request"]["url"] for e in new if e["method"] == "Network.requestWillBeSent"]
    outside = [url for url in requests if not url.startswith((site, "data:"))]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    errors = [e for e in new if e["method"] == "Runtime.exceptionThrown"]
    assert not errors, errors


def _open_editor(page: Page, url: str, fresh: bool = True) -> None:
    if fresh:  # a first visit: no tabs or history saved by an earlier test (cleared on a page without YASGUI)
        page.goto(url.split("/?", 1)[0].rstrip("/") + "/static/style.css")
        page.evaluate("localStorage.clear(); true")
    page.goto(url)
    page.wait_until(f"window.kgYasgui && document.querySelector('{ACTIVE} .CodeMirror') !== null")


def _type(page: Page, text: str) -> None:
    for char in text:
        page.send("Input.insertText", {"text": char})
        time.sleep(0.03)


def _key(page: Page, key: str, code: int, modifiers: int = 0) -> None:
    for kind in ("rawKeyDown", "keyUp"):
        page.send(
            "Input.dispatchKeyEvent",
            {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": modifiers},
        )


def _click_at(page: Page, x: float, y: float) -> None:
    for kind in ("mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})


def _click(page: Page, selector: str) -> None:
    element = f"document.querySelector({json.dumps(selector)})"
    page.evaluate(f"{element}.scrollIntoView({{block: 'center'}}); true")
    x, y = page.evaluate(
        f"(() => {{ const r = {element}.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
    )
    _click_at(page, x, y)


def _navigate_by(page: Page, action: object) -> None:
    before = len(page.events)
    action()  # type: ignore[operator]
    page.wait_for(lambda e: e["method"] == "Page.loadEventFired" and page.events.index(e) >= before, timeout=30)


def _rows(page: Page) -> int:
    return int(page.evaluate(f"document.querySelectorAll('{ACTIVE} .yasr table.dataTable tbody tr').length"))


def test_type_with_completion_run_share_click_an_answer(page: Page, site: str) -> None:
    _open_editor(page, site + "/")
    assert page.evaluate("kgYasgui.getTab().getEndpoint()") == site + "/sparql"
    page.evaluate("(() => { const y = kgYasgui.getTab().getYasqe(); y.setValue(''); y.focus(); })()")
    _type(page, "SELECT ?c WHERE { ?c a mx:Comp")
    hints = page.wait_until(
        "(() => { const l = [...document.querySelectorAll('.CodeMirror-hints li')].map(li => li.textContent);"
        " return l.length ? l : null; })()",
        timeout=15,
    )
    assert "mx:Company" in hints, hints
    _click(page, ".CodeMirror-hints li.CodeMirror-hint-active")
    _type(page, " }")
    text = page.evaluate("kgYasgui.getTab().getYasqe().getValue()")
    assert "".join(text.split()).endswith("".join(QUERY.split())), text
    # the editor knows the prefixes the endpoint knows: no error mark without a PREFIX line
    page.evaluate("kgYasgui.getTab().getYasqe().setValue('SELECT ?c WHERE { ?c a mx:Company }')")
    assert page.evaluate("document.querySelectorAll('.parseErrorIcon').length") == 0
    _key(page, "Enter", 13, modifiers=2)  # Ctrl+Enter runs the query
    page.wait_until(f"document.querySelectorAll('{ACTIVE} .yasr table.dataTable tbody tr').length > 0", timeout=30)
    assert _rows(page) >= 1
    # the address bar is the permalink
    url = page.evaluate("location.href")
    assert url.startswith(site + "/?query=") and "mx%3ACompany" in url
    TYPED.append(url)
    # the table downloads as CSV
    _click(page, f"{ACTIVE} .yasr_downloadIcon")
    deadline = time.monotonic() + 15
    saved: list[Path] = []
    while time.monotonic() < deadline and not saved:
        saved = list(page.downloads.glob("*.csv"))  # type: ignore[attr-defined]
        time.sleep(0.2)
    assert saved and saved[0].read_text(encoding="utf-8").splitlines()[0].strip('"') == "c"
    # an answer links to the entity's page here, and a click opens it
    link = page.evaluate(f"document.querySelector('{ACTIVE} .yasr a.kg-resource').getAttribute('href')")
    assert link.startswith("/resource/")
    _navigate_by(page, lambda: _click(page, f"{ACTIVE} .yasr a.kg-resource"))
    assert page.evaluate("location.pathname") == link
    assert page.evaluate("document.querySelector('h1').textContent")


def test_permalink_reopens_the_query_in_a_fresh_browser(page: Page, site: str) -> None:
    from urllib.parse import quote

    url = f"{site}/?query={quote(QUERY)}&tabTitle=shared&endpoint=http%3A%2F%2Fexample.org%2Fsparql"
    _open_editor(page, url)
    page.wait_until(f"document.querySelectorAll('{ACTIVE} .yasr table.dataTable tbody tr').length > 0", timeout=30)
    assert page.evaluate("kgYasgui.getTab().getQuery()") == QUERY
    assert page.evaluate("kgYasgui.getTab().getEndpoint()") == site + "/sparql"
    assert page.evaluate("kgYasgui.getTab().getName()") == "shared"
    assert "endpoint=" not in page.evaluate("location.href")


def test_examples_history_and_the_graph_view(page: Page, site: str) -> None:
    _open_editor(page, site + "/")
    page.evaluate(
        "kgYasgui.getTab().getYasqe().setValue('CONSTRUCT { ?s ?p ?o } WHERE { ?s a mx:Company ; ?p ?o FILTER(isIRI(?o)) }')"
    )
    page.evaluate(f"document.querySelector('{ACTIVE} .yasqe_queryButton').click()")
    page.wait_until(f"document.querySelector('{ACTIVE} .kg-graph-view canvas') !== null", timeout=30)
    assert "triple(s)" in page.evaluate(f"document.querySelector('{ACTIVE} .kg-graph-note').textContent")
    assert page.evaluate("document.querySelectorAll('#kg-history option').length") >= 2
    name = page.evaluate("document.querySelector('#kg-examples option[data-name]').value")
    page.evaluate(
        f"(() => {{ const s = document.getElementById('kg-examples'); s.value = {json.dumps(name)};"
        " s.dispatchEvent(new Event('change')); })()"
    )
    assert page.evaluate("kgYasgui.getTab().getName()") == name
    assert page.evaluate("kgYasgui.getTab().getQuery()").strip()


@pytest.mark.parametrize(("language", "heading"), [("ja", "日本"), ("en", "Japan")])
def test_japanese_labelled_page_in_the_readers_language(page: Page, site: str, language: str, heading: str) -> None:
    page.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": language}})
    try:
        page.goto(site + "/resource/japan")
    finally:
        page.send("Network.setExtraHTTPHeaders", {"headers": {}})
    assert page.evaluate("document.querySelector('h1').textContent") == heading
    assert page.evaluate("document.querySelector('h1').closest('[lang]').lang") == language
    assert page.evaluate("document.querySelectorAll('q.paper').length") > 0, "no words of the paper as evidence"


def test_no_word_is_broken_across_lines_in_a_narrow_window(page: Page, site: str) -> None:
    page.send(
        "Emulation.setDeviceMetricsOverride", {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        page.goto(site + "/resource/ntt-docomo")
        broken = page.evaluate(
            """(() => {
              const broken = [];
              const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
              for (let node = walk.nextNode(); node; node = walk.nextNode()) {
                if (node.parentElement.closest('code, .iri')) continue;
                for (const m of node.textContent.matchAll(/[^\\s—–·/]{2,}/g)) {
                  const r = document.createRange();
                  r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
                  const lines = new Set([...r.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
                  if (lines.size > 1) broken.push(m[0]);
                }
              }
              return broken;
            })()"""
        )
    finally:
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1300, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
    assert broken == [], f"words broken across lines: {broken[:10]}"


def test_from_the_graph_to_a_resource_page_and_back_to_the_query_page(page: Page, site: str) -> None:
    page.goto(site + "/graph")
    page.wait_until("window.kg && kg.settled", timeout=60)
    assert page.evaluate("document.getElementById('site').hidden") is False
    # the site's name once (in the bar), and two searches that say what each finds
    assert page.evaluate("document.body.innerText.split('Mexico–Japan talent migration').length - 1") == 1
    assert page.evaluate("document.getElementById('search-input').placeholder") == "Find in the graph…"
    target = page.evaluate("kg.nodes.get().filter(n => n.rank === 0)[0].id")
    x, y = page.evaluate(
        f"(() => {{ const p = kg.network.canvasToDOM(kg.network.getPosition({json.dumps(target)}));"
        " const r = document.getElementById('network').getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; })()"
    )
    _navigate_by(page, lambda: _click_at(page, x, y))
    assert page.evaluate("location.pathname") == "/resource/" + target.rsplit("/", 1)[-1]
    _navigate_by(page, lambda: _click(page, '.kg-nav a[href="/graph"]'))
    page.wait_until("window.kg && kg.settled", timeout=60)
    _navigate_by(page, lambda: _click(page, '.kg-nav nav a[href="/"]'))
    page.wait_until("window.kgYasgui !== undefined", timeout=30)
