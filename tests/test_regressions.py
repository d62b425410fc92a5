"""One regression test per bug found in review, named for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build.pipeline import build
from kg.errors import InputError
from kg.sparql.store import GraphStore

MINI = Path(__file__).parent / "data" / "mini"


def test_impossible_date_in_curated_yaml_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    from loaders.yamlines import load_yaml

    path = tmp_path / "facts.yaml"
    path.write_text("entities:\n  - id: a\n    when: 2016-02-30\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.yaml:3: .*out of range"):
        load_yaml(path)


def test_unreadable_identifiers_table_is_an_input_error(tmp_path: Path) -> None:
    from loaders.mappings import read_identifiers

    path = tmp_path / "identifiers.tsv"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(InputError, match="cannot read"):
        read_identifiers(path, [])


def test_link_namespace_of_an_iri_ending_in_a_slash_keeps_a_local_name() -> None:
    from kg.link.sssom import _curie_of as _curie
    from kg.link.sssom import _namespace

    iri = "http://example.org/place/japan/"
    assert _curie(iri, {"other1": _namespace(iri)}) == "other1:japan/"


def test_discrepancy_spans_point_at_existing_sections(full_graph: Path) -> None:
    dangling = GraphStore.open(full_graph).rows(
        "PREFIX mx: <https://w3id.org/mxjp-talent/ontology#> "
        "SELECT DISTINCT ?section WHERE { ?x mx:inSection ?section FILTER NOT EXISTS { ?section a mx:Section } }"
    )
    assert dangling == []


def test_rebuild_keeps_files_the_build_does_not_write(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, data=MINI, reasoner="owlrl", viz=False)
    (out / "links.ttl").write_text(
        "<urn:a> <http://www.w3.org/2004/02/skos/core#exactMatch> <urn:b> .\n", encoding="utf-8"
    )
    result = build(out, data=MINI, reasoner="owlrl", viz=False, force=True)
    assert (out / "links.ttl").is_file()
    assert any("links.ttl" in note for note in result.notes)
    shutil.rmtree(out)


def test_bad_paper_given_by_name_is_refused_even_when_the_output_is_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ../shared, a build made without the paper hashed an empty or missing --paper the
    same way, and answered "up to date" instead of refusing it."""
    from kg.errors import PaperError

    monkeypatch.setattr("kg.build.pipeline.default_paper", lambda: None)  # as on a machine without ../shared
    out = tmp_path / "build"
    build(out, data=MINI, reasoner="owlrl", viz=False, paper=None)
    for bad in (tmp_path / "missing.txt", tmp_path / "empty.txt"):
        if bad.name == "empty.txt":
            bad.write_bytes(b"")
        with pytest.raises(PaperError):
            build(out, data=MINI, reasoner="owlrl", viz=False, paper=bad)
