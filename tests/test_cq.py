"""Each competency question's answer on the full graph equals its expected answer in tests/cq/, and each
expected answer carries its review against the paper.

``tests/cq/<name>.csv`` is the answer; ``tests/cq/<name>.review.md`` says, in a Markdown table, which
rows of it rest on which characters of the paper::

    | rows | row | offsets | kind | justification |
    |---|---|---|---|---|
    | 1 | NTT Docomo, stated, ... | [24752, 24841) | stated | the paper lists it among ... |
    | 2-4, 7 | the three shares ... | [18738, 18899) [18900, 19010) | stated | ... |

``rows`` numbers the CSV's data rows from 1 (a group of rows is a range or a list); ``offsets`` are
character offsets ``[start, end)`` into the paper; ``kind`` says how the rows' facts are known (stated,
inferred, record); ``justification`` says, in the reviewer's words, why the offsets support the rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.sparql.questions import Question, questions
from kg.sparql.results import serialize
from kg.sparql.store import GraphStore

EXPECTED = Path(__file__).parent / "cq"
QUESTIONS = questions()
KINDS = ("stated", "inferred", "record")
PAPER_LENGTH_SPARQL = """
PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
PREFIX res: <https://w3id.org/mxjp-talent/resource/>
SELECT ?length WHERE { res:mendez-2017 mx:textLength ?length }
"""
_ROWS_CELL = re.compile(r"^\d+(?:-\d+)?(?:,\s*\d+(?:-\d+)?)*$")
_OFFSETS = re.compile(r"\[(\d+),\s*(\d+)\)")


def _rows(text: str) -> tuple[list[str], list[tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [tuple(row) for row in reader]


@pytest.fixture(scope="module")
def store(full_graph: Path) -> GraphStore:
    return GraphStore.open(full_graph)


def test_there_are_at_least_25_questions_each_with_a_header() -> None:
    assert len(QUESTIONS) >= 25
    for q in QUESTIONS:
        assert q.question.endswith("?"), f"{q.path}: the '# Question:' header should ask a question"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_answer_matches_expected(question: Question, store: GraphStore) -> None:
    expected_file = EXPECTED / f"{question.name}.csv"
    assert expected_file.is_file(), f"no expected answer {expected_file}"
    header, expected = _rows(expected_file.read_text(encoding="utf-8"))
    assert expected, f"{expected_file} is empty: an empty expected answer is an error, not a pass"
    got_header, got = _rows(serialize(store.query(question.sparql), "csv").decode("utf-8"))
    assert got_header == header
    if "ORDER BY" in question.sparql.upper():
        assert got == expected
    else:
        assert sorted(got) == sorted(expected)


def test_no_expected_file_without_its_question() -> None:
    names = {q.name for q in QUESTIONS}
    for path in sorted(EXPECTED.iterdir()):
        stem = path.name.split(".", 1)[0]
        assert stem in names, f"{path}: no competency question called {stem}"
        assert path.name in (f"{stem}.csv", f"{stem}.review.md"), f"{path}: unexpected file"


# ---------------------------------------------------------------- the reviews


@dataclass(frozen=True)
class Entry:
    """One line of a review table: the rows it covers, the offsets that justify them, their kind."""

    line: int
    rows: tuple[int, ...]
    text: str
    offsets: tuple[tuple[int, int], ...]
    kind: str
    justification: str


def _row_numbers(cell: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for part in cell.split(","):
        first, _, last = part.strip().partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return tuple(numbers)


def _entries(path: Path) -> list[Entry]:
    """The lines of the review table whose first cell numbers rows; other lines are prose."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells or not _ROWS_CELL.match(cells[0]):
            continue
        assert len(cells) == 5, (
            f"{path}:{number}: a review line has five cells (rows, row, offsets, kind, justification)"
        )
        rows, text, offsets, kind, justification = cells
        spans = tuple((int(s), int(e)) for s, e in _OFFSETS.findall(offsets))
        entries.append(Entry(number, _row_numbers(rows), text, spans, kind, justification))
    return entries


def _review(name: str) -> tuple[Path, list[str], list[tuple[str, ...]], list[Entry]]:
    review = EXPECTED / f"{name}.review.md"
    assert review.is_file(), (
        f"{review}: missing; every expected answer states the paper's offsets that justify its rows"
    )
    header, rows = _rows((EXPECTED / f"{name}.csv").read_text(encoding="utf-8"))
    return review, header, rows, _entries(review)


