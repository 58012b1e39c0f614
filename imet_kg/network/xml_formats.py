"""GraphML 1.0 and GEXF 1.2 written to their schemas (validated in the tests against the
official XSDs): nodes and edges get ids of their own (n0, e0: a schema's NMTOKEN cannot hold
an IRI, which each node keeps as its `iri` attribute), every attribute is declared once per
kind of element, and numbers are typed as numbers, so that Gephi, igraph, graphology and
NetworkX read weights, students and costs as the quantities they are."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
GEXF = "http://www.gexf.net/1.2draft"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

Value = str | int | float | bool


def _kind(values: Iterable[object]) -> str:
    """The widest type of an attribute's values: boolean, integer, double or string."""
    kinds = set()
    for value in values:
        if isinstance(value, bool):
            kinds.add("boolean")
        elif isinstance(value, int):
            kinds.add("integer")
        elif isinstance(value, float):
            kinds.add("double")
        else:
            kinds.add("string")
    if kinds <= {"boolean"} and kinds:
        return "boolean"
    if kinds <= {"integer"} and kinds:
        return "integer"
    if kinds <= {"integer", "double"} and kinds:
        return "double"
    return "string"


def _text(value: object, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))  # type: ignore[arg-type]
    return str(value)


def _attributes(items: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """Each attribute name with its type, in first-seen order."""
    seen: dict[str, list[object]] = {}
    for data in items:
        for key, value in data.items():
            seen.setdefault(key, []).append(value)
    return {key: _kind(values) for key, values in seen.items()}


def _ids(network: nx.MultiDiGraph) -> dict[object, str]:
    return {node: f"n{index}" for index, node in enumerate(network.nodes)}


_GRAPHML_TYPES = {"boolean": "boolean", "integer": "long", "double": "double", "string": "string"}


def graphml(network: nx.MultiDiGraph) -> bytes:
    """The projection as GraphML: keys g_*, n_* and e_* for graph, node and edge attributes."""
    ET.register_namespace("", GRAPHML)
    ET.register_namespace("xsi", _XSI)
    root = ET.Element(
        f"{{{GRAPHML}}}graphml",
        {
            f"{{{_XSI}}}schemaLocation": f"{GRAPHML} {GRAPHML}/1.0/graphml.xsd",
        },
    )
    domains = {
        "graph": ("g", _attributes([network.graph])),
        "node": ("n", _attributes(data for _, data in network.nodes(data=True))),
        "edge": ("e", _attributes(data for _, _, data in network.edges(data=True))),
    }
    for domain, (prefix, attributes) in domains.items():
        for name, kind in attributes.items():
            ET.SubElement(
                root,
                f"{{{GRAPHML}}}key",
                {
                    "id": f"{prefix}_{name}",
                    "for": domain,
                    "attr.name": name,
                    "attr.type": _GRAPHML_TYPES[kind],
                },
            )
    graph = ET.SubElement(root, f"{{{GRAPHML}}}graph", {"id": "G", "edgedefault": "directed"})

    def data(parent: ET.Element, domain: str, values: Mapping[str, object]) -> None:
        prefix, attributes = domains[domain]
        for name, value in values.items():
            element = ET.SubElement(parent, f"{{{GRAPHML}}}data", {"key": f"{prefix}_{name}"})
            element.text = _text(value, attributes[name])

    data(graph, "graph", network.graph)
    ids = _ids(network)
    for node, values in network.nodes(data=True):
        data(ET.SubElement(graph, f"{{{GRAPHML}}}node", {"id": ids[node]}), "node", values)
    for index, (source, target, values) in enumerate(network.edges(data=True)):
        edge = ET.SubElement(
            graph,
            f"{{{GRAPHML}}}edge",
            {"id": f"e{index}", "source": ids[source], "target": ids[target]},
        )
        data(edge, "edge", values)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def gexf(network: nx.MultiDiGraph) -> bytes:
    """The projection as GEXF 1.2: the graph's name and summary in its meta, node labels as
    GEXF labels, an edge's `weight` as its GEXF weight, and every attribute declared."""
    ET.register_namespace("", GEXF)
    ET.register_namespace("xsi", _XSI)
    root = ET.Element(
        f"{{{GEXF}}}gexf",
        {
            "version": "1.2",
            f"{{{_XSI}}}schemaLocation": f"{GEXF} http://www.gexf.net/1.2draft/gexf.xsd",
        },
    )
    meta = ET.SubElement(root, f"{{{GEXF}}}meta")
    ET.SubElement(meta, f"{{{GEXF}}}creator").text = "imet-kg"
    ET.SubElement(meta, f"{{{GEXF}}}keywords").text = str(network.graph.get("name", ""))
    ET.SubElement(meta, f"{{{GEXF}}}description").text = str(network.graph.get("summary", ""))
    graph = ET.SubElement(
        root, f"{{{GEXF}}}graph", {"defaultedgetype": "directed", "mode": "static"}
    )
    node_attributes = _attributes(data for _, data in network.nodes(data=True))
    edge_attributes = _attributes(data for _, _, data in network.edges(data=True))
    for kind, attributes in (("node", node_attributes), ("edge", edge_attributes)):
        declared = ET.SubElement(graph, f"{{{GEXF}}}attributes", {"class": kind, "mode": "static"})
        for index, (name, value_kind) in enumerate(attributes.items()):
            ET.SubElement(
                declared,
                f"{{{GEXF}}}attribute",
                {"id": f"{kind[0]}{index}", "title": name, "type": value_kind},
            )

    def values(
        parent: ET.Element, kind: str, attributes: dict[str, str], data: Mapping[str, object]
    ) -> None:
        present = [(i, n, k) for i, (n, k) in enumerate(attributes.items()) if n in data]
        if not present:
            return
        holder = ET.SubElement(parent, f"{{{GEXF}}}attvalues")
        for index, name, value_kind in present:
            ET.SubElement(
                holder,
                f"{{{GEXF}}}attvalue",
                {"for": f"{kind[0]}{index}", "value": _text(data[name], value_kind)},
            )

    ids = _ids(network)
    nodes = ET.SubElement(graph, f"{{{GEXF}}}nodes")
    for node, data in network.nodes(data=True):
        element = ET.SubElement(
            nodes, f"{{{GEXF}}}node", {"id": ids[node], "label": str(data.get("label", node))}
        )
        values(element, "node", node_attributes, data)
    edges = ET.SubElement(graph, f"{{{GEXF}}}edges")
    for index, (source, target, data) in enumerate(network.edges(data=True)):
        attributes = {"id": f"e{index}", "source": ids[source], "target": ids[target]}
        if isinstance(data.get("weight"), int | float):
            attributes["weight"] = repr(float(data["weight"]))
        if "label" in data:
            attributes["label"] = str(data["label"])
        element = ET.SubElement(edges, f"{{{GEXF}}}edge", attributes)
        values(element, "edge", edge_attributes, data)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"
