"""Network projections: named views of the graph as NetworkX multigraphs, each defined by a
SPARQL file in `queries/projections/` that returns one row per edge.

The query returns `?source ?target ?relation ?relationLabel` and, optionally, more columns
(`?claims`, `?sources`, `?date`, ...) that become edge attributes; a row with no `?target`
adds a lone node. Nodes carry their IRI, label and most specific class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.namespaces import XSD, prefixes
from imet_kg.query.saved import SavedQuery, parse_saved_query
from imet_kg.sparql import internal_query
from imet_kg.store.queryable import QueryableGraph
from imet_kg.terms import OxTerm, compact

if TYPE_CHECKING:
    import networkx as nx

    # A projection: nodes keyed by IRI, one edge per relation and direction, with its sources.
    Projection = nx.MultiDiGraph

REQUIRED_COLUMNS = ("source", "target", "relation", "relationLabel")


@dataclass(frozen=True)
class NodeInfo:
    iri: str
    label: str
    type: str
    type_label: str
    family: str


def projection_queries(layout: Layout) -> dict[str, SavedQuery]:
    """The projections by name, each read from its file in queries/projections/."""
    folder = layout.queries_dir / "projections"
    return {path.stem: parse_saved_query(path) for path in sorted(folder.glob("*.rq"))}


def projection_query(layout: Layout, name: str) -> SavedQuery:
    queries = projection_queries(layout)
    if name not in queries:
        raise ImetKgError(f"no projection named {name!r}; known projections: {', '.join(queries)}")
    return queries[name]


def node_info(graph: QueryableGraph, names: dict[str, str]) -> dict[str, NodeInfo]:
    """Label and most specific class of every entity (the first class when it has several)."""
    info: dict[str, NodeInfo] = {}
    for row in graph.select(internal_query("entity-types")).dicts():
        entity, label, type_, type_label, family = (
            row["entity"],
            row["label"],
            row["type"],
            row["typeLabel"],
            row["family"],
        )
        if not isinstance(entity, ox.NamedNode) or entity.value in info:
            continue
        info[entity.value] = NodeInfo(
            iri=entity.value,
            label=label.value if label is not None else compact(entity.value, names),
            type=compact(type_.value, names) if type_ is not None else "",
            type_label=type_label.value if type_label is not None else "",
            family=compact(family.value, names) if family is not None else "",
        )
    return info


def project(graph: QueryableGraph, layout: Layout, name: str) -> nx.MultiDiGraph:
    """The named projection as a directed multigraph keyed by node IRI."""
    import networkx as nx

    query = projection_query(layout, name)
    result = graph.query(query.sparql, origin=str(query.path))
    if isinstance(result, (bool, list)):
        raise ImetKgError(f"{query.path}: a projection must be a SELECT query")
    missing = [column for column in REQUIRED_COLUMNS if column not in result.variables]
    if missing:
        raise ImetKgError(f"{query.path}: the projection must select ?{missing[0]}")
    names = prefixes(layout.context_file)
    nodes = node_info(graph, names)
    network = nx.MultiDiGraph(name=name, summary=query.summary)

    def add_node(iri: str) -> None:
        if iri in network:
            return
        known = nodes.get(iri)
        network.add_node(
            iri,
            iri=iri,
            label=known.label if known else compact(iri, names),
            type=known.type if known else "",
            type_label=known.type_label if known else "",
            family=known.family if known else "",
        )

    for row in result.dicts():
        source, target = row["source"], row["target"]
        if not isinstance(source, ox.NamedNode):
            continue
        add_node(source.value)
        if not isinstance(target, ox.NamedNode):
            continue
        add_node(target.value)
        relation = row["relation"]
        attributes = {
            key: _python(value)
            for key, value in row.items()
            if key not in ("source", "target") and value is not None
        }
        for key, separator in (("sources", ", "), ("claims", " ")):
            if key in attributes:
                listed = str(attributes[key]).split(separator)
                attributes[key] = separator.join(sorted(listed))
        attributes["predicate"] = relation.value if relation is not None else ""
        attributes["label"] = attributes.pop("relationLabel", "")
        attributes.pop("relation", None)
        network.add_edge(source.value, target.value, **attributes)
    return network


_NUMBERS = {
    f"{XSD}{name}": kind
    for kind, names in (
        (int, ("integer", "long", "int", "short", "byte", "nonNegativeInteger")),
        (float, ("decimal", "double", "float")),
    )
    for name in names
}


def _python(term: OxTerm) -> str | int | float:
    """A value of a projection row for an attribute: numbers as numbers, the rest as text."""
    if isinstance(term, ox.Literal):
        kind = _NUMBERS.get(term.datatype.value)
        if kind is not None:
            try:
                return kind(term.value)
            except ValueError:
                return term.value
    return term.value
