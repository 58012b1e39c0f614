"""Running saved and ad-hoc SPARQL queries against the graph."""

from __future__ import annotations

from collections.abc import Mapping

from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.query.binding import bind_parameters
from imet_kg.query.saved import SavedQuery, find_saved_query
from imet_kg.store.graph import Answer, QueryableGraph, QueryResult


def run_saved_query(
    graph: QueryableGraph, layout: Layout, name: str, values: Mapping[str, str]
) -> tuple[SavedQuery, Answer]:
    """Run the saved query NAME with the parameter values given (defaults for the rest)."""
    query = find_saved_query(layout.queries_dir, name)
    bindings = bind_parameters(graph, query, values, prefixes(layout.context_file))
    answer = graph.query(query.sparql, origin=str(query.path), substitutions=bindings)
    if isinstance(answer, QueryResult):
        answer = answer.without_parameters()
    return query, answer


def run_sparql(graph: QueryableGraph, sparql: str, *, origin: str = "query") -> Answer:
    """Run any SELECT, ASK, CONSTRUCT or DESCRIBE query over the whole graph."""
    return graph.query(sparql, origin=origin)


def run_sparql_capped(
    graph: QueryableGraph, sparql: str, max_rows: int, *, origin: str = "query"
) -> tuple[Answer, bool]:
    """Like run_sparql, keeping at most `max_rows` rows or triples (the embedded store reads
    no more than one past them); True when the answer had more."""
    from imet_kg.store.graph import QueryResult

    answer = graph.query(sparql, origin=origin, limit=max_rows + 1)
    if isinstance(answer, QueryResult) and len(answer.rows) > max_rows:
        return QueryResult(answer.variables, answer.rows[:max_rows]), True
    if isinstance(answer, list) and len(answer) > max_rows:
        return answer[:max_rows], True
    return answer, False
