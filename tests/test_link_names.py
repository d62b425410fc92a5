"""How names are compared (kg/link/names.py): scripts, designators, romaji, and the rules that keep
near-homographs apart."""

from __future__ import annotations

import pytest

from kg.link.entities import normalise
from kg.link.names import BARE, EXACT, FUZZY, Name, compare, fold, romaji, script_of


def test_voicing_marks_are_kept() -> None:
    """NFKD without care drops the dakuten: ブラジル became フラシル and バス equalled パス."""
    assert fold("ブラジル") == "ブラジル" and fold("ドイツ") != fold("トイツ")
    assert normalise("バス") != normalise("パス")
    assert fold("Japón") == "japon"


def test_katakana_near_homographs_never_match() -> None:
    assert compare(Name.of("オーストラリア", "ja"), Name.of("オーストリア", "ja")) is None
    assert compare(Name.of("オーストラリア", "ja"), Name.of("オーストラリア", "")) == (1.0, EXACT)


def test_latin_names_are_compared_fuzzily_within_a_language() -> None:
    score, quality = compare(Name.of("Izumi", ""), Name.of("Ōizumi", "en"))  # type: ignore[misc]
    assert quality == FUZZY and score < 0.9
    assert compare(Name.of("Tokio", "es"), Name.of("Tokio", "de")) is None  # two language tags: not compared
    assert compare(Name.of("Tokio", "es"), Name.of("Tokio", "")) == (1.0, EXACT)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("大泉町", "Ōizumi"), ("大泉町", "Oizumi"), ("東京", "Tōkyō"), ("群馬県", "Gunma"), ("おおさか", "Osaka")],
)
def test_japanese_meets_its_romanisation(ours: str, theirs: str) -> None:
    assert compare(Name.of(ours, "ja"), Name.of(theirs, "")) == (1.0, BARE)


def test_romaji_is_not_fuzzy() -> None:
    """豊田 reads toyoda: it does not meet Toyota (another reading, another place)."""
    assert romaji("豊田") == "toyoda"
    assert compare(Name.of("豊田", "ja"), Name.of("Toyota", "")) is None


def test_designators_are_set_aside() -> None:
    assert compare(Name.of("Gunma Prefecture", "en"), Name.of("Gunma", "")) == (1.0, BARE)
    assert compare(Name.of("群馬県", "ja"), Name.of("群馬", "ja")) == (1.0, BARE)
    assert compare(Name.of("京都", "ja"), Name.of("京", "ja")) is None  # too short to lose a character


def test_scripts() -> None:
    assert [script_of(t) for t in ("Ōizumi", "大泉町", "おおいずみ", "Осака", "2024")] == [
        "latin",
        "han",
        "japanese",
        "other",
        "latin",
    ]
