"""Validation of the whole graph: the shapes by the engine that suits its size, then the
hygiene checks, in one report."""

from __future__ import annotations

from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.store.graph import KnowledgeGraph, parse_file
from imet_kg.terms import rdflib_graph
from imet_kg.validation.checks import load_checks, run_checks
from imet_kg.validation.report import ValidationReport, Violation

ENGINES = ("auto", "pyshacl", "compiled")
# pySHACL is the reference engine and validates the curated graph (about 3,500 quads) in
# seconds, but its time grows steeply with the data; from this many quads (a few hundred
# training records; all of them make two million) the compiled engine gives the same
# results in a fraction of the time.
COMPILED_FROM_QUADS = 20_000


def choose_engine(graph: KnowledgeGraph, engine: str = "auto") -> str:
    """The engine `validate` runs: `engine` itself, or for "auto" the one the graph's size
    calls for."""
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {ENGINES}")
    if engine != "auto":
        return engine
    return "compiled" if len(graph.store) >= COMPILED_FROM_QUADS else "pyshacl"


def validate(
    graph: KnowledgeGraph, layout: Layout, engine: str = "auto", *, checks: bool = True
) -> ValidationReport:
    """Validate the whole graph against the shapes and (unless `checks` is false) the hygiene
    checks, with pySHACL or with the shapes compiled to SPARQL and run by the store (the same
    results, at scale)."""
    names = prefixes(layout.context_file)
    shapes = rdflib_graph(parse_file(layout.shapes_file))
    if choose_engine(graph, engine) == "pyshacl":
        from imet_kg.validation.shapes_pyshacl import run_shapes

        results = run_shapes(graph, shapes, names)
    else:
        from imet_kg.validation.compiled import run_compiled

        results = run_compiled(graph, shapes, names)
    if checks:
        results += run_checks(graph, load_checks(layout.checks_dir), names)
    return ValidationReport(tuple(sorted(results, key=Violation.sort_key)))
