"""imet-kg: a linked-data knowledge graph of the US International Military Education and
Training (IMET) programme, every claim traced to the document that states it.

The library is a set of packages that follow the data flow, each importing only those
beneath it:

    sparql, errors, layout, namespaces, terms, fileio, tuples
                 the ground floor, used by all
    store        the graph in memory and on disk, exports, statistics
    validation   SHACL shapes (pySHACL or compiled to SPARQL) and hygiene checks
    pipeline     load the curated files, derive, validate, build
    sources      outside data imported into the store (sources.fmtr: the training reports)
    query        saved queries, parameters, running, answer formats
    remote       the same graph and queries on a SPARQL store elsewhere
    network      projections to NetworkX, measures, files for other tools, pictures
    web          the linked-data site, the SPARQL endpoint and the saved-query API
    cli          the `imet-kg` command

The names below are the public API, imported on first use.
"""

from __future__ import annotations

from imet_kg.lazy import lazy_exports

TYPE_CHECKING = False

if TYPE_CHECKING:
    from imet_kg.errors import ImetKgError, RdfSyntaxError, SparqlError
    from imet_kg.layout import Layout, default_layout
    from imet_kg.network.projections import project
    from imet_kg.pipeline.building import BuildResult, assemble, build, load_graph
    from imet_kg.pipeline.load import load_project
    from imet_kg.pipeline.rules import Rule, RuleReport, apply_rules, load_rules
    from imet_kg.query.run import run_saved_query, run_sparql
    from imet_kg.sources.fmtr.importer import import_fmtr
    from imet_kg.store.formats import EXPORT_FORMATS, export, serialise
    from imet_kg.store.graph import KnowledgeGraph, QueryResult
    from imet_kg.store.stats import GraphStats, compute_stats
    from imet_kg.validation.report import ValidationReport, Violation
    from imet_kg.validation.run import shacl, validate
    from imet_kg.web.app import create_app
    from imet_kg.web.endpoint import Limits

_EXPORTS = {
    "EXPORT_FORMATS": "imet_kg.store.formats",
    "BuildResult": "imet_kg.pipeline.building",
    "GraphStats": "imet_kg.store.stats",
    "ImetKgError": "imet_kg.errors",
    "KnowledgeGraph": "imet_kg.store.graph",
    "Layout": "imet_kg.layout",
    "QueryResult": "imet_kg.store.graph",
    "RdfSyntaxError": "imet_kg.errors",
    "Rule": "imet_kg.pipeline.rules",
    "RuleReport": "imet_kg.pipeline.rules",
    "SparqlError": "imet_kg.errors",
    "ValidationReport": "imet_kg.validation.report",
    "Violation": "imet_kg.validation.report",
    "apply_rules": "imet_kg.pipeline.rules",
    "assemble": "imet_kg.pipeline.building",
    "build": "imet_kg.pipeline.building",
    "compute_stats": "imet_kg.store.stats",
    "default_layout": "imet_kg.layout",
    "export": "imet_kg.store.formats",
    "load_project": "imet_kg.pipeline.load",
    "load_rules": "imet_kg.pipeline.rules",
    "serialise": "imet_kg.store.formats",
    "validate": "imet_kg.validation.run",
    "shacl": "imet_kg.validation.run",
    "Limits": "imet_kg.web.endpoint",
    "create_app": "imet_kg.web.app",
    "import_fmtr": "imet_kg.sources.fmtr.importer",
    "load_graph": "imet_kg.pipeline.building",
    "project": "imet_kg.network.projections",
    "run_saved_query": "imet_kg.query.run",
    "run_sparql": "imet_kg.query.run",
}

__all__ = [
    "EXPORT_FORMATS",
    "BuildResult",
    "GraphStats",
    "ImetKgError",
    "KnowledgeGraph",
    "Layout",
    "Limits",
    "QueryResult",
    "RdfSyntaxError",
    "Rule",
    "RuleReport",
    "SparqlError",
    "ValidationReport",
    "Violation",
    "apply_rules",
    "assemble",
    "build",
    "compute_stats",
    "create_app",
    "default_layout",
    "export",
    "import_fmtr",
    "load_graph",
    "load_project",
    "load_rules",
    "project",
    "run_saved_query",
    "run_sparql",
    "serialise",
    "shacl",
    "validate",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
