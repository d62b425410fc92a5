"""Issue 3: every fact of the whole graph is traceable to a span of the paper that supports it."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.paths import data_dir, ontology_file
from kg.sparql.store import GraphStore
from loaders.curated import Vocabulary, read_curated
from loaders.evidence import check_evidence

runner = CliRunner()


def test_every_curated_span_lies_in_the_paper_and_names_what_it_supports(paper_path: Path) -> None:
    from loaders.paper import read_paper

    text = read_paper(paper_path).text
    curated = read_curated(data_dir(), Vocabulary.from_ontology(Graph().parse(ontology_file())), paper_length=len(text))
    spans = [e.evidence for e in curated.entities.values() if e.evidence]
    spans += [f.evidence for e in curated.entities.values() for f in e.facts if f.evidence]
    assert len(spans) > 500
    assert all(0 <= s < e <= len(text) for s, e in spans)
    index = json.loads((data_dir() / "paper_index.json").read_text(encoding="utf-8"))
    assert check_evidence(curated, text, index) == []


def test_no_data_triple_without_evidence_in_the_full_graph(full_graph: Path) -> None:
    store = GraphStore.open(full_graph)
    orphans = store.rows(
        "PREFIX mx: <https://w3id.org/mxjp-talent/ontology#> "
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER NOT EXISTS { ?g mx:evidence ?span } FILTER NOT EXISTS { ?g mx:source ?record } } LIMIT 5"
    )
    assert orphans == []
    spans = store.rows(
        "PREFIX mx: <https://w3id.org/mxjp-talent/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#> "
        "SELECT (COUNT(?s) AS ?n) (MAX(?e) AS ?last) WHERE { ?s a mx:TextSpan ; oa:end ?e }"
    )[0]
    length = json.loads((data_dir() / "paper_index.json").read_text(encoding="utf-8"))["length"]
    assert spans["n"] > 1000 and spans["last"] <= length == 43319  # characters, not bytes (43,332)


def test_every_in_text_citation_is_linked_to_a_cited_work(full_graph: Path) -> None:
    store = GraphStore.open(full_graph)
    rows = store.rows(
        "PREFIX mx: <https://w3id.org/mxjp-talent/ontology#> PREFIX cito: <http://purl.org/spar/cito/> "
        "SELECT (COUNT(DISTINCT ?c) AS ?citations) (COUNT(DISTINCT ?w) AS ?works) WHERE { ?c a mx:Citation ; cito:hasCitedEntity ?w . ?w a mx:CitedWork }"
    )[0]
    assert rows["citations"] == 36 and rows["works"] == 30


def test_explain_prints_facts_with_section_and_span(mini_graph: Path) -> None:
    result = runner.invoke(
        app, ["explain", "NTT Docomo", "--graph", str(mini_graph), "--no-quote"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "mx:headquarteredIn" in result.output and "stated" in result.output
    assert "24824" in result.output  # the evidence span's start


def test_explain_unknown_entity_suggests_close_labels(mini_graph: Path) -> None:
    result = runner.invoke(app, ["explain", "NTT Dokomo", "--graph", str(mini_graph)])
    assert result.exit_code == 2
    assert "did you mean" in result.output.lower() or "did you mean" in str(result.stderr_bytes or b"").lower()
