"""Deterministic, readable Turtle and TriG: subjects, predicates and objects sorted, one
predicate a line, so that the same graph always gives the same bytes and diffs read well.

rdflib's own writers order named graphs by hash and are slow on thousands of small graphs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, Dataset, Graph
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.namespaces import PREFIXES


def _manager() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    return manager


def _key(term: Node) -> tuple[int, str]:
    return (0 if term == RDF.type else 1, str(term))


def _block(triples: Iterable[tuple[Node, Node, Node]], manager: NamespaceManager, indent: str) -> list[str]:
    by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        by_subject[s][p].append(o)
    lines: list[str] = []
    for s in sorted(by_subject, key=str):
        predicates = sorted(by_subject[s], key=_key)
        lines.append(indent + s.n3(manager))
        for i, p in enumerate(predicates):
            objects = sorted(set(by_subject[s][p]), key=lambda o: (type(o).__name__, str(o), o.n3()))
            verb = "a" if p == RDF.type else p.n3(manager)
            end = " ." if i + 1 == len(predicates) else " ;"
            lines.append(f"{indent}    {verb} {', '.join(o.n3(manager) for o in objects)}{end}")
        lines.append("")
    return lines


def _header() -> list[str]:
    return [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items())] + [""]


def turtle(graph: Graph) -> bytes:
    """*graph* as sorted Turtle.

    >>> from rdflib import URIRef, Literal
    >>> g = Graph().add((URIRef("https://w3id.org/mxjp-talent/resource/x"), RDF.type, URIRef("urn:C")))
    >>> turtle(g).decode().splitlines()[-2:]
    ['res:x', '    a <urn:C> .']
    """
    manager = _manager()
    return "\n".join(_header() + _block(graph, manager, "")).encode("utf-8")


def trig(dataset: Dataset) -> bytes:
    """*dataset* as TriG: the default graph first, then each named graph in IRI order."""
    manager = _manager()
    graphs: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
    default = dataset.default_graph.identifier
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name: Node | None = g.identifier if isinstance(g, Graph) else g
        graphs[name if name is not None else default].append((s, p, o))
    lines = _header() + _block(graphs.pop(default, []), manager, "")
    for name in sorted(graphs, key=str):
        lines.append(f"{name.n3(manager)} {{")
        lines += _block(graphs[name], manager, "    ")[:-1]
        lines += ["}", ""]
    return "\n".join(lines).encode("utf-8")
