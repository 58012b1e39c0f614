"""The request bodies of a push: a graph's N-Triples split out of the store's N-Quads dump are
the bytes the store serialises for it, cut into the same batches with the same digests; a
dump that does not match the store is not used; blank nodes are found wherever a write cuts
the text, and never in a literal."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from imet_kg import Layout
from imet_kg.remote.bodies import Body, _Writer, from_store, split_dump
from imet_kg.remote.client import RemoteGraph
from imet_kg.remote.pushing import _graph_sizes, push
from imet_kg.store.dumps import DUMPS_FOLDER, NQUADS_DUMP, ensure_dump
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.store.persistent import open_store

from .engines import Engine
from .test_remote import counts


@pytest.fixture
def dumped(sliced_store: Path, layout: Layout, tmp_path: Path) -> KnowledgeGraph:
    """A copy of a store of records, with its N-Quads dump written."""
    copy = tmp_path / "store"
    shutil.copytree(sliced_store.resolve(), copy)
    graph = open_store(copy, layout)
    ensure_dump(graph, copy / DUMPS_FOLDER, NQUADS_DUMP, layout)
    return graph


def read(body: Body) -> bytes:
    body.file.seek(0)
    return body.file.read()


def test_a_graph_split_from_the_dump_is_what_the_store_serialises(
    dumped: KnowledgeGraph,
) -> None:
    sizes = _graph_sizes(dumped)
    split = dict(split_dump(dumped, sizes, batch=500))
    assert set(split) == set(sizes)
    for name, body in split.items():
        serialised = from_store(dumped, name, batch=500)
        with body.file, serialised.file:
            assert body.triples == serialised.triples == sizes[name], name
            assert body.starts == serialised.starts, name
            assert body.blank_nodes == serialised.blank_nodes, name
            content = read(body)
            assert content == read(serialised), name
            for span in body.batches():
                part = content[span.start : span.end]
                assert part.count(b"\n") == span.last - span.first
                assert hashlib.sha256(content[: span.end]).hexdigest() == span.digest
            assert len(body.batches()) == -(-body.triples // 500)
    assert split["https://w3id.org/imet-kg/graph/curated/statistics"].blank_nodes
    assert not split["https://w3id.org/imet-kg/graph/import/fmtr"].blank_nodes


def test_push_sends_the_graphs_split_from_the_dump(dumped: KnowledgeGraph, server: Engine) -> None:
    report = push(dumped, server.graph_store)
    assert report.from_dump == len(report.graphs)
    expected = _graph_sizes(dumped)
    assert report.graphs == expected
    assert counts(RemoteGraph(server.query_endpoint), expected) == expected


def rewrite_dump(graph: KnowledgeGraph, change: Callable[[list[bytes]], bytes]) -> None:
    assert graph.location is not None
    dump = graph.location / DUMPS_FOLDER / NQUADS_DUMP
    lines = gzip.decompress(dump.read_bytes()).splitlines(keepends=True)
    dump.write_bytes(gzip.compress(change(lines)))


def graph_of_line(lines: list[bytes], index: int) -> str:
    return lines[index].rsplit(b" ", 2)[-2][1:-1].decode()


CHANGES: dict[str, Callable[[list[bytes]], bytes]] = {
    "apart": lambda lines: b"".join(lines[1:] + lines[:1]),  # a graph's first line moved last
    "short": lambda lines: b"".join(lines[:-1]),
    "cut": lambda lines: b"".join(lines)[:-10],  # ends inside a line
    "default-graph": lambda lines: b"".join([*lines, b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_graph_the_dump_does_not_hold_as_the_store_does_is_left_out(
    dumped: KnowledgeGraph, change: str
) -> None:
    """Each graph split out is the store's; the one the change spoilt is left out (the push
    serialises it from the store)."""
    assert dumped.location is not None
    dump = dumped.location / DUMPS_FOLDER / NQUADS_DUMP
    lines = gzip.decompress(dump.read_bytes()).splitlines(keepends=True)
    spoilt = {
        "apart": {graph_of_line(lines, 0)},
        "short": {graph_of_line(lines, -1)},
        "cut": {graph_of_line(lines, -1)},
        # The split ends at the line it cannot place, and the graph it was splitting then is
        # left out: nothing says that graph's lines had ended.
        "default-graph": {graph_of_line(lines, -1)},
    }[change]
    rewrite_dump(dumped, CHANGES[change])
    sizes = _graph_sizes(dumped)
    split = dict(split_dump(dumped, sizes, batch=500))
    assert set(split) == set(sizes) - spoilt
    for name, body in split.items():
        serialised = from_store(dumped, name, batch=500)
        with body.file, serialised.file:
            assert body.starts == serialised.starts, name


def test_a_dump_not_written_yet_is_not_used(sliced_store: Path, layout: Layout) -> None:
    graph = open_store(sliced_store, layout)
    assert graph.location is not None
    if (graph.location / DUMPS_FOLDER / NQUADS_DUMP).exists():
        pytest.skip("another test wrote this store's dump")
    assert list(split_dump(graph, _graph_sizes(graph), batch=500)) == []


TEXT = (
    b'<urn:x:a> <urn:x:p> "a literal ending in _:b" .\n'
    b'<urn:x:a> <urn:x:p> "_:c"@en .\n'
    b'<urn:x:a> <urn:x:p> "x _:d"^^<urn:x:t> .\n'
    b"<urn:x:a> <urn:x:p> <urn:x:_:e> .\n"
)


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        (TEXT, False),
        (TEXT + b"_:s <urn:x:p> <urn:x:o> .\n", True),
        (TEXT + b"<urn:x:s> <urn:x:p> _:o .\n", True),
        (b"_:s <urn:x:p> <urn:x:o> .\n" + TEXT, True),
    ],
)
@pytest.mark.parametrize("piece", [1, 7, 1 << 20])
def test_blank_nodes_and_batches_wherever_the_writes_cut(
    text: bytes, blank: bool, piece: int
) -> None:
    writer = _Writer(io.BytesIO(), batch=2)
    for at in range(0, len(text), piece):
        writer.write(text[at : at + piece])
    body = writer.body()
    assert body.blank_nodes is blank
    assert body.triples == text.count(b"\n")
    ends = [i + 1 for i, byte in enumerate(text) if byte == ord("\n")]
    assert [start.byte for start in body.starts] == [0, *ends[1::2], *ends[len(ends) // 2 * 2 :]]
    assert body.starts[-1].digest == hashlib.sha256(text).hexdigest()
