"""The pages and answers of `kg serve` over HTTP (issue 14): prefixes without PREFIX lines,
one-sentence syntax errors, `Vary` on every negotiated answer, the service description for
browsers and for RDF clients, `/docs`, one navigation bar on every page, resource pages like a
profile (heading in the reader's language, facts grouped, inferred types folded, the paper's
words as evidence when given, offsets otherwise) and the access log."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import live_server
from rdflib import Graph

from kg.serve import pages
from kg.serve.profile import resource_page
from kg.sparql.questions import questions

HTTP = httpx.Client(timeout=60)
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def site(mini_graph: Path, paper_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg serve` over the mini graph, given the paper, writing an access log; yields the base URL."""
    log = tmp_path_factory.mktemp("log") / "access.log"
    with live_server(
        ["serve", "--graph", str(mini_graph), "--paper", str(paper_path), "--access-log", str(log)]
    ) as base:
        yield base


@pytest.fixture(scope="module")
def site_without_paper(mini_graph: Path) -> Iterator[str]:
    """The same server without the paper (no --paper, no $KG_PAPER)."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("KG_PAPER", raising=False)
        with live_server(["serve", "--graph", str(mini_graph)]) as base:
            yield base


def test_query_page_offers_yasgui_the_questions_and_the_prefixes(site: str) -> None:
    html = HTTP.get(site + "/").text
    assert "/static/vendor/yasgui/yasgui.min.js" in html and "/static/kg-yasgui.js" in html
    embedded = json.loads(html.split('id="examples">', 1)[1].split("</script>", 1)[0])
    assert {e["name"] for e in embedded} == {q.name for q in questions()}
    prefixes = json.loads(html.split('id="prefixes">', 1)[1].split("</script>", 1)[0])
    assert prefixes["mx"] == "https://w3id.org/mxjp-talent/ontology#" and "res" in prefixes
    assert "need no PREFIX line" in html
    assert not re.findall(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", html)
    for asset in (
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/vendor/yasgui/LICENSE",
        "/static/kg-yasgui.js",
        "/static/kg-yasgui.css",
        "/static/style.css",
        "/vendor/vis-network.min.js",
    ):
        assert HTTP.get(site + asset).status_code == 200, asset
    assert HTTP.get(site + "/static/../endpoint.py").status_code == 404


def test_vendored_yasgui_matches_its_record() -> None:
    """The bundle's bytes are those the README and tools/yasgui/SHA256SUMS record."""
    import hashlib

    root = Path(__file__).resolve().parents[1]
    folder = root / "kg" / "serve" / "static" / "vendor" / "yasgui"
    sums = (root / "tools" / "yasgui" / "SHA256SUMS").read_text(encoding="utf-8").split("\n")
    for line in filter(None, sums):
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
        assert digest in (folder / "README.md").read_text(encoding="utf-8")


