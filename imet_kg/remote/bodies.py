"""The request bodies of a push: each named graph as an N-Triples file, with what the push
needs to send it whole or in batches and to resume it.

A graph's file is written either by serialising the store's quads of that graph, or, when
the store's N-Quads dump is already written (each import and build writes it), by splitting
that dump: Oxigraph writes a dataset graph by graph, so each graph's lines are together, and
an N-Quads line less its graph term is the N-Triples line. Splitting the dump of the full
store takes seconds; serialising the training records' graph from the store takes 15-18 s,
most of it turning stored terms back into text.

While a file is written, its triples are counted (one a line), the byte at which each batch
starts is noted with the SHA-256 of everything before it (so that a resumed push can tell
that the batches the server already holds are the ones it would send), and blank nodes are
looked for, since a graph holding them must go whole."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, NamedTuple, cast

import pyoxigraph as ox

from imet_kg.store.dumps import DUMPS_FOLDER, NQUADS_DUMP
from imet_kg.store.graph import KnowledgeGraph

# A blank node as a line's subject, or as its object (a literal ends in a quote, a language
# tag or a datatype's IRI, never in a blank node's label).
_BLANK = re.compile(rb'(?:^|\n)_:|\s_:[^\s"]+ \.\n')
_BLOCK = 1 << 24


class Span(NamedTuple):
    """Triples `first` to `last` (exclusive) of a graph, at bytes `start` to `end` of its
    file; `digest` is the SHA-256 of the bytes before `end`."""

    first: int
    last: int
    start: int
    end: int
    digest: str

    @property
    def length(self) -> int:
        return self.end - self.start


class Start(NamedTuple):
    triple: int
    byte: int
    digest: str  # of the bytes before `byte`


class Body(NamedTuple):
    """A graph's N-Triples file and what was learnt writing it."""

    file: IO[bytes]
    triples: int
    blank_nodes: bool
    starts: list[Start]  # each batch's start, then the end of the file

    def whole(self) -> list[Span]:
        end = self.starts[-1]
        return [Span(0, self.triples, 0, end.byte, end.digest)]

    def batches(self) -> list[Span]:
        return [
            Span(a.triple, b.triple, a.byte, b.byte, b.digest)
            for a, b in itertools.pairwise(self.starts)
        ] or self.whole()


class _Writer:
    """Bytes of N-Triples written to a file, counted, hashed and cut into batches of
    `batch` lines as they pass."""

    def __init__(self, file: IO[bytes], batch: int) -> None:
        self.file = file
        self.batch = max(batch, 1)
        self.hash = hashlib.sha256()
        self.starts = [Start(0, 0, self.hash.hexdigest())]
        self.triples = 0
        self.offset = 0
        self.blank = False
        self.tail = b""  # the last line so far, while it is incomplete

    def write(self, data: bytes) -> int:
        self.file.write(data)
        lines = data.count(b"\n")
        done = 0
        while self.triples + lines >= self.starts[-1].triple + self.batch:
            need = self.starts[-1].triple + self.batch - self.triples
            cut = len(data) - len(data[done:].split(b"\n", need)[-1])
            self.hash.update(data[done:cut])
            self.triples += need
            lines -= need
            done = cut
            self.starts.append(Start(self.triples, self.offset + cut, self.hash.hexdigest()))
        self.hash.update(data[done:])
        self.triples += lines
        self.offset += len(data)
        if not self.blank:
            last = data.rfind(b"\n") + 1
            if last:
                text = self.tail + data[:last]
                self.blank = b"_:" in text and _BLANK.search(text) is not None
                self.tail = data[last:]
            else:
                self.tail += data
        return len(data)

    def flush(self) -> None:
        self.file.flush()

    def body(self) -> Body:
        if self.starts[-1].byte != self.offset:
            self.starts.append(Start(self.triples, self.offset, self.hash.hexdigest()))
        return Body(self.file, self.triples, self.blank, self.starts)


def from_store(graph: KnowledgeGraph, name: str, batch: int) -> Body:
    """The graph `name` of the store, serialised into a temporary file."""
    writer = _Writer(_temporary(), batch)
    quads = graph.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
    ox.serialize((quad.triple for quad in quads), cast(IO[bytes], writer), ox.RdfFormat.N_TRIPLES)
    return writer.body()


def split_dump(
    graph: KnowledgeGraph, sizes: Mapping[str, int], batch: int
) -> Iterator[tuple[str, Body]]:
    """The graphs' bodies split out of the store's N-Quads dump, each as soon as its lines
    end, when the dump is written: a graph whose triples are not the store's count for it,
    or whose lines are not together, is left out, and the split ends at a line it cannot
    place (the push serialises what is left out from the store). The caller closes each
    body's file."""
    if graph.location is None:
        return
    dump = graph.location / DUMPS_FOLDER / NQUADS_DUMP
    if not dump.is_file():
        return
    seen: set[str] = set()
    writer: _Writer | None = None
    current = ""
    try:
        for name, block in _graph_blocks(dump, set(sizes)):
            if writer is None or name != current:
                if writer is not None:
                    yield from _checked(current, writer.body(), sizes)
                    writer = None
                if name in seen:
                    raise ValueError(f"{name}: its lines are not together")
                seen.add(name)
                writer, current = _Writer(_temporary(), batch), name
            writer.write(block.replace(f" <{name}> .\n".encode(), b" .\n"))
        if writer is not None:
            yield from _checked(current, writer.body(), sizes)
            writer = None
    except (OSError, EOFError, ValueError, gzip.BadGzipFile):
        return
    finally:
        if writer is not None:
            writer.file.close()


def _checked(name: str, body: Body, sizes: Mapping[str, int]) -> Iterator[tuple[str, Body]]:
    if body.triples == sizes.get(name):
        yield name, body
    else:
        body.file.close()


def _temporary() -> IO[bytes]:
    """A file removed once closed, which the body keeps open until it is sent."""
    return tempfile.TemporaryFile(prefix="imet-kg-push-")


def _graph_blocks(dump: Path, names: set[str]) -> Iterator[tuple[str, bytes]]:
    """The dump's lines in blocks of one graph each; a line in the default graph or in a
    graph not in `names` raises ValueError. A graph's lines are together (Oxigraph writes
    a dataset graph by graph), so the last line of the first line's graph ends its block."""
    for lines in _line_blocks(dump):
        while lines:
            name = _graph_of(lines[: lines.index(b"\n") + 1], names)
            suffix = f" <{name}> .\n".encode()
            cut = len(lines) if lines.endswith(suffix) else lines.rfind(suffix) + len(suffix)
            yield name, lines[:cut]
            lines = lines[cut:]


def _line_blocks(dump: Path) -> Iterator[bytes]:
    """The dump, decompressed, in blocks of whole lines."""
    carry = b""
    with gzip.open(dump, "rb") as source:
        while block := source.read(_BLOCK):
            block = carry + block
            cut = block.rfind(b"\n") + 1
            carry = block[cut:]
            if cut:
                yield block[:cut]
    if carry:
        raise ValueError("the dump ends inside a line")


def _graph_of(line: bytes, names: set[str]) -> str:
    term = line[: -len(b" .\n")].rsplit(b" ", 1)[-1]
    name = term[1:-1].decode("utf-8") if term.startswith(b"<") and term.endswith(b">") else ""
    if name not in names:
        raise ValueError(f"a line outside the store's named graphs: {line[:200]!r}")
    return name
