"""HTML of the endpoint: the query page, resource pages, and the Service Description (Turtle).

Every label, literal and IRI goes through :func:`html.escape`; data for the page's script is
embedded as JSON in a non-executed ``<script type="application/json">`` with ``<`` escaped.
The pages load nothing from outside the endpoint.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from kg.namespaces import PREFIXES, RES
from kg.sparql.questions import questions
from kg.terms import curie

_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css">{head}
</head><body>
<header><a class="brand" href="/">Mexico–Japan talent migration · knowledge graph</a>
<nav><a href="/">Query</a><a href="/graph">Graph</a><a href="/sparql">Service description</a>
<form class="find" action="/find" method="get" role="search"><input name="name" placeholder="Find an entity (name, id)" aria-label="Find an entity"></form></nav></header>
<main>{body}</main>
</body></html>
"""


def _layout(title: str, body: str, head: str = "") -> str:
    return _LAYOUT.format(title=escape(title), body=body, head=head)


def _json_for_script(data: Any) -> str:
    """JSON safe inside a ``<script>`` element.

    >>> _json_for_script({"a": "</script>"})
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def query_page() -> str:
    """The query page: editor, the competency questions as examples, results table, graph view.

    >>> "<textarea" in query_page()
    True
    """
    examples = [{"name": q.name, "question": q.question, "sparql": q.sparql} for q in questions()]
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    items = "\n".join(
        f'<li><button type="button" class="example" data-name="{escape(q["name"])}">'
        f'<span class="qname">{escape(q["name"])}</span>{escape(q["question"] or q["name"])}</button></li>'
        for q in examples
    )
    default = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20"
    body = f"""
