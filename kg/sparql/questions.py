"""Competency questions: named SPARQL files with a ``# Question:`` header, and query resolution."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError
from kg.paths import queries_dir
from kg.sparql.guard import tokens

_HEADER = re.compile(r"^#\s*Question:\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Question:
    """A competency question: its name (file stem), the question in words, and the SPARQL."""

    name: str
    question: str
    sparql: str
    path: Path


def questions() -> list[Question]:
    """Every competency question shipped in ``queries/cq``, by name.

    >>> any(q.name.startswith("cq") for q in questions())
    True
    """
    out = []
    for path in sorted((queries_dir() / "cq").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        match = _HEADER.search(text)
        out.append(Question(path.stem, match.group(1).strip() if match else "", text, path))
    return out


def question(name: str) -> Question:
    """The competency question called *name*; raises :class:`QueryError` listing the names."""
    for q in questions():
        if q.name == name:
            return q
    names = ", ".join(q.name for q in questions())
    raise QueryError(f"no competency question named {name!r} (known: {names})")


def resolve(query: str) -> str:
    """SPARQL text from *query*: a ``.rq`` path, a question's name, or SPARQL itself."""
    stripped = query.strip()
    if stripped.endswith(".rq") and "\n" not in stripped:
        path = Path(stripped)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryError(f"{path}: no such query file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{path}: cannot read: {exc}") from None
    if re.fullmatch(r"[A-Za-z0-9_\-]+", stripped):
        return question(stripped).sparql
    if not stripped:
        raise QueryError("empty query")
    return query


def ordered(sparql: str) -> bool:
    """Whether *sparql* orders its answer (an ``ORDER BY`` outside strings, IRIs and comments).

    >>> ordered("SELECT * { ?s ?p ?o } ORDER BY ?s"), ordered("SELECT * { ?s ?p 'order by' } # ORDER BY")
    (True, False)
    """
    words = [value.upper() for kind, value in tokens(sparql) if kind == "name"]
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:], strict=False))


def answers_agree(sparql: str, got: list[tuple[str, ...]], expected: list[tuple[str, ...]]) -> bool:
    """Whether the rows *got* for *sparql* are its *expected* rows: in the same order when the
    query orders, as multisets otherwise. An empty expected answer agrees with nothing: it would
    let a question that matches nothing pass.

    >>> answers_agree("SELECT ?x {}", [("b",), ("a",), ("a",)], [("a",), ("a",), ("b",)])
    True
    >>> answers_agree("SELECT ?x {} ORDER BY ?x", [("b",), ("a",)], [("a",), ("b",)])
    False
    """
    if not expected:
        return False
    if ordered(sparql):
        return got == expected
    return Counter(got) == Counter(expected)
