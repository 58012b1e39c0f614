"""Importing the training records into the persistent store: read, resolve, write a new store,
validate every record in it against the shapes, and swap it in only when all of that
succeeded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.fmtr import IMPORT_GRAPH, Coverage, record_triples
from imet_kg.layout import Layout
from imet_kg.persistent import imported_triples, write_store
from imet_kg.pipeline import assemble
from imet_kg.projections import node_info
from imet_kg.store import KnowledgeGraph
from imet_kg.validation import ValidationReport, validate


class ImportViolations(ImetKgError):
    """Imported records that break the shapes; nothing was written."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(
            f"{len(report.violations)} imported records break the shapes; nothing was written"
        )


@dataclass
class ImportSummary:
    coverage: Coverage
    triples: int
    validated_records: int
    store: Path


def check_store(graph: KnowledgeGraph, layout: Layout, records: Path) -> None:
    """Validate the whole new store (curated graph and every record) against the shapes, as
    SPARQL queries the store runs; raise when anything breaks them. A broken record is
    reported with the file it came from; its number is its data row in that file."""
    graph.origins[IMPORT_GRAPH] = records
    report = validate(graph, layout, engine="compiled", checks=False)
    if not report.conforms:
        raise ImportViolations(report)


def import_fmtr(
    layout: Layout,
    records: Path,
    store: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    curated, _ = assemble(layout)
    coverage = Coverage()
    imports: dict[str, Iterable[ox.Triple]] = dict(imported_triples(store))
    imports[IMPORT_GRAPH] = record_triples(
        records,
        layout,
        known_entities=set(node_info(curated, {})),
        coverage=coverage,
        progress=progress,
    )
    counts = write_store(
        store, curated, layout, imports, check=lambda new: check_store(new, layout, records)
    )
    return ImportSummary(coverage, counts[IMPORT_GRAPH], coverage.rows, store)
