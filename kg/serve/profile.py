"""A resource's page, read like a profile: its name in the reader's language, what it is, its
identifiers as links, then its relations, figures, citations and discrepancies, each fact with
how it is known (stated by the paper, inferred by the curators with their reason, taken from a
record) and its evidence: the paper's own words when the server was given the paper, the
character offsets otherwise. What the reasoner added, and the places that merely name it, are
folded away.

Everything shown is escaped; nothing is loaded from outside the endpoint.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from kg.serve.facts import (
    ALT_LABEL,
    DEFINITION,
    LABEL,
    TYPE,
    Evidence,
    Fact,
    amount,
    group,
    merge,
    pick,
    registry,
)
from kg.serve.layout import href, page
from kg.terms import MX, RES, curie, local_name

Labels = dict[str, dict[str, str]]

_HEADINGS = {
    "identity": "Identity",
    "identifiers": "Identifiers elsewhere",
    "relations": "Relations",
    "figures": "Figures",
    "citations": "Citations",
    "discrepancies": "Where the paper differs from the record",
}


def _lang(tag: str | None) -> str:
    """A ``lang`` attribute for *tag*, or nothing for English, the page's own language (fonts and
    screen readers follow it)."""
    return f' lang="{escape(tag)}"' if tag and tag != "en" else ""


class _View:
    """What rendering needs besides the facts: names in the reader's language and the paper."""

    def __init__(self, labels: Labels, languages: list[str], paper_text: str | None, this: str = "this") -> None:
        self.labels = labels
        self.languages = languages
        self.paper_text = paper_text
        self.this = this  # the resource's own name, for facts that point at it

    def name(self, iri: str) -> tuple[str, str]:
        """The label in the reader's language; for an unlabelled resource of the graph, its id in
        words (``section-introduction`` reads "section introduction"), else its prefixed name."""
        found = pick(self.labels.get(iri, {}), self.languages)
        if found:
            return found
        if iri.startswith(RES):
            return iri[len(RES) :].rsplit("/", 1)[-1].replace("-", " "), ""
        return curie(iri), ""

    def prop(self, iri: str) -> str:
        found = pick(self.labels.get(iri, {}), ["en"])
        return found[0] if found else re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local_name(iri)).lower()

    def link(self, iri: str) -> str:
        """A link to *iri*: its page here for the graph's resources, the ontology documentation for
        its terms, the IRI itself (marked external) for anything else."""
        text, lang = self.name(iri)
        if iri.startswith(MX):
            return f'<a href="/docs#{escape(iri[len(MX) :])}" title="{escape(iri)}"{_lang(lang)}>{escape(text)}</a>'
        if href(iri) == iri:
            return f'<a class="external" rel="noreferrer" href="{escape(iri)}"{_lang(lang)}>{escape(text)}</a>'
        return f'<a href="{escape(href(iri))}" title="{escape(iri)}"{_lang(lang)}>{escape(text)}</a>'

    def term(self, term: dict[str, str]) -> str:
        if term["type"] == "uri":
            found = registry(term["value"])
            if found:
                name, ident = found[0], found[1].rstrip("/")
                return f'<a class="external" rel="noreferrer" href="{escape(term["value"])}">{escape(name)} {escape(ident)}</a>'
            return self.link(term["value"])
        if term["type"] == "bnode":
            return f'<span class="bnode">_:{escape(term["value"])}</span>'
        lang = term.get("lang")
        tag = f' <span class="lang">{escape(lang)}</span>' if lang else ""
        return f'<span class="literal"{_lang(lang)}>{escape(term["value"])}</span>{tag}'

    def quote(self, e: Evidence) -> str:
        if e.start is None or e.end is None:
            return ""
        if self.paper_text is not None and 0 <= e.start < e.end <= len(self.paper_text):
            words = " ".join(self.paper_text[e.start : e.end].split())
            return f'<q class="paper" lang="en" title="characters {e.start}–{e.end}">{escape(words)}</q>'
        return f'<span class="span">characters {e.start}–{e.end}</span>'

    def evidence(self, fact: Fact) -> str:
        lines = []
        for e in fact.evidence:
            how = f'<span class="how">{escape(e.how)}</span>'
            if e.reason:
                how += f'<span class="reason">: {escape(e.reason)}</span>'
            if e.record:
                how += f' <a class="record external" rel="noreferrer" href="{escape(e.record)}">the record</a>'
            quote = self.quote(e)
            lead = " from " if e.kind == "inferredByCurators" and quote else " "
            where = f' <span class="where">{self.link(e.section)}</span>' if e.section else ""
            if e.claim:
                where += (
                    f' <a class="claim" href="{escape(href(e.claim))}" title="the claim: {escape(e.claim)}">claim</a>'
                )
            kind = escape(e.kind or ("claim" if e.claim else "none"))
            lines.append(f'<div class="evidence kind-{kind}">{how}{lead if quote else ""}{quote}{where}</div>')
        return "".join(lines)

    def statement(self, fact: Fact) -> str:
        """One fact as a line: "property value", or for a fact pointing here, "subject — property → this"."""
        prop = escape(self.prop(fact.predicate))
        if fact.direction == "in":
            return (
                f'<div class="statement incoming"><span class="value">{self.term(fact.value)}</span> '
                f'<span class="prop">— {prop} →</span> <span class="this">{escape(self.this)}</span></div>'
            )
        return f'<div class="statement"><span class="prop">{prop}</span> <span class="value">{self.term(fact.value)}</span></div>'

    def cards(self, facts: list[Fact]) -> list[str]:
        """The facts as list items; facts in a row with the same evidence share one item, the
        evidence shown once under them."""
        items: list[str] = []
        run: list[Fact] = []
        for fact in [*facts, None]:
            if run and (fact is None or fact.evidence != run[0].evidence):
                lines = "".join(self.statement(f) for f in run)
                items.append(f'<li class="fact">{lines}{self.evidence(run[0])}</li>')
                run = []
            if fact is not None:
                run.append(fact)
        return items


