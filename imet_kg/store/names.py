"""The index of names: every label, code and IRI slug of every entity, normalised (spacing and
case folded), kept as triples in a named graph of its own and rebuilt whenever a store or the
curated graph is written, so that turning a user's words into an entity is one exact lookup
in the store's own index rather than a scan that lower-cases every label."""

from __future__ import annotations

import pyoxigraph as ox

from imet_kg.namespaces import GRAPH, INDEX
from imet_kg.sparql import internal_query

INDEX_GRAPH = f"{GRAPH}index/names"
KEY = f"{INDEX}key"


def name_key(text: str) -> str:
    """A name as the index keeps it: runs of white space as one space, case folded."""
    return " ".join(text.split()).casefold()


def index_names(store: ox.Store) -> int:
    """Rebuild the index of names over everything else in the store; the number of keys."""
    graph = ox.NamedNode(INDEX_GRAPH)
    if graph in set(store.named_graphs()):
        store.remove_graph(graph)
    rows = store.query(internal_query("entity-name-keys"), use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    key = ox.NamedNode(KEY)
    quads = {
        ox.Quad(row["entity"], key, ox.Literal(name_key(row["name"].value)), graph)
        for row in rows
        if isinstance(row["entity"], ox.NamedNode) and row["name"] is not None
    }
    store.bulk_extend(quads)  # the store is being written: no transaction needed
    return len(quads)
