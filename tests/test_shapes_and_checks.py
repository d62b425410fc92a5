"""Planted bad data for every SHACL constraint of ``ontology/shapes.ttl`` and every quality check
of ``queries/checks/*-violation.rq``: each must catch its planted dataset, and nothing else.

``tests/data/planted/good.trig`` is a small dataset that passes everything; each other file there
changes it in one place (triples in the graph ``<urn:planted:remove>`` are taken out, every other
triple is added). A case names the exact SHACL results (node shape, path, constraint component,
focus node) and the exact failing checks it must produce, so deleting a constraint, or adding
``FILTER(false)`` to a check, makes its case fail. The coverage tests fail when a constraint or a
check is added without a planted case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.build.graphs import union as union_of
from kg.build.validation import ValidationResult, run_checks, validate
from kg.paths import ontology_file, queries_dir, shapes_file

PLANTED = Path(__file__).parent / "data" / "planted"
SH = Namespace("http://www.w3.org/ns/shacl#")
OA = Namespace("http://www.w3.org/ns/oa#")
REMOVE = URIRef("urn:planted:remove")
PREFIXES = {
    "https://w3id.org/mxjp-talent/ontology#": "mx:",
    "https://w3id.org/mxjp-talent/shapes#": "",
    "https://w3id.org/mxjp-talent/resource/": "",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/ns/oa#": "oa:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://purl.org/spar/cito/": "cito:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    str(SH): "",
}
#: SHACL parameters and the constraint component each one stands for.
COMPONENTS = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH["class"]: "Class",
    SH.datatype: "Datatype",
    SH["in"]: "In",
    SH.uniqueLang: "UniqueLang",
    SH.languageIn: "LanguageIn",
    SH.hasValue: "HasValue",
    SH.nodeKind: "NodeKind",
    SH["or"]: "Or",
}


def short(node: Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    for namespace, prefix in PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


@cache
def ontology() -> Graph:
    return Graph().parse(ontology_file())


def shapes() -> Graph:
    return Graph().parse(shapes_file())


def load(name: str) -> Dataset:
    """good.trig with the planted file *name* applied (``good`` alone for the good dataset)."""
    dataset = Dataset()
    dataset.parse(PLANTED / "good.trig", format="trig")
    if name == "good":
        return dataset
    delta = Dataset()
    delta.parse(PLANTED / f"{name}.trig", format="trig")
    removed = list(delta.graph(REMOVE))
    for triple in removed:
        assert list(dataset.quads(triple)), f"{name}.trig removes {triple}, which good.trig does not hold"
        dataset.remove(triple)
    for s, p, o, g in delta.quads((None, None, None, None)):
        if g != REMOVE:
            dataset.add((s, p, o, g))  # type: ignore[arg-type]
    return dataset


def shacl_results(result: ValidationResult) -> set[tuple[str | None, ...]]:
    """Each SHACL result as (node shape, path, component, focus node), property shapes named by
    the node shape that holds them."""
    shape_graph = shapes()
    report = result.report
    out: set[tuple[str | None, ...]] = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(r, SH.sourceShape)
        path = report.value(r, SH.resultPath)
        owner = source
        if not isinstance(source, URIRef):  # a property shape: find its node shape by the path
            owners = {n for n, p in shape_graph.subject_objects(SH.property) if shape_graph.value(p, SH.path) == path}
            assert len(owners) == 1, f"cannot tell which shape holds the constraint on {path}: {owners}"
            owner = owners.pop()
        component = short(report.value(r, SH.sourceConstraintComponent))
        out.add(
            (
                short(owner),
                short(path),
                (component or "").removesuffix("ConstraintComponent"),
                short(report.value(r, SH.focusNode)),
            )
        )
    return out


@dataclass(frozen=True)
class Case:
    """A planted file and what it must produce: SHACL results, and the failing checks with the
    resource each one's rows must name."""

    name: str
    shacl: frozenset[tuple[str | None, ...]] = frozenset()
    checks: dict[str, str] = field(default_factory=dict)
    broken: str = ""  # why the check misses it today: the case runs as a strict xfail until fixed


def _c(
    name: str, shape: str, path: str | None, component: str, focus: str, checks: dict[str, str] | None = None
) -> Case:
    return Case(name, frozenset({(shape, path, component, focus)}), checks or {})


