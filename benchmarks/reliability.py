"""A bounded reliability run: normal users beside hostile clients, on loopback only.

`imet-kg serve` runs as it does in public. Normal users (each from a loopback address of its
own) send a fixed mix of lookups, pages and saved queries, first alone (the quiet run), then
again while hostile clients run beside them: heavy aggregates that run to the time limit,
60 KiB queries nested 30,000 deep, and slow clients that open connections and send their
requests a few bytes at a time. Every loop is bounded in count and time and stops by itself.
The normal users' throughput, p50, p99 and errors are recorded for both runs, with the
targets: p99 within 3 x the quiet run's, and no errors.

    python -m benchmarks.reliability [--requests 250] [--users 6] [--store DIR]
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks.http_client import Client, free_port, process, summary
from benchmarks.record import header, save

TIME_LIMIT = 5.0
REQUEST_TIMEOUT = 3.0
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NESTED = ("SELECT * WHERE " + "{ " * 30_000 + "?s ?p ?o" + " }" * 30_000).encode()[: 64 * 1024]
JSON = "application/sparql-results+json"


def normal_mix(port: int, source: str) -> list[Callable[[], int]]:
    """One user's requests, in turn: a Turtle lookup, an HTML page, two saved queries."""
    client = Client("127.0.0.1", port, source)
    return [
        lambda: client.get("/id/agency/dod", "text/turtle")[0],
        lambda: client.get("/id/country/PK", "text/html")[0],
        lambda: client.get("/api/queries/who-administers", JSON)[0],
        lambda: client.get("/api/queries/country-timeline?country=PK", JSON)[0],
    ]


def normal_users(port: int, users: int, requests: int) -> dict[str, object]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def user(number: int) -> None:
        mix = normal_mix(port, f"127.0.0.{20 + number}")
        for index in range(requests):
            started = time.perf_counter()
            try:
                status = str(mix[index % len(mix)]())
            except OSError as error:
                status = type(error).__name__
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures = summary(latencies, time.perf_counter() - began)
    errors = sum(n for status, n in statuses.items() if status != "200")
    return {**figures, "users": users, "errors": errors, "statuses": dict(statuses)}


class Hostile:
    """The hostile clients, each in its own thread, until `stop` is set (and never more than
    `budget` requests each)."""

    def __init__(self, port: int, budget: int = 500) -> None:
        self.port = port
        self.budget = budget
        self.stop = threading.Event()
        self.outcomes: dict[str, Counter[str]] = {}
        self.threads = [
            threading.Thread(target=self._loop, args=(name, send), daemon=True)
            for name, send in (
                ("heavy aggregate", self._heavy),
                ("heavy aggregate, second connection", self._heavy),
                ("nested query", self._nested),
                ("slow clients", self._slow),
            )
        ]

    def __enter__(self) -> Hostile:
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # let the hostile load take hold before the users start
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=TIME_LIMIT * 3)

    def _loop(self, name: str, send: Callable[[], str]) -> None:
        counts = self.outcomes.setdefault(name, Counter())
        for _ in range(self.budget):
            if self.stop.is_set():
                return
            try:
                counts[send()] += 1
            except OSError as error:
                counts[type(error).__name__] += 1

    def _heavy(self) -> str:
        return str(Client("127.0.0.1", self.port, "127.0.0.2").sparql("/sparql", HEAVY, JSON)[0])

    def _nested(self) -> str:
        client = Client("127.0.0.1", self.port, "127.0.0.3")
        headers = {"Content-Type": "application/sparql-query", "Accept": JSON}
        return str(client.request("POST", "/sparql", NESTED, headers)[0])

    def _slow(self) -> str:
        """Twenty connections that each send half a request line, then stall, until the
        server drops them; how many were dropped."""
        sockets = []
        for _ in range(20):
            connection = socket.create_connection(
                ("127.0.0.1", self.port),
                timeout=REQUEST_TIMEOUT * 4,
                source_address=("127.0.0.4", 0),
            )
            connection.sendall(b"GET /id/agency/dod HTTP/1.1\r\nHost: x\r\n")
            sockets.append(connection)
        dropped = 0
        for connection in sockets:
            try:
                dropped += connection.recv(1) == b""
            except OSError:
                dropped += 1
            finally:
                connection.close()
        return f"{dropped} of 20 dropped"


def run(requests: int, users: int, store: Path | None) -> dict[str, object]:
    port = free_port()
    data = f"the store at {store}" if store else "the curated graph (an empty store)"
    with tempfile.TemporaryDirectory(prefix="imet-kg-reliability-") as work:
        if store is None:
            store = Path(work) / "empty-store"  # the curated graph alone
            store.mkdir()
        command = [
            *[sys.executable, "-m", "imet_kg.cli.commands", "--store", str(store), "serve"],
            *["--port", str(port), "--timeout", str(TIME_LIMIT)],
            *["--request-timeout", str(REQUEST_TIMEOUT)],
        ]
        with process(command, port, "/sparql?query=ASK%7B%7D"):
            normal_users(port, users, 8)  # warm the pages and saved queries
            quiet = normal_users(port, users, requests)
            with Hostile(port) as hostile:
                attacked = normal_users(port, users, requests)
            outcomes = {name: dict(counts) for name, counts in hostile.outcomes.items()}
    quiet_p99 = float(str(quiet["p99_ms"]))
    attacked_p99 = float(str(attacked["p99_ms"]))
    return {
        **header("reliability"),
        "store": data,
        "server": {"time_limit_s": TIME_LIMIT, "request_timeout_s": REQUEST_TIMEOUT},
        "quiet": quiet,
        "with hostile clients": attacked,
        "hostile outcomes": outcomes,
        "p99 ratio": round(attacked_p99 / quiet_p99, 2) if quiet_p99 else None,
        "targets": {"p99 ratio at most": 3.0, "errors": 0},
        "met": attacked_p99 <= 3 * quiet_p99 and attacked["errors"] == 0 == quiet["errors"],
    }


def markdown(report: dict[str, object]) -> str:
    lines = [
        f"# Reliability run, {report['date']}",
        "",
        f"Machine: {json.dumps(report['machine'])}. Data: {report['store']}. "
        f"Server: {json.dumps(report['server'])}.",
        "",
        "| normal users | requests | users | throughput (req/s) | p50 (ms) | p99 (ms) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("quiet", "with hostile clients"):
        run_figures = report[name]
        assert isinstance(run_figures, dict)
        lines.append(
            f"| {name} | {run_figures['requests']} | {run_figures['users']} | "
            f"{run_figures['throughput_per_s']} | {run_figures['p50_ms']} | "
            f"{run_figures['p99_ms']} | {run_figures['errors']} |"
        )
    lines += [
        "",
        f"p99 with hostile clients / quiet: {report['p99 ratio']} (target: at most 3). "
        f"Normal users' errors: target 0. Targets met: {report['met']}.",
        "",
        "| hostile client | outcomes (status: count) |",
        "| --- | --- |",
    ]
    outcomes = report["hostile outcomes"]
    assert isinstance(outcomes, dict)
    for name, counts in outcomes.items():
        lines.append(f"| {name} | {json.dumps(counts)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=250, help="requests per user and run")
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--store", type=Path, help="a persistent store to serve")
    arguments = parser.parse_args()
    report = run(arguments.requests, arguments.users, arguments.store)
    save(
        "reliability" if arguments.store is None else "reliability-store", report, markdown(report)
    )


if __name__ == "__main__":
    main()
