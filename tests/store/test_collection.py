"""Writing a store holds Python's cycle collector off while the statements are read and the
new store is checked, and puts it back as it was, whether the write succeeds or fails."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout, assemble
from imet_kg.store.persistent import write_store

GRAPH = "https://w3id.org/imet-kg/graph/import/a"


def statements(seen: list[bool]) -> Iterator[ox.Triple]:
    seen.append(gc.isenabled())
    yield ox.Triple(ox.NamedNode("https://example.org/a"), ox.NamedNode("urn:p"), ox.Literal("1"))
    seen.append(gc.isenabled())


def test_the_collector_is_off_while_a_store_is_written(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    seen: list[bool] = []

    def check(_graph: KnowledgeGraph) -> None:
        seen.append(gc.isenabled())

    assert gc.isenabled()
    write_store(tmp_path / "store", curated, layout, {GRAPH: statements(seen)}, check=check)
    assert seen == [False, False, False]
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_failed_write(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)

    def refuse(_graph: KnowledgeGraph) -> None:
        assert not gc.isenabled()
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        write_store(tmp_path / "store", curated, layout, {GRAPH: statements([])}, check=refuse)
    assert gc.isenabled()


def test_a_collector_already_off_stays_off(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    gc.disable()
    try:
        write_store(tmp_path / "store", curated, layout, {GRAPH: statements([])})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_a_write_keeps_is_moved_to_the_oldest_generation(
    layout: Layout, tmp_path: Path
) -> None:
    curated, _ = assemble(layout)
    kept: list[list[object]] = []

    def keeping() -> Iterator[ox.Triple]:
        kept.append([])  # made during the write, alive after it
        yield from statements([])

    write_store(tmp_path / "store", curated, layout, {GRAPH: keeping()})
    assert any(item is kept[0] for item in gc.get_objects(generation=2))
    assert not any(item is kept[0] for item in gc.get_objects(generation=0))


def test_a_cycle_made_during_a_write_is_still_collected(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    refs: list[weakref.ref[Node]] = []

    def cycling() -> Iterator[ox.Triple]:
        node = Node()
        node.next = node
        refs.append(weakref.ref(node))
        yield from statements([])

    write_store(tmp_path / "store", curated, layout, {GRAPH: cycling()})
    gc.collect()
    assert refs[0]() is None


def test_objects_the_caller_froze_stay_frozen(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        write_store(tmp_path / "store", curated, layout, {GRAPH: statements([])})
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


class Node:
    next: Node | None = None
