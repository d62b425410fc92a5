"""Evaluating the queries that can crash Oxigraph in a child process, so that the caller survives.

pyoxigraph 0.5.13 aborts the whole process (a Rust panic in a wheel built with ``panic=abort``:
no Python exception, exit status 134) when ``ORDER BY`` sorts a mix of literals its comparison does
not order consistently — numbers next to plain strings or dates, for instance; see
``docs/known-issues.md`` for the minimal reproduction. Only sorting triggers it, so only a query
whose text may hold ``ORDER BY`` is evaluated in a forked copy of this process (copy-on-write: the
store is not reloaded). The child writes the answer in a standard format; a crash becomes one
:class:`~kg.errors.QueryError` sentence. Measured cost (``kg bench``, docs/performance.md): 4–10 ms
per sorting query at the paper's size, 7–36 ms on an on-disk store of 1,000 papers, about 45 ms for a
process holding 100 papers in memory; nothing for the others.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError

#: Oxigraph reads ``ORDER`` and ``BY`` with any run of spaces or comments between them, none included
#: (``ORDERBY``, ``ORDER BYDESC(?x)``), case-insensitively. The scan may fire on such text in a
#: string or a comment: a harmless detour through a child, never a missed sort.
_ORDER_BY = re.compile(r"ORDER(?:\s|#[^\r\n]*(?:\r\n|\r|\n|$))*BY", re.IGNORECASE)

CRASHED = (
    "the query engine (Oxigraph) crashed while sorting this answer: ORDER BY over a mix of numbers and "
    "other literals triggers a known Oxigraph bug (docs/known-issues.md); sort on one kind of value, "
    "e.g. ORDER BY STR(?x) or filter with isNumeric(?x)"
)


def needs_isolation(sparql: str) -> bool:
    """Whether *sparql* may sort (``ORDER BY`` anywhere, sub-queries included).

    >>> needs_isolation("SELECT * { ?s ?p ?o } order  # why\\n by ?o"), needs_isolation("ASK { ?s ?p ?o }")
    (True, False)
    >>> needs_isolation("SELECT * { ?s ?p ?o } ORDERBY ?o")
    True
    """
    return _ORDER_BY.search(sparql) is not None


def _answer_as_bytes(result: Any) -> tuple[str, bytes]:
    if isinstance(result, ox.QueryTriples):
        return "triples", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
    if isinstance(result, ox.QueryBoolean):
        return "boolean", b"true" if bool(result) else b"false"
    return "solutions", result.serialize(format=ox.QueryResultsFormat.JSON) or b""


def _answer_from_bytes(kind: str, body: bytes) -> Any:
    if kind == "boolean":
        return ox.parse_query_results(b'{"head":{},"boolean":' + body + b"}", ox.QueryResultsFormat.JSON)
    if kind == "solutions":
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    store = ox.Store()  # the triples back as a genuine CONSTRUCT answer, in the order they came
    store.load(body, ox.RdfFormat.N_TRIPLES)
    return store.query("CONSTRUCT WHERE { ?s ?p ?o }")


def query_in_child(store: ox.Store, sparql: str, **options: Any) -> Any:
    """``store.query(sparql, **options)`` evaluated in a forked child; the answer comes back as a
    pyoxigraph result (solutions, boolean or triples), a syntax error as :class:`SyntaxError`,
    and a crash of the engine as :class:`QueryError` (:data:`CRASHED`)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running the parent's exit handlers
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)  # a crash prints a Rust backtrace: the parent says it in one sentence
        try:
            payload: tuple[str, Any] = ("ok", _answer_as_bytes(store.query(sparql, **options)))
        except BaseException as exc:  # the parent re-raises it: every error must travel
            payload = ("error", (type(exc).__name__, str(exc)))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(payload))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data or os.WIFSIGNALED(status):
        raise QueryError(CRASHED)
    outcome, value = pickle.loads(data)
    if outcome == "error":
        name, message = value
        raise _ERRORS.get(name, OSError)(message)
    return _answer_from_bytes(*value)


#: The errors of a query that come back from the child as themselves (any other: OSError).
_ERRORS: dict[str, type[Exception]] = {
    "SyntaxError": SyntaxError,
    "RuntimeError": RuntimeError,
    "ValueError": ValueError,
}


def evaluate(store: ox.Store, sparql: str, **options: Any) -> Any:
    """``store.query(sparql, **options)``, safely: a query that sorts is evaluated in a child, and
    when the engine's order of mixed literals crashes it, once more with the kinds of values sorted
    apart (:func:`total_order`); a query that cannot be rewritten so gets :data:`CRASHED`."""
    if not needs_isolation(sparql):
        return store.query(sparql, **options)
    try:
        return query_in_child(store, sparql, **options)
    except QueryError:
        rewritten = total_order(sparql)
        if rewritten is None:
            raise
        return query_in_child(store, rewritten, **options)


#: Kinds of literal that Oxigraph orders by value; across kinds it falls back to the lexical form,
#: which is what makes its order inconsistent. Sorting on the kind first keeps kinds apart.
_KINDS = (
    "dateTime dateTimeStamp",
    "date",
    "time",
    "gYear",
    "gYearMonth",
    "gMonthDay",
    "gMonth",
    "gDay",
    "duration yearMonthDuration dayTimeDuration",
)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SIMPLE_KEY = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*([?$]\w+)\s*\)|([?$]\w+))", re.IGNORECASE)
_AFTER_ORDER = re.compile(r"\b(LIMIT|OFFSET|VALUES)\b", re.IGNORECASE)


def _kind_of(var: str) -> str:
    """A SPARQL expression: which kind of value *var* holds (numbers, each temporal kind, the rest)."""
    expression = '"z"'
    for number, names in reversed(list(enumerate(_KINDS, start=2))):
        datatypes = ", ".join(f"<{_XSD}{name}>" for name in names.split())
        expression = f'IF(isLiteral({var}) && DATATYPE({var}) IN ({datatypes}), "{number:02d}", {expression})'
    return f'IF(isNumeric({var}), "01", {expression})'


def total_order(sparql: str) -> str | None:
    """*sparql* with its one, final ``ORDER BY`` sorting first on the kind of each value, then on the
    value: a consistent order that SPARQL allows (it leaves the order across kinds to the engine).
    None when the query sorts elsewhere too or on expressions other than variables.

    >>> total_order("SELECT * { ?s ?p ?o } ORDER BY DESC(?o) LIMIT 2").count("DESC(")
    2
    >>> total_order("SELECT * { ?s ?p ?o } ORDER BY STR(?o)") is None
    True
    """
    hits = list(_ORDER_BY.finditer(sparql))
    if len(hits) != 1:
        return None
    start, after = hits[0].start(), hits[0].end()
    stop = _AFTER_ORDER.search(sparql, after)
    end = stop.start() if stop else len(sparql)
    clause, keys, position = sparql[after:end], [], 0
    while position < len(clause.rstrip()):
        match = _SIMPLE_KEY.match(clause, position)
        if match is None:
            return None
        direction, var = (match.group(1) or "ASC").upper(), match.group(2) or match.group(3)
        keys.append(f"{direction}({_kind_of(var)}) {direction}({var})")
        position = match.end()
    if not keys:
        return None
    return sparql[:start] + "ORDER BY " + " ".join(keys) + " " + sparql[end:]
