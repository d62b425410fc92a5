"""Shared fixtures: the paper (skipped when absent), and graphs built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.paths import default_paper

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini"


@pytest.fixture(scope="session")
def paper_path() -> Path:
    """The paper's text; tests that need it skip with the reason when it is absent."""
    path = default_paper()
    if path is None or not path.is_file():
        pytest.skip("the paper is not available (../shared/paper/ or $KG_PAPER): skipping a test that reads it")
    return path


@pytest.fixture(scope="session")
def mini_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph built from the small fixture slice tests/data/mini (fast; no graph page)."""
    from kg.build.pipeline import build

    out = tmp_path_factory.mktemp("mini") / "build"
    build(out, data=MINI, reasoner="owlrl", viz=False)
    return out


@pytest.fixture(scope="session")
def full_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graph built from the shipped data (the whole paper), with HermiT when Java is there."""
    from kg.build.pipeline import build

    out = tmp_path_factory.mktemp("full") / "build"
    build(out, viz=False)
    return out
