"""Query answers as the command line prints them: a table or Markdown for people, with
labels beside IRIs; the SPARQL results formats through the writer the server uses; graphs as
RDF."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from imet_kg.layout import Layout
from imet_kg.media import GRAPH, PEOPLE, RESULTS, names
from imet_kg.query.results import RESULT_FORMATS, serialise_result
from imet_kg.store.formats import serialise_triples
from imet_kg.store.graph import QueryResult
from imet_kg.terms import OxTerm, compact, term_text

ROW_FORMATS = names(PEOPLE, RESULTS)
GRAPH_FORMATS = names(GRAPH)

Labeller = Callable[[ox.NamedNode], str | None]


def readable(term: OxTerm | None, prefixes: dict[str, str], label: Labeller) -> str:
    """An IRI as 'Label (prefix:name)', a literal as its text."""
    if isinstance(term, ox.NamedNode):
        short = compact(term.value, prefixes)
        name = label(term)
        return f"{name} ({short})" if name else short
    return term_text(term)


def render_rows(
    result: QueryResult, row_format: str, prefixes: dict[str, str], label: Labeller
) -> str:
    """Rows as Markdown, or in a SPARQL results format (the same bytes the server sends)."""
    if row_format == "md":
        return markdown(result, prefixes, label)
    if row_format in RESULT_FORMATS:
        return serialise_result(result, row_format).decode("utf-8")
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


def render_boolean(answer: bool, row_format: str) -> str:
    """An ASK answer: true or false, or in a SPARQL results format."""
    if row_format in RESULT_FORMATS:
        return serialise_result(answer, row_format).decode("utf-8")
    return ("true" if answer else "false") + "\n"


def render_triples(triples: list[ox.Triple], graph_format: str, layout: Layout) -> str:
    if graph_format not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {graph_format!r}; use one of {GRAPH_FORMATS}")
    return serialise_triples(triples, graph_format, layout).decode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())