<div class="layout">
<aside><h2>Competency questions</h2>
<p class="hint">Pick one to load it into the editor, then run it.</p>
<ul class="examples">{items or '<li class="hint">No questions are installed.</li>'}</ul></aside>
<section class="work">
<form id="query-form" autocomplete="off">
<label for="query" class="sr">SPARQL query</label>
<textarea id="query" name="query" spellcheck="false" rows="14">{escape(default)}</textarea>
<div class="bar"><button id="run" type="submit">Run query</button>
<span class="keys">Ctrl+Enter</span>
<label>Download as <select id="download-format">
<option value="">—</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="json">JSON</option><option value="xml">XML</option>
<option value="turtle">Turtle</option><option value="ntriples">N-Triples</option><option value="jsonld">JSON-LD</option>
</select></label>
<span id="status" role="status" aria-live="polite"></span></div>
</form>
<div id="tabs" hidden><button type="button" data-view="table" class="on">Table</button>
<button type="button" data-view="graph">Graph</button></div>
<div id="results"></div>
<div id="graph-view" hidden></div>
</section></div>
<script type="application/json" id="examples">{_json_for_script(examples)}</script>
<script type="application/json" id="prefixes">{_json_for_script(prefixes)}</script>
<script src="/static/app.js"></script>"""
    head = '\n<link rel="stylesheet" href="/vendor/vis-network.css">\n<script src="/vendor/vis-network.min.js" defer></script>'
    return _layout("SPARQL · Mexico–Japan talent migration", body, head)


def href(iri: str) -> str:
    """Where the endpoint shows *iri*: its resource page for ours, the IRI itself otherwise.

    >>> href("https://w3id.org/mxjp-talent/resource/japan")
    '/resource/japan'
    """
    return "/resource/" + iri[len(str(RES)) :] if iri.startswith(str(RES)) else iri


def _term(term: dict[str, str] | None, label: dict[str, str] | None = None) -> str:
    if term is None:
        return ""
    if term["type"] == "uri":
        text = label["value"] if label else curie(term["value"])
        return f'<a href="{escape(href(term["value"]))}" title="{escape(term["value"])}">{escape(text)}</a>'
    if term["type"] == "bnode":
        return f"<span class=bnode>_:{escape(term['value'])}</span>"
    lang = f' <span class="lang">@{escape(term["lang"])}</span>' if term.get("lang") else ""
    return f'<span class="literal">{escape(term["value"])}</span>{lang}'


def resource_page(iri: str, rows: list[dict[str, dict[str, str]]]) -> str:
    """A resource's facts with their evidence: the claim graph, span, section and method.

    >>> row = {"direction": {"type": "literal", "value": "out"},
    ...        "p": {"type": "uri", "value": "http://www.w3.org/2000/01/rdf-schema#label"},
    ...        "o": {"type": "literal", "value": "<script>x</script>", "lang": "en"}}
    >>> "&lt;script&gt;" in resource_page("https://w3id.org/mxjp-talent/resource/x", [row])
    True
    """
    labels = [
        r["o"]["value"]
        for r in rows
        if r["direction"]["value"] == "out" and r["p"]["value"].endswith("#label") and r["o"]["type"] == "literal"
    ]
    title = labels[0] if labels else curie(iri)
    sections = []
    for direction, heading in (("out", "Facts"), ("in", "Mentioned by")):
        trs = []
        for r in (r for r in rows if r["direction"]["value"] == direction):
            evidence = ""
            if "start" in r and "end" in r:
                evidence = (
                    f'<span class="span">characters {escape(r["start"]["value"])}–{escape(r["end"]["value"])}</span>'
                )
            trs.append(
                "<tr>"
                f"<td>{_term(r['p'])}</td><td>{_term(r['o'], r.get('label'))}</td>"
                f"<td>{_term(r.get('g')) or '<span class=hint>default graph</span>'}</td>"
                f"<td>{evidence}</td><td>{_term(r.get('section'))}</td><td>{_term(r.get('method'))}</td>"
                "</tr>"
            )
        if trs:
            sections.append(
                f"<h2>{heading}</h2><table class='facts'><thead><tr><th>property</th>"
                f"<th>{'value' if direction == 'out' else 'subject'}</th><th>claim</th><th>evidence</th>"
                "<th>section</th><th>method</th></tr></thead><tbody>" + "\n".join(trs) + "</tbody></table>"
            )
    alternates = (
        '<p class="alt">Also as <a href="?format=turtle">Turtle</a> · '
        '<a href="?format=jsonld">JSON-LD</a> · <a href="?format=ntriples">N-Triples</a></p>'
    )
    body = f"<h1>{escape(title)}</h1><p class='iri'><code>{escape(iri)}</code></p>{alternates}" + "".join(sections)
    return _layout(title, body)


def find_page(name: str, message: str, suggestions: list[tuple[str, str]] | None = None) -> str:
    """The answer to a ``/find`` that did not lead to one entity: the resolver's message and its
    suggestions as links.

    >>> "/resource/japan" in find_page("Japon", "no entity", [("https://w3id.org/mxjp-talent/resource/japan", "Japan")])
    True
    """
    items = "".join(
        f'<li><a href="{escape(href(iri))}">{escape(label)}</a> <code>{escape(curie(iri))}</code></li>'
        for iri, label in suggestions or []
    )
    listed = f"<p>Closest names:</p><ul>{items}</ul>" if items else ""
    return _layout("Find", f"<h1>Find {escape(name)}</h1><p>{escape(message)}</p>{listed}")


def not_found(iri: str) -> str:
    """The page for a resource IRI the graph says nothing about."""
    return _layout("Not found", f"<h1>Not found</h1><p>The graph says nothing about <code>{escape(iri)}</code>.</p>")


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle.

    >>> "sd:Service" in service_description("http://127.0.0.1:8000/sparql")
    True
    """
    iri = endpoint.replace(">", "%3E")
    formats = " ,\n        ".join(
        f"<http://www.w3.org/ns/formats/{f}>"
        for f in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    )
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{iri}> a sd:Service ;
    sd:endpoint <{iri}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat {formats} ;
    dcterms:description "Read-only SPARQL 1.1 endpoint over the Mexico-Japan talent migration knowledge graph. Updates and SERVICE are refused; queries are stopped at a time limit." .
"""
