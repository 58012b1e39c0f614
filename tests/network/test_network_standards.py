"""GraphML and GEXF exports against the official schemas (../shared/standards/xsd), and read
back by NetworkX and igraph with every node, edge and attribute as written: unique ids, one
key per attribute and kind of element, numbers typed as numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.network.formats import network_bytes
from imet_kg.network.projections import project

from ..conftest import ROOT

XSD = ROOT.parent / "shared" / "standards" / "xsd"
SCHEMAS = {
    "graphml": XSD / "graphml" / "graphml.xsd",
    "gexf": XSD / "gexf" / "1.2draft" / "gexf.xsd",
}


@pytest.fixture(scope="module")
def networks(graph: KnowledgeGraph, layout: Layout) -> dict[str, nx.MultiDiGraph]:
    found = {name: project(graph, layout, name) for name in ("agencies", "full")}
    found["weighted"] = weighted()
    return found


def weighted() -> nx.MultiDiGraph:
    """A projection like the training one: numeric edge attributes, parallel edges."""
    network = nx.MultiDiGraph(name="weighted", summary="students by country and school")
    for iri, label in (("https://e.org/a", "A"), ("https://e.org/b#x", "B & <b>")):
        network.add_node(iri, iri=iri, label=label, type="imet:Country")
    network.add_edge(
        "https://e.org/a",
        "https://e.org/b#x",
        weight=12,
        students=12,
        reportedCostUSD=1234.5,
        label="trained at",
        sources="2019-2020",
    )
    network.add_edge(
        "https://e.org/a",
        "https://e.org/b#x",
        weight=3,
        students=3,
        reportedCostUSD=0.0,
        label="trained at",
        sources="2018-2019",
    )
    return network


def write(tmp_path: Path, network: nx.MultiDiGraph, network_format: str) -> Path:
    path = tmp_path / f"{network.graph['name']}.{network_format}"
    path.write_bytes(network_bytes(network, network_format))
    return path


def contents(network: nx.MultiDiGraph, key: str = "iri") -> tuple[Counter[str], Counter[str]]:
    """Every node and edge with all its attributes, by IRI, as comparable text."""
    names = {node: data.get(key, node) for node, data in network.nodes(data=True)}

    def canonical(data: dict[str, object]) -> str:
        kept = {k: v for k, v in data.items() if k not in ("id", "name")}
        return repr(
            sorted((k, float(v) if isinstance(v, int | float) else v) for k, v in kept.items())
        )

    nodes = Counter(canonical(dict(data)) for _, data in network.nodes(data=True))
    edges = Counter(
        f"{names[s]} -> {names[t]} {canonical(dict(d))}" for s, t, d in network.edges(data=True)
    )
    return nodes, edges


@pytest.mark.parametrize("network_format", ["graphml", "gexf"])
@pytest.mark.parametrize("name", ["agencies", "full", "weighted"])
def test_export_validates_against_the_official_schema(
    networks: dict[str, nx.MultiDiGraph], tmp_path: Path, network_format: str, name: str
) -> None:
    import xmlschema

    path = write(tmp_path, networks[name], network_format)
    schema = xmlschema.XMLSchema(str(SCHEMAS[network_format]))
    errors = list(schema.iter_errors(str(path)))
    assert errors == [], errors[:3]
    ids = [e.get("id") for e in ET.parse(path).getroot().iter() if e.tag.endswith("}edge")]
    assert len(ids) == len(set(ids)) == networks[name].number_of_edges()


@pytest.mark.parametrize("network_format", ["graphml", "gexf"])
@pytest.mark.parametrize("name", ["agencies", "full", "weighted"])
def test_networkx_reads_back_every_node_edge_and_attribute(
    networks: dict[str, nx.MultiDiGraph], tmp_path: Path, network_format: str, name: str
) -> None:
    network = networks[name]
    path = write(tmp_path, network, network_format)
    read = nx.read_graphml if network_format == "graphml" else nx.read_gexf
    again = read(path)
    assert contents(again) == contents(network)
    if name == "weighted":
        weights = sorted(d["weight"] for _, _, d in again.edges(data=True))
        assert weights == [3, 12]
        assert all(isinstance(d["reportedCostUSD"], float) for _, _, d in again.edges(data=True))


@pytest.mark.parametrize("name", ["agencies", "full", "weighted"])
def test_igraph_reads_graphml_with_numbers_as_numbers(
    networks: dict[str, nx.MultiDiGraph], tmp_path: Path, name: str
) -> None:
    import igraph

    network = networks[name]
    path = write(tmp_path, network, "graphml")
    loaded = igraph.Graph.Read_GraphML(str(path))
    assert loaded.vcount() == network.number_of_nodes()
    assert loaded.ecount() == network.number_of_edges()
    assert sorted(loaded.vs["iri"]) == sorted(d["iri"] for _, d in network.nodes(data=True))
    expected = Counter(
        (network.nodes[s]["iri"], network.nodes[t]["iri"], d.get("label"))
        for s, t, d in network.edges(data=True)
    )
    found = Counter(
        (loaded.vs[e.source]["iri"], loaded.vs[e.target]["iri"], e["label"]) for e in loaded.es
    )
    assert found == expected
    if name == "weighted":
        assert sorted(loaded.es["weight"]) == [3.0, 12.0]
        assert loaded.strength(mode="out", weights="weight")[0] == 15.0
