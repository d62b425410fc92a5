"""The one name resolver: from what a person types to the IRI of a resource of the graph.

``kg explain``, ``kg path``, ``kg viz --focus``, the endpoint's pages and the Python API all
resolve names here, so they accept the same names and suggest the same ones. A name is tried, in
order, as a full IRI, a prefixed name (``res:japan``) or a bare id (``japan``); then as a label or
alternative label in any language (``Japan``, ``Japón``, ``日本``; case and Unicode width are
ignored); when nothing matches, the closest labels are suggested (accents ignored).

The names come from any store with a ``rows(sparql)`` method (see :func:`names_of`), so this core
module needs no store of its own.

>>> names = Names.from_rows([
...     {"entity": RES + "japan", "name": "Japan", "lang": "en", "kind": "label"},
...     {"entity": RES + "japan", "name": "Japón", "lang": "es", "kind": "label"},
...     {"entity": RES + "japan", "name": "日本", "lang": "ja", "kind": "label"},
... ])
>>> names.resolve("日本") == RES + "japan"
True
>>> names.resolve("Japon")
Traceback (most recent call last):
kg.errors.UnknownEntity: no entity is called 'Japon'; did you mean: Japan (res:japan)?
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kg.errors import UnknownEntity
from kg.paths import read_query
from kg.terms import RES, curie

SUGGESTIONS = 5
SUGGESTION_CUTOFF = 70


class RowSource(Protocol):
    """Anything that answers a SELECT with rows of Python values (a :class:`kg.sparql.store.GraphStore`)."""

    def rows(self, sparql: str, bindings: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


def _key(text: str) -> str:
    """Case- and width-insensitive form of a name: ``ＩＭＰＩ`` and ``impi`` are the same."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _loose(text: str) -> str:
    """:func:`_key` without accents, for suggestions only."""
    decomposed = unicodedata.normalize("NFKD", _key(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Names:
    """The names of a graph's resources: labels and alternative labels, in every language."""

    labels: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    alternatives: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> Names:
        """Names from rows with ``entity``, ``name``, ``lang`` and ``kind`` (``label`` or ``alt``)."""
        names = cls()
        for row in rows:
            table = names.alternatives if row.get("kind") == "alt" else names.labels
            table[str(row["entity"])].append((str(row["name"]), str(row.get("lang") or "")))
        return names

    def display(self, iri: str) -> str:
        """The name to show for *iri*: its English label, else an untagged one, else any, else its id."""
        labels = self.labels.get(iri) or self.alternatives.get(iri) or []
        if not labels:
            return curie(iri)
        return min(labels, key=lambda tl: (tl[1] != "en", tl[1] != "", tl[1], tl[0]))[0]

    def __contains__(self, iri: object) -> bool:
        return iri in self.labels or iri in self.alternatives

    def resolve(
        self,
        name: str,
        *,
        exists: Callable[[str], bool] | None = None,
        within: Container[str] | None = None,
        what: str = "entity",
        describe: Callable[[str], str] | None = None,
    ) -> str:
        """The IRI that *name* stands for; raises :class:`UnknownEntity` with the candidates when
        several resources carry the name, or with suggestions when none does.

        *exists* says whether an IRI is a resource of the graph even without a name; *within*
        limits the answer to a set of IRIs (the entities of a projection, say), *what* names
        them in messages, and *describe* (an IRI's class, say) tells apart the candidates of an
        ambiguous name.
        """
        wanted = name.strip()
        for iri in _as_iris(wanted):
            if (iri in self or (exists is not None and exists(iri))) and (within is None or iri in within):
                return iri
        for table in (self.labels, self.alternatives):
            hits = self._named(table, wanted)
            if within is not None:
                hits = _inside(hits, within, name, what)
            if len(hits) == 1:
                return hits[0]
            if hits:
                listed = "; ".join(
                    f"{self.display(h)} ({curie(h)}{', ' + describe(h) if describe else ''})" for h in hits
                )
                raise UnknownEntity(
                    f"{name!r} names {len(hits)} {_plural(what)}: {listed}; give the id (res:…) instead"
                )
        close = [f"{self.display(iri)} ({curie(iri)})" for iri in self.suggest(wanted)]  # whatever the view
        hint = "; did you mean: " + ", ".join(close) + "?" if close else ""
        raise UnknownEntity(f"no {what} is called {name!r}{hint}")

    @staticmethod
    def _named(table: dict[str, list[tuple[str, str]]], name: str) -> list[str]:
        key = _key(name)
        return sorted(iri for iri, names in table.items() if any(_key(text) == key for text, _ in names))

    def suggest(self, name: str, *, limit: int = SUGGESTIONS) -> list[str]:
        """The IRIs of up to *limit* resources whose names are closest to *name*, closest first."""
        from rapidfuzz import fuzz, process

        choices: dict[tuple[str, int], str] = {}
        for table in (self.labels, self.alternatives):
            for iri, names in table.items():
                for n, (text, _) in enumerate(names):
                    choices[(iri, n + (0 if table is self.labels else 10_000))] = _loose(text)
        found = process.extract(_loose(name), choices, scorer=fuzz.WRatio, limit=None, score_cutoff=SUGGESTION_CUTOFF)
        best: dict[str, float] = {}
        for _, score, (iri, _) in found:
            best[iri] = max(best.get(iri, 0.0), score)
        return sorted(best, key=lambda iri: (-best[iri], self.display(iri).casefold(), iri))[:limit]


def _inside(hits: list[str], within: Container[str], name: str, what: str) -> list[str]:
    """The *hits* inside *within*; a name that only resources outside it carry is an error."""
    inside = [h for h in hits if h in within]
    if hits and not inside:
        raise UnknownEntity(f"{name!r} is {curie(hits[0])}, which is not an {what} of this view")
    return inside


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _as_iris(name: str) -> list[str]:
    """The IRIs *name* may stand for as an identifier: itself, a ``res:`` name, or a bare id."""
    if name.startswith(("http://", "https://", "urn:")):
        return [name]
    if name.startswith("res:"):
        return [RES + name[4:]]
    if name and not any(c.isspace() for c in name):
        return [RES + name]
    return []


def names_of(store: RowSource) -> Names:
    """The names of every resource of *store*, read with ``queries/reports/names.rq``."""
    return Names.from_rows(store.rows(read_query("reports/names")))
