"""Write the proposed rewrites of the competency questions that scan the corpus (benchmarks/rewrites/*.rq).

    python benchmarks/rewrites/make.py

The questions stay as they are in queries/cq (their owner decides); each file here is the current
question with the changes below, and benchmarks/scale.py times it beside the question and checks,
at every size, that it gives the question's answer. Run this again when a question changes.
"""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "queries" / "cq"
OUT = HERE
VALUES = re.compile(
    r'^( *)VALUES \((\?\w+) (\?\w+)\) \{\s*\(mx:statedByPaper "stated"\) \(mx:inferredByCurators "inferred"\) \(mx:takenFromRecord "record"\)\s*\}',
    re.M,
)


def how(sparql: str) -> str:
    """Each VALUES table of the three kinds of statement as a FILTER IN and a BIND, in place."""
    return VALUES.sub(
        lambda m: (
            f"{m[1]}FILTER({m[2]} IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))\n"
            f'{m[1]}BIND(IF({m[2]} = mx:statedByPaper, "stated", IF({m[2]} = mx:inferredByCurators, "inferred", "record")) AS {m[3]})'
        ),
        sparql,
    )


def sub(text: str, old: str, new: str) -> str:
    """*text* with *old* replaced; *old* must be there (else the question changed: review the rewrite)."""
    if old not in text:
        raise SystemExit(f"the question changed, review its rewrite: {old!r} is no longer in it")
    return text.replace(old, new)


