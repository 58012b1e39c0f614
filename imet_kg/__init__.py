"""imet-kg: a linked-data knowledge graph of the US International Military Education and
Training (IMET) programme, every claim traced to the document that states it.

The public names below are imported on first use, so that `imet-kg --help` and other light
commands do not pay for rdflib, pyoxigraph or pySHACL.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imet_kg.endpoint import Limits
    from imet_kg.errors import ImetKgError, RdfSyntaxError, SparqlError
    from imet_kg.exporting import EXPORT_FORMATS, export, serialise
    from imet_kg.importing import import_fmtr
    from imet_kg.layout import Layout, default_layout
    from imet_kg.loading import load_project
    from imet_kg.pipeline import BuildResult, assemble, build, load_graph
    from imet_kg.projections import project
    from imet_kg.querying import run_saved_query, run_sparql
    from imet_kg.rules import Rule, RuleReport, apply_rules, load_rules
    from imet_kg.stats import GraphStats, compute_stats
    from imet_kg.store import KnowledgeGraph, QueryResult
    from imet_kg.validation import ValidationReport, Violation, validate
    from imet_kg.web_app import create_app

_EXPORTS = {
    "EXPORT_FORMATS": "imet_kg.exporting",
    "BuildResult": "imet_kg.pipeline",
    "GraphStats": "imet_kg.stats",
    "ImetKgError": "imet_kg.errors",
    "KnowledgeGraph": "imet_kg.store",
    "Layout": "imet_kg.layout",
    "QueryResult": "imet_kg.store",
    "RdfSyntaxError": "imet_kg.errors",
    "Rule": "imet_kg.rules",
    "RuleReport": "imet_kg.rules",
    "SparqlError": "imet_kg.errors",
    "ValidationReport": "imet_kg.validation",
    "Violation": "imet_kg.validation",
    "apply_rules": "imet_kg.rules",
    "assemble": "imet_kg.pipeline",
    "build": "imet_kg.pipeline",
    "compute_stats": "imet_kg.stats",
    "default_layout": "imet_kg.layout",
    "export": "imet_kg.exporting",
    "load_project": "imet_kg.loading",
    "load_rules": "imet_kg.rules",
    "serialise": "imet_kg.exporting",
    "validate": "imet_kg.validation",
    "Limits": "imet_kg.endpoint",
    "create_app": "imet_kg.web_app",
    "import_fmtr": "imet_kg.importing",
    "load_graph": "imet_kg.pipeline",
    "project": "imet_kg.projections",
    "run_saved_query": "imet_kg.querying",
    "run_sparql": "imet_kg.querying",
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
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'imet_kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
