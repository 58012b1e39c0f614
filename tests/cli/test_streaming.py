"""Long answers are printed as their rows arrive: the first rows reach the reader while the
query is still being evaluated, in every streamed format; the results writer hands on each
few rows as soon as they have arrived."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.query.results import CHUNK_ROWS, result_chunks, serialise_result
from imet_kg.query.run import RowStream, run_saved_query, stream_saved_query
from imet_kg.store.graph import QueryResult

from ..conftest import DATA, ROOT

EVERY_PAIR = DATA / "streaming" / "every-pair.rq"


def first_output(
    arguments: list[str], enough: Callable[[bytes], bool], seconds: float, cwd: Path
) -> bytes:
    """What a command prints until `enough` of it has come, within `seconds`; the command is
    then ended. Run in `cwd`, where no store is: the curated files are loaded in memory."""
    command = [str(Path(sys.executable).parent / "imet-kg"), "--root", str(ROOT), *arguments]
    environment = {k: v for k, v in os.environ.items() if k != "IMET_KG_STORE"}
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment, cwd=cwd
    )
    assert child.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    received = b""
    deadline = time.monotonic() + seconds
    try:
        while not enough(received) and time.monotonic() < deadline:
            if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                chunk = os.read(child.stdout.fileno(), 65536)
                if not chunk:
                    break
                received += chunk
        assert child.poll() is None, "the query was still being evaluated"
    finally:
        child.kill()
        child.wait()
        selector.close()
        child.stdout.close()
    return received


@pytest.mark.parametrize("answer_format", ["csv", "tsv", "json"])
def test_the_first_rows_print_before_the_answer_is_computed(
    answer_format: str, tmp_path: Path
) -> None:
    arguments = ["sparql", "--file", str(EVERY_PAIR), "--max-rows", "0", "--format", answer_format]
    if answer_format == "json":
        printed = first_output(arguments, lambda out: out.count(b"}},{") >= 2, 90, tmp_path)
        assert printed.startswith(b'{"head":{"vars":["s","o"]},"results":{"bindings":[{')
        return
    printed = first_output(arguments, lambda out: out.count(b"\n") >= 3, 90, tmp_path)
    lines = printed.split(b"\n")[:3]
    if answer_format == "csv":
        assert lines[0] == b"s,o\r"
        assert lines[1].startswith(b"http")
    elif answer_format == "tsv":
        assert lines[0] == b"?s\t?o"
        assert lines[1].startswith(b"<")


def test_a_saved_query_streams_the_same_answer(graph: KnowledgeGraph, layout: Layout) -> None:
    """A saved query's rows come lazily from the store, without its parameter columns, and
    are written as the same bytes as the whole answer."""
    for name, values in (("who-administers", {}), ("country-timeline", {"country": "PK"})):
        _, streamed = stream_saved_query(graph, layout, name, values)
        assert isinstance(streamed, RowStream)
        assert not isinstance(streamed.rows, tuple | list)
        _, whole = run_saved_query(graph, layout, name, values)
        assert isinstance(whole, QueryResult)
        assert streamed.variables == whole.variables
        for answer_format in ("csv", "json"):
            _, again = stream_saved_query(graph, layout, name, values)
            assert isinstance(again, RowStream)
            written = b"".join(result_chunks(again.variables, again.rows, answer_format))
            assert written == serialise_result(whole, answer_format), (name, answer_format)


def test_the_writer_hands_on_rows_as_they_arrive() -> None:
    read = 0

    def rows() -> Iterator[tuple[ox.Literal]]:
        nonlocal read
        for number in range(10 * CHUNK_ROWS):
            read += 1
            yield (ox.Literal(str(number)),)

    for answer_format in ("csv", "tsv", "json"):
        read = 0
        chunks = result_chunks(("n",), rows(), answer_format)
        first = next(chunks)
        if answer_format != "csv":  # the header alone, before any row is read
            assert read == 0
            first = next(chunks)
        assert read <= CHUNK_ROWS + 1, answer_format
        assert b"0" in first
        rest = b"".join(chunks)
        assert read == 10 * CHUNK_ROWS
        assert str(10 * CHUNK_ROWS - 1).encode() in rest
