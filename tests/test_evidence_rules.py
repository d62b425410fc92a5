"""The evidence rules (issue 12, item 4), each with a test that fails when the rule is loosened.

Unit tests run the checks of ``loaders/evidence.py`` and ``loaders/labels.py`` on small curated
entities built here and on a small text (``TEXT``), so they are fast and need no paper; the loader
rules (an inferred fact's reason, a record's URL, the ``adjective:`` key) are read from small
YAML files. The last tests run ``kg build --data`` on a copy of ``tests/data/mini`` with one
mistake planted and need the paper: the build must fail naming the file and the line.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.errors import InputError
from kg.paths import ontology_file
from loaders.curated import read_curated, read_file
from loaders.evidence import (
    check_bounds,
    check_evidence,
    check_names,
    check_word_boundaries,
    cuts_a_word,
    date_forms,
    figure_forms,
    normalise,
    says,
    sentence_fragment,
)
from loaders.labels import duplicate_figure_labels, family_name, observation_label, work_label
from loaders.model import INFERRED, RECORDED, STATED, Curated, Entity, Fact, Span, Vocabulary, Where

MINI = Path(__file__).parent / "data" / "mini"
DATA = Path("facts.yaml")
PAPER_CHARACTERS, PAPER_BYTES = 43_319, 43_332

TEXT = (
    "INTRODUCTION\n"
    "The Japanese economy grew. NTT\n Docomo, Inc. filed 246 patents with the IMPI in 2012.\n"
    "Saskia Sassen and Girón wrote on talent among Mexicologists. Some six million jobs appeared.\n"
    "METHODS\n"
    "Residents: 2,307,388. Firms: 280. A rate of 2.8 %. Patents: 1,280. People: 1 280. A score of 3.0.\n"
    "It opened in April 1998 and on July 5, 2009 (or 5 July 2009).\n"
    "Home | Japan | NTT Docomo | Contact\n"
)
SECTIONS = {"introduction": (0, TEXT.index("METHODS")), "methods": (TEXT.index("METHODS"), len(TEXT))}
FURNITURE = (TEXT.index("Home"), len(TEXT) - 1)  # the journal's web page around the article
INDEX: dict[str, Any] = {"sections": [{"id": k, "span": list(v)} for k, v in SECTIONS.items()], "furniture": FURNITURE}


def span(phrase: str) -> Span:
    """The offsets of *phrase* in ``TEXT`` (its first occurrence)."""
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def entity(
    ident: str,
    label: str | None = None,
    *,
    evidence: Span | None = None,
    facts: tuple[Fact, ...] = (),
    alt: tuple[str, ...] = (),
    spellings: tuple[str, ...] = (),
    adjectives: tuple[str, ...] = (),
    type: str = "Country",
    line: int = 1,
    kind: str = "entity",
    extra: dict[str, Any] | None = None,
) -> Entity:
    return Entity(
        ident,
        type,
        {"en": label} if label else {},
        {"en": list(alt)} if alt else {},
        list(spellings),
        {},
        evidence,
        list(facts),
        Where(DATA, line),
        kind=kind,
        extra=extra or {},
        adjectives=list(adjectives),
    )


def fact(
    p: str,
    o: str | None = None,
    v: Any = None,
    *,
    spans: tuple[Span, ...] = (),
    basis: str = STATED,
    line: int = 2,
    datatype: str | None = None,
) -> Fact:
    reason = "the curators read it so" if basis == INFERRED else None
    record = "https://example.org/record" if basis == RECORDED else None
    first = spans[0] if spans else None
    return Fact(p, o, v, datatype, None, first, Where(DATA, line), basis, reason, record, spans)


def observation(ident: str, line: int, *spans: Span, as_written: str | None = None, **dims: Any) -> Entity:
    """A figure: ``value=`` or ``min=``/``max=``, and its dimensions (``area=[...]``, ``scope=``...)."""
    numbers = {k: dims.pop(k) for k in ("value", "min", "max") if k in dims}
    refs = {"measure": [dims.pop("measure", "m")], "unit": [dims.pop("unit", "u")]}
    refs.update({k: dims.pop(k) for k in ("area", "population", "actor", "category") if k in dims})
    extra = {"numbers": numbers, "refs": refs, "asWritten": as_written, "spans": spans}
    extra.update({"scope": None, "period": None, "inferred": {}, **dims})
    return entity(ident, evidence=spans[0], type="Observation", line=line, kind="observation", extra=extra)


#: What the entities under test point at.
KNOWN = {
    "japan": entity("japan", "Japan", adjectives=("Japanese",)),
    "mexico": entity("mexico", "Mexico"),
    "ntt-docomo": entity("ntt-docomo", "NTT Docomo", type="Company"),
    "impi": entity("impi", "Mexican Institute of Industrial Property", alt=("IMPI",), type="GovernmentBody"),
    "sassen": entity("sassen", "Saskia Sassen", type="Person", facts=(fact("foaf:familyName", v="Sassen"),)),
    "giron": entity("giron", "Alicia Girón", type="Person", facts=(fact("foaf:familyName", v="Girón"),)),
    "m": entity("m", "Patents registered", type="Measure"),
    "u": entity("u", "patents", type="Unit"),
    "u2": entity("u2", "persons", type="Unit"),
    "section-introduction": entity("section-introduction", "Introduction", type="Section"),
}


def problems(*entities: Entity, index: dict[str, Any] | None = INDEX) -> list[str]:
    """The messages of :func:`check_evidence` on ``TEXT`` for *entities* among ``KNOWN`` (each ``file:line: …``)."""
    curated = Curated({**KNOWN, **{e.id: e for e in entities}})
    return [str(e) for e in check_evidence(curated, TEXT, index)]


def only(errors: list[str], line: int) -> str:
    """The one error, which must name ``facts.yaml`` and *line*."""
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{DATA}:{line}: "), errors[0]
    return errors[0]


# ---------------------------------------------------------------------------------------------
# whole words, whole numbers, and what is normalised


@pytest.mark.parametrize(
    ("window", "name", "found"),
    [
        ("the Japanese economy", "Japan", False),
        ("the Japan economy", "Japanese", False),
        ("Japan's economy", "Japan", True),
        ("(Japan)", "Japan", True),
        ("Mexico-Japan", "Japan", True),
        ("Japan", "Japan", True),
        ("NTT Docomo, Inc.", "NTT Docomo", True),
        ("NTT Docomos", "NTT Docomo", False),
        ("XNTT Docomo", "NTT Docomo", False),
        ("anything", "", False),
        ("anything", " \n ", False),
    ],
)
def test_a_name_is_found_only_as_whole_words(window: str, name: str, found: bool) -> None:
    assert says(window, name) is found


@pytest.mark.parametrize(
    ("window", "number", "found"),
    [
        ("in 280 firms", "28", False),
        ("a rate of 2.8 %", "28", False),
        ("1,280 patents", "28", False),
        ("1,280 patents", "280", False),
        ("1.280 patents", "280", False),
        ("0.28 of them", "28", False),
        ("28.5 of them", "28", False),
        ("28,500 of them", "28", False),
        ("28 500 of them", "28", False),
        ("1 280 people", "280", False),
        ("X28 people", "28", False),
        ("28X people", "28", False),
        ("1 280 people", "1 280", True),
        ("1,280 patents", "1,280", True),
        ("a rate of 2.8 %", "2.8", True),
        ("in 28 firms", "28", True),
        ("rose to 28.", "28", True),
        ("rose to 28, then", "28", True),
        ("(28)", "28", True),
        ("in 2012 28 firms", "2012", True),
        ("in 2012 28 firms", "28", True),
        ("in 1 2800 firms", "2800", True),
        ("in 2012 2800 firms", "2012", True),
        ("figure 28b", "28b", True),
        ("1.28b", "28b", False),
        ("firm 1.3M", "3M", False),
        ("firm 3M.", "3M", True),
        ("in 5 firms", "5", True),
        ("in 5.5 firms", "5", False),
        ("see Article 9.5", "Article 9", False),
        ("see Article 9 1 280", "Article 9", True),
        ("see Article 9, then", "Article 9", True),
    ],
)
def test_a_number_is_found_only_as_a_whole_number(window: str, number: str, found: bool) -> None:
    assert says(window, number) is found


@pytest.mark.parametrize(
    ("window", "name"),
    [
        ("JAPAN", "japan"),
        ("Japón", "Japon"),
        ("Japon", "Japón"),
        ("Ōizumi", "oizumi"),
        ("Ministry of\n   Justice", "Ministry of Justice"),
        ("Ministry\u00a0of Justice", "Ministry of Justice"),
        ("Mexico\u2013Japan", "Mexico-Japan"),
        ("Mexico\u2014Japan", "Mexico-Japan"),
        ("Mexico\u2010Japan", "Mexico\u2015Japan"),
        ("Mexico\u2212Japan", "Mexico-Japan"),
        ("Japan\u2019s ministry", "Japan's ministry"),
        ("Japan\u2018s ministry", "Japan's ministry"),
        ("Japan\u02bcs ministry", "Japan's ministry"),
        ("Japan`s ministry", "Japan's ministry"),
        ("Japan\u00b4s ministry", "Japan's ministry"),
        ("\u201cKabushiki Kaisha\u201d", '"Kabushiki Kaisha"'),
    ],
)
def test_case_accents_line_breaks_dashes_and_quotes_are_normalised(window: str, name: str) -> None:
    assert says(window, name)


def test_normalise_gives_one_form() -> None:
    assert normalise("  Japón\n\t Ōizumi \u2013 \u201cKabushiki\u201d  Japan\u00b4s\u2019 ") == (
        "japon oizumi - \"kabushiki\" japan's'"
    )
    assert normalise("Straße ÉCOLE") == "strasse ecole"
    assert normalise("\u2010\u2011\u2012\u2013\u2014\u2015\u2212") == "-------"
    assert normalise("\u2018\u2019\u02bc`\u00b4\u201c\u201d") == "'''''\"\""


@pytest.mark.parametrize(
    ("value", "forms"),
    [
        (28, ["28"]),
        (999, ["999"]),
        (1000, ["1000", "1,000", "1 000"]),
        (2307388, ["2307388", "2,307,388", "2 307 388"]),
        (2307388.0, ["2307388", "2,307,388", "2 307 388"]),
        (2.5, ["2.5"]),
        (0.28, ["0.28"]),
        (3.0, ["3"]),
    ],
)
def test_figure_forms(value: float, forms: list[str]) -> None:
    assert figure_forms(value) == forms


# ---------------------------------------------------------------------------------------------
# names are names; adjectives come only from the `adjective:` key

VERBS = "is are was were be been has have had approved enacted created established founded opened says said"


@pytest.mark.parametrize("verb", VERBS.split())
def test_a_name_with_a_verb_is_a_sentence_fragment(verb: str) -> None:
    assert sentence_fragment(f"the Japanese government {verb}")
    assert sentence_fragment(f"the government,{verb.upper()}, in Japan")
    assert sentence_fragment(f"the government {verb}.")


@pytest.mark.parametrize(
    "name",
    ["Technology Licensing Office", "Japanese R&D", "master's degrees", "Nippon Steel & Sumitomo Metal", "Isaac"],
)
def test_a_name_without_a_verb_is_a_name(name: str) -> None:
    assert not sentence_fragment(name)


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("alt", "six million jobs were created in Japan"),
        ("spellings", "the Japanese government approved"),
        ("adjectives", "Japanese, as was said"),
    ],
)
def test_alternative_names_spellings_and_adjectives_must_not_be_sentence_fragments(where: str, name: str) -> None:
    bad = entity("japan-gov", "Government of Japan", line=7, **{where: ("Japanese government", name)})
    good = entity("mexico-gov", "Government of Mexico", line=9, alt=("Mexican government",), adjectives=("Mexican",))
    errors = [str(e) for e in check_names(Curated({"japan-gov": bad, "mexico-gov": good}))]
    assert errors == [f"{DATA}:7: {name!r} reads as a piece of a sentence, not a name of 'japan-gov'"]


def test_a_sentence_fragment_fails_the_evidence_check() -> None:
    bad = entity("imss", "Social Security", alt=("the Japanese economy was",), evidence=span("Japanese"), line=5)
    bad.facts.append(fact("locatedIn", "japan", spans=(span("The Japanese economy"),), line=6))
    assert only(problems(bad), 5).endswith("not a name of 'imss'")


ADJECTIVE_YAML = """\
entities:
  - id: japan
    type: Country
    label: {{en: Japan}}
{adjective}    evidence: {evidence}
"""


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_ontology(Graph().parse(ontology_file()))


def read_one(tmp_path: Path, vocab: Vocabulary, text: str) -> list[Entity]:
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return read_file(path, vocab)


@pytest.mark.parametrize(
    ("adjective", "supported"),
    [("", False), ("    adjective: Japanese\n", True), ("    adjective: [Nipponese, Japanese]\n", True)],
)
def test_an_adjective_counts_only_from_the_adjective_key(
    tmp_path: Path, vocab: Vocabulary, adjective: str, supported: bool
) -> None:
    text = ADJECTIVE_YAML.format(adjective=adjective, evidence=list(span("The Japanese economy")))
    (japan,) = read_one(tmp_path, vocab, text)
    assert japan.labels == {"en": "Japan"} and japan.alt_labels == {}  # an adjective is not a name
    errors = check_evidence(Curated({"japan": japan}), TEXT)
    assert (errors == []) is supported, errors


def test_an_adjective_must_be_a_string(tmp_path: Path, vocab: Vocabulary) -> None:
    with pytest.raises(InputError, match="adjective must be a str"):
        read_one(tmp_path, vocab, ADJECTIVE_YAML.format(adjective="    adjective: [1]\n", evidence=[0, 5]))


# ---------------------------------------------------------------------------------------------
# what a span must say, by kind of statement

DOCOMO = span("NTT\n Docomo")
JAPANESE = span("The Japanese economy")
NOTHING = span("Some six")  # names none of KNOWN


def docomo(*facts: Fact, evidence: Span = DOCOMO) -> Entity:
    return entity("ntt-docomo", "NTT Docomo", evidence=evidence, type="Company", line=3, facts=facts)


def test_an_entity_span_names_the_entity_or_what_the_paper_relates_it_to() -> None:
    related = entity("flow", "A flow", evidence=span("in 2012"), line=4, facts=(fact("date", v="2012"),))
    related_obj = entity("filing", "A filing", evidence=span("the IMPI"), line=5, facts=(fact("office", "impi"),))
    assert problems(docomo(), related, related_obj) == []
    unnamed = entity("docomo-3", "Docomo Japan", evidence=JAPANESE, line=6)
    assert only(problems(unnamed), 6) == (
        f"{DATA}:6: evidence {list(JAPANESE)} does not contain a name of 'docomo-3' or of what it relates to"
    )


def test_an_entity_span_naming_only_what_a_record_relates_it_to_fails() -> None:
    recorded = fact("office", "impi", basis=RECORDED)
    filing = entity("filing", "A filing", evidence=span("the IMPI"), line=5, facts=(recorded,))
    assert "does not contain a name of 'filing'" in only(problems(filing), 5)


def test_an_entity_without_a_span_is_not_checked() -> None:
    assert problems(entity("sassen-2", "Nobody Here", type="Person", line=3)) == []


def test_an_entity_is_checked_against_each_of_its_spans() -> None:
    spans = (NOTHING, DOCOMO)
    named = entity("docomo-2", "NTT Docomo", evidence=NOTHING, line=3, extra={"spans": spans})
    assert problems(named) == []
    named.extra["spans"] = spans[:1]
    assert "does not contain a name of 'docomo-2'" in only(problems(named), 3)


def test_a_stated_fact_whose_span_names_only_the_subject_fails_naming_file_and_line() -> None:
    subject_only = span("NTT\n Docomo, Inc.")
    error = only(problems(docomo(fact("headquarteredIn", "japan", spans=(subject_only,), line=4))), 4)
    assert error == (
        f"{DATA}:4: ntt-docomo headquarteredIn 'japan' is stated, but its own span {list(subject_only)} does not "
        "name 'japan': give a span that says it, or mark it `inferred: <reason>` or `record: <URL>`"
    )
    both = span("The Japanese economy grew. NTT")
    assert problems(docomo(fact("headquarteredIn", "japan", spans=(both,), line=4))) == []
    assert problems(docomo(fact("headquarteredIn", "japan", spans=(DOCOMO, JAPANESE), line=4))) == []


def test_a_stated_fact_without_a_span_is_checked_against_its_entity_span() -> None:
    error = only(problems(docomo(fact("headquarteredIn", "japan", line=4))), 4)
    assert f"is stated, but the span of 'ntt-docomo' {list(DOCOMO)} does not name 'japan'" in error
    assert problems(docomo(fact("headquarteredIn", "japan", line=4), evidence=span("Japanese economy grew. NTT"))) == []


def test_a_fact_of_an_entity_without_any_span_is_not_checked() -> None:
    person = entity("giron-2", "Alicia Girón", type="Person", facts=(fact("foaf:familyName", v="Nowhere", line=4),))
    assert problems(person) == []


@pytest.mark.parametrize(
    ("value", "where", "ok"),
    [
        ("2012", "in 2012.", True),
        ("2012", "246 patents", False),
        (246, "filed 246 patents", True),
        (24, "filed 246 patents", False),
        (2307388, "Residents: 2,307,388", True),
        (1280, "People: 1 280", True),
        (280, "People: 1 280", False),
        (2.8, "A rate of 2.8 %", True),
        (28, "A rate of 2.8 %", False),
        (3.0, "A score of 3.0", True),
        (3, "A score of 3.0", False),
    ],
)
def test_a_stated_value_must_stand_in_its_span(value: Any, where: str, ok: bool) -> None:
    errors = problems(docomo(fact("count", v=value, spans=(span(where),), line=4)))
    assert (errors == []) is ok, errors
    if not ok:
        assert f"ntt-docomo count {value!r} is stated, but its own span" in only(errors, 4)


@pytest.mark.parametrize("spans", [(DOCOMO,), (JAPANESE,), (NOTHING, DOCOMO), (NOTHING, JAPANESE)])
def test_an_inferred_fact_whose_spans_name_its_subject_or_object_passes(spans: tuple[Span, ...]) -> None:
    assert problems(docomo(fact("headquarteredIn", "japan", spans=spans, basis=INFERRED, line=4))) == []


def test_an_inferred_fact_whose_spans_name_neither_fails() -> None:
    neither = (NOTHING, span("Sassen"))
    error = only(problems(docomo(fact("headquarteredIn", "japan", spans=neither, basis=INFERRED, line=4))), 4)
    assert error == (
        f"{DATA}:4: 'headquarteredIn' is inferred from {[list(s) for s in neither]}, which name neither "
        "'ntt-docomo' nor 'japan'"
    )
    error = only(problems(docomo(fact("count", v=246, spans=neither, basis=INFERRED, line=4))), 4)
    assert error.endswith("which name neither 'ntt-docomo' nor 246")
    assert problems(docomo(fact("count", v=246, spans=(span("filed 246"),), basis=INFERRED, line=4))) == []


def test_a_recorded_fact_needs_no_span() -> None:
    named = docomo(
        fact("headquarteredIn", "japan", spans=(NOTHING,), basis=RECORDED, line=4),
        fact("founded", v="1991", basis=RECORDED, line=5),
    )
    assert problems(named) == []


def test_a_work_is_named_by_its_first_author_and_a_person_by_the_family_name() -> None:
    work = entity("sassen-2014", evidence=span("Sassen and"), kind="work", line=3, extra={"authors": ["sassen"]})
    assert problems(work) == []
    second = entity("x-2015", evidence=span("Girón wrote"), kind="work", line=4, extra={"authors": ["sassen", "giron"]})
    assert "does not contain a name of 'x-2015'" in only(problems(second), 4)
    unknown = entity("y-2015", evidence=span("Girón wrote"), kind="work", line=5, extra={"authors": ["nobody"]})
    assert "does not contain a name of 'y-2015'" in only(problems(unknown), 5)
    cites = entity("talent", "talent", evidence=span("talent"), line=6)
    cites.facts.append(fact("citedIn", "sassen-2014", spans=(span("Sassen and"),), line=7))
    cites.facts.append(fact("by", "sassen", spans=(span("Sassen and"),), line=8))
    assert problems(work, cites) == []
    titled = entity("x-2016", "Talent", evidence=span("talent"), kind="work", line=9, extra={"authors": ["giron"]})
    assert problems(titled) == []  # a work's own label names it too


def test_a_person_is_named_by_any_name_and_by_the_family_name() -> None:
    family = fact("foaf:familyName", v="Sassen-Koob", basis=RECORDED)
    person = entity("sassen-2", "Saskia Sassen", evidence=span("Saskia Sassen"), type="Person", line=3, facts=(family,))
    assert problems(person) == []  # by the label; the family name is not in the span
    person = entity("giron-3", "A. Girón V.", evidence=span("and Girón wrote"), type="Person", line=3)
    assert "does not contain a name of 'giron-3'" in only(problems(person), 3)
    person.facts.append(fact("foaf:familyName", v="Girón"))
    assert problems(person) == []


# ---------------------------------------------------------------------------------------------
# figures: as written, or as a number


@pytest.mark.parametrize(
    ("numbers", "written", "where", "ok"),
    [
        ({"value": 2307388}, None, "Residents: 2,307,388", True),
        ({"value": 2307388}, None, "Residents:", False),
        ({"value": 1280}, None, "People: 1 280", True),
        ({"value": 1280}, None, "Patents: 1,280", True),
        ({"value": 280}, None, "Patents: 1,280", False),
        ({"value": 28}, None, "A rate of 2.8 %", False),
        ({"value": 2.8}, None, "A rate of 2.8 %", True),
        ({"min": 200, "max": 280}, None, "Firms: 280", True),
        ({"min": 280}, None, "Firms: 280", True),
        ({"value": 6000000}, "six million", "Some six million jobs", True),
        ({"value": 6000000}, "six million", "Residents: 2,307,388", False),
        ({"value": 2307388}, "two million", "Residents: 2,307,388", False),
    ],
)
def test_a_figure_is_found_as_written_or_as_a_number(
    numbers: dict[str, float], written: str | None, where: str, ok: bool
) -> None:
    figure = observation("fig", 12, span(where), as_written=written, **numbers)
    errors = problems(figure)
    assert (errors == []) is ok, errors
    if not ok:
        first = written or figure_forms(next(iter(numbers.values())))[0]
        assert only(errors, 12) == f"{DATA}:12: evidence {list(span(where))} does not contain the figure {first!r}"


def test_a_figure_is_looked_for_in_each_of_its_spans() -> None:
    assert problems(observation("fig", 12, span("Firms"), span("Residents: 2,307,388"), value=2307388)) == []


# ---------------------------------------------------------------------------------------------
# dates written with their month's name

MONTHS = "January February March April May June July August September October November December".split()


@pytest.mark.parametrize("month", range(1, 13))
def test_a_month_is_written_with_its_name(month: int) -> None:
    name = MONTHS[month - 1]
    assert date_forms(f"2000-{month:02d}", "gYearMonth") == [f"{name} 2000"]
    assert date_forms(f"2000-{month:02d}-09", "date") == [f"{name} 9, 2000", f"9 {name} 2000"]


@pytest.mark.parametrize(
    ("value", "datatype"),
    [
        ("1998-04", "string"),
        ("1998-04", None),
        ("1998-04", "gYear"),
        ("1998-00", "gYearMonth"),
        ("1998-13", "gYearMonth"),
        ("1998", "gYearMonth"),
        ("1998-04-05x", "date"),
        ("x1998-04", "gYearMonth"),
    ],
)
def test_only_dates_and_months_have_written_forms(value: str, datatype: str | None) -> None:
    assert date_forms(value, datatype) == []


@pytest.mark.parametrize(
    ("value", "datatype", "where", "ok"),
    [
        ("1998-04", "gYearMonth", "in April 1998", True),
        ("1998-04", "gYearMonth", "on July 5, 2009", False),
        ("1998-04", "string", "in April 1998", False),
        ("2009-07-05", "date", "on July 5, 2009", True),
        ("2009-07-05", "date", "5 July 2009", True),
        ("2009-07-05", "date", "in April 1998", False),
        ("2009-07", "gYearMonth", "on July 5, 2009", False),
    ],
)
def test_a_stated_date_may_be_written_with_the_month_name(value: str, datatype: str, where: str, ok: bool) -> None:
    claim = fact("date", v=value, spans=(span(where),), datatype=datatype, line=4)
    errors = problems(docomo(claim))
    assert (errors == []) is ok, errors


# ---------------------------------------------------------------------------------------------
# the journal's web page around the article supports nothing as stated


def test_an_entity_span_in_the_web_page_around_the_article_fails() -> None:
    on_page = span("Japan | NTT Docomo")
    named = docomo(evidence=on_page)
    assert only(problems(named), 3) == (
        f"{DATA}:3: evidence {list(on_page)} of 'ntt-docomo' lies in the journal's web page around the article, "
        "not in the paper: give a span of the paper, or a `source:` record"
    )
    assert problems(docomo(evidence=FURNITURE)) != []
    assert problems(named, index={"sections": INDEX["sections"]}) == []  # no furniture in the index
    both = entity("docomo-2", "NTT Docomo", evidence=on_page, line=3, extra={"spans": (on_page, DOCOMO)})
    assert problems(both) == []
    before = (FURNITURE[0] - len("(or 5 July 2009).\n"), FURNITURE[1])
    assert problems(docomo(evidence=before)) == []  # starts in the paper
    after = (FURNITURE[0], FURNITURE[1] + 1)
    assert problems(docomo(evidence=after)) == []  # ends past the page


def test_a_fact_stated_only_by_the_web_page_fails_and_an_inferred_one_may_rest_on_it() -> None:
    on_page = span("Home | Japan")
    error = only(problems(docomo(fact("headquarteredIn", "japan", spans=(on_page,), line=4))), 4)
    assert "ntt-docomo headquarteredIn 'japan' is stated, but its own span" in error
    assert problems(docomo(fact("headquarteredIn", "japan", spans=(on_page,), basis=INFERRED, line=4))) == []
    assert problems(docomo(fact("headquarteredIn", "japan", spans=(on_page, JAPANESE), line=4))) == []


# ---------------------------------------------------------------------------------------------
# spans start and end between words


@pytest.mark.parametrize(
    ("text", "where", "cuts"),
    [
        ("the Traditional way", (0, 6), True),
        ("the Traditional way", (5, 15), True),
        ("the Traditional way", (4, 15), False),
        ("the Traditional way", (4, 19), False),
        ("Japan and Mexico", (0, 5), False),
        ("Japan and Mexico", (10, 16), False),
        ("INTRODUCTION2 text", (0, 12), False),
        ("in 2012 28", (3, 6), True),
        ("item2b here", (0, 5), True),
        ("item 2b here", (5, 6), True),
        ("a-b", (0, 1), False),
        ("a-b", (2, 3), False),
        ("ab cd", (1, 5), True),  # starts at the second character
        ("ab cd", (0, 1), True),  # ends at the first
        ("in A2 x", (3, 4), False),  # a footnote marker after a one-letter word
        ("A12 b", (0, 2), True),  # a number cut, though a letter comes before it
        ("Japan", (5, 9), False),  # past the text: the bounds check's business
    ],
)
def test_a_span_that_starts_or_ends_inside_a_word_cuts_it(text: str, where: Span, cuts: bool) -> None:
    assert cuts_a_word(text, where) is cuts


def test_every_span_is_checked_for_cut_words() -> None:
    cut = (TEXT.index("apanese"), TEXT.index("apanese") + 7)
    figure = observation("fig", 12, span("Firms: 280"), cut, value=280)
    own = docomo(fact("headquarteredIn", "japan", spans=(JAPANESE, cut), basis=INFERRED, line=4), evidence=cut)
    borrowed = entity("mexico-2", "Mexico", evidence=span("Mexicologists"), line=6, facts=(fact("in", "japan"),))
    errors = [
        str(e) for e in check_word_boundaries(Curated({"fig": figure, "ntt-docomo": own, "mexico-2": borrowed}), TEXT)
    ]
    message = f"evidence {list(cut)} cuts a word: start and end it between words"
    assert errors == [f"{DATA}:12: {message}", f"{DATA}:3: {message}", f"{DATA}:4: {message}"]
    assert f"{DATA}:3: {message}" in problems(own)


# ---------------------------------------------------------------------------------------------
# parts of the paper and of its sections: where the span lies decides


def table(obj: str, *spans: Span, basis: str = STATED) -> Entity:
    facts = (fact("partOf", obj, spans=spans, basis=basis, line=4),)
    return entity("table-9", "Table 9", type="Float", line=3, facts=facts)  # no span of its own: not checked


INTRO = SECTIONS["introduction"]


@pytest.mark.parametrize(
    ("spans", "ok"),
    [
        ((INTRO,), True),
        ((span("The Japanese"), span("NTT")), True),
        (((INTRO[0], INTRO[1] + len("METHODS")),), False),
        ((span("METHODS"),), False),
        ((span("The Japanese"), span("Firms")), False),
        ((span("Firms"), span("The Japanese")), False),
    ],
)
def test_part_of_a_section_only_when_the_span_lies_in_the_section(spans: tuple[Span, ...], ok: bool) -> None:
    errors = problems(table("section-introduction", *spans))
    assert (errors == []) is ok, errors
    if not ok:
        assert only(errors, 4) == (
            f"{DATA}:4: table-9 partOf section-introduction: evidence {[list(s) for s in spans]} does not lie "
            f"within section-introduction {list(INTRO)}"
        )


def test_part_of_a_section_is_not_shown_by_naming_the_section() -> None:
    section = entity("section-introduction", "Introduction", alt=("methods",), type="Section")
    outside = span("METHODS")  # names the section (an alternative name here), lies outside it
    for basis in (STATED, INFERRED):
        errors = problems(section, table("section-introduction", outside, basis=basis))
        assert "does not lie within section-introduction" in only(errors, 4)
    assert problems(section, table("section-introduction", outside), index=None) == []  # no index: names decide


def test_part_of_the_paper_when_the_span_lies_in_the_paper() -> None:
    last = TEXT.index("Contact")
    assert problems(table("mendez-2017", (last, len(TEXT)))) == []
    error = only(problems(table("mendez-2017", (last, len(TEXT) + 1))), 4)
    assert error.endswith(f"does not lie within mendez-2017 [0, {len(TEXT)}]")


def test_part_of_something_else_is_checked_by_names() -> None:
    tokyo = entity("tokyo", "Tokyo", evidence=JAPANESE, line=3, facts=(fact("partOf", "japan", line=4),))
    assert problems(tokyo) == []
    tokyo.facts[0] = fact("partOf", "japan", spans=(NOTHING,), line=4)
    assert "is stated, but its own span" in only(problems(tokyo), 4)


def test_only_part_of_is_shown_by_position() -> None:
    about = entity("table-9", "Table 9", type="Float", line=3)
    about.facts.append(fact("about", "section-introduction", spans=(span("The Japanese"),), line=4))
    assert "is stated, but its own span" in only(problems(about), 4)
    about.facts[0] = fact("about", "mendez-2017", spans=(span("The Japanese"),), line=4)
    assert "is stated, but its own span" in only(problems(about, entity("mendez-2017", "This paper")), 4)


def test_a_recorded_part_needs_no_span() -> None:
    assert problems(table("section-introduction", span("Firms"), basis=RECORDED)) == []


# ---------------------------------------------------------------------------------------------
# bounds: the paper's length in characters


def test_spans_end_within_the_paper_in_characters() -> None:
    inside = docomo(fact("count", v=1, spans=((0, 5), (10, PAPER_CHARACTERS)), basis=INFERRED, line=4))
    figure = observation("fig", 12, (0, 5), (1, PAPER_CHARACTERS), value=1)
    check_bounds(Curated({"ntt-docomo": inside, "fig": figure, **KNOWN}), PAPER_CHARACTERS)


@pytest.mark.parametrize(
    ("bad", "line"),
    [
        (docomo(evidence=(0, PAPER_CHARACTERS + 1)), 3),
        (docomo(fact("count", v=1, spans=((0, 5), (10, PAPER_CHARACTERS + 1)), basis=INFERRED, line=4)), 4),
        (docomo(fact("count", v=1, spans=((10, PAPER_BYTES),), line=5)), 5),
        (observation("fig", 12, (0, 5), (1, PAPER_CHARACTERS + 1), value=1), 12),
    ],
)
def test_a_span_past_the_paper_in_characters_is_refused(bad: Entity, line: int) -> None:
    with pytest.raises(InputError) as caught:
        check_bounds(Curated({**KNOWN, bad.id: bad}), PAPER_CHARACTERS)
    assert caught.value.path == str(DATA) and caught.value.line == line
    assert caught.value.message.endswith(f"] ends past the paper's end ({PAPER_CHARACTERS} characters)")
    assert caught.value.message.startswith("evidence [")


BOUNDS_YAML = """\
entities:
  - id: japan
    type: Country
    label: {{en: Japan}}
    evidence: [43000, {end}]
