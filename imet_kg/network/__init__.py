"""Networks: named projections of the graph as NetworkX multigraphs (each a SPARQL file in
queries/projections/), their measures and shortest sourced connections, files for other
tools (GraphML, GEXF, node-link JSON, DOT), pictures through Graphviz, self-contained
interactive pages, and a country's timeline. The assets and vendored scripts sit in
`assets/` and `vendor/`.

Contract: networkx, matplotlib and Graphviz are used here only. Imports query, the store and
the ground floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imet_kg.lazy import lazy_exports

if TYPE_CHECKING:
    from imet_kg.network.analysis import network_stats, shortest_connection
    from imet_kg.network.drawing import render_picture
    from imet_kg.network.formats import write_network
    from imet_kg.network.interactive import network_page
    from imet_kg.network.projections import node_info, project, projection_queries
    from imet_kg.network.timeline import timeline_page

_EXPORTS = {
    "project": "imet_kg.network.projections",
    "node_info": "imet_kg.network.projections",
    "projection_queries": "imet_kg.network.projections",
    "network_stats": "imet_kg.network.analysis",
    "shortest_connection": "imet_kg.network.analysis",
    "write_network": "imet_kg.network.formats",
    "render_picture": "imet_kg.network.drawing",
    "network_page": "imet_kg.network.interactive",
    "timeline_page": "imet_kg.network.timeline",
}

__all__ = [
    "network_page",
    "network_stats",
    "node_info",
    "project",
    "projection_queries",
    "render_picture",
    "shortest_connection",
    "timeline_page",
    "write_network",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
