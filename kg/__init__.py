"""A knowledge graph of a paper on talent migration between Mexico and Japan.

>>> import kg
>>> kg.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "build_graph", "open_graph", "query", "questions"]


def build_graph(out: Any = "build", **options: Any) -> Any:
    """Build the graph into *out*, like ``kg build`` (see :func:`kg.build.build` for options)."""
    from kg.build.pipeline import build as _build

    return _build(out, **options)


def open_graph(directory: Any = "build") -> Any:
    """Open a built graph directory as a SPARQL store (see :func:`kg.api.open_graph`)."""
    from kg.api import open_graph as _open

    return _open(directory)


def query(graph: Any, sparql: str, *, as_dataframe: bool = False) -> Any:
    """Run a SELECT and return rows as dicts, or a DataFrame (see :func:`kg.api.query`)."""
    from kg.api import query as _query

    return _query(graph, sparql, as_dataframe=as_dataframe)


def questions() -> Any:
    """The competency questions shipped with the project (see :func:`kg.queries.questions`)."""
    from kg.sparql.questions import questions as _questions

    return _questions()
