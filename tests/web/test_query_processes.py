"""The endpoint's query processes: the same answers as evaluating in-thread, and a query past
the time limit ended with its process, which a fresh one replaces."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.errors import ImetKgError
from imet_kg.pipeline.building import refresh_store
from imet_kg.store.graph import QueryResult
from imet_kg.store.persistent import open_store
from imet_kg.web.app import create_app
from imet_kg.web.endpoint import Limits, run_guarded
from imet_kg.web.guard import QueryRefused
from imet_kg.web.processes import QueryProcesses, Written

IMET = "https://w3id.org/imet-kg/ontology#"
OVERSEES = f"SELECT ?a ?p WHERE {{ ?a <{IMET}oversees> ?p }} ORDER BY ?a ?p"
# Every row is computed before the first is returned, so only ending the process stops it.
BLOCKING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Pool:
    """A pool on an event loop of its own, in a thread, called as the server's loop calls
    it: the tests wait for each answer."""

    def __init__(self, graph: KnowledgeGraph, limits: Limits, size: int = 1) -> None:
        self.processes = QueryProcesses(graph, limits, size)
        self.size = size
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def _call(self, work: Coroutine[object, object, object]) -> object:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    def run(self, sparql: str, **options: object) -> object:
        return self._call(self.processes.run(sparql, **options))  # type: ignore[arg-type]

    def start(self, seconds: float = 120.0) -> None:
        self._call(self.processes.start(seconds))

    def pids(self) -> list[int]:
        return self.processes.pids()

    def idle(self) -> int:
        return self.processes.idle()

    def held(self) -> list[int]:
        return self._call(self._held())  # type: ignore[return-value]

    async def _held(self) -> list[int]:
        return self.processes.held()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.processes.close)
        self._call(asyncio.sleep(0))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def pool(graph: KnowledgeGraph) -> Iterator[Pool]:
    processes = Pool(graph, Limits(seconds=3.0, rows=50))
    yield processes
    processes.close()


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def settle(processes: Pool | QueryProcesses) -> None:
    """Wait until every worker, replacements included, is ready (a loaded machine may take a
    while to start a process), so that the next query is not refused as busy."""
    for _ in range(600):
        if processes.idle() == processes.size:
            return
        threading.Event().wait(0.1)
    raise AssertionError("the query processes did not settle within a minute")


def test_answers_equal_in_thread_evaluation(graph: KnowledgeGraph, pool: Pool) -> None:
    limits = Limits(seconds=1.0, rows=50)
    assert pool.run(OVERSEES) == run_guarded(graph, OVERSEES, limits)
    label = f"SELECT ?_agency ?l WHERE {{ ?_agency <{IMET}oversees> ?p ; ?q ?l }} LIMIT 5"
    dod = {"_agency": ox.NamedNode("https://w3id.org/imet-kg/id/agency/dod")}
    assert pool.run(label, substitutions=dod) == run_guarded(
        graph, label, limits, substitutions=dod
    )
    graphs = [g for g in graph.graphs() if g.endswith("/agencies")]
    assert graphs, "the curated agencies graph"
    scoped = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answer = pool.run(scoped, default_graphs=graphs)
    assert answer == run_guarded(graph, scoped, limits, default_graphs=graphs)
    assert isinstance(answer, QueryResult)
    assert 0 < int(answer.rows[0][0].value) < len(graph)  # type: ignore[union-attr]
    construct = f"CONSTRUCT {{ ?a <{IMET}oversees> ?p }} WHERE {{ ?a <{IMET}oversees> ?p }}"
    assert sorted(map(str, pool.run(construct))) == sorted(  # type: ignore[call-overload]
        map(str, run_guarded(graph, construct, limits))  # type: ignore[arg-type]
    )
    assert pool.run(f"ASK {{ ?a <{IMET}oversees> ?p }}") is True


def test_refusals_and_errors_come_back(pool: Pool) -> None:
    with pytest.raises(QueryRefused) as update:
        pool.run("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert update.value.status == 403
    with pytest.raises(QueryRefused) as rows:
        pool.run("SELECT * WHERE { ?s ?p ?o }")
    assert rows.value.status == 422
    with pytest.raises(ImetKgError, match=r"^endpoint-query:1:\d+: expected"):
        pool.run("SELECT ?x WHERE { ?x ", origin="endpoint-query")


def test_a_query_past_the_limit_ends_its_process(pool: Pool) -> None:
    pool.run("ASK {}")
    [before] = pool.pids()
    with pytest.raises(QueryRefused) as late:
        pool.run(BLOCKING)
    assert late.value.status == 503
    assert "time limit" in str(late.value)
    assert not alive(before), "the process evaluating the query is ended"
    settle(pool)  # its replacement may still be starting on a loaded machine
    [after] = pool.pids()
    assert after != before
    assert isinstance(pool.run(OVERSEES), QueryResult), "a fresh process answers next"


def test_a_dead_idle_process_is_replaced(pool: Pool) -> None:
    pool.run("ASK {}")
    [before] = pool.pids()
    os.kill(before, signal.SIGKILL)
    assert pool.run("ASK {}") is True
    assert pool.pids() != [before]


def test_waiting_for_a_busy_process_counts_against_the_limit(graph: KnowledgeGraph) -> None:
    processes = Pool(graph, Limits(seconds=0.5, rows=50))
    try:
        processes.run("ASK {}")
        outcomes: list[str] = []
        blocker = threading.Thread(
            target=lambda: outcomes.append(_refusal(processes, BLOCKING)), daemon=True
        )
        blocker.start()
        threading.Event().wait(0.1)
        waiting = _refusal(processes, "ASK {}")
        blocker.join()
        assert waiting.startswith("503: every query process stayed busy")
        assert outcomes == ["503: the query ran past the 0.5 s time limit"]
        settle(processes)
        assert processes.run("ASK {}") is True
    finally:
        processes.close()


def test_a_query_queued_behind_a_dying_one_goes_to_the_next_process(
    graph: KnowledgeGraph,
) -> None:
    """A worker holds the query it evaluates and the next one, so that it never waits for
    the server between two; when it dies, the query it took gets an error and is not run
    again, and the one it had not taken yet is answered by its replacement."""
    processes = Pool(graph, Limits(seconds=20.0, rows=50))
    try:
        processes.run("ASK {}")
        [worker] = processes.pids()
        outcomes: dict[str, str] = {}
        threads = [
            threading.Thread(
                target=lambda n=name, q=query: outcomes.__setitem__(n, _refusal(processes, q)),
                daemon=True,
            )
            for name, query in (("evaluated", BLOCKING), ("queued", OVERSEES))
        ]
        threads[0].start()
        threading.Event().wait(0.3)
        threads[1].start()
        for _ in range(100):
            if processes.held() == [2]:
                break
            threading.Event().wait(0.05)
        assert processes.held() == [2], "the second query waits in the worker, not the server"
        os.kill(worker, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=30)
        assert outcomes["evaluated"].startswith("500: the query process ended")
        assert outcomes["queued"] == "answered"
        assert processes.pids() != [worker]
    finally:
        processes.close()


def test_a_query_goes_to_the_process_holding_fewest(graph: KnowledgeGraph) -> None:
    """With one process busy with a long query and the other free, a query goes to the free
    one rather than waiting in the busy one's socket."""
    processes = Pool(graph, Limits(seconds=4.0, rows=50), size=2)
    try:
        processes.start()
        outcomes: list[str] = []
        blocker = threading.Thread(
            target=lambda: outcomes.append(_refusal(processes, BLOCKING)), daemon=True
        )
        blocker.start()
        for _ in range(100):
            if sorted(processes.held()) == [0, 1]:
                break
            threading.Event().wait(0.05)
        assert sorted(processes.held()) == [0, 1]
        for _ in range(5):
            assert isinstance(processes.run(OVERSEES), QueryResult)
            assert sorted(processes.held()) == [0, 1], "nothing queued behind the long query"
        blocker.join(timeout=30)
        assert outcomes == ["503: the query ran past the 4 s time limit"]
    finally:
        processes.close()


