"""kg link on hand-written fixtures (tests/data/link): precision and recall against a gold file, traps included."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.link.identifiers import identifier_of_iri
from kg.link.propose import Proposal, link
from kg.link.sssom import evaluate, read_gold
from loaders.mappings import read_sssom

LINK = Path(__file__).parent / "data" / "link"
RES = "https://w3id.org/mxjp-talent/resource/"
EX = "http://example.org/other/"
TRAPS = {
    EX + "sassen-p",
    EX + "kobayashi-h",
    EX + "kobayashi-sh",
    EX + "edomex",
    EX + "tokyo-to",
    EX + "japan-society",
    EX + "nippon-steel-kk",
}


@pytest.fixture(scope="module")
def proposals() -> list[Proposal]:
    return link(LINK / "ours", LINK / "other.ttl")


def test_precision_and_recall_on_the_fixture(proposals: list[Proposal]) -> None:
    precision, recall = evaluate(proposals, read_gold(LINK / "gold.tsv"))
    assert precision == 1.0
    assert recall == 1.0


def test_traps_are_not_linked(proposals: list[Proposal]) -> None:
    assert not [p for p in proposals if p.object in TRAPS]
    # the renamed company goes to NSSMC (shared ROR id), never to the pre-2012 Nippon Steel
    assert [p.subject for p in proposals if p.object == EX + "nsc"] == [RES + "nssmc"]
    assert not [p for p in proposals if p.subject == RES + "nippon-steel"]
    assert not [p for p in proposals if p.subject == RES + "kobayashi-s"]


def test_identifier_links_come_first_and_are_exact(proposals: list[Proposal]) -> None:
    by_object = {p.object: p for p in proposals}
    assert by_object[EX + "unam"].justification == "semapv:MappingChaining"
    assert by_object[EX + "cohen2002"].predicate.endswith("exactMatch")  # DOI compared case-insensitively
    assert by_object[EX + "jp"].justification == "semapv:LexicalMatching"  # the Spanish label
    assert by_object[EX + "jp"].predicate.endswith("closeMatch")


def test_lower_threshold_keeps_precision_on_traps() -> None:
    loose = link(LINK / "ours", LINK / "other.ttl", threshold=0.6)
    assert not [p for p in loose if p.object in TRAPS]
    precision, recall = evaluate(loose, read_gold(LINK / "gold.tsv"))
    assert precision == 1.0 and recall == 1.0


def test_on_the_mini_graph(mini_graph: Path) -> None:
    found = link(mini_graph, LINK / "other.ttl")
    precision, recall = evaluate(found, read_gold(LINK / "gold-mini.tsv"))
    assert precision == 1.0
    assert recall == 1.0


def test_identifier_forms() -> None:
    assert identifier_of_iri("https://www.wikidata.org/entity/Q96") == ("wikidata", "Q96")
    assert identifier_of_iri("https://ror.org/01tmp8f25") == ("ror", "01tmp8f25")
    assert identifier_of_iri("https://orcid.org/0000-0002-1825-0097") == ("orcid", "0000-0002-1825-0097")
    assert identifier_of_iri("https://example.org/Q17") is None


def test_cli_writes_sssom_and_merges(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "proposals.sssom.tsv"
    result = runner.invoke(
        app, ["link", "--graph", str(LINK / "ours"), "--with", str(LINK / "other.ttl"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = read_sssom(out, strict=False)
    assert len(table.mappings) == 9
    assert {"similarity_score", "similarity_measure"} <= set(table.columns)
    graph_dir = tmp_path / "g"
    graph_dir.mkdir()
    (graph_dir / "data.ttl").write_text((LINK / "ours" / "graph.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(
        app, ["link", "--graph", str(graph_dir), "--with", str(LINK / "other.ttl"), "--merge", "--accept", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (graph_dir / "links.ttl").is_file()
    again = link(graph_dir, LINK / "other.ttl")
    assert {p.object for p in again} >= {EX + "jp", EX + "smi"}  # merged links now count as identifiers
    assert all(p.justification == "semapv:MappingChaining" for p in again if p.object.startswith(EX))


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours"), "--with", str(tmp_path / "missing.ttl")])
    assert result.exit_code == 1 and "missing.ttl" in result.output
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours"), "--with", str(LINK / "other.ttl"), "--merge"])
    assert result.exit_code == 2 and "--accept" in result.output
    result = runner.invoke(app, ["link", "--help"])
    assert "Example:" in result.output
