"""Whole answers as downloads, streamed as their rows arrive: a saved query's answer, or any
other rows, are written in a thread of their own (the embedded store's answer belongs to the
thread that asked for it) in chunks, into a short queue the response reads from. A client
that goes away stops the thread at its next chunk. At most a few downloads run at once; a
further one waits for a free place, and past the time limit is refused (503)."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import pyoxigraph as ox

from imet_kg.query.results import result_chunks
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import OxTerm
from imet_kg.web.problems import Problem

# Downloads running at once (each holds a thread and the store's attention for its length).
AT_ONCE = 2
# Chunks written ahead of the client.
AHEAD = 16
# Seconds a download waits for its response to read the next chunk before it gives up.
IDLE = 60.0
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
        """A SELECT answer's chunks in `result_format`; the query's own error (before any
        chunk) when it fails to start."""

        def chunks() -> Iterator[bytes]:
            answer = graph.stream(sparql, origin=origin, substitutions=substitutions)
            if not isinstance(answer, ox.QuerySolutions):
                raise Problem(400, "only a SELECT answer can be downloaded as rows")
            kept = tuple(v.value for v in answer.variables if not v.value.startswith("_"))
            yield b""  # the response starts before the first row is computed
            yield from result_chunks(kept, _rows(answer, kept), result_format)

        return await self.produce(chunks, wait=wait)

    async def produce(
        self, chunks: Callable[[], Iterator[bytes]], *, wait: float
    ) -> AsyncIterator[bytes]:
        """The chunks `chunks()` makes, made in a thread of their own; Problem 503 when no
        place frees within `wait` seconds, and the error `chunks` raises before its first
        chunk, raised here."""
        try:
            await asyncio.wait_for(self._places.acquire(), wait)
        except TimeoutError:
            raise Problem(
                503, "too many downloads are running; try again shortly", {"Retry-After": "5"}
            ) from None
        queued: queue.Queue[object] = queue.Queue(AHEAD)
        stop = threading.Event()
        loop = asyncio.get_running_loop()

        def finished() -> None:  # in the thread, as it ends: its place is free again
            loop.call_soon_threadsafe(self._places.release)

        worker = threading.Thread(
            target=_produce,
            args=(chunks, queued, stop, finished),
            name="imet-kg-download",
            daemon=True,
        )
        worker.start()
        first = await loop.run_in_executor(None, queued.get)
        if isinstance(first, BaseException):
            raise first
        return self._rest(first, queued, stop, loop)

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


def _produce(
    chunks: Callable[[], Iterator[bytes]],
    queued: queue.Queue[object],
    stop: threading.Event,
    finished: Callable[[], None],
) -> None:
    """In the download's thread: put each chunk, then _DONE (or the error); give up when the
    response stops reading (the client went away, or the response never started) for IDLE
    seconds; `finished` when the thread ends, whatever the reason."""

    def put(item: object) -> bool:
        waited = 0.0
        while not stop.is_set() and waited < IDLE:
            try:
                queued.put(item, timeout=0.5)
            except queue.Full:
                waited += 0.5
                continue
            return True
        return False

    try:
        for chunk in chunks():
            if not put(chunk):
                return
        put(_DONE)
    except Exception as error:  # handed to the response, which reports it
        put(error)
    finally:
        finished()


def _rows(answer: ox.QuerySolutions, kept: tuple[str, ...]) -> Iterator[tuple[OxTerm | None, ...]]:
    for solution in answer:
        yield tuple(solution[name] for name in kept)
