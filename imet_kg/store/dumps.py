"""The dumps written with each store version: the whole dataset, every named graph kept (so
every triple keeps the graph of the file or rule it came from), as gzip-compressed N-Quads
and TriG, written by Oxigraph's own serialisers into the version's `dumps/` folder while the
new store is being checked, so that the server serves them from the store's folder at once.
Each is written under a temporary name and renamed."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from imet_kg.media import DUMP_STEM

DUMPS_FOLDER = "dumps"
# Written at every build and import: the dataset formats, which Oxigraph writes natively.
PREBUILT = {
    f"{DUMP_STEM}.nq.gz": ox.RdfFormat.N_QUADS,
    f"{DUMP_STEM}.trig.gz": ox.RdfFormat.TRIG,
}
# Fast compression: the dumps are written while the import waits.
LEVEL = 1


def write_dumps(store: ox.Store, version: Path, folder: Path | None = None) -> list[Path]:
    """Write the PREBUILT dumps of `store` into `version`/dumps (or `folder`); the files
    written."""
    folder = folder or version / DUMPS_FOLDER
    folder.mkdir(exist_ok=True)
    written = []
    for name, rdf_format in PREBUILT.items():
        target = folder / name
        partial = folder / f".{name}.partial"
        with gzip.open(partial, "wb", compresslevel=LEVEL) as output:
            ox.serialize(store, cast(IO[bytes], output), rdf_format)
        partial.replace(target)
        written.append(target)
    return written


class DumpWriter:
    """`write_dumps` in a thread beside the work that follows the bulk load; `wait` gives its
    error, if any, to the caller."""

    def __init__(self, store: ox.Store, version: Path) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(store, version), name="imet-kg-dumps", daemon=True
        )
        self._thread.start()

    def _run(self, store: ox.Store, version: Path) -> None:
        try:
            write_dumps(store, version)
        except BaseException as error:  # handed to wait()
            self._error = error

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error
