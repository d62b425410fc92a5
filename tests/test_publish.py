"""Publishing: the ontology's HTML page, VoID/DCAT at build, and the JSON-LD export for schema.org consumers."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import OWL, RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import VOID
from typer.testing import CliRunner

from kg.build.docs import ontology_html
from kg.build.jsonld import context_file, export_jsonld
from kg.build.void import void_graph
from kg.cli.commands import app
from kg.namespaces import MX, RES, SCHEMA
from kg.paths import ontology_file

ONTOLOGY = Graph().parse(ontology_file())


def test_ontology_page_is_deterministic_and_complete() -> None:
    page = ontology_html(ONTOLOGY)
    assert page == ontology_html(ONTOLOGY)
    for term in ONTOLOGY.subjects(RDF.type, OWL.Class):
        if str(term).startswith(str(MX._NS)):
            assert f'id="{str(term)[len(str(MX._NS)) :]}"' in page, term
    assert "discrepancy" in page and "http://" not in page.split("<body>")[0].replace('charset="utf-8"', "")


def test_ontology_page_escapes_html() -> None:
    g = Graph()
    term = URIRef(str(MX._NS) + "Trap")
    g.add((term, RDF.type, OWL.Class))
    g.add((term, SKOS.definition, Literal("<script>alert(1)</script> & more", lang="en")))
    page = ontology_html(g)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_build_writes_docs_and_void(mini_graph: Path) -> None:
    assert (mini_graph / "docs" / "ontology.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    void = Graph().parse(mini_graph / "void.ttl")
    dataset = RES["dataset"]
    data = Graph().parse(mini_graph / "data.ttl")
    assert int(void.value(dataset, VOID.triples)) == len(data)
    assert void.value(dataset, OWL.versionInfo) is not None
    assert (dataset, URIRef("http://purl.org/dc/terms/license"), None) in void


def test_void_counts_links_per_target() -> None:
    g = Graph()
    g.add((RES["japan"], OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q17")))
    g.add((RES["japan"], SKOS.exactMatch, URIRef("https://sws.geonames.org/1861060/")))
    g.add((RES["unam"], SKOS.exactMatch, URIRef("https://ror.org/01tmp8f25")))
    g.add((RES["unam"], SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q222738")))
    void = void_graph(g, ONTOLOGY, "0.0.0")
    counts = {
        str(s).rsplit("/", 1)[-1]: int(void.value(s, VOID.triples)) for s in void.subjects(RDF.type, VOID.Linkset)
    }
    assert counts == {
        "wikidata-owl-sameAs": 1,
        "wikidata-skos-exactMatch": 1,
        "geonames-skos-exactMatch": 1,
        "ror-skos-exactMatch": 1,
    }


def test_jsonld_export_speaks_schema_org(mini_graph: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    result = CliRunner().invoke(app, ["export", "--graph", str(mini_graph), "--format", "jsonld", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["@context"] == json.loads(context_file().read_text(encoding="utf-8"))["@context"]
    back = Graph().parse(data=text, format="json-ld")
    assert (RES["japan"], SCHEMA.name, Literal("Japan", lang="en")) in back
    assert (RES["japan"], RDF.type, SCHEMA.Country) in back
    assert export_jsonld(back, ONTOLOGY) == export_jsonld(back, ONTOLOGY)


def test_cli_docs_and_bad_format(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["docs", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "ontology.html").is_file()
    result = runner.invoke(app, ["export", "--graph", str(tmp_path), "--format", "rdfxml"])
    assert result.exit_code == 2 and "jsonld" in result.output
    assert "Example:" in runner.invoke(app, ["export", "--help"]).output
