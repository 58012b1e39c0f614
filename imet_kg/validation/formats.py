"""A validation report as text for a curator, JSON for programs, or a SHACL report in Turtle."""

from __future__ import annotations

import json

import rdflib
from rdflib.namespace import RDF, SH, XSD

from imet_kg.media import REPORT as REPORT_KIND
from imet_kg.media import names
from imet_kg.namespaces import REPORT
from imet_kg.validation.report import ValidationReport, Violation

REPORT_FORMATS = names(REPORT_KIND)


def render(report: ValidationReport, report_format: str, shapes: rdflib.Graph | None = None) -> str:
    """The report as "text", "json" or "turtle" (a SHACL validation report; `shapes` is the
    graph its blank result paths come from)."""
    if report_format == "text":
        return render_text(report)
    if report_format == "json":
        return render_json(report)
    if report_format == "turtle":
        return render_turtle(report, shapes)
    raise ValueError(f"unknown report format {report_format!r}; use one of {REPORT_FORMATS}")


def render_text(report: ValidationReport) -> str:
    if not report.results:
        return "Valid: the graph conforms to every shape and check.\n"
    lines = [_text_line(result) for result in report.results]
    count = len(report.violations)
    others = len(report.results) - count
    summary = f"{count} violation{'s' if count != 1 else ''}"
    if others:
        plural = "s" if others != 1 else ""
        summary += f", {others} warning{plural} or note{plural}"
    return "\n".join([*lines, summary]) + "\n"


def _text_line(result: Violation) -> str:
    where = ", ".join(result.files) or "(derived or unknown file)"
    detail = f" [{result.path}]" if result.path else ""
    value = f" (value: {result.value})" if result.value else ""
    return (
        f"{where}: {result.severity}: {result.focus}: {result.rule}{detail}: "
        f"{result.message}{value}"
    )


def _standard(finding: Violation) -> dict[str, object]:
    """Where a finding's focus is defined, and SHACL's own terms of it (under "shacl", in
    N-Triples syntax, named as in a SHACL report)."""
    result = finding.result
    terms: dict[str, object] = {"definedIn": [{"file": f, "line": n} for f, n in finding.lines]}
    if result is None:
        return terms
    terms["shacl"] = {
        "focusNode": result.focus.n3(),
        "resultPath": result.path_text,
        "value": result.value.n3() if result.value is not None else None,
        # A blank shape's label is the parse's, different each run: "rule" names its owner.
        "sourceShape": "[]"
        if isinstance(result.source_shape, rdflib.BNode)
        else result.source_shape.n3(),
        "sourceConstraintComponent": result.component.n3(),
        "resultSeverity": result.severity.n3(),
    }
    return terms


def render_json(report: ValidationReport) -> str:
    document = {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "results": [
            {
                "files": list(result.files),
                "focus": result.focus,
                "rule": result.rule,
                "constraint": result.component,
                "path": result.path,
                "value": result.value,
                "severity": result.severity,
                "message": result.message,
                **_standard(result),
            }
            for result in report.results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


DEFINED_IN = rdflib.URIRef(f"{REPORT}definedIn")
FILE = rdflib.URIRef(f"{REPORT}file")
LINE = rdflib.URIRef(f"{REPORT}line")


def render_turtle(report: ValidationReport, shapes: rdflib.Graph | None = None) -> str:
    """A SHACL validation report in Turtle: one sh:ValidationResult per finding with every
    standard property, and where the focus is defined (file and line) beside them."""
    return report_graph(report, shapes).serialize(format="turtle")


def report_graph(report: ValidationReport, shapes: rdflib.Graph | None = None) -> rdflib.Graph:
    """The report as an RDF graph that SHACL tools read: sh:ValidationReport, sh:conforms and
    a sh:result per finding (focus node, result path, value, source shape, constraint
    component, severity, messages); a blank result path is copied with its structure."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    graph.bind("report", rdflib.Namespace(REPORT))
    node = rdflib.BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, rdflib.Literal(report.conforms, datatype=XSD.boolean)))
    for finding in report.results:
        item = rdflib.BNode()
        graph.add((node, SH.result, item))
        graph.add((item, RDF.type, SH.ValidationResult))
        result = finding.result
        if result is None:
            graph.add((item, SH.resultSeverity, SH[finding.severity]))
            graph.add((item, SH.resultMessage, rdflib.Literal(finding.message)))
        else:
            graph.add((item, SH.focusNode, result.focus))
            graph.add((item, SH.resultSeverity, result.severity))
            graph.add((item, SH.sourceShape, result.source_shape))
            graph.add((item, SH.sourceConstraintComponent, result.component))
            if result.path is not None:
                graph.add((item, SH.resultPath, result.path))
                if isinstance(result.path, rdflib.BNode) and shapes is not None:
                    _copy_structure(shapes, result.path, graph)
            if result.value is not None:
                graph.add((item, SH.value, result.value))
            for message in result.messages or (rdflib.Literal(finding.message),):
                graph.add((item, SH.resultMessage, message))
        for file, line in finding.lines:
            place = rdflib.BNode()
            graph.add((item, DEFINED_IN, place))
            graph.add((place, FILE, rdflib.Literal(file)))
            graph.add((place, LINE, rdflib.Literal(line)))
        if not finding.lines:
            for file in finding.files:
                graph.add((item, FILE, rdflib.Literal(file)))
    return graph


def _copy_structure(source: rdflib.Graph, node: rdflib.term.Node, target: rdflib.Graph) -> None:
    """The triples that describe a blank node (a path, a list), followed to other blank nodes."""
    pending = [node]
    seen = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for predicate, value in source.predicate_objects(current):
            target.add((current, predicate, value))
            if isinstance(value, rdflib.BNode):
                pending.append(value)
