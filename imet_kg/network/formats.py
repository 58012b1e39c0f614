"""Writing projections for other tools: GraphML (yEd, Cytoscape), GEXF (Gephi), node-link
JSON (NetworkX, D3) and Graphviz DOT."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from imet_kg.fileio import atomic_write
from imet_kg.media import NETWORK, names
from imet_kg.network.xml_formats import gexf, graphml

if TYPE_CHECKING:
    from pathlib import Path

    import networkx as nx

NETWORK_FORMATS = names(NETWORK)
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def network_bytes(network: nx.MultiDiGraph, network_format: str) -> bytes:
    import networkx as nx

    if network_format == "graphml":
        return graphml(network)
    if network_format == "gexf":
        return gexf(network)
    if network_format == "json":
        data = nx.node_link_data(network, edges="edges")
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if network_format == "dot":
        return to_dot(network).encode("utf-8")
    raise ValueError(f"unknown network format {network_format!r}; use one of {NETWORK_FORMATS}")


def write_network(network: nx.MultiDiGraph, network_format: str, output: Path) -> Path:
    """Write a projection to `output` in one of NETWORK_FORMATS, all or nothing."""
    atomic_write(output, network_bytes(network, network_format))
    return output


def to_dot(network: nx.MultiDiGraph) -> str:
    """Graphviz DOT with every node and edge attribute kept, values quoted and escaped."""
    lines = [f"digraph {quote(str(network.graph.get('name', 'imet')))} {{"]
    for node, data in network.nodes(data=True):
        lines.append(f"  {quote(node)} [{attributes(data)}];")
    for source, target, data in network.edges(data=True):
        lines.append(f"  {quote(source)} -> {quote(target)} [{attributes(data)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def attributes(data: dict[str, object]) -> str:
    return ", ".join(f"{identifier(str(key))}={quote(str(value))}" for key, value in data.items())


def identifier(name: str) -> str:
    """A DOT ID: bare when it is a plain identifier, quoted otherwise."""
    return name if _PLAIN.match(name) else quote(name)


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