def test_queries_need_no_prefix_lines_for_the_projects_prefixes(site: str) -> None:
    response = HTTP.post(
        site + "/sparql", data={"query": "SELECT ?c WHERE { ?c a mx:Company }"}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200, response.text
    assert "https://w3id.org/mxjp-talent/resource/ntt-docomo" in response.text


def test_syntax_errors_are_one_sentence(site: str) -> None:
    response = HTTP.post(site + "/sparql", data={"query": "SELECT ?x WHERE { ?x a foo:Bar }"})
    assert response.status_code == 400
    text = response.text.strip()
    assert "\n" not in text and "['%']" not in text and "..=" not in text
    assert text.startswith("malformed SPARQL: line 1, column") and "foo:" in text


NEGOTIATED = [
    ("GET", "/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
    ("GET", "/sparql?query=ASK%7B", "*/*"),
    ("GET", "/sparql", "text/turtle"),
    ("GET", "/sparql", BROWSER_ACCEPT),
    ("GET", "/resource/japan", BROWSER_ACCEPT),
    ("GET", "/resource/japan", "text/turtle"),
    ("GET", "/resource/no-such-thing", BROWSER_ACCEPT),
    ("GET", "/resource/no-such-thing", "text/turtle"),
]


@pytest.mark.parametrize(("method", "path", "accept"), NEGOTIATED)
def test_every_negotiated_answer_varies_on_accept(site: str, method: str, path: str, accept: str) -> None:
    response = HTTP.request(method, site + path, headers={"Accept": accept})
    assert "accept" in [v.strip().lower() for v in response.headers.get("vary", "").split(",")], response.headers


def test_service_description_is_a_page_for_browsers_and_rdf_for_others(site: str) -> None:
    page = HTTP.get(site + "/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert page.headers["content-type"].startswith("text/html") and "SPARQL service" in page.text
    turtle = HTTP.get(site + "/sparql", headers={"Accept": "*/*"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 5
    jsonld = HTTP.get(site + "/sparql?format=jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(Graph().parse(data=turtle.text))


def test_ontology_documentation_at_docs(site: str) -> None:
    response = HTTP.get(site + "/docs")
    assert response.status_code == 200 and "mx:Company" in response.text


@pytest.mark.parametrize(
    "path", ["/", "/sparql", "/docs", "/resource/japan", "/resource/no-such-thing", "/find?name=zzzz", "/graph"]
)
def test_every_page_has_one_navigation_bar(site: str, path: str) -> None:
    html = HTTP.get(site + path, headers={"Accept": BROWSER_ACCEPT}).text
    assert html.count('class="kg-nav"') == 1, path
    assert 'action="/find"' in html


@pytest.mark.parametrize(
    ("accept_language", "heading"),
    [("ja", '<h1 lang="ja">日本</h1>'), ("ja-JP,ja;q=0.9", '<h1 lang="ja">日本</h1>'), ("en", "<h1>Japan</h1>"),
     ("es", '<h1 lang="es">Japón</h1>'), ("fr", "<h1>Japan</h1>"), (None, "<h1>Japan</h1>")],
)  # fmt: skip
def test_heading_in_the_readers_language(site: str, accept_language: str | None, heading: str) -> None:
    headers = {"Accept": BROWSER_ACCEPT} | ({"Accept-Language": accept_language} if accept_language else {})
    response = HTTP.get(site + "/resource/japan", headers=headers)
    assert heading in response.text
    assert "accept-language" in response.headers["vary"].lower()


def _section(html: str, name: str) -> str:
    match = re.search(rf'<(section|details) id="{name}".*?</\1>', html, re.S)
    return match.group(0) if match else ""


def test_resource_page_reads_like_a_profile(site: str, mini_graph: Path) -> None:
    html = HTTP.get(site + "/resource/ntt-docomo", headers={"Accept": BROWSER_ACCEPT}).text
    assert "<h1>NTT Docomo</h1>" in html
    assert "NTTドコモ" in _section(html, "identity") or "NTTドコモ" in html.split("</header>", 1)[0]
    relations = _section(html, "relations")
    assert 'href="/resource/japan"' in relations and "headquartered in" in relations
    # types the reasoner added are folded away, not listed among the facts
    folded = _section(html, "reasoner")
    assert folded.startswith("<details") and "type" in folded
    assert "foaf" not in _section(html, "identity").lower()
    assert "stated by the paper" in relations


def test_evidence_is_the_papers_words_when_the_server_has_the_paper(
    site: str, site_without_paper: str, paper_path: Path
) -> None:
    from loaders.paper import read_paper

    text = read_paper(paper_path).text
    with_paper = HTTP.get(site + "/resource/ntt-docomo", headers={"Accept": BROWSER_ACCEPT}).text
    quotes = re.findall(r'<q class="paper" lang="en" title="characters (\d+)–(\d+)">([^<]*)</q>', with_paper)
    assert quotes
    for start, end, words in quotes:
        assert words == " ".join(text[int(start) : int(end)].split()).replace("&", "&amp;").replace(
            '"', "&quot;"
        ).replace("'", "&#x27;")
    without = HTTP.get(site_without_paper + "/resource/ntt-docomo", headers={"Accept": BROWSER_ACCEPT}).text
    assert '<q class="paper"' not in without and re.search(r'class="span">characters \d+–\d+<', without)
    assert "kg serve --paper PATH" in without


def test_each_fact_says_how_it_is_known_and_inferred_ones_why() -> None:
    uri = lambda v: {"type": "uri", "value": v}  # noqa: E731
    out = {"type": "literal", "value": "out"}
    rows = [
        {"direction": out, "p": uri("https://w3id.org/mxjp-talent/ontology#locatedIn"), "o": uri("https://w3id.org/mxjp-talent/resource/japan"),
         "g": uri("https://w3id.org/mxjp-talent/resource/claim/a"), "start": {"type": "literal", "value": "5"}, "end": {"type": "literal", "value": "9"},
         "kind": uri("https://w3id.org/mxjp-talent/ontology#inferredByCurators"), "reason": {"type": "literal", "value": "Tokyo is the capital"}},
        {"direction": out, "p": uri("http://www.w3.org/2004/02/skos/core#exactMatch"), "o": uri("http://www.wikidata.org/entity/Q1490"),
         "g": uri("https://w3id.org/mxjp-talent/resource/claim/b"), "kind": uri("https://w3id.org/mxjp-talent/ontology#takenFromRecord"),
         "record": uri("http://www.wikidata.org/entity/Q1490")},
        {"direction": out, "p": uri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), "o": uri("https://schema.org/Place")},
    ]  # fmt: skip
    html = resource_page("https://w3id.org/mxjp-talent/resource/tokyo", rows, paper_text="0123 Tokyo is big")
    assert "inferred by the curators" in html and "Tokyo is the capital" in html and "okyo" in html
    assert "taken from a record" in html and 'href="http://www.wikidata.org/entity/Q1490"' in html
    assert ">Wikidata Q1490<" in html
    assert _section(html, "reasoner").count("schema.org/Place") == 1


def test_words_are_never_broken_by_the_stylesheet(site: str) -> None:
    css = HTTP.get(site + "/static/style.css").text
    assert "break-all" not in css and "word-break: break-word" not in css and "hyphens" not in css


def test_access_log_has_one_common_log_format_line_per_request(mini_graph: Path, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    with live_server(["serve", "--graph", str(mini_graph), "--access-log", str(log)]) as base:
        HTTP.get(base + "/sparql", params={"query": 'ASK { ?s ?p "a \\" b" }'})
        HTTP.get(base + "/nowhere")
    # the server's own readiness probes (bare GET /sparql) are logged too
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if '"GET /sparql HTTP/1.1"' not in line]
    assert len(lines) == 2, lines
    clf = re.compile(
        r'^127\.0\.0\.1 - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "(GET [^ ]+ HTTP/1\.1)" (\d{3}) (\d+|-)$'
    )
    first, second = (clf.match(line) for line in lines)
    assert first and first.group(2) == "200" and first.group(1).startswith("GET /sparql?query=ASK")
    assert second and second.group(2) == "404"


def test_pages_module_keeps_its_public_names() -> None:
    assert pages.resource_page is resource_page and callable(pages.service_page)


@pytest.mark.parametrize(
    ("header", "available", "chosen"),
    [
        ("fr", {"de", "en", "ja"}, "en"),
        (None, {"de", "en"}, "en"),
        ("de-AT", {"de", "en"}, "de"),
        ("fr", {"de", ""}, ""),
    ],
)
def test_reader_language_falls_back_to_english(header: str | None, available: set[str], chosen: str) -> None:
    from kg.serve.conneg import language

    assert language(header, available) == chosen
