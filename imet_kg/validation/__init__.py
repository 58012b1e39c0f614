"""Validation: the SHACL shapes, run by pySHACL (the reference, for the curated graph) or
compiled to SPARQL and run by the store (the same results on millions of triples), and the
`*-violation.rq` hygiene checks, gathered into one report that names the file, the entity,
the rule and the message; the report as text, JSON or a SHACL report in Turtle.

Contract: `validate(graph, layout)` chooses the engine by the graph's size unless told;
pySHACL is imported only by `shapes_pyshacl`. Imports the store and the ground floor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imet_kg.lazy import lazy_exports

if TYPE_CHECKING:
    from imet_kg.validation.formats import render, report_graph
    from imet_kg.validation.report import ShapeResult, ValidationReport, Violation
    from imet_kg.validation.run import ENGINES, ShaclOutcome, choose_engine, shacl, validate

_EXPORTS = {
    "validate": "imet_kg.validation.run",
    "choose_engine": "imet_kg.validation.run",
    "ENGINES": "imet_kg.validation.run",
    "ValidationReport": "imet_kg.validation.report",
    "Violation": "imet_kg.validation.report",
    "render": "imet_kg.validation.formats",
    "report_graph": "imet_kg.validation.formats",
    "shacl": "imet_kg.validation.run",
    "ShaclOutcome": "imet_kg.validation.run",
    "ShapeResult": "imet_kg.validation.report",
}

__all__ = [
    "ENGINES",
    "ShaclOutcome",
    "ShapeResult",
    "ValidationReport",
    "Violation",
    "choose_engine",
    "render",
    "report_graph",
    "shacl",
    "validate",
]

__getattr__ = lazy_exports(__name__, _EXPORTS)
