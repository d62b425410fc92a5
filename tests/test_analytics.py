"""Projection and analytics on a hand-made graph whose centralities and paths are known."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.errors import UnknownEntity, UsageError
from kg.explore.analytics import analyze, shortest_paths, to_rdf, write_rdf
from kg.explore.projection import Entity, Projection, find_entity, project
from kg.namespaces import MX, RES

HAND = Path(__file__).parent / "data" / "analytics"


def iri(local: str) -> str:
    return str(RES[local])


@pytest.fixture(scope="module")
def hand() -> Projection:
    return project(HAND)


def test_projection_keeps_entities_and_asserted_relations_only(hand: Projection) -> None:
    assert sorted(e.label for e in hand.entities.values()) == ["Alpha Corp", "Beta Corp", "Conacyt", "Japan", "Mexico"]
    edges = sorted((r.source, r.label, r.target) for r in hand.relations)
    assert edges == [
        (iri("alpha"), "headquartered in", iri("japan")),
        (iri("beta"), "headquartered in", iri("japan")),
        (iri("conacyt"), "headquartered in", iri("mexico")),
        (iri("mexico"), "collaborates with", iri("japan")),
    ]  # no operatesIn (outside every claim), no observation, section or unit


def test_projection_carries_class_figures_and_evidence(hand: Projection) -> None:
    japan = hand.entities[iri("japan")]
    assert (japan.cls, japan.cls_label, japan.group_label) == (str(MX.Country), "country", "place")
    assert japan.figures == ["patents registered: 246 patents (2012)"]
    conacyt_edge = next(r for r in hand.relations if r.source == iri("conacyt"))
    assert [(e.start, e.end, e.section_label) for e in conacyt_edge.evidence] == [(100, 120, "section 1: s1")]


def test_centralities_match_the_hand_computed_values(hand: Projection) -> None:
    rows = {r.label: r for r in analyze(hand).rows}
    assert rows["Japan"].scores["degree"] == 0.75
    assert rows["Japan"].scores["betweenness"] == pytest.approx(5 / 6, abs=1e-6)
    assert rows["Mexico"].scores["betweenness"] == 0.5
    assert rows["Alpha Corp"].scores["betweenness"] == 0.0
    pagerank = {label: r.scores["pagerank"] for label, r in rows.items()}
    assert max(pagerank, key=pagerank.get) == "Japan"
    assert sum(pagerank.values()) == pytest.approx(1.0, abs=1e-5)


def test_analysis_is_deterministic(hand: Projection) -> None:
    first, second = analyze(hand), analyze(project(HAND))
    assert first.communities == second.communities
    assert [(r.iri, r.scores, r.community) for r in first.rows] == [(r.iri, r.scores, r.community) for r in second.rows]
    assert to_rdf(first).serialize(format="turtle") == to_rdf(second).serialize(format="turtle")


def test_results_as_rdf_with_algorithm_provenance(hand: Projection, tmp_path: Path) -> None:
    out = write_rdf(analyze(hand), tmp_path / "analytics.ttl")
    g = Graph().parse(out)
    rows = list(
        g.query(
            """PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
           PREFIX prov: <http://www.w3.org/ns/prov#>
           PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           SELECT ?score ?rank WHERE { ?s mx:scoreOf ?e ; mx:score ?score ; mx:rank ?rank ;
                                          prov:wasGeneratedBy ?a . ?a mx:algorithm ?alg .
                                       FILTER(CONTAINS(?alg, "betweenness")) }""",
            initBindings={"e": URIRef(iri("japan"))},
        )
    )
    assert [(float(s), int(r)) for s, r in rows] == [(0.833333, 1)]
    seeds = list(
        g.query(
            """PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
           PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
           PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
           SELECT ?v WHERE { ?a a mx:GraphAnalysis ; mx:hasParameter ?p . ?p rdfs:label "seed"@en ; rdf:value ?v }"""
        )
    )
    assert [v for (v,) in seeds] == [Literal(42)]
    assert len(set(g.subjects(predicate=None, object=MX.Community))) >= 1


def test_shortest_path_lists_each_step_with_relation_and_evidence(hand: Projection) -> None:
    (path,) = shortest_paths(hand, "alpha corp", "CONACYT")
    assert [(s.source, s.target) for s in path] == [
        (iri("alpha"), iri("japan")),
        (iri("japan"), iri("mexico")),
        (iri("mexico"), iri("conacyt")),
    ]
    last = path[-1].relations
    assert [(s, label, o) for s, label, o, _ in last] == [(iri("conacyt"), "headquartered in", iri("mexico"))]
    assert last[0][3][0].start == 100


def test_path_between_unconnected_entities_is_empty() -> None:
    e = lambda i: Entity(i, i.upper(), "", "thing", "", "thing")  # noqa: E731
    assert shortest_paths(Projection({i: e(i) for i in "ab"}, []), "A", "B") == []


def test_unknown_name_suggests_close_labels(hand: Projection) -> None:
    with pytest.raises(UnknownEntity, match="did you mean: .*Conacyt"):
        find_entity(hand, "Conacit")


def test_ambiguous_name_lists_candidates() -> None:
    e = lambda i, cls: Entity(i, "Student", "", cls, "", cls)  # noqa: E731
    p = Projection({iri("a"): e(iri("a"), "residence status"), iri("b"): e(iri("b"), "population group")}, [])
    with pytest.raises(UnknownEntity, match=r"2 entities: Student \(res:a, residence status\); Student \(res:b"):
        find_entity(p, "student")
    assert find_entity(p, "res:b") == iri("b")


def test_same_entity_twice_is_a_usage_error(hand: Projection) -> None:
    with pytest.raises(UsageError):
        shortest_paths(hand, "Japan", "japan")


def test_cli_analyze_and_path(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["analyze", "--graph", str(HAND), "--top", "3", "--out", str(tmp_path / "a.ttl")])
    assert result.exit_code == 0, result.output
    assert "Japan" in result.output and (tmp_path / "a.ttl").is_file()
    result = runner.invoke(app, ["path", "--graph", str(HAND), "Alpha Corp", "Conacyt"])
    assert result.exit_code == 0, result.output
    assert "headquartered in" in result.output and "chars 100–120, section 1: s1" in result.output
    result = runner.invoke(app, ["path", "--graph", str(HAND), "Alpha Corp", "Nowhere Inc"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_mini_graph_projection_and_path(mini_graph: Path) -> None:
    p = project(mini_graph)
    assert iri("ntt-docomo") in p.entities and not any("/claim/" in k or "/span/" in k for k in p.entities)
    (path,) = shortest_paths(p, "NTT Docomo", "Mexico")
    assert [s.target for s in path] == [iri("patents-ntt-docomo-mexico-2012"), iri("mexico")]


def test_query_path_imports_no_graph_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kg.cli.commands, kg.sparql.store, kg.sparql.questions, kg.sparql.results; "
        "print(sorted(m for m in ('networkx', 'pyvis', 'scipy', 'kg.explore.analytics', 'kg.explore.visualize') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
