"""Validation of the whole graph: the shapes by the engine that suits its size, then the
hygiene checks, in one report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib.util

from imet_kg.errors import RdfSyntaxError
from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.store.graph import KnowledgeGraph, parse_file
from imet_kg.terms import rdflib_graph
from imet_kg.validation.checks import load_checks, run_checks
from imet_kg.validation.report import (
    ValidationReport,
    Violation,
    default_message,
    violation,
)
from imet_kg.validation.streamed import Prechecks
from imet_kg.validation.written import load_as_written, read_as_written

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
    graph: KnowledgeGraph,
    layout: Layout,
    engine: str = "auto",
    *,
    checks: bool = True,
    prechecks: Prechecks | None = None,
) -> ValidationReport:
    """Validate the whole graph against the shapes and (unless `checks` is false) the hygiene
    checks, with pySHACL or with the shapes compiled to SPARQL and run by the store (the same
    results, at scale). `prechecks`, which saw every quad of the graph, spare the compiled
    engine the constraints they prove."""
    names = prefixes(layout.context_file)
    shapes = prechecks.shapes if prechecks else shapes_graph(layout)
    if choose_engine(graph, engine) == "pyshacl":
        from imet_kg.validation.shapes_pyshacl import run_shapes

        results = run_shapes(graph, shapes, names)
    else:
        from imet_kg.validation.compiled import run_compiled

        cleared = prechecks.cleared() if prechecks else set()
        results = run_compiled(graph, shapes, names, cleared)
    if checks:
        results += run_checks(graph, load_checks(layout.checks_dir), names)
    return ValidationReport(tuple(sorted(results, key=Violation.sort_key)))


def shapes_graph(layout: Layout) -> rdflib.Graph:
    """The project's shapes."""
    return rdflib_graph(parse_file(layout.shapes_file))


SHACL_ENGINES = ("compiled", "pyshacl")


def shacl(data_file: Path, shapes_file: Path, engine: str = "compiled") -> ShaclOutcome:
    """Any RDF file validated against any SHACL shapes file, as pySHACL's command line does:
    SHACL's own results, with the data's literals as written. A file that does not parse is
    an RdfSyntaxError naming its line and column; a shape the compiled engine does not
    support is refused by name."""
    if engine not in SHACL_ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {SHACL_ENGINES}")
    data = _read(data_file)
    shapes = data if shapes_file.resolve() == data_file.resolve() else _read(shapes_file)
    graph = KnowledgeGraph()  # the data as written, remembering its file for the report
    graph.add(load_as_written(data), data_file.resolve().as_uri())
    graph.origins[data_file.resolve().as_uri()] = data_file
    if engine == "pyshacl":
        from imet_kg.validation.shapes_pyshacl import pyshacl_results

        results = pyshacl_results(data, shapes)
    else:
        from imet_kg.validation.compiled import compiled_results

        results = compiled_results(graph, shapes, written=True)
    names = {prefix: str(namespace) for prefix, namespace in data.namespaces() if prefix}
    names |= {prefix: str(namespace) for prefix, namespace in shapes.namespaces() if prefix}
    findings = [
        violation(result, graph, shapes, names, default_message(result.component))
        for result in results
    ]
    return ShaclOutcome(ValidationReport(tuple(findings)), shapes)


@dataclass(frozen=True)
class ShaclOutcome:
    """What `shacl` found, and the shapes graph its results refer to."""

    report: ValidationReport
    shapes: rdflib.Graph


def _read(path: Path) -> rdflib.Graph:
    """An RDF file as written; a syntax error names the file, line and column (read by
    Oxigraph's parser, which places errors)."""
    try:
        rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    except ValueError:
        rdf_format = None
    if rdf_format is None:
        raise RdfSyntaxError(path, None, None, f"unknown RDF file type {path.suffix!r}")
    try:
        for _ in ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        detail = str(error.msg).splitlines()[0]
        raise RdfSyntaxError(path, error.lineno, error.offset, detail) from None
    except OSError as error:
        raise RdfSyntaxError(path, None, None, error.strerror or str(error)) from None
    return read_as_written(path, rdflib.util.guess_format(str(path)))
