"""The persistent store: an on-disk Oxigraph store holding the ontology, the curated and
derived graphs, and imported graphs, so that commands open it instead of re-parsing.

A store is never changed in place: a new one is written beside it and swapped in atomically
(`store_versions`), so a failed or killed import or build leaves the previous store as it
was."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.fileio import atomic_write
from imet_kg.layout import Layout
from imet_kg.namespaces import GRAPH, RDF_TYPE
from imet_kg.store.collection import collector_paused
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.store.versions import (
    MANIFEST,
    check_replaceable,
    current_version,
    new_version,
    publish_version,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from imet_kg.search.documents import Document
    from imet_kg.store.loading import Statement

IMPORT_PREFIX = f"{GRAPH}import/"


def default_store(layout: Layout) -> Path:
    """The persistent store's folder: $IMET_KG_STORE, else .imet-kg/store under the working
    folder."""
    configured = os.environ.get("IMET_KG_STORE")
    return Path(configured) if configured else Path.cwd() / ".imet-kg" / "store"


def _curated_files(layout: Layout) -> list[Path]:
    return [layout.ontology_file, *layout.curated_files(), *sorted(layout.rules_dir.glob("*.rq"))]


def curated_digest(layout: Layout) -> str:
    """One digest of every file the curated graph is built from."""
    import hashlib  # only when the files' sizes and times do not match the manifest

    digest = hashlib.sha256()
    for path in _curated_files(layout):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def curated_stamp(layout: Layout) -> list[list[object]]:
    """Each curated file's name, size and modification time: when they are as the manifest
    recorded them, the files are those the store was built from, without reading them."""
    stamp: list[list[object]] = []
    for path in _curated_files(layout):
        status = path.stat()
        stamp.append([str(path), status.st_size, status.st_mtime_ns])
    return stamp


def built_from_curated(manifest: Mapping[str, object], layout: Layout) -> bool:
    """Whether the store the manifest describes was built from the curated files as they are:
    their sizes and times as recorded, else the digest of their content."""
    if manifest.get("curated_stamp") == curated_stamp(layout):
        return True
    return manifest.get("curated_digest") == curated_digest(layout)


@collector_paused()
def write_store(
    target: Path,
    curated: KnowledgeGraph,
    layout: Layout,
    imports: Mapping[str, Iterable[Statement]],
    *,
    check: Callable[[KnowledgeGraph], None] | None = None,
    search_documents: Iterable[Document] | None = None,
    training: Callable[[], Iterable[tuple[object, ...]]] | None = None,
    see: Callable[[Iterable[ox.Quad]], Iterable[ox.Quad]] = iter,
    passed: Callable[[], object] | None = None,
) -> dict[str, int]:
    """Write curated + imported graphs to a new store and swap it in for `target`; `check`,
    when given, sees the new store first and keeps it out by raising. The search index is
    written beside it: `search_documents` are those of what is imported (read after the
    imports), else they are carried from the store replaced; so are the rows of the table of
    training records that `training` gives once the imports are read. `see` is handed every
    quad written but the imports' statements (the curated graphs' and the index of names')
    as they pass, and `passed` is called once all have (see `load_statements`). Returns the
    triples written to each import graph."""
    # Here: what writes a store (the search index, its loading, the dumps' writer) is not
    # imported by the commands that only read one, each a fresh process.
    from imet_kg.search.abbreviations import read_abbreviations
    from imet_kg.search.index import IndexWriter
    from imet_kg.store import dump_writer
    from imet_kg.store.distinct import GraphSubjects, distinct_triples
    from imet_kg.store.loading import load_statements
    from imet_kg.store.names import INDEX_GRAPH, NameIndex

    check_replaceable(target)
    staging = new_version(target)
    writer: IndexWriter | None = None
    try:
        store = ox.Store(str(staging))
        writer = IndexWriter(staging)
        index_writer = writer

        def all_passed() -> None:
            # What needs every statement but not the store, done while the store writes the
            # last of them: the import's own search documents and table rows, and the
            # caller's `passed`.
            index_writer.add_imported(
                search_documents, training() if training is not None else None
            )
            if passed is not None:
                passed()

        # One load: the curated graphs, the imports, and the index of names over them all
        # (the curated graph's own index, of its names alone, left out).
        index = ox.NamedNode(INDEX_GRAPH)
        curated_quads = (quad for quad in curated.store if quad.graph_name != index)
        subjects = GraphSubjects()
        counts = load_statements(
            store,
            imports,
            first=curated_quads,
            names=NameIndex(),
            see=see,
            subjects=subjects,
            passed=all_passed,
        )
        store.flush()
        written = KnowledgeGraph.from_store(store, layout)
        # The check, the count and the search index only read the new store, and the store
        # answers queries outside Python's lock: they run side by side. A failed check waits
        # for the other two (the staging folder is then removed whole).
        # Here: reading a store never needs threads, and the import costs a fresh process.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            # Counted once here, so that a server opening the store need not count it again.
            distinct = pool.submit(distinct_triples, store, subjects)
            indexed = pool.submit(
                writer.finish,
                store,
                previous=current_version(target),
                expansions=read_abbreviations(layout.graph_dir),
            )
            if check is not None:
                check(written)
            size = distinct.result()
            indexed.result()
        # Nothing may hold the new store open once it is published: a writer left open in
        # this process would go on compacting, removing files under the version's readers.
        # What the check kept of its graph is cut off from the store, and a reference kept
        # elsewhere, in a cycle the collector has not reached yet, is collected here.
        written.store = ox.Store()
        del written
        if sys.getrefcount(store) > 2:  # this name, and the call's own argument
            gc.collect()
        if sys.getrefcount(store) > 2:
            raise ImetKgError(f"{staging}: the new store is still held open; not published")
        del store
        manifest = {
            "curated_digest": curated_digest(layout),
            "curated_stamp": curated_stamp(layout),
            "imports": counts,
            "triples": size,
        }
        atomic_write(staging / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
    except BaseException:
        import shutil  # here: reading a store never needs it

        if writer is not None:
            writer.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish_version(target, staging)
    dump_writer.start(staging, layout)
    return counts


def imported_triples(target: Path) -> dict[str, Iterator[ox.Triple]]:
    """The import graphs of an existing store, read lazily, to carry into a rebuilt one."""
    store = _existing(target)
    return {
        graph.value: (q.triple for q in store.quads_for_pattern(None, None, None, graph))
        for graph in _import_graphs(store)
    }


def record_count(target: Path, graph: str, record_type: str) -> int:
    """How many subjects of `record_type` the store at `target` holds in `graph` (0 when
    there is no store)."""
    store = _existing(target)
    typed = store.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(record_type), ox.NamedNode(graph)
    )
    return sum(1 for _ in typed)


def _existing(target: Path) -> ox.Store:
    """The store at `target` read-only, or an empty one when there is none."""
    return ox.Store.read_only(str(target)) if (target / MANIFEST).is_file() else ox.Store()


def _import_graphs(store: ox.Store) -> list[ox.NamedNode]:
    return [
        graph
        for graph in store.named_graphs()
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(IMPORT_PREFIX)
    ]


def add_imports(graph: KnowledgeGraph, target: Path) -> int:
    """Copy the import graphs of an existing store into `graph`; returns the quads copied."""
    store = _existing(target)
    before = len(graph.store)
    for name in _import_graphs(store):
        graph.store.bulk_extend(store.quads_for_pattern(None, None, None, name))
    return len(graph.store) - before


def graph_to_validate(
    target: Path,
    layout: Layout,
    assemble: Callable[[Layout], tuple[KnowledgeGraph, object]],
) -> tuple[KnowledgeGraph, int]:
    """The curated files with the imported records, and how many quads were imported: the
    store itself when it was built from the curated files as they are now (copying two
    million quads into memory takes longer than validating them in place), else the files
    assembled afresh with the store's imports copied in."""
    manifest = target / MANIFEST
    if manifest.is_file():
        written = json.loads(manifest.read_text(encoding="utf-8"))
        if built_from_curated(written, layout):
            graph = open_store(target, layout)
            return graph, sum(written.get("imports", {}).values())
    graph, _ = assemble(layout)
    return graph, add_imports(graph, target)


def read_manifest(target: Path) -> dict[str, object]:
    """The manifest of the store at `target`; an error when there is no store."""
    manifest_path = target / MANIFEST
    if not manifest_path.is_file():
        raise ImetKgError(f"{target}: no store here; run 'imet-kg build' or 'imet-kg import fmtr'")
    manifest: dict[str, object] = json.loads(manifest_path.read_text(encoding="utf-8"))
    return manifest


def open_store(target: Path, layout: Layout) -> KnowledgeGraph:
    """The store read-only; an error when it is missing or older than the curated files."""
    manifest = read_manifest(target)
    if not built_from_curated(manifest, layout):
        raise ImetKgError(
            f"{target}: the store was built from other curated files; "
            "run 'imet-kg build' to refresh it"
        )
    graph = KnowledgeGraph.from_store(ox.Store.read_only(str(target)), layout)
    graph.location = target
    size = manifest.get("triples")
    graph.size = size if isinstance(size, int) else None
    return graph
