"""Commands that make graphs: build, validate, extract, corpus, bench, docs, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import DataOpt, GraphOpt, GraphOrStoreOpt, PaperOpt, app, emit, err, fail, out, say
from kg.errors import KgError


@app.command(rich_help_panel="Build and check")
def build(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output directory (replaced atomically).")] = Path(
        "build"
    ),
    paper: PaperOpt = None,
    data: DataOpt = None,
    reasoner: Annotated[str, typer.Option(help="hermit, owlrl, or auto (HermiT when Java is installed).")] = "auto",
    viz: Annotated[bool, typer.Option(help="Also write the interactive graph page graph.html.")] = True,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even when OUT is up to date with the inputs.")
    ] = False,
) -> None:
    """Build the graph: curated facts + paper index → RDF, reasoning, SHACL, outputs.

    Writes ontology.ttl, data.ttl (all asserted triples), data.trig (one named graph per claim,
    provenance in the default graph), inferred.ttl, docs/ and reports/ into OUT. A failed build
    leaves OUT as it was; when OUT was built from the same inputs (hashed) and is intact, nothing
    is done ("up to date").

    Example:
        kg build --out build
    """
    from kg.build.pipeline import build as run_build

    try:
        with err.status("building…") as status:
            result = run_build(
                out_dir,
                data=data,
                paper=paper,
                reasoner=reasoner,
                viz=viz,
                force=force,
                progress=lambda step: status.update(f"{step}…"),
            )
    except KgError as exc:
        fail(exc)
    if result.up_to_date:
        say(f"{result.out}: up to date (inputs unchanged; --force rebuilds)")
        return
    for note in result.notes:
        say(note, "note:")
    say(
        f"{result.out}: {result.triples} asserted triples in {result.claims} claims, "
        f"{result.inferred} inferred by {result.reasoner}; consistent, SHACL conforms",
        "built",
        "green",
    )


@app.command(rich_help_panel="Build and check")
def validate(
    graph: GraphOpt = Path("build"),
    reasoner: Annotated[str, typer.Option(help="hermit, owlrl, or auto.")] = "auto",
    force: Annotated[
        bool, typer.Option("--force", help="Check again even when the build already checked these very files.")
    ] = False,
) -> None:
    """Check a graph: OWL consistency (HermiT, or owlrl without Java) and the SHACL shapes.

    Exits 0 when consistent and conforming, 1 otherwise with a report naming what is wrong.
    Example:
        kg validate --graph build
    """
    from kg.build.check import check_graph

    try:
        with err.status("checking…") as status:
            report = check_graph(graph, reasoner=reasoner, force=force, progress=lambda step: status.update(f"{step}…"))
    except KgError as exc:
        fail(exc)
    out.print(report.text, highlight=False, markup=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command(rich_help_panel="Build and check")
def extract(
    paper: PaperOpt = None,
    data: DataOpt = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only compare with the committed index; exit 1 if stale.")
    ] = False,
) -> None:
    """Regenerate loaders/data/paper_index.json from the paper: sections, paragraphs, in-text
    citations and entity mentions, as offsets (no text).

    Example:
        kg extract --paper ../shared/paper/000_706023067e5b10b8.txt
    """
    from kg.build.extract import regenerate
    from kg.errors import PaperError

    try:
        changed, path = regenerate(paper=paper, data=data, write=not check)
    except PaperError as exc:
        fail(exc)
    except KgError as exc:
        fail(exc)
    if check and changed:
        say(f"{path} is stale: run `kg extract`", "stale:", "red")
        raise typer.Exit(1)
    say(f"{path}: {'rewritten' if changed and not check else 'up to date'}")


@app.command(rich_help_panel="Build and check")
def corpus(
    graph: GraphOpt = Path("build"),
    copies: Annotated[int, typer.Option("--copies", "-n", help="How many copies of the paper's graph.")] = 10,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output graph directory (replaced atomically).")] = Path(
        "corpus"
    ),
) -> None:
    """Write a synthetic corpus for scale tests: the graph repeated N times under distinct IRIs.

    Resource IRIs become …/resource/c0042/…; the ontology and shapes are kept once. The output
    is a graph directory (data.nq) that `kg query` and `kg serve` read.

    Example:
        kg corpus --graph build --copies 1000 --out /tmp/corpus1000
    """
    from kg.build.corpus import generate

    try:
        result = generate(graph, copies, out_dir)
    except KgError as exc:
        fail(exc)
    say(result.summary())


@app.command(
    rich_help_panel="Build and check",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench(ctx: typer.Context) -> None:
    """Run the benchmarks (benchmarks/run.py of a source checkout); options are passed on to it.

    Its own options are listed by `kg bench --help`.

    Example:
        kg bench --graph build --sizes 1,10,100,1000
    """
    import runpy

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"
    if not script.is_file():
        say(f"{script}: not found; `kg bench` runs from a source checkout", "error:", "bold red")
        raise typer.Exit(2)
    main = runpy.run_path(str(script), run_name="kg_bench")["main"]
    raise typer.Exit(main(list(ctx.args)))


@app.command(rich_help_panel="Build and check")
def docs(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Directory to write ontology.html into.")] = Path(
        "build/docs"
    ),
) -> None:
    """Write the ontology's HTML documentation, generated from its labels, definitions, domains
    and ranges (works offline; `kg build` also writes it to OUT/docs/ontology.html).

    Example:
        kg docs --out site
    """
    from rdflib import Graph

    from kg.build.docs import ontology_html
    from kg.paths import ontology_file

    target = out_dir / "ontology.html"
    emit(ontology_html(Graph().parse(ontology_file())), target)
    say(f"wrote {target}")


@app.command(rich_help_panel="Build and check")
def export(
    graph: GraphOrStoreOpt = Path("build"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="jsonld (compact, with ontology/context.jsonld and schema.org terms) or nquads (every quad, "
            "streamed, for bulk loaders).",
        ),
    ] = "jsonld",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output file, replaced when complete (default: standard output).")
    ] = None,
) -> None:
    """Export the graph as JSON-LD that schema.org consumers understand (schema:name,
    schema:sameAs, schema:description... next to our own terms), or as N-Quads for the bulk
    loaders of server engines (Virtuoso, QLever, Oxigraph, Jena), streamed at any size.

    Example:
        kg export --graph build --format jsonld --out graph.jsonld
        kg export --graph /tmp/corpus100 --format nquads --out /data/corpus100.nq
    """
    from kg.errors import UsageError

    try:
        if fmt == "nquads":
            import sys

            from kg.build.nquads import export_nquads

            count = export_nquads(graph, out_file or sys.stdout.buffer)
            say(f"exported {count} quads" + (f" to {out_file}" if out_file else ""))
            return
        if fmt != "jsonld":
            raise UsageError(f"--format {fmt!r}: choose jsonld or nquads")
        from rdflib import Graph

        from kg.build.jsonld import export_jsonld, read_graph_dir
        from kg.paths import ontology_file

        text = export_jsonld(read_graph_dir(graph), Graph().parse(ontology_file()))
    except KgError as exc:
        fail(exc)
    except OSError as exc:
        fail(KgError(f"{out_file or 'standard output'}: cannot write: {exc.strerror or exc}"))
    emit(text, out_file)


@app.command(rich_help_panel="Build and check")
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD_BUILD", help="The earlier output folder of `kg build`.")],
    new: Annotated[Path, typer.Argument(metavar="NEW_BUILD", help="The later output folder of `kg build`.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or turtle (RDF).")] = "text",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the report here (default: print it).")
    ] = None,
) -> None:
    """List the facts added, removed and changed between two builds, by entity, each with its
    evidence and how it is known (stated by the paper, inferred by the curators, from a record).

    Example:
        kg diff old-build build --format text
    """
    from kg.build.diff import as_json, as_text, as_turtle
    from kg.build.diff import diff as run_diff
    from kg.errors import UsageError

    writers = {"text": as_text, "json": as_json, "turtle": as_turtle}
    try:
        if fmt not in writers:
            raise UsageError(f"--format {fmt!r}: choose text, json or turtle")
        report = run_diff(old, new)
    except KgError as exc:
        fail(exc)
    emit(writers[fmt](report), out_file)
    counts = report.counts()
    say(f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed")