NO_EVIDENCE = {"triple-without-evidence-violation.rq": "claim/org", "stated-without-span-violation.rq": "claim/org"}
STATED = {"stated-without-span-violation.rq": "claim/org"}
CASES = [
    # EnglishLabelShape
    _c("label-missing", "EnglishLabelShape", "rdfs:label", "MinCount", "org"),
    _c("label-two-english", "EnglishLabelShape", "rdfs:label", "UniqueLang", "org"),
    _c("label-other-language", "EnglishLabelShape", "rdfs:label", "LanguageIn", "org"),
    Case("label-without-english", checks={"label-without-english-violation.rq": "org"}),
    # ClaimShape
    _c("claim-evidence-not-a-span", "ClaimShape", "mx:evidence", "Class", "claim/org"),
    _c("claim-without-evidence-or-source", "ClaimShape", None, "Or", "claim/org", NO_EVIDENCE),
    _c("claim-literal-source", "ClaimShape", None, "Or", "claim/org", NO_EVIDENCE),
    _c("claim-without-method", "ClaimShape", "mx:method", "MinCount", "claim/org"),
    _c("claim-two-methods", "ClaimShape", "mx:method", "MaxCount", "claim/org"),
    _c("claim-unknown-method", "ClaimShape", "mx:method", "In", "claim/org"),
    _c("claim-without-source-document", "ClaimShape", "prov:wasDerivedFrom", "MinCount", "claim/org"),
    Case(
        "claim-without-statement-kind",
        frozenset({("ClaimShape", "mx:statementKind", "MinCount", "claim/org")}),
        STATED,
    ),
    _c("claim-two-statement-kinds", "ClaimShape", "mx:statementKind", "MaxCount", "claim/org"),
    _c("claim-unknown-statement-kind", "ClaimShape", "mx:statementKind", "In", "claim/org"),
    # InferredClaimShape
    _c("inferred-claim-without-reason", "InferredClaimShape", None, "Or", "claim/status"),
    _c("inferred-claim-without-span", "InferredClaimShape", None, "Or", "claim/status"),
    # TextSpanShape
    _c("span-without-start", "TextSpanShape", "oa:start", "MinCount", "span/100-140"),
    _c("span-two-starts", "TextSpanShape", "oa:start", "MaxCount", "span/100-140"),
    _c("span-start-not-a-count", "TextSpanShape", "oa:start", "Datatype", "span/100-140"),
    _c("span-without-end", "TextSpanShape", "oa:end", "MinCount", "span/100-140"),
    _c("span-two-ends", "TextSpanShape", "oa:end", "MaxCount", "span/100-140"),
    _c("span-end-not-a-count", "TextSpanShape", "oa:end", "Datatype", "span/100-140"),
    # ObservationShape
    _c("observation-without-unit", "ObservationShape", "mx:unit", "MinCount", "obs"),
    _c("observation-two-units", "ObservationShape", "mx:unit", "MaxCount", "obs"),
    _c("observation-unit-not-a-unit", "ObservationShape", "mx:unit", "Class", "obs"),
    _c("observation-two-periods", "ObservationShape", "mx:period", "MaxCount", "obs"),
    _c("observation-period-not-a-string", "ObservationShape", "mx:period", "Datatype", "obs"),
    _c("observation-without-measure", "ObservationShape", "mx:measure", "MinCount", "obs"),
    _c("observation-measure-not-a-measure", "ObservationShape", "mx:measure", "Class", "obs"),
    _c("observation-without-data-set", "ObservationShape", "mx:dataSet", "MinCount", "obs"),
    _c("observation-data-set-not-a-data-set", "ObservationShape", "mx:dataSet", "Class", "obs"),
    _c("observation-without-qualifier", "ObservationShape", "mx:qualifier", "MinCount", "obs"),
    _c("observation-unknown-qualifier", "ObservationShape", "mx:qualifier", "In", "obs"),
    _c("observation-without-value", "ObservationShape", None, "Or", "obs"),
    # CitationShape
    _c("citation-without-cited-work", "CitationShape", "cito:hasCitedEntity", "MinCount", "citation"),
    _c("citation-two-cited-works", "CitationShape", "cito:hasCitedEntity", "MaxCount", "citation"),
    _c("citation-cites-a-non-work", "CitationShape", "cito:hasCitedEntity", "Class", "citation"),
    _c("citation-without-citing-work", "CitationShape", "cito:hasCitingEntity", "MinCount", "citation"),
    _c("citation-two-citing-works", "CitationShape", "cito:hasCitingEntity", "MaxCount", "citation"),
    # CitedWorkShape
    _c("work-without-creator", "CitedWorkShape", "dcterms:creator", "MinCount", "work"),
    _c("work-creator-not-an-actor", "CitedWorkShape", "dcterms:creator", "Class", "work"),
    # ResidenceStatusShape
    _c("status-outside-scheme", "ResidenceStatusShape", "skos:inScheme", "HasValue", "status"),
    # the quality checks
    Case("span-backwards", checks={"span-backwards-violation.rq": "span/140-100"}),
    Case("span-empty", checks={"span-backwards-violation.rq": "span/120-120"}),
    Case("span-outside-paper", checks={"span-outside-paper-violation.rq": "span/100-99999"}),
    Case("stated-without-span", checks={"stated-without-span-violation.rq": "claim/org"}),
    Case("taken-from-record-without-record", checks={"stated-without-span-violation.rq": "claim/work"}),
    Case("triple-without-evidence", checks={"triple-without-evidence-violation.rq": "claim/orphan"}),
    Case("undeclared-term", checks={"undeclared-term-violation.rq": "mx:NotAClass"}),
]
GOOD = ["good", "good-observation-lower-bound", "good-observation-without-period"]
RESOURCE = "https://w3id.org/mxjp-talent/resource/"


