"""Where the shipped resources and the paper are found."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

PAPER_NAME = "000_706023067e5b10b8.txt"
PAPER_SHA256 = "ad0035d7f9634e236b36e905bbf44214bdda2c01688ba6ecce8d61e43bb9b0e6"


def _package_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def ontology_dir() -> Path:
    """The folder of the OWL ontology and SHACL shapes (shipped as package data)."""
    return _package_dir("ontology")


def ontology_file() -> Path:
    return ontology_dir() / "mxjp.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    """The folder of competency questions (`cq/`) and quality checks (`checks/`)."""
    return _package_dir("queries")


def data_dir() -> Path:
    """The folder of curated facts and the generated paper index."""
    return _package_dir("loaders") / "data"


def default_paper() -> Path | None:
    """The paper's path when it can be found without being told, else None.

    Looks at ``$KG_PAPER``, then ``../shared/paper/`` from the current directory and from the
    source checkout this package lives in.
    """
    env = os.environ.get("KG_PAPER")
    if env:
        return Path(env)
    candidates = [Path.cwd().parent / "shared" / "paper" / PAPER_NAME]
    root = Path(__file__).resolve().parent.parent
    candidates.append(root.parent / "shared" / "paper" / PAPER_NAME)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


@cache
def read_query(name: str) -> str:
    """The SPARQL of ``queries/NAME.rq`` (e.g. ``"link/types"``), the one place queries live.

    >>> "SELECT" in read_query("reports/names")
    True
    """
    return (queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
