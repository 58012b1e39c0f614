"""Measures of a projection (degree and betweenness centrality) and the shortest sourced
connection between two entities."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imet_kg.errors import ImetKgError

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class NodeMeasure:
    iri: str
    label: str
    type_label: str
    degree: int
    degree_centrality: float
    betweenness: float


@dataclass(frozen=True)
class NetworkStats:
    name: str
    nodes: int
    edges: int
    components: int
    measures: tuple[NodeMeasure, ...]


def network_stats(network: nx.MultiDiGraph) -> NetworkStats:
    """Counts, connected components, and per-node centralities (on the undirected simple
    graph, so parallel claims between two entities count once)."""
    import networkx as nx

    simple = nx.Graph(network.to_undirected())
    degree = nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    betweenness = (
        nx.betweenness_centrality(simple) if len(simple) > 2 else dict.fromkeys(simple, 0.0)
    )
    measures = sorted(
        (
            NodeMeasure(
                iri=node,
                label=str(data.get("label", node)),
                type_label=str(data.get("type_label", "")),
                degree=simple.degree(node),
                degree_centrality=round(degree[node], 4),
                betweenness=round(betweenness[node], 4),
            )
            for node, data in network.nodes(data=True)
        ),
        key=lambda m: (-m.betweenness, -m.degree, m.label),
    )
    return NetworkStats(
        name=str(network.graph.get("name", "")),
        nodes=network.number_of_nodes(),
        edges=network.number_of_edges(),
        components=nx.number_connected_components(simple) if len(simple) else 0,
        measures=tuple(measures),
    )


@dataclass(frozen=True)
class Step:
    """One hop of a connection, from `start` to `end` in the order walked; `forward` is false
    when the relation as stated runs from `end` to `start`."""

    start: str
    start_label: str
    relation: str
    end: str
    end_label: str
    forward: bool
    sources: str
    claims: str

    def describe(self) -> str:
        if self.forward:
            return f"{self.start_label} --{self.relation}--> {self.end_label}"
        return f"{self.start_label} <--{self.relation}-- {self.end_label}"


def shortest_connection(network: nx.MultiDiGraph, start: str, end: str) -> list[Step]:
    """The fewest hops between two entities, whatever the direction of each relation; among
    paths of equal length, the one whose relations rest on more sources."""
    import networkx as nx

    for node in (start, end):
        if node not in network:
            raise ImetKgError(f"{node} is not in the {network.graph.get('name', '')} projection")
    # Each hop weighs one, plus a tie-breaker so small that the tie-breakers of the longest
    # possible path add up to less than one hop: fewer hops always win, sources break ties.
    tie = 0.5 / max(int(network.number_of_nodes()), 1)

    def hop(a: str, b: str, edges: dict[object, dict[str, object]]) -> float:
        return 1.0 + tie / max(_source_count(data) for data in edges.values())

    try:
        nodes = nx.shortest_path(network.to_undirected(as_view=True), start, end, weight=hop)
    except nx.NetworkXNoPath:
        raise ImetKgError(f"no connection between {start} and {end}") from None
    return [_step(network, a, b) for a, b in itertools.pairwise(nodes)]


def _source_count(data: dict[str, object]) -> int:
    sources = str(data.get("sources", ""))
    return max(1, len(sources.split(", "))) if sources else 1


def _step(network: nx.MultiDiGraph, a: str, b: str) -> Step:
    """The best-sourced edge between two neighbours, in whichever direction it runs."""
    candidates = [(a, b, data) for data in network.get_edge_data(a, b, default={}).values()]
    candidates += [(b, a, data) for data in network.get_edge_data(b, a, default={}).values()]
    source, target, data = max(candidates, key=lambda c: (_source_count(c[2]), str(c[2])))
    return Step(
        start=a,
        start_label=str(network.nodes[a].get("label", a)),
        relation=str(data.get("label", "")),
        end=b,
        end_label=str(network.nodes[b].get("label", b)),
        forward=source == a and target == b,
        sources=str(data.get("sources", "")),
        claims=str(data.get("claims", "")),
    )
