"""The bad-input matrix: every loader and command, handed a wrong input, answers with a clear error
naming the file and line (or the argument), a non-zero exit and no traceback, and writes nothing:
the previous build output stays byte-identical.

Each case mutates a copy of ``tests/data/mini`` (facts.yaml + paper_index.json) in tmp_path and
runs ``kg build --data COPY --out OUT`` in process (typer's CliRunner); a few run the real console
script in a subprocess to see the real stderr.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kg.cli.commands import app
from kg.paths import default_paper
from loaders.yamlines import MAX_BYTES

MINI = Path(__file__).parent / "data" / "mini"
FACTS = "facts.yaml"
INDEX = "paper_index.json"
NEWLINE = b"\n"
BIG = 20 * 1024 * 1024  # "a very large file": four times the cap on data files

runner = CliRunner()


# ---------------------------------------------------------------------------------------------
# helpers


def tree_digest(root: Path) -> dict[str, str]:
    """Every entry under *root* (hidden ones too) with the sha256 of its bytes ('dir' for folders)."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        out[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def outs(tmp_path: Path, mini_graph: Path) -> Path:
    """A folder holding ``build``: a good output (a copy of the session's mini build)."""
    folder = tmp_path / "outs"
    folder.mkdir()
    shutil.copytree(mini_graph, folder / "build")
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(MINI, copy)
    return copy


def assert_clean_failure(result: Result, *, names: str, exit_code: int | None = None) -> None:
    """Non-zero exit, *names* in the message, no traceback, nothing on stdout."""
    text = result.output
    assert result.exit_code != 0, f"accepted bad input:\n{text}"
    if exit_code is not None:
        assert result.exit_code == exit_code, text
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"raised {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in text, text
    assert names in result.stderr, f"{names!r} not in the message:\n{result.stderr}"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


# ---------------------------------------------------------------------------------------------
# the matrix of data-file mistakes: each names the file and the line


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    old: str
    new: str
    message: str
    at: str | None = None  # the text on the line the error must name; None: the replaced text
    needs_paper: bool = False


CONTENT_CASES = [
    Case(
        "malformed-yaml",
        FACTS,
        "    type: Country\n    label: {en: Japan",
        "    type: [Country\n    label: {en: Japan",
        "YAML syntax",
        at="label: {en: Japan",
    ),
    Case("yaml-tab-indent", FACTS, "  - id: mexico\n", "  - id: mexico\n\t  oops: 1\n", "YAML syntax", at="oops"),
    Case("unknown-class", FACTS, "type: Country", "type: Nation", "unknown class 'Nation'"),
    Case(
        "unknown-class-markup",
        FACTS,
        "type: Country",
        "type: '[/bold]Nation[red]'",
        "unknown class '[/bold]Nation[red]'",
    ),
    Case(
        "unknown-property",
        FACTS,
        "{p: headquarteredIn, o: mexico}",
        "{p: basedIn, o: mexico}",
        "unknown property 'basedIn'",
    ),
    Case(
        "unknown-external-property",
        FACTS,
        '{p: "foaf:familyName", v: Sassen}',
        '{p: "foaf:shoeSize", v: 42}',
        "unknown property 'foaf:shoeSize'",
    ),
    Case(
        "unknown-key",
        FACTS,
        "    type: Country\n    label: {en: Japan",
        "    type: Country\n    colour: red\n    label: {en: Japan",
        "unknown key 'colour'",
        at="colour",
    ),
    Case(
        "wrong-datatype-gyear",
        FACTS,
        'v: "2012", datatype: gYear',
        'v: "twenty", datatype: gYear',
        "not a valid xsd:gYear",
    ),
    Case("wrong-datatype-number", FACTS, "value: 246", "value: lots", "value must be a number"),
    Case("wrong-datatype-year", FACTS, "year: 2014", "year: soon", "year must be a four-digit integer"),
    Case(
        "wrong-shape-label",
        FACTS,
        "label: {en: Japan, es: Japón, ja: 日本}",
        "label: [Japan]",
        "label must be a mapping",
    ),
    Case("duplicate-id", FACTS, "  - id: mexico\n", "  - id: japan  # again\n", "duplicate id 'japan'"),
    Case(
        "duplicate-key",
        FACTS,
        "    type: Country\n    label: {en: Japan",
        "    type: Country\n    type: City\n    label: {en: Japan",
        "duplicate key 'type'",
        at="type: City",
    ),
    Case(
        "dangling-reference",
        FACTS,
        "{p: headquarteredIn, o: japan,",
        "{p: headquarteredIn, o: atlantis,",
        "points at unknown id 'atlantis'",
    ),
    Case(
        "dangling-author",
        FACTS,
        "authors: [saskia-sassen]",
        "authors: [nobody]",
        "author 'nobody' is not a known id",
        at="- id: sassen-2014",
    ),
    Case(
        "span-outside-paper",
        FACTS,
        "{p: registeredIn, o: mexico, evidence: [24537, 24554]}",
        "{p: registeredIn, o: mexico, evidence: [24537, 99999]}",
        "ends past the paper's end",
    ),
    Case("span-negative", FACTS, "evidence: [24537, 24554]", "evidence: [24554, 24537]", "empty or negative"),
    Case("span-not-a-pair", FACTS, "evidence: [24537, 24554]", "evidence: [24537]", "evidence must be [start, end]"),
    Case(
        "span-does-not-contain-claim",
        FACTS,
        "    evidence: [24708, 24713]\n  - id: mexico",
        "    evidence: [100, 110]\n  - id: mexico",
        "does not contain a name of 'japan'",
        at="- id: japan",
        needs_paper=True,
    ),
    Case(
        "index-truncated",
        INDEX,
        '"format": 1,',
        '"format": 1, "sections": [',
        "not a valid paper index",
        at='"furniture"',
    ),
    Case(
        "index-wrong-type", INDEX, '"length": 43319', '"length": "long"', "'length' must be a positive integer", at=None
    ),
    Case(
        "index-span-outside-paper",
        INDEX,
        '{"end": 258, "entity": "international-students", "start": 235}',
        '{"end": 99999, "entity": "international-students", "start": 235}',
        "mentions[0]: [start, end] must lie within",
    ),
    Case(
        "index-dangling-mention",
        INDEX,
        '{"end": 385, "entity": "japan", "start": 380}',
        '{"end": 385, "entity": "atlantis", "start": 380}',
        "entity 'atlantis' is not a known curated id",
    ),
    Case(
        "index-record-wrong-type",
        INDEX,
        '{"end": 385, "entity": "japan", "start": 380}',
        '{"end": "385", "entity": "japan", "start": 380}',
        "'end' has the wrong type",
    ),
]


