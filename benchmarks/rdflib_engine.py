"""rdflib's own SPARQL engine on the same data, in a worker process, so that a query it cannot
finish within the time limit is stopped (by ending the worker) instead of stalling the run.

The worker loads an N-Triples dump once, then answers queries sent as JSON lines:
{"sparql": TEXT, "bindings": {NAME: N-Triples term}} -> {"seconds": S, "rows": N}.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from imet_kg.terms import OxTerm


class RdflibWorker:
    """A worker process holding the dump in an rdflib Graph."""

    def __init__(self, dump: Path, load_limit: float = 1800) -> None:
        self.dump = dump
        self.load_limit = load_limit
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str] = queue.Queue()
        self.pump: threading.Thread | None = None
        self.load_seconds = 0.0

    def start(self) -> float:
        """Start the worker and wait until it has loaded the dump; the seconds it took."""
        self.lines = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.rdflib_engine", str(self.dump)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.pump = threading.Thread(
            target=_pump, args=(self.process.stdout, self.lines), daemon=True
        )
        self.pump.start()
        answer = self._read(self.load_limit)
        if answer is None:
            self.stop()
            raise RuntimeError(f"rdflib did not load {self.dump} within {self.load_limit} s")
        self.load_seconds = float(answer["loaded"])
        return self.load_seconds

    def ask(
        self, sparql: str, bindings: dict[str, OxTerm], limit: float
    ) -> dict[str, float] | None:
        """Seconds and rows for one query, or None when it ran past `limit` seconds (the
        worker is then restarted for the next query)."""
        if self.process is None:
            self.start()
        assert self.process is not None
        assert self.process.stdin is not None
        request = {"sparql": sparql, "bindings": {k: str(v) for k, v in bindings.items()}}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self._read(limit)
        if answer is None:
            self.stop()
        return answer

    def _read(self, limit: float) -> dict[str, float] | None:
        try:
            line = self.lines.get(timeout=limit)
        except queue.Empty:
            return None
        if not line:
            raise RuntimeError("the rdflib worker ended without an answer")
        answer: dict[str, float] = json.loads(line)
        return answer

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            if self.process.stdin is not None:
                self.process.stdin.close()
            if self.pump is not None:
                self.pump.join(timeout=10)  # it closes stdout at the end of the stream
            self.process = None


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)
    stream.close()
    lines.put("")


def _serve(dump: Path) -> None:
    import rdflib
    from rdflib.term import Identifier
    from rdflib.util import from_n3

    start = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(dump, format="nt")
    print(json.dumps({"loaded": time.perf_counter() - start, "triples": len(graph)}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        bindings: dict[str, Identifier] = {}
        for name, term in request["bindings"].items():
            node = from_n3(term)
            assert isinstance(node, Identifier)
            bindings[name] = node
        start = time.perf_counter()
        result = graph.query(request["sparql"], initBindings=bindings)
        rows = 1 if result.type == "ASK" else len(list(result))
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "rows": rows}), flush=True)


def oxigraph_rows(answer: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean) -> int:
    """Rows (or triples) in a pyoxigraph answer, counted as the worker counts them."""
    if isinstance(answer, ox.QueryBoolean):
        return 1
    return sum(1 for _ in answer)


if __name__ == "__main__":
    _serve(Path(sys.argv[1]))
