"""The store: the knowledge graph in memory (a pyoxigraph store whose named graphs remember
the file each triple came from), the persistent on-disk store that commands open instead of
rebuilding, its versions swapped in without a moment at which there is none, the exports in
the standard RDF formats, and summary statistics.

Contract: everything above reads the graph through `QueryableGraph` (select, construct, ask),
so that the embedded store and a remote one (`imet_kg.remote`) answer the same calls.
Imports only the ground floor.
"""

from __future__ import annotations

from imet_kg.lazy import lazy_exports

TYPE_CHECKING = False

if TYPE_CHECKING:
    from imet_kg.store.formats import EXPORT_FORMATS, export, serialise
    from imet_kg.store.graph import KnowledgeGraph, QueryResult, parse_file
    from imet_kg.store.persistent import add_imports, default_store, open_store
    from imet_kg.store.queryable import QueryableGraph
    from imet_kg.store.stats import GraphStats, compute_stats

_EXPORTS = {
    "KnowledgeGraph": "imet_kg.store.graph",
    "QueryResult": "imet_kg.store.graph",
    "QueryableGraph": "imet_kg.store.queryable",
    "parse_file": "imet_kg.store.graph",
    "open_store": "imet_kg.store.persistent",
    "default_store": "imet_kg.store.persistent",
    "add_imports": "imet_kg.store.persistent",
    "EXPORT_FORMATS": "imet_kg.store.formats",
    "export": "imet_kg.store.formats",
    "serialise": "imet_kg.store.formats",
    "GraphStats": "imet_kg.store.stats",
    "compute_stats": "imet_kg.store.stats",
}

__all__ = [
    "EXPORT_FORMATS",
    "GraphStats",
    "KnowledgeGraph",
    "QueryResult",
    "QueryableGraph",
    "add_imports",
    "compute_stats",
    "default_store",
    "export",
    "open_store",
    "parse_file",
    "serialise",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
