"""Commands on the whole graph: build, validate, export, stats."""

from __future__ import annotations

from pathlib import Path

import click

from imet_kg.cli.support import (
    library_errors,
    local_graph,
    project_graph,
    project_layout,
    project_store,
    reading_store,
    say,
)
from imet_kg.errors import EXIT_VIOLATIONS
from imet_kg.media import DATASET, GRAPH, REPORT, names

EXPORT_CHOICES = names(GRAPH, DATASET)
REPORT_CHOICES = names(REPORT)
ENGINE_CHOICES = ("auto", "pyshacl", "compiled")
SHACL_ENGINE_CHOICES = ("compiled", "pyshacl")


@click.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False),
    default="dist",
    show_default=True,
    help="Folder for the exports.",
)
@click.pass_context
def build(context: click.Context, output: str) -> None:
    """Load, derive, validate and write every export to the output folder.

    On any violation nothing is written and the exit status is 1.

    Examples:

    \b
        imet-kg build
        imet-kg build --output public/data
    """
    from imet_kg.pipeline.building import build as run_build
    from imet_kg.pipeline.building import refresh_store
    from imet_kg.validation.formats import render_text

    layout = project_layout(context)
    with library_errors():
        result = run_build(layout, Path(output))
        if result.validation.conforms:
            store = refresh_store(layout, result.graph, project_store(context), say)
    click.echo(
        f"The graph holds {len(result.graph)} triples, {result.rules.total} of them derived "
        f"by the rules in {result.rules.rounds} rounds."
    )
    if not result.validation.conforms:
        click.echo(render_text(result.validation), err=True, nl=False)
        click.echo("Build failed: nothing was written.", err=True)
        context.exit(EXIT_VIOLATIONS)
    click.echo("Valid: the graph conforms to every shape and check.")
    for path in result.outputs:
        click.echo(f"Wrote {path}")
    click.echo(f"Refreshed the store at {store}")


# The report formats of validate and shacl.
report_format_option = click.option(
    "--format",
    "report_format",
    type=click.Choice(REPORT_CHOICES),
    default="text",
    show_default=True,
    help="Findings for a reader, JSON for programs, or a SHACL validation report in Turtle.",
)


@click.command()
@report_format_option
@click.option(
    "--engine",
    type=click.Choice(ENGINE_CHOICES),
    default="auto",
    show_default=True,
    help="pyshacl, or the shapes compiled to SPARQL and run by the store (the same results, "
    "in seconds on the full graph); auto takes pyshacl for the curated graph alone and "
    "compiled from 20,000 quads (a few hundred training records) up.",
)
@click.option(
    "--curated-only", is_flag=True, help="Leave out the training records imported into the store."
)
@click.pass_context
def validate(context: click.Context, report_format: str, engine: str, curated_only: bool) -> None:
    """Validate the curated files, with the training records imported into the store, against
    the SHACL shapes and hygiene checks.

    Exit status: 0 valid, 1 violations, 2 error.

    Examples:

    \b
        imet-kg validate
        imet-kg validate --curated-only --format json > report.json
    """
    import time

    from imet_kg.pipeline.building import assemble
    from imet_kg.store.persistent import graph_to_validate
    from imet_kg.validation.formats import render
    from imet_kg.validation.run import choose_engine
    from imet_kg.validation.run import validate as run_validation

    layout = project_layout(context)
    started = time.perf_counter()
    with library_errors():
        if curated_only:
            graph, _ = assemble(layout)
            imported = 0
        else:
            graph, imported = graph_to_validate(reading_store(context), layout, assemble)
        chosen = choose_engine(graph, engine)
        report = run_validation(graph, layout, engine=chosen)
    click.echo(render(report, report_format), nl=False)
    click.echo(
        f"Checked {len(graph.store)} quads ({imported} imported) with {chosen} "
        f"in {time.perf_counter() - started:.1f} s",
        err=True,
    )
    if not report.conforms:
        context.exit(EXIT_VIOLATIONS)


@click.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(EXPORT_CHOICES),
    required=True,
    help="RDF format: Turtle, N-Triples, JSON-LD, TriG (named graphs kept) or RDF/XML.",
)
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.pass_context
def export(context: click.Context, export_format: str, output: str) -> None:
    """Write the complete graph (ontology, curated data, derived triples, and imported records
    when the store holds them) to a file.

    Example:

    \b
        imet-kg export --format trig --output imet-kg.trig
    """
    from imet_kg.remote.client import RemoteGraph, export_remote
    from imet_kg.store.formats import export as run_export

    layout = project_layout(context)
    remote = project_graph(context) if (context.find_root().obj or {}).get("endpoint") else None
    if isinstance(remote, RemoteGraph):
        with library_errors():
            quads, path = export_remote(remote, export_format, Path(output), layout)
        click.echo(f"Wrote the graph at {remote.endpoint} ({quads} quads) to {path}")
        return
    graph = local_graph(context)
    with library_errors():
        path = run_export(graph, export_format, Path(output), layout)
    click.echo(f"Wrote the graph ({len(graph.store)} quads) to {path}")


@click.command()
@click.option(
    "--format",
    "stats_format",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
)
@click.pass_context
def stats(context: click.Context, stats_format: str) -> None:
    """Triples per named graph, entities by class, and claims by source.

    Examples:

    \b
        imet-kg stats
        imet-kg stats --format json
    """
    from imet_kg.cli.stats_view import print_stats, stats_json
    from imet_kg.store.stats import compute_stats

    layout = project_layout(context)
    graph = local_graph(context)
    with library_errors():
        summary = compute_stats(graph, layout)
    if stats_format == "json":
        click.echo(stats_json(summary))
    else:
        print_stats(summary)


@click.command()
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("shapes", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(SHACL_ENGINE_CHOICES),
    default="compiled",
    show_default=True,
    help="The shapes compiled to SPARQL and run by the store, or pySHACL.",
)
@report_format_option
@click.pass_context
def shacl(
    context: click.Context, data: Path, shapes: Path, engine: str, report_format: str
) -> None:
    """Validate any RDF file DATA against any SHACL shapes file SHAPES (the same file for
    both is fine), with the data's literals as written.

    Exit status: 0 conforms, 1 violations, 2 error (a file that does not parse, a shape the
    engine does not support).

    Examples:

    \b
        imet-kg shacl data.ttl shapes.ttl
        imet-kg shacl data.ttl shapes.ttl --engine pyshacl --format turtle > report.ttl
    """
    from imet_kg.validation.formats import render
    from imet_kg.validation.run import shacl as run_shacl

    with library_errors():
        outcome = run_shacl(data, shapes, engine)
    click.echo(render(outcome.report, report_format, outcome.shapes), nl=False)
    if not outcome.report.conforms:
        context.exit(EXIT_VIOLATIONS)
