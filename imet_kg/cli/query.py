"""Commands that ask questions: saved queries and ad-hoc SPARQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from imet_kg.cli.output import STREAMED
from imet_kg.cli.support import library_errors, project_graph, project_layout, say
from imet_kg.media import GRAPH, PEOPLE, RESULTS, names

if TYPE_CHECKING:
    import pyoxigraph as ox

    from imet_kg.layout import Layout

ANSWER_CHOICES = names(PEOPLE, RESULTS, GRAPH)
answer_format_option = click.option(
    "--format",
    "answer_format",
    type=click.Choice(ANSWER_CHOICES),
    default="table",
    show_default=True,
    help="Rows as a table or md for reading, or as json, xml, csv or tsv (the SPARQL results "
    "formats, as the server writes them; json, csv and tsv are printed as the rows arrive); "
    "graphs as ttl, nt, jsonld or xml (RDF/XML).",
)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        if key in values:
            raise click.BadParameter(f"{key!r} is given twice", param_hint="--param")
        values[key] = value
    return values


def print_answer(
    answer: object,
    answer_format: str,
    layout: Layout,
    label: Callable[[ox.NamedNode], str | None],
) -> None:
    from imet_kg.cli.output import write_rows
    from imet_kg.namespaces import prefixes
    from imet_kg.query.formats import (
        GRAPH_FORMATS,
        ROW_FORMATS,
        render_boolean,
        render_rows,
        render_triples,
    )
    from imet_kg.query.run import RowStream
    from imet_kg.store.graph import QueryResult

    if isinstance(answer, RowStream):
        if answer_format in STREAMED:
            write_rows(answer, answer_format)
            return
        answer = QueryResult(answer.variables, tuple(answer.rows))  # measured before printed
    if isinstance(answer, bool):
        text = render_boolean(answer, answer_format)
        click.echo(text, nl=not text.endswith("\n"))
    elif isinstance(answer, list):
        graph_format = answer_format if answer_format in GRAPH_FORMATS else "ttl"
        click.echo(render_triples(answer, graph_format, layout), nl=False)
    elif isinstance(answer, QueryResult):
        names = prefixes(layout.context_file)
        if answer_format not in ROW_FORMATS:
            raise click.BadParameter(
                f"{answer_format} is for CONSTRUCT or DESCRIBE; this query returns rows",
                param_hint="--format",
            )
        if answer_format == "table":
            from imet_kg.cli.query_view import print_result  # Rich, for people only

            print_result(answer, names, label)
        else:
            text = render_rows(answer, answer_format, names, label)
            click.echo(text, nl=not text.endswith("\n"))


@click.command()
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
@answer_format_option
@click.pass_context
def query(
    context: click.Context,
    name: str | None,
    list_queries: bool,
    params: tuple[str, ...],
    answer_format: str,
) -> None:
    """Run a saved query from queries/ (see --list), with --param KEY=VALUE.

    Examples:

    \b
        imet-kg query --list
        imet-kg query country-training --param country=PK --format csv
    """
    layout = project_layout(context)
    if list_queries or name is None:
        from imet_kg.cli.query_view import print_query_list
        from imet_kg.query.saved import load_saved_queries

        with library_errors():
            queries = load_saved_queries(layout.queries_dir)
        if answer_format == "json":
            click.echo(json.dumps([q.describe() for q in queries], indent=2))
        else:
            print_query_list(queries)
        return
    from imet_kg.query.run import stream_saved_query

    values = parse_params(params)
    graph = project_graph(context)
    with library_errors():
        _, answer = stream_saved_query(graph, layout, name, values)
        print_answer(answer, answer_format, layout, graph.label)


@click.command()
@click.argument("text", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the query from a file.",
)
@answer_format_option
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=10_000,
    show_default=True,
    help="Print at most this many rows or triples (0: every one), as the server caps them.",
)
@click.pass_context
def sparql(
    context: click.Context,
    text: str | None,
    query_file: str | None,
    answer_format: str,
    max_rows: int,
) -> None:
    """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) given as TEXT or --file.

    Examples:

    \b
        imet-kg sparql 'SELECT ?s WHERE { ?s a <https://w3id.org/imet-kg/ontology#Act> }'
        imet-kg sparql --file question.rq --max-rows 0
    """
    if (text is None) == (query_file is None):
        raise click.UsageError("give the query either as TEXT or with --file, not both")
    from imet_kg.query.run import stream_sparql

    layout = project_layout(context)
    origin = query_file or "query"
    sparql_text = text if text is not None else Path(origin).read_text(encoding="utf-8")
    graph = project_graph(context)
    with library_errors():
        answer, more = stream_sparql(graph, sparql_text, max_rows, origin=origin)
        print_answer(answer, answer_format, layout, graph.label)
    if more():
        say(
            f"Showing the first {max_rows} rows: the answer has more. Add a LIMIT, or pass "
            "--max-rows 0 to print every one."
        )
