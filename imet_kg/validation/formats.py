"""A validation report as text for a curator, JSON for programs, or a SHACL report in Turtle."""

from __future__ import annotations

import json

import rdflib
from rdflib.namespace import RDF, SH, XSD

from imet_kg.media import REPORT, names
from imet_kg.validation.report import ValidationReport, Violation

REPORT_FORMATS = names(REPORT)


def render(report: ValidationReport, report_format: str) -> str:
    """The report as "text", "json" or "turtle" (a SHACL validation report)."""
    if report_format == "text":
        return render_text(report)
    if report_format == "json":
        return render_json(report)
    if report_format == "turtle":
        return render_turtle(report)
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
            }
            for result in report.results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: ValidationReport) -> str:
    """A sh:ValidationReport with one sh:result per finding, names kept as literals."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    imet_report = rdflib.Namespace("https://w3id.org/imet-kg/report#")
    graph.bind("report", imet_report)
    node = rdflib.BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, rdflib.Literal(report.conforms, datatype=XSD.boolean)))
    for result in report.results:
        item = rdflib.BNode()
        graph.add((node, SH.result, item))
        graph.add((item, RDF.type, SH.ValidationResult))
        graph.add((item, SH.resultSeverity, SH[result.severity]))
        graph.add((item, SH.resultMessage, rdflib.Literal(result.message)))
        graph.add((item, imet_report.focus, rdflib.Literal(result.focus)))
        graph.add((item, imet_report.rule, rdflib.Literal(result.rule)))
        for file in result.files:
            graph.add((item, imet_report.file, rdflib.Literal(file)))
        if result.path:
            graph.add((item, imet_report.path, rdflib.Literal(result.path)))
        if result.value:
            graph.add((item, imet_report.value, rdflib.Literal(result.value)))
    return graph.serialize(format="turtle")
