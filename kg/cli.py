"""The ``kg`` command: a thin layer over the Python API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg import __version__
from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help=(
        "A knowledge graph of the paper 'Talent Migration as a Development Strategy: Mexico-Japan' "
        "(Problemas del Desarrollo 48(190), 2017): build it, query it in SPARQL, validate it.\n\n"
        "Example:  kg build && kg query --graph build cq01-japanese-patent-companies"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console(markup=False)  # tables and reports print data: never read it as markup

GraphOpt = Annotated[Path, typer.Option("--graph", "-g", help="Directory of RDF files (.ttl .trig .nt .nq), e.g. the output of `kg build`.")]


def _fail(exc: KgError) -> None:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _version(value: bool) -> None:
    if value:
        out.print(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Entry point; see the commands below."""


@app.command()
def build(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output directory (replaced atomically).")] = Path("build"),
    paper: Annotated[Path | None, typer.Option(help="The paper's text, to check evidence spans (default: ../shared/paper/ when present, or $KG_PAPER).")] = None,
    data: Annotated[Path | None, typer.Option(help="Directory of curated YAML files (default: the shipped loaders/data).")] = None,
    reasoner: Annotated[str, typer.Option(help="hermit, owlrl, or auto (HermiT when Java is installed).")] = "auto",
    viz: Annotated[bool, typer.Option(help="Also write the interactive graph page graph.html.")] = True,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when OUT is up to date with the inputs.")] = False,
) -> None:
    """Build the graph: curated facts + paper index → RDF, reasoning, SHACL, outputs.

    Writes ontology.ttl, data.ttl (all asserted triples), data.trig (one named graph per claim,
    provenance in the default graph), inferred.ttl and reports/ into OUT; a failed build leaves
    OUT as it was; when OUT was built from the same inputs (hashed) and is intact, nothing is
    done ("up to date"). Example:  kg build --out build
    """
    from kg.build import build as run_build

    try:
        with err.status("building…") as status:
            result = run_build(out_dir, data=data, paper=paper, reasoner=reasoner, viz=viz, force=force,
                               progress=lambda step: status.update(f"{step}…"))
    except KgError as exc:
        _fail(exc)
    if result.up_to_date:
        err.print(f"{result.out}: up to date (inputs unchanged; --force rebuilds)", highlight=False)
        return
    for note in result.notes:
        err.print(f"note: {note}", highlight=False)
    err.print(
        f"[green]built[/] {result.out}: {result.triples} asserted triples in {result.claims} claims, "
        f"{result.inferred} inferred by {result.reasoner}; consistent, SHACL conforms",
        highlight=False,
    )


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(metavar="QUERY", help="SPARQL text, a .rq file, or a competency question's name (see `kg questions`).")],
    graph: GraphOpt = Path("build"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv, json or xml (CONSTRUCT/DESCRIBE: turtle, ntriples, jsonld).")] = "table",
    endpoint: Annotated[str | None, typer.Option(help="Query a remote SPARQL endpoint URL instead of --graph.")] = None,
) -> None:
    """Run a SPARQL query on the graph and print the answer.

    CSV and TSV follow the W3C SPARQL 1.1 results formats. Example:
      kg query --graph build --format csv "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    """
    from kg.query_command import run_query

    try:
        run_query(sparql, graph, fmt, endpoint)
    except KgError as exc:
        _fail(exc)


@app.command()
def questions() -> None:
    """List the competency questions by name, with the question each answers.

    Example:  kg questions  then  kg query NAME
    """
    from kg.queries import questions as all_questions

    table = Table("name", "question")
    for q in all_questions():
        table.add_row(q.name, q.question)
    out.print(table)


