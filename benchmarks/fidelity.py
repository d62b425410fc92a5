"""Draw a reproducible sample of the graph's statements, per kind, for a review against the paper.

    python benchmarks/fidelity.py --graph build --paper ../shared/paper/000_706023067e5b10b8.txt \
        --seed 2026 --stated 30 --inferred 20 --recorded 10 > review.md

Counts every claim of the graph by kind of statement (stated by the paper, inferred by the curators,
taken from a record), then draws, with the given seed, a simple random sample of each kind among the
curated facts (claims made by curation, one triple each; the text loader's sections, paragraphs and
mentions are left out) and prints, for each, the fact with labels, its spans quoted from the user's
copy of the paper (never stored), the reason or the record, and an empty verdict to fill in. The
reviewer marks each ``right`` or ``wrong`` (with why); docs/fidelity.md records the result.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from kg.resolve import names_of  # noqa: E402
from kg.sparql.store import GraphStore  # noqa: E402
from kg.terms import curie, local_name  # noqa: E402

FACTS = """
PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?claim ?kind ?s ?p ?o ?reason ?record
       (GROUP_CONCAT(DISTINCT CONCAT(STR(?start), "-", STR(?end)); separator=" ") AS ?spans) WHERE {
  ?claim a mx:Claim ; mx:method mx:curation ; mx:statementKind ?kind .
  GRAPH ?claim { ?s ?p ?o }
  OPTIONAL { ?claim mx:inferenceReason ?reason }
  OPTIONAL { ?claim prov:wasDerivedFrom ?record FILTER(?kind = mx:takenFromRecord) }
  OPTIONAL { ?claim mx:evidence ?span . ?span oa:start ?start ; oa:end ?end }
}
GROUP BY ?claim ?kind ?s ?p ?o ?reason ?record
"""
COUNTS = """
PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
SELECT ?kind ?method (COUNT(?claim) AS ?n) WHERE { ?claim a mx:Claim ; mx:statementKind ?kind ; mx:method ?method }
GROUP BY ?kind ?method ORDER BY ?kind ?method
"""


def _show(term: object, names: Any) -> str:
    if isinstance(term, str) and term in names:
        return str(names.display(term))
    return curie(term) if isinstance(term, str) and term.startswith("http") else repr(term)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=Path("build"))
    parser.add_argument("--paper", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    for kind, default in (("stated", 30), ("inferred", 20), ("recorded", 10)):
        parser.add_argument(f"--{kind}", type=int, default=default, help=f"how many {kind} facts to draw")
    args = parser.parse_args()
    store = GraphStore.open(args.graph)
    text = args.paper.read_text(encoding="utf-8")
    names = names_of(store)
    print("# Fidelity sample\n")
    print(f"graph `{args.graph}`, seed {args.seed}\n\n| kind | method | claims |\n|---|---|---|")
    for row in store.rows(COUNTS):
        print(f"| {local_name(row['kind'])} | {local_name(row['method'])} | {row['n']} |")
    facts = store.rows(FACTS)
    by_kind: dict[str, list[dict[str, object]]] = {}
    for row in sorted(facts, key=lambda r: str(r["claim"])):
        by_kind.setdefault(local_name(str(row["kind"])), []).append(row)
    print("\ncurated facts by kind: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(by_kind.items())))
    wanted = {"statedByPaper": args.stated, "inferredByCurators": args.inferred, "takenFromRecord": args.recorded}
    rng = random.Random(args.seed)
    for kind, size in wanted.items():
        sample = rng.sample(by_kind.get(kind, []), min(size, len(by_kind.get(kind, []))))
        print(f"\n## {kind}: {len(sample)} of {len(by_kind.get(kind, []))}\n")
        for number, row in enumerate(sample, start=1):
            print(
                f"{number}. **{_show(row['s'], names)}** {curie(str(row['p']))} **{_show(row['o'], names)}**  (`{curie(str(row['claim']))}`)"
            )
            if row.get("reason"):
                print(f"   - reason: {row['reason']}")
            if row.get("record"):
                print(f"   - record: {row['record']}")
            for span in str(row.get("spans") or "").split():
                start, end = (int(x) for x in span.split("-"))
                print(f"   - [{start}, {end}) “{' '.join(text[start:end].split())}”")
            print("   - verdict: ")
    counts = Counter(local_name(str(r["kind"])) for r in facts)
    print(f"\n(total curated facts: {sum(counts.values())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
