"""Importing the training records into the persistent store: read, resolve, write a new store,
validate every record in it against the shapes, and swap it in only when all of that
succeeded."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.pipeline.building import assemble
from imet_kg.sources.fmtr.graphs import FMTR_GRAPHS, IMPORT_GRAPH
from imet_kg.sources.fmtr.records import (
    TRAINING_RECORD,
    Coverage,
    RecordsImport,
    totals_beside,
)
from imet_kg.sources.tsv import SourceFileError
from imet_kg.sparql import internal_query
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.store.loading import Statement
from imet_kg.store.names import INDEX_GRAPH
from imet_kg.store.persistent import imported_triples, record_count, write_store
from imet_kg.store.versions import recover_locked, writing
from imet_kg.terms import compact
from imet_kg.validation.report import ValidationReport
from imet_kg.validation.run import shapes_graph, validate
from imet_kg.validation.streamed import Prechecks


class ImportViolations(ImetKgError):
    """Imported records that break the shapes; nothing was written."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(
            f"{len(report.violations)} imported records break the shapes; nothing was written"
        )


class ImportShrinks(ImetKgError):
    """An import that would replace the records in the store with far fewer."""


# An import may hold a tenth fewer records than the store (a corrected source can drop some
# rows); fewer than that looks like a truncated or wrong file and needs --allow-shrink.
SHRINK_FLOOR = 0.9


@dataclass
class ImportSummary:
    coverage: Coverage
    triples: int
    validated_records: int
    store: Path
    previous_records: int = 0
    floor: int = 0


def check_store(
    graph: KnowledgeGraph,
    layout: Layout,
    records: Path,
    lines: Mapping[str, int],
    prechecks: Prechecks | None = None,
) -> None:
    """Validate the whole new store (curated graph and every record) against the shapes, as
    SPARQL queries the store runs, but for the constraints `prechecks` (which saw every quad
    of the store) prove; raise when anything breaks them. A broken record is reported with
    the file and line it was read from."""
    for name in FMTR_GRAPHS:
        graph.origins[name] = records
    report = validate(graph, layout, engine="compiled", checks=False, prechecks=prechecks)
    if not report.conforms:
        placed = tuple(
            replace(r, files=(f"{records}:{lines[r.focus]}",)) if r.focus in lines else r
            for r in report.results
        )
        raise ImportViolations(replace(report, results=placed))


def country_labels(graph: KnowledgeGraph) -> dict[str, set[str]]:
    """Every label each country of the curated graph already has."""
    labels: dict[str, set[str]] = defaultdict(set)
    for row in graph.select(internal_query("country-labels")).rows:
        country, label = row[0], row[1]
        if country is not None and label is not None:
            labels[country.value].add(label.value)
    return labels


def school_sites(graph: KnowledgeGraph, layout: Layout) -> dict[str, set[str]]:
    """Each school's places in the gazetteer, as prefixed names: the installations it sits or
    sat at and the localities they are in."""
    names = prefixes(layout.context_file)
    sites: dict[str, set[str]] = defaultdict(set)
    for row in graph.select(internal_query("school-sites")).rows:
        school, place = row[0], row[1]
        if school is not None and place is not None:
            sites[compact(school.value, names)].add(compact(place.value, names))
    return sites


def import_fmtr(
    layout: Layout,
    records: Path,
    store: Path,
    *,
    allow_shrink: bool = False,
    totals: Path | None = None,
    progress: Callable[[int], None] | None = None,
    report: Callable[[str], None] = lambda _note: None,
) -> ImportSummary:
    """Import the records (and the official program totals: `totals`, by default the file
    beside the records) into a new store and swap it in, holding the store's lock; the
    store is left as it was when the file does not look like the source, when it holds
    fewer rows than the floor (unless `allow_shrink`), or when a record breaks the shapes."""
    with writing(store, report):
        for note in recover_locked(store):
            report(note)
        previous = record_count(store, IMPORT_GRAPH, TRAINING_RECORD)
        floor = math.ceil(previous * SHRINK_FLOOR)
        curated, _ = assemble(layout)
        coverage = Coverage()
        # The store's other imports are carried over; this import's graphs replace its own,
        # written in the order they are computed in (records, figures, entities, units).
        imports: dict[str, Iterable[Statement]] = {
            name: triples
            for name, triples in imported_triples(store).items()
            if name not in FMTR_GRAPHS
        }
        lines: dict[str, int] = {}
        run = RecordsImport(
            records,
            layout,
            known_entities=curated_entities(curated),
            coverage=coverage,
            progress=progress,
            record_lines=lines,
            totals_path=totals if totals is not None else totals_beside(records),
            known_labels=country_labels(curated),
            school_sites=school_sites(curated, layout),
        )
        imports.update(run.graphs())
        # The commonest constraints are proved as the quads are written, every one of them:
        # the imports' and the curated graphs' (what else the new store holds is read back
        # before validation), so that the store is queried for fewer.
        prechecks = Prechecks(shapes_graph(layout))
        watched = {name: prechecks.watch(triples) for name, triples in imports.items()}
        seen = {*watched, INDEX_GRAPH, *(g.value for g in curated.store.named_graphs())}

        def check(new: KnowledgeGraph) -> None:
            if coverage.rows == 0:
                raise SourceFileError(records, 2, None, "the file has a header but no rows")
            if coverage.rows < floor and not allow_shrink:
                raise ImportShrinks(
                    f"{records}: {coverage.rows} rows, fewer than the floor of {floor} "
                    f"({SHRINK_FLOOR:.0%} of the {previous} records in {store}); the store "
                    "was left as it was. Pass --allow-shrink to replace them all the same."
                )
            prechecks.read_rest(new.store, seen_graphs=seen)
            check_store(new, layout, records, lines, prechecks)

        counts = write_store(
            store,
            curated,
            layout,
            watched,
            check=check,
            search_documents=run.documents(),
            training=run.training,
            see=prechecks.watch,
            # The proofs need every statement, not the store: found while it writes the last.
            passed=prechecks.cleared,
        )
    triples = sum(counts[name] for name in FMTR_GRAPHS)
    return ImportSummary(coverage, triples, coverage.rows, store, previous, floor)


def curated_entities(curated: KnowledgeGraph) -> set[str]:
    """The IRIs of the curated graph's typed entities (acts, bodies, countries, places...)."""
    rows = curated.select(internal_query("entity-types")).dicts()
    return {row["entity"].value for row in rows if row["entity"] is not None}
