"""What the benchmark checks: every timed question's answer, at every size of the corpus.

A corpus of N papers (``kg corpus``, :mod:`kg.build.corpus`) holds the paper's graph N times: copy 0
under the paper's own IRIs, copy k under ``…/resource/cNNNN/…`` (:func:`kg.build.corpus.copy_name`);
the copies share only the ontology's and the reused vocabularies' terms. So at every size:

* a question **anchored on the paper** — its query names a resource IRI (``res:mendez-2017``,
  ``res:japan``), and only copy 0 has those — must return exactly the paper's answer;
* a question **over the whole corpus** — it names no resource — returns every copy's answer: the
  paper's rows N times once each copy's segment is taken out of the IRIs (and out of the literals
  made from them), or the growth :data:`GROWTH` documents for it. Every such question must have its
  entry there: the table is the reviewed statement of what the question does on a corpus, and a
  question without one fails the run rather than being timed unchecked.

Rows are compared in N-Triples form (blank node labels dropped: Oxigraph renames blank nodes at
every load), as multisets, and in order where the query orders: the rows must come in the order of
their ``ORDER BY`` keys, while rows whose keys are equal may come in any order, since SPARQL leaves
that open. The keys are read from the query when they are projected variables (``?x``,
``DESC(?x)``, ``STR(?x)``); otherwise the whole row is the key, which is stricter. An empty paper
answer is an error, never a pass.

>>> rows = [('"b"', "<https://w3id.org/mxjp-talent/resource/c0007/x>"), ('"a"', "1")]
>>> [normalise(r) for r in rows][0]
('"b"', '<https://w3id.org/mxjp-talent/resource/x>')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from kg.build.corpus import RESOURCE
from kg.sparql.guard import tokens
from kg.terms import PREFIX_IRIS

Row = tuple[str, ...]

#: A copy's segment in an IRI or in a literal made from one (``copy_name``: ``c`` and 4+ digits).
_SEGMENT = re.compile(re.escape(RESOURCE) + r"c\d{4,}/")
_BLANK = re.compile(r"_:[^\s,)]+")
_XSD_STRING = "^^<http://www.w3.org/2001/XMLSchema#string>"
_DERIVED_INTEGER = re.compile(
    r"\^\^<http://www\.w3\.org/2001/XMLSchema#(?:nonNegativeInteger|positiveInteger|nonPositiveInteger|"
    r"negativeInteger|long|int|short|byte|unsignedLong|unsignedInt|unsignedShort|unsignedByte)>$"
)


@dataclass(frozen=True)
class Growth:
    """How a question over the whole corpus grows with N: ``factor`` is ``"copies"`` (the paper's
    rows N times) or ``"once"`` (the paper's rows, as when DISTINCT folds copies that differ only by
    IRIs it does not project); ``why`` says which of the question's patterns make it so."""

    factor: str
    why: str


#: The reviewed growth of every question that names no resource (checked in :func:`plan`).
GROWTH: dict[str, Growth] = {
    "cq-discrepancies": Growth(
        "copies", "every mx:Discrepancy, of any paper; each copy has its own discrepancies and claim graphs"
    ),
    "cq06-laws": Growth("copies", "every mx:Law of the store, with its labels; each copy has its own laws"),
    "cq08-residence-statuses": Growth(
        "copies",
        "statuses in the ontology's scheme (mx:ResidenceStatusScheme, shared by the copies): "
        "each copy has its own status resources",
    ),
    "cq13-mergers": Growth("copies", "every mx:Merger of the store; no DISTINCT"),
    "cq14-company-figures": Growth("copies", "every observation about any mx:Company; no DISTINCT"),
    "cq19-universities": Growth("copies", "every mx:University with its city; no DISTINCT"),
    "cq22-paper-spellings": Growth("copies", "every resource with an mx:paperSpelling; no DISTINCT"),
    "cq26-collaborations": Growth("copies", "every mx:collaboratesWith pair, by label; no DISTINCT"),
    "cq27-events": Growth("copies", "every dated mx:Event; no DISTINCT"),
    "cq30-inferred-facts": Growth(
        "copies", "every fact of every claim inferred by the curators, grouped per claim: each copy has its own claims"
    ),
}


