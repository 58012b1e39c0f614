"""Query answers for people and programs: a table with labels beside IRIs, CSV, TSV,
SPARQL 1.1 JSON results, Markdown; graphs as Turtle, N-Triples or JSON-LD."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pyoxigraph as ox

from imet_kg.layout import Layout
from imet_kg.store.formats import serialise_triples
from imet_kg.store.graph import QueryResult
from imet_kg.terms import OxTerm, compact

ROW_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("ttl", "jsonld", "nt")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Labeller = Callable[[ox.NamedNode], str | None]


def plain(term: OxTerm | None) -> str:
    """The value alone: the IRI, the literal's text, or _:id for a blank node."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def readable(term: OxTerm | None, prefixes: dict[str, str], label: Labeller) -> str:
    """An IRI as 'Label (prefix:name)', a literal as its text."""
    if isinstance(term, ox.NamedNode):
        short = compact(term.value, prefixes)
        name = label(term)
        return f"{name} ({short})" if name else short
    return plain(term)


def render_rows(
    result: QueryResult, row_format: str, prefixes: dict[str, str], label: Labeller
) -> str:
    if row_format == "json":
        return json.dumps(sparql_json(result), indent=2, ensure_ascii=False) + "\n"
    if row_format in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter="," if row_format == "csv" else "\t",
            lineterminator="\n",
            quoting=csv.QUOTE_MINIMAL,
        )
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(
                [_one_line(plain(term)) if row_format == "tsv" else plain(term) for term in row]
            )
        return buffer.getvalue()
    if row_format == "md":
        return markdown(result, prefixes, label)
    raise ValueError(f"unknown format {row_format!r}; use one of {ROW_FORMATS}")


def for_people(result: QueryResult) -> QueryResult:
    """Drop a `fooLabel` column beside `foo`: the table shows each IRI with its label."""
    keep = [
        i
        for i, name in enumerate(result.variables)
        if not (name.endswith("Label") and name.removesuffix("Label") in result.variables)
    ]
    return QueryResult(
        tuple(result.variables[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in result.rows),
    )


def markdown(result: QueryResult, prefixes: dict[str, str], label: Labeller) -> str:
    result = for_people(result)
    lines = [
        "| " + " | ".join(result.variables) + " |",
        "| " + " | ".join("---" for _ in result.variables) + " |",
    ]
    for row in result.rows:
        cells = (_one_line(readable(term, prefixes, label)).replace("|", "\\|") for term in row)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sparql_json(result: QueryResult) -> dict[str, object]:
    """SPARQL 1.1 Query Results JSON."""
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
    elif term.datatype.value != _XSD_STRING:
        entry["datatype"] = term.datatype.value
    return entry


def render_boolean(answer: bool, row_format: str) -> str:
    if row_format == "json":
        return json.dumps({"head": {}, "boolean": answer}) + "\n"
    return ("true" if answer else "false") + "\n"


def render_triples(triples: list[ox.Triple], graph_format: str, layout: Layout) -> str:
    if graph_format not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {graph_format!r}; use one of {GRAPH_FORMATS}")
    return serialise_triples(triples, graph_format, layout).decode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())
