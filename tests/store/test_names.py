"""The index of names: every label, code and IRI slug, normalised, in a named graph rebuilt
whenever the curated graph or a store is written; resolving words reads it, and a store
without one is still resolved, the slow way, to the same entity."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout, assemble
from imet_kg.query.binding import resolve_entity
from imet_kg.query.saved import Parameter
from imet_kg.store.names import INDEX_GRAPH, KEY, name_key
from imet_kg.store.persistent import open_store, write_store

ID = "https://w3id.org/imet-kg/id/"
ENTITY = Parameter("entity", "entity")


def keys_of(graph: KnowledgeGraph, iri: str) -> set[str]:
    quads = graph.store.quads_for_pattern(
        ox.NamedNode(iri), ox.NamedNode(KEY), None, ox.NamedNode(INDEX_GRAPH)
    )
    return {q.object.value for q in quads if isinstance(q.object, ox.Literal)}


def test_labels_codes_and_slugs_are_indexed(graph: KnowledgeGraph) -> None:
    assert {"pakistan", "pk"} <= keys_of(graph, f"{ID}country/PK")
    assert "dod" in keys_of(graph, f"{ID}agency/dod")
    assert name_key("  Department \t of   DEFENSE ") == "department of defense"


@pytest.mark.parametrize(
    ("words", "iri"),
    [
        ("Pakistan", "country/PK"),
        ("  department   of DEFENSE", "agency/dod"),
        ("PK", "country/PK"),
        ("dod", "agency/dod"),
    ],
)
def test_words_resolve_through_the_index_and_without_it(
    layout: Layout, graph: KnowledgeGraph, words: str, iri: str
) -> None:
    names = {"country": f"{ID}country/"}
    assert resolve_entity(graph, ENTITY, words, names).value == f"{ID}{iri}"
    unindexed, _ = assemble(layout)
    unindexed.store.remove_graph(ox.NamedNode(INDEX_GRAPH))
    if words.split() == words.split(" "):  # the scan compares case alone, not spacing
        assert resolve_entity(unindexed, ENTITY, words, names).value == f"{ID}{iri}"


def test_a_written_store_indexes_imported_names_too(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    imported = ox.NamedNode(f"{ID}country/XX")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#hiddenLabel")
    triples = [ox.Triple(imported, label, ox.Literal("Freedonia"))]
    write_store(tmp_path / "store", curated, layout, {"urn:test:import": triples})
    stored = open_store(tmp_path / "store", layout)
    assert "freedonia" in keys_of(stored, f"{ID}country/XX")
    assert "pakistan" in keys_of(stored, f"{ID}country/PK")
