"""The `imet-kg` command line: each command loads, makes one library call, and prints.

Heavy libraries are imported inside the commands, so `imet-kg --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imet_kg.errors import EXIT_ERROR, EXIT_VIOLATIONS, ImetKgError

if TYPE_CHECKING:
    from imet_kg.layout import Layout

EXPORT_CHOICES = ("ttl", "nt", "jsonld", "trig", "xml")
REPORT_CHOICES = ("text", "json", "turtle")
ANSWER_CHOICES = ("table", "csv", "tsv", "json", "md", "ttl", "jsonld", "nt")


class CommandError(click.ClickException):
    """A library error shown as 'Error: ...' with exit status 2."""

    exit_code = EXIT_ERROR

    def __init__(self, error: ImetKgError) -> None:
        super().__init__(str(error))


def _layout(context: click.Context) -> Layout:
    from imet_kg.layout import Layout, default_layout

    root = context.obj.get("root") if context.obj else None
    return Layout(Path(root)) if root else default_layout()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    envvar="IMET_KG_ROOT",
    help="Project folder holding ontology/ and graph/ (default: the installed project).",
)
@click.version_option(package_name="imet-kg")
@click.pass_context
def cli(context: click.Context, root: str | None) -> None:
    """imet-kg: a linked-data knowledge graph of the US International Military Education
    and Training (IMET) programme, every claim traced to its source.

    Exit status: 0 success (valid), 1 validation violations, 2 error.
    """
    context.obj = {"root": root}


@cli.command()
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
    """
    from imet_kg.pipeline import build as run_build
    from imet_kg.report_formats import render_text

    try:
        result = run_build(_layout(context), Path(output))
    except ImetKgError as error:
        raise CommandError(error) from error
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


@cli.command()
@click.option(
    "--format",
    "report_format",
    type=click.Choice(REPORT_CHOICES),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.pass_context
def validate(context: click.Context, report_format: str) -> None:
    """Validate the graph against the SHACL shapes and hygiene checks.

    Exit status: 0 valid, 1 violations, 2 error.
    """
    from imet_kg.pipeline import assemble
    from imet_kg.report_formats import render
    from imet_kg.validation import validate as run_validation

    layout = _layout(context)
    try:
        graph, _ = assemble(layout)
        report = run_validation(graph, layout)
    except ImetKgError as error:
        raise CommandError(error) from error
    click.echo(render(report, report_format), nl=False)
    if not report.conforms:
        context.exit(EXIT_VIOLATIONS)


@cli.command()
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
    """Write the complete graph (ontology, curated data, derived triples) to a file."""
    from imet_kg.exporting import export as run_export
    from imet_kg.pipeline import assemble

    layout = _layout(context)
    try:
        graph, _ = assemble(layout)
        path = run_export(graph, export_format, Path(output), layout)
    except ImetKgError as error:
        raise CommandError(error) from error
    click.echo(f"Wrote {len(graph)} triples to {path}")


@cli.command()
@click.option(
    "--format",
    "stats_format",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
)
@click.pass_context
def stats(context: click.Context, stats_format: str) -> None:
    """Triples per named graph, entities by class, and claims by source."""
    from imet_kg.pipeline import assemble
    from imet_kg.stats import compute_stats
    from imet_kg.stats_view import print_stats, stats_json

    layout = _layout(context)
    try:
        graph, _ = assemble(layout)
        summary = compute_stats(graph, layout)
    except ImetKgError as error:
        raise CommandError(error) from error
    if stats_format == "json":
        click.echo(stats_json(summary))
    else:
        print_stats(summary)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        if key in values:
            raise click.BadParameter(f"{key!r} is given twice", param_hint="--param")
        values[key] = value
    return values


def _print_answer(
    answer: object, answer_format: str, layout: Layout, label: Callable[[Any], str | None]
) -> None:
    from imet_kg.namespaces import prefixes
    from imet_kg.query_view import print_result
    from imet_kg.result_formats import GRAPH_FORMATS, render_boolean, render_rows, render_triples
    from imet_kg.store import QueryResult

    if isinstance(answer, bool):
        click.echo(render_boolean(answer, answer_format), nl=False)
    elif isinstance(answer, list):
        graph_format = answer_format if answer_format in GRAPH_FORMATS else "ttl"
        click.echo(render_triples(answer, graph_format, layout), nl=False)
    elif isinstance(answer, QueryResult):
        names = prefixes(layout.context_file)
        if answer_format == "table":
            print_result(answer, names, label)
        elif answer_format in GRAPH_FORMATS:
            raise click.BadParameter(
                f"{answer_format} is for CONSTRUCT or DESCRIBE; this query returns rows",
                param_hint="--format",
            )
        else:
            click.echo(render_rows(answer, answer_format, names, label), nl=False)


@cli.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the saved queries.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter value; an entity may be an IRI, a prefixed name, a label or a code.",
)
@click.option(
    "--format",
    "answer_format",
    type=click.Choice(ANSWER_CHOICES),
    default="table",
    show_default=True,
    help="Rows as table, csv, tsv, json (SPARQL results) or md; graphs as ttl, jsonld or nt.",
)
@click.pass_context
def query(
    context: click.Context,
    name: str | None,
    list_queries: bool,
    params: tuple[str, ...],
    answer_format: str,
) -> None:
    """Run a saved query from queries/ (see --list), with --param KEY=VALUE."""
    layout = _layout(context)
    if list_queries or name is None:
        from imet_kg.query_view import print_query_list
        from imet_kg.saved_queries import load_saved_queries

        try:
            queries = load_saved_queries(layout.queries_dir)
        except ImetKgError as error:
            raise CommandError(error) from error
        if answer_format == "json":
            click.echo(_queries_json(queries))
        else:
            print_query_list(queries)
        return
    from imet_kg.pipeline import assemble
    from imet_kg.querying import run_saved_query

    values = _parse_params(params)
    try:
        graph, _ = assemble(layout)
        _, answer = run_saved_query(graph, layout, name, values)
    except ImetKgError as error:
        raise CommandError(error) from error
    _print_answer(answer, answer_format, layout, graph.label)


def _queries_json(queries: list[Any]) -> str:
    import json

    return json.dumps(
        [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "class": p.class_name,
                        "required": p.required,
                        "default": p.default,
                        "example": p.example,
                        "description": p.description,
                    }
                    for p in q.parameters
                ],
            }
            for q in queries
        ],
        indent=2,
    )


@cli.command()
@click.argument("text", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the query from a file.",
)
@click.option(
    "--format",
    "answer_format",
    type=click.Choice(ANSWER_CHOICES),
    default="table",
    show_default=True,
    help="Rows as table, csv, tsv, json or md; graphs as ttl, jsonld or nt.",
)
@click.pass_context
def sparql(
    context: click.Context, text: str | None, query_file: str | None, answer_format: str
) -> None:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) given as TEXT or --file."""
    if (text is None) == (query_file is None):
        raise click.UsageError("give the query either as TEXT or with --file, not both")
    layout = _layout(context)
    origin = query_file or "query"
    sparql_text = text if text is not None else Path(origin).read_text(encoding="utf-8")
    from imet_kg.pipeline import assemble
    from imet_kg.querying import run_sparql

    try:
        graph, _ = assemble(layout)
        answer = run_sparql(graph, sparql_text, origin=origin)
    except ImetKgError as error:
        raise CommandError(error) from error
    _print_answer(answer, answer_format, layout, graph.label)


def main() -> None:
    """Entry point of the console script."""
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_ERROR)
