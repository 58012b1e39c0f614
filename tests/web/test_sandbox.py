"""The second layer: a process confined by `sandbox.deny_network` opens no connection, by any
route (a socket, urllib, Oxigraph's SERVICE), even with no guard in front of it."""

from __future__ import annotations

import multiprocessing
import resource
import socket
from multiprocessing.connection import Connection

import pytest

from imet_kg.web.sandbox import SandboxError, cap_memory, deny_network, network_filter

from .listener import MARKER, CountingListener


def _attempts(url: str, port: int, confine: bool, report: Connection) -> None:
    """Try every way out, and report what each did."""
    import urllib.request

    import pyoxigraph as ox

    if confine:
        deny_network()
    outcomes: dict[str, str] = {}
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        outcomes["socket"] = "connected"
    except OSError as error:
        outcomes["socket"] = type(error).__name__
    try:
        socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close()
        outcomes["ipv6"] = "opened"
    except OSError as error:
        outcomes["ipv6"] = type(error).__name__
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
        outcomes["unix"] = "opened"
    except OSError as error:
        outcomes["unix"] = type(error).__name__
    try:
        urllib.request.urlopen(url, timeout=2)
        outcomes["urllib"] = "answered"
    except Exception as error:
        outcomes["urllib"] = type(error).__name__ + " " + str(error)
    try:
        service = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        solutions = ox.Store().query(service)
        assert isinstance(solutions, ox.QuerySolutions)
        outcomes["service"] = str(list(solutions))
    except Exception as error:
        outcomes["service"] = type(error).__name__ + " " + str(error)
    report.send(outcomes)


def _run(url: str, port: int, *, confine: bool) -> dict[str, str]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_attempts, args=(url, port, confine, child))
    process.start()
    assert parent.poll(60), "the probe process did not report"
    outcomes: dict[str, str] = parent.recv()
    process.join(timeout=10)
    return outcomes


def test_an_unconfined_process_reaches_the_listener() -> None:
    """The probe works: without the filter it connects (so the next test can fail)."""
    with CountingListener() as listener:
        outcomes = _run(listener.url, listener.port, confine=False)
    assert outcomes["socket"] == "connected"
    assert listener.connections >= 2  # the socket, and at least urllib or SERVICE


def test_a_confined_process_opens_no_connection_by_any_route() -> None:
    with CountingListener() as listener:
        outcomes = _run(listener.url, listener.port, confine=True)
    assert listener.connections == 0
    assert outcomes["socket"] == "PermissionError"
    assert outcomes["ipv6"] == "PermissionError"
    assert outcomes["unix"] == "PermissionError"
    assert outcomes["urllib"].startswith("URLError")
    assert outcomes["service"].startswith("PermissionError")
    assert MARKER not in " ".join(outcomes.values())


def test_unknown_architectures_are_refused_not_left_open() -> None:
    with pytest.raises(SandboxError, match="no network filter for the sparc64"):
        network_filter("sparc64")
    program = network_filter("x86_64")
    assert len(program) % 8 == 0  # whole BPF instructions


def _capped(limit: int, report: Connection) -> None:
    cap_memory(limit)
    try:
        block = bytearray(limit * 2)
        report.send(f"allocated {len(block)}")
    except MemoryError:
        report.send("MemoryError")


def test_memory_cap_stops_a_large_allocation() -> None:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    limit = 1024 * 2**20
    process = context.Process(target=_capped, args=(limit, child))
    process.start()
    assert parent.poll(60)
    assert parent.recv() == "MemoryError"
    process.join(timeout=10)
    # this process is not capped by having run the test
    assert resource.getrlimit(resource.RLIMIT_DATA)[0] != limit
