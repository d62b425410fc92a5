"""`kg validate` says what it is doing, stage by stage, and reuses the build's verdict when the
graph directory still holds exactly the files the build wrote and checked (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build.check import check_graph


@pytest.fixture()
def built(mini_graph: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "build"
    shutil.copytree(mini_graph, copy)
    return copy


def test_an_untouched_build_is_not_checked_twice(built: Path) -> None:
    stages: list[str] = []
    report = check_graph(built, progress=stages.append)
    assert report.reused and report.ok
    assert "Reused" in report.text and "reports/build.json" in report.text
    assert stages == ["checking the files"]


def test_force_checks_again_stage_by_stage(built: Path) -> None:
    stages: list[str] = []
    report = check_graph(built, reasoner="owlrl", progress=stages.append, force=True)
    assert not report.reused and report.ok
    assert stages == [
        "checking the files",
        "reading the graph",
        "reasoning (OWL RL)",
        "validating with SHACL and the quality checks",
    ]


def test_a_file_the_build_did_not_write_is_checked(built: Path) -> None:
    (built / "links.ttl").write_text(
        "<https://w3id.org/mxjp-talent/resource/japan> <http://www.w3.org/2002/07/owl#sameAs> "
        "<http://www.wikidata.org/entity/Q17> .\n",
        encoding="utf-8",
    )
    report = check_graph(built, reasoner="owlrl")
    assert not report.reused


def test_another_reasoner_than_the_builds_is_run(built: Path) -> None:
    report = check_graph(
        built, reasoner="hermit" if "owlrl" in (built / "reports" / "build.json").read_text() else "owlrl"
    )
    assert not report.reused
