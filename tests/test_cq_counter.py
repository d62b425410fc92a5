"""Each competency question keeps out the counter-examples of tests/cq_counter/, and each of its conditions matters.

On the paper's data alone, deleting a filter often leaves a question's answer as it was: cq01 without
``mx:headquarteredIn res:japan`` gives the same rows, because the paper's data holds no 2012 patent
registration in Mexico by a company headquartered elsewhere (issue 12). So each question has a file
``tests/cq_counter/<name>.trig`` of invented items, shaped like the built graph (claims as named
graphs with their provenance in the default graph, observations as Data Cube), that the question must
not report; each meets every condition of the question but one, named in the file's header.

- Loaded next to the paper's graph, the counter-examples leave every answer unchanged.
- Each condition listed in :data:`MUTATIONS`, once deleted (or loosened), lets a counter-example in:
  the answer changes with the counter-examples loaded, and the change is not only the one the
  paper's data already shows. This proves that the counter-examples bite.
- :data:`COVERED_BY_THE_PAPER` lists the conditions no counter-example can test (deleting a member
  of a ``VALUES`` list keeps more out instead of letting something in) that the paper's data tests.
  A ``VALUES`` member the paper's data does not use gets a witness instead, an item the question
  must report: ``<name>.witness.trig``, with the rows it adds in ``<name>.witness.csv``.
- A question that lets one of its counter-examples in is wrong: :data:`PROPOSED_FIXES` holds the
  fix. The tests above run the fixed query (so they still catch a condition deleted from the .rq
  file), check that the fix leaves the paper's answer as it is and that each of its parts keeps a
  counter-example out, and mark the question as written as an expected failure (strict).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.sparql.questions import questions
from kg.sparql.results import serialize
from kg.sparql.store import GraphStore
from kg.terms import NAMESPACES

HERE = Path(__file__).parent / "cq_counter"
MX_NS = NAMESPACES["mx"]
RES_NS = NAMESPACES["res"]
COUNTER_NS = RES_NS + "counter/"
QUESTIONS = {q.name: q for q in questions()}

Edit = tuple[str, str, str]
"""(what the edit does, text of the query to replace, replacement); every occurrence is replaced."""

_PROVENANCE = (
    "GRAPH ?claim { ?reg mx:registrant ?c }\n  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] .",
    "OPTIONAL { GRAPH ?claim { ?reg mx:registrant ?c }\n  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] . }",
)
_EVIDENCE = (
    "?claim mx:evidence [ oa:start ?start ; oa:end ?end ] .",
    "OPTIONAL { ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] }",
)

MUTATIONS: dict[str, list[Edit]] = {
    "cq01-japanese-patent-companies": [
        ("registration type deleted", "?reg a mx:PatentRegistration ; mx:registrant", "?reg mx:registrant"),
        ("registered in any country", "mx:registeredIn res:mexico", "mx:registeredIn ?anywhere"),
        ("year filter deleted", 'FILTER(STR(?year) = "2012")', ""),
        ("company type deleted", "?c a mx:Company ; rdfs:label", "?c rdfs:label"),
        (
            "headquarters filter deleted",
            "GRAPH ?seatClaim { ?c mx:headquarteredIn res:japan }",
            "GRAPH ?seatClaim { ?c mx:headquarteredIn ?anywhere }",
        ),
        ("English company label not required", 'FILTER(lang(?company) = "en")', ""),
        ("claim of the registrant made optional", *_PROVENANCE),
        ("evidence of the claim made optional", *_EVIDENCE),
        ("merger result not required", "mx:result ?m ; ", ""),
        ("merger type deleted", "?merger a mx:Merger ; mx:participant", "?merger mx:participant"),
        ("English merged-into label not required", 'FILTER(lang(?mergedInto) = "en")', ""),
    ],
    "cq02-patents-by-country-2012": [
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("any measure", "mx:measure res:m-patents-registered", "mx:measure ?anyMeasure"),
        ("period deleted", 'mx:period "2012" ; ', ""),
        ("area deleted", "mx:refArea res:mexico ;", ""),
        ("country type deleted", "?c a mx:Country ; rdfs:label", "?c rdfs:label"),
        ("English country label not required", 'FILTER(lang(?country) = "en")', ""),
        ("English source label not required", 'FILTER(lang(?source) = "en")', ""),
    ],
    "cq03-channels-mexico-japan": [
        ("channel type deleted", "?ch a mx:MigrationChannel ; rdfs:label", "?ch rdfs:label"),
        ("channel destination deleted", "rdfs:label ?channel ; mx:destination res:japan .", "rdfs:label ?channel ."),
        (
            "channel's origin anywhere",
            "GRAPH ?channelClaim { ?ch mx:origin res:mexico }",
            "GRAPH ?channelClaim { ?ch mx:origin ?anywhere }",
        ),
        ("flow type deleted", "?flow a mx:MigrationFlow ; mx:origin", "?flow mx:origin"),
        (
            "flow origin deleted",
            "?flow a mx:MigrationFlow ; mx:origin res:mexico ; mx:destination res:japan .",
            "?flow a mx:MigrationFlow ; mx:destination res:japan .",
        ),
        (
            "flow destination deleted",
            "?flow a mx:MigrationFlow ; mx:origin res:mexico ; mx:destination res:japan .",
            "?flow a mx:MigrationFlow ; mx:origin res:mexico .",
        ),
        ("English channel label not required", 'FILTER(lang(?channel) = "en")', ""),
        ("English group label not required", 'FILTER(lang(?group) = "en")', ""),
        ("English status label not required", 'FILTER(lang(?status) = "en")', ""),
    ],
    "cq04-postdoc-salaries": [
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("any measure", "mx:measure res:m-monthly-salary", "mx:measure ?anyMeasure"),
        ("any population", "mx:refPopulation res:postdoctoral-researchers", "mx:refPopulation ?anyone"),
        ("research institute type deleted", "?i a mx:ResearchInstitute ; rdfs:label", "?i rdfs:label"),
        (
            "headquartered anywhere",
            "GRAPH ?seatClaim { ?i mx:headquarteredIn res:japan }",
            "GRAPH ?seatClaim { ?i mx:headquarteredIn ?anywhere }",
        ),
        ("English institute label not required", 'FILTER(lang(?institute) = "en")', ""),
        ("English unit label not required", 'FILTER(lang(?unit) = "en")', ""),
    ],
    "cq05-students-over-years": [
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("any measure", "mx:measure res:m-international-students", "mx:measure ?anyMeasure"),
        ("area deleted", "mx:refArea res:japan ; ", ""),
        ("data set deleted", " ;\n       mx:dataSet res:ds-foreign-residents-japan .", " ."),
        ("English source label not required", 'FILTER(lang(?reportedBy) = "en")', ""),
        (
            "claim of the year made optional",
            "GRAPH ?periodClaim { ?obs mx:period ?period }\n  ?periodClaim mx:statementKind ?periodKind .\n  FILTER(?periodKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?periodClaim { ?obs mx:period ?period }\n  ?periodClaim mx:statementKind ?periodKind .\n  FILTER(?periodKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }",
        ),
    ],
    "cq06-laws": [
        ("law type deleted", "?l a mx:Law ; rdfs:label", "?l rdfs:label"),
        ("English law label not required", 'FILTER(lang(?law) = "en")', ""),
        ("English label of what it regulates not required", 'FILTER(lang(?regulates) = "en")', ""),
        ("English label of the enforcing body not required", 'FILTER(lang(?enforcedBy) = "en")', ""),
    ],
    "cq07-works-cited-for-figures": [
        ("citing paper deleted", "?c cito:hasCitingEntity res:mendez-2017 ; a mx:Citation", "?c a mx:Citation"),
        ("citation type deleted", "res:mendez-2017 ; a mx:Citation ;", "res:mendez-2017 ;"),
        ("English work label not required", 'FILTER(lang(?work) = "en")', ""),
        ("English figure label not required", 'FILTER(lang(?figure) = "en")', ""),
    ],
    "cq08-residence-statuses": [
        ("status type deleted", "?s a mx:ResidenceStatus ; skos:inScheme", "?s skos:inScheme"),
        ("scheme deleted", "skos:inScheme mx:ResidenceStatusScheme ; ", ""),
        ("English label not required", 'FILTER(lang(?status) = "en")', ""),
        ("Japanese label not required", 'FILTER(lang(?japanese) = "ja")', ""),
    ],
    "cq09-student-status-institutions": [
        ("any status", "res:status-student mx:requiresEnrolmentIn", "?status mx:requiresEnrolmentIn"),
        ("English label not required", 'FILTER(lang(?kind) = "en")', ""),
    ],
    "cq10-mexicans-in-japan": [
        (
            "Mexican students removed from the VALUES",
            "VALUES ?population { res:mexicans-in-japan res:mexican-students-in-japan }",
            "VALUES ?population { res:mexicans-in-japan }",
        ),
        ("VALUES deleted", "VALUES ?population { res:mexicans-in-japan res:mexican-students-in-japan }", ""),
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("English measure label not required", 'FILTER(lang(?measure) = "en")', ""),
        ("English unit label not required", 'FILTER(lang(?unit) = "en")', ""),
        ("English category label not required", 'FILTER(lang(?category) = "en")', ""),
    ],
    "cq11-nikkei-wages": [
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("any measure", "mx:measure res:m-hourly-wage", "mx:measure ?anyMeasure"),
        ("population deleted", "mx:refPopulation res:brazilian-nikkei ; ", ""),
        ("category type deleted", "?s a mx:Concept ; rdfs:label", "?s rdfs:label"),
        ("English sex label not required", 'FILTER(lang(?sex) = "en")', ""),
        ("English place label not required", 'FILTER(lang(?place) = "en")', ""),
        ("English unit label not required", 'FILTER(lang(?unit) = "en")', ""),
    ],
    "cq12-mexico-japan-factors": [
        ("any flow", "res:flow-mexico-japan mx:drivenBy ?f", "?flow mx:drivenBy ?f"),
        ("English factor label not required", 'FILTER(lang(?factor) = "en")', ""),
        (
            "claim made optional",
            "GRAPH ?claim { res:flow-mexico-japan mx:drivenBy ?f }\n"
            "  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] .",
            "OPTIONAL { GRAPH ?claim { res:flow-mexico-japan mx:drivenBy ?f }\n"
            "  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] . }",
        ),
        ("evidence of the claim made optional", *_EVIDENCE),
    ],
    "cq13-mergers": [
        ("merger type deleted", "?m a mx:Merger ; rdfs:label", "?m rdfs:label"),
        ("English merger label not required", 'FILTER(lang(?merger) = "en")', ""),
        ("English participant label not required", 'FILTER(lang(?participant) = "en")', ""),
        ("English result label not required", 'FILTER(lang(?result) = "en")', ""),
        (
            "claim of the participant made optional",
            "GRAPH ?participantClaim { ?m mx:participant ?p }\n  ?participantClaim mx:statementKind ?participantKind .\n  FILTER(?participantKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?participantClaim { ?m mx:participant ?p }\n"
            "  ?participantClaim mx:statementKind ?participantKind .\n  FILTER(?participantKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }",
        ),
    ],
    "cq14-company-figures": [
        ("observation type deleted", "?obs a mx:Observation ; mx:refActor", "?obs mx:refActor"),
        ("company type deleted", "?c a mx:Company ; rdfs:label", "?c rdfs:label"),
        ("English company label not required", 'FILTER(lang(?company) = "en")', ""),
        ("English measure label not required", 'FILTER(lang(?measure) = "en")', ""),
        ("English unit label not required", 'FILTER(lang(?unit) = "en")', ""),
        ("English area label not required", 'FILTER(lang(?where) = "en")', ""),
    ],
    "cq15-citations-per-work": [
        ("citing paper deleted", "?c cito:hasCitingEntity res:mendez-2017 ; a mx:Citation", "?c a mx:Citation"),
        ("citation type deleted", "res:mendez-2017 ; a mx:Citation ;", "res:mendez-2017 ;"),
        ("cited-work type deleted", "?w a mx:CitedWork ; rdfs:label", "?w rdfs:label"),
        ("English work label not required", 'FILTER(lang(?work) = "en")', ""),
    ],
    "cq16-citations-with-pages": [
        ("pages not required", "rdfs:label ?citation ; mx:pages ?pages }", "rdfs:label ?citation }"),
        ("citing paper deleted", "?c cito:hasCitingEntity res:mendez-2017 ; a mx:Citation", "?c a mx:Citation"),
        ("citation type deleted", "res:mendez-2017 ; a mx:Citation ;", "res:mendez-2017 ;"),
        (
            "evidence made optional",
            "?claim mx:evidence ?span .\n  ?span oa:start ?start ; oa:end ?end ; mx:inSection ?s .",
            "OPTIONAL { ?claim mx:evidence ?span .\n  ?span oa:start ?start ; oa:end ?end ; mx:inSection ?s . }",
        ),
        (
            "section made optional",
            "oa:end ?end ; mx:inSection ?s .",
            "oa:end ?end . OPTIONAL { ?span mx:inSection ?s }",
        ),
    ],
    "cq17-foreigners-by-continent": [
        ("period deleted", 'mx:period "2016" ; ', ""),
        ("any measure", "mx:measure res:m-share-of-foreign-residents", "mx:measure ?anyMeasure"),
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("continent type deleted", "?c a mx:Continent ; rdfs:label", "?c rdfs:label"),
        ("English continent label not required", 'FILTER(lang(?continent) = "en")', ""),
    ],
    "cq18-brain-concepts": [
        ("VALUES deleted", "VALUES ?c { res:brain-drain res:brain-gain res:brain-circulation }", ""),
        ("English definition not required", ' && lang(?definition) = "en"', ""),
        ("English label not required", 'lang(?concept) = "en" && ', ""),
    ],
    "cq19-universities": [
        ("university type deleted", "a mx:University", "a ?anyClass"),
        ("universities the paper does not name allowed", " FILTER(?nameKind = mx:statedByPaper)", ""),
        ("English university label not required", 'FILTER(lang(?university) = "en")', ""),
        ("city type deleted", "?p a mx:City ; rdfs:label", "?p rdfs:label"),
        ("English place label not required", 'FILTER(lang(?place) = "en")', ""),
    ],
    "cq20-mexican-bodies": [
        ("body type deleted", "?b a mx:GovernmentBody ; rdfs:label", "?b rdfs:label"),
        ("headquartered anywhere", "mx:headquarteredIn res:mexico", "mx:headquarteredIn ?anywhere"),
        ("English body label not required", 'FILTER(lang(?body) = "en")', ""),
        ("English programme label not required", 'FILTER(lang(?programme) = "en")', ""),
    ],
    "cq21-fujitsu-laboratories": [
        ("any group", "res:fujitsu", "?group"),
        (
            "claim of the laboratory's link made optional",
            "GRAPH ?labClaim { ?l mx:subOrganizationOf ?parent }\n  ?parent mx:subOrganizationOf* res:fujitsu .\n"
            "  ?labClaim mx:statementKind ?labKind .\n  FILTER(?labKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?labClaim { ?l mx:subOrganizationOf ?parent }\n  ?parent mx:subOrganizationOf* res:fujitsu .\n"
            "  ?labClaim mx:statementKind ?labKind .\n  FILTER(?labKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }",
        ),
        ("English laboratory label not required", 'FILTER(lang(?lab) = "en")', ""),
        ("English place label not required", 'FILTER(lang(?place) = "en")', ""),
    ],
    "cq22-paper-spellings": [
        ("types outside the ontology allowed", "FILTER(STRSTARTS(STR(?t), STR(mx:)))", ""),
        ("English label not required", 'FILTER(lang(?canonical) = "en")', ""),
    ],
    "cq23-researchers-mexico": [
        ("observation type deleted", "?obs a mx:Observation ; mx:measure", "?obs mx:measure"),
        ("any measure", "mx:measure res:m-researchers", "mx:measure ?anyMeasure"),
        ("area deleted", "mx:refArea res:mexico ; ", ""),
        (
            "claim of the year made optional",
            "GRAPH ?periodClaim { ?obs mx:period ?period }\n  ?periodClaim mx:statementKind ?periodKind .\n  FILTER(?periodKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?periodClaim { ?obs mx:period ?period }\n  ?periodClaim mx:statementKind ?periodKind .\n  FILTER(?periodKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }",
        ),
    ],
    "cq24-conclusions": [
        ("conclusion type deleted", "?c a mx:Conclusion ;", "?c"),
        ("English topic label not required", 'FILTER(lang(?about) = "en")', ""),
        ("paper deleted", "mx:partOf res:mendez-2017 ; ", ""),
        (
            "claim of the topic made optional",
            "GRAPH ?aboutClaim { ?c mx:about ?a }\n  ?aboutClaim mx:statementKind ?aboutKind .\n  FILTER(?aboutKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?aboutClaim { ?c mx:about ?a }\n  ?aboutClaim mx:statementKind ?aboutKind .\n  FILTER(?aboutKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }",
        ),
    ],
    "cq25-evidence-ntt-docomo": [
        ("any subject", "GRAPH ?claim { res:ntt-docomo ?p ?o }", "GRAPH ?claim { ?subject ?p ?o }"),
        ("any method", "?claim mx:method mx:curation ; mx:evidence ?span .", "?claim mx:evidence ?span ."),
        (
            "evidence made optional",
            "?claim mx:method mx:curation ; mx:evidence ?span .\n  ?span oa:start ?start ; oa:end ?end .",
            "?claim mx:method mx:curation .\n  OPTIONAL { ?claim mx:evidence ?span . ?span oa:start ?start ; oa:end ?end . }",
        ),
    ],
    "cq26-collaborations": [
        ("an organisation may pair with itself", "FILTER(STR(?a) < STR(?b))", "FILTER(STR(?a) <= STR(?b))"),
        ("English label of the first not required", 'FILTER(lang(?a) = "en")', ""),
        ("English label of the second not required", 'FILTER(lang(?b) = "en")', ""),
    ],
    "cq27-events": [
        ("event type deleted", "?e a mx:Event ; a ?t ;", "?e a ?t ;"),
        ("English label not required", 'FILTER(lang(?event) = "en")', ""),
        ("types outside the ontology allowed", "FILTER(STRSTARTS(STR(?t), STR(mx:)))", ""),
        (
            "claim of the date made optional",
            "GRAPH ?dateClaim { ?e mx:date ?date }\n  ?dateClaim mx:statementKind ?dateKind .\n  FILTER(?dateKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?dateClaim { ?e mx:date ?date }\n  ?dateClaim mx:statementKind ?dateKind .\n  FILTER(?dateKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }",
        ),
    ],
    "cq28-foreign-residents": [
        ("period deleted", 'mx:period "2016" ; ', ""),
        ("data set deleted", "mx:dataSet res:ds-foreign-residents-japan ; ", ""),
        ("observation type deleted", "?obs a mx:Observation ; mx:dataSet", "?obs mx:dataSet"),
        ("English measure label not required", 'FILTER(lang(?measure) = "en")', ""),
        ("English category label not required", 'FILTER(lang(?category) = "en")', ""),
        ("VALUES deleted", "VALUES ?population { res:foreigners-in-japan res:americans-in-japan }", ""),
        (
            "other continents' shares of all foreigners allowed",
            "FILTER(?population = res:americans-in-japan || NOT EXISTS { ?obs mx:refCategory ?other . "
            "FILTER(?other != res:americas) })",
            "",
        ),
        ("English scope not required", 'FILTER(lang(?scope) = "en")', ""),
    ],
    "cq29-works-cited-for-claims": [
        (
            "citing paper deleted",
            "?c cito:hasCitingEntity res:mendez-2017 ; cito:hasCitedEntity",
            "?c cito:hasCitedEntity",
        ),
        ("claim type deleted", "?claim a mx:Claim ; mx:statementKind", "?claim mx:statementKind"),
        ("claims the paper does not state allowed", "mx:statementKind mx:statedByPaper ; ", ""),
        (
            "evidence made optional",
            "mx:statementKind mx:statedByPaper ; mx:evidence [ oa:start ?start ; oa:end ?end ] .",
            "mx:statementKind mx:statedByPaper . OPTIONAL { ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] }",
        ),
        ("types allowed as statements", "rdf:type, ", ""),
        ("labels allowed as statements", "rdfs:label, skos:altLabel", "skos:altLabel"),
        ("alternative labels allowed as statements", "skos:altLabel, ", ""),
        ("definitions allowed as statements", "skos:definition, ", ""),
        ("paper spellings allowed as statements", "mx:paperSpelling, ", ""),
        ("schemes allowed as statements", ", skos:inScheme", ""),
        ("English subject label not required", 'FILTER(lang(?subject) = "en")', ""),
        ("English work label not required", 'FILTER(lang(?work) = "en")', ""),
    ],
    "cq30-inferred-facts": [
        ("any kind of statement", "mx:statementKind mx:inferredByCurators", "mx:statementKind ?anyKind"),
        ("English reason not required", 'FILTER(lang(?reason) = "en")', ""),
    ],
    "cq-discrepancies": [
        ("discrepancy type deleted", "?d a mx:Discrepancy ;", "?d"),
        ("English entity label not required", 'FILTER(lang(?entity) = "en")', ""),
        (
            "claim of the paper's value made optional",
            "GRAPH ?claim { ?d mx:paperValue ?paperValue }\n  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] .",
            "OPTIONAL { GRAPH ?claim { ?d mx:paperValue ?paperValue }\n"
            "  ?claim mx:evidence [ oa:start ?start ; oa:end ?end ] . }",
        ),
        ("evidence of the claim made optional", *_EVIDENCE),
        (
            "claim of the record's value made optional",
            "GRAPH ?recordClaim { ?d mx:recordValue ?recordValue }\n  ?recordClaim mx:statementKind ?recordKind .\n  FILTER(?recordKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord))",
            "OPTIONAL { GRAPH ?recordClaim { ?d mx:recordValue ?recordValue }\n  ?recordClaim mx:statementKind ?recordKind .\n  FILTER(?recordKind IN (mx:statedByPaper, mx:inferredByCurators, mx:takenFromRecord)) }"
            "\n  ?d mx:recordValue ?recordValue .",
        ),
    ],
}
"""Per question, the conditions to delete or loosen; each must change the answer with the counter-examples loaded."""

COVERED_BY_THE_PAPER: dict[str, list[Edit]] = {
    "cq03-channels-mexico-japan": [
        (
            "a channel that starts in Mexico also counted through the flow",
            "\n    FILTER NOT EXISTS { ?ch mx:origin res:mexico }",
            "",
        ),
    ],
    "cq10-mexicans-in-japan": [
        (
            "Mexicans in Japan removed from the VALUES",
            "VALUES ?population { res:mexicans-in-japan res:mexican-students-in-japan }",
            "VALUES ?population { res:mexican-students-in-japan }",
        ),
    ],
    "cq18-brain-concepts": [
        (
            "brain gain removed from the VALUES",
            "res:brain-drain res:brain-gain res:brain-circulation",
            "res:brain-drain res:brain-circulation",
        ),
    ],
    "cq22-paper-spellings": [
        (
            "most specific type not required",
            "FILTER NOT EXISTS { ?e a ?sub . ?sub rdfs:subClassOf ?t . FILTER(?sub != ?t) }",
            "",
        ),
        ("English type label not required", 'FILTER(lang(?type) = "en")', ""),
    ],
    "cq27-events": [
        (
            "most specific type not required",
            "FILTER NOT EXISTS { ?e a ?sub . ?sub rdfs:subClassOf ?t . FILTER(?sub != ?t) }",
            "",
        ),
        ("English type label not required", 'FILTER(lang(?type) = "en")', ""),
    ],
    "cq28-foreign-residents": [
        (
            "the Americans removed from the VALUES",
            "VALUES ?population { res:foreigners-in-japan res:americans-in-japan }",
            "VALUES ?population { res:foreigners-in-japan }",
        ),
        (
            "all foreigners removed from the VALUES",
            "VALUES ?population { res:foreigners-in-japan res:americans-in-japan }",
            "VALUES ?population { res:americans-in-japan }",
        ),
    ],
}
"""Conditions no counter-example can test: deleting a VALUES member keeps more out rather than letting something
in, and the rows the most-specific-type filter drops belong to entities the question reports. The paper's data
tests these: deleting them changes its answer, so tests/test_cq.py fails as well."""

PROPOSED_FIXES: dict[str, list[Edit]] = {}
"""Questions that let a counter-example in, with the fix proposed for each (queries/cq/ is not edited here).
Once a question is fixed in its .rq file, delete its entry: its edits no longer apply, and the question as
written now passes the test marked as an expected failure."""


# ---------------------------------------------------------------- helpers


def _edit(sparql: str, edits: list[Edit], where: str) -> str:
    for what, old, new in edits:
        assert old in sparql, f"{where}: {what!r} looks for text the query no longer has: {old!r}; update the edit"
        sparql = sparql.replace(old, new)
    return sparql


def _sparql(name: str) -> str:
    """The question's query, with its proposed fix applied when it has one."""
    where = f"{name} (proposed fix; once the .rq file is fixed, delete its entry from PROPOSED_FIXES)"
    return _edit(QUESTIONS[name].sparql, PROPOSED_FIXES.get(name, []), where)


