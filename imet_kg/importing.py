"""Importing the training records into the persistent store: read, resolve, check a sample of
records against the shapes, and swap the store in only when all of that succeeded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.fmtr import IMPORT_GRAPH, Coverage, import_records
from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.persistent import imported_triples, write_store
from imet_kg.pipeline import assemble
from imet_kg.projections import node_info
from imet_kg.store import KnowledgeGraph, parse_file
from imet_kg.terms import rdflib_graph
from imet_kg.validation import ValidationReport, run_shapes

SAMPLE_EVERY = 250


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
    sampled_records: int
    store: Path


def check_sample(
    curated: KnowledgeGraph, triples: list[ox.Triple], layout: Layout
) -> tuple[int, ValidationReport]:
    """Validate every SAMPLE_EVERY-th record (and everything that is not a record) with the
    same shapes as the curated graph."""
    sample = KnowledgeGraph()
    sample.add(curated.triples(), "urn:imet-kg:curated")
    chosen: set[str] = set()
    kept = []
    for triple in triples:
        subject = triple.subject
        if isinstance(subject, ox.NamedNode) and "/id/training/" in subject.value:
            number = int(subject.value.rsplit("/", 1)[1])
            if number % SAMPLE_EVERY:
                continue
            chosen.add(subject.value)
        kept.append(triple)
    sample.add(kept, "urn:imet-kg:import")
    shapes = rdflib_graph(parse_file(layout.shapes_file))
    results = run_shapes(sample, shapes, prefixes(layout.context_file))
    return len(chosen), ValidationReport(tuple(results))


def import_fmtr(
    layout: Layout,
    records: Path,
    store: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    curated, _ = assemble(layout)
    result = import_records(
        records, layout, known_entities=set(node_info(curated, {})), progress=progress
    )
    sampled, report = check_sample(curated, result.triples, layout)
    if not report.conforms:
        raise ImportViolations(report)
    imports = imported_triples(store)
    imports[IMPORT_GRAPH] = result.triples
    write_store(store, curated, layout, imports)
    return ImportSummary(result.coverage, len(result.triples), sampled, store)
