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
    assert by_object[EX + "mx"].justification == "semapv:LexicalMatching"  # the Spanish label
    assert by_object[EX + "mx"].predicate.endswith("closeMatch")


def test_entity_linked_by_identifier_gets_no_label_proposal(proposals: list[Proposal]) -> None:
    """Japan shares wd:Q17 with the other dataset: its second record there (ex:jp, same Spanish
    label) is not proposed, and Japan has one proposal only."""
    assert [p.object for p in proposals if p.subject == RES + "japan"] == ["http://www.wikidata.org/entity/Q17"]
    assert EX + "jp" not in {p.object for p in proposals}


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
    (japan,) = [p for p in found if p.subject == RES + "japan"]  # two equally good records: one row to review
    assert japan.needs_review
    assert {iri for iri, _ in japan.alternatives} == {EX + "jp", "http://www.wikidata.org/entity/Q17"}


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
    assert len(table.mappings) == 8
    assert {"similarity_score", "similarity_measure"} <= set(table.columns)
    graph_dir = tmp_path / "g"
    graph_dir.mkdir()
    (graph_dir / "data.ttl").write_text((LINK / "ours" / "graph.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["link", "--graph", str(graph_dir), "--merge", "--accept", str(out)])  # no --with
    assert result.exit_code == 0, result.output
    assert (graph_dir / "links.ttl").is_file()
    again = link(graph_dir, LINK / "other.ttl")
    assert {p.object for p in again} >= {EX + "mx", EX + "smi"}  # merged links now count as identifiers
    assert all(p.justification == "semapv:MappingChaining" for p in again if p.object.startswith(EX))


def test_merged_links_keep_their_provenance(tmp_path: Path) -> None:
    """Each merged row is also written as SSSOM's RDF (by sssom-py): an owl:Axiom with its
    justification, confidence, author and date; merging twice adds nothing."""
    from rdflib import OWL, Graph, Literal, URIRef

    out = tmp_path / "proposals.sssom.tsv"
    runner = CliRunner()
    assert (
        runner.invoke(
            app, ["link", "--graph", str(LINK / "ours"), "--with", str(LINK / "other.ttl"), "-o", str(out)]
        ).exit_code
        == 0
    )
    into = tmp_path / "links.ttl"
    assert runner.invoke(app, ["link", "--merge", "--accept", str(out), "--into", str(into)]).exit_code == 0
    graph = Graph().parse(into)
    sssom = "https://w3id.org/sssom/"
    axiom = next(graph.subjects(OWL.annotatedTarget, URIRef(EX + "mx")))
    assert graph.value(axiom, OWL.annotatedSource) == URIRef(RES + "mexico")
    assert graph.value(axiom, URIRef(sssom + "mapping_justification")) == URIRef(
        "https://w3id.org/semapv/vocab/LexicalMatching"
    )
    assert float(graph.value(axiom, URIRef(sssom + "confidence"))) == 1.0
    assert graph.value(axiom, URIRef("http://purl.org/pav/authoredBy")) == URIRef(RES + "agent/kg-link")
    assert isinstance(graph.value(axiom, URIRef("http://purl.org/dc/terms/created")), Literal)
    size = len(graph)
    assert runner.invoke(app, ["link", "--merge", "--accept", str(out), "--into", str(into)]).exit_code == 0
    assert len(Graph().parse(into)) == size


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours"), "--with", str(tmp_path / "missing.ttl")])
    assert result.exit_code == 1 and "missing.ttl" in result.output
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours"), "--with", str(LINK / "other.ttl"), "--merge"])
    assert result.exit_code == 2 and "--accept" in result.output
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours")])
    assert result.exit_code == 2 and "--with FILE or --endpoint URL" in result.output
    result = runner.invoke(
        app, ["link", "--graph", str(LINK / "ours"), "--with", str(LINK / "other.ttl"), "--threshold", "2"]
    )
    assert result.exit_code == 2 and "--threshold 2" in result.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours"), "--with", str(bad)])
    assert result.exit_code == 1 and "bad.ttl" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["link", "--graph", str(LINK / "ours"), "--with", str(LINK / "README.md")])
    assert result.exit_code == 1 and "unknown RDF format" in result.output
    result = runner.invoke(app, ["link", "--help"])
    assert "Example:" in result.output
