"""Showing graph statistics as Rich tables or JSON."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from imet_kg.store.stats import GraphStats


def stats_json(summary: GraphStats) -> str:
    return json.dumps(summary.as_dict(), indent=2)


def print_stats(summary: GraphStats, console: Console | None = None) -> None:
    console = console or Console()
    console.print(
        f"[bold]{summary.triples}[/] triples; [bold]{summary.claims}[/] claims, "
        f"{summary.single_source_claims} of them resting on a single source."
    )
    console.print(_table("Named graph", "Triples", summary.graphs))
    console.print(_table("Class", "Entities", summary.entities_by_class))
    console.print(_table("Source", "Claims", summary.claims_by_source))


def _table(key: str, value: str, rows: tuple[tuple[str, int], ...]) -> Table:
    table = Table(key, value)
    table.columns[1].justify = "right"
    for name, count in rows:
        table.add_row(name, str(count))
    return table
