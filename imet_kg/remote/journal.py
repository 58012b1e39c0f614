"""What earlier pushes got written, kept in a small JSON file beside the local store, so that a
push re-run after a failure resumes instead of starting again.

For each Graph Store endpoint and each graph: the SHA-256 of the graph's N-Triples as the push
serialises them, its triples, and how many of them the server has acknowledged (all of them
once the graph is complete). A graph's entry is set back to none acknowledged before its
first request is sent, so that an interrupted request can never be taken for a finished one.
The file is rewritten whole, through a temporary file and a rename, after each change."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import NamedTuple

from imet_kg.fileio import atomic_write


class Entry(NamedTuple):
    digest: str
    triples: int
    sent: int  # triples the server has acknowledged, in the order the push sends them


class PushJournal:
    """The entries of one endpoint in the journal file `path` (None: a journal kept in memory
    only, for a graph that has no store on disk)."""

    def __init__(self, path: Path | None, endpoint: str) -> None:
        self.path = path
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._all: dict[str, dict[str, dict[str, object]]] = _read(path)

    def entry(self, graph: str) -> Entry | None:
        found = self._all.get(self.endpoint, {}).get(graph)
        if not isinstance(found, dict):
            return None
        digest, triples, sent = found.get("digest"), found.get("triples"), found.get("sent")
        if not isinstance(digest, str) or not isinstance(triples, int):
            return None
        if not isinstance(sent, int):
            return None
        return Entry(digest, triples, sent)

    def record(self, graph: str, entry: Entry) -> None:
        with self._lock:
            self._all.setdefault(self.endpoint, {})[graph] = entry._asdict()
            if self.path is not None:
                text = json.dumps(self._all, indent=1, sort_keys=True) + "\n"
                atomic_write(self.path, text.encode("utf-8"))


def _read(path: Path | None) -> dict[str, dict[str, dict[str, object]]]:
    """The journal's content; an unreadable or malformed file counts as empty (the push then
    writes every graph afresh, which is always correct)."""
    if path is None:
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(content, dict):
        return {}
    return {key: value for key, value in content.items() if isinstance(value, dict)}
