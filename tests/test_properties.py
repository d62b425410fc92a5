"""Property-based tests: random and mutated inputs to the text loader, the citation parser, the
data schema and the paper index. Whatever the input, the loaders either give a result that keeps
its promises (spans inside the text, years in range) or raise the project's InputError, never
another exception.

The number of inputs tried is counted in ``TRIED`` and printed by the last test (run with -s).
"""

from __future__ import annotations

import copy
import json
import string
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.errors import InputError, PaperError
from kg.paths import default_paper, ontology_file
from loaders.citations import find_citations
from loaders.curated import Vocabulary, check_evidence, read_curated, read_file
from loaders.index import check_references, load_index
from loaders.paper import SECTION_HEADINGS, read_paper, split

MINI = Path(__file__).parent / "data" / "mini"
TRIED: Counter[str] = Counter()


def cfg(examples: int) -> settings:
    """The settings of one property: *examples* inputs, no deadline, no example database."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


VOCAB = Vocabulary.from_ontology(Graph().parse(ontology_file()))
MINI_DOC: dict[str, Any] = yaml.safe_load((MINI / "facts.yaml").read_text(encoding="utf-8"))
MINI_TEXT = (MINI / "facts.yaml").read_text(encoding="utf-8")
MINI_INDEX: dict[str, Any] = json.loads((MINI / "paper_index.json").read_text(encoding="utf-8"))
_REAL = default_paper()
PAPER_TEXT = _REAL.read_text(encoding="utf-8") if _REAL is not None and _REAL.is_file() else None

WORKDIR = Path(tempfile.mkdtemp(prefix="kg-props-"))


def _write(name: str, data: str | bytes) -> Path:
    path = WORKDIR / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------
# the text loader

HEADINGS = [h for _, h in SECTION_HEADINGS]
text_pieces = st.one_of(
    st.text(max_size=200),
    st.sampled_from(HEADINGS),
    st.sampled_from(["\n", "\n\n", "  \n \t\n", "Home History Purchase", "http://x.org\n\n", "(Sassen, 2014)"]),
)


@cfg(300)
@given(st.lists(text_pieces, max_size=30).map("".join))
def test_split_random_text(text: str) -> None:
    TRIED["paper.split random"] += 1
    try:
        paper = split(Path("random.txt"), text, "0" * 64)
    except PaperError as exc:
        assert "random.txt" in str(exc)
        return
    _check_paper_structure(paper.text, paper)


def _check_paper_structure(text: str, paper: Any) -> None:
    assert [s.id for s in paper.sections] == [sid for sid, _ in SECTION_HEADINGS]
    for section in paper.sections:
        assert 0 <= section.span.start < section.span.end <= len(text)
        assert section.heading.start == section.span.start
    for para in paper.paragraphs:
        assert 0 <= para.span.start < para.span.end <= len(text)
        assert text[para.span.start : para.span.end].strip() == text[para.span.start : para.span.end]
        section = next(s for s in paper.sections if s.id == para.section)
        assert section.span.start <= para.span.start < section.span.end


@cfg(200)
@given(st.data())
def test_split_mutated_paper(data: st.DataObject) -> None:
    if PAPER_TEXT is None:
        pytest.skip("the paper is not available")
    text = PAPER_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 2000)))
        text = text[:start] + data.draw(st.text(max_size=50)) + text[end:]
    TRIED["paper.split mutated paper"] += 1
    try:
        paper = split(Path("mutated.txt"), text, "0" * 64)
    except PaperError as exc:
        assert "mutated.txt" in str(exc)
        return
    _check_paper_structure(text, paper)


@cfg(100)
@given(st.binary(max_size=3000))
def test_read_paper_random_bytes(raw: bytes) -> None:
    TRIED["read_paper random bytes"] += 1
    path = _write("paper.bin", raw)
    for check in (True, False):
        try:
            read_paper(path, check_sha256=check)
        except PaperError as exc:
            assert str(path) in str(exc)


# ---------------------------------------------------------------------------------------------
# the citation parser

NAME = st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True)
YEAR = st.integers(1500, 2099)
citation_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=string.ascii_letters + string.digits + " ,;.&()-–\n'", max_size=300),
    st.tuples(NAME, YEAR).map(lambda t: f"({t[0]}, {t[1]})"),
    st.tuples(NAME, NAME, YEAR).map(lambda t: f"{t[0]} and {t[1]} ({t[2]})"),
    st.tuples(NAME, YEAR, st.integers(1, 999)).map(lambda t: f"({t[0]} et al., {t[1]}, pp. {t[2]}-{t[2] + 3})"),
)


@cfg(300)
@given(st.lists(citation_text, max_size=8).map(" ".join))
def test_find_citations_never_raises_and_spans_hold(text: str) -> None:
    TRIED["find_citations random"] += 1
    found = find_citations(text)
    for c in found:
        assert 0 <= c.start < c.end <= len(text)
        assert 1500 <= c.year <= 2099
        assert str(c.year) in text[c.start : c.end]
        assert c.authors and all(a.strip() for a in c.authors)
        assert c.form in ("parenthetical", "narrative")
    assert [(c.start, c.end) for c in found] == sorted((c.start, c.end) for c in found)


@cfg(300)
@given(
    st.text(alphabet=string.ascii_lowercase + " .,", max_size=80),
    st.lists(NAME, min_size=1, max_size=3),
    YEAR,
    st.text(alphabet=string.ascii_lowercase + " .,", max_size=80),
)
def test_planted_citation_is_found(before: str, authors: list[str], year: int, after: str) -> None:
    TRIED["find_citations planted"] += 1
    names = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " & " + authors[-1]
    planted = f"({names}, {year})"
    text = f"{before} {planted} {after}"
    found = [c for c in find_citations(text) if c.form == "parenthetical"]
    assert any(
        c.year == year and list(c.authors) == authors and text[c.start : c.end] == planted[1:-1] for c in found
    ), found


# ---------------------------------------------------------------------------------------------
# the data schema: random and mutated documents built from the mini fixture

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["Country", "Law", "mexico", "japan", "2012", "headquarteredIn", "gYear", "en", "[1, 2]"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated_docs(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(MINI_DOC)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            doc = draw(yaml_values) if draw(st.integers(0, 9)) == 0 else doc
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add", "swap-type"]))
        last = path[-1]
        if action == "replace":
            parent[last] = draw(yaml_values)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["evidence", "facts", "type", "label", "x", "o", "v", "datatype", "lang"]))] = (
                draw(yaml_values)
            )
        elif action == "swap-type":
            value = parent[last]
            parent[last] = [value] if not isinstance(value, list) else {"k": value}
    return doc


def _read(text: str | bytes) -> None:
    path = _write("facts.yaml", text)
    try:
        entities = read_file(path, VOCAB)
    except InputError as exc:
        assert exc.path == str(path)
        assert exc.line is None or exc.line >= 1
        return
    # what passes the schema also passes the cross-file checks or fails them cleanly
    try:
        curated = read_curated(WORKDIR, VOCAB, paper_length=43319)
    except InputError:
        return
    assert {e.id for e in entities} == set(curated.entities)
    if PAPER_TEXT is not None:
        for error in check_evidence(curated, PAPER_TEXT):  # each problem names a file read and a line in it
            assert isinstance(error, InputError), error
            assert Path(error.path).parent == WORKDIR, error
            assert error.line is None or 1 <= error.line <= len(path.read_bytes().splitlines()) + 1, error


@cfg(250)
@given(mutated_docs())
def test_read_file_mutated_documents(doc: Any) -> None:
    TRIED["curated.read_file mutated documents"] += 1
    _read(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@cfg(200)
@given(st.data())
def test_read_file_mutated_text(data: st.DataObject) -> None:
    text = MINI_TEXT
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(at, min(len(text), at + 40)))
        text = text[:at] + data.draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=12)) + text[end:]
    TRIED["curated.read_file mutated text"] += 1
    _read(text)


@cfg(200)
@given(st.one_of(st.binary(max_size=500), st.text(max_size=300), yaml_values.map(lambda v: yaml.safe_dump(v))))
def test_read_file_random_input(raw: str | bytes) -> None:
    TRIED["curated.read_file random"] += 1
    _read(raw)


# ---------------------------------------------------------------------------------------------
# the paper index


@st.composite
def mutated_indexes(draw: st.DrawFn) -> Any:
    index = copy.deepcopy(MINI_INDEX)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(
            st.sampled_from(["sections", "paragraphs", "citations", "mentions", "length", "format", "furniture"])
        )
        if (
            key in ("length", "format", "furniture")
            or not isinstance(index.get(key), list)
            or not index[key]
            or draw(st.booleans())
        ):
            index[key] = draw(yaml_values)
            continue
        records = index[key]
        i = draw(st.integers(0, len(records) - 1))
        if not isinstance(records[i], dict) or not records[i]:
            records[i] = draw(yaml_values)
            continue
        field_ = draw(st.sampled_from(sorted(records[i])))
        records[i][field_] = draw(
            st.one_of(yaml_values, st.integers(-5, 50000), st.lists(st.integers(-5, 50000), max_size=3))
        )
    return index


@cfg(200)
@given(mutated_indexes())
def test_load_index_mutated(index: Any) -> None:
    TRIED["index.load_index mutated"] += 1
    path = _write("index.json", json.dumps(index))
    try:
        data = load_index(path)
        check_references(path, data, KNOWN_IDS)
    except InputError as exc:
        assert exc.path == str(path)
        return
    _assert_index_keeps_its_promises(data)


KNOWN_IDS = {
    "japan",
    "mexico",
    "impi",
    "international-students",
    "ntt-docomo",
    "immigration-control-act",
    "status-student",
    "channel-education",
    "japan-ministry-of-justice",
    "saskia-sassen",
}


def _assert_index_keeps_its_promises(data: dict[str, Any]) -> None:
    """What an accepted index promises its readers: spans inside the paper, known references."""
    length = data["length"]
    assert type(length) is int and length > 0
    spans = [s["span"] for s in data["sections"]] + [p["span"] for p in data["paragraphs"]]
    spans += [[r["start"], r["end"]] for r in data["citations"] + data["mentions"]]
    for start, end in spans:
        assert type(start) is int and type(end) is int and 0 <= start < end <= length, (start, end, length)
    assert {m["entity"] for m in data["mentions"]} <= KNOWN_IDS
    assert {p["section"] for p in data["paragraphs"]} <= {s["id"] for s in data["sections"]}
    assert all(c["authors"] and all(isinstance(a, str) for a in c["authors"]) for c in data["citations"])


def test_the_unchanged_mini_index_keeps_its_promises() -> None:
    """The check above on the fixture itself: it has records of every kind to check."""
    data = load_index(MINI / "paper_index.json")
    assert all(data[key] for key in ("sections", "paragraphs", "citations", "mentions"))
    _assert_index_keeps_its_promises(data)


#: How many inputs each property asks Hypothesis for (its ``cfg``): a strategy that cannot make
#: that many different inputs (one narrowed to a constant by mistake) stops early.
ASKED = {
    "paper.split random": 300,
    "paper.split mutated paper": 200,
    "read_paper random bytes": 100,
    "find_citations random": 300,
    "find_citations planted": 300,
    "curated.read_file mutated documents": 250,
    "curated.read_file mutated text": 200,
    "curated.read_file random": 200,
    "index.load_index mutated": 200,
}


def test_counts_of_inputs_tried() -> None:
    """Every property that ran in this session tried the number of inputs it asks for (printed
    with -s); run alone, this test has nothing to check and says so."""
    if not TRIED:
        pytest.skip("no property ran before this test (run the whole module)")
    print("\ninputs tried by the property-based tests:")
    for name, count in sorted(TRIED.items()):
        print(f"  {name}: {count}")
    print(f"  total: {sum(TRIED.values())}")
    assert set(TRIED) <= set(ASKED), f"a property without an entry in ASKED: {set(TRIED) - set(ASKED)}"
    short = {name: count for name, count in TRIED.items() if count < 0.9 * ASKED[name]}
    assert not short, f"properties that tried fewer inputs than they ask for: {short}"
