"""The endpoint's query processes: the same answers as evaluating in-thread, and a query past
the time limit ended with its process, which a fresh one replaces."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
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
from imet_kg.web.processes import QueryProcesses

IMET = "https://w3id.org/imet-kg/ontology#"
OVERSEES = f"SELECT ?a ?p WHERE {{ ?a <{IMET}oversees> ?p }} ORDER BY ?a ?p"
# Every row is computed before the first is returned, so only ending the process stops it.
BLOCKING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def pool(graph: KnowledgeGraph) -> Iterator[QueryProcesses]:
    processes = QueryProcesses(graph, Limits(seconds=3.0, rows=50), size=1)
    yield processes
    processes.close()


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def settle(processes: QueryProcesses) -> None:
    """Wait until every worker, replacements included, is ready (a loaded machine may take a
    while to start a process), so that the next query is not refused as busy."""
    for _ in range(600):
        if processes.idle() == processes.size:
            return
        threading.Event().wait(0.1)
    raise AssertionError("the query processes did not settle within a minute")


def test_answers_equal_in_thread_evaluation(graph: KnowledgeGraph, pool: QueryProcesses) -> None:
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
    assert sorted(map(str, pool.run(construct))) == sorted(  # type: ignore[arg-type]
        map(str, run_guarded(graph, construct, limits))  # type: ignore[arg-type]
    )
    assert pool.run(f"ASK {{ ?a <{IMET}oversees> ?p }}") is True


def test_refusals_and_errors_come_back(pool: QueryProcesses) -> None:
    with pytest.raises(QueryRefused) as update:
        pool.run("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert update.value.status == 403
    with pytest.raises(QueryRefused) as rows:
        pool.run("SELECT * WHERE { ?s ?p ?o }")
    assert rows.value.status == 422
    with pytest.raises(ImetKgError, match=r"^endpoint-query:1:\d+: expected"):
        pool.run("SELECT ?x WHERE { ?x ", origin="endpoint-query")


def test_a_query_past_the_limit_ends_its_process(pool: QueryProcesses) -> None:
    pool.run("ASK {}")
    [before] = pool.pids()
    with pytest.raises(QueryRefused) as late:
        pool.run(BLOCKING)
    assert late.value.status == 503
    assert "time limit" in str(late.value)
    assert not alive(before), "the process evaluating the query is ended"
    [after] = pool.pids()
    assert after != before
    settle(pool)
    assert isinstance(pool.run(OVERSEES), QueryResult), "a fresh process answers next"


def test_a_dead_idle_process_is_replaced(pool: QueryProcesses) -> None:
    pool.run("ASK {}")
    [before] = pool.pids()
    os.kill(before, signal.SIGKILL)
    assert pool.run("ASK {}") is True
    assert pool.pids() != [before]


def test_waiting_for_a_busy_process_counts_against_the_limit(graph: KnowledgeGraph) -> None:
    processes = QueryProcesses(graph, Limits(seconds=0.5, rows=50), size=1)
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


def _refusal(processes: QueryProcesses, sparql: str) -> str:
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
    processes = QueryProcesses(stored, Limits(seconds=5.0, rows=50), size=1)
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


def test_syntax_beyond_sparql_11_is_refused_saying_so(pool: QueryProcesses) -> None:
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

    processes = QueryProcesses(graph, Limits(seconds=3.0, rows=50, memory_bytes=1 << 20), 1)
    started = time.monotonic()
    with pytest.raises(ImetKgError, match=r"exited at start-up \(exit code -?\d+\)"):
        processes.start(seconds=60)
    assert time.monotonic() - started < 10
    processes.close()
