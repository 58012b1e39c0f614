"""The SPARQL editor's starting points: every saved query, as the editor offers it, runs on
the endpoint as plain SPARQL and gives the saved query's own answer for its example."""

from __future__ import annotations

import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.namespaces import prefixes
from imet_kg.query.binding import bind_parameters
from imet_kg.query.saved import SavedQuery, load_saved_queries
from imet_kg.sparql.tokens import tokens
from imet_kg.terms import term_text
from imet_kg.web.editor import starting_point

from ..conftest import ROOT

QUERIES = load_saved_queries(Layout(ROOT).queries_dir)


def answer(graph: KnowledgeGraph, sparql: str, **options: object) -> list[tuple[str, ...]]:
    result = graph.select(sparql, **options)  # type: ignore[arg-type]
    kept = [i for i, name in enumerate(result.variables) if not name.startswith("_")]
    # a list joined by GROUP_CONCAT has no order, so its parts are compared sorted
    return sorted(
        tuple(", ".join(sorted(term_text(row[i]).split(", "))) for i in kept) for row in result.rows
    )


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_a_starting_point_gives_the_saved_query_s_answer(
    graph: KnowledgeGraph, layout: Layout, query: SavedQuery
) -> None:
    names = prefixes(layout.context_file)
    text = starting_point(graph, query, names)
    assert not any(line.startswith("#+") for line in text.splitlines())
    examples = {p.name: p.example for p in query.parameters if p.example is not None}
    bindings = bind_parameters(graph, query, examples, names)
    expected = answer(graph, query.sparql, substitutions=bindings)
    assert answer(graph, text) == expected
    for parameter in query.parameters:
        assert f"?_{parameter.name}:" in text  # each parameter is named in the comments
    if bindings:
        assert any(token.text.upper() == "VALUES" for token in tokens(text))
