"""The `push` command: upload the local graph to a SPARQL 1.1 Graph Store Protocol endpoint."""

from __future__ import annotations

import click

from imet_kg.cli.support import library_errors, local_graph


@click.command()
@click.option(
    "--endpoint",
    "graph_store",
    required=True,
    help="The Graph Store Protocol endpoint, such as http://127.0.0.1:7878/store for Oxigraph.",
)
@click.option("--batch-size", default=50_000, show_default=True, type=click.IntRange(min=1))
@click.pass_context
def push(context: click.Context, graph_store: str, batch_size: int) -> None:
    """Replace each named graph at the remote store with the local one, in batches; re-run
    after a failure to complete it: nothing is lost or doubled.

    Example:

    \b
        imet-kg push --endpoint http://127.0.0.1:7878/store
    """
    from rich.progress import Progress

    from imet_kg.remote.client import push as run_push

    graph = local_graph(context)
    with library_errors(), Progress(transient=True) as progress:
        task = progress.add_task("Pushing", total=len(graph.store))
        report = run_push(
            graph,
            graph_store,
            batch_size=batch_size,
            progress=lambda n: progress.advance(task, n),
        )
    click.echo(
        f"Wrote {report.triples} triples in {len(report.graphs)} graphs "
        f"({report.requests} requests):"
    )
    for name, count in report.graphs.items():
        click.echo(f"  {count:9d}  {name}")