def resource_page(
    iri: str,
    rows: list[dict[str, dict[str, str]]],
    *,
    labels: Labels | None = None,
    figures: list[dict[str, Any]] | None = None,
    discrepancies: list[dict[str, Any]] | None = None,
    languages: list[str] | None = None,
    paper_text: str | None = None,
) -> str:
    """A resource's page from the worker's answer (:func:`kg.serve.jobs.profile`).

    >>> row = {"direction": {"type": "literal", "value": "out"},
    ...        "p": {"type": "uri", "value": "http://www.w3.org/2000/01/rdf-schema#label"},
    ...        "o": {"type": "literal", "value": "<script>x</script>", "lang": "en"}}
    >>> "&lt;script&gt;" in resource_page("https://w3id.org/mxjp-talent/resource/x", [row])
    True
    """
    figures, discrepancies = figures or [], discrepancies or []
    facts = merge(rows)
    own = _own_labels(iri, facts, labels or {})
    view = _View(own, languages or ["en"], paper_text)
    view.this = view.name(iri)[0]
    grouped = group(facts, {f["obs"]["value"] for f in figures}, {d["discrepancy"]["value"] for d in discrepancies})
    title, lang = view.name(iri)
    sections = [
        _section("identity", _identity(view, iri, grouped["identity"])),
        _section("identifiers", view.cards(grouped["identifiers"])),
        _section("relations", _relations(view, grouped["relations"])),
        _section("figures", _figures(view, figures, grouped["figures"])),
        _section("citations", view.cards(grouped["citations"])),
        _section("discrepancies", _discrepancies(view, discrepancies, grouped["discrepancies"])),
        _folded("mentions", grouped["mentions"], view, "Named in the paper at {n} place(s)"),
        _folded(
            "reasoner",
            grouped["reasoner"],
            view,
            "{n} more fact(s) inferred by the reasoner (types, broader and inverse relations)",
        ),
    ]
    toc = "".join(
        f'<a href="#{name}">{escape(heading)}</a>'
        for name, heading in _HEADINGS.items()
        if any(s.startswith(f'<section id="{name}"') for s in sections)
    )
    body = (
        f'<article class="profile"><header class="profile-head">{_classes(view, facts)}'
        f"<h1{_lang(lang)}>{escape(title)}</h1>"
        f"{_names(view, iri, facts, lang)}{_definition(view, facts)}"
        f'<p class="iri"><code>{escape(iri)}</code> · also as <a href="?format=turtle">Turtle</a> · '
        '<a href="?format=jsonld">JSON-LD</a> · <a href="?format=ntriples">N-Triples</a></p>'
        f'{_paper_note(paper_text)}</header><nav class="toc" aria-label="On this page">{toc}</nav>'
        + "".join(sections)
        + "</article>"
    )
    return page(title, body, kind="resource")


def _own_labels(iri: str, facts: list[Fact], labels: Labels) -> Labels:
    """*labels*, with the resource's own labels from its facts when the worker sent none."""
    if iri in labels:
        return labels
    own = {f.value.get("lang", ""): f.value["value"] for f in facts if f.direction == "out" and f.predicate == LABEL}
    return {**labels, iri: own} if own else labels


def _section(name: str, items: list[str]) -> str:
    if not items:
        return ""
    return f'<section id="{name}"><h2>{escape(_HEADINGS[name])}</h2><ul class="facts">{"".join(items)}</ul></section>'


def _folded(name: str, facts: list[Fact], view: _View, summary: str) -> str:
    if not facts:
        return ""
    items = "".join(view.cards(facts))
    return (
        f'<details id="{name}" class="folded"><summary>{escape(summary.format(n=len(facts)))}</summary>'
        f'<ul class="facts">{items}</ul></details>'
    )


