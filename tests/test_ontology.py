"""The ontology: versions match, every term is annotated, disjointness catches mistakes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from kg.namespaces import MX, ONTOLOGY_IRI
from kg.paths import ontology_file

ROOT = Path(__file__).resolve().parents[1]


def _ontology() -> Graph:
    return Graph().parse(ontology_file())


def test_version_iri_matches_package_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    g = _ontology()
    assert g.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"https://w3id.org/mxjp-talent/ontology/{version}")
    assert str(g.value(ONTOLOGY_IRI, OWL.versionInfo)) == version
    import kg

    assert kg.__version__ == version


def test_every_class_and_property_has_english_label_and_definition() -> None:
    g = _ontology()
    missing = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in g.subjects(RDF.type, kind):
            if not str(term).startswith(str(MX._NS)):
                continue
            labels = [label for label in g.objects(term, RDFS.label) if getattr(label, "language", None) == "en"]
            if not labels or g.value(term, SKOS.definition) is None:
                missing.append(str(term))
    assert missing == []


def test_the_card_concepts_are_first_class() -> None:
    g = _ontology()
    for name in (
        "Actor",
        "Person",
        "Organization",
        "Institution",
        "GovernmentBody",
        "University",
        "ResearchInstitute",
        "Company",
        "Country",
        "PopulationGroup",
        "Law",
        "ResidenceStatus",
        "MigrationChannel",
        "MigrationFlow",
        "PatentRegistration",
        "CitedWork",
        "Citation",
        "Observation",
        "Concept",
    ):
        assert (MX[name], RDF.type, OWL.Class) in g, name


def test_residence_status_has_its_japanese_name() -> None:
    g = _ontology()
    assert any(label.language == "ja" for label in g.objects(MX.ResidenceStatus, RDFS.label))  # type: ignore[attr-defined]


def test_plain_prefix_table_agrees_with_the_namespaces() -> None:
    from kg.namespaces import PREFIXES
    from kg.terms import PREFIX_IRIS

    assert {k: str(v) for k, v in PREFIXES.items()} == PREFIX_IRIS
