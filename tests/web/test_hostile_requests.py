"""`imet-kg serve` as it runs in public, attacked on loopback: queries that try to leave the
dataset (while a listener counts the connections that reach it), queries built to exhaust a
worker, clients that hog the query processes or send their requests slowly, and the headers
every answer carries."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.http_client import Client, free_port

from ..conftest import ROOT
from .listener import MARKER, CountingListener

IMET_KG = str(Path(sys.executable).with_name("imet-kg"))
TIMEOUT = 4.0
REQUEST_TIMEOUT = 1.0
BLOCKING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        source: str = "127.0.0.1",
    ) -> tuple[int, dict[str, str], str]:
        reply = Client("127.0.0.1", self.port, source, timeout=60).exchange(
            method, path, body, headers
        )
        return reply.status, reply.headers, reply.body.decode("utf-8", errors="replace")

    def query(self, sparql: str, source: str = "127.0.0.1") -> tuple[int, str]:
        status, _, text = self.request(
            "GET",
            "/sparql?" + urllib.parse.urlencode({"query": sparql}),
            headers={"Accept": "application/sparql-results+json"},
            source=source,
        )
        return status, text

    def workers(self) -> set[int]:
        """The query processes (multiprocessing also starts a resource tracker: not one)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue  # ended meanwhile
            parent = int(stat.rpartition(")")[2].split()[1])
            if parent == self.process.pid and b"spawn_main" in command:
                found.add(int(entry.name))
        return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    folder = tmp_path_factory.mktemp("serve")
    log = folder / "server.log"
    environment = {k: v for k, v in os.environ.items() if k != "IMET_KG_STORE"}
    with log.open("wb") as log_stream:
        process = subprocess.Popen(
            [
                IMET_KG,
                "--root",
                str(ROOT),
                "serve",
                "--port",
                str(port),
                "--timeout",
                str(TIMEOUT),
                "--query-processes",
                "2",
                "--client-queries",
                "1",
                "--query-memory",
                "256",
                "--request-timeout",
                str(REQUEST_TIMEOUT),
            ],
            cwd=folder,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log_stream,
        )
    running = Server(port, process)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if running.request("GET", "/sparql?query=ASK%7B%7D")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError("the server did not start: " + log.read_text(errors="replace"))
    yield running
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def smuggling_forms(url: str) -> list[str]:
    base, _, path = url.rpartition("/")
    triple = "?s ?p ?o"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #x\rSERVICE <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #x\r\nSERVICE <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ ?s ?p true.SERVICE <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ ?s ?p 1.SERVICE <{url}> {{ {triple} }} }}",
        f"select * where {{ service <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ VALUES ?x {{ <{url}> }} SERVICE ?x {{ {triple} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ {triple} }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{url}> {{ {triple} }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER NOT EXISTS {{ SERVICE <{url}> {{ {triple} }} }} }}",
        f"SELECT * WHERE {{ BIND(EXISTS {{ SERVICE <{url}> {{ {triple} }} }} AS ?e) }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ {triple} }} }} }} }}",
        f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{url}> {{ {triple} }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{url}> {{ {triple} }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ {triple} }} }} }}",
        f"PREFIX x: <{base}/> SELECT * WHERE {{ SERVICE x:{path} {{ {triple} }} }}",
        f"BASE <{base}/> SELECT * WHERE {{ SERVICE <{path}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ {triple} }} }}",
        f"SELECT * WHERE {{ SERVICE\t\n<{url}>{{{triple}}} }}",
        f"ASK {{ SERVICE <{url}> {{ {triple} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ {triple} }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ {triple} }} }}",
        f"SELECT * FROM <{url}> WHERE {{ {triple} }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ {triple} }} }}",
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}> INTO GRAPH <urn:x>",
        f"SELECT * WHERE {{ {triple} }} ; LOAD <{url}>",
    ]


