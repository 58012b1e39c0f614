"""The public endpoint's queries evaluated in worker processes. pyoxigraph cannot cancel a
query running in a thread, so a blocking aggregate past the time limit would keep computing
after its 503; here the process evaluating it is ended instead, and a fresh one takes its
place. Each worker opens the persistent store read-only, or loads a dump of an in-memory one.
"""

from __future__ import annotations

import multiprocessing
import queue
import tempfile
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.sparql.text import normalise
from imet_kg.store.graph import Answer, KnowledgeGraph, sparql_error
from imet_kg.terms import OxTerm
from imet_kg.web.endpoint import Limits, run_guarded
from imet_kg.web.guard import QueryRefused
from imet_kg.web.sandbox import (
    EVALUATION_STACK_BYTES,
    SandboxError,
    cap_memory,
    deny_network,
    run_with_deep_stack,
)

# Past the deadline, a worker gets this long to send its own refusal (a streaming answer
# checks the clock itself) before it is ended.
GRACE_SECONDS = 0.5


@dataclass(frozen=True)
class _Data:
    """What a worker needs to hold the same graph: a store directory, or an N-Quads dump."""

    location: Path | None
    dump: Path | None
    origins: dict[str, Path]
    # The store directory's (device, inode) when the pool started: an import or build that
    # swaps a new store in makes the path name another directory.
    identity: tuple[int, int] | None = None

    def current(self) -> bool:
        """Whether the store directory is still the one the server opened."""
        if self.location is None:
            return True
        try:
            status = self.location.stat()
        except OSError:
            return False
        return (status.st_dev, status.st_ino) == self.identity

    def graph(self) -> KnowledgeGraph:
        graph = KnowledgeGraph()
        if self.location is not None:
            graph.store = ox.Store.read_only(str(self.location))
        elif self.dump is not None:
            graph.store.bulk_load(path=str(self.dump), format=ox.RdfFormat.N_QUADS)
        graph.origins = dict(self.origins)
        return graph


