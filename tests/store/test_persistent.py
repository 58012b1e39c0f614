"""The persistent store's manifest: the number of distinct triples is counted as the store is
written, so that opening it (a server starting) does not count two million quads again."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from imet_kg import KnowledgeGraph, Layout, assemble
from imet_kg.store.persistent import open_store, write_store
from imet_kg.store.versions import MANIFEST


def test_the_manifest_counts_the_distinct_triples(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    record = ox.NamedNode("https://w3id.org/imet-kg/id/training/x")
    stated = ox.Triple(record, ox.NamedNode("urn:test:p"), ox.Literal("1"))
    # The same triple in two graphs counts once.
    imports = {
        "https://w3id.org/imet-kg/graph/import/a": [stated],
        "https://w3id.org/imet-kg/graph/import/b": [stated],
    }
    write_store(tmp_path / "store", curated, layout, imports)
    opened = open_store(tmp_path / "store", layout)
    recount = KnowledgeGraph.from_store(opened.store, layout)  # no manifest: counts by query
    assert recount.size is None
    assert len(opened) == len(recount) > len(curated)
    manifest = json.loads((tmp_path / "store" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["triples"] == len(recount)