def test_queries_held_behind_a_stalled_process_are_answered_by_another(
    graph: KnowledgeGraph,
) -> None:
    """A process that stops answering (here, stopped) holds the queries sent to it only
    briefly: they are withdrawn and answered by the other process, well within the time
    limit; once it runs again it passes over what was withdrawn and takes queries again."""
    processes = Pool(graph, Limits(seconds=20.0, rows=50), size=2)
    try:
        processes.start()
        stopped = processes.pids()[0]
        os.kill(stopped, signal.SIGSTOP)
        try:
            # Queries alternate between two idle processes: some are sent to the stopped one.
            for _ in range(4):
                assert isinstance(processes.run(OVERSEES), QueryResult)
            held = dict(zip(processes.pids(), processes.held(), strict=True))
            assert held[stopped] >= 1, "a query was sent to the stopped process"
            [other] = [pid for pid in held if pid != stopped]
            assert held[other] == 0, "the other process answered them all"
        finally:
            os.kill(stopped, signal.SIGCONT)
        for _ in range(100):
            if processes.held() == [0, 0]:
                break
            threading.Event().wait(0.05)
        assert processes.held() == [0, 0], "the withdrawn queries are passed over"
        assert stopped in processes.pids(), "the process lives on"
        for _ in range(4):
            assert isinstance(processes.run(OVERSEES), QueryResult)
        assert processes.idle() == 2
    finally:
        processes.close()


