"""What a read-only endpoint must know about a query before running it: a lexical scan.

Oxigraph parses and runs the query; this module only finds the few keywords that matter for
safety — ``SERVICE`` (Oxigraph would fetch the remote endpoint), the graphs named by ``FROM`` /
``FROM NAMED``, and whether the text is an update. It works on tokens, so a keyword inside a
string, an IRI, a comment, a variable or a prefixed name does not count. A full parser
(rdflib's) would reject some valid SPARQL 1.1 that Oxigraph accepts, and costs milliseconds
per request; the scan is enough because Oxigraph still parses the query afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

#: SPARQL's name characters, ``[\w\u00b7-\U000effff]``, written as an alternation: the same code
#: points (checked over all of Unicode by the tests), but compiled in a fraction of a millisecond
#: where the class with its wide range took 12 ms of every ``kg query``'s start.
_WIDE = r"[^\x00-\xb6\U000f0000-\U0010ffff]"
_NAME_START = rf"(?:\w|{_WIDE})"
_NAME_CHAR = rf"(?:[\w.\-]|{_WIDE})"
_LOCAL_CHAR = rf"(?:[\w.\-:%\\]|{_WIDE})"
_TOKEN = re.compile(
    rf"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]{_NAME_START}+)
    | (?P<name>{_NAME_START}{_NAME_CHAR}*(?::{_LOCAL_CHAR}*)?
               |:{_LOCAL_CHAR}*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}

#: The one sentence every read-only door answers an update with: the endpoint (403), ``kg query``
#: and :meth:`kg.sparql.store.GraphStore.query`.
READ_ONLY = "this store is read-only: SPARQL updates are refused and nothing was changed"


@dataclass
class Scan:
    """The safety-relevant facts of a query text.

    >>> s = scan('PREFIX g: <http://g/> SELECT * FROM g:1 FROM NAMED <http://h> WHERE { ?s ?p "SERVICE" }')
    >>> s.from_graphs, s.service
    (['http://g/1', 'http://h'], False)
    >>> scan("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }").service
    True
    >>> scan("PREFIX : <http://e/> INSERT DATA { :a :b :c }").update
    True
    """

    service: bool = False
    update: bool = False
    from_graphs: list[str] = field(default_factory=list)


def tokens(text: str) -> list[tuple[str, str]]:
    """The significant tokens of *text* as ``(kind, text)``: kinds iri, string, var, name, other.

    >>> tokens("ASK { ?x <http://e/p> 'a b' } # done")
    [('name', 'ASK'), ('other', '{'), ('var', '?x'), ('iri', '<http://e/p>'), ('string', "'a b'"), ('other', '}')]
    """
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group()))
    return out


def scan(text: str, base_iri: str = "") -> Scan:
    """Scan a query text for SERVICE, FROM / FROM NAMED graphs and update keywords; relative IRIs
    resolve against BASE, else *base_iri*."""
    toks = tokens(text)
    result = Scan()
    prefixes: dict[str, str] = {}
    base = base_iri
    first_keyword: str | None = None
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        upper = value.upper() if kind == "name" else ""
        if upper == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = urljoin(base, toks[i + 1][1][1:-1])
            i += 2
            continue
        if upper == "PREFIX" and i + 2 < len(toks) and toks[i + 1][0] == "name" and toks[i + 2][0] == "iri":
            prefixes[toks[i + 1][1].rstrip(":")] = urljoin(base, toks[i + 2][1][1:-1])
            i += 3
            continue
        if kind == "name" and ":" not in value:
            if first_keyword is None:
                first_keyword = upper
            if upper == "SERVICE":
                result.service = True
            elif upper == "FROM":
                j = i + 1
                if j < len(toks) and toks[j][0] == "name" and toks[j][1].upper() == "NAMED":
                    j += 1
                if j < len(toks):
                    graph = _resolve(toks[j], prefixes, base)
                    if graph is not None:
                        result.from_graphs.append(graph)
        i += 1
    result.update = first_keyword in _UPDATE_WORDS
    return result


def _resolve(token: tuple[str, str], prefixes: dict[str, str], base: str) -> str | None:
    kind, value = token
    if kind == "iri":
        return urljoin(base, value[1:-1]) if base else value[1:-1]
    if kind == "name" and ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local.replace("\\", "")
    return None
