"""``kg serve``: the read-only SPARQL 1.1 Protocol endpoint and its web pages.

Owns :mod:`~kg.serve.endpoint` (routes, limits, headers), :mod:`~kg.serve.workers` (query
processes under a deadline), :mod:`~kg.serve.jobs` (what a worker runs),
:mod:`~kg.serve.conneg` (content negotiation), :mod:`~kg.serve.pages` (HTML) and ``static/``.

May import: the core, :mod:`kg.sparql`, :mod:`kg.explore` (the graph page). Never the build
pipeline, linking or the CLI.
"""
