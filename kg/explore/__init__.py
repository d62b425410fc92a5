"""Exploring the graph: its projection onto entities and relations, the interactive graph page,
analytics, shortest paths, and ``kg explain``.

Owns :mod:`~kg.explore.projection`, :mod:`~kg.explore.visualize` (pyvis page, Gephi exports),
:mod:`~kg.explore.analytics` (centralities, communities), :mod:`~kg.explore.paths` (shortest
paths) and :mod:`~kg.explore.explain`.

May import: the core and :mod:`kg.sparql`. Never the build, the endpoint, linking or the CLI.
"""
