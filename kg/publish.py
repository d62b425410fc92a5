"""Publishing: HTML documentation of the ontology, a VoID/DCAT description, and a JSON-LD export.

Everything here is deterministic (same input, same bytes), since builds are byte-compared, and
works offline: the HTML page has its style inline and links nowhere but to the term IRIs.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from kg.namespaces import MX, PREFIXES, RES, SCHEMA, bind_prefixes
from kg.paths import ontology_dir

DATASET = RES["dataset"]
#: Target datasets of links, by the namespace of the linked IRIs.
TARGETS: dict[str, tuple[str, str]] = {
    "http://www.wikidata.org/entity/": ("wikidata", "Wikidata"),
    "https://ror.org/": ("ror", "Research Organization Registry (ROR)"),
    "http://sws.geonames.org/": ("geonames", "GeoNames"),
    "https://doi.org/": ("doi", "DOI (Crossref, DataCite and other registration agencies)"),
    "https://orcid.org/": ("orcid", "ORCID"),
}
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch)
_STYLE = """body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}h3{margin-bottom:.2em}
code{background:#f4f4f4;padding:0 .2em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
.term{border-left:3px solid #4a7;padding-left:.8em;margin:1.2em 0}.iri{color:#666;font-size:.9em}nav a{margin-right:.6em}"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _short(node: object) -> str:
    text = str(node)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return text


def _ref(node: object) -> str:
    """A link to a term: an anchor for ours, the IRI for others."""
    text = str(node)
    if text.startswith(str(MX._NS)):
        local = text[len(str(MX._NS)):]
        return f'<a href="#{_e(local)}"><code>mx:{_e(local)}</code></a>'
    return f'<a href="{_e(text)}"><code>{_e(_short(node))}</code></a>'


def _literals(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    return sorted(values, key=lambda lit: (lit.language or "", str(lit)))


def ontology_html(ontology: Graph) -> str:
    """The ontology's documentation as one HTML page, generated from its annotations."""
    onto_iri = next((s for s in ontology.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    title = ontology.value(onto_iri, DCTERMS.title) if onto_iri else None
    ns = str(MX._NS)
    kinds = [
        ("Classes", OWL.Class), ("Object properties", OWL.ObjectProperty), ("Datatype properties", OWL.DatatypeProperty),
        ("Annotation properties", OWL.AnnotationProperty),
    ]
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{_e(title or 'Ontology')}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>"]
    out.append(f"<h1>{_e(title or 'Ontology')}</h1>")
    if onto_iri is not None:
        rows = [("IRI", _ref(onto_iri))]
        for label, prop in (("Version IRI", OWL.versionIRI), ("Version", OWL.versionInfo), ("Licence", DCTERMS.license),
                            ("Creator", DCTERMS.creator), ("Preferred prefix", URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")),
                            ("Namespace", URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"))):
            for value in sorted(ontology.objects(onto_iri, prop), key=str):
                rows.append((label, _ref(value) if isinstance(value, URIRef) else _e(value)))
        out.append("<table>" + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>")
        for text in _literals(ontology, onto_iri, DCTERMS.description):
            out.append(f"<p>{_e(text)}</p>")
    sections: list[tuple[str, list[URIRef]]] = []
    placed: set[URIRef] = set()
    for heading, kind in kinds:
        terms = sorted({s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(ns)} - placed, key=str)
        placed |= set(terms)
        sections.append((heading, terms))
    others = sorted({s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ns)} - placed, key=str)
    sections.append(("Individuals and concept schemes", others))
    out.append("<nav>" + "".join(f'<a href="#{_e(h.lower().replace(" ", "-"))}">{_e(h)} ({len(t)})</a>' for h, t in sections) + "</nav>")
    out.append("<h2>Namespaces</h2><table>" + "".join(
        f"<tr><td><code>{_e(p)}:</code></td><td>{_e(n)}</td></tr>" for p, n in sorted(PREFIXES.items())) + "</table>")
    for heading, terms in sections:
        out.append(f'<h2 id="{_e(heading.lower().replace(" ", "-"))}">{_e(heading)}</h2>')
        for term in terms:
            out.append(_term_html(ontology, term))
    out += ["<p class=\"iri\">Generated by <code>kg docs</code> from the ontology's own annotations.</p>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _term_html(graph: Graph, term: URIRef) -> str:
    local = str(term)[len(str(MX._NS)):]
    labels = _literals(graph, term, RDFS.label)
    english = next((str(lab) for lab in labels if lab.language == "en"), local)
    parts = [f'<div class="term" id="{_e(local)}">', f"<h3>{_e(english)}</h3>", f'<div class="iri">{_e(term)}</div>']
    rows: list[tuple[str, str]] = []
    if labels:
        rows.append(("Labels", ", ".join(f"{_e(lab)} <small>({_e(lab.language or '')})</small>" for lab in labels)))
    for text in _literals(graph, term, SKOS.definition):
        rows.append(("Definition", _e(text)))
    for name, prop in (("Types", RDF.type), ("Subclass of", RDFS.subClassOf), ("Subproperty of", RDFS.subPropertyOf),
                       ("Domain", RDFS.domain), ("Range", RDFS.range), ("Inverse of", OWL.inverseOf),
                       ("Disjoint with", OWL.disjointWith), ("In scheme", SKOS.inScheme)):
        values = sorted((v for v in graph.objects(term, prop) if isinstance(v, URIRef)), key=str)
        if values:
            rows.append((name, ", ".join(_ref(v) for v in values)))
    subclasses = sorted((s for s in graph.subjects(RDFS.subClassOf, term) if isinstance(s, URIRef)), key=str)
    if subclasses:
        rows.append(("Subclasses", ", ".join(_ref(s) for s in subclasses)))
    parts.append("<table>" + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>")
    parts.append("</div>")
    return "\n".join(parts)


def void_graph(union: Graph, ontology: Graph, version: str) -> Graph:
    """A VoID and DCAT description of the dataset: size, classes, vocabularies, links per target, licence, version."""
    g = Graph()
    bind_prefixes(g)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    d = DATASET
    onto_iri = next((s for s in ontology.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    for t in (VOID.Dataset, DCAT.Dataset):
        g.add((d, RDF.type, t))
    g.add((d, DCTERMS.title, Literal("Mexico-Japan talent migration knowledge graph", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "Entities, relations, figures and citations of one paper on qualified migration between Mexico and Japan "
        "(Problemas del Desarrollo 48(190), 2017), each claim with its evidence span in the paper.", lang="en")))
    g.add((d, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((d, DCTERMS.source, RES["mendez-2017"]))
    g.add((d, OWL.versionInfo, Literal(version)))
    g.add((d, URIRef(str(DCAT) + "version"), Literal(version)))  # DCAT 3 term, not in rdflib's DCAT namespace
    g.add((d, VOID.uriSpace, Literal(str(RES))))
    if onto_iri is not None:
        g.add((d, VOID.vocabulary, onto_iri))
    subjects = {s for s in union.subjects() if isinstance(s, URIRef)}
    classes = Counter(o for _, o in union.subject_objects(RDF.type) if isinstance(o, URIRef))
    properties = {p for p in union.predicates()}
    g.add((d, VOID.triples, Literal(len(union), datatype=XSD.integer)))
    g.add((d, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    g.add((d, VOID.entities, Literal(len({s for s in union.subjects(RDF.type, None) if isinstance(s, URIRef)}), datatype=XSD.integer)))
    g.add((d, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((d, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    for vocabulary in sorted({str(ns) for ns in PREFIXES.values()} - {str(RES)}):
        if any(str(p).startswith(vocabulary) for p in properties) or any(str(c).startswith(vocabulary) for c in classes):
            g.add((d, VOID.vocabulary, URIRef(vocabulary)))
    for cls, count in sorted(classes.items(), key=lambda kv: str(kv[0])):
        if not str(cls).startswith(str(MX._NS)):
            continue
        part = RES[f"void/class/{str(cls)[len(str(MX._NS)):]}"]
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    links: Counter[tuple[str, URIRef]] = Counter()
    for predicate in LINK_PREDICATES:
        for s, o in union.subject_objects(predicate):
            if not (isinstance(o, URIRef) and str(s).startswith(str(RES))):
                continue
            for ns in TARGETS:
                if str(o).startswith(ns):
                    links[(ns, predicate)] += 1
    for (ns, predicate), count in sorted(links.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        key, title = TARGETS[ns]
        target = RES[f"void/target/{key}"]
        linkset = RES[f"void/linkset/{key}-{_short(predicate).replace(':', '-')}"]
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title, lang="en")))
        g.add((target, VOID.uriSpace, Literal(ns)))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, d))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.linkPredicate, predicate))
        g.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((d, VOID.subset, linkset))
    for name, media in (("data.ttl", "text/turtle"), ("data.trig", "application/trig"), ("ontology.ttl", "text/turtle")):
        dist = RES[f"distribution/{name}"]
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((d, VOID.dataDump, dist))
    return g


def void_turtle(union: Graph, ontology: Graph, version: str) -> bytes:
    """:func:`void_graph` as Turtle bytes."""
    return void_graph(union, ontology, version).serialize(format="turtle", encoding="utf-8")


def context_file() -> Path:
    """The JSON-LD context shipped with the ontology."""
    return ontology_dir() / "context.jsonld"


def schema_org_view(graph: Graph, ontology: Graph) -> Graph:
    """*graph* plus the schema.org terms that say the same: names, alternate names, descriptions,
    sameAs links, identifiers, and the schema.org classes our classes specialise."""
    out = Graph()
    for triple in graph:
        out.add(triple)
    copies = {RDFS.label: SCHEMA.name, SKOS.altLabel: SCHEMA.alternateName, SKOS.definition: SCHEMA.description,
              OWL.sameAs: SCHEMA.sameAs, SKOS.exactMatch: SCHEMA.sameAs, MX.iso3166Code: SCHEMA.identifier,
              RDFS.seeAlso: SCHEMA.url}
    for source, target in copies.items():
        for s, o in graph.subject_objects(source):
            out.add((s, target, o))
    supers: dict[URIRef, set[URIRef]] = {}
    for cls in set(ontology.subjects(RDFS.subClassOf, None)):
        if isinstance(cls, URIRef):
            supers[cls] = {c for c in ontology.transitive_objects(cls, RDFS.subClassOf)
                           if isinstance(c, URIRef) and str(c).startswith(str(SCHEMA))}
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
    """The union of the RDF files of a graph directory, as one rdflib graph."""
    from rdflib import Dataset

    from kg.errors import GraphDirError
    from kg.store import graph_files

    ds = Dataset()
    formats = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}
    for path in graph_files(directory):
        try:
            ds.parse(path, format=formats[path.suffix])
        except Exception as exc:  # rdflib raises many parser-specific exception types
            raise GraphDirError(f"{path}: cannot load: {exc}") from None
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union
