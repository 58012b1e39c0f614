"""The dumps of each store version: the whole graph in every RDF format, gzip-compressed, in
the version's `dumps/` folder, from which the server serves them. The dataset formats
(N-Quads, TriG) keep every named graph, so every triple keeps the graph of the file or rule
it came from; the triple formats hold the union, each triple once.

They are written by a process of their own, started once a build or import has published
the version (`dump_writer`), so that neither waits for them; a dump asked for before it is
written is written by the server on that request. Either way one dump is written once: under
the folder's lock, under a temporary name, then renamed. (Oxigraph's serialisers hold the
interpreter's lock for a whole dump, and a store cannot be read by another process while
the one that wrote it still compacts it: hence a process, started after publication.)"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from imet_kg.fileio import exclusive
from imet_kg.layout import Layout
from imet_kg.media import DUMP_STEM, dump_files
from imet_kg.store.formats import EXPORT_FORMATS, export
from imet_kg.store.graph import KnowledgeGraph

DUMPS_FOLDER = "dumps"
LOCK = ".lock"
NQUADS_DUMP = f"{DUMP_STEM}.nq.gz"
# The dataset formats, which Oxigraph writes from the store itself, every graph kept.
DATASET_DUMPS = {
    NQUADS_DUMP: ox.RdfFormat.N_QUADS,
    f"{DUMP_STEM}.trig.gz": ox.RdfFormat.TRIG,
}
# Every dump's file name, the dataset formats first (N-Quads, the most used, first of all).
DUMPS = (
    *DATASET_DUMPS,
    *(f"{file}.gz" for file in dump_files() if f"{file}.gz" not in DATASET_DUMPS),
)
_EXPORT_FORMAT_OF = {file: name for name, file in EXPORT_FORMATS.items()}
# Fast compression: a dump asked for before it is written is written while its client waits.
LEVEL = 1


def ensure_dump(graph: KnowledgeGraph, folder: Path, name: str, layout: Layout) -> Path:
    """The dump `name` (one of DUMPS) of `graph` in `folder`, written first if it is not
    there; one writer at a time, in this process or another (each opens the lock file, so
    the lock holds between threads too), the others waiting for its file."""
    if name not in DUMPS:
        raise ValueError(f"no dump named {name!r}; the dumps are {', '.join(DUMPS)}")
    target = folder / name
    if target.is_file():
        return target
    folder.mkdir(exist_ok=True)
    with exclusive(folder / LOCK):
        if not target.is_file():
            _write_dump(graph, target, layout)
    return target


def _write_dump(graph: KnowledgeGraph, target: Path, layout: Layout) -> None:
    name = target.name
    if name in DATASET_DUMPS:
        partial = target.with_name(f".{name}.partial")
        with gzip.open(partial, "wb", compresslevel=LEVEL) as output:
            ox.serialize(graph.store, cast(IO[bytes], output), DATASET_DUMPS[name])
        partial.replace(target)
        return
    plain = name.removesuffix(".gz")
    raw = target.with_name(f".{plain}.raw")
    try:
        export(graph, _EXPORT_FORMAT_OF[plain], raw, layout)
        compress(raw, target)
    finally:
        raw.unlink(missing_ok=True)


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