@app.command()
def stats(graph: GraphOpt = Path("build")) -> None:
    """Count instances per class and triples per property.

    Example:  kg stats --graph build
    """
    from kg.namespaces import PREFIXES
    from kg.results import short
    from kg.store import GraphStore

    try:
        store = GraphStore.open(graph)
    except KgError as exc:
        _fail(exc)
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    for title, sparql in (
        ("instances per class", "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class"),
        ("triples per property", "SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property ORDER BY DESC(?n) ?property"),
    ):
        table = Table(title.split(" per ")[1], "count", title=title)
        for sol in store.query(sparql):
            table.add_row(short(sol[0], prefixes), sol[1].value)
        out.print(table)
    out.print(f"{len(store)} quads in {graph}")


@app.command()
def validate(
    graph: GraphOpt = Path("build"),
    reasoner: Annotated[str, typer.Option(help="hermit, owlrl, or auto.")] = "auto",
) -> None:
    """Check a graph: OWL consistency (HermiT, or owlrl without Java) and the SHACL shapes.

    Exits 0 when consistent and conforming, 1 otherwise with a report naming what is wrong.
    Example:  kg validate --graph build
    """
    from kg.check import check_graph

    try:
        report = check_graph(graph, reasoner=reasoner)
    except KgError as exc:
        _fail(exc)
    out.print(report.text, highlight=False, markup=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def extract(
    paper: Annotated[Path | None, typer.Option(help="The paper's text (default: ../shared/paper/ when present, or $KG_PAPER).")] = None,
    data: Annotated[Path | None, typer.Option(help="Directory of curated YAML files; the index is written there.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Only compare with the committed index; exit 1 if stale.")] = False,
) -> None:
    """Regenerate loaders/data/paper_index.json from the paper: sections, paragraphs, in-text
    citations and entity mentions, as offsets (no text).

    Example:  kg extract --paper ../shared/paper/000_706023067e5b10b8.txt
    """
    from kg.errors import PaperError
    from kg.extract import regenerate

    try:
        changed, path = regenerate(paper=paper, data=data, write=not check)
    except PaperError as exc:
        _fail(exc)
    except KgError as exc:
        _fail(exc)
    if check and changed:
        err.print(f"[red]{path} is stale[/]: run `kg extract`")
        raise typer.Exit(1)
    err.print(f"{path}: {'rewritten' if changed and not check else 'up to date'}")


@app.command()
def corpus(
    graph: GraphOpt = Path("build"),
    copies: Annotated[int, typer.Option("--copies", "-n", help="How many copies of the paper's graph.")] = 10,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output graph directory (replaced atomically).")] = Path("corpus"),
) -> None:
    """Write a synthetic corpus for scale tests: the graph repeated N times under distinct IRIs.

    Resource IRIs become …/resource/c0042/…; the ontology and shapes are kept once. The output
    is a graph directory (data.nq) that `kg query` and `kg serve` read. Example:
      kg corpus --graph build --copies 1000 --out /tmp/corpus1000
    """
    from kg.corpus import generate

    try:
        result = generate(graph, copies, out_dir)
    except KgError as exc:
        _fail(exc)
    err.print(result.summary(), highlight=False)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False)
def bench(ctx: typer.Context) -> None:
    """Run the benchmarks (benchmarks/run.py of a source checkout); options are passed on to it.

    Example:  kg bench --graph build --sizes 1,10,100,1000   (kg bench --help for its options)
    """
    import runpy

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    if not script.is_file():
        err.print(f"[bold red]error:[/] {script}: not found; `kg bench` runs from a source checkout")
        raise typer.Exit(2)
    main = runpy.run_path(str(script), run_name="kg_bench")["main"]
    raise typer.Exit(main(list(ctx.args)))