HOW = (
    "the VALUES table that names each kind of statement is joined first (3 rows), so every claim of that "
    "kind in the store is read; FILTER IN + BIND gives the same rows once the claim is bound"
)
MANUAL = {
    "cq01-japanese-patent-companies": [
        ("  GRAPH ?claim { ?reg mx:registrant ?c }\n  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] .\n", ""),
        (
            "  GRAPH ?seatClaim { ?c mx:headquarteredIn res:japan }\n",
            "  GRAPH ?claim { ?reg mx:registrant ?c }\n  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] .\n"
            "  GRAPH ?seatClaim { ?c mx:headquarteredIn res:japan }\n",
        ),
        (
            "  OPTIONAL {\n    ?c mx:mergedInto ?m .",
            "  OPTIONAL {\n    ?c mx:headquarteredIn res:japan ; mx:mergedInto ?m .",
        ),
        (
            "    OPTIONAL { ?merger a mx:Merger ; mx:participant ?c ; mx:result ?m ; mx:date ?mergerYear }",
            "    OPTIONAL { ?merger a mx:Merger ; mx:participant ?c ; mx:result ?m ; mx:date ?mergerYear . ?c mx:headquarteredIn res:japan }",
        ),
    ],
    "cq03-channels-mexico-japan": [
        (
            "  OPTIONAL {\n    ?ch mx:concernsGroup ?g .",
            "  OPTIONAL {\n    ?ch mx:destination res:japan ; mx:concernsGroup ?g .",
        ),
        (
            "  OPTIONAL {\n    ?ch mx:underStatus ?s .",
            "  OPTIONAL {\n    ?ch mx:destination res:japan ; mx:underStatus ?s .",
        ),
    ],
    "cq04-postdoc-salaries": [
        (
            "  GRAPH ?seatClaim { ?i mx:headquarteredIn res:japan }\n",
            '  ?u rdfs:label ?unit . FILTER(lang(?unit) = "en")\n  GRAPH ?seatClaim { ?i mx:headquarteredIn res:japan }\n',
        ),
        (
            '"record")) AS ?instituteHow)\n  ?u rdfs:label ?unit . FILTER(lang(?unit) = "en")\n',
            '"record")) AS ?instituteHow)\n',
        ),
        (
            "  OPTIONAL {\n    GRAPH ?periodClaim { ?obs mx:period ?period }",
            "  OPTIONAL {\n    ?obs mx:measure res:m-monthly-salary .\n    GRAPH ?periodClaim { ?obs mx:period ?period }",
        ),
    ],
    "cq11-nikkei-wages": [
        (
            "  OPTIONAL {\n    GRAPH ?periodClaim { ?obs mx:period ?period }",
            "  OPTIONAL {\n    ?obs mx:measure res:m-hourly-wage .\n    GRAPH ?periodClaim { ?obs mx:period ?period }",
        ),
    ],
    "cq21-fujitsu-laboratories": [
        (
            "  OPTIONAL {\n    { GRAPH ?placeClaim",
            "  OPTIONAL {\n    ?l mx:subOrganizationOf+ res:fujitsu .\n    { GRAPH ?placeClaim",
        ),
    ],
    "cq29-works-cited-for-claims": [
        (
            '  OPTIONAL { ?p rdfs:label ?pl . FILTER(lang(?pl) = "en") }',
            "  OPTIONAL {\n    SELECT DISTINCT ?p ?pl WHERE {\n      ?c2 cito:hasCitingEntity res:mendez-2017 ; mx:citedFor ?claim2 .\n"
            '      GRAPH ?claim2 { ?s2 ?p ?o2 }\n      ?p rdfs:label ?pl . FILTER(lang(?pl) = "en")\n    }\n  }',
        ),
        (
            '  OPTIONAL { ?o rdfs:label ?ol . FILTER(lang(?ol) = "en") }',
            "  OPTIONAL {\n    SELECT DISTINCT ?o ?ol WHERE {\n      ?c3 cito:hasCitingEntity res:mendez-2017 ; mx:citedFor ?claim3 .\n"
            '      GRAPH ?claim3 { ?s3 ?p3 ?o }\n      ?o rdfs:label ?ol . FILTER(lang(?ol) = "en")\n    }\n  }',
        ),
    ],
}
ANCHOR = (
    "an OPTIONAL block that Oxigraph estimates cheap on its own is joined by hashing the block evaluated "
    "once over the whole store; repeating inside it a pattern the required part already holds for the "
    "shared variable (tied to a res: constant) keeps the block to the paper's rows, whichever join is chosen"
)
LABELS = (
    "the label OPTIONALs are joined by hashing every English label of the store (the required part's "
    "estimate saturates); each is replaced by the labels of the terms of the paper's cited claims only "
    "(DISTINCT: one row per label, as before)"
)
MOVED = {
    "cq01-japanese-patent-companies": "the claim's GRAPH pattern moves before the OPTIONAL, so that it is joined on ?reg and ?c "
    "(it shares no other variable with the OPTIONAL)",
    "cq04-postdoc-salaries": "the unit's label moves before the BIND, which cuts a group in two: after it, Oxigraph started "
    "from every English label of the store and evaluated the rest once per label",
}
TARGETS = [  # the anchored questions that scan the corpus, then those over the corpus with the same VALUES join
    "cq01-japanese-patent-companies",
    "cq03-channels-mexico-japan",
    "cq04-postdoc-salaries",
    "cq05-students-over-years",
    "cq10-mexicans-in-japan",
    "cq11-nikkei-wages",
    "cq12-mexico-japan-factors",
    "cq20-mexican-bodies",
    "cq21-fujitsu-laboratories",
    "cq23-researchers-mexico",
    "cq24-conclusions",
    "cq25-evidence-ntt-docomo",
    "cq29-works-cited-for-claims",
    "cq-discrepancies",
    "cq06-laws",
    "cq13-mergers",
    "cq14-company-figures",
    "cq19-universities",
    "cq27-events",
]


def main() -> None:
    """Write one file per question of TARGETS."""
    for name in TARGETS:
        write(name)


def write(name: str) -> None:
    """The rewrite of question *name*, with the reasons in its header."""
    src = (SRC / f"{name}.rq").read_text(encoding="utf-8")
    out = how(src)
    why = [HOW] if out != src else []
    for old, new in MANUAL.get(name, []):
        out = sub(out, old, new)
    if name in MANUAL:
        why.append(LABELS if name.startswith("cq29") else ANCHOR)
    if name in MOVED:
        why.append(MOVED[name])
    header = (
        f"# Proposed rewrite of queries/cq/{name}.rq: the same answer (benchmarks/scale.py checks it at every size)\n"
    )
    header += "".join(f"# - {w}.\n" for w in why)
    (OUT / f"{name}.rq").write_text(header + out, encoding="utf-8")


if __name__ == "__main__":
    main()
