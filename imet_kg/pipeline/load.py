"""Loading the ontology and the curated files into one knowledge graph."""

from __future__ import annotations

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.namespaces import curated_graph, ontology_graph
from imet_kg.store.graph import KnowledgeGraph


def load_project(layout: Layout) -> KnowledgeGraph:
    """The ontology and every curated file, each in a named graph of its own."""
    if not layout.ontology_file.is_file():
        raise ImetKgError(f"{layout.ontology_file}: the ontology file is missing")
    files = layout.curated_files()
    if not files:
        raise ImetKgError(f"{layout.graph_dir}: no curated .ttl files found")
    for folder in layout.extra:
        if not folder.is_dir():
            raise ImetKgError(f"{folder}: no such folder of curated files (--graphs)")
    seen: dict[str, object] = {}
    for path in files:
        if path.stem in seen:
            raise ImetKgError(
                f"{path}: a curated file named {path.stem!r} is already read from "
                f"{seen[path.stem]}; each file of the curated graph needs a name of its own"
            )
        seen[path.stem] = path
    graph = KnowledgeGraph()
    graph.load_file(layout.ontology_file, ontology_graph(layout.ontology_file.stem))
    for path in files:
        graph.load_file(path, curated_graph(path.stem))
    return graph