def _classes(view: _View, facts: list[Fact]) -> str:
    asserted = [f for f in facts if f.predicate == TYPE and f.direction == "out" and f.in_claim]
    shown = asserted or [
        f for f in facts if f.predicate == TYPE and f.direction == "out" and f.value["value"].startswith(str(MX))
    ]
    if not shown:
        return ""
    return '<p class="classes">' + " · ".join(view.link(f.value["value"]) for f in shown) + "</p>"


def _names(view: _View, iri: str, facts: list[Fact], shown: str) -> str:
    others = [
        f'<span lang="{escape(lang)}">{escape(text)}</span> <span class="lang">{escape(lang)}</span>'
        for lang, text in sorted(view.labels.get(iri, {}).items())
        if lang != shown and lang
    ]
    alt = [view.term(f.value) for f in facts if f.direction == "out" and f.predicate == ALT_LABEL]
    parts = []
    if others:
        parts.append("In other languages: " + " · ".join(others))
    if alt:
        parts.append("Also called: " + " · ".join(alt))
    return "".join(f'<p class="names">{p}</p>' for p in parts)


def _definition(view: _View, facts: list[Fact]) -> str:
    texts = {
        f.value.get("lang", ""): f.value["value"] for f in facts if f.direction == "out" and f.predicate == DEFINITION
    }
    found = pick(texts, view.languages)
    if not found:
        return ""
    return f'<p class="definition"{_lang(found[1])}>{escape(found[0])}</p>'


def _paper_note(paper_text: str | None) -> str:
    if paper_text is not None:
        return ""
    return (
        '<p class="hint">Evidence is shown as character offsets: start the server with '
        "<code>kg serve --paper PATH</code> (or set <code>KG_PAPER</code>) to read the paper's words.</p>"
    )


def _identity(view: _View, iri: str, facts: list[Fact]) -> list[str]:
    def order(f: Fact) -> tuple[list[Evidence], int, str]:
        rank = {TYPE: 0, LABEL: 1, ALT_LABEL: 2, DEFINITION: 3}.get(f.predicate, 4)
        return f.evidence, rank, view.prop(f.predicate)

    return view.cards(sorted(facts, key=order))


def _relations(view: _View, facts: list[Fact]) -> list[str]:
    out = sorted(
        (f for f in facts if f.direction == "out"),
        key=lambda f: (view.prop(f.predicate), view.name(f.value["value"])[0]),
    )
    incoming = sorted(
        (f for f in facts if f.direction == "in"),
        key=lambda f: (view.prop(f.predicate), view.name(f.value["value"])[0]),
    )
    return view.cards(out) + view.cards(incoming)


def _figures(view: _View, figures: list[dict[str, Any]], facts: list[Fact]) -> list[str]:
    evidence: dict[str, list[Evidence]] = {}
    for fact in facts:
        evidence.setdefault(fact.value["value"], []).extend(
            e for e in fact.evidence if e not in evidence.get(fact.value["value"], [])
        )
    items = []
    for figure in figures:
        obs = figure["obs"]["value"]
        period = ""
        if "period" in figure:
            period = f' <span class="period">{escape(figure["period"]["value"])}</span>'
            kind = local_name(figure.get("periodKind", {}).get("value", ""))
            if kind == "inferredByCurators":
                reason = figure.get("periodReason", {}).get("value")
                period += f' <span class="how inferred">(period inferred by the curators{": " + escape(reason) if reason else ""})</span>'
        scope = f' <span class="scope">{escape(figure["scope"]["value"])}</span>' if "scope" in figure else ""
        fact = Fact("in", "", {"type": "uri", "value": obs}, evidence.get(obs, []))
        items.append(
            f'<li class="fact figure"><div class="statement"><span class="prop">{view.link(obs)}</span> '
            f'<span class="value amount">{escape(amount(figure))}</span>{period}{scope}</div>{view.evidence(fact)}</li>'
        )
    return items


def _discrepancies(view: _View, discrepancies: list[dict[str, Any]], facts: list[Fact]) -> list[str]:
    evidence = {f.value["value"]: f for f in facts}
    items = []
    for d in discrepancies:
        iri = d["discrepancy"]["value"]

        def text(key: str, d: dict[str, Any] = d) -> str:
            return escape(d[key]["value"]) if key in d else "—"

        record = d.get("recordSource", {}).get("value")
        source = f' (<a class="external" rel="noreferrer" href="{escape(record)}">record</a>)' if record else ""
        note = f'<div class="note">{text("note")}</div>' if "note" in d else ""
        fact = evidence.get(iri, Fact("in", "", {"type": "uri", "value": iri}))
        items.append(
            f'<li class="fact discrepancy"><div class="statement"><span class="prop">{view.link(iri)}</span> '
            f"the paper has <q>{text('paperValue')}</q>, the record{source} has <q>{text('recordValue')}</q> "
            f'<span class="status">({text("kind")}; {text("status")})</span></div>{note}{view.evidence(fact)}</li>'
        )
    return items
