"""The public endpoint's queries evaluated in worker processes. pyoxigraph cannot cancel a
query running in a thread, so a blocking aggregate past the time limit would keep computing
after its 503; here the process evaluating it is ended instead, and a fresh one takes its
place. Each worker opens the persistent store read-only, or loads a dump of an in-memory one.

The pool lives on the server's event loop: a request is one frame written to a worker's
socket and one frame read back, with no thread hand-off, and the worker writes the answer
in the format the client asked for, so that the server passes bytes along instead of
rebuilding terms and serialising them again. A worker holds up to DEPTH requests at once
(the rest wait in its socket), so that it does not sit idle, or sleep and be woken, while the
server reads one answer and sends the next query; a request goes to the worker holding the
fewest. Requests held behind one that runs long are withdrawn and go to another worker
(`_watch`). Frames are a 4-byte length and a pickle; which requests a worker has taken, and
which it is to pass over, are counts in shared memory, not messages.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import socket
import struct
import tempfile
import time
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.query.results import serialise_result
from imet_kg.sparql.text import normalise
from imet_kg.store.formats import serialise_triples
from imet_kg.store.graph import Answer, KnowledgeGraph, QueryResult, sparql_error
from imet_kg.terms import OxTerm
from imet_kg.web.endpoint import EngineWritten, Limits, run_guarded
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
# Requests a worker may hold at once: the one it evaluates and those after it, already in
# its socket, so that it never waits for the server between two queries. Under 16 clients on
# two cores, two workers holding 2 each answered 0.26x as many lookups as Oxigraph's server,
# 4 each 0.31x and 8 each 0.42x: a worker that runs dry sleeps until the server, busy with
# HTTP, sends it more, and a process woken across cores costs as much as a lookup.
DEPTH = 8
# Requests a worker holds behind one that has run this long (or that it has not taken for so
# long) are withdrawn from it and sent to another; the watch that looks runs this often while
# any request is out.
HOLD_SECONDS = 0.1
WATCH_SECONDS = 0.05
_LENGTH = struct.Struct("!I")


@dataclass(frozen=True)
class Written:
    """An answer already written in the format the request asked for."""

    data: bytes
    kind: str  # "results" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE)


@dataclass(frozen=True)
class _Data:
    """What a worker needs to hold the same graph: a store directory, or an N-Quads dump."""

    location: Path | None
    dump: Path | None
    origins: dict[str, Path]
    layout: Layout | None = None
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


@dataclass
class _Request:
    reply: asyncio.Future[tuple[Any, ...]]
    deadline: float  # time.monotonic()
    sequence: int  # the worker's count of requests sent to it, this one included


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    # How many requests the worker has taken, counted by the worker in memory it shares with
    # the server: a request it had not taken when it died is tried again elsewhere.
    taken: Any
    # The requests up to this count the worker is to pass over, answering "retry": set by the
    # server when it withdraws what waits behind a long query (see QueryProcesses._withdraw).
    withdrawn: Any
    sent: int = 0
    # Withdrawn from: given no new request until the query it evaluates is answered.
    stalled: bool = False
    head_since: float = 0.0  # loop time when the request it evaluates became its first
    problem: str = ""
    # Sent and not yet answered, in order; the first is the one being evaluated.
    requests: deque[_Request] = field(default_factory=deque)
    timer: asyncio.TimerHandle | None = None
    listener: asyncio.Task[None] | None = field(default=None, repr=False)

    def end(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.writer.close()
        if self.listener is not None and self.listener is not _current_task():
            self.listener.cancel()


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


class QueryProcesses:
    """A fixed number of worker processes answering guarded queries under `limits`, on the
    event loop that starts them. Waiting for a free worker counts against the query's time
    limit."""

    def __init__(
        self, graph: KnowledgeGraph, limits: Limits, size: int, layout: Layout | None = None
    ) -> None:
        if size < 1:
            raise ValueError("at least one query process is needed")
        self.limits = limits
        self.size = size
        self._graph = graph
        self._layout = layout
        self._context = multiprocessing.get_context("spawn")
        self._running = False
        self._ready: deque[_Worker] = deque()  # workers with room for another request
        self._waiting: deque[asyncio.Future[_Worker]] = deque()  # requests waiting for one
        self._data: _Data | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._workers: list[_Worker] = []
        self._replaced = False
        self._starting: set[asyncio.Task[None]] = set()
        self._watching: asyncio.TimerHandle | None = None

    def pids(self) -> list[int]:
        """The process ids of the current workers (none before `start`)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def held(self) -> list[int]:
        """How many requests each worker holds (sent to it and not yet answered)."""
        return [len(worker.requests) for worker in self._workers]

    def idle(self) -> int:
        """How many workers are ready and waiting for a query."""
        return sum(1 for worker in self._workers if worker.listener and not worker.requests)

    async def run(
        self,
        sparql: str,
        *,
        default_graphs: Collection[str] = (),
        named_graphs: Collection[str] = (),
        substitutions: Mapping[str, OxTerm] | None = None,
        origin: str = "query",
        formats: Mapping[str, str] | None = None,
        hide_parameters: bool = False,
    ) -> Answer | Written:
        """The answer, or QueryRefused: 503 past the time limit or when every worker stays
        busy that long, 422 past the row limit, 403/400 from the guard. With `formats` (a
        format name for "results" and for "graph"), an answer of a kind named there comes
        back written in that format; `hide_parameters` drops the `?_name` columns."""
        deadline = time.monotonic() + self.limits.seconds
        message: dict[str, object] = {
            "sparql": sparql,
            "default_graphs": list(default_graphs),
            "named_graphs": list(named_graphs),
            "substitutions": dict(substitutions or {}),
            "origin": origin,
            "formats": dict(formats or {}),
            "hide_parameters": hide_parameters,
            "deadline": deadline,
        }
        kind, *rest = await self._exchange(message, deadline)
        if kind == "refused":
            raise QueryRefused(int(str(rest[0])), str(rest[1]))
        if kind == "error":
            raise ImetKgError(str(rest[0]))
        if kind == "written":
            return Written(bytes(rest[0]), str(rest[1]))
        answer: Answer = rest[0]
        return answer

    async def _exchange(self, message: dict[str, object], deadline: float) -> tuple[Any, ...]:
        """A worker's reply. A worker holds up to DEPTH requests at once and counts each it
        takes, before evaluating it, in memory it shares with the server (no message, no
        wake-up): if it ends before taking the request (killed while idle or busy with the
        one before, say), it is replaced and another worker takes the request; if it dies
        after, it is replaced too, but that request is not tried again, since it may be what
        killed the worker: it gets an error instead."""
        loop = asyncio.get_running_loop()
        while True:
            worker = await self._take(deadline)
            worker.sent += 1
            request = _Request(loop.create_future(), deadline, worker.sent)
            worker.requests.append(request)
            if len(worker.requests) == 1:
                self._arm(worker)
            if self._watching is None:
                self._watching = loop.call_later(WATCH_SECONDS, self._watch)
            try:
                _send(worker.writer, message)
            except (OSError, RuntimeError):
                self._replace(worker)
                self._answer_ended(worker)
                continue
            if len(worker.requests) < DEPTH:
                self._release(worker)  # room for one more
            outcome = await request.reply
            if outcome[0] != "retry":
                return outcome

    def _arm(self, worker: _Worker) -> None:
        """The worker is ended if the request it evaluates runs past its deadline and grace."""
        loop = asyncio.get_running_loop()
        deadline = worker.requests[0].deadline
        worker.head_since = loop.time()
        worker.timer = loop.call_at(
            _loop_time(loop, deadline + GRACE_SECONDS), self._too_late, worker
        )

    def _too_late(self, worker: _Worker) -> None:
        """The worker's query ran past its deadline and grace: end the worker; the requests
        queued behind it go to another."""
        worker.timer = None
        request = worker.requests.popleft() if worker.requests else None
        self._replace(worker)
        if request is not None and not request.reply.done():
            request.reply.set_exception(
                QueryRefused(503, f"the query ran past the {self.limits.seconds:g} s time limit")
            )
        self._answer_ended(worker)

    async def _listen(self, worker: _Worker) -> None:
        """Read the worker's frames for as long as it lives; pass each reply to its request,
        in the order they were sent."""
        try:
            while True:
                reply = await _receive(worker.reader)
                if worker.timer is not None:
                    worker.timer.cancel()
                    worker.timer = None
                was_full = len(worker.requests) >= DEPTH
                request = worker.requests.popleft() if worker.requests else None
                if request is not None and not request.reply.done():
                    request.reply.set_result(reply)
                if worker.requests:
                    self._arm(worker)
                if was_full:
                    self._release(worker)
                if worker.stalled:  # the long query is answered: the worker takes more
                    worker.stalled = False
                    self._offer(worker)
        except (asyncio.IncompleteReadError, OSError, pickle.UnpicklingError):
            pass
        if worker not in self._workers:
            return  # ended by the pool, which answered its requests itself
        self._replace(worker)
        self._answer_ended(worker)

    def _watch(self) -> None:
        """Withdraw the requests a worker has not taken when the one it evaluates (or has
        still to take: a stopped worker) has been its first for HOLD_SECONDS, so that they
        go to another worker rather than wait for it; look again while any request is out."""
        self._watching = None
        now = asyncio.get_running_loop().time()
        out = False
        for worker in self._workers:
            if worker.stalled:
                continue
            if now - worker.head_since < HOLD_SECONDS or not self._withdraw(worker):
                out = out or bool(worker.requests)
        if out:
            self._watching = asyncio.get_running_loop().call_later(WATCH_SECONDS, self._watch)

    def _withdraw(self, worker: _Worker) -> bool:
        """Whether the worker held requests it had not taken: they are tried again elsewhere,
        it passes them over when it reaches them, and it stalls. The two counts are read and
        written without a lock: a request the worker takes just as it is withdrawn may be
        evaluated there and also elsewhere, the first answer unused (the store is read-only),
        and one the server counts as taken but the worker passes over comes back as "retry"
        all the same. (Passing over what it has already taken changes nothing.)"""
        worker.withdrawn.value = worker.sent  # before `taken` is read
        taken = worker.taken.value
        untaken = [r for r in worker.requests if r.sequence > taken and not r.reply.done()]
        for request in untaken:
            request.reply.set_result(("retry",))
        worker.stalled = bool(untaken)
        return worker.stalled

    def _offer(self, worker: _Worker) -> None:
        """The worker's free places, held back while it stalled, offered to the requests
        waiting for one."""
        free = sum(1 for ready in self._ready if ready is worker)
        if free:
            self._ready = deque(ready for ready in self._ready if ready is not worker)
            for _ in range(free):
                self._release(worker)

    def _answer_ended(self, worker: _Worker) -> None:
        """A worker ended with requests unanswered: those it never took are tried on another
        worker; one it took gets an error (a 500)."""
        requests, worker.requests = worker.requests, deque()
        code = worker.process.exitcode
        taken = worker.taken.value  # the worker has ended: nothing changes it any more
        for request in requests:
            if request.reply.done():
                continue
            if request.sequence > taken:
                request.reply.set_result(("retry",))
                continue
            request.reply.set_exception(
                QueryRefused(
                    500,
                    "the query process ended while evaluating this query"
                    + (f" (exit status {code})" if code is not None else "")
                    + "; it may need more than the "
                    f"{self.limits.memory_bytes // 2**20} MiB a query may use. "
                    "The query was not run again.",
                )
            )

    def close(self) -> None:
        """End every worker; the pool starts afresh if used again."""
        workers, self._workers = self._workers, []
        self._running = False
        self._ready.clear()
        if self._watching is not None:
            self._watching.cancel()
            self._watching = None
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_exception(QueryRefused(503, "the server is stopping; try again shortly"))
        self._waiting.clear()
        for task in self._starting:
            task.cancel()
        self._starting = set()
        for worker in workers:
            worker.end()
            for request in worker.requests:
                if not request.reply.done():
                    request.reply.set_exception(
                        QueryRefused(503, "the server is stopping; try again shortly")
                    )
            worker.requests.clear()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch, self._data = None, None

    async def start(self, seconds: float = 120.0) -> None:
        """Start the workers and wait until each holds the graph; an error when one does not
        within `seconds`. Queries start the pool themselves when this was not called."""
        if self._workers:
            return
        if self._data is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="imet-kg-queries-")
            self._data = _data_of(self._graph, Path(self._scratch.name), self._layout)
        self._running = True
        deadline = time.monotonic() + seconds
        workers = [await self._spawn() for _ in range(self.size)]
        states = await asyncio.gather(*(self._wait_ready(w, deadline) for w in workers))
        if set(states) != {"ready"}:
            problems = sorted({w.problem for w in workers if w.problem})
            for worker in workers:
                worker.end()
            self._running = False
            raise ImetKgError(
                f"the query processes did not open {self._data.location or 'the graph'}"
                + "".join(f": {p}" for p in problems)
            )
        self._workers = workers
        for worker in workers:
            self._admit(worker)

    async def _spawn(self) -> _Worker:
        assert self._data is not None
        ours, theirs = socket.socketpair()
        taken = self._context.RawValue("Q", 0)
        withdrawn = self._context.RawValue("Q", 0)
        process = self._context.Process(
            target=_serve,
            args=(theirs, self._data, self.limits, taken, withdrawn),
            name="imet-kg-query",
            daemon=True,
        )
        process.start()
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours, limit=2**16)
        return _Worker(process, reader, writer, taken, withdrawn)

    async def _wait_ready(self, worker: _Worker, deadline: float) -> str:
        """Whether the worker opened its graph by `deadline`: "ready"; "replaced" when the
        store directory is no longer the server's; else "failed" (the reason in `problem`).
        A worker that exits is reported as soon as it has, not when the time is up."""
        try:
            state, *detail = await asyncio.wait_for(
                _receive(worker.reader), max(0.0, deadline - time.monotonic())
            )
        except TimeoutError:
            worker.problem = f"no answer within {deadline - time.monotonic():.0f} s"
            return "failed"
        except (asyncio.IncompleteReadError, OSError):
            await asyncio.get_running_loop().run_in_executor(None, worker.process.join, 5)
            worker.problem = (
                f"a query process exited at start-up (exit code {worker.process.exitcode}); "
                "its error is on the server's standard error"
            )
            return "failed"
        worker.problem = " ".join(str(part) for part in detail)
        return str(state)

    def _admit(self, worker: _Worker) -> None:
        worker.listener = asyncio.get_running_loop().create_task(self._listen(worker))
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        """A worker free for the next request: handed to the longest-waiting one, if any."""
        if worker not in self._workers:
            return
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._ready.append(worker)

    async def _take(self, deadline: float) -> _Worker:
        if not self._running:
            await self.start()
        while True:
            worker = self._pick()
            if worker is not None:
                return worker
            if self._replaced:
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
            waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                worker = await asyncio.wait_for(asyncio.shield(waiter), min(remaining, 0.25))
            except TimeoutError:
                if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                    self._release(waiter.result())  # handed over just as the wait ended
                waiter.cancel()
                continue
            if worker in self._workers and worker.process.is_alive():
                return worker

    def _pick(self) -> _Worker | None:
        """Of the workers with room, the one holding fewest requests, not one stalled, its
        place taken; None when there is none. Not asked whether it lives (a system call a
        request): a request sent to a worker that has just died is tried again once its
        listener sees the end."""
        ready = self._ready
        best: _Worker | None = None
        gone = False
        for worker in ready:
            if worker not in self._workers:
                gone = True
            elif not worker.stalled and (best is None or len(worker.requests) < len(best.requests)):
                best = worker
        if gone:
            self._ready = ready = deque(w for w in ready if w in self._workers)
        if best is not None:
            ready.remove(best)
        return best

    def _replace(self, worker: _Worker) -> None:
        """End a worker and start another in its place, taken into use once it is ready."""
        worker.end()
        if worker not in self._workers:
            return  # closed meanwhile
        self._workers.remove(worker)
        task = asyncio.get_running_loop().create_task(self._restart())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _restart(self) -> None:
        while self._running:
            fresh = await self._spawn()
            self._workers.append(fresh)
            state = await self._wait_ready(fresh, time.monotonic() + 120.0)
            if fresh not in self._workers:
                fresh.end()  # the pool was closed meanwhile
                return
            if state == "ready":
                self._admit(fresh)
                return
            self._workers.remove(fresh)
            fresh.end()
            if state == "replaced":
                self._replaced = True  # no worker could open the server's store any more
                return
            await asyncio.sleep(1.0)  # a worker that cannot start is retried, not at once


