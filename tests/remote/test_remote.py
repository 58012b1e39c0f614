"""A real Oxigraph server on loopback: push through the Graph Store Protocol, ask every saved
query there and get the embedded answers, and survive a server killed in the middle of a push."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from imet_kg import KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import load_saved_queries
from imet_kg.remote.client import RemoteError, RemoteGraph, push
from imet_kg.sources.fmtr.importer import import_fmtr
from imet_kg.sparql import internal_query
from imet_kg.store.graph import QueryResult
from imet_kg.store.persistent import open_store

from ..conftest import ROOT
from ..query.test_engines import from_oxigraph

RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
BINARY = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


class OxigraphServer:
    def __init__(self, location: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.location = location
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                BINARY,
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/query?query=ASK%7B%7D", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the Oxigraph server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    running = OxigraphServer(tmp_path / "oxigraph")
    running.start()
    yield running
    running.stop()


def counts(remote: RemoteGraph) -> dict[str, int]:
    result = remote.select(internal_query("graph-sizes"))
    return {row[0].value: int(row[1].value) for row in result.rows if row[0] and row[1]}


def local_counts(graph: KnowledgeGraph) -> dict[str, int]:
    """Counted quad by quad, independently of the SPARQL count on the server."""
    counts: dict[str, int] = {}
    for quad in graph.store:
        assert isinstance(quad.graph_name, ox.NamedNode)
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


def test_push_then_every_saved_query_answers_alike(
    server: OxigraphServer, graph: KnowledgeGraph, layout: Layout
) -> None:
    report = push(graph, f"{server.base}/store")
    assert report.graphs == local_counts(graph)
    remote = RemoteGraph(f"{server.base}/query")
    assert counts(remote) == local_counts(graph)
    for query in load_saved_queries(layout.queries_dir):
        values = {p.name: p.example for p in query.parameters if p.required and p.example}
        _, here = run_saved_query(graph, layout, query.name, values)
        _, there = run_saved_query(remote, layout, query.name, values)
        assert isinstance(here, QueryResult)
        assert isinstance(there, QueryResult)
        assert there.variables == here.variables, query.name
        local_rows = sorted(tuple(from_oxigraph(t) for t in row) for row in here.rows)
        remote_rows = sorted(tuple(from_oxigraph(t) for t in row) for row in there.rows)
        assert remote_rows == local_rows, query.name


@pytest.mark.skipif(not RECORDS.is_file(), reason="../shared/data/fmtr is not beside the checkout")
def test_push_killed_midway_completes_on_rerun(
    server: OxigraphServer, layout: Layout, tmp_path: Path
) -> None:
    records = tmp_path / "records.tsv"
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    records.write_text("".join(lines[:3001]), encoding="utf-8")
    store = tmp_path / "store"
    import_fmtr(layout, records, store)
    graph = open_store(store, layout)
    sent = 0

    def kill_after_some(batch: int) -> None:
        nonlocal sent
        sent += batch
        if sent > 10_000:
            server.stop()

    with pytest.raises(RemoteError):
        push(graph, f"{server.base}/store", batch_size=2_000, progress=kill_after_some)
    server.start()
    remote = RemoteGraph(f"{server.base}/query")
    assert counts(remote) != local_counts(graph)
    report = push(graph, f"{server.base}/store", batch_size=2_000)
    assert report.graphs == local_counts(graph)
    assert counts(remote) == local_counts(graph)


def test_cli_with_endpoint(server: OxigraphServer, graph: KnowledgeGraph) -> None:
    runner = CliRunner()
    pushed = runner.invoke(cli, ["push", "--endpoint", f"{server.base}/store"])
    assert pushed.exit_code == 0, pushed.output
    assert f"Wrote {len(graph.store)} triples" in pushed.output
    answer = runner.invoke(
        cli,
        [
            "--endpoint",
            f"{server.base}/query",
            "query",
            "country-timeline",
            "-p",
            "country=PK",
            "--format",
            "csv",
        ],
    )
    assert answer.exit_code == 0, answer.output
    assert "2018-08,suspension" in answer.output
    refused = runner.invoke(cli, ["--endpoint", f"{server.base}/query", "stats"])
    assert refused.exit_code == 2
    assert "works on the local store" in refused.output
    unreachable = runner.invoke(
        cli, ["--endpoint", "http://127.0.0.1:1/query", "query", "who-administers"]
    )
    assert unreachable.exit_code == 2


def test_export_from_endpoint_equals_local_export(
    server: OxigraphServer, graph: KnowledgeGraph, tmp_path: Path
) -> None:
    push(graph, f"{server.base}/store")
    runner = CliRunner()
    endpoint = ["--endpoint", f"{server.base}/query", "export"]
    trig = runner.invoke(cli, [*endpoint, "--format", "trig", "--output", str(tmp_path / "g.trig")])
    assert trig.exit_code == 0, trig.output
    assert f"({len(graph.store)} quads)" in trig.output
    copied = KnowledgeGraph()
    copied.store.load(path=tmp_path / "g.trig", format=ox.RdfFormat.TRIG)
    assert local_counts(copied) == local_counts(graph)
    assert ground(copied.store) == ground(graph.store)
    nt = runner.invoke(cli, [*endpoint, "--format", "nt", "--output", str(tmp_path / "g.nt")])
    assert nt.exit_code == 0, nt.output
    lines = (tmp_path / "g.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(graph)
    server.stop()
    failed = runner.invoke(cli, [*endpoint, "--format", "nt", "--output", str(tmp_path / "x.nt")])
    assert failed.exit_code == 2
    assert "HTTP" in failed.output or "refused" in failed.output.lower()
    assert not (tmp_path / "x.nt").exists()


def ground(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """The quads without blank nodes, which a copy relabels."""
    return {
        q
        for q in quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def test_a_refused_connection_fails_at_once() -> None:
    """Nothing listens at the address: a typo, said at once, not after 3.5 s of retries."""
    import socket
    import time

    from imet_kg.remote.client import RemoteError, RemoteGraph

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the request: nothing listens
    started = time.monotonic()
    with pytest.raises(RemoteError, match="is the address right and the store running"):
        RemoteGraph(f"http://127.0.0.1:{port}/query").select("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - started < 0.4
