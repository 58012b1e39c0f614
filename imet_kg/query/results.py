"""SPARQL 1.1 query results in the standard formats (JSON, XML, CSV and TSV): the one writer
the command line and the server share, so that the same answer is the same bytes from both.
JSON, CSV and TSV are written row by row (`result_chunks`), so that a long answer can be
printed as its rows arrive; XML is written whole, since its declaration (XML 1.0, or 1.1 when
a value holds a control character only 1.1 can carry) depends on every value."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox

from imet_kg.media import RESULTS, media_types, names
from imet_kg.namespaces import SPARQL_RESULTS, XSD_STRING
from imet_kg.store.graph import QueryResult
from imet_kg.terms import OxTerm, term_text

RESULT_MEDIA_TYPES = media_types(RESULTS)
RESULT_FORMATS = names(RESULTS)


Row = Sequence[OxTerm | None]
# Rows written per chunk: a chunk is what a streaming writer hands on at once.
CHUNK_ROWS = 64


def serialise_result(result: QueryResult | bool, result_format: str) -> bytes:
    """SELECT rows or an ASK answer in one of RESULT_FORMATS."""
    if result_format not in RESULT_FORMATS:
        raise ValueError(f"unknown result format {result_format!r}; use one of {RESULT_FORMATS}")
    if isinstance(result, bool):
        if result_format == "json":
            return json.dumps({"head": {}, "boolean": result}, separators=(",", ":")).encode(
                "utf-8"
            )
        if result_format == "xml":
            return _xml(result)
        return (("true" if result else "false") + "\n").encode("utf-8")
    return b"".join(result_chunks(result.variables, result.rows, result_format))


def result_chunks(
    variables: Sequence[str], rows: Iterable[Row], result_format: str
) -> Iterator[bytes]:
    """SELECT rows in one of RESULT_FORMATS, a few rows at a time, each chunk written as soon
    as its rows have arrived (XML: the whole document once every row has)."""
    if result_format == "xml":
        yield _xml(QueryResult(tuple(variables), tuple(tuple(row) for row in rows)))
        return
    writers = {"json": _json_rows, "csv": _csv_rows, "tsv": _tsv_rows}
    if result_format not in writers:
        raise ValueError(f"unknown result format {result_format!r}; use one of {RESULT_FORMATS}")
    yield from writers[result_format](variables, rows)


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, CHUNK_ROWS)):
        yield batch


def _json_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    head = json.dumps({"vars": list(variables)}, ensure_ascii=False, separators=(",", ":"))
    yield f'{{"head":{head},"results":{{"bindings":['.encode()
    # Each binding written as the JSON encoder would write {name: {"type": ..., ...}}, with
    # its string escaping, but by joining text: a batch of rows at once, no dict per term.
    keys = [f"{_string(name)}:" for name in variables]
    first = True
    for batch in _batches(rows):
        text = ",".join(
            "{"
            + ",".join(
                key + _json_term(term)
                for key, term in zip(keys, row, strict=True)
                if term is not None
            )
            + "}"
            for row in batch
        )
        yield (text if first else "," + text).encode("utf-8")
        first = False
    yield b"]}}"


_string = json.encoder.encode_basestring  # JSON's own escaping (ensure_ascii=False)


def _json_term(term: OxTerm) -> str:
    if isinstance(term, ox.NamedNode):
        return f'{{"type":"uri","value":{_string(term.value)}}}'
    if isinstance(term, ox.BlankNode):
        return f'{{"type":"bnode","value":{_string(term.value)}}}'
    value = _string(term.value)
    language = term.language
    if language:
        return f'{{"type":"literal","value":{value},"xml:lang":{_string(language)}}}'
    datatype = term.datatype.value
    if datatype != XSD_STRING:
        return f'{{"type":"literal","value":{value},"datatype":{_string(datatype)}}}'
    return f'{{"type":"literal","value":{value}}}'


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


def _csv_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """SPARQL 1.1 CSV: values alone, CRLF line ends, quoted where RFC 4180 needs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for batch in _batches(rows):
        writer.writerows([term_text(term) for term in row] for row in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")  # the header of an answer with no rows


def _tsv_rows(variables: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """SPARQL 1.1 TSV: ?variables, then terms in their RDF syntax (IRIs in <>, literals
    quoted with their datatype or language), which keeps tabs and line ends escaped."""
    yield ("\t".join(f"?{name}" for name in variables) + "\n").encode("utf-8")
    for batch in _batches(rows):
        lines = ("\t".join("" if term is None else str(term) for term in row) for row in batch)
        yield ("\n".join(lines) + "\n").encode("utf-8")
