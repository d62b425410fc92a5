"""HTML of the endpoint: the query page, the service description (HTML and Turtle), the answers
of ``/find`` and the not-found page. Resource pages are in :mod:`kg.serve.profile`.

Every label, literal and IRI goes through :func:`html.escape`; data for the page's script is
embedded as JSON in a non-executed ``<script type="application/json">`` with ``<`` escaped.
The pages load nothing from outside the endpoint.
"""

from __future__ import annotations

from html import escape

from kg.serve.layout import href, json_for_script, page
from kg.serve.profile import resource_page
from kg.sparql.questions import questions
from kg.terms import PREFIX_IRIS, curie

__all__ = ["find_page", "href", "not_found", "query_page", "resource_page", "service_description"]

#: What the endpoint answers in, by SPARQL 1.1 Service Description format IRI (local names).
RESULT_FORMATS = (
    ("SPARQL_Results_JSON", "SPARQL results in JSON"),
    ("SPARQL_Results_XML", "SPARQL results in XML"),
    ("SPARQL_Results_CSV", "SPARQL results in CSV"),
    ("SPARQL_Results_TSV", "SPARQL results in TSV"),
    ("Turtle", "Turtle"),
    ("N-Triples", "N-Triples"),
    ("JSON-LD", "JSON-LD"),
    ("RDF_XML", "RDF/XML"),
)
DESCRIPTION = (
    "Read-only SPARQL 1.1 endpoint over the Mexico-Japan talent migration knowledge graph. "
    "Updates and SERVICE are refused; queries are stopped at a time limit."
)


def prefix_list() -> str:
    """The prefixes a query may use without a PREFIX line, as an inline list of ``<code>`` names.

    >>> ">mx:</code>" in prefix_list()
    True
    """
    return " ".join(f'<code title="{escape(iri)}">{escape(name)}:</code>' for name, iri in sorted(PREFIX_IRIS.items()))


def query_page() -> str:
    """The query page: YASGUI (editor with completion, results table, graph view, history,
    permalinks), the competency questions as examples, and the prefixes known without PREFIX lines.

    >>> html = query_page()
    >>> "yasgui.min.js" in html and 'id="examples"' in html
    True
    """
    examples = [{"name": q.name, "question": q.question or q.name, "sparql": q.sparql} for q in questions()]
    options = "".join(
        f'<option value="{escape(q["name"])}" data-name="{escape(q["name"])}" title="{escape(q["question"])}">'
        f"{escape(q['name'])} — {escape(q['question'])}</option>"
        for q in examples
    )
    body = f"""
<div class="kg-bar">
<label>Example queries <select id="kg-examples"><option value="">Open a competency question…</option>{options}</select></label>
<label>History <select id="kg-history"><option value="">Queries run before…</option></select></label>
<button type="button" id="kg-permalink" title="Put a link that reopens this query in the address bar (and copy it)">Copy link</button>
<span id="kg-status" role="status" aria-live="polite"></span>
</div>
<p class="kg-prefixes">These prefixes need no PREFIX line: {prefix_list()}
· Ctrl+Space completes classes and properties · Ctrl+Enter runs the query</p>
<div id="yasgui"></div>
<script type="application/json" id="kg-endpoint">{json_for_script({"endpoint": "/sparql"})}</script>
<script type="application/json" id="prefixes">{json_for_script(PREFIX_IRIS)}</script>
<script type="application/json" id="examples">{json_for_script(examples)}</script>
<script src="/static/vendor/yasgui/yasgui.min.js"></script>
<script src="/vendor/vis-network.min.js"></script>
<script src="/static/kg-yasgui.js"></script>"""
    head = (
        '\n<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">'
        '\n<link rel="stylesheet" href="/vendor/vis-network.css">'
        '\n<link rel="stylesheet" href="/static/kg-yasgui.css">'
    )
    return page("SPARQL · Mexico–Japan talent migration", body, head=head, current="/", kind="query")


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
    return page("Find", f"<h1>Find {escape(name)}</h1><p>{escape(message)}</p>{listed}")


def not_found(iri: str) -> str:
    """The page for a resource IRI the graph says nothing about."""
    return page("Not found", f"<h1>Not found</h1><p>The graph says nothing about <code>{escape(iri)}</code>.</p>")


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle.

    >>> "sd:Service" in service_description("http://127.0.0.1:8000/sparql")
    True
    """
    iri = endpoint.replace(">", "%3E")
    formats = " ,\n        ".join(f"<http://www.w3.org/ns/formats/{f}>" for f, _ in RESULT_FORMATS)
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{iri}> a sd:Service ;
    sd:endpoint <{iri}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat {formats} ;
    dcterms:description "{DESCRIPTION}" .
"""


def service_page(endpoint: str, timeout: float) -> str:
    """The service description for a person: what the endpoint answers, in which formats, with
    which limits and prefixes, and how to ask it from a terminal.

    >>> "Turtle" in service_page("http://127.0.0.1:8000/sparql", 5.0)
    True
    """
    formats = "".join(f"<li>{escape(text)}</li>" for _, text in RESULT_FORMATS)
    example = f"curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT ?c WHERE {{ ?c a mx:Company }}' {endpoint}"
    body = f"""<h1>SPARQL service</h1>
<p class="lede">{escape(DESCRIPTION)}</p>
<dl class="about">
<dt>Endpoint</dt><dd><code>{escape(endpoint)}</code> (SPARQL 1.1 Protocol: GET or POST)</dd>
<dt>Language</dt><dd>SPARQL 1.1 Query; queries see the union of every graph (claims and inferences)</dd>
<dt>Time limit</dt><dd>{timeout:g} s a query (then 503)</dd>
<dt>Prefixes known without a PREFIX line</dt><dd>{prefix_list()}</dd>
</dl>
<h2>Answers</h2><ul>{formats}</ul>
<p>Chosen from the Accept header, or a <code>format</code> parameter.</p>
<h2>From a terminal</h2><pre>{escape(example)}</pre>
<p>This description as RDF: <a href="/sparql?format=turtle">Turtle</a> (also sent to clients that ask for it).</p>"""
    return page("SPARQL service · Mexico–Japan talent migration", body, current="/sparql")
