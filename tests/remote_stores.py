"""Server engines for the remote-store tests, and answers compared across engines.

- :func:`oxigraph_server`: the Oxigraph server (``pip install oxigraph``), read-write or
  read-only, on a free 127.0.0.1 port;
- :class:`Virtuoso`: a throw-away Virtuoso (Debian's ``virtuoso-opensource-7-bin``: ``virtuoso-t``
  and ``isql-vt``) with its own database in a fresh folder, both listeners on 127.0.0.1, started
  in a few seconds and removed whole by :meth:`Virtuoso.stop`;
- :func:`answer`: a SPARQL JSON answer as a multiset of rows with literal forms normalised, so
  that engines that store the same graph compare equal.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from live_server import free_port, live_process

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
XSD = "http://www.w3.org/2001/XMLSchema#"
#: xsd:integer and the types derived from it: Oxigraph stores "1"^^xsd:nonNegativeInteger as
#: "1"^^xsd:integer, Virtuoso keeps the datatype; both are the integer 1.
INTEGERS = {XSD + n for n in ("integer", "nonNegativeInteger", "positiveInteger", "int", "long", "short")}
NUMERIC = INTEGERS | {XSD + "decimal", XSD + "double", XSD + "float"}
CI_REASON = "CI is set: the Virtuoso tests must run in CI, so a missing virtuoso-t is a failure, not a skip"


@contextmanager
def oxigraph_server(location: Path, read_only: bool = False) -> Iterator[str]:
    """An Oxigraph server over *location*, its base URL (``/query``, ``/update``, ``/store``)."""
    if not Path(OXIGRAPH).is_file():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    if read_only:  # serve-read-only needs an existing database
        subprocess.run([OXIGRAPH, "optimize", "--location", str(location)], check=True, capture_output=True)
    command = [OXIGRAPH, "serve-read-only" if read_only else "serve", "--location", str(location)]
    with live_process([*command, "--bind", f"127.0.0.1:{port}", "--union-default-graph"], f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


def term(value: dict[str, Any]) -> tuple[str, ...]:
    """A result term in one form: numbers by value within their kind ("2.50" = "2.5", an integer
    type = xsd:integer, but a decimal is never an integer), plain literals as xsd:string,
    language tags in lower case, blank nodes all alike (their labels are each store's own),
    Virtuoso's "typed-literal" as a literal."""
    kind = value["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", value["value"])
    lang = value.get("xml:lang", "").lower()
    datatype = value.get("datatype") or ("" if lang else XSD + "string")
    text = value["value"]
    if datatype in INTEGERS:
        datatype = XSD + "integer"
    if datatype in NUMERIC:
        try:
            text = str(Decimal(text).normalize())
        except InvalidOperation:
            pass
    return ("literal", text, datatype, lang)


def answer(body: bytes) -> Counter[tuple[tuple[str, tuple[str, ...]], ...]] | bool:
    """A SPARQL JSON answer as a multiset of rows of normalised terms (or the ASK boolean)."""
    data = json.loads(body)
    if "boolean" in data:
        return bool(data["boolean"])
    return Counter(
        tuple(sorted((name, term(value)) for name, value in row.items())) for row in data["results"]["bindings"]
    )


def ox_term(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> tuple[str, ...]:
    """:func:`term` of a pyoxigraph term."""
    if isinstance(value, ox.NamedNode):
        return term({"type": "uri", "value": value.value})
    if isinstance(value, ox.Literal):
        extra = {"xml:lang": value.language} if value.language else {"datatype": value.datatype.value}
        return term({"type": "literal", "value": value.value, **extra})
    return term({"type": "bnode", "value": str(value)})


SOLUTION_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "table": ox.RdfFormat.TURTLE,
}


def parsed(body: bytes, fmt: str, graph: bool) -> object:
    """An answer in *fmt* read back into one comparable form: a multiset of normalised rows or
    triples, the ASK boolean, or for CSV (which drops datatypes) the header and the rows' text."""
    if graph:
        return Counter(
            tuple(ox_term(t) for t in (q.subject, q.predicate, q.object)) for q in ox.parse(body, GRAPH_FORMATS[fmt])
        )
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        return rows[:1], Counter(tuple(row) for row in rows[1:])
    results = ox.parse_query_results(body, SOLUTION_FORMATS[fmt])
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    names = [v.value for v in results.variables]
    return Counter(tuple((n, ox_term(row[n])) for n in names if row[n] is not None) for row in results)


def virtuoso_binaries() -> tuple[str, str] | None:
    """``virtuoso-t`` and ``isql-vt``, on PATH or in Debian's /usr/bin; None when either is missing."""
    found = [
        shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
        for name in ("virtuoso-t", "isql-vt")
    ]
    return (found[0], found[1]) if found[0] and found[1] else None


_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
CheckpointInterval = 0
DirsAllowed = ., {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 256M
ThreadsPerQuery = 2
ServerThreads = 10

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/www
ServerThreads = 10
EnabledDavVSP = 0
EnabledGzipContent = 0

[URIQA]
DefaultHost = 127.0.0.1:{http}

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
"""


class Virtuoso:
    """A private Virtuoso: a database in *folder*, HTTP and SQL listeners on free 127.0.0.1 ports.

    Only database files, logs and bulk-load inputs live in *folder* (``DirsAllowed``: the only
    folder its loader may read). The settings are Debian's where they matter (``CaseMode = 2``:
    with another mode ASK is answered as a SELECT of ``__ASK_RETVAL``), except that
    ``ResultSetMaxRows`` is raised from 10,000, which cuts larger answers silently, and that no
    checkpoint runs on a timer. Updates are refused until :meth:`grant`.
    """

    def __init__(self, folder: Path, timeout: float = 90) -> None:
        binaries = virtuoso_binaries()
        assert binaries is not None
        self.server, self.isql_binary = binaries
        self.folder, self.http, self.sql, self.writable = folder, free_port(), free_port(), False
        (folder / "www").mkdir()  # the web root: empty, so that no database file is served
        (folder / "virtuoso.ini").write_text(_INI.format(d=folder, sql=self.sql, http=self.http), encoding="utf-8")
        started = time.monotonic()
        with (folder / "stdout.log").open("wb") as log:
            self.process = subprocess.Popen(
                [self.server, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait(started + timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        self.system_graphs = frozenset(self.graphs())

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint (queries; updates once granted)."""
        return f"http://127.0.0.1:{self.http}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint (writes once granted)."""
        return f"http://127.0.0.1:{self.http}/sparql-graph-crud"

    def _wait(self, deadline: float) -> None:
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: {self.log()[-2000:]}")
            try:
                if httpx.get(self.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer {self.sparql}: {self.log()[-2000:]}")
            time.sleep(0.1)

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text("utf-8", "replace") if path.is_file() else ""

    def isql(self, sql: str) -> str:
        """Run *sql* as the database administrator; ISQL's output (it may exit 0 on an error,
        so its output is checked too)."""
        done = subprocess.run(
            [self.isql_binary, f"127.0.0.1:{self.sql}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        output = done.stdout + done.stderr
        if done.returncode or "*** Error" in output:
            raise RuntimeError(f"isql-vt failed on {sql!r}: {output}")
        return output

    def grant(self, writable: bool = True) -> None:
        """Let anyone write through /sparql and /sparql-graph-crud, or take that back."""
        if writable != self.writable:  # granting twice is an error in Virtuoso
            self.isql('grant SPARQL_UPDATE to "SPARQL";' if writable else 'revoke SPARQL_UPDATE from "SPARQL";')
            self.writable = writable

    def select(self, query: str) -> list[dict[str, Any]]:
        response = httpx.post(
            self.sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=120
        )
        response.raise_for_status()
        return list(response.json()["results"]["bindings"])

    def graphs(self) -> list[str]:
        # not SELECT DISTINCT ?g: Virtuoso 7.2 times out on it (120 s on the paper's 27,000 quads)
        return [row["g"]["value"] for row in self.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")]

    def stop(self) -> None:
        """End the server (SIGTERM, then SIGKILL) and remove its folder."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def virtuoso() -> Iterator[Virtuoso]:
    """A throw-away Virtuoso; skipped on a machine without it, a failure when ``$CI`` is set."""
    if virtuoso_binaries() is None:
        reason = "virtuoso-t and isql-vt are not installed (apt-get install virtuoso-opensource-7-bin)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; {CI_REASON}")
        pytest.skip(reason)
    instance = Virtuoso(Path(tempfile.mkdtemp(prefix="kg-virtuoso-")))
    try:
        yield instance
    finally:
        instance.stop()


SAMPLE = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <urn:kg-test:> .
t:s t:p "716"^^xsd:decimal, "-3"^^xsd:decimal, "2.50"^^xsd:decimal, "0.95"^^xsd:decimal, "7"^^xsd:integer,
    "1"^^xsd:nonNegativeInteger, "1.5e3"^^xsd:double, "2017"^^xsd:gYear, "2017-05"^^xsd:gYearMonth,
    "メキシコ"@ja, "México"@es, "say \\"hi\\"\\nthen go", "plain" .
t:s t:q [ t:r "inside" ; t:r [ t:r "deeper" ] ] .
<urn:kg-test:MODE:named> {
    t:s t:p "716"^^xsd:decimal, "1"^^xsd:nonNegativeInteger .
    _:x t:r "a blank node in a named graph" .
}
"""


def sample_graph(folder: Path, mode: str) -> Path:
    """A graph directory with the literal forms and blank nodes that stores are known to change:
    whole, negative and trailing-zero decimals, derived integer types, doubles, years, language
    tags, escapes, nested blank nodes, and a named graph (``urn:kg-test:MODE:named``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sample.trig").write_text(SAMPLE.replace("MODE", mode), "utf-8")
    return folder


def sample_rows(folder: Path, default_graph: str) -> Counter[tuple[tuple[str, ...], ...]]:
    """The sample's quads as the files write them, normalised, the default graph under *default_graph*."""
    rows: Counter[tuple[tuple[str, ...], ...]] = Counter()
    for quad in ox.parse(path=str(folder / "sample.trig")):
        graph = default_graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        rows[(("uri", graph), *(ox_term(t) for t in (quad.subject, quad.predicate, quad.object)))] += 1
    return rows


def stored_rows(body: bytes) -> Counter[tuple[tuple[str, ...], ...]]:
    """The answer to ``SELECT ?g ?s ?p ?o`` as :func:`sample_rows` writes them."""
    data = json.loads(body)
    return Counter(tuple(term(row[n]) for n in ("g", "s", "p", "o")) for row in data["results"]["bindings"])


#: `kg query` answers in every format, compared across engines.
SELECT = """PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?value ?label WHERE { ?s mx:value ?value ; rdfs:label ?label . FILTER(lang(?label) IN ("en", "ja")) }"""
ASK = "ASK { ?s a <https://w3id.org/mxjp-talent/ontology#Company> }"
CONSTRUCT = """PREFIX mx: <https://w3id.org/mxjp-talent/ontology#>
CONSTRUCT { ?s mx:value ?v ; mx:unit ?u } WHERE { ?s mx:value ?v ; mx:unit ?u }"""
CASES = (
    [("select", SELECT, f) for f in ("json", "xml", "csv", "tsv")]
    + [("ask", ASK, f) for f in ("json", "xml", "tsv")]
    + [("construct", CONSTRUCT, f) for f in ("turtle", "ntriples", "jsonld", "xml", "table")]
)