"""


@pytest.mark.parametrize(("end", "refused"), [(43_319, False), (43_320, True), (43_332, True)])
def test_read_curated_refuses_spans_past_the_paper(tmp_path: Path, vocab: Vocabulary, end: int, refused: bool) -> None:
    (tmp_path / "facts.yaml").write_text(BOUNDS_YAML.format(end=end), encoding="utf-8")
    read_curated(tmp_path, vocab)  # no length given: bounds are not checked
    if refused:
        with pytest.raises(InputError, match=rf"facts.yaml:2: evidence \[43000, {end}\] ends past the paper's end"):
            read_curated(tmp_path, vocab, paper_length=PAPER_CHARACTERS)
    else:
        assert list(read_curated(tmp_path, vocab, paper_length=PAPER_CHARACTERS).entities) == ["japan"]


def test_the_paper_length_is_counted_in_characters(paper_path: Path) -> None:
    from loaders.index import load_index
    from loaders.paper import read_paper

    text = read_paper(paper_path).text
    assert (len(text), len(text.encode("utf-8"))) == (PAPER_CHARACTERS, PAPER_BYTES)
    assert load_index(MINI / "paper_index.json")["length"] == PAPER_CHARACTERS


# ---------------------------------------------------------------------------------------------
# generated labels: figures told apart by their dimensions; works by authors and year

LABELLED = {
    **KNOWN,
    "students": entity("students", "students", type="PopulationGroup"),
    "jasso": entity("jasso", "JASSO", type="GovernmentBody"),
    "m2": entity("m2", "Patents granted", type="Measure"),
}


def figures(*observations: Entity) -> list[str]:
    return [str(e) for e in duplicate_figure_labels(Curated({**LABELLED, **{o.id: o for o in observations}}))]


def test_observation_label_names_every_dimension_in_order() -> None:
    full = observation(
        "fig",
        12,
        (0, 1),
        value=1,
        area=["japan", "mexico"],
        population=["students"],
        actor=["jasso"],
        category=["impi"],
    )
    full.extra.update(scope="abroad", period="2016")
    assert observation_label(full, LABELLED) == (
        "Patents registered, Japan, Mexico, students, JASSO, Mexican Institute of Industrial Property, abroad, "
        "in patents (2016)"
    )
    full.extra["inferred"] = {"period": "the survey year of the paper"}
    assert observation_label(full, LABELLED).endswith("abroad, in patents (2016, period inferred)")
    bare = observation("fig", 12, (0, 1), value=1, unit="u2")
    assert observation_label(bare, LABELLED) == "Patents registered, in persons"
    del bare.extra["inferred"]  # optional: only an observation with an inferred part has it
    bare.extra["period"] = "2016"
    assert observation_label(bare, LABELLED) == "Patents registered, in persons (2016)"


def test_two_figures_with_the_same_label_are_refused_naming_both() -> None:
    first = observation("patents-2012", 12, (0, 1), value=246, area=["mexico"], period="2012")
    second = observation("patents-2012-again", 20, (0, 1), value=247, area=["mexico"], period="2012")
    third = observation("patents-2012-third", 28, (0, 1), value=248, area=["mexico"], period="2012")
    assert figures(first, second, third) == [
        f"{DATA}:{line}: figure {ident!r} has the same label as 'patents-2012' (facts.yaml:12): "
        "'Patents registered, Mexico, in patents (2012)'; give the dimension that tells them apart "
        "(scope, category, unit…)"
        for ident, line in (("patents-2012-again", 20), ("patents-2012-third", 28))
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"area": ["japan"]},
        {"population": ["students"]},
        {"actor": ["jasso"]},
        {"category": ["japan"]},
        {"scope": "abroad"},
        {"unit": "u2"},
        {"measure": "m2"},
        {"period": "2013"},
        {"inferred": {"period": "the survey year of the paper"}},
    ],
)
def test_figures_that_differ_in_a_dimension_are_told_apart(change: dict[str, Any]) -> None:
    first = observation("patents-2012", 12, (0, 1), value=246, area=["mexico"], period="2012")
    dims = {"area": ["mexico"], "period": "2012", **change}
    other = observation("patents-other", 20, (0, 1), value=246, **dims)
    assert figures(first, other) == []


def test_work_labels_and_family_names() -> None:
    def work(*authors: str) -> Entity:
        return entity("w", kind="work", extra={"authors": list(authors), "year": 2014})

    people = {
        "sassen": entity(
            "sassen", "Saskia Sassen", facts=(fact("foaf:givenName", v="S."), fact("foaf:familyName", v="Sassen"))
        ),
        "giron": entity("giron", "Alicia Girón González"),
        "cohen": entity("cohen", "W. Cohen"),
        "nieto": entity("nieto", "Alejandro Nieto González", facts=(fact("foaf:familyName", v="Nieto González"),)),
    }
    assert [work_label(work(*a), people) for a in (["sassen"], ["sassen", "giron"], ["giron", "sassen", "cohen"])] == [
        "Sassen 2014",
        "Sassen & González 2014",
        "González et al. 2014",
    ]
    assert family_name(people["sassen"]) == "Sassen" and family_name(people["giron"]) == "González"
    assert work_label(work("nieto", "cohen"), people) == "Nieto González & Cohen 2014"


# ---------------------------------------------------------------------------------------------
# the loader: an inferred fact needs a reason and spans; a recorded one an http(s) URL

FACT_YAML = """\
entities:
  - id: japan
    type: Country
    label: {{en: Japan}}
    evidence: [0, 5]
  - id: ntt-docomo
    type: Company
    label: {{en: NTT Docomo}}
    evidence: [0, 5]
    facts:
      - {{p: headquarteredIn, o: japan, {how}}}
