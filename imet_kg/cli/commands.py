"""The `imet-kg` command line: each command loads, makes one library call, and prints.

Commands live in the modules beside this one; heavy libraries are imported inside
them, so `imet-kg --help` stays fast.
"""

from __future__ import annotations

import sys

import click

from imet_kg.cli.graph import build, export, shacl, stats, validate
from imet_kg.cli.imports import import_group
from imet_kg.cli.network import network, path, viz
from imet_kg.cli.push import push
from imet_kg.cli.query import query as query_command
from imet_kg.cli.query import sparql
from imet_kg.cli.serve import serve
from imet_kg.errors import EXIT_ERROR, ImetKgError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    envvar="IMET_KG_ROOT",
    help="Project folder holding ontology/ and graph/ (default: the installed project).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    envvar="IMET_KG_STORE",
    help="Persistent store folder (default: .imet-kg/store in the working folder).",
)
@click.option(
    "--endpoint",
    envvar="IMET_KG_ENDPOINT",
    help="A SPARQL 1.1 query endpoint to ask instead of the local store (query, sparql, "
    "network, path, viz and export; its default graph is taken as the union of its graphs).",
)
@click.version_option(package_name="imet-kg")
@click.pass_context
def cli(context: click.Context, root: str | None, store: str | None, endpoint: str | None) -> None:
    """imet-kg: a linked-data knowledge graph of the US International Military Education
    and Training (IMET) programme, every claim traced to its source.

    Exit status: 0 success (valid), 1 validation violations, 2 error.
    """
    context.obj = {"root": root, "store": store, "endpoint": endpoint}


for command in (
    build,
    validate,
    export,
    stats,
    query_command,
    sparql,
    network,
    path,
    viz,
    serve,
    import_group,
    shacl,
    push,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the console script."""
    try:
        cli.main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_ERROR)
    except ImetKgError as error:  # a command that did not turn it into a CommandError
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except OSError as error:
        # Outputs are written through fileio, which names the output; this is the net for
        # the system failing anywhere else (a full disk under the store, say).
        from imet_kg.fileio import describe

        click.echo(f"Error: {describe(error)}", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
