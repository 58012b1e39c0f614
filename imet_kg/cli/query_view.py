"""Rich tables for query answers and for the list of saved queries."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from imet_kg.query.formats import Labeller, for_people, readable
from imet_kg.query.saved import SavedQuery
from imet_kg.store.graph import QueryResult


def print_result(
    result: QueryResult,
    prefixes: dict[str, str],
    label: Labeller,
    console: Console | None = None,
) -> None:
    console = console or Console()
    result = for_people(result)
    table = Table(show_lines=True)
    for name in result.variables:
        table.add_column(name, overflow="fold")
    for row in result.rows:
        table.add_row(*(readable(term, prefixes, label) for term in row))
    console.print(table)
    console.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")


def print_query_list(queries: list[SavedQuery], console: Console | None = None) -> None:
    console = console or Console()
    table = Table("name", "summary", "parameters")
    for query in queries:
        table.add_row(query.name, query.summary, describe_parameters(query))
    console.print(table)


def describe_parameters(query: SavedQuery) -> str:
    parts = []
    for parameter in query.parameters:
        text = f"{parameter.name}: {parameter.type}"
        if parameter.default is not None:
            text += f" = {parameter.default}"
        elif parameter.required:
            text += " (required)"
        if parameter.example:
            text += f", e.g. {parameter.example}"
        parts.append(text)
    return "\n".join(parts)
