"""The shared look of network pictures, read from `assets/network-style.json`."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from imet_kg.network.pages import asset


@cache
def network_style() -> dict[str, Any]:
    style: dict[str, Any] = json.loads(asset("assets", "network-style.json"))
    return style


def node_style(node_type: str) -> dict[str, str]:
    nodes: dict[str, dict[str, str]] = network_style()["nodes"]
    return nodes.get(node_type, nodes["default"])


def edge_style(predicate: str) -> dict[str, str]:
    edges: dict[str, dict[str, str]] = network_style()["edges"]
    return edges.get(predicate, edges["default"])