def _loop_time(loop: asyncio.AbstractEventLoop, monotonic: float) -> float:
    """A time.monotonic() instant on the loop's clock."""
    return loop.time() + (monotonic - time.monotonic())


def _frame(message: object) -> bytes:
    """A message as both sides write it: its pickle's length, then the pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _send(writer: asyncio.StreamWriter, message: object) -> None:
    writer.write(_frame(message))


async def _receive(reader: asyncio.StreamReader) -> tuple[Any, ...]:
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    message: tuple[Any, ...] = pickle.loads(await reader.readexactly(length))
    return message


def _data_of(graph: KnowledgeGraph, scratch: Path, layout: Layout | None) -> _Data:
    """A persistent store is opened by each worker; an in-memory one is dumped for them."""
    if graph.location is not None:
        status = graph.location.stat()
        return _Data(graph.location, None, graph.origins, layout, (status.st_dev, status.st_ino))
    dump = scratch / "graph.nq"
    graph.store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    return _Data(None, dump, graph.origins, layout)


# The worker's side: blocking reads and writes on its end of the socket pair.


def _write_frame(connection: socket.socket, message: object) -> None:
    connection.sendall(_frame(message))


class _Frames:
    """The frames arriving on the worker's socket, read as many bytes at a time as have come:
    a request is usually one read, and the next, already sent, is often in the same one."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = bytearray()

    def _fill(self, size: int) -> None:
        while len(self.buffer) < size:
            chunk = self.connection.recv(max(65536, size - len(self.buffer)))
            if not chunk:
                raise EOFError
            self.buffer += chunk

    def read(self) -> Any:
        self._fill(_LENGTH.size)
        (length,) = _LENGTH.unpack_from(self.buffer)
        end = _LENGTH.size + length
        self._fill(end)
        message = pickle.loads(bytes(self.buffer[_LENGTH.size : end]))
        del self.buffer[:end]
        return message


