"""kg link --endpoint against a real Oxigraph server on 127.0.0.1 holding a Wikidata-shaped extract
(tests/data/link/wikidata/extract.ttl): identifiers, names with context, batching, cache, rate."""

from __future__ import annotations

import shutil
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import free_port, live_process
from typer.testing import CliRunner

from kg.cli.commands import app
from kg.errors import RemoteStoreError
from kg.link.endpoint import Client, fetch, link_endpoint
from kg.link.propose import Proposal, read_ours

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
OURS = Path(__file__).parent / "data" / "gazetteer" / "ours"
EXTRACT = Path(__file__).parent / "data" / "link" / "wikidata" / "extract.ttl"
RES = "https://w3id.org/mxjp-talent/resource/"
WD, EX = "http://www.wikidata.org/entity/", "http://example.org/wd/"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on 127.0.0.1 loaded with the extract; yields its query URL."""
    if not Path(OXIGRAPH).is_file():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("wd")), "--bind", f"127.0.0.1:{port}"]
    with live_process(command, base + "/"):
        request = urllib.request.Request(
            base + "/store?default", data=EXTRACT.read_bytes(), headers={"Content-Type": "text/turtle"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)
        yield base + "/query"


@pytest.fixture(scope="module")
def found(endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> list[Proposal]:
    return link_endpoint(OURS, endpoint, cache=tmp_path_factory.mktemp("cache"), rate=50, batch=50)


def _objects(proposals: list[Proposal], entity: str) -> set[str]:
    return {p.object for p in proposals if p.subject == RES + entity and not p.needs_review}


def test_identifiers_link_first(found: list[Proposal]) -> None:
    assert _objects(found, "japan") == {WD + "Q17"}
    assert _objects(found, "gunma") == {WD + "Q129499"}
    assert _objects(found, "tokyo") == {EX + "tokyo-city"}  # by its GeoNames id (wdt:P1566)
    by_id = [p for p in found if p.subject in (RES + "japan", RES + "gunma", RES + "tokyo")]
    assert all(p.justification == "semapv:MappingChaining" for p in by_id)


def test_names_with_context(found: list[Proposal]) -> None:
    assert _objects(found, "australia") == {EX + "australia"}  # not Austria (オーストリア)
    assert _objects(found, "oizumi") == {EX + "oizumi-town"}  # not Ōizumimachi in Nerima, Tokyo (JP-13)
    assert _objects(found, "toyota-city") == {EX + "toyota-aichi"}  # not Toyota, Aomori
    assert _objects(found, "osaka") == {EX + "osaka-city"}  # not Oshakan, Armenia, nor Kosaka
    (oizumi,) = [p for p in found if p.subject == RES + "oizumi"]
    assert "in Gunma Prefecture as the record is" in oizumi.comment


def test_no_trap_is_proposed(found: list[Proposal]) -> None:
    traps = {EX + n for n in ("austria", "oizumimachi", "toyota-aomori", "oshakan", "kosaka", "tokyo-to")}
    assert not [p for p in found if p.object in traps or any(i in traps for i, _ in p.alternatives)]


def test_labels_are_english_first(found: list[Proposal]) -> None:
    labels = {p.subject[len(RES) :]: p.object_label for p in found}
    assert labels["tokyo"] == "Tokyo" and labels["osaka"] == "Osaka"


def test_batches_give_the_same_answer_and_the_cache_answers_again(endpoint: str, tmp_path: Path) -> None:
    small = link_endpoint(OURS, endpoint, cache=tmp_path / "c", rate=50, batch=3)
    large = link_endpoint(OURS, endpoint, cache=tmp_path / "d", rate=50, batch=500)
    assert [(p.subject, p.object) for p in small] == [(p.subject, p.object) for p in large]
    assert len(list((tmp_path / "c").glob("*.json"))) > len(list((tmp_path / "d").glob("*.json")))  # more batches
    ours = read_ours(OURS)
    first, second = Client(endpoint, tmp_path / "e", rate=50), Client(endpoint, tmp_path / "e", rate=50)
    quads = fetch(first, ours, 3)
    assert first.sent > 3 and fetch(second, ours, 3) == quads and second.sent == 0  # the second run sends nothing


def test_rate_limit_spaces_requests(endpoint: str, tmp_path: Path) -> None:
    client = Client(endpoint, tmp_path, rate=4)
    start = time.monotonic()
    for n in range(3):
        client.select(f"SELECT ?x WHERE {{ BIND({n} AS ?x) }}")
    assert client.sent == 3 and time.monotonic() - start >= 0.5  # two gaps of 1/4 s
    client.select("SELECT ?x WHERE { BIND(0 AS ?x) }")
    assert client.sent == 3  # answered from the cache


def test_errors_name_the_endpoint(tmp_path: Path) -> None:
    with pytest.raises(RemoteStoreError, match="127.0.0.1:9"):
        Client("http://127.0.0.1:9/query", tmp_path).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    result = CliRunner().invoke(app, ["link", "--graph", str(OURS), "--endpoint", "ftp://x"])
    assert result.exit_code == 2 and "--endpoint" in result.output


def test_cli(endpoint: str, tmp_path: Path) -> None:
    out = tmp_path / "p.sssom.tsv"
    result = CliRunner().invoke(
        app,
        [
            "link",
            "--graph",
            str(OURS),
            "--endpoint",
            endpoint,
            "--cache",
            str(tmp_path),
            "--rate",
            "50",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "res:oizumi" in text and "wd:Q17" in text
