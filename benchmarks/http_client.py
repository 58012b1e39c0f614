"""What the server benchmarks share: free ports, servers started and stopped, and an HTTP
client that speaks from a loopback address of its own (127.0.0.x), so that each simulated
user is a different client address to the server, as real users are."""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, path: str = "/", seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            Client("127.0.0.1", port).get(path)
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


@contextmanager
def process(command: list[str], port: int, path: str = "/") -> Iterator[subprocess.Popen[bytes]]:
    """A server started by `command`, once it answers `path` on `port`."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, path)
        yield child
    finally:
        child.terminate()
        child.wait(timeout=30)


_addresses = threading.local()
_counter = [0]
_counter_lock = threading.Lock()


def own_address() -> str:
    """A loopback address for the calling thread, the same on every call from it."""
    if not hasattr(_addresses, "address"):
        with _counter_lock:
            _counter[0] += 1
            _addresses.address = f"127.0.0.{10 + _counter[0] % 240}"
    return str(_addresses.address)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Client:
    host: str
    port: int
    source: str = "127.0.0.1"
    timeout: float = 120.0

    def exchange(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request on a connection of its own, from the client's address."""
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout, source_address=(self.source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            answer = {name.lower(): value for name, value in response.getheaders()}
            return Reply(response.status, answer, response.read())
        finally:
            connection.close()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        reply = self.exchange(method, path, body, headers)
        return reply.status, reply.body

    def get(self, path: str, accept: str = "*/*") -> tuple[int, bytes]:
        return self.request("GET", path, headers={"Accept": accept})

    def sparql(self, path: str, query: str, accept: str) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({"query": query}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", path, body, headers)


def summary(latencies: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "seconds": round(seconds, 3),
        "throughput_per_s": round(len(ordered) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 2) if ordered else 0.0,
        "p99_ms": (
            round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2)
            if ordered
            else 0.0
        ),
    }