@app.command()
def viz(
    graph: GraphOpt = Path("build"),
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="The HTML page to write (default: GRAPH/graph.html).")] = None,
    focus: Annotated[str | None, typer.Option(help="Draw only the neighbourhood of this entity (label or id).")] = None,
    depth: Annotated[int, typer.Option(help="With --focus: how many relations away to go.")] = 2,
    classes: Annotated[list[str] | None, typer.Option("--classes", help="Only these classes (repeat or comma-separate), e.g. company,place.")] = None,
    gexf: Annotated[Path | None, typer.Option(help="Also write the projection as GEXF for Gephi.")] = None,
    graphml: Annotated[Path | None, typer.Option(help="Also write the projection as GraphML.")] = None,
) -> None:
    """Draw the graph's entities and relations as one offline HTML page (search, class filter,
    tooltips with the evidence); optionally export the same projection for Gephi.

    Example:  kg viz --graph build --focus "NTT Docomo" --depth 2 --out docomo.html
    """
    from kg.visualize import export, write_page

    target = out_file or graph / "graph.html"
    try:
        count = write_page(graph, target, focus=focus, depth=depth, classes=classes)
        for path, fmt in ((gexf, "gexf"), (graphml, "graphml")):
            if path is not None:
                export(graph, path, fmt)
                err.print(f"wrote {path} ({fmt})", highlight=False)
    except KgError as exc:
        _fail(exc)
    err.print(f"[green]wrote[/] {target}: {count} entities", highlight=False)


@app.command()
def analyze(
    graph: GraphOpt = Path("build"),
    top: Annotated[int, typer.Option(help="Rows per table.")] = 10,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Turtle file for the results (default: GRAPH/analytics.ttl).")] = None,
) -> None:
    """Centralities (degree, betweenness, PageRank) and communities (Louvain, fixed seed) of the
    graph's entities; prints tables and writes the results as RDF with the algorithms as provenance.

    Example:  kg analyze --graph build --top 15
    """
    from kg.analytics import MEASURES, write_rdf
    from kg.analytics import analyze as run_analysis

    if top < 1:
        _fail(KgError(f"--top {top}: give at least 1"))
    try:
        analysis = run_analysis(graph)
        target = write_rdf(analysis, out_file or graph / "analytics.ttl")
    except KgError as exc:
        _fail(exc)
    for measure in MEASURES:
        table = Table("#", "entity", "class", measure, "community", title=f"top {top} by {measure}")
        for i, row in enumerate(analysis.top(measure, top), start=1):
            table.add_row(str(i), row.label, row.cls_label, f"{row.scores[measure]:.4f}", str(row.community))
        out.print(table)
    labels = {row.iri: row.label for row in analysis.rows}
    table = Table("#", "size", "members", title="communities (Louvain)")
    for i, members in enumerate(analysis.communities[:top], start=1):
        names = sorted((labels[m] for m in members), key=str.casefold)
        table.add_row(str(i), str(len(members)), ", ".join(names[:12]) + (" …" if len(names) > 12 else ""))
    out.print(table)
    err.print(f"{analysis.nodes} entities, {analysis.edges} relations; wrote {target}", highlight=False)


@app.command()
def path(
    a: Annotated[str, typer.Argument(metavar="A", help="An entity: label (case-insensitive), id or IRI.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Another entity.")],
    graph: GraphOpt = Path("build"),
    max_paths: Annotated[int, typer.Option("--max", help="At most this many shortest paths.")] = 3,
) -> None:
    """Shortest paths between two entities, each step with its relation and the evidence for it
    (character span and section of the paper). Exits 1 when they are not connected.

    Example:  kg path --graph build "NTT Docomo" Mexico
    """
    from kg.analytics import shortest_paths
    from kg.projection import project

    try:
        projection = project(graph)
        paths = shortest_paths(projection, a, b, max_paths=max_paths)
    except KgError as exc:
        _fail(exc)
    name = {iri: e.label for iri, e in projection.entities.items()}
    if not paths:
        err.print(f"no path between {a!r} and {b!r}: they are not connected in the projection", highlight=False)
        raise typer.Exit(1)
    for number, steps in enumerate(paths, start=1):
        out.print(f"path {number} ({len(steps)} step{'s' if len(steps) != 1 else ''}): {name[steps[0].source]}",
                  highlight=False, markup=False)
        for step in steps:
            for s, label, o, evidence in step.relations:
                where = "; ".join(ev.text() for ev in evidence) or "no evidence span"
                arrow = f"—{label}→ {name[o]}" if s == step.source else f"←{label}— {name[s]}"
                out.print(f"  {arrow}   [{where}]", highlight=False, markup=False, soft_wrap=True)
    err.print(f"{len(paths)} shortest path(s) of length {len(paths[0])}", highlight=False)


