"""A saved query's whole answer as a download, streamed as its rows arrive: the query runs in
a thread of its own (the embedded store's answer belongs to the thread that asked for it),
which writes the rows in chunks (CSV, TSV or SPARQL JSON) into a short queue the response
reads from. A client that goes away stops the thread at its next chunk. At most a few
downloads run at once; a further one waits for a free place, and past the time limit is
refused (503)."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Iterator, Mapping

import pyoxigraph as ox

from imet_kg.query.results import result_chunks
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import OxTerm
from imet_kg.web.problems import Problem

# Downloads running at once (each holds a thread and the store's attention for its length).
AT_ONCE = 2
# Chunks written ahead of the client.
AHEAD = 16
_DONE = object()


class Downloads:
    """The downloads of one server: a bounded number running at once."""

    def __init__(self, at_once: int = AT_ONCE) -> None:
        self._places = asyncio.Semaphore(at_once)

    async def stream(
        self,
        graph: KnowledgeGraph,
        sparql: str,
        substitutions: Mapping[str, OxTerm],
        result_format: str,
        *,
        origin: str,
        wait: float,
    ) -> AsyncIterator[bytes]:
        """The answer's chunks; Problem 503 when no place frees within `wait` seconds, and
        the query's own error (before any chunk) when it fails to start."""
        try:
            await asyncio.wait_for(self._places.acquire(), wait)
        except TimeoutError:
            raise Problem(
                503, "too many downloads are running; try again shortly", {"Retry-After": "5"}
            ) from None
        chunks: queue.Queue[object] = queue.Queue(AHEAD)
        stop = threading.Event()
        worker = threading.Thread(
            target=_produce,
            args=(graph, sparql, substitutions, result_format, origin, chunks, stop),
            name="imet-kg-download",
            daemon=True,
        )
        worker.start()
        loop = asyncio.get_running_loop()
        first = await loop.run_in_executor(None, chunks.get)
        if isinstance(first, BaseException):
            self._places.release()
            raise first
        return self._rest(first, chunks, stop, loop)

    async def _rest(
        self,
        first: object,
        chunks: queue.Queue[object],
        stop: threading.Event,
        loop: asyncio.AbstractEventLoop,
    ) -> AsyncIterator[bytes]:
        try:
            item = first
            while item is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, bytes)
                yield item
                item = await loop.run_in_executor(None, chunks.get)
        finally:
            stop.set()
            self._places.release()


def _produce(
    graph: KnowledgeGraph,
    sparql: str,
    substitutions: Mapping[str, OxTerm],
    result_format: str,
    origin: str,
    chunks: queue.Queue[object],
    stop: threading.Event,
) -> None:
    """In the download's thread: run the query, put each chunk, then _DONE (or the error)."""

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.5)
            except queue.Full:
                continue
            return True
        return False

    try:
        answer = graph.stream(sparql, origin=origin, substitutions=substitutions)
        if not isinstance(answer, ox.QuerySolutions):
            raise Problem(400, "only a SELECT answer can be downloaded as rows")
        kept = tuple(v.value for v in answer.variables if not v.value.startswith("_"))
        # a first chunk at once, so that the response starts before the first row is computed
        if not put(b""):
            return
        for chunk in result_chunks(kept, _rows(answer, kept), result_format):
            if not put(chunk):
                return
    except Exception as error:  # handed to the response, which reports it
        put(error)
        return
    put(_DONE)


def _rows(answer: ox.QuerySolutions, kept: tuple[str, ...]) -> Iterator[tuple[OxTerm | None, ...]]:
    for solution in answer:
        yield tuple(solution[name] for name in kept)