def _iri(name: str) -> str:
    return name.replace("mx:", "https://w3id.org/mxjp-talent/ontology#") if name.startswith("mx:") else RESOURCE + name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_planted_bad_data_is_caught_by_its_constraint_and_nothing_else(case: Case) -> None:
    result = validate(ontology(), load(case.name), inferred=Graph())
    assert shacl_results(result) == set(case.shacl), result.text
    if case.broken:  # the shapes part holds; the check part is known to miss: a strict xfail of that part
        assert set(result.check_failures) != set(case.checks), f"{case.name} is caught now: clear `broken`"
        pytest.xfail(case.broken)
    assert not result.conforms, f"{case.name}: planted bad data passed validation"
    assert set(result.check_failures) == set(case.checks), result.check_failures
    for check, resource in case.checks.items():
        rows = result.check_failures[check]
        assert any(f"<{_iri(resource)}>" in row for row in rows), f"{check} does not name {resource}: {rows}"
        assert f"Quality check {check}: {len(rows)} violation(s)" in result.text


@pytest.mark.parametrize("name", GOOD)
def test_good_data_passes_every_shape_and_check(name: str) -> None:
    result = validate(ontology(), load(name), inferred=Graph())
    assert shacl_results(result) == set(), result.text
    assert result.check_failures == {}
    assert result.conforms, result.text


def test_every_constraint_of_every_shape_has_a_planted_case() -> None:
    graph = shapes()
    wanted: set[tuple[str | None, ...]] = set()
    for node in set(graph.subjects(RDF.type, SH.NodeShape)):
        if (node, SH["or"], None) in graph:
            wanted.add((short(node), None, "Or"))
        for prop in graph.objects(node, SH.property):
            path = short(graph.value(prop, SH.path))
            for parameter in set(graph.predicates(prop)):
                if parameter in (SH.path, SH.message):
                    continue
                assert parameter in COMPONENTS, f"{short(node)}: no planted case can know {parameter}"
                wanted.add((short(node), path, COMPONENTS[parameter]))
    covered = {key[:3] for case in CASES for key in case.shacl}
    assert wanted - covered == set(), "constraints without planted bad data"
    assert {"EnglishLabelShape", "ClaimShape", "ObservationShape"} <= {w[0] for w in wanted}


def test_every_quality_check_has_a_planted_case() -> None:
    checks = {p.name for p in (queries_dir() / "checks").glob("*-violation.rq")}
    assert checks, "queries/checks holds no *-violation.rq"
    assert checks - {name for case in CASES for name in case.checks} == set()


def test_every_planted_file_is_a_case_and_is_described_in_the_readme() -> None:
    files = {p.stem for p in PLANTED.glob("*.trig")}
    assert files == {c.name for c in CASES} | set(GOOD)
    readme = (PLANTED / "README.md").read_text(encoding="utf-8")
    for name in files:
        assert f"`{name}.trig`" in readme, f"tests/data/planted/README.md does not describe {name}.trig"


