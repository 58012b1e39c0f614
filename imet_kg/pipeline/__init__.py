"""The build: load the ontology and the curated files into one graph, derive the short
direct triples by the rules, validate, and (only when valid) write the exports and refresh
the persistent store.

Contract: nothing is written unless the graph validates. Imports validation, the store and
the ground floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imet_kg.lazy import lazy_exports

if TYPE_CHECKING:
    from imet_kg.pipeline.building import BuildResult, assemble, build, load_graph
    from imet_kg.pipeline.load import load_project
    from imet_kg.pipeline.rules import Rule, RuleReport, apply_rules, load_rules

_EXPORTS = {
    "load_project": "imet_kg.pipeline.load",
    "Rule": "imet_kg.pipeline.rules",
    "RuleReport": "imet_kg.pipeline.rules",
    "load_rules": "imet_kg.pipeline.rules",
    "apply_rules": "imet_kg.pipeline.rules",
    "BuildResult": "imet_kg.pipeline.building",
    "assemble": "imet_kg.pipeline.building",
    "build": "imet_kg.pipeline.building",
    "load_graph": "imet_kg.pipeline.building",
}

__all__ = [
    "BuildResult",
    "Rule",
    "RuleReport",
    "apply_rules",
    "assemble",
    "build",
    "load_graph",
    "load_project",
    "load_rules",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
