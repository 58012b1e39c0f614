"""`imet-kg search WORDS`: the full-text index beside the local store, as a table for people
or JSON/CSV for programs."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import TYPE_CHECKING

import click

from imet_kg.cli.support import CommandError, library_errors, project_layout, reading_store
from imet_kg.search.kinds import DEFAULT_LIMIT, KINDS, MAX_LIMIT

if TYPE_CHECKING:
    from imet_kg.search.lookup import Hit

FIELDS = ("kind", "label", "context", "iri", "country", "score")


@click.command()
@click.argument("words", nargs=-1, required=True)
@click.option(
    "--type",
    "kinds",
    type=click.Choice(KINDS),
    multiple=True,
    help="Only results of this kind (repeat for several).",
)
@click.option("--country", help="Only results of this country (its name or ISO code).")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="At most this many results.",
)
@click.option(
    "--format",
    "answer_format",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
)
@click.pass_context
def search(
    context: click.Context,
    words: tuple[str, ...],
    kinds: tuple[str, ...],
    country: str | None,
    limit: int,
    answer_format: str,
) -> None:
    """Find countries, agencies, schools, places, units, acts, programmes, sources, claims,
    courses and training records by the words of their names (each word matches the start
    of a word; case and accents do not matter), best first.

    Examples:

    \b
      imet-kg search "guards brigade"
      imet-kg search lackland --type school
      imet-kg search army --country NG --type unit --format csv
    """
    if (context.find_root().obj or {}).get("endpoint"):
        raise CommandError(
            "'imet-kg search' reads the index beside the local store, not an endpoint"
        )
    from imet_kg.search.lookup import SearchIndex
    from imet_kg.store.persistent import built_from_curated, read_manifest

    store = reading_store(context)
    with library_errors():
        manifest = read_manifest(store)
        if not built_from_curated(manifest, project_layout(context)):
            raise CommandError(
                f"{store}: the store was built from other curated files; run 'imet-kg build' "
                "to refresh it and its search index"
            )
        index = SearchIndex(store)
        try:
            hits = index.search(" ".join(words), kinds=kinds, country=country, limit=limit)
        finally:
            index.close()
    _print(hits, answer_format)


def _print(hits: list[Hit], answer_format: str) -> None:
    if answer_format == "json":
        document = {"results": [hit._asdict() for hit in hits]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if answer_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(FIELDS)
        writer.writerows(hits)
        sys.stdout.write(buffer.getvalue())
        return
    if not hits:
        click.echo("No results.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("type", "label", "context")
    table.add_column("IRI", overflow="fold")
    for hit in hits:
        table.add_row(hit.kind, hit.label, hit.context, hit.iri)
    Console().print(table)