@pytest.mark.parametrize("case", CONTENT_CASES, ids=[c.id for c in CONTENT_CASES])
def test_data_mistake_names_file_and_line_and_writes_nothing(case: Case, data: Path, outs: Path) -> None:
    if case.needs_paper and default_paper() is None:
        pytest.skip("the paper is not available: span content cannot be checked")
    target = data / case.file
    replace(target, case.old, case.new)
    before = tree_digest(outs)
    result = runner.invoke(
        app, ["build", "--data", str(data), "--out", str(outs / "build"), "--no-viz", "--reasoner", "owlrl"]
    )
    assert case.message in result.stderr, result.stderr
    if case.at is None and case.file == INDEX and case.id == "index-wrong-type":
        where = str(target)  # a whole-file property: no line
    else:
        where = f"{target}:{line_of(target, case.at or case.new.strip().splitlines()[0].strip())}"
    assert_clean_failure(result, names=where)
    assert tree_digest(outs) == before, "a failed build changed the previous output"


# ---------------------------------------------------------------------------------------------
# whole-file corruptions, for each file a loader reads


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _non_utf8(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[:200] + "Japón".encode("latin-1") + raw[200:])


def _huge(path: Path) -> None:
    with path.open("ab") as f:
        block = b"# " + b"x" * 1021 + b"\n"
        for _ in range(BIG // len(block)):
            f.write(block)


def _truncated(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 3])


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "empty": _empty,
    "binary": _binary,
    "non-utf8": _non_utf8,
    "huge": _huge,
    "truncated": _truncated,
    "directory": _directory,
}
EXPECTED = {
    (FACTS, "empty"): "empty file",
    (FACTS, "binary"): "binary file",
    (FACTS, "non-utf8"): "not UTF-8 text",
    (FACTS, "huge"): f"more than the {MAX_BYTES:,} allowed",
    (FACTS, "truncated"): "YAML syntax",
    (FACTS, "directory"): "cannot read",
    (INDEX, "empty"): "empty file",
    (INDEX, "binary"): "binary file",
    (INDEX, "non-utf8"): "not UTF-8 text",
    (INDEX, "huge"): "allowed for a paper index",
    (INDEX, "truncated"): "not a valid paper index",
    (INDEX, "directory"): "cannot read",
}


