"""Find the in-text citations of a text: parenthetical and narrative author-year forms.

Handles one or several authors (``,``, ``&``, ``and``), ``et al.``, a page (``p. 45``) or a page
range (``pp. 69-70``), several citations in one bracket separated by ``;``, and line breaks
anywhere inside a citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_NAME = r"[A-ZÁÉÍÓÚÑÜ][\w'’\-]*"
_PAREN = re.compile(r"\(([^()]{4,300}?)\)")
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z]?)"
_PAGES = r"(?:,\s*(?P<pages>pp?\.\s*\d+(?:\s*[-–]\s*\d+)?))?"
_ITEM = re.compile(r"^\s*(?P<authors>[^\d;]+?),\s*" + _YEAR + _PAGES + r"\s*$")
_NARRATIVE = re.compile(
    r"(?P<authors>" + _NAME + r"(?:\s+" + _NAME + r"){0,2}"
    r"(?:\s*(?:,|&|\band\b)\s*" + _NAME + r"(?:\s+" + _NAME + r")?){0,5}"
    r"(?:\s+et\s+al\.)?)\s*\(" + _YEAR + _PAGES + r"\)"
)
_SPLIT_AUTHORS = re.compile(r"\s*(?:,\s*and\s+|,|&|\band\b)\s*")


@dataclass(frozen=True)
class InTextCitation:
    """One citation occurrence: who, when, which pages, where (offsets), in which form."""

    start: int
    end: int
    authors: tuple[str, ...]
    year: int
    et_al: bool
    pages: str | None
    form: str  # "parenthetical" or "narrative"

    @property
    def key(self) -> str:
        """A readable key such as ``Tsuda & Cornelius 2004``."""
        names = " & ".join(self.authors) + (" et al." if self.et_al else "")
        return f"{names} {self.year}"


def _authors(raw: str) -> tuple[tuple[str, ...], bool] | None:
    raw = " ".join(raw.split())
    et_al = bool(re.search(r"\bet\s+al\.?$", raw))
    raw = re.sub(r"\s*\bet\s+al\.?$", "", raw)
    names = tuple(n for n in _SPLIT_AUTHORS.split(raw) if n)
    if not names or not all(re.fullmatch(_NAME + r"(?:\s+" + _NAME + r")*", n) for n in names):
        return None
    return names, et_al


def _pages(raw: str | None) -> str | None:
    if not raw:
        return None
    return re.sub(r"\s+", "", raw.split(".", 1)[1]).replace("–", "-")


def find_citations(text: str) -> list[InTextCitation]:
    """Every in-text citation of *text*, in order of position.

    >>> [c.key for c in find_citations("as (Fukugawa, 2013; Motohashi, 2005) and Tsuda and Cornelius (2004) say")]
    ['Fukugawa 2013', 'Motohashi 2005', 'Tsuda & Cornelius 2004']
    >>> find_citations("(Nieto González & García\\n Lima, 2016, pp. 69-70)")[0].pages
    '69-70'
    """
    found = list(_parenthetical(text)) + list(_narrative(text))
    return sorted(found, key=lambda c: (c.start, c.end))


def _parenthetical(text: str) -> Iterator[InTextCitation]:
    for match in _PAREN.finditer(text):
        inner_start = match.start(1)
        offset = 0
        for part in match.group(1).split(";"):
            part_start = inner_start + offset
            offset += len(part) + 1
            item = _ITEM.match(part)
            if not item:
                continue
            parsed = _authors(item.group("authors"))
            if parsed is None:
                continue
            lead = len(part) - len(part.lstrip())
            trail = len(part.rstrip())
            yield InTextCitation(
                start=part_start + lead,
                end=part_start + trail,
                authors=parsed[0],
                year=int(item.group("year")),
                et_al=parsed[1],
                pages=_pages(item.group("pages")),
                form="parenthetical",
            )


def _narrative(text: str) -> Iterator[InTextCitation]:
    for match in _NARRATIVE.finditer(text):
        parsed = _authors(match.group("authors"))
        if parsed is None:
            continue
        yield InTextCitation(
            start=match.start("authors"),
            end=match.end(),
            authors=parsed[0],
            year=int(match.group("year")),
            et_al=parsed[1],
            pages=_pages(match.group("pages")),
            form="narrative",
        )


_ABBREVIATIONS = ("p.", "pp.", "al.", "e.g.", "i.e.", "Co.", "Inc.", "Ltd.", "S.A.", "C.V.", "Dr.", "vs.", "No.")


def _is_boundary(text: str, i: int) -> bool:
    """Whether the character at *i* ends a sentence: ``.?!`` then white space, not an abbreviation."""
    if text[i] not in ".?!" or (i + 1 < len(text) and not text[i + 1].isspace()):
        return False
    word = text[max(0, text.rfind(" ", 0, i) + 1) : i + 1].lstrip("(")
    return word not in _ABBREVIATIONS


def sentence_bounds(text: str, start: int, end: int, *, limit: tuple[int, int] | None = None) -> tuple[int, int]:
    """The ``[start, end)`` offsets of the sentence holding the span ``[start, end)``, within
    *limit* (a paragraph) when given. Periods inside the span itself (``p. 45``) do not count.

    >>> text = "One (Cohen et al., 2002). Two grows (Sassen, 2014, p. 198). Three."
    >>> s, e = sentence_bounds(text, 37, 57)
    >>> text[s:e]
    'Two grows (Sassen, 2014, p. 198).'
    """
    low, high = limit if limit else (0, len(text))
    s = start
    while s > low and not _is_boundary(text, s - 1):
        s -= 1
    while s < start and text[s].isspace():
        s += 1
    e = end
    while e < high and not _is_boundary(text, e):
        e += 1
    return s, min(e + 1, high)
