"""The Python API: the same operations as the command line, for scripts and notebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.sparql.store import GraphStore


def open_graph(directory: Path | str = "build") -> GraphStore:
    """Open a built graph directory as a SPARQL store.

    >>> from kg.sparql.store import GraphStore
    >>> isinstance(open_graph.__doc__, str)
    True
    """
    return GraphStore.open(directory)


def query(graph: Path | str | GraphStore, sparql: str, *, as_dataframe: bool = False) -> Any:
    """Run a SELECT (SPARQL text, a ``.rq`` path or a question's name) and return its rows.

    Rows are dicts of Python values; with ``as_dataframe=True`` a pandas DataFrame (pandas must
    be installed: ``pip install 'mxjp-talent-kg[pandas]'``).

    >>> import pyoxigraph as ox
    >>> store = GraphStore.from_rdf('<http://e/a> <http://e/p> 7 .', ox.RdfFormat.TURTLE)
    >>> query(store, "SELECT ?o WHERE { ?s ?p ?o }")
    [{'o': 7}]
    """
    from kg.sparql.questions import resolve

    store = graph if isinstance(graph, GraphStore) else GraphStore.open(graph)
    rows = store.rows(resolve(sparql))
    if not as_dataframe:
        return rows
    try:
        import pandas as pd
    except ImportError:
        from kg.errors import KgError

        raise KgError("as_dataframe=True needs pandas: pip install pandas") from None
    return pd.DataFrame(rows)