@app.command()
def serve(
    graph: GraphOpt = Path("build"),
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps the endpoint on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped (HTTP 503).")] = 5.0,
    cors: Annotated[str | None, typer.Option(help="Allow this browser origin to query (CORS); off by default.")] = None,
    workers: Annotated[int, typer.Option(help="Query worker processes (each holds the graph).")] = 2,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes (HTTP 413 beyond).")] = 1_000_000,
    max_result: Annotated[int, typer.Option(help="Largest answer in bytes (HTTP 507 beyond).")] = 50_000_000,
) -> None:
    """Serve the graph read-only: SPARQL 1.1 Protocol at /sparql, a query page at /, resource
    pages at /resource/..., the graph page at /graph. Updates and SERVICE are refused; a query is
    stopped at the time limit; nothing is fetched from the web.

    Example:  kg serve --graph build --port 8000   then open http://127.0.0.1:8000/
    """
    from kg.endpoint import Settings
    from kg.endpoint import serve as run_server
    from kg.errors import UsageError
    from kg.store import graph_files

    if workers < 1 or timeout <= 0 or max_body < 1 or max_result < 1:
        _fail(UsageError("--workers, --timeout, --max-body and --max-result must be positive"))
    settings = Settings(graph, timeout=timeout, workers=workers, max_body_bytes=max_body,
                        max_result_bytes=max_result, cors_origin=cors)
    try:
        graph_files(graph)
        err.print(f"serving {graph} at http://{host}:{port}/ (SPARQL at /sparql); Ctrl+C stops", highlight=False, soft_wrap=True)
        run_server(settings, host=host, port=port)
    except KgError as exc:
        _fail(exc)


@app.command()
def push(
    endpoint: Annotated[str, typer.Option(help="SPARQL Update endpoint URL, or with --graph-store the Graph Store Protocol URL.")],
    graph: GraphOpt = Path("build"),
    graph_store: Annotated[bool, typer.Option("--graph-store", help="Use the SPARQL 1.1 Graph Store HTTP Protocol (one POST per graph) instead of INSERT DATA.")] = False,
    batch: Annotated[int, typer.Option(help="Triples per INSERT DATA request.")] = 5000,
) -> None:
    """Load the graph into an external SPARQL store (Oxigraph server, Fuseki, GraphDB, Virtuoso…),
    keeping each named graph, through SPARQL 1.1 Update (INSERT DATA in batches) or the Graph Store
    Protocol. Adds to what the store holds.

    Example:  kg push --graph build --endpoint http://127.0.0.1:7878/update
    """
    from kg.client import push as run_push

    try:
        report = run_push(endpoint, graph, graph_store=graph_store, batch=batch)
    except KgError as exc:
        _fail(exc)
    err.print(f"[green]pushed[/] {report}", highlight=False)