class _Worker:
    def __init__(
        self, context: multiprocessing.context.SpawnContext, data: _Data, limits: Limits
    ) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, data, limits), name="imet-kg-query", daemon=True
        )
        self.process.start()
        child.close()
        self.problem = ""

    def wait_ready(self, seconds: float) -> str:
        """Whether the worker opened its graph within `seconds`: "ready"; "replaced" when the
        store directory is no longer the server's; else "failed" (the reason in `problem`).
        A worker that exits is reported as soon as it has, not when the time is up."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                remaining = deadline - time.monotonic()
                if self.connection.poll(max(0.0, min(0.2, remaining))):
                    state, *detail = self.connection.recv()
                    self.problem = " ".join(str(part) for part in detail)
                    return str(state)
                if not self.process.is_alive():
                    break
                if remaining <= 0:
                    self.problem = f"no answer within {seconds:g} s"
                    return "failed"
        except (EOFError, OSError):
            pass
        self.process.join(timeout=1)
        self.problem = (
            f"a query process exited at start-up (exit code {self.process.exitcode}); "
            "its error is on the server's standard error"
        )
        return "failed"

    def end(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class QueryProcesses:
    """A fixed number of worker processes answering guarded queries under `limits`. Waiting
    for a free worker counts against the query's time limit."""

    def __init__(self, graph: KnowledgeGraph, limits: Limits, size: int) -> None:
        if size < 1:
            raise ValueError("at least one query process is needed")
        self.limits = limits
        self.size = size
        self._graph = graph
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._data: _Data | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._workers: list[_Worker] = []
        self._replaced = False

    def pids(self) -> list[int]:
        """The process ids of the current workers (none before `start`)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def idle(self) -> int:
        """How many workers are ready and waiting for a query."""
        return self._idle.qsize()

    def run(
        self,
        sparql: str,
        *,
        default_graphs: Collection[str] = (),
        named_graphs: Collection[str] = (),
        substitutions: Mapping[str, OxTerm] | None = None,
        origin: str = "query",
    ) -> Answer:
        """The answer, or QueryRefused: 503 past the time limit or when every worker stays
        busy that long, 422 past the row limit, 403/400 from the guard."""
        deadline = time.monotonic() + self.limits.seconds
        request = {
            "sparql": sparql,
            "default_graphs": list(default_graphs),
            "named_graphs": list(named_graphs),
            "substitutions": dict(substitutions or {}),
            "origin": origin,
        }
        kind, *rest = self._exchange(request, deadline)
        if kind == "refused":
            raise QueryRefused(int(str(rest[0])), str(rest[1]))
        if kind == "error":
            raise ImetKgError(str(rest[0]))
        answer: Answer = rest[0]  # type: ignore[assignment]
        return answer

    def _exchange(self, request: Mapping[str, object], deadline: float) -> tuple[object, ...]:
        """A worker's reply. A worker acknowledges a request before evaluating it: one that
        ended before that (killed while idle, say) is replaced and another takes the request;
        one that dies after it is replaced too, but that request is not tried again, since
        it may be what killed the worker: it gets an error instead."""
        while True:
            worker = self._take(deadline)
            try:
                worker.connection.send(request)
                taken = self._receive(worker, deadline)
            except (EOFError, OSError):
                self._replace(worker)
                continue
            if taken != ("taken",):
                raise AssertionError(f"a query process answered {taken!r} out of turn")
            break
        try:
            reply = self._receive(worker, deadline)
        except (EOFError, OSError):
            worker.process.join(timeout=2)
            code = worker.process.exitcode
            self._replace(worker)
            raise QueryRefused(
                500,
                "the query process ended while evaluating this query"
                + (f" (exit status {code})" if code is not None else "")
                + "; it may need more than the "
                f"{self.limits.memory_bytes // 2**20} MiB a query may use. "
                "The query was not run again.",
            ) from None
        self._idle.put(worker)
        return reply

    def _receive(self, worker: _Worker, deadline: float) -> tuple[object, ...]:
        """The worker's next message; past the deadline (and grace) the worker is ended."""
        if not worker.connection.poll(max(0.0, deadline - time.monotonic()) + GRACE_SECONDS):
            self._replace(worker)
            raise QueryRefused(503, f"the query ran past the {self.limits.seconds:g} s time limit")
        message: tuple[object, ...] = worker.connection.recv()
        return message

    def close(self) -> None:
        """End every worker; the pool starts afresh if used again."""
        with self._lock:
            workers, self._workers = self._workers, []
            self._idle = queue.Queue()
        for worker in workers:
            worker.end()
        with self._lock:
            if self._scratch is not None and not self._workers:
                self._scratch.cleanup()
                self._scratch, self._data = None, None

    def start(self, seconds: float = 120.0) -> None:
        """Start the workers and wait until each holds the graph; an error when one does not
        within `seconds`. Queries start the pool themselves when this was not called."""
        with self._lock:
            if self._workers:
                return
            if self._data is None:
                self._scratch = tempfile.TemporaryDirectory(prefix="imet-kg-queries-")
                self._data = _data_of(self._graph, Path(self._scratch.name))
            workers = [_Worker(self._context, self._data, self.limits) for _ in range(self.size)]
            deadline = time.monotonic() + seconds
            states = {w.wait_ready(max(0.0, deadline - time.monotonic())) for w in workers}
            if states != {"ready"}:
                problems = sorted({w.problem for w in workers if w.problem})
                for worker in workers:
                    worker.end()
                raise ImetKgError(
                    f"the query processes did not open {self._data.location or 'the graph'}"
                    + "".join(f": {p}" for p in problems)
                )
            self._workers = workers
            for worker in workers:
                self._idle.put(worker)

    def _take(self, deadline: float) -> _Worker:
        self.start()
        while True:
            if self._replaced and self._idle.empty():
                raise QueryRefused(
                    503,
                    f"the store at {self._graph.location} was replaced (by an import or a "
                    "build) while the server ran; restart the server to serve it",
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryRefused(
                    503,
                    f"every query process stayed busy for the {self.limits.seconds:g} s "
                    "time limit; try again shortly",
                )
            try:
                worker = self._idle.get(timeout=min(remaining, 0.1))
            except queue.Empty:
                continue
            if worker.process.is_alive():
                return worker
            self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """End a worker and start another in its place, taken into use once it is ready."""
        worker.end()
        with self._lock:
            if worker not in self._workers:
                return  # closed meanwhile
            assert self._data is not None
            fresh = _Worker(self._context, self._data, self.limits)
            self._workers[self._workers.index(worker)] = fresh
        threading.Thread(target=self._admit, args=(fresh,), daemon=True).start()

    def _admit(self, worker: _Worker) -> None:
        state = worker.wait_ready(120.0)
        with self._lock:
            current = worker in self._workers
        if not current:
            worker.end()  # the pool was closed meanwhile
        elif state == "ready":
            self._idle.put(worker)
        elif state == "replaced":
            self._replaced = True  # no worker could open the server's store any more
            worker.end()
        else:
            time.sleep(1.0)  # a worker that cannot start is retried, not respawned at once
            self._replace(worker)


def _data_of(graph: KnowledgeGraph, scratch: Path) -> _Data:
    """A persistent store is opened by each worker; an in-memory one is dumped for them."""
    if graph.location is not None:
        status = graph.location.stat()
        return _Data(graph.location, None, graph.origins, (status.st_dev, status.st_ino))
    dump = scratch / "graph.nq"
    graph.store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    return _Data(None, dump, graph.origins)


def _serve(connection: Connection, data: _Data, limits: Limits) -> None:
    """A worker: confined (no network, capped memory, a deep stack), it holds the graph and
    answers requests until the pipe closes."""
    try:
        deny_network()
        cap_memory(limits.memory_bytes + EVALUATION_STACK_BYTES)
    except (SandboxError, OSError, ValueError) as error:
        connection.send(("failed", f"the query process could not be confined: {error}"))
        return
    run_with_deep_stack(lambda: _answer(connection, data, limits))


def _answer(connection: Connection, data: _Data, limits: Limits) -> None:
    if not data.current():
        connection.send(("replaced",))
        return
    graph = data.graph()
    connection.send(("ready",))
    while True:
        try:
            request = connection.recv()
            connection.send(("taken",))
        except (EOFError, OSError):
            return
        try:
            reply: tuple[object, ...] = ("answer", run_guarded(graph, limits=limits, **request))
        except QueryRefused as error:
            detail = _engine_syntax_message(request, str(error)) if error.syntax else str(error)
            reply = ("refused", error.status, detail)
        except ImetKgError as error:
            reply = ("error", str(error))
        except MemoryError:
            reply = ("refused", 500, "the query needs more memory than a query may use")
        except Exception as error:  # the worker lives on; the request fails alone, unechoed
            reply = ("refused", 500, f"the query failed ({type(error).__name__})")
        connection.send(reply)


def _engine_syntax_message(request: Mapping[str, object], refusal: str) -> str:
    """Oxigraph's own message for a text the guard's parser refused, which places the error
    more precisely; for a text Oxigraph would take (syntax beyond SPARQL 1.1), a message
    saying so. Only ever called in a confined worker, on an empty store, with nothing read
    from the answer."""
    origin = str(request.get("origin", "query"))
    try:
        ox.Store().query(normalise(str(request["sparql"])))
    except SyntaxError as error:
        return str(sparql_error(origin, str(error)))
    except Exception:
        return refusal
    return (
        f"{origin}: this endpoint takes standard SPARQL 1.1, and the query uses syntax beyond "
        f"it ({refusal.removeprefix(origin + ':').strip()})"
    )