def _serve(
    connection: socket.socket, data: _Data, limits: Limits, taken: Any, withdrawn: Any
) -> None:
    """A worker: confined (no network, capped memory, a deep stack), it holds the graph and
    answers requests until the socket closes."""
    try:
        deny_network()
        cap_memory(limits.memory_bytes + EVALUATION_STACK_BYTES)
    except (SandboxError, OSError, ValueError) as error:
        _write_frame(connection, ("failed", f"the query process could not be confined: {error}"))
        return
    run_with_deep_stack(lambda: _answer(connection, data, limits, taken, withdrawn))


def _answer(
    connection: socket.socket, data: _Data, limits: Limits, taken: Any, withdrawn: Any
) -> None:
    if not data.current():
        _write_frame(connection, ("replaced",))
        return
    graph = data.graph()
    own = frozenset(graph.graphs())  # the store is read-only: its graphs stay these
    _write_frame(connection, ("ready",))
    frames = _Frames(connection)
    while True:
        try:
            request = frames.read()
        except (EOFError, OSError):
            return
        taken.value += 1  # before it is evaluated: see _Worker.taken
        if taken.value <= withdrawn.value:
            _write_frame(connection, ("retry",))  # withdrawn: another worker answers it
            continue
        _write_frame(connection, _reply(graph, data.layout, limits, request, own))


