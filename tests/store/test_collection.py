"""Writing a store holds Python's cycle collector off while the statements are read and the
new store is checked, and puts it back as it was, whether the write succeeds or fails."""

from __future__ import annotations

import gc
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
