"""Exports re-read with NetworkX into the same network; measures and sourced paths."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from imet_kg import ImetKgError, KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.network.analysis import network_stats, shortest_connection
from imet_kg.network.formats import NETWORK_FORMATS, write_network
from imet_kg.network.projections import project

ID = "https://w3id.org/imet-kg/id/"


@pytest.fixture(scope="module")
def full(graph: KnowledgeGraph, layout: Layout) -> nx.MultiDiGraph:
    return project(graph, layout, "full")


def reread(path: Path, network_format: str) -> nx.MultiDiGraph:
    if network_format in ("graphml", "gexf"):
        read = nx.read_graphml if network_format == "graphml" else nx.read_gexf
        network = read(path)  # nodes are n0, n1...: each keeps its IRI as an attribute
        return nx.relabel_nodes(network, {n: d["iri"] for n, d in network.nodes(data=True)})
    if network_format == "json":
        import json

        return nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    dot = nx.nx_pydot.read_dot(path)
    # pydot keeps the quotes of quoted names and values.
    strip = {node: node.strip('"') for node in dot}
    dot = nx.relabel_nodes(dot, strip)
    for _, data in dot.nodes(data=True):
        for key, value in list(data.items()):
            data[key] = str(value).strip('"')
    for _, _, data in dot.edges(data=True):
        for key, value in list(data.items()):
            data[key] = str(value).strip('"')
    return dot


def signature(network: nx.MultiDiGraph) -> tuple[object, ...]:
    nodes = sorted(
        (str(n), str(d.get("label")), str(d.get("type"))) for n, d in network.nodes(data=True)
    )
    edges = sorted(
        (str(s), str(t), str(d.get("label")), str(d.get("sources", "")))
        for s, t, d in network.edges(data=True)
    )
    return (tuple(nodes), tuple(edges))


@pytest.mark.parametrize("network_format", NETWORK_FORMATS)
def test_export_rereads_as_the_same_network(
    full: nx.MultiDiGraph, tmp_path: Path, network_format: str
) -> None:
    path = write_network(full, network_format, tmp_path / f"full.{network_format}")
    again = reread(path, network_format)
    assert again.number_of_nodes() == full.number_of_nodes()
    assert again.number_of_edges() == full.number_of_edges()
    assert signature(again) == signature(full)


def test_cli_export_graphml_opens_with_labels(tmp_path: Path) -> None:
    output = tmp_path / "a.graphml"
    result = CliRunner().invoke(
        cli, ["network", "export", "agencies", "--format", "graphml", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    network = nx.read_graphml(output)
    labels = {data["iri"]: data["label"] for _, data in network.nodes(data=True)}
    assert labels[f"{ID}agency/dsca"] == "Defense Security Cooperation Agency"


def test_stats_rank_the_programme_first(graph: KnowledgeGraph, layout: Layout) -> None:
    stats = network_stats(project(graph, layout, "agencies"))
    assert (stats.nodes, stats.edges, stats.components) == (14, 18, 1)
    assert stats.measures[0].iri == f"{ID}programme/imet"
    assert stats.measures[0].degree == 13
    result = CliRunner().invoke(
        cli, ["network", "stats", "agencies", "--format", "json", "--top", "3"]
    )
    assert result.exit_code == 0
    import json

    document = json.loads(result.output)
    assert len(document["measures"]) == 3
    assert document["measures"][0]["label"] == "International Military Education and Training"


def test_shortest_connection_is_sourced(full: nx.MultiDiGraph) -> None:
    steps = shortest_connection(full, f"{ID}agency/dos", f"{ID}school/whinsec")
    assert [step.start for step in steps] == [f"{ID}agency/dos", f"{ID}programme/imet"]
    assert steps[-1].end == f"{ID}school/whinsec"
    assert steps[1].forward is False
    assert steps[1].relation == "teaches students of"
    assert all(step.sources for step in steps)


def test_no_connection_is_an_error(full: nx.MultiDiGraph) -> None:
    with pytest.raises(ImetKgError, match="no connection"):
        shortest_connection(full, f"{ID}agency/usasac", f"{ID}agency/dos")


def test_cli_path_prints_a_sourced_chain() -> None:
    result = CliRunner().invoke(
        cli,
        ["path", "Department of State", "Western Hemisphere Institute for Security Cooperation"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. United States Department of State --")
    assert (
        "<--teaches students of-- Western Hemisphere Institute for Security Cooperation"
        in result.output
    )
    assert "sources: 003_acfba072ead0065f.txt" in result.output
    unknown = CliRunner().invoke(cli, ["path", "Narnia", "PK"])
    assert unknown.exit_code == 2
    assert "Narnia" in unknown.output


def test_fewest_hops_win_over_better_sourced_longer_paths() -> None:
    """Three single-source hops against four hops of ten sources each: the three hops win
    (with a tie-breaker worth up to half a hop each, the four were chosen)."""
    import networkx as nx

    network = nx.MultiDiGraph(name="test")
    many = ", ".join(f"s{n}" for n in range(10))
    for a, b in [("a", "b"), ("b", "c"), ("c", "z")]:
        network.add_edge(a, b, label="one", sources="s0")
    for a, b in [("a", "p"), ("p", "q"), ("q", "r"), ("r", "z")]:
        network.add_edge(a, b, label="many", sources=many)
    steps = shortest_connection(network, "a", "z")
    assert [step.end for step in steps] == ["b", "c", "z"]
    # between paths of equal length, the better-sourced one
    network.add_edge("a", "m", label="many", sources=many)
    network.add_edge("m", "c", label="many", sources=many)
    assert [step.end for step in shortest_connection(network, "a", "z")] == ["m", "c", "z"]
