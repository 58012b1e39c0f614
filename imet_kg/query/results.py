"""SPARQL 1.1 query results in the standard formats (JSON, XML, CSV and TSV): the one writer
the command line and the server share, so that the same answer is the same bytes from both."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox

from imet_kg.media import RESULTS, media_types, names
from imet_kg.namespaces import SPARQL_RESULTS, XML, XSD_STRING
from imet_kg.store.graph import QueryResult
from imet_kg.terms import OxTerm, term_text

RESULT_MEDIA_TYPES = media_types(RESULTS)
RESULT_FORMATS = names(RESULTS)


def serialise_result(result: QueryResult | bool, result_format: str) -> bytes:
    """SELECT rows or an ASK answer in one of RESULT_FORMATS."""
    if result_format == "json":
        document = (
            sparql_json(result)
            if isinstance(result, QueryResult)
            else {"head": {}, "boolean": result}
        )
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if result_format == "xml":
        return _xml(result)
    if result_format not in RESULT_FORMATS:
        raise ValueError(f"unknown result format {result_format!r}; use one of {RESULT_FORMATS}")
    if isinstance(result, bool):
        return (("true" if result else "false") + "\n").encode("utf-8")
    if result_format == "csv":
        return _csv(result)
    return _tsv(result)


def sparql_json(result: QueryResult) -> dict[str, object]:
    """SPARQL 1.1 Query Results JSON, as a document."""
    bindings = [
        {name: _json_term(term) for name, term in zip(result.variables, row, strict=True) if term}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json_term(term: OxTerm) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    entry = {"type": "literal", "value": term.value}
    if term.language:
        entry["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        entry["datatype"] = term.datatype.value
    return entry


def _xml(result: QueryResult | bool) -> bytes:
    ET.register_namespace("", SPARQL_RESULTS)
    root = ET.Element(f"{{{SPARQL_RESULTS}}}sparql")
    head = ET.SubElement(root, f"{{{SPARQL_RESULTS}}}head")
    if isinstance(result, bool):
        ET.SubElement(root, f"{{{SPARQL_RESULTS}}}boolean").text = "true" if result else "false"
    else:
        for name in result.variables:
            ET.SubElement(head, f"{{{SPARQL_RESULTS}}}variable", name=name)
        results = ET.SubElement(root, f"{{{SPARQL_RESULTS}}}results")
        for row in result.rows:
            solution = ET.SubElement(results, f"{{{SPARQL_RESULTS}}}result")
            for name, term in zip(result.variables, row, strict=True):
                if term is None:
                    continue
                binding = ET.SubElement(solution, f"{{{SPARQL_RESULTS}}}binding", name=name)
                _xml_term(binding, term)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _xml_term(parent: ET.Element, term: OxTerm) -> None:
    if isinstance(term, ox.NamedNode):
        ET.SubElement(parent, f"{{{SPARQL_RESULTS}}}uri").text = term.value
    elif isinstance(term, ox.BlankNode):
        ET.SubElement(parent, f"{{{SPARQL_RESULTS}}}bnode").text = term.value
    else:
        literal = ET.SubElement(parent, f"{{{SPARQL_RESULTS}}}literal")
        literal.text = term.value
        if term.language:
            literal.set(f"{{{XML}}}lang", term.language)
        elif term.datatype.value != XSD_STRING:
            literal.set("datatype", term.datatype.value)


def _csv(result: QueryResult) -> bytes:
    """SPARQL 1.1 CSV: values alone, CRLF line ends, quoted where RFC 4180 needs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_text(term) for term in row])
    return buffer.getvalue().encode("utf-8")


def _tsv(result: QueryResult) -> bytes:
    """SPARQL 1.1 TSV: ?variables, then terms in their RDF syntax (IRIs in <>, literals
    quoted with their datatype or language), which keeps tabs and line ends escaped."""
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if term is None else str(term) for term in row))
    return ("\n".join(lines) + "\n").encode("utf-8")
