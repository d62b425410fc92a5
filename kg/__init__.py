"""A knowledge graph of a paper on talent migration between Mexico and Japan.

The public API: the same operations as the command line, for scripts and notebooks. Each
function imports what it needs when called, so ``import kg`` stays cheap.

The package is laid out by capability, arrows pointing down only (checked by
``tests/test_architecture.py``):

- the shared core at the top: :mod:`kg.errors`, :mod:`kg.paths`, :mod:`kg.terms` (the table of
  namespaces, :func:`~kg.terms.curie`, :func:`~kg.terms.local_name`), :mod:`kg.namespaces`
  (their rdflib form), :mod:`kg.resolve` (the one name resolver), :mod:`kg.atomic` (the one
  safe writer);
- :mod:`kg.sparql` (store, questions, result formats, the read-only guard), over the core;
- :mod:`kg.explore` (projection, graph page, analytics, explain) and :mod:`kg.link` (proposals,
  SSSOM, remote stores), over :mod:`kg.sparql`;
- :mod:`kg.build` (load, reason, validate, write), over :mod:`loaders`, :mod:`kg.sparql` and
  :mod:`kg.explore`; :mod:`kg.serve` (the endpoint) over :mod:`kg.sparql` and :mod:`kg.explore`;
- :mod:`kg.cli` on top of everything; nothing imports it.

>>> import kg
>>> kg.__version__
'0.2.0'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.build.pipeline import BuildResult
    from kg.sparql.questions import Question
    from kg.sparql.store import GraphStore

__version__ = "0.2.0"
__all__ = ["__version__", "build_graph", "find_entity", "open_graph", "query", "questions"]


def build_graph(out: Path | str = "build", **options: Any) -> BuildResult:
    """Build the graph into *out*, like ``kg build`` (see :func:`kg.build.pipeline.build` for options)."""
    from kg.build.pipeline import build

    return build(out, **options)


def open_graph(directory: Path | str = "build") -> GraphStore:
    """Open a built graph directory as a SPARQL store (an in-memory Oxigraph store).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "data.ttl").write_text('<http://e/a> <http://e/p> "x" .')
    >>> open_graph(folder).rows("SELECT ?o WHERE { ?s ?p ?o }")
    [{'o': 'x'}]
    """
    from kg.sparql.store import GraphStore

    return GraphStore.open(directory)


def query(graph: Path | str | GraphStore, sparql: str, *, as_dataframe: bool = False) -> Any:
    """Run a SELECT (SPARQL text, a ``.rq`` path or a question's name) and return its rows.

    Rows are dicts of Python values; with ``as_dataframe=True`` a pandas DataFrame (pandas must
    be installed: ``pip install 'mxjp-talent-kg[pandas]'``).

    >>> import pyoxigraph as ox
    >>> from kg.sparql.store import GraphStore
    >>> store = GraphStore.from_rdf('<http://e/a> <http://e/p> 7 .', ox.RdfFormat.TURTLE)
    >>> query(store, "SELECT ?o WHERE { ?s ?p ?o }")
    [{'o': 7}]
    """
    from kg.sparql.questions import resolve
    from kg.sparql.store import GraphStore

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


def find_entity(graph: Path | str | GraphStore, name: str) -> str:
    """The IRI of the entity called *name* (a label in any language, an id or an IRI), resolved as
    ``kg explain`` and ``kg path`` do (:mod:`kg.resolve`); raises :class:`kg.errors.UnknownEntity`
    with suggestions when nothing matches.

    >>> import pyoxigraph as ox
    >>> from kg.sparql.store import GraphStore
    >>> store = GraphStore.from_rdf('<https://w3id.org/mxjp-talent/resource/japan> '
    ...     '<http://www.w3.org/2000/01/rdf-schema#label> "日本"@ja .', ox.RdfFormat.TURTLE)
    >>> find_entity(store, "日本")
    'https://w3id.org/mxjp-talent/resource/japan'
    """
    from kg.explore.explain import resolve
    from kg.sparql.store import GraphStore

    store = graph if isinstance(graph, GraphStore) else GraphStore.open(graph)
    return resolve(store, name)


def questions() -> list[Question]:
    """The competency questions shipped with the project (see :func:`kg.sparql.questions.questions`)."""
    from kg.sparql.questions import questions as _questions

    return _questions()