def normalise(row: Row) -> Row:
    """*row* with every copy's segment taken out and blank node labels dropped."""
    return tuple(_BLANK.sub("_:", _SEGMENT.sub(RESOURCE, value)) for value in row)


def unlabel(row: Row) -> Row:
    """*row* with blank node labels dropped (the only change made to an anchored question's rows)."""
    return tuple(_BLANK.sub("_:", value) for value in row)


def term_text(term: object) -> str:
    """A term of Oxigraph's or rdflib's answer in N-Triples form; ``""`` when unbound.

    rdflib's terms are written as Oxigraph writes them: a plain string without ``^^xsd:string``, and
    the types derived from ``xsd:integer`` (``xsd:nonNegativeInteger``, the spans' offsets) as
    ``xsd:integer``, since Oxigraph 0.5 stores such a literal as an ``xsd:integer`` and answers it so.
    """
    if term is None:
        return ""
    n3 = getattr(term, "n3", None)  # rdflib terms; Oxigraph's str() is already N-Triples
    if not callable(n3):
        return str(term)
    text = str(n3())
    if text.endswith(_XSD_STRING):
        return text[: -len(_XSD_STRING)]
    return _DERIVED_INTEGER.sub("^^<http://www.w3.org/2001/XMLSchema#integer>", text)


def anchored(sparql: str) -> bool:
    """Whether *sparql* names a resource IRI (outside its PREFIX lines), by prefix or in full.

    >>> anchored("PREFIX res: <https://w3id.org/mxjp-talent/resource/> SELECT * { ?s ?p ?o }")
    False
    >>> anchored("SELECT * { res:japan ?p ?o }"), anchored("SELECT * { <https://w3id.org/mxjp-talent/resource/x> ?p ?o }")
    (True, True)
    """
    prefixes = dict(PREFIX_IRIS)
    toks = tokens(sparql)
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        if kind == "name" and value.upper() == "PREFIX" and i + 2 < len(toks) and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":")] = toks[i + 2][1][1:-1]
            i += 3
            continue
        if kind == "iri" and value[1:-1].startswith(RESOURCE):
            return True
        if kind == "name" and ":" in value:
            prefix, _, local = value.partition(":")
            if prefix in prefixes and (prefixes[prefix] + local).startswith(RESOURCE):
                return True
        i += 1
    return False


def order_keys(sparql: str, variables: Sequence[str]) -> list[int] | None:
    """Positions in the row of the variables *sparql* orders by; None when it does not order,
    and every position (the whole row) when a key is not a projected variable.

    >>> order_keys("SELECT ?a ?b ?c { } ORDER BY DESC(?c) STR(?a) LIMIT 3", ["a", "b", "c"])
    [2, 0]
    >>> order_keys("SELECT ?a ?b { } ORDER BY ?a ?z", ["a", "b"]), order_keys("SELECT ?a { }", ["a"])
    ([0, 1], None)
    """
    toks = tokens(sparql)
    start = next(
        (
            i + 2
            for i in range(len(toks) - 1)
            if toks[i][0] == "name" and toks[i][1].upper() == "ORDER" and toks[i + 1][1].upper() == "BY"
        ),
        None,
    )
    if start is None:
        return None
    keys: list[int] = []
    depth, names_in_key = 0, 0
    for kind, value in toks[start:]:
        if depth == 0 and kind == "name" and value.upper() in ("LIMIT", "OFFSET", "VALUES"):
            break
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
        elif kind == "var":
            if value[1:] not in variables:
                return list(range(len(variables)))
            keys.append(list(variables).index(value[1:]))
        elif kind == "name" and value.upper() not in ("ASC", "DESC", "STR"):
            names_in_key += 1  # a function other than STR: its value is not a projected term
    if names_in_key or not keys:
        return list(range(len(variables)))
    return keys


