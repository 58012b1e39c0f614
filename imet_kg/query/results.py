"""SPARQL 1.1 query results in the protocol's formats: JSON, XML, CSV and TSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox

from imet_kg.query.formats import sparql_json
from imet_kg.store.graph import QueryResult

RESULT_MEDIA_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def serialise_result(result: QueryResult | bool, result_format: str) -> bytes:
    if result_format == "json":
        document = (
            sparql_json(result)
            if isinstance(result, QueryResult)
            else {"head": {}, "boolean": result}
        )
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if result_format == "xml":
        return _xml(result)
    if isinstance(result, bool):
        return (("true" if result else "false") + "\n").encode("utf-8")
    if result_format == "csv":
        return _csv(result)
    if result_format == "tsv":
        return _tsv(result)
    raise ValueError(f"unknown result format {result_format!r}")


def _xml(result: QueryResult | bool) -> bytes:
    ET.register_namespace("", _RESULTS_NS)
    root = ET.Element(f"{{{_RESULTS_NS}}}sparql")
    head = ET.SubElement(root, f"{{{_RESULTS_NS}}}head")
    if isinstance(result, bool):
        ET.SubElement(root, f"{{{_RESULTS_NS}}}boolean").text = "true" if result else "false"
    else:
        for name in result.variables:
            ET.SubElement(head, f"{{{_RESULTS_NS}}}variable", name=name)
        results = ET.SubElement(root, f"{{{_RESULTS_NS}}}results")
        for row in result.rows:
            solution = ET.SubElement(results, f"{{{_RESULTS_NS}}}result")
            for name, term in zip(result.variables, row, strict=True):
                if term is None:
                    continue
                binding = ET.SubElement(solution, f"{{{_RESULTS_NS}}}binding", name=name)
                _xml_term(binding, term)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _xml_term(parent: ET.Element, term: object) -> None:
    if isinstance(term, ox.NamedNode):
        ET.SubElement(parent, f"{{{_RESULTS_NS}}}uri").text = term.value
    elif isinstance(term, ox.BlankNode):
        ET.SubElement(parent, f"{{{_RESULTS_NS}}}bnode").text = term.value
    elif isinstance(term, ox.Literal):
        literal = ET.SubElement(parent, f"{{{_RESULTS_NS}}}literal")
        literal.text = term.value
        if term.language:
            literal.set("{http://www.w3.org/XML/1998/namespace}lang", term.language)
        elif term.datatype.value != _XSD_STRING:
            literal.set("datatype", term.datatype.value)


def _csv(result: QueryResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if term is None else _plain(term) for term in row])
    return buffer.getvalue().encode("utf-8")


def _plain(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", ""))


def _tsv(result: QueryResult) -> bytes:
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if term is None else _tsv_term(term) for term in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tsv_term(term: object) -> str:
    """RDF term syntax, as SPARQL 1.1 TSV results require (str() of a pyoxigraph term)."""
    return str(term)
