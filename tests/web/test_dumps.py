"""The dumps of each store version: the dataset formats read back to the store's quads;
served from the store's folder, compressed to a client that accepts gzip and unpacked to one
that does not, with validators; and nothing left behind by a server over a graph held in
memory."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.store.dumps import DATASET_DUMPS, DUMPS_FOLDER, ensure_dump
from imet_kg.store.persistent import open_store
from imet_kg.web.app import create_app


def test_a_dataset_dump_holds_every_quad(analyst_store: Path, layout: Layout) -> None:
    graph = open_store(analyst_store, layout)
    folder = analyst_store / DUMPS_FOLDER
    expected = set(graph.store.quads_for_pattern(None, None, None))
    for name, rdf_format in DATASET_DUMPS.items():
        path = ensure_dump(graph, folder, name, layout)
        assert path == folder / name
        assert set(ox.parse(gzip.decompress(path.read_bytes()), rdf_format)) == expected, name


def test_dumps_are_served_from_the_store_s_folder(analyst_store: Path, layout: Layout) -> None:
    graph = open_store(analyst_store, layout)
    with TestClient(create_app(graph, layout, query_processes=1)) as client:
        as_file = client.get("/dumps/imet-kg.nq.gz")
        packed = (analyst_store / DUMPS_FOLDER / "imet-kg.nq.gz").read_bytes()
        assert as_file.headers["content-type"] == "application/gzip"
        assert as_file.content == packed
        # the dataset itself: compressed on the wire for a client that accepts gzip
        wire = client.get("/dumps/imet-kg.nq", headers={"Accept-Encoding": "gzip"})
        assert wire.headers["content-encoding"] == "gzip"
        assert wire.headers["content-type"].startswith("application/n-quads")
        assert int(wire.headers["content-length"]) == len(packed)
        assert wire.content == gzip.decompress(packed)  # the client unpacks it
        plain = client.get("/dumps/imet-kg.nq", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == gzip.decompress(packed)
        # validators: a current copy is not sent again
        etag = as_file.headers["etag"]
        again = client.get("/dumps/imet-kg.nq.gz", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert as_file.headers["cache-control"] == "public, max-age=3600"
    assert not any(
        path.name.endswith(".partial") for path in (analyst_store / DUMPS_FOLDER).iterdir()
    )


def test_a_server_over_a_graph_in_memory_leaves_nothing_behind(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    app = create_app(graph, layout, query_processes=1)
    with TestClient(app) as client:
        response = client.get("/dumps/imet-kg.trig", headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200
        folder = app.state.site.dump_dir
        assert (folder / "imet-kg.trig.gz").is_file()
        assert len(list(ox.parse(response.content, ox.RdfFormat.TRIG))) == len(graph.store)
    assert not folder.exists()


def test_a_triple_format_is_kept_compressed_after_its_first_request(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    app = create_app(graph, layout, query_processes=1)
    with TestClient(app) as client:
        packed = client.get("/dumps/imet-kg.ttl.gz")
        assert packed.headers["content-type"] == "application/gzip"
        turtle = gzip.decompress(packed.content)

        def named(quads: Iterable[ox.Quad]) -> set[ox.Triple]:  # a parse relabels blank nodes
            return {
                q.triple
                for q in quads
                if not isinstance(q.subject, ox.BlankNode)
                and not isinstance(q.object, ox.BlankNode)
            }

        parsed = list(ox.parse(turtle, ox.RdfFormat.TURTLE))
        assert named(parsed) == named(graph.store.quads_for_pattern(None, None, None))
        assert len(parsed) == len(graph)
        plain = client.get("/dumps/imet-kg.ttl", headers={"Accept-Encoding": "identity"})
        assert plain.headers["content-type"].startswith("text/turtle")
        assert plain.content == turtle
        folder = app.state.site.dump_dir
        assert sorted(path.name for path in folder.iterdir() if path.name != ".lock") == [
            "imet-kg.ttl.gz"
        ]  # no raw export left beside it
