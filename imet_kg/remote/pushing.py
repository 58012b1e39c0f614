"""`push`: every named graph of the local store written to a SPARQL 1.1 Graph Store Protocol
endpoint, each replaced by one PUT of the whole graph.

One request a graph: the server replaces the graph in one step (atomically where the
engine makes a request a transaction, as Oxigraph's server does unless told otherwise), a
graph's blank nodes keep their identity, and a re-run after a failure writes each graph
afresh, so nothing is lost or doubled. Each graph is written to a temporary file as
N-Triples first (so that the request has a length every server accepts, and a retry sends
the same bytes), and several graphs travel at once, the largest first, where the engine
takes them: Virtuoso 7's Graph Store Protocol holds two large PUTs in a lock wait that never
ends, so a server that names itself Virtuoso is sent one graph at a time."""

from __future__ import annotations

import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO

import pyoxigraph as ox

from imet_kg.remote.client import NTRIPLES
from imet_kg.remote.protocol import send, server_software
from imet_kg.sparql import internal_query
from imet_kg.store.graph import KnowledgeGraph


@dataclass
class PushReport:
    """What was written: triples per named graph, and the requests it took."""

    graphs: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    bytes: int = 0
    concurrent: int = 1  # graphs sent at once

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def push(
    graph: KnowledgeGraph,
    graph_store: str,
    *,
    batch_size: int = 50_000,
    progress: Callable[[int], None] | None = None,
    concurrent: int | None = None,
    timeout: float = 600.0,
    parameters: dict[str, str] | None = None,
) -> PushReport:
    """Replace every named graph of `graph` at the Graph Store Protocol endpoint, one PUT a
    graph, `concurrent` graphs at once (by default two, one to Virtuoso). `progress` is
    told of triples as their bytes are sent (taken back when a request is retried);
    `batch_size` triples are serialised at a time; `parameters` are added to each
    request's address (Oxigraph's server loads without a transaction, faster and not
    atomic, given `no_transaction`)."""
    sizes = _graph_sizes(graph)
    report = PushReport(concurrent=concurrent or default_concurrency(graph_store))
    lock = threading.Lock()

    def one(name: str) -> None:
        query = urllib.parse.urlencode({"graph": name, **(parameters or {})})
        url = f"{graph_store}{'&' if '?' in graph_store else '?'}{query}"
        with tempfile.TemporaryFile(prefix="imet-kg-push-") as body:
            count = _write_triples(graph, name, body, batch_size)
            length = body.tell()
            body.seek(0)
            reading = _Progress(body, length, count, progress, lock)
            send(
                url,
                method="PUT",
                data=reading,  # type: ignore[arg-type]  # a file, read as it is sent
                headers={"Content-Type": NTRIPLES, "Content-Length": str(length)},
                timeout=timeout,
            )
            reading.finish()
        with lock:
            report.graphs[name] = count
            report.requests += 1
            report.bytes += length

    largest_first = sorted(sizes, key=lambda name: -sizes[name])
    with ThreadPoolExecutor(max_workers=max(1, report.concurrent)) as pool:
        for done in [pool.submit(one, name) for name in largest_first]:
            done.result()  # the first failure, once every graph has ended
    report.graphs = {name: report.graphs[name] for name in graph.graphs()}
    return report


def default_concurrency(graph_store: str) -> int:
    """Two graphs at once, or one to a server that names itself Virtuoso (asked by a HEAD
    of a graph no store holds)."""
    probe = urllib.parse.urlencode({"graph": "urn:imet-kg:push-probe"})
    url = f"{graph_store}{'&' if '?' in graph_store else '?'}{probe}"
    return 1 if "virtuoso" in server_software(url).lower() else 2


def _graph_sizes(graph: KnowledgeGraph) -> dict[str, int]:
    """Triples in each named graph, counted by the store (to send the largest first)."""
    sizes = dict.fromkeys(graph.graphs(), 0)
    for name, triples in graph.select(internal_query("graph-sizes")).rows:
        if name is not None and name.value in sizes and triples is not None:
            sizes[name.value] = int(triples.value)
    return sizes


def _write_triples(graph: KnowledgeGraph, name: str, body: IO[bytes], batch_size: int) -> int:
    node = ox.NamedNode(name)
    count = 0
    triples = (quad.triple for quad in graph.store.quads_for_pattern(None, None, None, node))
    for batch in _batches(triples, max(batch_size, 1)):
        ox.serialize(batch, body, ox.RdfFormat.N_TRIPLES)
        count += len(batch)
    return count


def _batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    batch: list[ox.Triple] = []
    for triple in triples:
        batch.append(triple)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Progress:
    """A request body read from a file, telling `progress` of the triples its bytes hold as
    they are read; rewound for a retry, it takes back what it told."""

    def __init__(
        self,
        body: IO[bytes],
        length: int,
        triples: int,
        progress: Callable[[int], None] | None,
        lock: threading.Lock,
    ) -> None:
        self.body = body
        self.length = max(length, 1)
        self.triples = triples
        self.progress = progress
        self.lock = lock
        self.told = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.body.read(size)
        self._tell(self.triples * self.body.tell() // self.length)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self.body.seek(offset, whence)
        self._tell(self.triples * position // self.length)
        return position

    def finish(self) -> None:
        self._tell(self.triples)

    def _tell(self, done: int) -> None:
        if self.progress is not None and done != self.told:
            with self.lock:
                self.progress(done - self.told)
        self.told = done
