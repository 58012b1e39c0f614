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
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Triples a request, when graphs go in batches (--in-batches).",
)
@click.option(
    "--concurrent",
    default=None,
    type=click.IntRange(min=1),
    help="Graphs sent at once [default: 2; 1 when whole graphs go to Virtuoso, which holds two "
    "large PUTs in a lock wait that never ends].",
)
@click.option(
    "--whole-graphs/--in-batches",
    default=None,
    help="One PUT a graph (atomic where the engine makes a request a transaction), or a PUT "
    "of each graph's first batch and a POST of each batch after it (a graph holding blank "
    "nodes always goes whole) [default: whole, in batches to Virtuoso, which stalls on a PUT "
    "larger than its buffers].",
)
@click.option(
    "--again",
    is_flag=True,
    help="Write every graph afresh, even those an earlier push to this endpoint completed.",
)
@click.pass_context
def push(
    context: click.Context,
    graph_store: str,
    batch_size: int,
    concurrent: int | None,
    whole_graphs: bool | None,
    again: bool,
) -> None:
    """Replace each named graph at the remote store with the local one, several graphs at
    once. Re-run after a failure to complete it: graphs an earlier push completed are left as
    they are (their content unchanged and still on the server), a graph sent in batches is
    taken up from its last acknowledged batch, and nothing is lost or doubled. What the server
    acknowledged is kept beside the store, in STORE.pushed.json.

    Example:

    \b
        imet-kg push --endpoint http://127.0.0.1:7878/store
    """
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from imet_kg.remote.pushing import push as run_push

    graph = local_graph(context)
    store = graph.location
    journal = store.with_name(f"{store.name}.pushed.json") if store is not None else None
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
            graph,
            graph_store,
            batch_size=batch_size,
            progress=advance,
            concurrent=concurrent,
            whole_graphs=whole_graphs,
            journal=journal,
            again=again,
        )
    seconds = time.perf_counter() - started
    click.echo(
        f"Wrote {report.triples} triples in {len(report.graphs)} graphs "
        f"({report.requests} requests, {seconds:.1f} s, "
        f"{report.sent / max(seconds, 1e-6):,.0f} triples/s sent, "
        f"{'whole graphs' if report.whole_graphs else 'in batches'}):"
    )
    for name, count in report.graphs.items():
        note = ""
        if name in report.kept:
            note = "  (already there: left as it was)"
        elif name in report.resumed:
            note = f"  (taken up after the {report.resumed[name]} triples already there)"
        click.echo(f"  {count:9d}  {name}{note}")