@pytest.mark.parametrize("name", [FACTS, INDEX])
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupt_file_is_refused_and_writes_nothing(name: str, corruption: str, data: Path, outs: Path) -> None:
    target = data / name
    if name == FACTS and corruption == "truncated":
        target.write_text(target.read_text(encoding="utf-8")[:1000] + "\n  - {id: broken, type: [\n", encoding="utf-8")
    else:
        CORRUPTIONS[corruption](target)
    before = tree_digest(outs)
    result = runner.invoke(
        app, ["build", "--data", str(data), "--out", str(outs / "build"), "--no-viz", "--reasoner", "owlrl"]
    )
    assert_clean_failure(result, names=str(target))
    assert EXPECTED[name, corruption] in result.stderr, result.stderr
    if corruption == "non-utf8":
        line = target.read_bytes()[:200].count(NEWLINE) + 1  # the line of the bad byte
        assert f"{target}:{line}:" in result.stderr
    if name == FACTS and corruption == "truncated":  # the parser stops at the unfinished entry or after it
        named = re.search(rf"{re.escape(str(target))}:(\d+): YAML syntax", result.stderr)
        assert named is not None and int(named.group(1)) >= line_of(target, "id: broken"), result.stderr
    assert tree_digest(outs) == before


# ---------------------------------------------------------------------------------------------
# the paper handed with --paper


