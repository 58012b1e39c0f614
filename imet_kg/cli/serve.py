"""The `serve` command: build the web application from the library and serve it."""

from __future__ import annotations

import click

from imet_kg.cli.support import local_graph, project_layout


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--base",
    help="Public address of the server, when a proxy makes it differ from the local one.",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows an answer may have.",
)
@click.option(
    "--query-processes",
    type=click.IntRange(min=1),
    help="Worker processes that evaluate SPARQL and saved queries [default: one per core].",
)
@click.option(
    "--client-queries",
    type=click.IntRange(min=1),
    help="Queries one client address may have running at once; more wait their turn "
    "[default: half the query processes, at least 1].",
)
@click.option(
    "--query-memory",
    default=4096,
    show_default=True,
    type=click.IntRange(min=64),
    help="MiB of memory each query process may use.",
)
@click.option(
    "--request-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client has to send a whole request; a slower one is disconnected.",
)
@click.option(
    "--max-connections",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Open connections served at once; past it, 503.",
)
@click.pass_context
def serve(
    context: click.Context,
    host: str,
    port: int,
    base: str | None,
    timeout: float,
    max_rows: int,
    query_processes: int | None,
    client_queries: int | None,
    query_memory: int,
    request_timeout: float,
    max_connections: int,
) -> None:
    """Serve the graph as linked data: pages and RDF for every /id/... IRI, a SPARQL endpoint
    at /sparql, saved queries at /api/queries, VoID at /.well-known/void.

    Examples:

    \b
        imet-kg serve --port 8000
        imet-kg serve --host 0.0.0.0 --base https://imet.example.org/
    """
    from imet_kg.web.app import create_app
    from imet_kg.web.endpoint import Limits
    from imet_kg.web.serving import run_server

    layout = project_layout(context)
    graph = local_graph(context)
    app = create_app(
        graph,
        layout,
        limits=Limits(seconds=timeout, rows=max_rows, memory_bytes=query_memory * 2**20),
        public_base=base,
        query_processes=query_processes,
        client_queries=client_queries,
    )
    click.echo(f"Serving {app.state.site.triples} triples at http://{host}:{port}/ (Ctrl-C stops)")
    run_server(
        app,
        host=host,
        port=port,
        request_timeout=request_timeout,
        max_connections=max_connections,
    )