@pytest.fixture(scope="module")
def paper_length(store: GraphStore) -> int:
    lengths = [int(str(row["length"].value)) for row in store.query(PAPER_LENGTH_SPARQL)]
    assert len(lengths) == 1, f"the graph should give the paper's length once, got {lengths}"
    return lengths[0]


@pytest.mark.parametrize("name", [q.name for q in QUESTIONS])
def test_review_covers_every_row_once(name: str) -> None:
    review, _, rows, entries = _review(name)
    assert entries, f"{review}: no review line; each row (or group of rows) needs one"
    covered = [row for entry in entries for row in entry.rows]
    twice = sorted({row for row in covered if covered.count(row) > 1})
    assert not twice, f"{review}: rows reviewed twice: {twice}"
    expected = set(range(1, len(rows) + 1))
    assert set(covered) == expected, (
        f"{review}: the CSV has {len(rows)} rows; not reviewed: {sorted(expected - set(covered))}, "
        f"no such row: {sorted(set(covered) - expected)}"
    )


@pytest.mark.parametrize("name", [q.name for q in QUESTIONS])
def test_review_names_each_row_it_covers(name: str) -> None:
    """A review line shows the first value of every row it covers, so that it cannot drift from the CSV."""
    review, _, rows, entries = _review(name)
    for entry in entries:
        for number in entry.rows:
            if number > len(rows):
                continue
            key = next((value for value in rows[number - 1] if value), "")
            assert key in entry.text, f"{review}:{entry.line}: row {number} of the CSV starts with {key!r}, not shown"


@pytest.mark.parametrize("name", [q.name for q in QUESTIONS])
def test_review_offsets_lie_in_the_paper(name: str, paper_length: int) -> None:
    review, _, _, entries = _review(name)
    for entry in entries:
        assert entry.offsets, f"{review}:{entry.line}: no offsets [start, end) for rows {entry.rows}"
        for start, end in entry.offsets:
            assert 0 <= start < end <= paper_length, (
                f"{review}:{entry.line}: [{start}, {end}) does not lie in the paper ({paper_length} characters)"
            )


@pytest.mark.parametrize("name", [q.name for q in QUESTIONS])
def test_review_gives_a_kind_and_a_justification(name: str) -> None:
    review, _, _, entries = _review(name)
    for entry in entries:
        assert any(re.search(rf"\b{kind}\b", entry.kind) for kind in KINDS), (
            f"{review}:{entry.line}: the kind should say stated, inferred or record, not {entry.kind!r}"
        )
        assert len(entry.justification.split()) >= 4, f"{review}:{entry.line}: the justification is too short"


@pytest.mark.parametrize("name", [q.name for q in QUESTIONS])
def test_review_agrees_with_the_answer_on_spans_and_kinds(name: str) -> None:
    """The spans a row shows (start/end, spans) are among its review's offsets; its how columns among its kinds."""
    review, header, rows, entries = _review(name)
    how_columns = [i for i, column in enumerate(header) if column == "how" or column.endswith("How")]
    for entry in entries:
        for number in entry.rows:
            if number > len(rows):
                continue
            row = dict(zip(header, rows[number - 1], strict=True))
            shown = set(_OFFSETS.findall(f"[{row['start']}, {row['end']})")) if "start" in row else set()
            shown |= {tuple(span.split("-")) for span in row.get("spans", "").split()}
            cited = {(str(s), str(e)) for s, e in entry.offsets}
            assert shown <= cited, f"{review}:{entry.line}: row {number} shows spans {sorted(shown - cited)} not cited"
            kinds = {rows[number - 1][i] for i in how_columns} - {""}
            missing = sorted(k for k in kinds if not re.search(rf"\b{k}\b", entry.kind))
            assert not missing, f"{review}:{entry.line}: row {number} has facts {missing} the kind does not name"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_question_reads_as_a_query_to_sparqlwrapper(question: Question) -> None:
    """`kg query --endpoint` asks SPARQLWrapper for the query form, and SPARQLWrapper strips only every other
    comment line before searching for the first form keyword anywhere: a header comment saying "address",
    "asks" or "dropping" made a question an ADD, ASK or DROP, refused as an update (regression)."""
    from SPARQLWrapper import SPARQLWrapper

    wrapper = SPARQLWrapper("http://127.0.0.1/query")
    wrapper.setQuery(question.sparql)
    assert not wrapper.isSparqlUpdateRequest() and wrapper.queryType == "SELECT", (
        f"{question.path}: SPARQLWrapper reads it as {wrapper.queryType}; reword the comment lines"
    )