@app.command()
def link(
    with_file: Annotated[Path, typer.Option("--with", help="The other dataset: an RDF file (.ttl .nt .nq .trig .rdf .jsonld), e.g. another paper's graph or a Wikidata extract.")],
    graph: GraphOpt = Path("build"),
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write the proposals as SSSOM TSV here (default: print them).")] = None,
    threshold: Annotated[float, typer.Option(help="Lowest label similarity (0-1) for a label-based proposal.")] = 0.9,
    merge: Annotated[bool, typer.Option("--merge", help="Add the links of --accept to a graph file instead of proposing.")] = False,
    accept: Annotated[Path | None, typer.Option(help="With --merge: the reviewed SSSOM file whose rows are accepted.")] = None,
    into: Annotated[Path | None, typer.Option(help="With --merge: the Turtle file to add the links to (default: GRAPH/links.ttl).")] = None,
) -> None:
    """Propose links between the graph and another dataset: shared identifiers (Wikidata, ROR,
    DOI, ORCID, GeoNames) first, then labels (rapidfuzz, guarded by class family), as SSSOM.

    Example:  kg link --graph build --with other.ttl --out proposals.sssom.tsv
    then, after review:  kg link --graph build --with other.ttl --merge --accept proposals.sssom.tsv
    """
    from rich.markup import escape

    from kg.errors import UsageError
    from kg.link import link as run_link
    from kg.link import merge as run_merge
    from kg.link import to_sssom

    try:
        if merge:
            if accept is None:
                raise UsageError("--merge needs --accept FILE (the reviewed SSSOM proposals)")
            target = into or graph / "links.ttl"
            added = run_merge(accept, target)
            err.print(f"[green]merged[/] {added} link(s) into {escape(str(target))}", highlight=False)
            return
        proposals = run_link(graph, with_file, threshold)
        text = to_sssom(proposals, with_file, threshold)
    except KgError as exc:
        _fail(exc)
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
    by_id = sum(1 for p in proposals if p.justification == "semapv:MappingChaining")
    err.print(f"{len(proposals)} proposal(s): {by_id} by shared identifier, {len(proposals) - by_id} by label", highlight=False)


@app.command()
def docs(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory to write ontology.html into.")] = Path("build/docs"),
) -> None:
    """Write the ontology's HTML documentation, generated from its labels, definitions, domains
    and ranges (works offline; `kg build` also writes it to OUT/docs/ontology.html).

    Example:  kg docs --out site
    """
    from rdflib import Graph
    from rich.markup import escape

    from kg.paths import ontology_file
    from kg.publish import ontology_html

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "ontology.html"
    target.write_text(ontology_html(Graph().parse(ontology_file())), encoding="utf-8")
    err.print(f"wrote {escape(str(target))}", highlight=False)


@app.command()
def export(
    graph: GraphOpt = Path("build"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonld (compact, with ontology/context.jsonld and schema.org terms).")] = "jsonld",
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Output file (default: standard output).")] = None,
) -> None:
    """Export the graph as JSON-LD that schema.org consumers understand (schema:name,
    schema:sameAs, schema:description... next to our own terms).

    Example:  kg export --graph build --format jsonld --out graph.jsonld
    """
    from rdflib import Graph

    from kg.errors import UsageError
    from kg.paths import ontology_file
    from kg.publish import export_jsonld, read_graph_dir

    try:
        if fmt != "jsonld":
            raise UsageError(f"--format {fmt!r}: only jsonld is supported")
        text = export_jsonld(read_graph_dir(graph), Graph().parse(ontology_file()))
    except KgError as exc:
        _fail(exc)
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")


@app.command()
def explain(
    entity: Annotated[str, typer.Argument(help="An id (ntt-docomo), a res: name, an IRI, or an English label (\"NTT Docomo\").")],
    graph: GraphOpt = Path("build"),
    paper: Annotated[Path | None, typer.Option(help="The paper's text, to quote each span (default: ../shared/paper/ when present).")] = None,
    quote: Annotated[bool, typer.Option(help="Quote the paper's words at each span (read from your copy of the paper at run time).")] = True,
) -> None:
    """Print every fact about an entity, with the section and character span of the paper behind it.

    Example:  kg explain "NTT Docomo" --graph build
    """
    from kg.explain import as_rows, load_paper_text, short
    from kg.explain import explain as run_explain
    from kg.store import GraphStore

    try:
        store = GraphStore.open(graph)
        iri, facts = run_explain(store, entity)
        text = load_paper_text(paper) if quote else None
    except KgError as exc:
        _fail(exc)
    rows = as_rows(facts, text)
    table = Table(title=f"{short(iri)}: {len(facts)} fact(s)")
    for column in rows[0] if rows else ["property", "value"]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table)


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
