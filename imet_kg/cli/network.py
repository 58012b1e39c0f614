"""Commands on network projections: list, export, stats, path, and pictures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from imet_kg.cli.support import library_errors, project_graph, project_layout
from imet_kg.media import NETWORK, names

if TYPE_CHECKING:
    from imet_kg.network.projections import Projection

NETWORK_CHOICES = names(NETWORK)


def _projection(context: click.Context, name: str) -> Projection:
    from imet_kg.network.projections import project

    graph = project_graph(context)
    with library_errors():
        return project(graph, project_layout(context), name)


@click.group()
def network() -> None:
    """Network projections of the graph (agencies, legislation, countries, full).

    Example:

    \b
        imet-kg network list
    """


@network.command("list")
@click.pass_context
def network_list(context: click.Context) -> None:
    """The projections and what each shows.

    Example:

    \b
        imet-kg network list
    """
    from imet_kg.network.projections import projection_queries

    with library_errors():
        queries = projection_queries(project_layout(context))
    for name, projection in queries.items():
        click.echo(f"{name}: {projection.summary}")


@network.command("export")
@click.argument("name")
@click.option(
    "--format",
    "network_format",
    type=click.Choice(NETWORK_CHOICES),
    required=True,
    help="GraphML, GEXF, node-link JSON or Graphviz DOT.",
)
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.pass_context
def network_export(context: click.Context, name: str, network_format: str, output: str) -> None:
    """Write the projection NAME for Gephi, Cytoscape, yEd, NetworkX or Graphviz.

    Example:

    \b
        imet-kg network export agencies --format gexf --output agencies.gexf
    """
    from imet_kg.network.formats import write_network

    graph = _projection(context, name)
    path = write_network(graph, network_format, Path(output))
    click.echo(
        f"Wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges to {path}"
    )


@network.command("stats")
@click.argument("name")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True)
@click.option("--format", "stats_format", type=click.Choice(("table", "json")), default="table")
@click.pass_context
def network_stats(context: click.Context, name: str, top: int, stats_format: str) -> None:
    """Nodes, edges, components, and the most central entities by betweenness and degree.

    Example:

    \b
        imet-kg network stats agencies --top 5
    """
    from imet_kg.cli.network_view import print_network_stats, stats_json
    from imet_kg.network.analysis import network_stats as compute

    summary = compute(_projection(context, name))
    if stats_format == "json":
        click.echo(stats_json(summary, top))
    else:
        print_network_stats(summary, top)


@click.command()
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@click.option("--projection", default="full", show_default=True, help="Projection to search.")
@click.pass_context
def path(context: click.Context, start: str, end: str, projection: str) -> None:
    """The shortest sourced connection between two entities (label, code, prefixed name or IRI).

    Example:

    \b
        imet-kg path "Department of State" WHINSEC
    """
    from imet_kg.namespaces import prefixes
    from imet_kg.network.analysis import shortest_connection
    from imet_kg.network.projections import project
    from imet_kg.query.binding import resolve_entity
    from imet_kg.query.saved import Parameter

    layout = project_layout(context)
    graph = project_graph(context)
    with library_errors():
        names = prefixes(layout.context_file)
        ends = [
            resolve_entity(graph, Parameter(label, "entity"), words, names).value
            for label, words in (("FROM", start), ("TO", end))
        ]
        steps = shortest_connection(project(graph, layout, projection), ends[0], ends[1])
    if not steps:
        click.echo("Both name the same entity.")
    for number, step in enumerate(steps, start=1):
        click.echo(
            f"{number}. {step.describe()}\n"
            f"   sources: {step.sources or 'none given'}\n   claims: {step.claims or 'none'}"
        )


@click.command()
@click.argument("name")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="FILE.svg, FILE.png or FILE.html (interactive, works offline).",
)
@click.option(
    "--country", help="For the timeline and training charts: the country (code, name or IRI)."
)
@click.option("--school", help="For the training chart: the school or place (name or IRI).")
@click.pass_context
def viz(
    context: click.Context, name: str, output: str, country: str | None, school: str | None
) -> None:
    """Draw a projection (agencies, legislation, countries, full); a country's timeline with
    NAME 'timeline' and --country; or, with NAME 'training', the training figures by fiscal
    year of a country (with its dated events marked), a school, or the whole programme.

    Examples:

    \b
        imet-kg viz agencies --output agencies.html
        imet-kg viz timeline --country PK --output pakistan.svg
        imet-kg viz training --country PK --output pk.svg
        imet-kg viz training --school whinsec --output whinsec.png
    """
    from imet_kg.fileio import atomic_write

    target = Path(output)
    picture_format = target.suffix.lower().lstrip(".")
    if picture_format not in ("svg", "png", "html"):
        raise click.BadParameter(
            "the output must end in .svg, .png or .html", param_hint="--output"
        )
    if name == "timeline" and not country:
        raise click.UsageError("the timeline needs --country, for example --country PK")
    if name == "training" and picture_format == "html":
        raise click.BadParameter(
            "a training chart is drawn as .svg or .png (the pages draw it interactively)",
            param_hint="--output",
        )
    if school and name != "training":
        raise click.UsageError("--school is for the training chart: imet-kg viz training ...")
    with library_errors():
        if name == "training":
            from imet_kg.network.charts import render_training

            data = render_training(
                project_graph(context),
                project_layout(context),
                picture_format,
                country=country,
                school=school,
            )
        elif name == "timeline" and country:
            from imet_kg.network.timeline import render_timeline

            data = render_timeline(
                project_graph(context), project_layout(context), country, picture_format
            )
        elif picture_format == "html":
            from imet_kg.network.interactive import network_page

            data = network_page(_projection(context, name)).encode("utf-8")
        else:
            from imet_kg.network.drawing import render_picture

            data = render_picture(_projection(context, name), picture_format)
        atomic_write(target, data)
    click.echo(f"Wrote {target}")