def _groups(rows: Sequence[Row], keys: list[int] | None) -> list[tuple[Row, Counter[Row]]]:
    """Consecutive runs of rows with equal keys, each with the multiset of its rows."""
    if keys is None:
        return [((), Counter(rows))]
    out: list[tuple[Row, Counter[Row]]] = []
    for row in rows:
        key = tuple(row[i] for i in keys)
        if out and out[-1][0] == key:
            out[-1][1][row] += 1
        else:
            out.append((key, Counter({row: 1})))
    return out


def expected_rows(paper: Sequence[Row], growth: Growth | None, copies: int) -> list[Row]:
    """What a corpus of *copies* papers must answer (after :func:`normalise`): the paper's rows for
    an anchored question (*growth* None), each of them *copies* times in place for ``"copies"``."""
    if growth is None or growth.factor == "once":
        return list(paper)
    return [row for row in paper for _ in range(copies)]


def _show(rows: Sequence[Row] | Counter[Row], most: int = 2) -> str:
    items = list(rows.elements() if isinstance(rows, Counter) else rows)[:most]
    return "; ".join(" ".join(row) for row in items) + (" …" if len(rows) > most else "")


def differs(got: Sequence[Row], expected: Sequence[Row], keys: list[int] | None) -> str | None:
    """None when *got* is *expected* (multisets, in key order where *keys* is given), else how it
    differs, in one sentence.

    >>> differs([("a",), ("b",)], [("a",), ("b",)], [0]) is None
    True
    >>> differs([("b",), ("a",)], [("a",), ("b",)], [0])
    'same rows, out of order from row 1: got b, expected a'
    >>> differs([("a",)], [("a",), ("b",)], None)
    '1 rows where 2 were expected; missing: b'
    """
    if not expected:
        return "the paper's own answer is empty: nothing to check against"
    if Counter(got) != Counter(expected):
        missing, extra = Counter(expected) - Counter(got), Counter(got) - Counter(expected)
        parts = [f"{len(got)} rows where {len(expected)} were expected"]
        if missing:
            parts.append(f"missing: {_show(missing)}")
        if extra:
            parts.append(f"unexpected: {_show(extra)}")
        return "; ".join(parts)
    mine, theirs = _groups(got, keys), _groups(expected, keys)
    if mine == theirs:
        return None
    position = 0
    for (key, rows), (other_key, _) in zip(mine, theirs, strict=False):
        if key != other_key:
            return (
                f"same rows, out of order from row {position + 1}: got {' '.join(key)}, expected {' '.join(other_key)}"
            )
        position += sum(rows.values())
    return "same rows, grouped differently by their ORDER BY keys"


@dataclass(frozen=True)
class Plan:
    """How one question is checked on a corpus: the paper's answer, its kind and its keys."""

    name: str
    paper: list[Row]
    keys: list[int] | None
    growth: Growth | None  # None: anchored on the paper

    def expected(self, copies: int) -> list[Row]:
        """The answer a corpus of *copies* papers must give (normalised)."""
        return expected_rows(self.paper, self.growth, copies)

    def check(self, got: Sequence[Row], copies: int, in_order: bool = True) -> str | None:
        """None when *got* (the raw rows of a corpus of *copies* papers) is right, else how it is not.
        Without *in_order* the rows are compared as a multiset only: for another engine, which may
        order literals of different kinds (a language-tagged label, a plain string) differently,
        as SPARQL leaves that order to the engine."""
        rows = [normalise(r) if self.growth is not None else unlabel(r) for r in got]
        return differs(rows, self.expected(copies), self.keys if in_order else None)


def plan(name: str, sparql: str, variables: Sequence[str], paper: Sequence[Row]) -> tuple[Plan, str | None]:
    """The check of question *name*, and the reason it cannot be checked (None when it can)."""
    keys = order_keys(sparql, variables)
    rows = [unlabel(r) for r in paper]
    if anchored(sparql):
        problem = f"GROWTH lists {name}, but it names a resource: review the table" if name in GROWTH else None
        return Plan(name, rows, keys, None), problem
    growth = GROWTH.get(name)
    if growth is None:
        return Plan(name, rows, keys, Growth("copies", "not reviewed")), (
            f"{name} names no resource and GROWTH does not say how its answer grows with the corpus"
        )
    return Plan(name, rows, keys, growth), None
