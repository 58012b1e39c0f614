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
from imet_kg.store.names import INDEX_GRAPH, KEY, index_names, name_key
from imet_kg.store.persistent import open_store, write_store

ID = "https://w3id.org/imet-kg/id/"
# The names the index holds, as a query over every graph but the index itself.
NAMES_QUERY = Path(__file__).parents[1] / "data" / "names" / "entity-name-keys.rq"
ENTITY = Parameter("entity", "entity")


def keys_of(graph: KnowledgeGraph, iri: str) -> set[str]:
    quads = graph.store.quads_for_pattern(
        ox.NamedNode(iri), ox.NamedNode(KEY), None, ox.NamedNode(INDEX_GRAPH)
    )
    return {q.object.value for q in quads if isinstance(q.object, ox.Literal)}


def index_of(store: ox.Store) -> set[tuple[str, str]]:
    quads = store.quads_for_pattern(None, ox.NamedNode(KEY), None, ox.NamedNode(INDEX_GRAPH))
    return {(q.subject.value, q.object.value) for q in quads}  # type: ignore[union-attr]


def queried(store: ox.Store) -> set[tuple[str, str]]:
    """Each entity's keys, by the query over every graph (the index's own has no names)."""
    rows = store.query(NAMES_QUERY.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return {
        (row["entity"].value, name_key(row["name"].value))
        for row in rows
        if isinstance(row["entity"], ox.NamedNode) and row["name"] is not None
    }


def test_the_index_holds_what_the_query_finds(layout: Layout) -> None:
    """Every kind of value a naming predicate may have (literals in any language, IRIs,
    blank nodes, a blank subject, a quoted triple) and a slug for the project's entities
    with a preferred label, in the default graph too."""
    curated, _ = assemble(layout)
    store = curated.store
    skos = "http://www.w3.org/2004/02/skos/core#"
    entity = ox.NamedNode(f"{ID}agency/test-agency")
    other = ox.NamedNode("urn:example:outside")
    blank = ox.BlankNode()
    for quad in [
        ox.Quad(entity, ox.NamedNode(f"{skos}prefLabel"), ox.BlankNode()),
        ox.Quad(entity, ox.NamedNode(f"{skos}altLabel"), ox.Literal("Test  AGENCY", language="fr")),
        ox.Quad(entity, ox.NamedNode("http://purl.org/dc/terms/identifier"), other),
        ox.Quad(other, ox.NamedNode(f"{skos}prefLabel"), ox.Literal("Outside")),
        ox.Quad(blank, ox.NamedNode(f"{skos}prefLabel"), ox.Literal("Nobody")),
        ox.Quad(other, ox.NamedNode(f"{skos}notation"), ox.Triple(other, other, other)),
        ox.Quad(other, ox.NamedNode(f"{skos}hiddenLabel"), ox.Literal("default graph")),
    ]:
        store.add(quad)
    index_names(store)
    expected = queried(store)
    assert (entity.value, "test-agency") in expected
    assert (entity.value, "test agency") in expected
    assert (entity.value, "urn:example:outside") in expected
    assert (other.value, "default graph") in expected
    assert index_of(store) == expected


def test_a_written_store_indexes_what_the_query_finds(sliced_store: Path, layout: Layout) -> None:
    """The index an import writes as its statements pass is the one the query finds."""
    store = open_store(sliced_store, layout).store
    found = index_of(store)
    assert len(found) > 5_000  # units, countries, agencies, schools...
    assert found == queried(store)


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