def _ordered(sparql: str) -> bool:
    return "ORDER BY" in sparql.upper()


Row = tuple[str | None, ...]


def _answer(store: GraphStore, sparql: str) -> list[Row]:
    result = store.query(sparql)
    names = list(result.variables)
    return [tuple(None if s[v] is None else str(s[v]) for v in names) for s in result]


def _same(a: list[Row], b: list[Row], ordered: bool) -> bool:
    return a == b if ordered else Counter(a) == Counter(b)


def _effect(mutated: list[Row], original: list[Row]) -> tuple[Counter[Row], Counter[Row]]:
    """Rows the mutation adds, and rows it loses."""
    return Counter(mutated) - Counter(original), Counter(original) - Counter(mutated)


def _show(rows: Counter[Row] | list[Row], limit: int = 5) -> str:
    items = list(rows.elements() if isinstance(rows, Counter) else rows)
    more = f" (and {len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(repr(r) for r in items[:limit]) + more


def _counter_file(name: str) -> Path:
    return HERE / f"{name}.trig"


def _witness_files(name: str) -> tuple[Path, Path] | None:
    trig, rows = HERE / f"{name}.witness.trig", HERE / f"{name}.witness.csv"
    return (trig, rows) if trig.exists() or rows.exists() else None


class Graphs:
    """The built graph, alone or with a question's counter-examples (and witness); the last few kept."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.base = GraphStore.open(directory)
        self._cache: dict[tuple[Path, ...], GraphStore] = {}

    def with_files(self, *files: Path) -> GraphStore:
        if files not in self._cache:
            store = GraphStore.open(self.directory)
            for path in files:
                store.store.load(path=str(path), format=ox.RdfFormat.TRIG)
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[files] = store
        return self._cache[files]

    def counter(self, name: str) -> GraphStore:
        return self.with_files(_counter_file(name))

    def everything(self, name: str) -> GraphStore:
        witness = _witness_files(name)
        return self.with_files(_counter_file(name), *((witness[0],) if witness else ()))


@pytest.fixture(scope="module")
def graphs(full_graph: Path) -> Graphs:
    return Graphs(full_graph)


def _mutations() -> Iterator[object]:
    for name, edits in MUTATIONS.items():
        for edit in edits:
            yield pytest.param(name, edit, id=f"{name}: {edit[0]}")


def _covered() -> Iterator[object]:
    for name, edits in COVERED_BY_THE_PAPER.items():
        for edit in edits:
            yield pytest.param(name, edit, id=f"{name}: {edit[0]}")


def _fix_parts() -> Iterator[object]:
    for name, edits in PROPOSED_FIXES.items():
        for i, edit in enumerate(edits):
            yield pytest.param(name, i, id=f"{name}: {edit[0]}")


def _wrong_questions() -> Iterator[object]:
    for name, edits in PROPOSED_FIXES.items():
        fix = "; ".join(what for what, _, _ in edits)
        reason = f"{name} lets a counter-example in (proposed fix: {fix}); once fixed, delete it from PROPOSED_FIXES"
        yield pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason), id=name)


# ---------------------------------------------------------------- the files


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_every_question_has_a_counter_example_file(name: str) -> None:
    path = _counter_file(name)
    assert path.is_file(), f"{path}: missing; every competency question needs counter-examples its filters must exclude"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Counter-examples for "), f"{path}: should open with a comment block naming each item"
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    assert quads, f"{path}: holds no data"
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs, f"{path}: no claim graph; counter-examples are claims, like the real graph's facts"
    strays = sorted(g for g in graphs if not g.startswith(COUNTER_NS))
    assert not strays, f"{path}: claim graphs outside {COUNTER_NS} could clash with the real ones: {strays}"


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_counter_examples_use_only_terms_and_resources_the_graph_has(name: str, graphs: Graphs) -> None:
    """A misspelt term (mx:refPopulaton, res:mexcio) would keep an item out for the wrong reason."""
    paths = [_counter_file(name), *(_witness_files(name) or ())[:1]]
    iris = {
        term.value
        for path in paths
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
        for term in (quad.subject, quad.predicate, quad.object)
        if isinstance(term, ox.NamedNode)
    }
    ours = [i for i in iris if i.startswith((MX_NS, RES_NS)) and not i.startswith(COUNTER_NS)]
    unknown = sorted(
        i for i in ours if next(graphs.base.store.quads_for_pattern(ox.NamedNode(i), None, None), None) is None
    )
    assert not unknown, f"{name}: the counter-examples name terms or resources the built graph does not have: {unknown}"


def test_no_counter_example_file_without_its_question() -> None:
    for path in sorted(HERE.iterdir()):
        stem = path.name.split(".", 1)[0]
        assert stem in QUESTIONS, f"{path}: no competency question called {stem}"
        assert path.name in (f"{stem}.trig", f"{stem}.witness.trig", f"{stem}.witness.csv"), f"{path}: unexpected file"


def test_every_question_lists_the_conditions_its_counter_examples_test() -> None:
    assert set(MUTATIONS) == set(QUESTIONS), (
        f"questions without mutations: {sorted(set(QUESTIONS) - set(MUTATIONS))}; "
        f"mutations of no question: {sorted(set(MUTATIONS) - set(QUESTIONS))}"
    )
    assert all(MUTATIONS.values())
    assert set(COVERED_BY_THE_PAPER) <= set(QUESTIONS) and set(PROPOSED_FIXES) <= set(QUESTIONS)


# ---------------------------------------------------------------- the answers


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_counter_examples_leave_the_answer_unchanged(name: str, graphs: Graphs) -> None:
    sparql = _sparql(name)
    before = _answer(graphs.base, sparql)
    assert before, f"{name}: no answer on the paper's graph, so nothing to compare"
    if name in PROPOSED_FIXES:
        as_written = _answer(graphs.base, QUESTIONS[name].sparql)
        assert _same(before, as_written, _ordered(sparql)), f"{name}: the proposed fix changes the paper's answer"
    after = _answer(graphs.counter(name), sparql)
    added, lost = _effect(after, before)
    assert _same(after, before, _ordered(sparql)), (
        f"{name}: the counter-examples of {_counter_file(name).name} changed the answer; "
        f"rows let in: {_show(added)}; rows lost: {_show(lost)}"
    )


@pytest.mark.parametrize("name", list(_wrong_questions()))
def test_question_as_written_keeps_its_counter_examples_out(name: str, graphs: Graphs) -> None:
    sparql = QUESTIONS[name].sparql
    before, after = _answer(graphs.base, sparql), _answer(graphs.counter(name), sparql)
    assert _same(after, before, _ordered(sparql)), f"{name} lets in: {_show(_effect(after, before)[0])}"


@pytest.mark.parametrize("name", [n for n in QUESTIONS if _witness_files(n)])
def test_witness_adds_exactly_its_rows(name: str, graphs: Graphs) -> None:
    witness = _witness_files(name)
    assert witness and all(p.is_file() for p in witness), f"{name}: a witness needs both its .trig and its .csv"
    trig, expected_csv = witness
    sparql = _sparql(name)

    def table(store: GraphStore) -> tuple[list[str], list[tuple[str, ...]]]:
        reader = csv.reader(io.StringIO(serialize(store.query(sparql), "csv").decode("utf-8")))
        return next(reader), [tuple(r) for r in reader]

    reader = csv.reader(io.StringIO(expected_csv.read_text(encoding="utf-8")))
    header, expected = next(reader), [tuple(r) for r in reader]
    assert expected, f"{expected_csv}: lists no row"
    base_header, base = table(graphs.base)
    got_header, got = table(graphs.with_files(trig))
    assert got_header == base_header == header
    assert Counter(got) - Counter(base) == Counter(expected) and not Counter(base) - Counter(got), (
        f"{name}: the witness should add exactly the rows of {expected_csv.name}"
    )


@pytest.mark.parametrize(("name", "edit"), list(_mutations()))
def test_deleting_a_condition_lets_a_counter_example_in(name: str, edit: Edit, graphs: Graphs) -> None:
    sparql = _sparql(name)
    mutated = _edit(sparql, [edit], name)
    loaded = graphs.everything(name)
    original_answer, mutated_answer = _answer(loaded, sparql), _answer(loaded, mutated)
    assert not _same(mutated_answer, original_answer, _ordered(sparql)), (
        f"{name}: with {edit[0]!r} the answer stays the same even with the counter-examples loaded; "
        "no counter-example depends on that condition"
    )
    on_counter = _effect(mutated_answer, original_answer)
    on_paper = _effect(_answer(graphs.base, mutated), _answer(graphs.base, sparql))
    assert on_counter != on_paper, (
        f"{name}: {edit[0]!r} changes the paper's answer, but no counter-example makes a difference to it; "
        f"added: {_show(on_counter[0])}; lost: {_show(on_counter[1])}"
    )


@pytest.mark.parametrize(("name", "edit"), list(_covered()))
def test_conditions_no_counter_example_can_test_are_tested_by_the_paper(name: str, edit: Edit, graphs: Graphs) -> None:
    sparql = _sparql(name)
    mutated = _edit(sparql, [edit], name)
    assert not _same(_answer(graphs.base, mutated), _answer(graphs.base, sparql), _ordered(sparql)), (
        f"{name}: with {edit[0]!r} the paper's answer stays the same; the condition needs a counter-example or a witness"
    )


@pytest.mark.parametrize(("name", "index"), list(_fix_parts()))
def test_each_part_of_a_proposed_fix_keeps_a_counter_example_out(name: str, index: int, graphs: Graphs) -> None:
    edits = PROPOSED_FIXES[name]
    partial = _edit(QUESTIONS[name].sparql, edits[:index] + edits[index + 1 :], name)
    store = graphs.counter(name)
    assert not _same(_answer(store, partial), _answer(store, _sparql(name)), _ordered(partial)), (
        f"{name}: without {edits[index][0]!r} the fix keeps out the same counter-examples; that part is not needed"
    )