"""


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("inferred: yes, evidence: [0, 5]", "inferred: give the reason in a few words of our own"),
        ("inferred: two words, evidence: [0, 5]", "inferred: give the reason in a few words of our own"),
        ("inferred: 42, evidence: [0, 5]", "inferred: give the reason in a few words of our own"),
        ("inferred: '', evidence: [0, 5]", "inferred: give the reason in a few words of our own"),
        ("inferred: from the head office", "an inferred fact needs the span(s) it was inferred from as evidence"),
        ("inferred: from the head office, record: 'https://example.org/r', evidence: [0, 5]", "not both"),
        ("record: 'ftp://example.org/r'", "record must be an http(s) URL, got 'ftp://example.org/r'"),
        ("record: www.example.org", "record must be an http(s) URL"),
        ("record: 'https://exa mple.org'", "record must be an http(s) URL"),
        ("record: 'see https://example.org'", "record must be an http(s) URL"),
        ("record: 42", "record must be an http(s) URL"),
    ],
)
def test_the_loader_refuses_an_inferred_fact_without_reason_or_spans_and_a_record_without_url(
    tmp_path: Path, vocab: Vocabulary, how: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_one(tmp_path, vocab, FACT_YAML.format(how=how))
    assert caught.value.line == 11 and message in caught.value.message


@pytest.mark.parametrize(
    ("how", "basis", "reason", "record"),
    [
        ("inferred: from the head office, evidence: [0, 5]", INFERRED, "from the head office", None),
        ("record: 'https://example.org/r?id=1'", RECORDED, None, "https://example.org/r?id=1"),
        ("record: 'http://example.org/r'", RECORDED, None, "http://example.org/r"),
        ("evidence: [[0, 5], [6, 9]]", STATED, None, None),
    ],
)
def test_the_loader_reads_how_a_fact_is_known(
    tmp_path: Path, vocab: Vocabulary, how: str, basis: str, reason: str | None, record: str | None
) -> None:
    _, company = read_one(tmp_path, vocab, FACT_YAML.format(how=how))
    (known,) = company.facts
    assert (known.basis, known.reason, known.record) == (basis, reason, record)


# ---------------------------------------------------------------------------------------------
# regressions: one test per bug found in the checker while writing these


def test_regression_an_acute_accent_written_as_an_apostrophe_is_a_quote() -> None:
    """NFKD made ``´`` a space and an accent, so ``Japan´s`` read ``japan s``."""
    assert says("Japan\u00b4s Ministry of Justice", "Japan's Ministry of Justice")


def test_regression_a_small_decimal_figure_is_written_out() -> None:
    """``repr`` writes 1e-10 and 2.5e-05 in exponent form, and stripping its zeros made 1e-10 ``1e-1``."""
    assert figure_forms(1e-10) == ["0.0000000001"] and figure_forms(0.000025) == ["0.000025"]
    assert says("a share of 0.000025 of them", figure_forms(0.000025)[0])


def test_regression_a_verb_before_punctuation_makes_a_sentence_fragment() -> None:
    """Words were split on spaces only, so ``approved.`` was not the verb ``approved``."""
    assert sentence_fragment("the Japanese government approved.")
    assert sentence_fragment("jobs were: six million")


def test_regression_adjectives_are_checked_for_sentence_fragments() -> None:
    """An adjective counts as a name for the evidence check, so it must be one."""
    japan = entity("japan", "Japan", adjectives=("Japanese", "the Japanese economy was"), line=4)
    assert [str(e) for e in check_names(Curated({"japan": japan}))] == [
        f"{DATA}:4: 'the Japanese economy was' reads as a piece of a sentence, not a name of 'japan'"
    ]


def test_regression_a_number_is_not_found_inside_a_number_grouped_by_spaces() -> None:
    """``1 234`` is a form the checker accepts for 1234, so 234 is not in it, nor 12 in ``12 500``."""
    assert not says("People: 1 280", "280") and not says("12 500 firms", "12")
    assert says("People: 1 280", "1 280") and says("in 2012 28 firms", "28")


def test_regression_an_entity_is_not_supported_by_what_a_record_relates_it_to() -> None:
    """A record's relation is not in the paper: its object's name does not place the entity there."""
    flow = entity("flow", "A flow", evidence=JAPANESE, line=3, facts=(fact("destination", "japan", basis=RECORDED),))
    assert "does not contain a name of 'flow'" in only(problems(flow), 3)
    flow.facts[0] = fact("destination", "japan")
    assert problems(flow) == []


def test_regression_part_of_a_section_is_not_shown_by_a_span_elsewhere_naming_it() -> None:
    """A section's title (``Conclusions``) anywhere in the paper made anything part of it."""
    section = entity("section-introduction", "Introduction", alt=("methods",), type="Section")
    assert "does not lie within" in only(problems(section, table("section-introduction", span("METHODS"))), 4)


