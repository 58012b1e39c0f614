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
@click.option(
    "--batch-size",
    default=50_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Triples serialised at a time while a graph's request body is written.",
)
@click.option(
    "--concurrent",
    default=None,
    type=click.IntRange(min=1),
    help="Graphs sent at once [default: 2; 1 to Virtuoso, which holds two large PUTs in a "
    "lock wait that never ends].",
)
@click.pass_context
def push(context: click.Context, graph_store: str, batch_size: int, concurrent: int | None) -> None:
    """Replace each named graph at the remote store with the local one, one request a graph
    (atomic where the engine makes a request a transaction), several graphs at once; re-run
    after a failure to complete it: nothing is lost or doubled.

    Example:

    \b
        imet-kg push --endpoint http://127.0.0.1:7878/store
    """
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from imet_kg.remote.pushing import push as run_push

    graph = local_graph(context)
    columns = (
        TextColumn("Pushing"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} of {task.total:,.0f} triples"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    started = time.perf_counter()
    with library_errors(), Progress(*columns, transient=True) as progress:
        task = progress.add_task("push", total=len(graph.store), rate="")

        def advance(triples: int) -> None:
            done = progress.tasks[0].completed + triples
            seconds = max(time.perf_counter() - started, 1e-6)
            progress.update(task, completed=done, rate=f"{done / seconds:,.0f} triples/s")

        report = run_push(
            graph, graph_store, batch_size=batch_size, progress=advance, concurrent=concurrent
        )
    seconds = time.perf_counter() - started
    click.echo(
        f"Wrote {report.triples} triples in {len(report.graphs)} graphs "
        f"({report.requests} requests, {seconds:.1f} s, "
        f"{report.triples / max(seconds, 1e-6):,.0f} triples/s):"
    )
    for name, count in report.graphs.items():
        click.echo(f"  {count:9d}  {name}")
