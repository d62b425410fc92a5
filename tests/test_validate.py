"""`kg validate`: consistency with HermiT (or owlrl), SHACL, and reports that name the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli.commands import app

runner = CliRunner()


def _copy(graph: Path, tmp_path: Path) -> Path:
    target = tmp_path / "graph"
    shutil.copytree(graph, target)
    return target


@pytest.mark.parametrize("reasoner", ["hermit", "owlrl"])
def test_contradiction_law_and_organization_is_named(mini_graph: Path, tmp_path: Path, reasoner: str) -> None:
    if reasoner == "hermit" and not shutil.which("java"):
        pytest.skip("Java is not installed: HermiT cannot run")
    graph = _copy(mini_graph, tmp_path)
    (graph / "planted.ttl").write_text(
        "@prefix mx: <https://w3id.org/mxjp-talent/ontology#> .\n"
        "<https://w3id.org/mxjp-talent/resource/immigration-control-act> a mx:GovernmentBody .\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--graph", str(graph), "--reasoner", reasoner])
    assert result.exit_code == 1, result.output
    assert "INCONSISTENT" in result.output
    assert "immigration-control-act" in result.output
    assert "Law" in result.output and "Actor" in result.output


def test_shacl_violation_fails(mini_graph: Path, tmp_path: Path) -> None:
    graph = _copy(mini_graph, tmp_path)
    (graph / "planted.ttl").write_text(
        "@prefix mx: <https://w3id.org/mxjp-talent/ontology#> .\n"
        "<https://w3id.org/mxjp-talent/resource/obs-without-unit> a mx:Observation ; mx:value 3 .\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--graph", str(graph), "--reasoner", "owlrl"])
    assert result.exit_code == 1
    assert "obs-without-unit" in result.output
    assert "SHACL: VIOLATIONS" in result.output


def test_clean_graph_validates(mini_graph: Path) -> None:
    result = runner.invoke(app, ["validate", "--graph", str(mini_graph), "--reasoner", "owlrl"])
    assert result.exit_code == 0, result.output
    assert "Consistency: consistent" in result.output and "SHACL: conforms" in result.output
