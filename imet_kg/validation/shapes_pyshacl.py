"""The SHACL shapes run by pySHACL, the reference engine: exact, and fast enough for the
curated graph (the only module that imports pySHACL)."""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import rdflib_graph
from imet_kg.validation.report import Violation, files_of, shape_name, show


def run_shapes(
    graph: KnowledgeGraph, shapes: rdflib.Graph, names: dict[str, str]
) -> list[Violation]:
    import pyshacl  # heavy: imported only when validating

    data = rdflib_graph(graph.triples())
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    return [
        violation_from_result(graph, shapes, report, result, names)
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]


def violation_from_result(
    graph: KnowledgeGraph,
    shapes: rdflib.Graph,
    report: rdflib.Graph,
    result: rdflib.term.Node,
    names: dict[str, str],
) -> Violation:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    message = report.value(result, SH.resultMessage)
    severity = report.value(result, SH.resultSeverity)
    shape = report.value(result, SH.sourceShape)
    component = report.value(result, SH.sourceConstraintComponent)
    return Violation(
        focus=show(focus, names),
        rule=shape_name(shapes, shape, names),
        message=str(message) if message is not None else "does not conform",
        severity=str(severity).removeprefix(str(SH)) if severity is not None else "Violation",
        path=show(path, names) if isinstance(path, rdflib.URIRef) else None,
        value=show(value, names) if value is not None else None,
        files=files_of(graph, focus),
        component=show(component, names) if component is not None else None,
    )
