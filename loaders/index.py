"""The paper index: sections, paragraphs, in-text citations and entity mentions, as offsets.

Generated from the paper by ``kg extract`` and committed as ``loaders/data/paper_index.json``
(offsets and short keys only, no sentences), so a build needs no paper. A test regenerates it
and fails when the committed file is stale.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError
from loaders.citations import find_citations
from loaders.curated import Curated
from loaders.paper import Paper

FORMAT = 1


@dataclass(frozen=True)
class Mention:
    entity: str
    start: int
    end: int


def _mentions(paper: Paper, curated: Curated) -> list[Mention]:
    text = paper.text
    furniture = paper.furniture
    found: dict[tuple[int, int], str] = {}
    names: list[tuple[str, str]] = []
    for entity in curated.entities.values():
        if entity.kind != "entity" or entity.type in ("Unit", "Measure", "DataSet"):
            continue
        for name in entity.names():
            if len(name) >= 3:
                names.append((name, entity.id))
    # longest names first, so "Brazilian nikkei" wins over "nikkei" on the same characters
    names.sort(key=lambda pair: (-len(pair[0]), pair[0], pair[1]))
    taken = bytearray(len(text))
    for name, entity_id in names:
        words = [re.escape(w) for w in name.split()]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE if name.islower() else 0)
        for match in pattern.finditer(text):
            s, e = match.span()
            if furniture and furniture.start <= s < furniture.end:
                continue
            if any(taken[s:e]):
                continue
            taken[s:e] = b"\x01" * (e - s)
            found[(s, e)] = entity_id
    return [Mention(entity, s, e) for (s, e), entity in sorted(found.items())]


def build_index(paper: Paper, curated: Curated) -> dict[str, Any]:
    """The index of *paper* as plain data, ready for JSON."""
    return {
        "format": FORMAT,
        "paper_sha256": paper.sha256,
        "length": len(paper.text),
        "furniture": [paper.furniture.start, paper.furniture.end] if paper.furniture else None,
        "sections": [
            {"id": s.id, "heading": [s.heading.start, s.heading.end], "span": [s.span.start, s.span.end]}
            for s in paper.sections
        ],
        "paragraphs": [{"id": p.id, "section": p.section, "span": [p.span.start, p.span.end]} for p in paper.paragraphs],
        "citations": [
            {k: v for k, v in asdict(c).items()} | {"authors": list(c.authors)} for c in find_citations(paper.text)
        ],
        "mentions": [asdict(m) for m in _mentions(paper, curated)],
    }


def dumps(index: dict[str, Any]) -> str:
    """Serialise deterministically: sorted keys, one record a line."""
    parts = ["{"]
    keys = sorted(index)
    for i, key in enumerate(keys):
        value = index[key]
        comma = "," if i + 1 < len(keys) else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows = ",\n".join("    " + json.dumps(v, sort_keys=True, ensure_ascii=False) for v in value)
            parts.append(f'  "{key}": [\n{rows}\n  ]{comma}')
        else:
            parts.append(f'  "{key}": {json.dumps(value, sort_keys=True, ensure_ascii=False)}{comma}')
    parts.append("}")
    return "\n".join(parts) + "\n"


def load_index(path: Path) -> dict[str, Any]:
    """Read a committed index; a wrong or truncated file is an :class:`InputError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "paper index missing: run `kg extract --paper PATH` to generate it") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(path, f"not a valid paper index: {exc}", line) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(path, f"paper index of an unknown format (expected format {FORMAT})")
    for key in ("sections", "paragraphs", "citations", "mentions", "length"):
        if key not in data:
            raise InputError(path, f"paper index lacks {key!r}")
    return data


def section_at(index: dict[str, Any], offset: int) -> str | None:
    """The id of the section whose span holds *offset*."""
    for section in index["sections"]:
        start, end = section["span"]
        if start <= offset < end:
            return str(section["id"])
    return None
