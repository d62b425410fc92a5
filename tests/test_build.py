"""The build pipeline: outputs, determinism, atomicity, consistency and SHACL."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.pipeline import build
from kg.errors import InputError, ValidationFailed
from kg.sparql.store import GraphStore

MINI = Path(__file__).parent / "data" / "mini"


def test_full_build_manifest_records_what_was_written(full_graph: Path) -> None:
    """The manifest's counts and checksums are those of the files beside it (a build that fails its
    checks writes no manifest: see the planted inconsistency below)."""
    manifest = json.loads((full_graph / "reports" / "build.json").read_text())
    if shutil.which("java"):
        assert manifest["reasoner"].startswith("HermiT")
    assert manifest["triples_asserted"] == _triples(full_graph / "data.ttl") > 10_000
    assert manifest["triples_inferred"] == _triples(full_graph / "inferred.ttl") > 0
    written = {str(p.relative_to(full_graph)) for p in full_graph.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == written - {"reports/build.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((full_graph / name).read_bytes()).hexdigest() == digest, name


def _triples(path: Path) -> int:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return len(store)


@pytest.mark.parametrize("reasoner", ["owlrl", "hermit"])
def test_planted_inconsistency_fails_the_build_and_writes_nothing(tmp_path: Path, reasoner: str) -> None:
    if reasoner == "hermit" and not shutil.which("java"):
        pytest.skip("Java is not installed: HermiT cannot run")
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    facts = data / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    found = re.search(
        r"^( +- \{p: enforces, o: immigration-control-act, evidence: \[\d+, \d+\]\}\n)", text, re.MULTILINE
    )
    assert found, "fixture changed: the ministry no longer enforces the act"
    fact = found.group(1)
    # the ministry (an Actor) made the subject of `regulates`, whose domain is Law: disjoint classes
    planted = fact.replace(
        "enforces, o: immigration-control-act", "regulates, o: status-student, inferred: 'planted by a test'"
    )
    facts.write_text(text.replace(fact, fact + planted), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build(tmp_path / "out", data=data, reasoner=reasoner, viz=False)
    assert "inconsistent" in str(caught.value)
    assert "japan-ministry-of-justice is both Actor" in str(caught.value) and "Law" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"], "a failed build wrote something"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a = build(tmp_path / "a", data=MINI, reasoner="owlrl", viz=False)
    b = build(tmp_path / "b", data=MINI, reasoner="owlrl", viz=False)
    files = sorted(p.relative_to(a.out) for p in a.out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b.out) for p in b.out.rglob("*") if p.is_file())
    for name in files:
        assert (a.out / name).read_bytes() == (b.out / name).read_bytes(), name


def test_malformed_data_file_fails_with_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    good = tmp_path / "out"
    build(good, data=MINI, reasoner="owlrl", viz=False)
    before = {p: p.read_bytes() for p in good.rglob("*") if p.is_file()}
    facts = data / "facts.yaml"
    lines = facts.read_text(encoding="utf-8").splitlines()
    bad_line = next(i for i, line in enumerate(lines) if "type: Company" in line)
    lines[bad_line] = lines[bad_line].replace("Company", "Compnay")
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(good, data=data, reasoner="owlrl", viz=False)
    assert f"facts.yaml:{bad_line + 1}:" in str(caught.value)
    assert "Compnay" in str(caught.value)
    assert {p: p.read_bytes() for p in good.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".out.tmp-*"))


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "facts.yaml").write_text("entities:\n  - id: x\n    label: {en: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"facts\.yaml:\d+: YAML syntax"):
        build(tmp_path / "out", data=data, reasoner="owlrl", viz=False)
    assert not (tmp_path / "out").exists()


def test_every_claim_has_evidence_and_every_triple_a_claim(mini_graph: Path) -> None:
    store = GraphStore.open(mini_graph)
    missing = store.rows(
        "PREFIX mx: <https://w3id.org/mxjp-talent/ontology#> "
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?g mx:evidence ?e } FILTER NOT EXISTS { ?g mx:source ?r } }"
    )
    assert missing == []
    claims = store.rows(
        "PREFIX mx: <https://w3id.org/mxjp-talent/ontology#> SELECT (COUNT(?c) AS ?n) WHERE { ?c a mx:Claim }"
    )
    assert claims[0]["n"] > 100


def test_inferred_triples_are_kept_apart(mini_graph: Path) -> None:
    asserted = (mini_graph / "data.ttl").read_text()
    inferred = (mini_graph / "inferred.ttl").read_text()
    assert "mx:enforcedBy" in inferred or "enforcedBy" in inferred  # the inverse of mx:enforces
    assert "enforcedBy" not in asserted