# ---------------------------------------------------------------------------------------------
# through `kg build --data`: the build fails naming the file and the line

runner = CliRunner()


def planted(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    facts = data / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert old in text, f"tests/data/mini changed: {old!r} is not in facts.yaml"
    facts.write_text(text.replace(old, new, 1), encoding="utf-8")
    return facts


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


LAST_FIGURE = (MINI / "facts.yaml").read_text(encoding="utf-8").split("observations:\n")[1]  # the one figure
BUILD_CASES = {
    "stated-names-only-the-subject": (
        "{p: headquarteredIn, o: japan, evidence: [24752, 24841]}",
        "{p: headquarteredIn, o: japan, evidence: [24824, 24841]}",
        "{p: headquarteredIn, o: japan, evidence: [24824, 24841]}",
        "ntt-docomo headquarteredIn 'japan' is stated, but its own span [24824, 24841] does not name 'japan'",
    ),
    "inferred-names-neither": (
        "{p: origin, o: mexico, evidence: [37557, 37613]}",
        "{p: origin, o: mexico, inferred: the curators read it so, evidence: [100, 140]}",
        "{p: origin, o: mexico, inferred:",
        "'origin' is inferred from [[100, 140]], which name neither 'channel-education' nor 'mexico'",
    ),
    "span-past-the-paper": (
        "{p: registeredIn, o: mexico, evidence: [24537, 24554]}",
        "{p: registeredIn, o: mexico, evidence: [24537, 43320]}",
        "{p: registeredIn, o: mexico, evidence: [24537, 43320]}",
        "evidence [24537, 43320] ends past the paper's end (43319 characters)",
    ),
    "sentence-fragment": (
        "altLabel: {en: [Immigration Control Act, immigration law]}",
        "altLabel: {en: [Immigration Control Act, the law was enacted in 1951]}",
        "- id: immigration-control-act",
        "'the law was enacted in 1951' reads as a piece of a sentence, not a name of 'immigration-control-act'",
    ),
    "same-figure-label": (
        LAST_FIGURE,
        LAST_FIGURE + LAST_FIGURE.replace("2012-japan\n", "2012-japan-again\n"),
        "- id: patents-mexico-2012-japan-again",
        "figure 'patents-mexico-2012-japan-again' has the same label as 'patents-mexico-2012-japan' (facts.yaml:",
    ),
}


@pytest.mark.parametrize("case", sorted(BUILD_CASES))
def test_the_build_fails_naming_file_and_line(tmp_path: Path, paper_path: Path, case: str) -> None:
    old, new, at, message = BUILD_CASES[case]
    facts = planted(tmp_path, old, new)
    args = ["build", "--data", str(facts.parent), "--out", str(tmp_path / "out"), "--paper", str(paper_path)]
    result = runner.invoke(app, [*args, "--no-viz", "--reasoner", "owlrl"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {facts}:{line_of(facts, at)}: "), result.stderr  # the headline
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()