def _refusal(processes: Pool, sparql: str) -> str:
    try:
        processes.run(sparql)
    except QueryRefused as error:
        return f"{error.status}: {error}"
    return "answered"


def test_processes_open_the_persistent_store(
    graph: KnowledgeGraph, layout: Layout, tmp_path: Path
) -> None:
    stored = open_store(refresh_store(layout, graph, tmp_path / "store", print), layout)
    assert stored.location == tmp_path / "store"
    processes = Pool(stored, Limits(seconds=5.0, rows=50))
    try:
        assert processes.run(OVERSEES) == run_guarded(graph, OVERSEES, Limits(rows=50))
        # A rebuild swaps a new store directory in under the running server. The worker
        # that holds the old one answers on; a replacement refuses to open the new one.
        refresh_store(layout, graph, tmp_path / "store", print)
        assert processes.run(OVERSEES) == run_guarded(graph, OVERSEES, Limits(rows=50))
        [worker] = processes.pids()
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(QueryRefused) as replaced:
            processes.run("ASK {}")
        assert replaced.value.status == 503
        assert "was replaced" in str(replaced.value)
        assert "restart the server" in str(replaced.value)
    finally:
        processes.close()
    assert processes.pids() == []


def test_the_endpoint_ends_a_blocking_query(graph: KnowledgeGraph, layout: Layout) -> None:
    app = create_app(graph, layout, limits=Limits(seconds=0.5, rows=100), query_processes=1)
    with TestClient(app) as client:
        site = app.state.site
        [before] = site.processes.pids()  # started with the application, before any query
        assert alive(before)
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert site.processes.pids() == [before]
        late = client.get("/sparql", params={"query": BLOCKING})
        assert late.status_code == 503
        assert "time limit" in late.text
        assert not alive(before)
        settle(site.processes)
        answer = client.get(
            "/sparql",
            params={"query": OVERSEES},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200
        assert answer.json()["results"]["bindings"]
        [after] = site.processes.pids()
    assert not alive(after), "the processes end with the application"


def test_syntax_beyond_sparql_11_is_refused_saying_so(pool: Pool) -> None:
    """Oxigraph reads SPARQL 1.2's LATERAL; the guard's SPARQL 1.1 parser does not, and a
    query the guard cannot read is refused, never run unread."""
    lateral = "SELECT * WHERE { ?s ?p ?o LATERAL { SELECT ?x WHERE { ?s ?q ?x } LIMIT 1 } }"
    with pytest.raises(QueryRefused) as refused:
        pool.run(lateral)
    assert refused.value.status == 400
    assert "takes standard SPARQL 1.1, and the query uses syntax beyond it" in str(refused.value)


def test_a_process_that_dies_at_start_up_is_reported_at_once(graph: KnowledgeGraph) -> None:
    """A memory limit too small to start under: the error comes as soon as the process has
    exited, says so with its exit code, and not after the start-up time limit."""
    import time

    processes = Pool(graph, Limits(seconds=3.0, rows=50, memory_bytes=1 << 20))
    started = time.monotonic()
    with pytest.raises(ImetKgError, match=r"exited at start-up \(exit code -?\d+\)"):
        processes.start(seconds=60)
    assert time.monotonic() - started < 10
    processes.close()


def test_answers_come_back_written_in_the_format_asked_for(
    graph: KnowledgeGraph, pool: Pool
) -> None:
    """The worker writes the answer in the format negotiated for its kind; an answer of a
    kind no format was given for comes back as terms."""
    limits = Limits(seconds=1.0, rows=50)
    formats = {"results": "csv", "graph": "nt"}
    rows = pool.run(OVERSEES, formats=formats)
    assert isinstance(rows, Written)
    assert rows.kind == "results"
    expected = run_guarded(graph, OVERSEES, limits)
    assert isinstance(expected, QueryResult)
    lines = rows.data.decode("utf-8").splitlines()
    assert lines[0] == "a,p"
    assert len(lines) == 1 + len(expected.rows)
    construct = f"CONSTRUCT {{ ?a <{IMET}oversees> ?p }} WHERE {{ ?a <{IMET}oversees> ?p }}"
    triples = pool.run(construct, formats={"results": "csv"})
    assert isinstance(triples, list)
    assert len(triples) == len(expected.rows)
    label = f"SELECT ?_agency ?l WHERE {{ ?_agency <{IMET}oversees> ?p ; ?q ?l }} LIMIT 5"
    dod = {"_agency": ox.NamedNode("https://w3id.org/imet-kg/id/agency/dod")}
    hidden = pool.run(label, substitutions=dod, formats=formats, hide_parameters=True)
    assert isinstance(hidden, Written)
    assert hidden.data.decode("utf-8").splitlines()[0] == "l"
