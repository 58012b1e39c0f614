"""Showing network measures as a Rich table or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Console
from rich.table import Table

from imet_kg.network.analysis import NetworkStats


def stats_json(summary: NetworkStats, top: int) -> str:
    document = asdict(summary)
    document["measures"] = document["measures"][:top]
    return json.dumps(document, indent=2)


def print_network_stats(summary: NetworkStats, top: int, console: Console | None = None) -> None:
    console = console or Console()
    console.print(
        f"[bold]{summary.name}[/]: {summary.nodes} nodes, {summary.edges} edges, "
        f"{summary.components} connected component{'s' if summary.components != 1 else ''}"
    )
    table = Table("entity", "type", "degree", "degree centrality", "betweenness")
    for column in table.columns[2:]:
        column.justify = "right"
    for measure in summary.measures[:top]:
        table.add_row(
            measure.label,
            measure.type_label,
            str(measure.degree),
            f"{measure.degree_centrality:.3f}",
            f"{measure.betweenness:.3f}",
        )
    console.print(table)
