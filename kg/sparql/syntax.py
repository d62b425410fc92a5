"""SPARQL syntax errors in one sentence: line, column, what was found and what was expected, in words.

Oxigraph reports a syntax error as its parser's grammar (``error at 1:31: expected one of Prefix
not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' …``). A person needs the place, the text found
there and a short list of what could have come instead.

>>> explain_syntax_error("error at 1:31: expected one of Prefix not found, ['%']", "SELECT ?x WHERE { ?x a foo:Bar }")
"line 1, column 31: the prefix 'foo:' is not declared: add PREFIX foo: <…> or use one of the project's prefixes"
>>> explain_syntax_error("error at 1:10: expected CONSTRUCT", "SELEC ?x WHERE {}")
"line 1, column 10: found 'WHERE {}', expected CONSTRUCT"
"""

from __future__ import annotations

import re

_WHERE = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_CLASSES = (
    (re.compile(r"\['0' ?\.\.= ?'9'\]"), "a digit"),
    (re.compile(r"\['A' \.\.= 'Z' \| 'a' \.\.= 'z'[^\]]*\]", re.DOTALL), "a letter"),
    (re.compile(r"\['-' \| '0' \.\.= '9'[^\]]*\]", re.DOTALL), "a name character"),
)
SHOWN = 8


def explain_syntax_error(message: str, query: str) -> str:
    """Oxigraph's *message* for *query* as one sentence (unchanged when it is not a parser error)."""
    match = _WHERE.match(message.strip())
    if not match:
        return " ".join(message.split())
    line, column, rest = int(match.group(1)), int(match.group(2)), match.group(3)
    where = f"line {line}, column {column}"
    found = _found(query, line, column)
    if "Prefix not found" in rest:
        prefix = _prefix_before(query, line, column)
        if prefix is not None:
            return (
                f"{where}: the prefix '{prefix}:' is not declared: add PREFIX {prefix}: <…> "
                "or use one of the project's prefixes"
            )
    expected = _expected(rest)
    shown = f"found '{found}'" if found else "the query ends here"
    return f"{where}: {shown}, expected {expected}" if expected else f"{where}: {shown}"


def _offset(query: str, line: int, column: int) -> int:
    lines = query.split("\n")
    before = sum(len(text) + 1 for text in lines[: max(line - 1, 0)])
    return before + max(column - 1, 0)


def _found(query: str, line: int, column: int) -> str:
    rest = query[_offset(query, line, column) :]
    token = rest.split("\n", 1)[0].strip()
    return token[:20] + ("…" if len(token) > 20 else "")


def _prefix_before(query: str, line: int, column: int) -> str | None:
    """The prefix name that ends at the error (Oxigraph points just after ``foo:``)."""
    head = query[: _offset(query, line, column)]
    match = re.search(r"([A-Za-z][\w.-]*)?:\w*$", head)
    return match.group(1) or "" if match else None


def _expected(rest: str) -> str:
    """The expected alternatives in words: tokens as written, character classes named."""
    text = rest.removeprefix("expected one of ").removeprefix("expected ")
    words: list[str] = []
    for pattern, name in _CLASSES:
        if pattern.search(text):
            words.append(name)
            text = pattern.sub("", text)
    tokens = re.findall(r'"((?:[^"\\]|\\.)+)"|\b([A-Z][A-Z_]+)\b|\[\'(.)\'\]', text)
    for quoted, keyword, char in tokens:
        word = (quoted.replace('\\"', '"') or keyword or char).strip()
        if word and word not in words and not word.startswith("\\u"):
            words.append(word if word.isalpha() and word.isupper() else f"'{word}'")
    words = [w for w in words if w != "'_'"]
    if len(words) > SHOWN:
        return ", ".join(words[:SHOWN]) + f" or another of {len(words) - SHOWN} more"
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else (words[0] if words else "")
