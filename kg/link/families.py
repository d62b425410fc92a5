"""Class families: what kind of thing a resource is, so that a country never matches a city and a
person never matches a company.

Ours come from the ontology's class tree; theirs from schema.org, FOAF, W3C ORG, BIBO, a few
Wikidata classes (``rdf:type`` or ``wdt:P31``) and GeoNames feature codes.
"""

from __future__ import annotations

from pathlib import Path

from kg.terms import NAMESPACES

N = NAMESPACES
SCHEMA, FOAF, WD, MX, BIBO, GN = N["schema"], N["foaf"], N["wd"], N["mx"], N["bibo"], N["gn"]
PERSON, ORGANIZATION, WORK, EVENT, LAW = "person", "organization", "work", "event", "law"
PLACE, COUNTRY, CITY, REGION, CONTINENT = "place", "place:country", "place:city", "place:region", "place:continent"

_BY_CLASS: dict[str, tuple[str, ...]] = {
    PERSON: (FOAF + "Person", SCHEMA + "Person", WD + "Q5"),
    ORGANIZATION: (
        SCHEMA + "Organization",
        SCHEMA + "Corporation",
        FOAF + "Organization",
        N["org"] + "Organization",
        SCHEMA + "CollegeOrUniversity",
        SCHEMA + "EducationalOrganization",
        SCHEMA + "GovernmentOrganization",
        SCHEMA + "ResearchOrganization",
        WD + "Q43229",
        WD + "Q4830453",
        WD + "Q3918",
        WD + "Q891723",
        WD + "Q6881511",
    ),
    COUNTRY: (SCHEMA + "Country", WD + "Q6256", WD + "Q3624078", GN + "A.PCLI"),
    CITY: (
        SCHEMA + "City",
        WD + "Q515",
        WD + "Q1549591",
        WD + "Q3957",
        WD + "Q486972",
        WD + "Q494721",
        WD + "Q1059478",
        GN + "P",
    ),
    REGION: (
        SCHEMA + "AdministrativeArea",
        SCHEMA + "State",
        WD + "Q50337",
        WD + "Q82794",
        WD + "Q10864048",
        GN + "A.ADM1",
        GN + "A.ADM2",
    ),
    CONTINENT: (SCHEMA + "Continent", WD + "Q5107", GN + "L.CONT"),
    PLACE: (SCHEMA + "Place",),
    WORK: (
        SCHEMA + "CreativeWork",
        SCHEMA + "Book",
        SCHEMA + "ScholarlyArticle",
        BIBO + "Document",
        BIBO + "Book",
        BIBO + "AcademicArticle",
        WD + "Q13442814",
        WD + "Q571",
    ),
    EVENT: (SCHEMA + "Event",),
    LAW: (SCHEMA + "Legislation", WD + "Q7748"),
}
#: The family of each well-known class (and GeoNames feature code or class).
FAMILIES: dict[str, str] = {cls: family for family, classes in _BY_CLASS.items() for cls in classes}
#: Our root classes and their families, most specific first.
OUR_ROOTS = (
    ("Person", PERSON),
    ("Organization", ORGANIZATION),
    ("Country", COUNTRY),
    ("City", CITY),
    ("Continent", CONTINENT),
    ("Region", REGION),
    ("Place", PLACE),
    ("CitedWork", WORK),
    ("Paper", WORK),
    ("Law", LAW),
    ("Event", EVENT),
)
_SKIP_OUR_CLASSES = {"Claim", "TextSpan", "Section", "Paragraph", "Citation", "Discrepancy", "Observation", "Float"}


def our_families(ontology_path: Path | None = None) -> dict[str, str]:
    """The class family of each class of our ontology, from its class tree."""
    from rdflib import RDFS as R
    from rdflib import Graph, URIRef

    from kg.paths import ontology_file

    onto = Graph().parse(ontology_path or ontology_file())
    out: dict[str, str] = {}
    for cls in set(onto.subjects(R.subClassOf, None)) | {URIRef(MX + n) for n, _ in OUR_ROOTS}:
        if not str(cls).startswith(MX) or str(cls)[len(MX) :] in _SKIP_OUR_CLASSES:
            continue
        supers = {str(c) for c in onto.transitive_objects(cls, R.subClassOf)}
        for root, family in OUR_ROOTS:
            if MX + root in supers:
                out[str(cls)] = family
                break
    return out


def family_of(types: set[str], families: dict[str, str]) -> str | None:
    """The most specific class family among *types* (ours first, then the well-known ones).

    >>> family_of({"https://schema.org/Place", "https://schema.org/City"}, {})
    'place:city'
    """
    found = {families.get(t) or FAMILIES.get(t) for t in types} - {None}
    for _, family in OUR_ROOTS:
        if family in found:
            return family
    return None


def compatible(a: str | None, b: str | None) -> bool:
    """Whether two families may name the same thing: equal, or a plain place and a kind of place.

    >>> compatible("place:city", "place:region"), compatible("place", "place:city")
    (False, True)
    """
    if a is None or b is None:
        return False
    if a == b:
        return True
    return (a == PLACE and b.startswith("place:")) or (b == PLACE and a.startswith("place:"))
