"""The SHACL shapes run by pySHACL, the reference engine: exact, and fast enough for the
curated graph (the only module that imports pySHACL)."""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import rdflib_graph
from imet_kg.validation.paths import UnsupportedPath, sparql_path
from imet_kg.validation.report import ShapeResult, Violation, violation


def pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[ShapeResult]:
    """SHACL's results for `data` against `shapes`, as pySHACL finds them."""
    import pyshacl  # heavy: imported only when validating

    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    # The report's own results: those nested as sh:detail of another are not SHACL's results.
    return [
        _result(report, node)
        for root in report.subjects(RDF.type, SH.ValidationReport)
        for node in report.objects(root, SH.result)
    ]


def _result(report: rdflib.Graph, node: rdflib.term.Node) -> ShapeResult:
    path = report.value(node, SH.resultPath)
    try:
        path_text = sparql_path(report, path) if path is not None else None
    except UnsupportedPath:
        path_text = None
    component = report.value(node, SH.sourceConstraintComponent)
    severity = report.value(node, SH.resultSeverity)
    focus = report.value(node, SH.focusNode)
    shape = report.value(node, SH.sourceShape)
    assert focus is not None, "pySHACL gave a result without a focus node"
    assert shape is not None, "pySHACL gave a result without a source shape"
    return ShapeResult(
        focus=focus,
        source_shape=shape,
        component=component if isinstance(component, rdflib.URIRef) else SH.ConstraintComponent,
        severity=severity if isinstance(severity, rdflib.URIRef) else SH.Violation,
        path=path,
        path_text=path_text,
        value=report.value(node, SH.value),
        messages=tuple(
            m for m in report.objects(node, SH.resultMessage) if isinstance(m, rdflib.Literal)
        ),
    )


def run_shapes(
    graph: KnowledgeGraph, shapes: rdflib.Graph, names: dict[str, str]
) -> list[Violation]:
    """The project's report of the graph against the shapes, by pySHACL."""
    results = pyshacl_results(rdflib_graph(graph.triples()), shapes)
    return [violation(result, graph, shapes, names, "does not conform") for result in results]
