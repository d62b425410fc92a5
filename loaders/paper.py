"""Read the paper: check its checksum, find its sections and paragraphs by character offset.

Nothing here keeps the paper's sentences: the results are offsets into the text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import PaperError
from kg.paths import PAPER_SHA256

#: The paper's headings in reading order: (section id, the heading's first words as printed;
#: the heading runs to the end of its line).
SECTION_HEADINGS: tuple[tuple[str, str], ...] = (
    ("abstract", "Abstract"),
    ("introduction", "INTRODUCTION"),
    ("mobility-migration-flows", "MOBILITY, MIGRATION, AND FLOWS"),
    ("human-capital-migration-japan", "International Human Capital Migration in Japan"),
    ("migration-policy-japan", "The Features of Migration Policy in Japan"),
    ("research-training-mexico-japan", "THE DYNAMICS OF RESEARCH"),
    ("research-appealing-factor", "Research as an Appealing Factor"),
    ("education-japan", "Training International Human Resources: Education in Japan"),
    ("conclusions", "CONCLUSIONS"),
)

#: Website navigation captured with the text: kept apart from the paper's content.
FURNITURE_START = "Home History Purchase"

_BLANK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"empty or negative span [{self.start}, {self.end})")


@dataclass(frozen=True)
class Section:
    id: str
    heading: Span
    span: Span


@dataclass(frozen=True)
class Paragraph:
    id: str
    section: str
    span: Span


@dataclass(frozen=True)
class Paper:
    """The paper's text with its structure; ``text`` stays in memory only."""

    path: Path
    text: str
    sha256: str
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    furniture: Span | None

    def section_at(self, offset: int) -> str | None:
        """The id of the section containing *offset*, or None before the first heading."""
        found = None
        for section in self.sections:
            if section.span.start <= offset < section.span.end:
                found = section.id
        return found


def read_paper(path: Path | str, *, check_sha256: bool = True) -> Paper:
    """Read and split the paper at *path*.

    Raises :class:`PaperError` naming the file when it is missing, not UTF-8, or not the
    expected text.

    >>> from kg.paths import default_paper
    >>> p = default_paper()
    >>> paper = read_paper(p) if p else None
    >>> paper is None or paper.sections[0].id == "abstract"
    True
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PaperError(path, "no such file (pass the paper's path with --paper)") from None
    except OSError as exc:
        raise PaperError(path, f"cannot read: {exc.strerror}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if check_sha256 and digest != PAPER_SHA256:
        raise PaperError(path, f"sha256 is {digest}, expected {PAPER_SHA256}: not the paper this graph is made from")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PaperError(path, f"not UTF-8 text (byte {exc.start})") from None
    return split(path, text, digest)


def split(path: Path, text: str, digest: str) -> Paper:
    """Find the headings, sections and paragraphs of *text*."""
    headings: list[tuple[str, Span]] = []
    cursor = 0
    for section_id, heading in SECTION_HEADINGS:
        match = re.compile(r"(?m)^[ \t]*(" + re.escape(heading) + r"[^\n\d]*?)[ \t]*\d*[ \t]*$").search(text, cursor)
        if match is None:
            raise PaperError(path, f"heading {heading!r} not found after offset {cursor}")
        headings.append((section_id, Span(match.start(1), match.end(1))))
        cursor = match.end()
    furniture_at = text.find(FURNITURE_START)
    furniture = None
    if furniture_at >= 0:
        after = _BLANK.search(text, text.rfind("http", furniture_at, headings[2][1].start))
        furniture = Span(furniture_at, after.start() if after else furniture_at + 1)
    sections = []
    for i, (section_id, heading_span) in enumerate(headings):
        end = headings[i + 1][1].start if i + 1 < len(headings) else len(text.rstrip())
        sections.append(Section(section_id, heading_span, Span(heading_span.start, end)))
    paragraphs = []
    for section in sections:
        counter = 0
        body_start = section.heading.end
        for block in _blocks(text, body_start, section.span.end):
            if furniture and furniture.start <= block.start < furniture.end:
                continue
            counter += 1
            paragraphs.append(Paragraph(f"{section.id}-p{counter}", section.id, block))
    return Paper(path, text, digest, tuple(sections), tuple(paragraphs), furniture)


def _blocks(text: str, start: int, end: int) -> list[Span]:
    """Non-blank runs of lines between *start* and *end*, trimmed of surrounding space."""
    spans = []
    pos = start
    for match in _BLANK.finditer(text, start, end):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, end))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        stripped = chunk.strip()
        if len(stripped) < 2:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Span(s + lead, s + lead + len(stripped)))
    return out
