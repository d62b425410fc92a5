"""Evidence checks: every span a curated statement points at must lie in the paper and say it.

What "say it" means, by kind of statement (see ``loaders/data/README.md``):

- an entity's own claim: the span names the entity (a label, an alternative label, the paper's
  spelling, or an adjective the paper uses for it); an entity the paper describes without naming
  (a flow, a registration) may instead be supported by a span naming what the paper relates it to
  (a record's relations are not in the paper);
- a figure: the span contains the figure, as the paper writes it (``asWritten``) or as a number;
- a fact *stated* by the paper: its span names the object of the fact, or contains its value — the
  part the fact adds; a fact without a span of its own is checked against its entity's span;
- a fact *inferred* by the curators: one of its spans names its subject or its object (the spans
  it was inferred from); the reason is checked by the reader, not here;
- a fact taken from a record: no span is needed; the record is;
- a part of the paper or of one of its sections (``partOf``): where its spans lie decides, with
  the paper index, not the words in them.

A name is found only as whole words, ignoring case, accents, line breaks and the form of dashes
and quotes: ``Japan`` is not found in ``Japanese``, ``28`` is not found in ``280``, ``2.8`` or
``1,280`` (nor ``280`` in ``1 280``); a date may be written with its month's name (``April 1998``).
Alternative names, the paper's spellings and adjectives must be names, not pieces of sentences. A span in the journal's web page around
the article (the index's ``furniture``: menus, links, addresses) is not the paper's text and
supports nothing as stated: what only that page shows is taken from a record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from kg.errors import InputError
from loaders.model import INFERRED, RECORDED, Curated, Entity, Fact, Span

PAPER_ID = "mendez-2017"
#: Words that make a "name" a piece of a sentence rather than a name.
_VERBS = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "approved",
        "enacted",
        "created",
        "established",
        "founded",
        "opened",
        "says",
        "said",
    }
)


def normalise(text: str) -> str:
    """Lowercase, without accents, with one kind of dash and quote and single spaces.

    >>> normalise("Japón\\n  Ōizumi – “Kabushiki”")
    'japon oizumi - "kabushiki"'
    """
    # the acute accent written as an apostrophe (´) first: NFKD would make it a space and an accent
    text = unicodedata.normalize("NFKD", text.replace("\u00b4", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u02bc`]", "'", text)
    text = re.sub(r"[\u201c\u201d]", '"', text)
    return " ".join(text.split())


def says(window: str, name: str) -> bool:
    """Whether *name* stands in *window* as whole words (numbers as whole numbers).

    >>> says("the Japanese economy", "Japan"), says("Japan's economy", "Japan")
    (False, True)
    >>> says("it rose 2.8 %", "28"), says("it rose 28 %", "28"), says("in 2,800 firms", "2,800")
    (False, True, True)
    >>> says("1 280 firms", "280"), says("1 280 firms", "1 280"), says("in 2012 28 firms", "2012")
    (False, True, True)
    """
    wanted = normalise(name)
    if not wanted:
        return False
    before, after = r"(?<![\w])", r"(?![\w])"
    # a number is not a piece of a larger one: 1,280, 2.8, or 1 280 (thousands grouped by spaces)
    if wanted[0].isdigit():
        before = r"(?<![\w.,])" + (r"(?<!\d )" if re.match(r"\d{3}(?!\d)", wanted) else "")
    if wanted[-1].isdigit():
        after = r"(?![\w]|[.,]\d| \d{3}(?!\d))"
    return re.search(before + re.escape(wanted) + after, normalise(window)) is not None


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_forms(value: str, datatype: str | None) -> list[str]:
    """How the paper may write an ISO date: ``1998-04`` as ``April 1998``, ``2009-07-05`` as
    ``July 5, 2009`` or ``5 July 2009``.

    >>> date_forms("2009-07-05", "date"), date_forms("1998-04", "gYearMonth")
    (['July 5, 2009', '5 July 2009'], ['April 1998'])
    """
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if datatype not in ("date", "gYearMonth") or match is None or not 1 <= int(match.group(2)) <= 12:
        return []
    year, month = match.group(1), _MONTHS[int(match.group(2)) - 1]
    if match.group(3) is None:
        return [f"{month} {year}"]
    day = int(match.group(3))
    return [f"{month} {day}, {year}", f"{day} {month} {year}"]


def figure_forms(value: float) -> list[str]:
    """How the paper may write a number: ``1234``, ``1,234`` or ``1 234``; ``2.5``.

    >>> figure_forms(12500), figure_forms(2.5), figure_forms(0.000025)
    (['12500', '12,500', '12 500'], ['2.5'], ['0.000025'])
    """
    if float(value).is_integer():
        n = int(value)
        return [str(n), f"{n:,}", f"{n:,}".replace(",", " ")] if n >= 1000 else [str(n)]
    # the shortest digits that give the value back, written out (repr gives 2.5e-05 for 0.000025)
    return [format(Decimal(repr(float(value))), "f")]


def sentence_fragment(name: str) -> bool:
    """Whether *name* reads as a piece of a sentence (it has a verb) rather than a name.

    >>> sentence_fragment("the Japanese government approved"), sentence_fragment("Technology Licensing Office")
    (True, False)
    """
    return bool(_VERBS & set(re.findall(r"\w+", normalise(name))))


def check_bounds(curated: Curated, length: int) -> None:
    """Every span ends within the paper (*length* characters); raises at the first that does not."""
    for entity in curated.entities.values():
        spans = [(s, entity.where) for s in entity.extra.get("spans", ())] + [(entity.evidence, entity.where)]
        spans += [(s, f.where) for f in entity.facts for s in (f.spans or (f.evidence,))]
        for span, where in spans:
            if span is not None and span[1] > length:
                raise where.error(f"evidence {list(span)} ends past the paper's end ({length} characters)")


def cuts_a_word(text: str, span: Span) -> bool:
    """Whether *span* starts or ends inside a word of *text* (a footnote number glued to a word,
    as in ``INTRODUCTION2``, is not part of the word).

    >>> cuts_a_word("the Traditional way", (0, 6)), cuts_a_word("INTRODUCTION2 text", (0, 12))
    (True, False)
    """
    start, end = span
    inside_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    if inside_end and text[end].isdigit() and text[end - 1].isalpha():
        inside_end = False  # a footnote marker
    return inside_start or inside_end


def check_word_boundaries(curated: Curated, text: str) -> list[InputError]:
    """Every span starts and ends between words, so that it quotes whole words."""
    errors = []
    for entity in curated.entities.values():
        spans = [
            (s, entity.where) for s in entity.extra.get("spans") or ((entity.evidence,) if entity.evidence else ())
        ]
        spans += [(s, f.where) for f in entity.facts for s in f.spans]
        errors += [
            where.error(f"evidence {list(span)} cuts a word: start and end it between words")
            for span, where in spans
            if cuts_a_word(text, span)
        ]
    return errors


def check_names(curated: Curated) -> list[InputError]:
    """Alternative names, the paper's spellings and adjectives must be names, never pieces of sentences."""
    errors = []
    for entity in curated.entities.values():
        alternatives = [n for names in entity.alt_labels.values() for n in names] + entity.paper_spellings
        for name in alternatives + entity.adjectives:
            if sentence_fragment(name):
                errors.append(
                    entity.where.error(f"{name!r} reads as a piece of a sentence, not a name of {entity.id!r}")
                )
    return errors


