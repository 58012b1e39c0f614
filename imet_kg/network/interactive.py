"""A self-contained interactive HTML page of a projection: vis-network and the page's own
script are inlined, so the file works offline and can be mailed or archived as it is."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from imet_kg.network.pages import asset, fill, script_safe
from imet_kg.network.style import network_style

if TYPE_CHECKING:
    import networkx as nx


def network_page(network: nx.MultiDiGraph) -> str:
    """A self-contained HTML page drawing the projection with vis-network, offline."""
    data = {
        "nodes": [{"id": node, **attrs} for node, attrs in network.nodes(data=True)],
        "edges": [
            {"source": source, "target": target, **attrs}
            for source, target, attrs in network.edges(data=True)
        ],
        "style": network_style(),
    }
    title = str(network.graph.get("summary") or network.graph.get("name") or "network")
    return fill(
        "network.html",
        {
            "TITLE": html.escape(title),
            "VIS_NETWORK": asset("vendor", "vis-network", "vis-network.min.js"),
            "DATA": script_safe(json.dumps(data, ensure_ascii=False)),
            "SCRIPT": script_safe(asset("assets", "network.js")),
        },
    )
