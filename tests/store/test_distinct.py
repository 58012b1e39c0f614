"""The distinct triples of a loaded store, counted from the subjects noted as it was loaded,
held to the count by query (`triple-count.rq`) that they replace."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg.layout import Layout
from imet_kg.sparql import internal_query
from imet_kg.store.distinct import GraphSubjects, distinct_triples
from imet_kg.store.loading import Statement, load_statements
from imet_kg.store.names import INDEX_GRAPH, KEY, NameIndex
from imet_kg.store.persistent import open_store

EX = "https://example.org/"
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


def counted_by_query(store: ox.Store) -> int:
    answer = store.query(internal_query("triple-count"), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return int(next(iter(answer))[0].value)


def loaded(
    graphs: Mapping[str, Sequence[Statement]], first: Sequence[ox.Quad] = ()
) -> tuple[ox.Store, int]:
    store, subjects = ox.Store(), GraphSubjects()
    load_statements(store, graphs, first=first, names=NameIndex(), subjects=subjects)
    return store, distinct_triples(store, subjects)


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def test_a_triple_in_two_graphs_counts_once() -> None:
    shared = (node("a"), node("p"), ox.Literal("1"))
    store, counted = loaded(
        {EX + "g1": [shared], EX + "g2": [shared, (node("b"), node("p"), node("a"))]}
    )
    assert len(store) == 3
    assert counted == counted_by_query(store) == 2


def test_a_triple_stated_twice_in_one_graph_is_held_once() -> None:
    stated = (node("a"), node("p"), ox.Literal("1"))
    store, counted = loaded({EX + "g": [stated, (node("a"), node("q"), node("b")), stated]})
    assert counted == counted_by_query(store) == 2


def test_a_curated_quad_repeated_by_an_import_counts_once() -> None:
    curated = ox.Quad(node("a"), node("p"), node("b"), node("curated"))
    blank = ox.BlankNode()
    first = [curated, ox.Quad(blank, node("p"), ox.Literal("x"), node("curated"))]
    imports: dict[str, list[Statement]] = {
        EX + "g": [(node("a"), node("p"), node("b")), (blank, node("p"), ox.Literal("x"))]
    }
    store, counted = loaded(imports, first)
    assert len(store) == 4
    assert counted == counted_by_query(store) == 2


def test_the_index_of_names_is_compared_with_a_graph_that_states_its_key() -> None:
    """The index's subjects are left out of the comparison only while no other graph states
    its predicate: a graph that repeats one of its triples is compared with it."""
    named = (node("a"), LABEL, ox.Literal("Alpha"))
    key = ox.NamedNode(KEY)
    repeated = (node("a"), key, ox.Literal("alpha"))
    store, counted = loaded({EX + "g": [named, repeated]})
    index = list(store.quads_for_pattern(None, None, None, ox.NamedNode(INDEX_GRAPH)))
    assert ox.Quad(*repeated, ox.NamedNode(INDEX_GRAPH)) in index
    assert counted == counted_by_query(store) == len(store) - 1


def test_triple_terms_and_blank_subjects_in_several_graphs() -> None:
    quoted = ox.Triple(node("a"), node("p"), node("b"))
    blank = ox.BlankNode()
    statements: list[Statement] = [(blank, node("p"), quoted), (node("c"), node("says"), quoted)]
    store, counted = loaded({EX + "g1": statements, EX + "g2": statements[:1]})
    assert counted == counted_by_query(store) == 2


@pytest.mark.parametrize("seed", range(8))
def test_random_graphs_agree_with_the_query(seed: int) -> None:
    """Statements drawn from a few terms into a few graphs, in no order, repeated within and
    across graphs, some naming their subject (so that the index of names has entries)."""
    draw = random.Random(seed)
    subjects = [node(f"s{i}") for i in range(6)] + [ox.BlankNode() for _ in range(2)]
    predicates = [node(f"p{i}") for i in range(3)] + [LABEL]
    objects = [node(f"s{i}") for i in range(3)] + [ox.Literal(f"v{i}") for i in range(4)]
    graphs = {
        EX + f"g{g}": [
            (draw.choice(subjects), draw.choice(predicates), draw.choice(objects))
            for _ in range(draw.randrange(1, 40))
        ]
        for g in range(draw.randrange(2, 5))
    }
    *_, last = graphs.values()
    last.append(graphs[EX + "g0"][0])  # at least one triple in two graphs
    first = [
        ox.Quad(draw.choice(subjects), draw.choice(predicates), draw.choice(objects), node("c"))
        for _ in range(draw.randrange(0, 10))
    ]
    store, counted = loaded(graphs, first)
    assert counted == counted_by_query(store)
    assert counted < len(store)


def test_an_import_counts_as_the_query_does(sliced_store: Path, layout: Layout) -> None:
    """The real import's count, recorded in its manifest, with triples the curated rules'
    graphs and the imported entities' graph both state."""
    opened = open_store(sliced_store, layout)
    assert opened.size == counted_by_query(opened.store) < len(opened.store)
