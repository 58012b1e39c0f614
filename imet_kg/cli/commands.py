"""The `imet-kg` command line: each command loads, makes one library call, and prints.

Commands live in the modules beside this one, imported when a command is run (a query
does not import the modules of the server or the pictures); heavy libraries are imported
inside them, so that `imet-kg --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from imet_kg.errors import EXIT_ERROR, ImetKgError

# Each command: the module that defines it, and its name there.
COMMANDS = {
    "build": ("imet_kg.cli.graph", "build"),
    "validate": ("imet_kg.cli.graph", "validate"),
    "export": ("imet_kg.cli.graph", "export"),
    "stats": ("imet_kg.cli.graph", "stats"),
    "shacl": ("imet_kg.cli.graph", "shacl"),
    "query": ("imet_kg.cli.query", "query"),
    "sparql": ("imet_kg.cli.query", "sparql"),
    "search": ("imet_kg.cli.search", "search"),
    "network": ("imet_kg.cli.network", "network"),
    "path": ("imet_kg.cli.network", "path"),
    "viz": ("imet_kg.cli.network", "viz"),
    "serve": ("imet_kg.cli.serve", "serve"),
    "import": ("imet_kg.cli.imports", "import_group"),
    "push": ("imet_kg.cli.push", "push"),
}


class CommandTable(click.Group):
    """A group whose commands are imported from COMMANDS when first asked for."""

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        return {name: self._load(name) for name in COMMANDS}

    @commands.setter
    def commands(self, _value: Any) -> None:
        pass  # the table above names them

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name) if cmd_name in COMMANDS else None

    @staticmethod
    def _load(name: str) -> click.Command:
        module, attribute = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=CommandTable, context_settings={"help_option_names": ["-h", "--help"]})
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
    "--graphs",
    type=click.Path(file_okay=False, exists=True),
    multiple=True,
    envvar="IMET_KG_GRAPHS",
    help="A folder of Turtle files to add to the curated graph (your own sourced claims, "
    "kept outside the project); repeat for several.",
)
@click.option(
    "--endpoint",
    envvar="IMET_KG_ENDPOINT",
    help="A SPARQL 1.1 query endpoint to ask instead of the local store (query, sparql, "
    "network, path, viz and export; its default graph is taken as the union of its graphs).",
)
@click.option(
    "--endpoint-method",
    type=click.Choice(["auto", "get", "post", "direct"]),
    default="auto",
    envvar="IMET_KG_ENDPOINT_METHOD",
    show_default=True,
    help="How queries go to --endpoint: auto (GET when short, else a form-encoded POST), "
    "get, post (form-encoded), or direct (the query as the POST body, which Virtuoso never "
    "answers).",
)
@click.option(
    "--endpoint-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    envvar="IMET_KG_ENDPOINT_TIMEOUT",
    show_default=True,
    help="Seconds to wait for --endpoint's answer before giving up.",
)
@click.version_option(package_name="imet-kg")
@click.pass_context
def cli(
    context: click.Context,
    root: str | None,
    store: str | None,
    graphs: tuple[str, ...],
    endpoint: str | None,
    endpoint_method: str,
    endpoint_timeout: float,
) -> None:
    """imet-kg: a linked-data knowledge graph of the US International Military Education
    and Training (IMET) programme, every claim traced to its source.

    Exit status: 0 success (valid), 1 validation violations, 2 error.
    """
    context.obj = {
        "root": root,
        "store": store,
        "graphs": graphs,
        "endpoint": endpoint,
        "endpoint_method": endpoint_method,
        "endpoint_timeout": endpoint_timeout,
    }


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
