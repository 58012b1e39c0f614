"""The load hands a caller's `passed` the moment every statement has gone to the store, the
index of names included, while the store is still writing them; once, and not on failure."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from imet_kg.namespaces import SKOS
from imet_kg.store.loading import Statement, load_statements
from imet_kg.store.names import INDEX_GRAPH, NameIndex

GRAPH = "https://w3id.org/imet-kg/graph/import/a"
LABEL = ox.NamedNode(f"{SKOS}prefLabel")


def statements(handed: list[Statement], count: int) -> Iterator[Statement]:
    for number in range(count):
        statement = (ox.NamedNode(f"urn:ex:{number}"), LABEL, ox.Literal(f"name {number}"))
        handed.append(statement)
        yield statement


def test_passed_is_called_once_after_every_statement_and_index_key() -> None:
    store = ox.Store()
    handed: list[Statement] = []
    keys: list[ox.Quad] = []

    def see(quads: object) -> Iterator[ox.Quad]:
        for quad in quads:  # type: ignore[attr-defined]
            if quad.graph_name == ox.NamedNode(INDEX_GRAPH):
                keys.append(quad)
            yield quad

    calls: list[tuple[int, int]] = []
    counts = load_statements(
        store,
        {GRAPH: statements(handed, 500)},
        names=NameIndex(),
        see=see,
        passed=lambda: calls.append((len(handed), len(keys))),
    )
    assert counts == {GRAPH: 500}
    assert calls == [(500, len(keys))]
    assert len(keys) == 500
    assert len(store) == 1000


def test_passed_is_not_called_when_the_statements_fail() -> None:
    def failing() -> Iterator[Statement]:
        yield from statements([], 3)
        raise ValueError("row 4 is broken")

    calls: list[int] = []
    with pytest.raises(ValueError, match="row 4"):
        load_statements(ox.Store(), {GRAPH: failing()}, passed=lambda: calls.append(1))
    assert calls == []
