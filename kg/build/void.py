"""A VoID and DCAT description of the built dataset: size, classes, vocabularies, links per
target, licence, version and distributions. Deterministic, since builds are byte-compared."""

from __future__ import annotations

from collections import Counter

from rdflib import OWL, RDF, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from kg.namespaces import MX, PREFIXES, RES, bind_prefixes
from kg.terms import NAMESPACES, curie

DATASET = RES["dataset"]
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: Target datasets of links, by the namespace of the linked IRIs.
TARGETS: dict[str, tuple[str, str]] = {
    NAMESPACES["wd"]: ("wikidata", "Wikidata"),
    NAMESPACES["ror"]: ("ror", "Research Organization Registry (ROR)"),
    NAMESPACES["geonames"]: ("geonames", "GeoNames"),
    NAMESPACES["doi"]: ("doi", "DOI (Crossref, DataCite and other registration agencies)"),
    NAMESPACES["orcid"]: ("orcid", "ORCID"),
}
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch)


def void_graph(union: Graph, ontology: Graph, version: str) -> Graph:
    """A VoID and DCAT description of the dataset: size, classes, vocabularies, links per target, licence, version."""
    g = Graph()
    bind_prefixes(g)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    _about(g, ontology, version)
    _statistics(g, union)
    _linksets(g, union)
    _distributions(g)
    return g


def _about(g: Graph, ontology: Graph, version: str) -> None:
    d = DATASET
    for t in (VOID.Dataset, DCAT.Dataset):
        g.add((d, RDF.type, t))
    g.add((d, DCTERMS.title, Literal("Mexico-Japan talent migration knowledge graph", lang="en")))
    g.add(
        (
            d,
            DCTERMS.description,
            Literal(
                "Entities, relations, figures and citations of one paper on qualified migration between Mexico and Japan "
                "(Problemas del Desarrollo 48(190), 2017), each claim with its evidence span in the paper.",
                lang="en",
            ),
        )
    )
    g.add((d, DCTERMS.license, LICENSE))
    g.add((d, DCTERMS.source, RES["mendez-2017"]))
    g.add((d, OWL.versionInfo, Literal(version)))
    g.add((d, URIRef(str(DCAT) + "version"), Literal(version)))  # DCAT 3 term, not in rdflib's DCAT namespace
    g.add((d, VOID.uriSpace, Literal(str(RES))))
    onto_iri = next((s for s in ontology.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    if onto_iri is not None:
        g.add((d, VOID.vocabulary, onto_iri))


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _statistics(g: Graph, union: Graph) -> None:
    """Sizes, the vocabularies in use, and one class partition per class of ours."""
    d = DATASET
    classes = Counter(o for _, o in union.subject_objects(RDF.type) if isinstance(o, URIRef))
    properties = set(union.predicates())
    g.add((d, VOID.triples, _count(len(union))))
    g.add((d, VOID.distinctSubjects, _count(len({s for s in union.subjects() if isinstance(s, URIRef)}))))
    g.add((d, VOID.entities, _count(len({s for s in union.subjects(RDF.type, None) if isinstance(s, URIRef)}))))
    g.add((d, VOID.classes, _count(len(classes))))
    g.add((d, VOID.properties, _count(len(properties))))
    for vocabulary in sorted({str(ns) for ns in PREFIXES.values()} - {str(RES)}):
        if any(str(term).startswith(vocabulary) for term in (*properties, *classes)):
            g.add((d, VOID.vocabulary, URIRef(vocabulary)))
    mx = str(MX._NS)
    for cls, count in sorted(classes.items(), key=lambda kv: str(kv[0])):
        if str(cls).startswith(mx):
            part = RES[f"void/class/{str(cls)[len(mx) :]}"]
            g.add((d, VOID.classPartition, part))
            g.add((part, VOID["class"], cls))
            g.add((part, VOID.entities, _count(count)))


def _linksets(g: Graph, union: Graph) -> None:
    """One linkset per external target and link predicate, with its size."""
    links: Counter[tuple[str, URIRef]] = Counter()
    for predicate in LINK_PREDICATES:
        for s, o in union.subject_objects(predicate):
            if isinstance(o, URIRef) and str(s).startswith(str(RES)):
                for ns in TARGETS:
                    if str(o).startswith(ns):
                        links[(ns, predicate)] += 1
    for (ns, predicate), count in sorted(links.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        key, title = TARGETS[ns]
        target = RES[f"void/target/{key}"]
        linkset = RES[f"void/linkset/{key}-{curie(str(predicate)).replace(':', '-')}"]
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title, lang="en")))
        g.add((target, VOID.uriSpace, Literal(ns)))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, DATASET))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.linkPredicate, predicate))
        g.add((linkset, VOID.triples, _count(count)))
        g.add((DATASET, VOID.subset, linkset))


def _distributions(g: Graph) -> None:
    for name, media in (
        ("data.ttl", "text/turtle"),
        ("data.trig", "application/trig"),
        ("ontology.ttl", "text/turtle"),
    ):
        dist = RES[f"distribution/{name}"]
        g.add((DATASET, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((DATASET, VOID.dataDump, dist))


def void_turtle(union: Graph, ontology: Graph, version: str) -> bytes:
    """:func:`void_graph` as Turtle bytes."""
    return void_graph(union, ontology, version).serialize(format="turtle", encoding="utf-8")
