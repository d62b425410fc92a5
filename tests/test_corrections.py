"""Regression tests for the corrections of issue 13: what the paper states, what the curators
inferred and what a record says are never mixed, and the facts a reader found wrong stay fixed.
Each test names the correction it guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.sparql.store import GraphStore

RES = "https://w3id.org/mxjp-talent/resource/"
MX = "https://w3id.org/mxjp-talent/ontology#"


@pytest.fixture(scope="module")
def store(full_graph: Path) -> GraphStore:
    return GraphStore.open(full_graph)


def _ask(store: GraphStore, sparql: str) -> bool:
    return bool(store.query(sparql))


def test_every_claim_says_how_it_is_known_and_every_kind_is_used(store: GraphStore) -> None:
    rows = store.rows("SELECT ?kind (COUNT(?c) AS ?n) WHERE { ?c a mx:Claim ; mx:statementKind ?kind } GROUP BY ?kind")
    kinds = {row["kind"]: row["n"] for row in rows}
    assert set(kinds) == {MX + "statedByPaper", MX + "inferredByCurators", MX + "takenFromRecord"}
    assert all(n > 0 for n in kinds.values())
    assert not _ask(store, "ASK { ?c a mx:Claim FILTER NOT EXISTS { ?c mx:statementKind ?k } }")


def test_inferred_claims_give_their_reason_and_spans(store: GraphStore) -> None:
    assert not _ask(
        store, "ASK { ?c mx:statementKind mx:inferredByCurators FILTER NOT EXISTS { ?c mx:inferenceReason ?r } }"
    )
    assert not _ask(store, "ASK { ?c mx:statementKind mx:inferredByCurators FILTER NOT EXISTS { ?c mx:evidence ?s } }")


def test_patent_registrants_are_not_ranked(store: GraphStore) -> None:
    """The paper orders the countries of patent applicants, not the five companies."""
    assert not _ask(store, "ASK { GRAPH ?g { ?r a mx:PatentRegistration ; mx:rank ?n } }")


def test_the_family_ties_channel_does_not_concern_the_hafu(store: GraphStore) -> None:
    """Hāfu are children of mixed couples, not migrants of the channel."""
    assert not _ask(store, "ASK { GRAPH ?g { res:channel-family-ties mx:concernsGroup res:hafu } }")


def test_mext_is_not_dated_by_the_year_it_stopped_the_surveys(store: GraphStore) -> None:
    assert not _ask(store, 'ASK { GRAPH ?g { res:mext ?p ?d FILTER(STR(?d) = "2003") } }')


def test_the_paper_spelling_ryugakusie_lies_in_its_span(store: GraphStore, paper_path: Path) -> None:
    text = paper_path.read_text(encoding="utf-8")
    rows = store.rows(
        "SELECT ?start ?end WHERE { ?c mx:evidence ?span . ?span oa:start ?start ; oa:end ?end . "
        'GRAPH ?c { ?s mx:paperSpelling "Ryugakusie" } }'
    )
    assert rows, "the paper's spelling Ryugakusie is in the graph"
    assert all("Ryugakusie" in text[row["start"] : row["end"]] for row in rows)


def test_nikkei_status_links_are_inferred_not_stated(store: GraphStore) -> None:
    rows = store.rows(
        "SELECT ?kind WHERE { GRAPH ?c { res:channel-nikkei mx:underStatus ?status } ?c mx:statementKind ?kind }"
    )
    assert rows and {row["kind"] for row in rows} == {MX + "inferredByCurators"}


def test_the_act_regulating_trainee_is_not_the_papers_word(store: GraphStore) -> None:
    """The span it rested on names no status: the link is general knowledge of the act."""
    rows = store.rows(
        "SELECT ?kind WHERE { GRAPH ?c { res:immigration-control-act mx:regulates res:status-trainee } "
        "?c mx:statementKind ?kind }"
    )
    assert [row["kind"] for row in rows] == [MX + "inferredByCurators"]


def test_no_two_figures_share_a_label(store: GraphStore) -> None:
    rows = store.rows(
        "SELECT ?label (COUNT(?o) AS ?n) WHERE { ?o a mx:Observation ; rdfs:label ?label } GROUP BY ?label HAVING (COUNT(?o) > 1)"
    )
    assert rows == []


def test_degree_shares_are_told_apart_by_their_degree(store: GraphStore) -> None:
    rows = store.rows(
        "SELECT ?o ?category WHERE { VALUES ?o { res:share-mexicans-japan-doctorate res:share-mexicans-japan-masters "
        "res:share-mexicans-japan-bachelors } ?o mx:refCategory ?category }"
    )
    assert {(row["o"][len(RES) :], row["category"][len(RES) :]) for row in rows} == {
        ("share-mexicans-japan-doctorate", "degree-doctorate"),
        ("share-mexicans-japan-masters", "degree-masters"),
        ("share-mexicans-japan-bachelors", "degree-bachelors"),
    }


def test_degree_shares_carry_no_year_the_paper_does_not_give(store: GraphStore) -> None:
    assert not _ask(
        store,
        "ASK { VALUES ?o { res:share-mexicans-japan-doctorate res:share-mexicans-japan-masters "
        "res:share-mexicans-japan-bachelors } ?o mx:period ?p }",
    )


def test_the_ten_countries_of_origin_keep_the_papers_99_percent(store: GraphStore) -> None:
    rows = store.rows("SELECT ?scope WHERE { res:origin-countries-americans-2016 mx:scope ?scope }")
    assert rows and "99 %" in rows[0]["scope"]


def test_inferred_periods_say_so_in_the_label(store: GraphStore) -> None:
    rows = store.rows(
        "SELECT ?label WHERE { GRAPH ?c { ?o mx:period ?p } ?c mx:statementKind mx:inferredByCurators . "
        "?o rdfs:label ?label }"
    )
    assert rows and all("period inferred" in row["label"] for row in rows)


@pytest.mark.parametrize(
    ("discrepancy", "paper"), [("apu-location", "Tokyo and Osaka"), ("kyushu-university-location", "Tokyo and Osaka")]
)
def test_the_papers_placing_of_apu_and_kyushu_is_a_discrepancy(store: GraphStore, discrepancy: str, paper: str) -> None:
    rows = store.rows(
        "SELECT ?paper ?record WHERE { ?d a mx:Discrepancy ; mx:paperValue ?paper ; mx:recordValue ?record "
        f"FILTER(?d = <{RES}discrepancy/{discrepancy}>) }}"
    )
    assert rows == [{"paper": paper, "record": "Beppu" if discrepancy.startswith("apu") else "Fukuoka"}]


def test_citations_support_only_what_the_paper_states(store: GraphStore) -> None:
    assert not _ask(store, "ASK { ?citation mx:citedFor ?c . ?c mx:statementKind ?k FILTER(?k != mx:statedByPaper) }")


def test_the_immigration_act_date_discrepancy_is_verified_against_a_record(store: GraphStore) -> None:
    """The act dates from 1951; its 2009 amendment was promulgated on 15 July 2009 (Ministry of Justice)."""
    rows = store.rows(
        "SELECT ?paper ?record ?status ?source WHERE { ?d a mx:Discrepancy ; mx:paperValue ?paper ; "
        "mx:recordValue ?record ; mx:verificationStatus ?status ; mx:recordSource ?source "
        f"FILTER(?d = <{RES}discrepancy/immigration-act-date>) }}"
    )
    assert [(r["paper"], r["record"], r["status"]) for r in rows] == [("2009-07-05", "1951", "verified")]
    assert rows[0]["source"].startswith("http://www.immi-moj.go.jp/")
