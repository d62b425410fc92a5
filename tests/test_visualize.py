"""The graph page: offline, deterministic, safe with hostile labels, and working in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Chromium, chromium_binary

from kg.errors import UsageError
from kg.explore.analytics import centralities
from kg.explore.layout import positions, scores
from kg.explore.projection import project
from kg.explore.visualize import export, network, select, write_page
from kg.namespaces import RES

HAND = Path(__file__).parent / "data" / "analytics"
HOSTILE = """<script>alert(1)</script> "double" 'single' <img src=x onerror=alert(2)>"""


@pytest.fixture(scope="module")
def xss_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph whose labels hold markup and quotes (tooltips, search list and legend show them)."""
    directory = tmp_path_factory.mktemp("xss")
    label = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    (directory / "data.trig").write_text(
        "@prefix mx: <https://w3id.org/mxjp-talent/ontology#> .\n"
        "@prefix res: <https://w3id.org/mxjp-talent/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{RES}claim/evil> {{ res:evil a mx:Company ; rdfs:label "{label}"@en ; mx:headquarteredIn res:japan . }}\n'
        f'<{RES}claim/japan> {{ res:japan a mx:Country ; rdfs:label "Japan"@en . }}\n',
        encoding="utf-8",
    )
    return directory


def test_page_is_deterministic_and_counts_nodes(mini_graph: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    n = write_page(mini_graph, first)
    write_page(mini_graph, second)
    assert first.read_bytes() == second.read_bytes()
    assert n == len(project(mini_graph).entities) > 0


def test_page_loads_nothing_from_elsewhere(mini_graph: Path, tmp_path: Path) -> None:
    write_page(mini_graph, tmp_path / "g.html")
    html = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert "default-src 'none'" in html and "vis.Network" in html


def test_labels_are_escaped_in_the_page(xss_graph: Path, tmp_path: Path) -> None:
    write_page(xss_graph, tmp_path / "x.html")
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "\\u003cscript\\u003ealert(1)" in html  # kept as data, escaped inside the script


def test_select_by_class_and_focus() -> None:
    p = project(HAND)
    assert {e.label for e in select(p, classes=["company"]).entities.values()} == {"Alpha Corp", "Beta Corp"}
    assert {e.label for e in select(p, focus="Conacyt", depth=1).entities.values()} == {"Conacyt", "Mexico"}
    with pytest.raises(UsageError, match="no entity of class spaceship"):
        select(p, classes=["spaceship"])
    assert len(network(HAND, focus="Japan", depth=1).nodes) == 4


def test_page_scores_are_kg_analyzes_numbers(mini_graph: Path) -> None:
    """Betweenness summed over connected parts is the whole graph's, to the last decimal."""
    p = project(mini_graph)
    assert scores(p) == centralities(p.to_networkx())
    hand = project(HAND)
    assert scores(hand) == centralities(hand.to_networkx())


def test_layout_is_computed_before_the_page_opens(mini_graph: Path) -> None:
    p = project(mini_graph)
    placed = positions(p)
    assert set(placed) == set(p.entities) and placed == positions(p)
    assert len(set(placed.values())) == len(placed), "two entities drawn at the same place"
    net = network(p)
    assert all(("x" in n and "y" in n) for n in net.nodes)
    assert net.options["physics"] == {"enabled": False}


def test_tooltips_say_how_each_fact_is_known(mini_graph: Path) -> None:
    net = network(mini_graph)
    lines = [line for n in net.nodes for line in n["evidence"]] + [line for e in net.edges for line in e["evidence"]]
    assert lines and all(
        line.startswith(("stated by the paper at", "inferred by the curators from", "taken from a record"))
        for line in lines
    )


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_for_gephi(fmt: str, tmp_path: Path) -> None:
    import networkx as nx

    out = tmp_path / f"g.{fmt}"
    assert export(HAND, out, fmt) == 5
    g = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 4
    assert {d["label"] for _, _, d in g.edges(data=True)} >= {"headquartered in", "collaborates with"}


# ---------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): skipping the browser tests")
    pytest.importorskip("websocket", reason="websocket-client is needed to drive chromium")
    with Chromium.launch() as b:
        yield b


def _open(browser: Chromium, page_file: Path):  # type: ignore[no-untyped-def]
    page = browser.page() if not browser.pages else browser.pages[0]
    page.events.clear()
    page.goto(page_file.as_uri())
    page.wait_until("window.kg && window.kg.settled", timeout=60)
    return page


def _overlaps(boxes: list[dict[str, float]]) -> list[tuple[str, str]]:
    return [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]


def test_page_in_chromium(browser: Chromium, mini_graph: Path, tmp_path: Path) -> None:
    page_file = tmp_path / "graph.html"
    count = write_page(mini_graph, page_file)
    page = _open(browser, page_file)
    assert page.errors == []
    assert page.requests == [page_file.as_uri()]  # nothing else, and nothing off the machine
    assert page.evaluate("kg.network.body.nodeIndices.length") == count
    assert page.evaluate("kg.network.physics.physicsEnabled") is False
    # still from the first frame: every entity where the page's data put it
    moved = page.evaluate(
        "(() => { const p = kg.network.getPositions(); return kg.nodes.get().filter(n => "
        "p[n.id].x !== n.x || p[n.id].y !== n.y).length; })()"
    )
    assert moved == 0
    # labels at the default zoom: the most central entity's among them, none overlapping
    boxes = page.evaluate("kg.labelBoxes")
    labelled = {b["id"] for b in boxes}
    most_central = page.evaluate("kg.nodes.get().filter(n => n.rank === 0)[0].id")
    assert most_central in labelled, "the most central entity has no label at the default zoom"
    assert len(labelled) >= min(5, count)
    assert not _overlaps(boxes)
    target = str(RES["ntt-docomo"])
    page.evaluate(
        "document.getElementById('search-input').value = 'ntt docomo';"
        "document.getElementById('search').requestSubmit(); true"
    )
    assert page.evaluate("kg.network.getSelectedNodes()") == [target]
    view = page.evaluate("kg.network.getViewPosition()")
    node = page.evaluate(f"kg.network.getPosition({target!r})")
    assert abs(view["x"] - node["x"]) < 1 and abs(view["y"] - node["y"]) < 1
    page.wait_until(f"kg.labelBoxes.some(b => b.id === {target!r})", timeout=10)
    assert not _overlaps(page.evaluate("kg.labelBoxes")), "labels overlap after a search"
    assert "NTT Docomo" in page.evaluate("document.getElementById('details').textContent")
    page.evaluate(f"kg.setGroup({page.evaluate(f'kg.nodes.get({target!r}).group_iri')!r}, false); true")
    assert page.evaluate(f"kg.nodes.get({target!r}).hidden") is True


def test_hostile_label_runs_nothing_and_shows_as_text(browser: Chromium, xss_graph: Path, tmp_path: Path) -> None:
    page_file = tmp_path / "xss.html"
    write_page(xss_graph, page_file)
    page = _open(browser, page_file)
    evil = str(RES["evil"])
    assert page.evaluate(f"kg.focusOn({'script'!r})") == evil
    page.evaluate("new Promise(r => setTimeout(r, 300))")
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('#details script, #details img, .vis-tooltip img').length") == 0
    assert HOSTILE in page.evaluate("document.getElementById('details').textContent")
    tooltip = page.evaluate(f"kg.tooltip({evil!r}).textContent")
    assert HOSTILE in tooltip
    assert page.requests == [page_file.as_uri()]
