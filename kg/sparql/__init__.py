"""SPARQL over a graph directory: the embedded store, the competency questions, result formats.

Owns :mod:`~kg.sparql.store` (Oxigraph over a graph directory), :mod:`~kg.sparql.questions`
(named ``.rq`` files and query templates), :mod:`~kg.sparql.results` (W3C result formats and
terminal tables), and :mod:`~kg.sparql.guard`
(what a read-only caller must refuse).

May import: the core (:mod:`kg.errors`, :mod:`kg.paths`, :mod:`kg.terms`, :mod:`kg.namespaces`,
:mod:`kg.resolve`, :mod:`kg.atomic`). Never the build, the endpoint, the explorer, linking or the CLI.
"""