class _Checker:
    def __init__(self, curated: Curated, text: str, sections: dict[str, Span], furniture: Span | None = None) -> None:
        self.ids = curated.entities
        self.text = text
        self.sections = sections  # section id -> its span, from the paper index
        self.furniture = furniture  # the journal's web page around the article, from the paper index

    def in_furniture(self, spans: Iterable[Span]) -> bool:
        """Whether every span lies in the web page around the article rather than in the paper."""
        page = self.furniture
        return page is not None and all(page[0] <= start and end <= page[1] for start, end in spans)

    def names(self, ident: str | None) -> list[str]:
        entity = self.ids.get(ident or "")
        if entity is None:
            return []
        found = entity.names()
        if entity.kind == "work":
            for author in entity.extra["authors"][:1]:
                if author in self.ids:
                    found += self.names(author)
        if entity.type == "Person":
            found += [str(f.value) for f in entity.facts if f.predicate == "foaf:familyName"]
        return found

    def any_named(self, spans: Iterable[Span], candidates: Iterable[str]) -> bool:
        windows = [self.text[start:end] for start, end in spans]
        return any(says(window, c) for window in windows for c in candidates)

    def _region(self, part_of: str | None) -> Span | None:
        """Where a part of *part_of* must lie: the paper, or a section of the index; None for
        anything else (then names decide)."""
        if part_of == PAPER_ID:
            return 0, len(self.text)
        return self.sections.get((part_of or "").removeprefix("section-"))

    def entity(self, entity: Entity) -> InputError | None:
        spans = entity.extra.get("spans") or ((entity.evidence,) if entity.evidence else ())
        if not spans:
            return None
        if self.in_furniture(spans):
            return entity.where.error(
                f"evidence {list(spans[0])} of {entity.id!r} lies in the journal's web page around the article, "
                "not in the paper: give a span of the paper, or a `source:` record"
            )
        if entity.kind == "observation":
            written = entity.extra["asWritten"]
            forms = [written] if written else [f for v in entity.extra["numbers"].values() for f in figure_forms(v)]
            if not self.any_named(spans, forms):
                return entity.where.error(f"evidence {list(spans[0])} does not contain the figure {forms[0]!r}")
            return None
        candidates = self.names(entity.id)
        for fact in entity.facts:  # an unnamed thing is supported by a span naming what it relates to
            if fact.basis != RECORDED:  # ... in the paper: what a record relates it to is not there
                candidates += self.names(fact.obj) if fact.obj is not None else [str(fact.value)]
        if not self.any_named(spans, candidates):
            return entity.where.error(
                f"evidence {list(spans[0])} does not contain a name of {entity.id!r} or of what it relates to"
            )
        return None

    def told(self, fact: Fact) -> list[str]:
        """What a span must contain to say *fact*: a name of its object, or its value in a form the
        paper may write it (a number with separators, a date with its month's name)."""
        if fact.obj is not None:
            return self.names(fact.obj)
        forms = [str(fact.value)]
        if isinstance(fact.value, int | float):
            forms += figure_forms(fact.value)
        elif isinstance(fact.value, str):
            forms += date_forms(fact.value, fact.datatype)
        return forms

    def fact(self, entity: Entity, fact: Fact) -> InputError | None:
        if fact.basis == RECORDED:
            return None
        spans = fact.spans or ((entity.evidence,) if entity.evidence else ())
        if not spans:
            return None
        region = self._region(fact.obj) if fact.predicate == "partOf" else None
        if region is not None:  # a part of the paper or of a section: where the span lies decides, not words
            if all(region[0] <= start and end <= region[1] for start, end in spans):
                return None
            return fact.where.error(
                f"{entity.id} partOf {fact.obj}: evidence {[list(s) for s in spans]} does not lie within "
                f"{fact.obj} {list(region)}"
            )
        told = self.told(fact)
        if fact.basis == INFERRED:
            if not self.any_named(spans, told + self.names(entity.id)):
                return fact.where.error(
                    f"{fact.predicate!r} is inferred from {[list(s) for s in spans]}, which name neither "
                    f"{entity.id!r} nor {fact.obj or fact.value!r}"
                )
            return None
        if self.in_furniture(spans) or not self.any_named(spans, told):
            whose = "its own span" if fact.spans else f"the span of {entity.id!r}"
            return fact.where.error(
                f"{entity.id} {fact.predicate} {fact.obj or fact.value!r} is stated, but {whose} "
                f"{list(spans[0])} does not name {fact.obj or fact.value!r}: give a span that says it, "
                "or mark it `inferred: <reason>` or `record: <URL>`"
            )
        return None


def check_evidence(curated: Curated, text: str, index: dict[str, Any] | None = None) -> list[InputError]:
    """Check that every span says what it supports (see the module doc); returns the mistakes.

    With the paper *index*, a part of the paper (a figure, a conclusion) is shown to be part of a
    section by its span lying inside the section's, and part of the paper by lying in the paper.
    """
    sections = {str(s["id"]): (s["span"][0], s["span"][1]) for s in (index or {}).get("sections", [])}
    page = (index or {}).get("furniture")
    checker = _Checker(curated, text, sections, (page[0], page[1]) if page else None)
    errors = check_names(curated)
    for entity in curated.entities.values():
        found = [checker.entity(entity), *(checker.fact(entity, fact) for fact in entity.facts)]
        errors += [error for error in found if error is not None]
    return errors + check_word_boundaries(curated, text)