def test_checks_read_the_ontology_from_its_own_graph() -> None:
    """The undeclared-term check finds declarations only because run_checks loads the ontology
    into <urn:kg:ontology>: the good data, which uses only declared terms, passes."""
    assert run_checks(load("good"), ontology()) == {}
    assert "undeclared-term-violation.rq" in run_checks(load("good"), Graph())


# --- how validate() combines the data, the inferred triples, the shapes and the checks -----------

MX = Namespace("https://w3id.org/mxjp-talent/ontology#")
RES = Namespace(RESOURCE)


def test_the_report_text_gives_the_shacl_report_then_each_check_and_its_rows() -> None:
    result = validate(ontology(), load("span-backwards"), inferred=Graph())
    [row] = result.check_failures["span-backwards-violation.rq"]
    assert re.fullmatch(rf'<{RESOURCE}span/140-100> "140"\^\^<\S+> "100"\^\^<\S+>', row), row
    assert result.text.splitlines() == [
        "Validation Report",
        "Conforms: True",
        "Quality check span-backwards-violation.rq: 1 violation(s)",
        f"  {row}",
    ]
    assert result.text.endswith(f"{row}\n")
    shacl = validate(ontology(), load("observation-without-unit"), inferred=Graph())
    assert "Constraint Violation" in shacl.text and "observation has no unit" in shacl.text


def test_a_long_list_of_violations_is_cut_at_twenty_rows() -> None:
    dataset = load("good")
    for i in range(25):
        span = RES[f"span/{200 + i}-{100 + i}"]
        dataset.add((span, RDF.type, MX.TextSpan))
        dataset.add((span, OA.start, Literal(200 + i, datatype=XSD.nonNegativeInteger)))
        dataset.add((span, OA.end, Literal(100 + i, datatype=XSD.nonNegativeInteger)))
    result = validate(ontology(), dataset, inferred=Graph())
    assert len(result.check_failures["span-backwards-violation.rq"]) == 25
    assert "Quality check span-backwards-violation.rq: 25 violation(s)" in result.text
    assert sum(line.startswith(f"  <{RESOURCE}span/") for line in result.text.splitlines()) == 20


def test_inferred_triples_count_and_replace_rdfs_inference() -> None:
    """The build hands over the reasoner's triples: they are validated with the data, and pySHACL
    runs no inference of its own. Without them it applies RDFS with the ontology."""
    missing_unit = load("observation-without-unit")
    inferred = Graph()
    inferred.add((RES.obs, MX.unit, RES.unit))
    assert validate(ontology(), missing_unit, inferred=inferred).conforms
    firm = load("good")
    firm.graph(RES["claim/org"]).add((RES.firm, RDF.type, MX.Company))  # a company (an Actor) with no label
    with_rdfs = validate(ontology(), firm)
    assert ("EnglishLabelShape", "rdfs:label", "MinCount", "firm") in shacl_results(with_rdfs), with_rdfs.text
    assert validate(ontology(), firm, inferred=Graph()).conforms, "with inferred given, no RDFS of pySHACL's own"


def test_a_union_handed_in_is_what_the_shapes_see_and_it_is_not_changed() -> None:
    bad = union_of(load("observation-without-unit"))
    before = len(bad)
    inferred = Graph()
    inferred.add((RES.obs, RDFS.comment, Literal("inferred")))
    result = validate(ontology(), load("good"), inferred=inferred, union=bad)
    assert ("ObservationShape", "mx:unit", "MinCount", "obs") in shacl_results(result)
    assert result.check_failures == {}, "the checks run on the dataset itself"
    assert len(bad) == before, "validate() changed the union it was given"


def test_warnings_of_a_shapes_file_do_not_fail_validation(tmp_path: Path) -> None:
    shape = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix mx: <https://w3id.org/mxjp-talent/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass mx:Actor ;\n"
        "  sh:property [ sh:path skos:altLabel ; sh:minCount 1 ; sh:severity sh:{severity} ] .\n"
    )
    for severity, conforms in (("Warning", True), ("Violation", False)):
        path = tmp_path / f"{severity}.ttl"
        path.write_text(shape.replace("{severity}", severity), encoding="utf-8")
        result = validate(ontology(), load("good"), inferred=Graph(), shapes=path)
        assert result.conforms is conforms, result.text
        assert len(list(result.report.subjects(RDF.type, SH.ValidationResult))) == 2  # org and author