@pytest.mark.parametrize("corruption", ["checksum", "empty", "binary", "non-utf8", "huge", "missing", "directory"])
def test_bad_paper_is_refused_and_writes_nothing(corruption: str, data: Path, outs: Path, tmp_path: Path) -> None:
    paper = tmp_path / "paper.txt"
    real = default_paper()
    text = real.read_bytes() if real is not None and real.is_file() else b"INTRODUCTION\n\nJapan and Mexico.\n"
    if corruption == "checksum":
        paper.write_bytes(text.replace(b"Japan", b"Japon", 1))  # one letter changed
    elif corruption == "empty":
        paper.write_bytes(b"")
    elif corruption == "binary":
        paper.write_bytes(bytes(range(256)) * 64)
    elif corruption == "non-utf8":
        paper.write_bytes(b"\xff\xfe" + text)
    elif corruption == "huge":
        paper.write_bytes(text * (BIG // len(text) + 1))
    elif corruption == "directory":
        paper.mkdir()
    before = tree_digest(outs)
    result = runner.invoke(
        app,
        [
            "build",
            "--data",
            str(data),
            "--out",
            str(outs / "build"),
            "--no-viz",
            "--reasoner",
            "owlrl",
            "--paper",
            str(paper),
        ],
    )
    assert_clean_failure(result, names=str(paper))
    expected = {"missing": "no such file", "directory": "cannot read"}.get(
        corruption, "not the paper this graph is made from"
    )
    assert expected in result.stderr, result.stderr
    assert tree_digest(outs) == before


# ---------------------------------------------------------------------------------------------
# the data directory as a whole


def test_missing_data_dir(outs: Path, tmp_path: Path) -> None:
    before = tree_digest(outs)
    result = runner.invoke(app, ["build", "--data", str(tmp_path / "nowhere"), "--out", str(outs / "build")])
    assert_clean_failure(result, names=str(tmp_path / "nowhere"))
    assert "not a directory" in result.stderr
    assert tree_digest(outs) == before


def test_data_dir_without_yaml(data: Path, outs: Path) -> None:
    (data / FACTS).unlink()
    before = tree_digest(outs)
    result = runner.invoke(app, ["build", "--data", str(data), "--out", str(outs / "build")])
    assert_clean_failure(result, names=str(data))
    assert "no *.yaml data files" in result.stderr
    assert tree_digest(outs) == before


def test_second_file_redefining_an_id(data: Path, outs: Path) -> None:
    extra = data / "more.yaml"
    extra.write_text(
        "entities:\n  - id: mexico\n    type: Country\n    label: {en: Mexico}\n    evidence: [1466, 1472]\n",
        encoding="utf-8",
    )
    before = tree_digest(outs)
    result = runner.invoke(
        app, ["build", "--data", str(data), "--out", str(outs / "build"), "--no-viz", "--reasoner", "owlrl"]
    )
    assert_clean_failure(result, names=f"{extra}:2")
    assert "duplicate id 'mexico' (first defined at facts.yaml:" in result.stderr
    assert tree_digest(outs) == before


@pytest.mark.parametrize("bomb", ["alias", "nesting"])
def test_yaml_bombs_are_refused_quickly(bomb: str, data: Path, outs: Path) -> None:
    target = data / "bomb.yaml"
    if bomb == "alias":
        lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        for i in range(1, 12):
            lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        target.write_text("entities: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    before = tree_digest(outs)
    result = runner.invoke(
        app, ["build", "--data", str(data), "--out", str(outs / "build"), "--no-viz", "--reasoner", "owlrl"]
    )
    assert_clean_failure(result, names=str(target))
    assert ("too many nodes" if bomb == "alias" else "nested too deeply") in result.stderr
    assert tree_digest(outs) == before


# ---------------------------------------------------------------------------------------------
# bad command-line arguments


def test_build_unknown_option(outs: Path) -> None:
    before = tree_digest(outs)
    result = runner.invoke(app, ["build", "--out", str(outs / "build"), "--colour", "red"])
    assert_clean_failure(result, names="--colour", exit_code=2)
    assert tree_digest(outs) == before


def test_build_bad_reasoner_is_refused_before_any_work(data: Path, outs: Path) -> None:
    before = tree_digest(outs)
    result = runner.invoke(app, ["build", "--data", str(data), "--out", str(outs / "build"), "--reasoner", "pellet"])
    assert_clean_failure(result, names="--reasoner 'pellet'", exit_code=2)
    assert tree_digest(outs) == before


def test_build_out_is_a_file_is_refused_before_any_work(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_bytes(b"keep me")
    result = runner.invoke(app, ["build", "--data", str(data), "--out", str(target), "--reasoner", "owlrl"])
    assert_clean_failure(result, names=str(target))
    assert "not a directory" in result.stderr
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "data"]


@pytest.fixture
def graph(tmp_path: Path, mini_graph: Path) -> Path:
    copy = tmp_path / "graph"
    shutil.copytree(mini_graph, copy)
    return copy


SELECT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize(
    ("args", "names", "code"),
    [
        (["query", "--graph", "{graph}", "--colour", "red", SELECT], "--colour", 2),
        (["query", "--graph", "{graph}", "--format", "yaml", SELECT], "--format 'yaml'", 2),
        (
            ["query", "--graph", "{graph}", "--format", "yaml", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"],
            "--format 'yaml'",
            2,
        ),
        (["query", "--graph", "{tmp}/nowhere", SELECT], "{tmp}/nowhere: not a directory", 1),
        (["query", "--graph", "{graph}", "{tmp}/nowhere.rq"], "{tmp}/nowhere.rq: no such query file", 1),
        (
            ["query", "--graph", "{graph}", "cq99-no-such-question"],
            "no competency question named 'cq99-no-such-question'",
            1,
        ),
        (["query", "--graph", "{graph}", "SELECT ?s WHERE { ?s ?p }"], "malformed SPARQL", 1),
        (["query", "--graph", "{graph}", "   "], "empty query", 1),
        (
            ["query", "--graph", "{graph}", "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"],
            "read-only: SPARQL updates are refused and nothing was changed",
            1,
        ),
        (["stats", "--graph", "{tmp}/nowhere"], "{tmp}/nowhere: not a directory", 1),
        (["validate", "--graph", "{tmp}/nowhere"], "{tmp}/nowhere: not a directory", 1),
        (["validate", "--graph", "{graph}", "--reasoner", "pellet"], "--reasoner 'pellet'", 2),
        (["frobnicate"], "No such command", 2),
    ],
    ids=[
        "unknown-option",
        "bad-format",
        "bad-format-construct",
        "missing-graph-dir",
        "missing-rq",
        "unknown-question",
        "malformed-query",
        "empty-query",
        "update-refused",
        "stats-missing-dir",
        "validate-missing-dir",
        "validate-bad-reasoner",
        "unknown-command",
    ],
)
def test_bad_query_arguments(args: list[str], names: str, code: int, graph: Path, tmp_path: Path) -> None:
    before = tree_digest(graph)

    def fill(text: str) -> str:
        return text.replace("{graph}", str(graph)).replace("{tmp}", str(tmp_path))

    result = runner.invoke(app, [fill(a) for a in args])
    assert_clean_failure(result, names=fill(names), exit_code=code)
    assert result.stdout == "", result.stdout
    assert tree_digest(graph) == before


@dataclass
class Damage:
    id: str
    apply: Callable[[Path], Path]  # damages the graph dir, returns the file to be named
    message: str
    commands: list[str] = field(default_factory=lambda: ["query", "stats", "validate"])


def _truncate_trig(graph: Path) -> Path:
    target = graph / "data.trig"
    raw = target.read_bytes()
    target.write_bytes(raw[: len(raw) // 2])
    return target


def _truncate_trig_no_manifest(graph: Path) -> Path:
    shutil.rmtree(graph / "reports")
    return _truncate_trig(graph)


def _truncate_at_statement(graph: Path) -> Path:
    # cut after a complete statement: still valid TriG, caught only by the build's checksums
    target = graph / "data.trig"
    raw = target.read_bytes()
    cut = raw.rfind(b"}\n", 0, len(raw) // 2) + 2
    target.write_bytes(raw[:cut])
    return target


def _planted_bad_ttl(graph: Path) -> Path:
    target = graph / "extra.ttl"
    target.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n')
    return target


def _planted_binary_nt(graph: Path) -> Path:
    target = graph / "noise.nt"
    target.write_bytes(bytes(range(256)) * 16)
    return target


def _directory_for_file(graph: Path) -> Path:
    target = graph / "data.trig"
    target.unlink()
    target.mkdir()
    return target


def _corrupt_manifest(graph: Path) -> Path:
    target = graph / "reports" / "build.json"
    target.write_bytes(b"{ not json")
    return target


DAMAGES = [
    Damage("truncated-trig", _truncate_trig, "differs from the checksum"),
    Damage("truncated-trig-no-manifest", _truncate_trig_no_manifest, "not valid TRIG"),
    Damage("truncated-at-statement", _truncate_at_statement, "differs from the checksum"),
    Damage("planted-corrupt-ttl", _planted_bad_ttl, "not valid TTL"),
    Damage("planted-binary-nt", _planted_binary_nt, "not valid NT"),
    Damage("directory-in-place-of-file", _directory_for_file, "not a regular file"),
    Damage("corrupt-manifest", _corrupt_manifest, "unreadable build manifest"),
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.id for d in DAMAGES])
@pytest.mark.parametrize("command", ["query", "stats", "validate"])
def test_damaged_graph_dir_is_reported_not_served(damage: Damage, command: str, graph: Path) -> None:
    target = damage.apply(graph)
    argv = {
        "query": ["query", "--graph", str(graph), SELECT],
        "stats": ["stats", "--graph", str(graph)],
        "validate": ["validate", "--graph", str(graph), "--reasoner", "owlrl"],
    }[command]
    result = runner.invoke(app, argv)
    assert_clean_failure(result, names=str(target))
    assert damage.message in result.stderr, result.stderr


# ---------------------------------------------------------------------------------------------
# the real console script: what a person sees on stderr


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=120)


def test_real_process_bad_yaml_and_bad_graph(data: Path, outs: Path, graph: Path) -> None:
    replace(data / FACTS, "type: Country", "type: [Country")
    before = tree_digest(outs)
    proc = _kg("build", "--data", str(data), "--out", str(outs / "build"), "--no-viz", "--reasoner", "owlrl")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stdout == ""
    assert f"{data / FACTS}:" in proc.stderr and "YAML syntax" in proc.stderr
    assert tree_digest(outs) == before
    _truncate_trig_no_manifest(graph)
    proc = _kg("query", "--graph", str(graph), SELECT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and proc.stdout == ""
    assert f"{graph / 'data.trig'}: not valid TRIG" in proc.stderr
    proc = _kg("build", "--reasoner", "pellet", "--out", str(outs / "build"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "--reasoner 'pellet'" in proc.stderr


def test_control_character_in_yaml(data: Path, outs: Path) -> None:
    """Found by the property-based tests: PyYAML's reader refuses control characters before parsing."""
    target = data / FACTS
    target.write_bytes(b"\x01" + target.read_bytes())
    before = tree_digest(outs)
    result = runner.invoke(app, ["build", "--data", str(data), "--out", str(outs / "build"), "--no-viz"])
    assert_clean_failure(result, names=f"{target}:1")
    assert "special characters are not allowed" in result.stderr
    assert tree_digest(outs) == before
