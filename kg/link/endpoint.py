"""``kg link --endpoint URL``: align with a SPARQL endpoint shaped like Wikidata's.

Three kinds of query, each from ``queries/link/endpoint-*.rq`` with its ``VALUES`` block filled
a batch at a time (terms written by pyoxigraph, so quotes and language tags are escaped
properly): items that carry one of our identifiers (``wdt:P1566`` GeoNames, ``wdt:P297``/``P300``
ISO 3166, ``wdt:P6782`` ROR, ``wdt:P356`` DOI, ``wdt:P496`` ORCID) or that are one of our
Wikidata items; items whose label or alias is one of our names; then what the matcher reads of
those items and of the places that contain them (``P31``, ``P17``, ``P131``, ``P625``, codes,
population). The answers become a :class:`~kg.link.dataset.Dataset` and go through the same
matcher as a file (:func:`kg.link.propose.propose`).

Polite by default: at most *rate* requests a second, a ``User-Agent`` naming the project, a
``Retry-After`` honoured once, and every answer cached on disk (keyed by endpoint and query), so
a second run sends nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import RemoteStoreError, UsageError
from kg.link.dataset import Progress, from_quads
from kg.link.entities import Entity
from kg.link.families import our_families
from kg.link.propose import MARGIN, Proposal, propose, read_ours
from kg.link.remote import USER_AGENT
from kg.paths import read_query
from kg.terms import NAMESPACES

WD, WDT = NAMESPACES["wd"], NAMESPACES["wdt"]
#: Our identifier schemes and the Wikidata property that holds each.
ID_PROPERTIES = {"geonames": "P1566", "iso3166": "P297", "ror": "P6782", "doi": "P356", "orcid": "P496"}


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/kg-link``, else ``~/.cache/kg-link``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kg-link"


class Client:
    """SELECT queries to one endpoint: batched, cached, rate-limited."""

    def __init__(self, url: str, cache: Path | None = None, rate: float = 1.0, timeout: float = 60.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--endpoint {url!r}: an http(s) URL of a SPARQL endpoint")
        if rate <= 0:
            raise UsageError(f"--rate {rate}: must be above 0")
        self.url, self.cache, self.gap, self.timeout = url, cache or default_cache(), 1.0 / rate, timeout
        self.last = 0.0
        self.sent = 0

    def select(self, query: str) -> list[dict[str, Any]]:
        """The bindings of a SELECT *query*, from the cache or the endpoint."""
        key = hashlib.sha256(f"{self.url}\n{query}".encode()).hexdigest()
        cached = self.cache / f"{key}.json"
        if cached.is_file():
            return json.loads(cached.read_text(encoding="utf-8"))["results"]["bindings"]
        body = self._post(query)
        try:
            answer = json.loads(body)
            bindings = answer["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise RemoteStoreError(f"{self.url}: the answer is not SPARQL JSON results: {body[:200]!r}") from None
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
        return bindings

    def _post(self, query: str, retry: bool = True) -> bytes:
        wait = self.last + self.gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode({"query": query}).encode("utf-8"),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": USER_AGENT,
            },
            method="POST",
        )
        self.last = time.monotonic()
        self.sent += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (429, 503) and retry:
                time.sleep(min(float(exc.headers.get("Retry-After") or 5), 60.0))
                return self._post(query, retry=False)
            raise RemoteStoreError(f"{self.url}: HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise RemoteStoreError(f"{self.url}: cannot connect ({exc.reason}); is the endpoint running?") from None
        except (OSError, ValueError) as exc:
            raise RemoteStoreError(f"{self.url}: {exc}") from None


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), max(size, 1)):
        yield items[start : start + size]


def _fill(query: str, rows: Iterable[str]) -> str:
    """*query* with its empty ``VALUES … { }`` block holding *rows* (terms already serialised)."""
    head, marker, tail = query.partition("{ }")
    if not marker:
        raise ValueError("the query has no empty VALUES block to fill")
    return head + "{ " + " ".join(rows) + " }" + tail


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.Literal | None:
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind in ("literal", "typed-literal"):
        if lang := binding.get("xml:lang"):
            return ox.Literal(value, language=lang)
        if datatype := binding.get("datatype"):
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    return None


def seeds(ours: dict[str, Entity]) -> tuple[list[str], list[str]]:
    """The identifier rows and name rows of the first queries, as SPARQL terms."""
    ids, names = set(), set()
    for e in ours.values():
        for scheme, value in e.ids:
            if scheme == "wikidata":
                ids.add(f"(<{WDT}P31> {ox.NamedNode(WD + value)})")  # an item of ours: any P31 will do
            elif scheme in ID_PROPERTIES:
                prop = "P300" if scheme == "iso3166" and "-" in value else ID_PROPERTIES[scheme]
                ids.add(f"(<{WDT}{prop}> {ox.Literal(value.upper() if scheme == 'doi' else value)})")
        if e.family is not None:
            names |= {
                str(ox.Literal(text, language=lang)) if lang else str(ox.Literal(text)) for text, lang, _ in e.labels
            }
    return sorted(ids), sorted(names)


def fetch(client: Client, ours: dict[str, Entity], batch: int, progress: Progress | None = None) -> list[ox.Quad]:
    """The triples the matcher needs, in batched queries."""
    id_rows, name_rows = seeds(ours)
    by_id, by_label, describe = (read_query(f"link/endpoint-{n}") for n in ("by-id", "by-label", "describe"))
    steps = len(list(_batches(id_rows, batch))) + len(list(_batches(name_rows, batch)))
    done = 0
    items: set[str] = {row.split()[-1][1:-2] for row in id_rows if row.startswith(f"(<{WDT}P31>")}
    for query, rows in ((by_id, id_rows), (by_label, name_rows)):
        for chunk in _batches(rows, batch):
            items |= {b["item"]["value"] for b in client.select(_fill(query, chunk)) if "item" in b}
            done += 1
            if progress is not None:
                progress(done, steps + max(1, len(items) // max(batch, 1)))
    quads: list[ox.Quad] = []
    ordered = sorted(items)
    for chunk in _batches(ordered, batch):
        for b in client.select(_fill(describe, (str(ox.NamedNode(i)) for i in chunk))):
            s, p, o = (_term(b.get(k, {})) for k in ("s", "p", "o"))
            if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None:
                quads.append(ox.Quad(s, p, o))
        done += 1
        if progress is not None:
            progress(done, steps + len(list(_batches(ordered, batch))))
    return quads


def link_endpoint(
    graph_dir: Path,
    url: str,
    threshold: float = 0.9,
    margin: float = MARGIN,
    *,
    cache: Path | None = None,
    rate: float = 1.0,
    batch: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> list[Proposal]:
    """Propose links between the graph in *graph_dir* and the SPARQL endpoint *url*.

    Example (an Oxigraph server on this machine)::

        link_endpoint(Path("build"), "http://127.0.0.1:7878/query")
    """
    if batch < 1:
        raise UsageError(f"--batch {batch}: must be at least 1")
    ours = read_ours(graph_dir)
    client = Client(url, cache, rate)
    families = our_families()
    data = from_quads(fetch(client, ours, batch, progress), url, families)
    return propose(ours, data, threshold, margin)
