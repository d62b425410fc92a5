"""The text loaders: sections, paragraphs, citations; the committed index and namespaces are current."""

from __future__ import annotations

import json
from pathlib import Path

from loaders.citations import find_citations


def test_citation_forms() -> None:
    text = (
        "as shown (Girón, Vargas & Uscanga, 2015) and by Saskia Sassen (2014); see (Uscanga,\n 2015, p. 45), "
        "(Cohen et al., 2002), (Fukugawa, 2013; Motohashi, 2005), (Nieto González & García\n Lima, 2016, pp. 69-70), "
        "(Shirabe, Niwa, Okuda, and Ootsuji, 1997), Tsuda and Cornelius (2004), (enacted July 5, 2009)."
    )
    found = {(c.authors, c.year, c.pages, c.et_al, c.form) for c in find_citations(text)}
    assert (("Girón", "Vargas", "Uscanga"), 2015, None, False, "parenthetical") in found
    assert (("Saskia Sassen",), 2014, None, False, "narrative") in found
    assert (("Uscanga",), 2015, "45", False, "parenthetical") in found
    assert (("Cohen",), 2002, None, True, "parenthetical") in found
    assert (("Fukugawa",), 2013, None, False, "parenthetical") in found
    assert (("Motohashi",), 2005, None, False, "parenthetical") in found
    assert (("Nieto González", "García Lima"), 2016, "69-70", False, "parenthetical") in found
    assert (("Shirabe", "Niwa", "Okuda", "Ootsuji"), 1997, None, False, "parenthetical") in found
    assert (("Tsuda", "Cornelius"), 2004, None, False, "narrative") in found
    assert not any(c.year == 2009 for c in find_citations(text)), "a dated remark is not a citation"


def test_paper_sections_and_citations(paper_path: Path) -> None:
    from loaders.paper import read_paper

    paper = read_paper(paper_path)
    assert [s.id for s in paper.sections][0] == "abstract" and paper.sections[-1].id == "conclusions"
    assert paper.furniture is not None
    assert not any(paper.furniture.start <= p.span.start < paper.furniture.end for p in paper.paragraphs)
    citations = find_citations(paper.text)
    assert len(citations) == 36
    for c in citations:
        assert str(c.year) in paper.text[c.start : c.end]


def test_committed_index_is_current(paper_path: Path) -> None:
    from kg.build.extract import regenerate

    changed, path = regenerate(paper=paper_path, write=False)
    assert not changed, f"{path} is stale: run `kg extract`"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["citations"] and data["mentions"]


def test_generated_namespace_module_is_current() -> None:
    from rdflib import Graph

    from kg.namespaces_gen import TARGET, render
    from kg.paths import ontology_file

    assert TARGET.read_text(encoding="utf-8") == render(Graph().parse(ontology_file())), (
        "run python -m kg.namespaces_gen"
    )
