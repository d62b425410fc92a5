"""Each rule of the matcher on its own (kg/link/context.py, score.py, propose.py): country,
first-level division, linked division, coordinates, contradicting languages, one record per
entity, romaji blocking, labels English first."""

from __future__ import annotations

import pyoxigraph as ox

from kg.link.context import Side, verdict
from kg.link.dataset import from_quads
from kg.link.entities import Entity
from kg.link.families import CITY, COUNTRY, REGION
from kg.link.propose import propose
from kg.link.score import name_evidence

GN = "http://www.geonames.org/ontology#"
SCHEMA = "https://schema.org/"


def _place(iri: str, family: str, *, codes: tuple[str, ...] = (), **kw: object) -> Entity:
    e = Entity(iri, labels=[("X", "en", True)], family=family, **kw)  # type: ignore[arg-type]
    e.ids |= {("iso3166", c) for c in codes}
    return e


JAPAN = _place("res:japan", COUNTRY, codes=("JP",))
GUNMA = _place("res:gunma", REGION, codes=("JP-10",))
OIZUMI = _place("res:oizumi", CITY, parents={"res:gunma", "res:japan"})
OURS = Side(OIZUMI, [GUNMA, JAPAN])


def test_a_record_in_another_country_is_elsewhere() -> None:
    assert verdict(OURS, Side(_place("t:oshakan", CITY, country_code="AM"), []), {}, set()) is None
    assert verdict(OURS, Side(_place("t:kosaka", CITY, country_code="JP"), []), {}, set()) is not None


def test_a_record_in_another_first_level_division_is_elsewhere() -> None:
    tokyo, gunma = _place("t:tokyo-to", REGION, codes=("JP-13",)), _place("t:gunma", REGION, codes=("JP-10",))
    assert verdict(OURS, Side(_place("t:a", CITY, country_code="JP"), [tokyo]), {}, set()) is None
    assert verdict(OURS, Side(_place("t:b", CITY, country_code="JP"), [gunma]), {}, set()) is not None


def test_a_record_filed_under_another_linked_division_is_elsewhere() -> None:
    """Our Gunma is linked to the record t:adm1-10, which the other dataset files places under."""
    linked, adm1 = {"res:gunma": {"t:adm1-10"}}, {"t:adm1-10", "t:adm1-40"}
    under_40 = _place("t:oizumimachi", CITY, adm1="t:adm1-40", parents={"t:adm1-40"})
    under_10 = _place("t:kamikoizumi", CITY, adm1="t:adm1-10", parents={"t:adm1-10"})
    assert verdict(OURS, Side(under_40, [_place("t:adm1-40", REGION)]), linked, adm1) is None
    assert verdict(OURS, Side(under_10, [_place("t:adm1-10", REGION)]), linked, adm1) == (1, "in X as the record is")


def test_coordinates_rule_out_a_far_record_and_confirm_a_near_one() -> None:
    here = Side(_place("res:c", CITY, point=(36.25, 139.40)), [])
    assert verdict(here, Side(_place("t:far", CITY, point=(35.76, 139.60)), []), {}, set()) is None  # 57 km
    assert verdict(here, Side(_place("t:near", CITY, point=(36.26, 139.43)), []), {}, set()) == (1, "3 km apart")
    assert verdict(here, Side(_place("t:none", CITY), []), {}, set()) == (0, "")


def test_contradicting_languages_outvote_one_that_agrees() -> None:
    americas = Entity(
        "res:americas", labels=[("Americas", "en", True), ("América", "es", True), ("アメリカ大陸", "ja", True)]
    )
    south = Entity("t:sa", labels=[("South America", "en", True), ("América", "es", False), ("南アメリカ", "ja", True)])
    assert name_evidence(americas, south, 0.9) is None
    only_spanish = Entity("t:x", labels=[("América", "es", True)])
    assert name_evidence(americas, only_spanish, 0.9) is not None


def test_labels_are_english_first() -> None:
    e = Entity("t:1", labels=[("Nihon", "", True), ("Edo", "en", False), ("Japan", "en", True), ("Japón", "es", True)])
    assert e.label == "Japan"
    assert Entity("t:2", labels=[("OSA", "", False), ("Osaka", "", True)]).label == "Osaka"


def _data(*records: tuple[str, str, str]) -> list[ox.Quad]:
    quads = []
    for iri, name, lang in records:
        node = ox.NamedNode(iri)
        quads.append(ox.Quad(node, ox.NamedNode(GN + "name"), ox.Literal(name, language=lang or None)))
        quads.append(
            ox.Quad(
                node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(SCHEMA + "City")
            )
        )
    return quads


def test_one_record_goes_to_one_of_ours() -> None:
    ours = {
        "res:a": Entity("res:a", labels=[("Hamamatsu", "en", True)], family=CITY),
        "res:b": Entity("res:b", labels=[("Hamamatsu", "en", True)], family=CITY),
    }
    found = propose(ours, from_quads(_data(("urn:x:h", "Hamamatsu", "")), "x"))
    assert [p.object for p in found] == ["urn:x:h"]


def test_a_japanese_name_alone_finds_its_romanisation() -> None:
    ours = {"res:o": Entity("res:o", labels=[("大泉町", "ja", True)], family=CITY)}
    found = propose(ours, from_quads(_data(("urn:x:o", "Oizumi", "")), "x"))
    assert [(p.subject, p.object) for p in found] == [("res:o", "urn:x:o")]
