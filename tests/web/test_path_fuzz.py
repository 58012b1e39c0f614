"""Any byte sequence in a path gets a 4xx (or an answer), never a 5xx: random and crafted
paths under every route, sent as raw bytes to a real server on loopback. And dumps: built
once however many ask at the same moment, and no scratch folder left when the server stops."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.web.app import create_app

from ..conftest import server_in_thread

ROUTES = [
    "/id/",
    "/id/agency/",
    "/ontology.",
    "/api/queries/",
    "/dumps/",
    "/network/",
    "/static/",
    "/",
]
CRAFTED = [
    b" ",
    b"<",
    b">",
    b'"',
    b"{",
    b"}",
    b"|",
    b"\\",
    b"^",
    b"`",
    b"%",
    b"%%",
    b"%zz",
    b"%00",
    b"%0d%0a",
    b"%ff%fe",
    b"%c0%af",
    b"%e2%80%ae",
    b"..",
    b"../../etc/passwd",
    b"%2e%2e/%2e%2e",
    b"agency/dod%00.ttl",
    b"agency/dod.ttl.ttl",
    b"agency/dod.",
    b".ttl",
    b"x" * 8000,
    b"%u0041",
    b"\xff\xfe",
    b"\xc3\x28",
    b"agency/dod?x=%",
    b"agency/dod#frag",
    b"//",
    b"a//b",
    b"country/PK.jsonld",
    b"country/PK.nope",
    b"%3Cscript%3E",
    b"\t",
    b"\x7f",
]


@pytest.fixture(scope="module")
def port(graph: KnowledgeGraph, layout: Layout) -> Iterator[int]:
    with server_in_thread(create_app(graph, layout, query_processes=1)) as port:
        yield port


def status_of(port: int, target: bytes) -> int | None:
    """The status line's code for GET `target`, or None when the server closed without one
    (which it does only for a request line it cannot parse at all)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
            if b"\r\n" in answer:
                break
    if not answer.startswith(b"HTTP/1.1 "):
        return None
    return int(answer[9:12])


def paths(count: int) -> list[bytes]:
    rng = random.Random(20261202)
    made = [route.encode() + crafted for route in ROUTES for crafted in CRAFTED]
    while len(made) < count:
        route = rng.choice(ROUTES).encode()
        if rng.random() < 0.5:
            tail = bytes(rng.randrange(33, 256) for _ in range(rng.randrange(1, 40)))
        else:
            tail = "".join(
                f"%{rng.randrange(256):02x}" for _ in range(rng.randrange(1, 20))
            ).encode()
        made.append(route + tail)
    return made


def test_no_path_gets_a_server_error(port: int) -> None:
    answers: dict[int | None, int] = {}
    failures = []
    for target in paths(2500):
        status = status_of(port, target)
        answers[status] = answers.get(status, 0) + 1
        if status is not None and status >= 500:
            failures.append((target[:80], status))
    assert failures == []
    assert sum(n for s, n in answers.items() if s is not None and 400 <= s < 500) > 2000
    assert status_of(port, b"/id/agency/dod") in (200, 303)  # and it still answers


def test_a_dump_is_built_once_however_many_ask(
    graph: KnowledgeGraph, layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imet_kg.store.formats import export as real

    calls: list[str] = []

    def counted(*arguments: object) -> Path:
        calls.append(str(arguments[1]))
        time.sleep(0.5)  # long enough for every request to arrive while it runs
        return real(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr("imet_kg.store.dumps.export", counted)
    app = create_app(graph, layout, query_processes=1)
    with TestClient(app) as client:
        bodies: list[bytes] = []
        threads = [
            threading.Thread(target=lambda: bodies.append(client.get("/dumps/imet-kg.nt").content))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        scratch = app.state.site.dump_dir
        assert scratch.is_dir()
    assert calls == ["nt"]
    assert len(set(bodies)) == 1
    assert bodies[0].count(b"\n") == len(graph)
    assert not scratch.exists()  # removed when the server stopped
