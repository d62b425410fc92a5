"""Names as the matcher compares them: a key per script, designators set aside, Japanese read
as romaji.

Rules, each for a trap of real gazetteers:

- Names are compared **within a language** (both tagged alike) **or within a script** (one
  side untagged), never across two different language tags.
- Only Latin names are compared **fuzzily** (normalised Levenshtein). Kana, kanji, hangul and
  every other script are compared **exactly**: one kana apart is another word
  (オーストラリア Australia, オーストリア Austria).
- **Across scripts**, Japanese names are read as Hepburn romaji (pykakasi) with long vowels
  folded, and must then equal a Latin name folded the same way (大泉町 → ``oizumi`` = Ōizumi).
- Designators (*Prefecture*, *City*, 県, 市, 町…) are set aside for a second, weaker comparison,
  so that 群馬県 meets 群馬 and *Gunma Prefecture* meets *Gunma*.

>>> fold("Ōizumi-machi"), fold("ドイツ"), fold("Korea, Republic of")
('oizumi machi', 'ドイツ', 'korea republic of')
>>> compare(Name.of("オーストラリア", "ja"), Name.of("オーストリア", "ja")) is None
True
>>> compare(Name.of("大泉町", "ja"), Name.of("Oizumi", ""))
(1.0, 2)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

LATIN, JAPANESE, HAN, OTHER = "latin", "japanese", "han", "other"
#: Quality of an agreement: same key, same key once designators are set aside or read as romaji, or close.
EXACT, BARE, FUZZY = 3, 2, 1

_LATIN_DESIGNATORS = {
    "prefecture",
    "province",
    "state",
    "city",
    "town",
    "village",
    "region",
    "district",
    "municipality",
    "county",
    "shi",
    "machi",
    "cho",
    "ken",
    "mura",
    "ku",
    # corporate forms
    "ltd",
    "limited",
    "inc",
    "corp",
    "corporation",
    "co",
    "company",
    "kk",
}
_LATIN_LEADERS = ("prefectura de ", "provincia de ", "estado de ", "ciudad de ", "region de ", "city of ", "state of ")
_HAN_DESIGNATORS = "県都府市町村区郡州省"
_LEADER_WORDS = {leader.split()[0] for leader in _LATIN_LEADERS}
_LONG_VOWELS = re.compile(r"ou|oo|uu|aa|ee|ii")


_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_CHARS = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff"
_NOT_LATIN_LETTER = re.compile(rf"[^\W\d_{_LATIN_CHARS}]")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_NOT_WORD = re.compile(r"[\s\W_]+")
_NOT_LETTER = re.compile(r"[^a-z]")


def script_of(text: str) -> str:
    """The script of *text*'s letters: latin, japanese (any kana), han (kanji only) or other.

    >>> script_of("Tokyo"), script_of("とうきょう"), script_of("東京"), script_of("Токио"), script_of("Ōizumi")
    ('latin', 'japanese', 'han', 'other', 'latin')
    """
    if text.isascii() or not _NOT_LATIN_LETTER.search(text):
        return LATIN
    if _KANA.search(text):
        return JAPANESE
    if _HAN_CHARS.search(text) and not _NOT_LATIN_LETTER.search(_HAN_CHARS.sub("", text)):
        return HAN
    return OTHER


def fold(text: str, script: str | None = None) -> str:
    """The comparison key of a name within its script (*script* when already known).

    Latin: accents and case dropped, punctuation as spaces. Other scripts: NFKC and case only,
    so Japanese voicing marks stay (ドイツ is not トイツ).
    """
    if text.isascii():
        if text.isalpha():
            return text.lower()
        return " ".join(_PUNCTUATION.sub(" ", text.lower().replace("&", " and ")).split())
    if (script or script_of(text)) == LATIN:
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(_PUNCTUATION.sub(" ", text.lower().replace("&", " and ")).split())
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def bare(key: str, script: str) -> str | None:
    """*key* without its designator, or None when it has none.

    >>> bare("gunma prefecture", "latin"), bare("群馬県", "han"), bare("京都", "han"), bare("prefectura de gunma", "latin")
    ('gunma', '群馬', None, 'gunma')
    """
    if script == LATIN:
        first, _, rest = key.partition(" ")
        if rest and first in _LEADER_WORDS:
            for leader in _LATIN_LEADERS:
                if key.startswith(leader):
                    return key[len(leader) :]
        head, _, last = key.rpartition(" ")
        return head if head and last in _LATIN_DESIGNATORS else None
    if script == HAN and len(key) > 2 and key[-1] in _HAN_DESIGNATORS:
        return key[:-1]
    return None


def roman_key(latin: str) -> str:
    """A Latin key folded as romaji: letters only, long vowels single.

    >>> roman_key("toukyou"), roman_key("oizumi"), roman_key("o osaka")
    ('tokyo', 'oizumi', 'osaka')
    """
    return _LONG_VOWELS.sub(_first, _NOT_LETTER.sub("", latin))


def _first(match: re.Match[str]) -> str:
    return match.group(0)[0]


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()


@lru_cache(maxsize=65536)
def romaji(text: str) -> str | None:
    """The romaji key of a Japanese name, designator set aside; None when it does not read as Japanese.

    >>> romaji("大泉町"), romaji("東京"), romaji("おおさか")
    ('oizumi', 'tokyo', 'osaka')
    """
    key = fold(text)
    key = bare(key, HAN) or key
    parts = _kakasi().convert(key)
    reading = "".join(part["hepburn"] for part in parts).lower()
    if not reading or not reading.isascii() or not reading.isalpha():
        return None
    return roman_key(reading)


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a resource with its comparison keys."""

    text: str
    lang: str
    preferred: bool
    script: str
    key: str
    bare: str | None
    roman: str | None

    @classmethod
    def of(cls, text: str, lang: str = "", preferred: bool = True) -> Name:
        """The name *text* (language tag *lang*, or "" when untagged) with its keys."""
        script = script_of(text)
        key = fold(text, script)
        stripped = bare(key, script)
        if script == LATIN:
            roman: str | None = roman_key(stripped or key)
        elif script in (JAPANESE, HAN):
            roman = romaji(text)
        else:
            roman = None
        return cls(text, lang.lower(), preferred, script, key, stripped, roman)


def similarity(a: str, b: str) -> float:
    """Normalised Levenshtein similarity of two Latin keys, word order ignored (0-1).

    >>> similarity("izumi", "oizumi") < 0.9 < similarity("korea republic of", "republic of korea")
    True
    """
    direct = Levenshtein.normalized_similarity(a, b)
    if " " not in a and " " not in b:
        return direct
    return max(direct, Levenshtein.normalized_similarity(" ".join(sorted(a.split())), " ".join(sorted(b.split()))))


def compare(a: Name, b: Name) -> tuple[float, int] | None:
    """How far two names agree: (score 0-1, quality EXACT/BARE/FUZZY), or None when they are
    not comparable (different language tags, or different scripts with no romaji reading)."""
    if a.script != b.script:
        if a.roman and a.roman == b.roman and {a.script, b.script} & {JAPANESE, HAN}:
            return 1.0, BARE
        return None
    if a.lang and b.lang and a.lang != b.lang:
        return None
    if a.key == b.key:
        return 1.0, EXACT
    if (a.bare or a.key) == (b.bare or b.key):
        return 1.0, BARE
    if a.script != LATIN:
        return None
    return similarity(a.bare or a.key, b.bare or b.key), FUZZY
