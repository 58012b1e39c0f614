"""A self-contained interactive HTML page of a projection: vis-network and the page's own
script are inlined, so the file works offline and can be mailed or archived as it is."""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import TYPE_CHECKING

from imet_kg.network.style import network_style

if TYPE_CHECKING:
    import networkx as nx


_MARKER = re.compile(r"__(TITLE|DATA|SCRIPT|VIS_NETWORK)__")


def _asset(*parts: str) -> str:
    return resources.files("imet_kg.network").joinpath(*parts).read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    """Inline text must not close its <script> element early."""
    return text.replace("</", "<\\/")


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
    page = _asset("assets", "network.html")
    replacements = {
        "__TITLE__": html.escape(title),
        "__VIS_NETWORK__": _asset("vendor", "vis-network", "vis-network.min.js"),
        "__DATA__": _script_safe(json.dumps(data, ensure_ascii=False)),
        "__SCRIPT__": _script_safe(_asset("assets", "network.js")),
    }
    # One pass over the template: inserted text is never searched for markers again.
    return _MARKER.sub(lambda match: replacements[match.group(0)], page)