def test_no_query_form_reaches_an_internal_service(server: Server) -> None:
    with CountingListener() as listener:
        forms = smuggling_forms(listener.url)
        answers = []
        for sparql in forms:
            answers.append(server.query(sparql))
            status, _, text = server.request(
                "POST",
                "/sparql",
                body=sparql.encode(),
                headers={"Content-Type": "application/sparql-query"},
            )
            answers.append((status, text))
            status, _, text = server.request(
                "POST",
                "/sparql",
                body=urllib.parse.urlencode({"query": sparql}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            answers.append((status, text))
        for parameter in ("default-graph-uri", "named-graph-uri"):
            path = "/sparql?" + urllib.parse.urlencode(
                {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", parameter: listener.url}
            )
            status, _, text = server.request("GET", path)
            answers.append((status, text))
        time.sleep(0.5)
        assert listener.connections == 0
    assert len(answers) == 3 * len(forms) + 2
    for status, text in answers:
        assert 400 <= status < 500, text
        assert MARKER not in text


def test_security_headers_on_every_answer(server: Server) -> None:
    for path in ("/", "/sparql", "/id/agency/dod", "/api/queries", "/no/such/page"):
        _, headers, _ = server.request(
            "GET", path, headers={"Origin": "https://elsewhere.example", "Cookie": "a=b"}
        )
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]
        assert headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in headers


def test_deep_nesting_is_refused_without_harming_a_worker(server: Server) -> None:
    before = server.workers()
    nested = "SELECT * WHERE " + "{ " * 30_000 + "?s ?p ?o" + " }" * 30_000
    status, _, text = server.request(
        "POST",
        "/sparql",
        body=nested.encode()[: 64 * 1024 - 10],
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 400
    assert "nests brackets" in text
    assert server.query("ASK { ?s ?p ?o }")[0] == 200
    assert server.workers() == before


def test_long_get_queries_meet_the_same_limit_as_bodies(server: Server) -> None:
    long = "ASK { ?s ?p ?o } #" + "x" * 100_000
    assert server.query(long)[0] == 414
    # A URL past the HTTP parser's 64 KiB is refused before the application sees it,
    # saying how to send a long query.
    status, text = server.query("ASK { ?s ?p ?o } #" + "x" * 70_000)
    assert status == 414
    assert "POST" in text


def test_a_query_that_kills_its_worker_is_answered_and_not_retried(server: Server) -> None:
    before = server.workers()
    assert len(before) == 2
    # five million distinct strings: far past the 256 MiB the server gives a query
    hog = (
        "SELECT (COUNT(DISTINCT ?x) AS ?n) "
        "WHERE { ?a ?b ?c . ?d ?e ?f "
        "BIND(CONCAT(STR(?a), STR(?b), STR(?c), STR(?d), STR(?e), STR(?f), STR(?a)) AS ?x) }"
    )
    status, text = server.query(hog)
    assert status == 500
    assert "was not run again" in text
    deadline = time.monotonic() + 60
    while len(server.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    after = server.workers()
    assert len(before - after) == 1  # one worker ended: the request was not tried on another
    time.sleep(1.0)
    assert server.query("ASK { ?s ?p ?o }")[0] == 200


def test_one_client_cannot_hold_every_query_process(server: Server) -> None:
    outcomes: list[tuple[int, str]] = []
    hogs = [
        threading.Thread(target=lambda: outcomes.append(server.query(BLOCKING))) for _ in range(3)
    ]
    for hog in hogs:
        hog.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _ = server.query("ASK { ?s ?p ?o }", source="127.0.0.2")
    waited = time.monotonic() - started
    for hog in hogs:
        hog.join()
    assert status == 200
    assert waited < TIMEOUT / 2  # the other client's query did not wait behind the hogs
    statuses = sorted(status for status, _ in outcomes)
    assert statuses.count(503) == 1  # the one that held the client's slot ran to the limit
    assert statuses.count(429) == 2  # the others gave up waiting for that slot
    assert any("queries running" in text for status, text in outcomes if status == 429)


def _held_open(port: int, data: bytes) -> float:
    """Seconds until the server closes a connection that sent `data` and then stalled."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(15)
        started = time.monotonic()
        connection.sendall(data)
        try:
            while connection.recv(4096):
                pass
        except ConnectionResetError:
            pass
        return time.monotonic() - started


def test_slow_clients_are_dropped(server: Server) -> None:
    half_line = _held_open(server.port, b"GET /sparql?query=ASK")
    half_headers = _held_open(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n")
    half_body = _held_open(
        server.port,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 200\r\n\r\nASK {",
    )
    silent = _held_open(server.port, b"")
    for held in (half_line, half_headers, half_body, silent):
        assert REQUEST_TIMEOUT * 0.8 < held < REQUEST_TIMEOUT + 3


def test_a_slow_answer_is_not_cut_off_by_the_request_deadline(server: Server) -> None:
    started = time.monotonic()
    status, text = server.query(BLOCKING, source="127.0.0.3")
    assert status == 503, text  # the query's own time limit, longer than the request deadline
    assert time.monotonic() - started > REQUEST_TIMEOUT * 2


def test_an_endless_request_head_is_refused(server: Server) -> None:
    """Headers sent without end, fast enough to beat the request deadline, are cut off at
    the head limit with 431, not read into memory."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        answer = b""
        try:
            for _ in range(10_000):
                connection.sendall(b"X-Padding: " + b"y" * 1000 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while chunk := connection.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]
    assert answer.count(b"HTTP/1.1") == 1