def _reply(
    graph: KnowledgeGraph,
    layout: Layout | None,
    limits: Limits,
    request: dict[str, Any],
    own: frozenset[str],
) -> tuple[object, ...]:
    formats: dict[str, str] = request.pop("formats", {})
    hide = request.pop("hide_parameters", False)
    deadline: float | None = request.pop("deadline", None)
    if deadline is not None and time.monotonic() >= deadline:
        # It waited behind another query past its own time limit: not started at all.
        return ("refused", 503, f"the query waited past the {limits.seconds:g} s time limit")
    # The engine writes answers itself where it can; rows not when parameter columns are to
    # be hidden.
    try:
        answer = run_guarded(
            graph,
            limits=limits,
            own_graphs=own,
            results_format=None if hide else formats.get("results"),
            graph_format=formats.get("graph"),
            **request,
        )
        if isinstance(answer, EngineWritten):
            return ("written", answer.data, answer.kind)
        if hide and isinstance(answer, QueryResult):
            answer = answer.without_parameters()
        return _written(answer, formats, layout)
    except QueryRefused as error:
        detail = _engine_syntax_message(request, str(error)) if error.syntax else str(error)
        return ("refused", error.status, detail)
    except ImetKgError as error:
        return ("error", str(error))
    except MemoryError:
        return ("refused", 500, "the query needs more memory than a query may use")
    except Exception as error:  # the worker lives on; the request fails alone, unechoed
        return ("refused", 500, f"the query failed ({type(error).__name__})")


def _written(
    answer: Answer, formats: Mapping[str, str], layout: Layout | None
) -> tuple[object, ...]:
    """The answer written in the format asked for its kind, or as terms when none was."""
    if isinstance(answer, list):
        if "graph" in formats and layout is not None:
            return ("written", serialise_triples(answer, formats["graph"], layout), "graph")
    elif "results" in formats:
        return ("written", serialise_result(answer, formats["results"]), "results")
    return ("answer", answer)


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
