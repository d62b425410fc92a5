"""Regression: the resource page's facts query once joined every claim's evidence onto facts
outside any claim (an OPTIONAL on an unbound ?g), which made it time out on the full graph."""

from __future__ import annotations

from pathlib import Path

from kg.serve.jobs import Context, resource


def test_resource_facts_carry_only_their_own_claims_evidence(mini_graph: Path) -> None:
    context = Context.load(mini_graph, 10_000_000)
    rows = resource(context, "https://w3id.org/mxjp-talent/resource/ntt-docomo")
    assert rows, "no facts about ntt-docomo"
    for row in rows:
        if "g" not in row:
            assert "start" not in row and "method" not in row, row
    in_claims = [row for row in rows if "g" in row]
    assert in_claims and all("start" in row for row in in_claims)
    facts = {
        (row["direction"]["value"], row["p"]["value"], row["o"]["value"], row.get("g", {}).get("value")) for row in rows
    }
    assert len(facts) == len(rows), "a fact appears more than once"
    assert len(rows) < 200
