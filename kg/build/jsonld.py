"""A JSON-LD export that schema.org consumers understand, next to our own terms."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from kg.build.graphs import read_dataset, union
from kg.namespaces import MX, SCHEMA
from kg.paths import ontology_dir


def context_file() -> Path:
    """The JSON-LD context shipped with the ontology."""
    return ontology_dir() / "context.jsonld"


def schema_org_view(graph: Graph, ontology: Graph) -> Graph:
    """*graph* plus the schema.org terms that say the same: names, alternate names, descriptions,
    sameAs links, identifiers, and the schema.org classes our classes specialise."""
    out = Graph()
    for triple in graph:
        out.add(triple)
    copies = {
        RDFS.label: SCHEMA.name,
        SKOS.altLabel: SCHEMA.alternateName,
        SKOS.definition: SCHEMA.description,
        OWL.sameAs: SCHEMA.sameAs,
        SKOS.exactMatch: SCHEMA.sameAs,
        MX.iso3166Code: SCHEMA.identifier,
        RDFS.seeAlso: SCHEMA.url,
    }
    for source, target in copies.items():
        for s, o in graph.subject_objects(source):
            out.add((s, target, o))
    supers: dict[URIRef, set[URIRef]] = {}
    for cls in set(ontology.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, URIRef):
            supers[cls] = {
                c
                for c in ontology.transitive_objects(cls, RDFS.subClassOf)
                if isinstance(c, URIRef) and str(c).startswith(str(SCHEMA))
            }
    for s, cls in graph.subject_objects(RDF.type):
        for sup in supers.get(cls, ()):  # type: ignore[call-overload]
            out.add((s, RDF.type, sup))
    return out


def export_jsonld(graph: Graph, ontology: Graph) -> str:
    """The graph as compact JSON-LD with the shipped context (schema.org terms added), sorted by @id."""
    context = json.loads(context_file().read_text(encoding="utf-8"))["@context"]
    view = schema_org_view(graph, ontology)
    text = view.serialize(format="json-ld", context=context, auto_compact=True)
    data = json.loads(text)
    data.pop("@context", None)
    nodes = data["@graph"] if "@graph" in data else ([data] if data else [])
    nodes = sorted((n for n in nodes if isinstance(n, dict)), key=lambda n: str(n.get("id", n.get("@id", ""))))
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return json.dumps({"@context": context, "@graph": nodes}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_graph_dir(directory: Path) -> Graph:
    """The union of the RDF files of a graph directory, as one rdflib graph (ontology included)."""
    return union(read_dataset(directory, skip=()))
