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
from loaders.citations import find_citations, sentence_bounds
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


def _sentence(paper: Paper, citation: Any) -> tuple[int, int]:
    """The sentence around a citation, within its paragraph."""
    limit = next(
        ((p.span.start, p.span.end) for p in paper.paragraphs if p.span.start <= citation.start < p.span.end), None
    )
    return sentence_bounds(paper.text, citation.start, citation.end, limit=limit)


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
        "paragraphs": [
            {"id": p.id, "section": p.section, "span": [p.span.start, p.span.end]} for p in paper.paragraphs
        ],
        "citations": [
            {k: v for k, v in asdict(c).items()} | {"authors": list(c.authors), "sentence": list(_sentence(paper, c))}
            for c in find_citations(paper.text)
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


#: The largest index read, in bytes (the paper's is about 45 KB).
MAX_BYTES = 5 * 1024 * 1024

_SPAN_KEYS = {"sections": ("heading", "span"), "paragraphs": ("span",), "citations": ("sentence",), "mentions": ()}
_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "sections": {"id": str, "heading": list, "span": list},
    "paragraphs": {"id": str, "section": str, "span": list},
    "citations": {
        "authors": list,
        "start": int,
        "end": int,
        "year": int,
        "et_al": bool,
        "form": str,
        "pages": (str, type(None)),
        "sentence": list,
    },
    "mentions": {"entity": str, "start": int, "end": int},
}


def _record_line(lines: list[str], key: str, i: int) -> int | None:
    """The line of record *i* of list *key* in a file written by :func:`dumps` (one record a line)."""
    head = f'  "{key}": ['
    for n, line in enumerate(lines):
        if line.startswith(head):
            target = n + 2 + i
            return target if target <= len(lines) and lines[target - 1].lstrip().startswith("{") else None
    return None


def load_index(path: Path) -> dict[str, Any]:
    """Read a committed index; a wrong, truncated or malformed file is an :class:`InputError`
    naming the file and, where known, the line of the bad record."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, f"file is {size:,} bytes, more than the {MAX_BYTES:,} allowed for a paper index")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "paper index missing: run `kg extract --paper PATH` to generate it") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise InputError(path, "empty file, expected the paper index (JSON)")
    if b"\x00" in raw:
        raise InputError(path, "binary file, expected the paper index (JSON)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, "not UTF-8 text", raw[: exc.start].count(b"\n") + 1) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not a valid paper index: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise InputError(path, "not a valid paper index: nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(path, f"paper index of an unknown format (expected format {FORMAT})")
    for key in ("sections", "paragraphs", "citations", "mentions", "length"):
        if key not in data:
            raise InputError(path, f"paper index lacks {key!r}")
    _check_index(path, data, text.splitlines())
    return data


def _check_index(path: Path, data: dict[str, Any], lines: list[str]) -> None:
    length = data["length"]
    if type(length) is not int or length <= 0:
        raise InputError(path, f"'length' must be a positive integer, got {length!r:.40}")

    def span_ok(value: Any) -> bool:
        return (
            isinstance(value, list)
            and len(value) == 2
            and all(type(v) is int for v in value)
            and 0 <= value[0] < value[1] <= length
        )

    for key, fields in _FIELDS.items():
        records = data[key]
        if not isinstance(records, list):
            raise InputError(path, f"{key!r} must be a list, got {type(records).__name__}")
        for i, record in enumerate(records):

            def fail(message: str, i: int = i, key: str = key) -> InputError:
                return InputError(path, f"{key}[{i}]: {message}", _record_line(lines, key, i))

            if not isinstance(record, dict):
                raise fail(f"must be an object, got {type(record).__name__}")
            for name, kind in fields.items():
                if name not in record:
                    raise fail(f"lacks {name!r}")
                value = record[name]
                if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
                    raise fail(f"{name!r} has the wrong type ({type(value).__name__}: {value!r:.40})")
            for name in _SPAN_KEYS[key]:
                if not span_ok(record[name]):
                    raise fail(
                        f"{name!r} must be [start, end] within the paper (0 ≤ start < end ≤ {length}), "
                        f"got {record[name]!r:.40}"
                    )
            if key in ("citations", "mentions") and not span_ok([record["start"], record["end"]]):
                raise fail(
                    f"[start, end] must lie within the paper (0 ≤ start < end ≤ {length}), "
                    f"got [{record['start']}, {record['end']}]"
                )
            if key == "citations" and (not record["authors"] or not all(isinstance(a, str) for a in record["authors"])):
                raise fail("'authors' must be a non-empty list of names")


def check_references(path: Path, index: dict[str, Any], known: set[str] | dict[str, Any]) -> None:
    """Every mention names a curated id and every paragraph a section of the index."""
    lines: list[str] | None = None
    sections = {s["id"] for s in index["sections"]}
    for key, field_, targets, what in (
        ("mentions", "entity", known, "curated id"),
        ("paragraphs", "section", sections, "section of the index"),
    ):
        for i, record in enumerate(index[key]):
            if record[field_] not in targets:
                if lines is None:
                    lines = path.read_text(encoding="utf-8").splitlines()
                raise InputError(
                    path, f"{key}[{i}]: {field_} {record[field_]!r} is not a known {what}", _record_line(lines, key, i)
                )


def section_at(index: dict[str, Any], offset: int) -> str | None:
    """The id of the section whose span holds *offset*."""
    for section in index["sections"]:
        start, end = section["span"]
        if start <= offset < end:
            return str(section["id"])
    return None
