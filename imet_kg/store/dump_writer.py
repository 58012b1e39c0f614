"""The process that writes a published store version's dumps, started by the build or import
that published it and left running when that command ends: `start` spawns it, `main` is it.

It runs at low priority, writes the dumps one by one (each under the folder's lock, so a
server asked for one meanwhile waits for it rather than writing it twice), and ends quietly
when a newer version has replaced its own (the old one is removed under it). IMET_KG_DUMPS=
on-request leaves every dump to its first request (the tests, and machines too small to
spare the work)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from imet_kg.layout import Layout

SWITCH = "IMET_KG_DUMPS"
ON_REQUEST = "on-request"
LOG = ".writer.log"
# The writers this process started, kept so that one still running is not reaped as garbage
# (and so that a caller may wait for them: `wait`).
_started: list[subprocess.Popen[bytes]] = []


def start(version: Path, layout: Layout) -> subprocess.Popen[bytes] | None:
    """Spawn the writer for the store `version` of the project `layout`, in a session of its
    own so that it outlives the command; None when dumps are left to their requests."""
    if os.environ.get(SWITCH, "").strip().lower() == ON_REQUEST:
        return None
    from imet_kg.store.dumps import DUMPS_FOLDER

    folder = version / DUMPS_FOLDER
    folder.mkdir(exist_ok=True)
    with (folder / LOG).open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "imet_kg.store.dump_writer",
                str(version),
                str(layout.root),
                *map(str, layout.extra),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    _started.append(process)
    return process


def wait(timeout: float | None = None) -> list[int]:
    """Wait for the writers this process started; their exit statuses."""
    statuses = [process.wait(timeout) for process in _started]
    _started.clear()
    return statuses


def main(arguments: list[str]) -> int:
    """Write every dump of the version at arguments[0] (the project's root and its extra
    graph folders after it); 0 when they are all written or the version is gone."""
    import pyoxigraph as ox

    from imet_kg.store.dumps import DUMPS, DUMPS_FOLDER, ensure_dump
    from imet_kg.store.graph import KnowledgeGraph

    version = Path(arguments[0])
    layout = Layout(Path(arguments[1]), tuple(Path(extra) for extra in arguments[2:]))
    os.nice(10)
    try:
        graph = KnowledgeGraph.from_store(ox.Store.read_only(str(version)), layout)
        for name in DUMPS:
            if not version.is_dir():  # replaced meanwhile: its folder is not made again
                return 0
            ensure_dump(graph, version / DUMPS_FOLDER, name, layout)
            print(f"wrote {name}", flush=True)
    except OSError:
        if not version.is_dir():  # replaced by a newer version, and removed
            return 0
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
