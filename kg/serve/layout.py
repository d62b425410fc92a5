"""The frame every HTML page of the endpoint shares: one navigation bar, the stylesheet, escaping.

Every label, literal and IRI a page shows goes through :func:`html.escape`; data for a page's
script is embedded with :func:`json_for_script` in a non-executed ``<script type="application/json">``.
"""

from __future__ import annotations

import json
from html import escape

from kg.terms import RES

#: The pages the navigation bar links to, in order: (path, text).
NAV = (("/", "Query"), ("/graph", "Graph"), ("/docs", "Ontology"), ("/sparql", "Service description"))

_FRAME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css">{head}
</head><body class="{page}">
{nav}
<main>{body}</main>
</body></html>
"""


def nav_bar(current: str = "") -> str:
    """The navigation bar: the site's name, its pages (the *current* one marked) and the search form.

    >>> '<a href="/graph" aria-current="page">Graph</a>' in nav_bar("/graph")
    True
    """
    marked = ' aria-current="page"'
    links = "".join(f'<a href="{path}"{marked if path == current else ""}>{text}</a>' for path, text in NAV)
    return (
        '<header class="kg-nav"><a class="brand" href="/">Mexico–Japan talent migration</a>'
        f'<nav aria-label="Site">{links}</nav>'
        '<form class="find" action="/find" method="get" role="search">'
        '<input name="name" placeholder="Find an entity (name, id)" aria-label="Find an entity"></form></header>'
    )


def page(title: str, body: str, *, head: str = "", current: str = "", kind: str = "page") -> str:
    """A whole page: *body* (already escaped HTML) inside the shared frame.

    >>> "<title>A &lt;b&gt;</title>" in page("A <b>", "<p>x</p>")
    True
    """
    return _FRAME.format(title=escape(title), body=body, head=head, nav=nav_bar(current), page=escape(kind))


def json_for_script(data: object) -> str:
    """JSON safe inside a ``<script>`` element.

    >>> json_for_script({"a": "</script>"})
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def href(iri: str) -> str:
    """Where the endpoint shows *iri*: its resource page for ours, the IRI itself otherwise.

    >>> href("https://w3id.org/mxjp-talent/resource/japan")
    '/resource/japan'
    """
    return "/resource/" + iri[len(RES) :] if iri.startswith(RES) else iri
