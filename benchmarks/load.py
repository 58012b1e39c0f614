"""A bounded load run against the imet-kg server and an Oxigraph server holding the same data.

Each workload sends a fixed number of requests from a fixed number of concurrent clients, each
from a loopback address of its own (distinct users), and records throughput and p50/p99
latency. The SPARQL workloads send the same query text to both
servers; the lookup workload also measures imet-kg's own /id/ dereferencing.

    python -m benchmarks.load [--requests 400] [--clients 8]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.http_client import Client, free_port, own_address, process, summary
from benchmarks.record import header, save
from imet_kg import assemble, default_layout, serialise


def request_sparql(port: int, path: str, query: str, accept: str) -> Callable[[], int]:
    def send() -> int:
        status, body = Client("127.0.0.1", port, own_address()).sparql(path, query, accept)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
        return len(body)

    return send


def request_get(port: int, path: str, accept: str) -> Callable[[], int]:
    def send() -> int:
        status, body = Client("127.0.0.1", port, own_address()).get(path, accept)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
        return len(body)

    return send


def load(send: Callable[[], int], requests: int, clients: int) -> dict[str, float]:
    """Each client thread speaks from its own loopback address, as distinct users do."""
    send()  # warm up
    latencies: list[float] = []

    def timed(_: int) -> None:
        start = time.perf_counter()
        send()
        latencies.append(time.perf_counter() - start)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(timed, range(requests)))
    return {"clients": clients, **summary(latencies, time.perf_counter() - began)}


def run(requests: int, clients: int) -> dict[str, object]:
    layout = default_layout()
    graph, _ = assemble(layout)
    describe = (Path(__file__).parent / "queries" / "describe-dod.rq").read_text(encoding="utf-8")
    saved = (layout.queries_dir / "who-administers.rq").read_text(encoding="utf-8")
    imet, oxigraph = free_port(), free_port()
    results: dict[str, dict[str, float]] = {}
    work = Path(tempfile.mkdtemp(prefix="imet-kg-load-"))
    try:
        dump = work / "graph.trig"
        dump.write_bytes(serialise(graph, "trig", layout))
        store = work / "oxigraph"
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        subprocess.run([binary, "load", "--location", str(store), "--file", str(dump)], check=True)
        # An empty store directory: imet-kg serves the curated graph, as Oxigraph does.
        (work / "no-store").mkdir()
        serve_imet = [
            *[sys.executable, "-m", "imet_kg.cli.commands", "--store", str(work / "no-store")],
            *["serve", "--port", str(imet)],
        ]
        serve_oxigraph = [
            binary,
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{oxigraph}",
            "--union-default-graph",
        ]
        with process(serve_imet, imet), process(serve_oxigraph, oxigraph, "/query?query=ASK{}"):
            json_results = "application/sparql-results+json"
            results["lookup: imet-kg GET /id/agency/dod (Turtle)"] = load(
                request_get(imet, "/id/agency/dod", "text/turtle"), requests, clients
            )
            results["lookup: imet-kg /sparql, describe query"] = load(
                request_sparql(imet, "/sparql", describe, "text/turtle"), requests, clients
            )
            results["lookup: Oxigraph /query, same describe query"] = load(
                request_sparql(oxigraph, "/query", describe, "text/turtle"), requests, clients
            )
            results["saved query: imet-kg /api/queries/who-administers"] = load(
                request_get(imet, "/api/queries/who-administers", json_results), requests, clients
            )
            results["saved query: imet-kg /sparql, who-administers text"] = load(
                request_sparql(imet, "/sparql", saved, json_results), requests, clients
            )
            results["saved query: Oxigraph /query, same text"] = load(
                request_sparql(oxigraph, "/query", saved, json_results), requests, clients
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        **header("load"),
        "triples": len(graph),
        "results": results,
    }


def markdown(report: dict[str, object]) -> str:
    lines = [
        f"# Load run, {report['date']}",
        "",
        f"Machine: {json.dumps(report['machine'])}. Graph: {report['triples']} triples.",
        "",
        "| workload | requests | clients | throughput (req/s) | p50 (ms) | p99 (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    results = report["results"]
    assert isinstance(results, dict)
    for name, figures in results.items():
        lines.append(
            f"| {name} | {figures['requests']} | {figures['clients']} | "
            f"{figures['throughput_per_s']} | {figures['p50_ms']} | {figures['p99_ms']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    arguments = parser.parse_args()
    report = run(arguments.requests, arguments.clients)
    save("load", report, markdown(report))


if __name__ == "__main__":
    main()
