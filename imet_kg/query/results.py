"""SPARQL 1.1 query results in the standard formats (JSON, XML, CSV and TSV): the one writer
the command line and the server share, so that the same answer is the same bytes from both."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox

from imet_kg.media import RESULTS, media_types, names
from imet_kg.namespaces import SPARQL_RESULTS, XSD_STRING
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
    """SPARQL Query Results XML. Text is escaped so that it comes back as written: a carriage
    return as &#xD; (a parser would turn a raw one into a line feed), and the control
    characters XML 1.0 cannot hold at all as character references of an XML 1.1 document,
    which the document then declares (only then: every other answer is XML 1.0)."""
    parts = [f'<sparql xmlns="{SPARQL_RESULTS}">', "<head>"]
    if isinstance(result, bool):
        parts += ["</head>", f"<boolean>{'true' if result else 'false'}</boolean>"]
    else:
        parts += [f'<variable name="{_escape(name)}"/>' for name in result.variables]
        parts += ["</head>", "<results>"]
        for row in result.rows:
            parts.append("<result>")
            for name, term in zip(result.variables, row, strict=True):
                if term is not None:
                    parts.append(f'<binding name="{_escape(name)}">{_xml_term(term)}</binding>')
            parts.append("</result>")
        parts.append("</results>")
    parts.append("</sparql>")
    body = "".join(parts)
    version = "1.1" if _XML_11_ONLY.search(body) else "1.0"
    return f'<?xml version="{version}" encoding="utf-8"?>\n{body}\n'.encode()


# Characters XML 1.0 cannot hold even as references; written as &#x..; in XML 1.1.
_XML_11_ONLY = re.compile(r"&#x(?:[0-8BCEF]|1[0-9A-F]);")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;"}


def _escape(text: str) -> str:
    out = []
    for character in text:
        code = ord(character)
        if character in _ESCAPES:
            out.append(_ESCAPES[character])
        elif code < 0x20 and character not in "\t\n":
            out.append(f"&#x{code:X};")
        else:
            out.append(character)
    return "".join(out)


def _xml_term(term: OxTerm) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{_escape(term.language)}">{_escape(term.value)}</literal>'
    if term.datatype.value != XSD_STRING:
        datatype = _escape(term.datatype.value)
        return f'<literal datatype="{datatype}">{_escape(term.value)}</literal>'
    return f"<literal>{_escape(term.value)}</literal>"


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
