"""`push`: every named graph of the local store written to a SPARQL 1.1 Graph Store Protocol
endpoint, resumable after a failure.

Each graph is written to a temporary file as N-Triples first (so that a request has a length
every server accepts, a retry sends the same bytes, and the graph's content has a digest),
then sent either whole, one PUT a graph, or in batches, a PUT of the first batch and a POST
of each one after it:

- Whole graphs (the default, except to Virtuoso): the server replaces the graph in one step,
  atomically where the engine makes a request a transaction (as Oxigraph's server does
  unless told otherwise), and a graph's blank nodes keep their identity. Two graphs travel
  at once.
- Batches (the default to a server that names itself Virtuoso): Virtuoso 7 takes a PUT as
  one transaction, which stalls in a lock wait that never ends once it outgrows the server's
  buffers (the full training records do under a configuration of 20,000 buffers), and two
  large PUTs at once stall it too. So Virtuoso is sent batches, each its own transaction
  (two graphs at once; whole graphs, when asked for, one at a time): the graph is not
  replaced atomically. A graph holding blank nodes is always sent whole, since a blank node
  in two requests would become two nodes.

What the server has acknowledged is written down in a journal (`imet_kg.remote.journal`): a
re-run leaves the graphs already complete with the same content as they are (when the
server still holds them), takes a graph sent in batches up from its last acknowledged batch,
and writes every other graph afresh. Nothing is lost, and nothing is doubled: a graph is
replaced by its first request and a batch sent again holds the same triples."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from imet_kg.remote.bodies import Body, Span, from_store, split_dump
from imet_kg.remote.client import NTRIPLES
from imet_kg.remote.journal import Entry, PushJournal
from imet_kg.remote.protocol import holds_graph, send, server_software
from imet_kg.sparql import internal_query
from imet_kg.store.graph import KnowledgeGraph


@dataclass
class PushReport:
    """What the server holds after the push: triples per named graph; the requests and bytes
    it took; and what was already there from an earlier push (graphs left as they were, and
    triples of graphs taken up from their last acknowledged batch)."""

    graphs: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    bytes: int = 0
    concurrent: int = 1  # graphs sent at once
    whole_graphs: bool = True  # one PUT a graph, else batches (for graphs without blank nodes)
    from_dump: int = 0  # graphs split out of the store's N-Quads dump (the rest serialised)
    kept: dict[str, int] = field(default_factory=dict)  # graphs left as an earlier push wrote
    resumed: dict[str, int] = field(default_factory=dict)  # triples not sent again, by graph

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    @property
    def sent(self) -> int:
        """Triples this push sent (a batch sent again counts again)."""
        return self.triples - sum(self.kept.values()) - sum(self.resumed.values())


class Settings(NamedTuple):
    """How a push suits the engine: graphs sent at once, and whether each goes whole."""

    concurrent: int
    whole_graphs: bool


def push(
    graph: KnowledgeGraph,
    graph_store: str,
    *,
    batch_size: int = 100_000,
    progress: Callable[[int], None] | None = None,
    concurrent: int | None = None,
    whole_graphs: bool | None = None,
    journal: Path | None = None,
    again: bool = False,
    timeout: float = 600.0,
    parameters: dict[str, str] | None = None,
) -> PushReport:
    """Write every named graph of `graph` to the Graph Store Protocol endpoint.

    `concurrent` graphs at once and `whole_graphs` (one PUT a graph) or batches of
    `batch_size` triples: by default as `settings_for` the engine says. `journal` is the file
    that remembers what the server acknowledged (beside the store); `again` writes every
    graph afresh whatever it says. `progress` is told of triples as their bytes are sent
    (taken back when a request is retried) and of those already there; `parameters` are
    added to each request's address (Oxigraph's server loads without a transaction, faster
    and not atomic, given `no_transaction`)."""
    sizes = _graph_sizes(graph)
    if concurrent is None or whole_graphs is None:
        chosen = settings_for(graph_store, whole_graphs)
        concurrent = chosen.concurrent if concurrent is None else concurrent
        whole_graphs = chosen.whole_graphs if whole_graphs is None else whole_graphs
    report = PushReport(concurrent=concurrent, whole_graphs=whole_graphs)
    written = PushJournal(journal, graph_store)
    lock = threading.Lock()

    def tell(triples: int) -> None:
        if progress is not None and triples:
            with lock:
                progress(triples)

    def one(name: str, ready: Body | None) -> None:
        query = urllib.parse.urlencode({"graph": name, **(parameters or {})})
        url = f"{graph_store}{'&' if '?' in graph_store else '?'}{query}"
        body = ready or from_store(graph, name, batch_size)
        with body.file:
            whole = report.whole_graphs or body.blank_nodes
            spans = body.whole() if whole else body.batches()
            first = _resumable(written.entry(name) if not again else None, body, spans, url)
            if first == len(spans):
                tell(body.triples)
                with lock:
                    report.kept[name] = body.triples
                    report.graphs[name] = body.triples
                return
            if first:
                tell(spans[first].first)
            else:
                written.record(name, Entry(body.starts[0].digest, body.triples, 0))
            requests = length = 0
            for span in spans[first:]:
                reading = _Window(body.file, span, tell)
                send(
                    url,
                    method="PUT" if span.first == 0 else "POST",
                    data=reading,  # type: ignore[arg-type]  # a file, read as it is sent
                    headers={"Content-Type": NTRIPLES, "Content-Length": str(span.length)},
                    timeout=timeout,
                )
                reading.finish()
                written.record(name, Entry(span.digest, body.triples, span.last))
                requests += 1
                length += span.length
        with lock:
            report.graphs[name] = body.triples
            report.requests += requests
            report.bytes += length
            if first:
                report.resumed[name] = spans[first].first

    with ThreadPoolExecutor(max_workers=max(1, report.concurrent)) as pool:
        # Graphs split out of the dump are sent as they come, while the next is split; the
        # rest are serialised from the store, the largest first.
        sending = []
        split = []
        for name, body in split_dump(graph, sizes, batch_size):
            split.append(name)
            sending.append(pool.submit(one, name, body))
        report.from_dump = len(split)
        for name in sorted(set(sizes) - set(split), key=lambda name: -sizes[name]):
            sending.append(pool.submit(one, name, None))
        for done in sending:
            done.result()  # the first failure, once every graph has ended
    report.graphs = {name: report.graphs[name] for name in graph.graphs()}
    return report


def _resumable(before: Entry | None, body: Body, spans: list[Span], url: str) -> int:
    """The first of `spans` to send: past every span the journal shows the server holds
    with the same bytes (all of them when the graph is complete), provided the server
    still holds the graph; else 0, the whole graph."""
    if before is None or before.triples != body.triples or not before.sent:
        return 0
    held = [
        i + 1
        for i, span in enumerate(spans)
        if (span.last, span.digest) == (before.sent, before.digest)
    ]
    if not held or not holds_graph(url):
        return 0
    return held[0]


def settings_for(graph_store: str, whole_graphs: bool | None = None) -> Settings:
    """Two graphs at once, whole, or to a server that names itself Virtuoso (asked by a HEAD
    of a graph no store holds) in batches; whole graphs go to Virtuoso one at a time."""
    probe = urllib.parse.urlencode({"graph": "urn:imet-kg:push-probe"})
    url = f"{graph_store}{'&' if '?' in graph_store else '?'}{probe}"
    virtuoso = "virtuoso" in server_software(url).lower()
    whole = not virtuoso if whole_graphs is None else whole_graphs
    return Settings(concurrent=1 if virtuoso and whole else 2, whole_graphs=whole)


def _graph_sizes(graph: KnowledgeGraph) -> dict[str, int]:
    """Triples in each named graph, counted by the store (to send the largest first)."""
    sizes = dict.fromkeys(graph.graphs(), 0)
    for name, triples in graph.select(internal_query("graph-sizes")).rows:
        if name is not None and name.value in sizes and triples is not None:
            sizes[name.value] = int(triples.value)
    return sizes


_READ = 1 << 20


class _Window:
    """The bytes of one span of a graph's file as a request body, telling `tell` of the
    triples they hold as they are read; rewound for a retry, it takes back what it told."""

    def __init__(self, body: IO[bytes], span: Span, tell: Callable[[int], None]) -> None:
        self.body = body
        self.span = span
        self.tell = tell
        self.told = 0
        body.seek(span.start)

    def read(self, size: int = -1) -> bytes:
        # At least a megabyte at a time, whatever is asked (http.client asks 8 KB and sends
        # what it gets): each read takes the interpreter's lock from the thread splitting
        # the next graph.
        left = self.span.end - self.body.tell()
        chunk = self.body.read(left if size < 0 else min(max(size, _READ), left))
        self._reached(self.body.tell())
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0:
            raise OSError("a request body is rewound to its start only")
        position = self.body.seek(self.span.start + offset)
        self._reached(position)
        return position - self.span.start

    def finish(self) -> None:
        self._reached(self.span.end)

    def _reached(self, position: int) -> None:
        span = self.span
        done = (span.last - span.first) * (position - span.start) // max(span.length, 1)
        if done != self.told:
            self.tell(done - self.told)
        self.told = done
