"""The process a build or import starts once it has published a store version: it writes
every dump of that version into the version's folder, each once, read back to what the store
holds, and it ends quietly when a newer version has replaced its own."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.store import dump_writer
from imet_kg.store.dumps import DATASET_DUMPS, DUMPS, DUMPS_FOLDER
from imet_kg.store.persistent import write_store
from imet_kg.store.versions import versions_dir

TRIPLE_FORMATS = {
    "imet-kg.ttl.gz": ox.RdfFormat.TURTLE,
    "imet-kg.nt.gz": ox.RdfFormat.N_TRIPLES,
    "imet-kg.jsonld.gz": ox.RdfFormat.JSON_LD,
    "imet-kg.rdf.gz": ox.RdfFormat.RDF_XML,
}


def named(triples: object) -> set[ox.Triple]:
    """The triples without blank nodes (a parse relabels them)."""
    return {
        t
        for t in triples  # type: ignore[attr-defined]
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }


def test_a_build_leaves_a_process_writing_every_dump(
    graph: KnowledgeGraph, layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(dump_writer.SWITCH)
    target = tmp_path / "store"
    write_store(target, graph, layout, {})
    folder = target.resolve() / DUMPS_FOLDER
    assert set(TRIPLE_FORMATS) | set(DATASET_DUMPS) == set(DUMPS)
    assert dump_writer.wait(300) == [0]
    store = ox.Store.read_only(str(target.resolve()))
    quads = set(store.quads_for_pattern(None, None, None))
    for name, rdf_format in DATASET_DUMPS.items():
        assert set(ox.parse(gzip.decompress((folder / name).read_bytes()), rdf_format)) == quads, (
            name
        )
    union = {q.triple for q in quads}
    for name, rdf_format in TRIPLE_FORMATS.items():
        parsed = [
            q.triple for q in ox.parse(gzip.decompress((folder / name).read_bytes()), rdf_format)
        ]
        assert named(parsed) == named(union), name
        assert len(parsed) == len(graph), name  # each triple once
    log = (folder / dump_writer.LOG).read_text()
    assert [line.split()[-1] for line in log.splitlines()] == list(DUMPS)
    assert not any(p.name.endswith((".partial", ".raw")) for p in folder.iterdir())


def test_a_writer_whose_version_was_replaced_ends_quietly(
    graph: KnowledgeGraph, layout: Layout, tmp_path: Path
) -> None:
    target = tmp_path / "store"
    write_store(target, graph, layout, {})
    first = target.resolve()
    write_store(target, graph, layout, {})  # publishing the second removes the first
    assert not first.exists()
    assert target.resolve().parent == versions_dir(target)
    assert dump_writer.main([str(first), str(layout.root)]) == 0


def test_dumps_can_be_left_to_their_first_request(
    layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(dump_writer.SWITCH, "on-request")
    assert dump_writer.start(tmp_path, layout) is None
    assert not (tmp_path / DUMPS_FOLDER).exists()
