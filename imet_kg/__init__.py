"""imet-kg: a linked-data knowledge graph of the US International Military Education and
Training (IMET) programme, every claim traced to the document that states it."""

from imet_kg.build import BuildResult, assemble, build
from imet_kg.errors import ImetKgError, RdfSyntaxError, SparqlError
from imet_kg.export import EXPORT_FORMATS, export, serialise
from imet_kg.layout import Layout, default_layout
from imet_kg.loading import load_project
from imet_kg.rules import Rule, RuleReport, apply_rules, load_rules
from imet_kg.stats import GraphStats, compute_stats
from imet_kg.store import KnowledgeGraph, QueryResult
from imet_kg.validation import ValidationReport, Violation, validate

__all__ = [
    "EXPORT_FORMATS",
    "BuildResult",
    "GraphStats",
    "ImetKgError",
    "KnowledgeGraph",
    "Layout",
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
    "default_layout",
    "export",
    "load_project",
    "load_rules",
    "serialise",
    "validate",
]
