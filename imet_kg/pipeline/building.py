"""The build: load, derive, validate, and (only when valid) write the exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from imet_kg.fileio import publish
from imet_kg.layout import Layout
from imet_kg.pipeline.load import load_project
from imet_kg.pipeline.rules import RuleReport, apply_rules, load_rules
from imet_kg.store.formats import EXPORT_FORMATS, serialise
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.store.names import index_names

if TYPE_CHECKING:
    from imet_kg.validation.report import ValidationReport


@dataclass
class BuildResult:
    graph: KnowledgeGraph
    rules: RuleReport
    validation: ValidationReport
    outputs: list[Path] = field(default_factory=list)


def assemble(layout: Layout) -> tuple[KnowledgeGraph, RuleReport]:
    """The ontology and curated files loaded, with the derived triples added."""
    graph = load_project(layout)
    report = apply_rules(graph, load_rules(layout.rules_dir))
    index_names(graph.store)
    return graph, report


def build(layout: Layout, output_dir: Path) -> BuildResult:
    """Assemble and validate; write every export format to output_dir only if the graph is
    valid. An invalid graph writes nothing."""
    graph, rule_report = assemble(layout)
    from imet_kg.validation.run import validate  # rdflib and pySHACL: only when building

    validation = validate(graph, layout)
    result = BuildResult(graph, rule_report, validation)
    if validation.conforms:
        files = {name: serialise(graph, fmt, layout) for fmt, name in EXPORT_FORMATS.items()}
        result.outputs = publish(output_dir, files)
    return result


def load_graph(layout: Layout, store: Path) -> KnowledgeGraph:
    """The persistent store when there is one (with any imports), else the curated files."""
    from imet_kg.store.persistent import open_store
    from imet_kg.store.versions import MANIFEST

    if (store / MANIFEST).is_file():
        return open_store(store, layout)
    graph, _ = assemble(layout)
    return graph


def refresh_store(
    layout: Layout, graph: KnowledgeGraph, store: Path, report: Callable[[str], None]
) -> Path:
    """Write the curated graph to the store, keeping what was imported before; holds the
    store's lock throughout, and says through `report` what it waited for or cleaned up."""
    from imet_kg.store.persistent import imported_triples, write_store
    from imet_kg.store.versions import recover_locked, writing

    with writing(store, report):
        for note in recover_locked(store):
            report(note)
        write_store(store, graph, layout, imported_triples(store))
    return store
