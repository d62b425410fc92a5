"""Competency questions: named SPARQL files with a ``# Question:`` header, and query resolution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError
from kg.paths import queries_dir

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
