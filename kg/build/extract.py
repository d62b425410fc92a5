"""Regenerate the committed paper index from the paper and the curated names."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.atomic import write_text
from kg.errors import PaperError
from kg.paths import data_dir, default_paper, ontology_file


def regenerate(paper: Path | None = None, data: Path | None = None, *, write: bool = True) -> tuple[bool, Path]:
    """Rebuild ``paper_index.json`` in *data*; returns (whether it differs, its path)."""
    from loaders.curated import Vocabulary, read_curated
    from loaders.index import build_index, dumps
    from loaders.paper import read_paper

    data = data or data_dir()
    paper = paper or default_paper()
    if paper is None:
        raise PaperError("../shared/paper/", "paper not found: pass --paper PATH or set KG_PAPER")
    parsed = read_paper(paper)
    curated = read_curated(
        data, Vocabulary.from_ontology(Graph().parse(ontology_file())), paper_length=len(parsed.text)
    )
    text = dumps(build_index(parsed, curated))
    target = data / "paper_index.json"
    current = target.read_text(encoding="utf-8") if target.exists() else None
    changed = current != text
    if changed and write:
        write_text(target, text)
    return changed, target
