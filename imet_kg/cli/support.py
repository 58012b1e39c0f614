"""What every command shares: the project layout from --root, and library errors shown as
'Error: ...' with exit status 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from imet_kg.errors import EXIT_ERROR, ImetKgError

if TYPE_CHECKING:
    from imet_kg.layout import Layout
    from imet_kg.store.graph import KnowledgeGraph
    from imet_kg.store.queryable import QueryableGraph


class CommandError(click.ClickException):
    """A library error shown as 'Error: ...' with exit status 2."""

    exit_code = EXIT_ERROR


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn the library's errors into command errors (exit 2, message on stderr)."""
    try:
        yield
    except ImetKgError as error:
        raise CommandError(str(error)) from error


def project_store(context: click.Context) -> Path:
    from imet_kg.store.persistent import default_store

    obj = context.find_root().obj or {}
    configured = obj.get("store")
    return Path(configured) if configured else default_store(project_layout(context))


def say(note: str) -> None:
    """A note to the user about the store (waiting for a lock, a cleanup), on stderr."""
    click.echo(f"Note: {note}", err=True)


def reading_store(context: click.Context) -> Path:
    """The store a reading command uses, put right first if a crash left it half-swapped. A
    store named by --store or IMET_KG_STORE must exist: a mistyped path is an error, never
    a silent fall-back to the curated files."""
    from imet_kg.store.versions import recover

    store = project_store(context)
    for note in recover(store):
        say(note)
    obj = context.find_root().obj or {}
    if obj.get("store") and not store.exists():
        raise CommandError(
            f"{store}: no store here (given by --store or IMET_KG_STORE); "
            "'imet-kg build' or 'imet-kg import fmtr' creates one"
        )
    return store


def project_graph(context: click.Context) -> QueryableGraph:
    """The remote store given by --endpoint, else the local one (see local_graph)."""
    obj = context.find_root().obj or {}
    if obj.get("endpoint"):
        from imet_kg.remote.client import RemoteGraph
        from imet_kg.remote.protocol import Transport

        transport = Transport(
            method=str(obj.get("endpoint_method") or "auto"),
            timeout=float(obj.get("endpoint_timeout") or 120.0),
        )
        return RemoteGraph(str(obj["endpoint"]), transport)
    return local_graph(context)


def local_graph(context: click.Context) -> KnowledgeGraph:
    """The persistent store when there is one, else the curated files; --endpoint is refused
    by the commands that need the local store itself."""
    from imet_kg.pipeline.building import load_graph

    obj = context.find_root().obj or {}
    if obj.get("endpoint"):
        raise CommandError(f"'{context.command_path}' works on the local store, not --endpoint")
    with library_errors():
        return load_graph(project_layout(context), reading_store(context))


def project_layout(context: click.Context) -> Layout:
    from imet_kg.layout import Layout, default_layout

    obj = context.find_root().obj or {}
    root = obj.get("root")
    layout = Layout(Path(root)) if root else default_layout()
    graphs = tuple(Path(folder).resolve() for folder in obj.get("graphs") or ())
    return layout._replace(extra=graphs) if graphs else layout
