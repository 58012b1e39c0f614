"""The persistent store's manifest: the number of distinct triples is counted as the store is
written, so that opening it (a server starting) does not count two million quads again."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout, assemble
from imet_kg.errors import ImetKgError
from imet_kg.namespaces import GRAPH
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


def test_the_new_store_is_closed_before_it_is_published(layout: Layout, tmp_path: Path) -> None:
    """Whatever the check keeps of the graph it is given (here the graph itself, and a cycle
    that only a collection would free), the store is closed before it is published: one
    left open for writing in the process would go on compacting, removing files under the
    published version's readers."""
    curated, _ = assemble(layout)
    kept: list[object] = []

    def keeping(graph: KnowledgeGraph) -> None:
        kept.append(graph)
        cycle: list[object] = [graph.store]
        cycle.append(cycle)

    gc.disable()  # as a long-running process between its collections
    try:
        write_store(tmp_path / "store", curated, layout, {}, check=keeping)
        # The store's lock is free: a writer would be refused while the new store was open.
        ox.Store(str((tmp_path / "store").resolve()))
    finally:
        gc.enable()


def test_a_store_the_check_still_holds_is_not_published(layout: Layout, tmp_path: Path) -> None:
    curated, _ = assemble(layout)
    kept: list[ox.Store] = []
    with pytest.raises(ImetKgError, match="still held open"):
        write_store(tmp_path / "store", curated, layout, {}, check=lambda g: kept.append(g.store))
    assert not (tmp_path / "store").exists()


def test_an_opened_store_maps_its_graphs_back_to_their_files(
    layout: Layout, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    project = layout.curated_files()
    (mine / "analyst-notes.ttl").write_text("", encoding="utf-8")
    (mine / project[0].name).write_text("", encoding="utf-8")  # a stem the project has too
    stems = [*(path.stem for path in project), "analyst-notes", "gone"]
    store = ox.Store()
    thing = ox.NamedNode("urn:test:thing")
    for name in [*(f"curated/{stem}" for stem in stems), "ontology/imet", "import/fmtr-x"]:
        store.add(ox.Quad(thing, thing, thing, ox.NamedNode(f"{GRAPH}{name}")))

    graph = KnowledgeGraph.from_store(store, Layout(layout.root, extra=(mine,)))

    assert graph.origins == {
        **{f"{GRAPH}curated/{path.stem}": path for path in project},  # the project's first
        f"{GRAPH}curated/analyst-notes": mine / "analyst-notes.ttl",
        f"{GRAPH}curated/gone": layout.graph_dir / "gone.ttl",  # where it would be
        f"{GRAPH}ontology/imet": layout.ontology_dir / "imet.ttl",
    }


def test_a_store_opens_only_when_built_from_the_curated_files_as_they_are(
    project_copy: Layout, tmp_path: Path
) -> None:
    """The files' sizes and times as the manifest recorded them are enough; touched files are
    compared by content, and changed content refuses the store."""
    curated, _ = assemble(project_copy)
    write_store(tmp_path / "store", curated, project_copy, {})
    manifest = json.loads((tmp_path / "store" / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["curated_stamp"]) == len(manifest_files(project_copy))
    assert open_store(tmp_path / "store", project_copy).size == manifest["triples"]
    touched = project_copy.ontology_file
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    assert open_store(tmp_path / "store", project_copy).size == manifest["triples"]
    text = touched.read_text(encoding="utf-8")
    touched.write_text(text.replace("IMET", "IMET ", 1), encoding="utf-8")
    with pytest.raises(ImetKgError, match="built from other curated files"):
        open_store(tmp_path / "store", project_copy)


def manifest_files(layout: Layout) -> list[Path]:
    rules = sorted(layout.rules_dir.glob("*.rq"))
    return [layout.ontology_file, *layout.curated_files(), *rules]
