"""The dumps written with each store version: the whole dataset, every named graph kept (so
every triple keeps the graph of the file or rule it came from), as gzip-compressed N-Quads
(and TriG, on first request), written by Oxigraph's own serialisers into the version's
`dumps/` folder once the new store is checked and indexed, so that the server serves them
from the store's folder at once. Each is written under a temporary name and renamed.
(Oxigraph's serialisers hold the interpreter's lock for the whole dump, and another process
cannot read a store that is still being compacted: the dump is written in its turn.)"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from imet_kg.media import DUMP_STEM

DUMPS_FOLDER = "dumps"
# The dataset formats, which Oxigraph writes natively, compressed. N-Quads is written at
# every build and import; TriG on its first request.
PREBUILT = {
    f"{DUMP_STEM}.nq.gz": ox.RdfFormat.N_QUADS,
    f"{DUMP_STEM}.trig.gz": ox.RdfFormat.TRIG,
}
WITH_STORE = (f"{DUMP_STEM}.nq.gz",)
# Fast compression: the dumps are written while the import waits.
LEVEL = 1


def write_dumps(store: ox.Store, folder: Path, names: tuple[str, ...] = ()) -> list[Path]:
    """Write the `names` of the PREBUILT dumps (all of them when none are named) of `store`
    into `folder`; the files written."""
    folder.mkdir(exist_ok=True)
    written = []
    for name, rdf_format in PREBUILT.items():
        if names and name not in names:
            continue
        target = folder / name
        partial = folder / f".{name}.partial"
        with gzip.open(partial, "wb", compresslevel=LEVEL) as output:
            ox.serialize(store, cast(IO[bytes], output), rdf_format)
        partial.replace(target)
        written.append(target)
    return written


def compress(source: Path, target: Path) -> Path:
    """`source` gzip-compressed into `target` (under a temporary name, then renamed)."""
    import zlib

    partial = target.with_name(f".{target.name}.partial")
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)  # 31: the gzip container
    with source.open("rb") as reading, partial.open("wb") as writing:
        while block := reading.read(1 << 22):
            writing.write(packer.compress(block))
        writing.write(packer.flush())
    partial.replace(target)
    return target
