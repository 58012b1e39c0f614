"""Running saved and ad-hoc SPARQL queries against the graph: whole answers, or rows as the
embedded store yields them (`stream_saved_query`, `stream_sparql`), so that a long answer
can be printed before its last row is computed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox

from imet_kg.errors import SparqlError
from imet_kg.layout import Layout
from imet_kg.namespaces import prefixes
from imet_kg.query.binding import bind_parameters
from imet_kg.query.saved import SavedQuery, find_saved_query
from imet_kg.store.graph import Answer, KnowledgeGraph, QueryResult, Substitutions
from imet_kg.terms import OxTerm
from imet_kg.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    from imet_kg.store.queryable import QueryableGraph

    T = TypeVar("T")


class RowStream(NamedTuple):
    """SELECT rows as the store yields them, read once."""

    variables: tuple[str, ...]
    rows: Iterator[tuple[OxTerm | None, ...]]


# An answer whose rows may still be arriving.
Streamed = RowStream | Answer


def stream_saved_query(
    graph: QueryableGraph, layout: Layout, name: str, values: Mapping[str, str]
) -> tuple[SavedQuery, Streamed]:
    """Like run_saved_query, with the rows read lazily from the embedded store (a remote
    store's answer arrives whole)."""
    if not isinstance(graph, KnowledgeGraph):
        return run_saved_query(graph, layout, name, values)
    query = find_saved_query(layout.queries_dir, name)
    bindings = bind_parameters(graph, query, values, prefixes(layout.context_file))
    return query, _streamed(graph, query.sparql, str(query.path), bindings, hide=True)


def stream_sparql(
    graph: QueryableGraph, sparql: str, max_rows: int, *, origin: str = "query"
) -> tuple[Streamed, Callable[[], bool]]:
    """Like run_sparql_capped (`max_rows` 0: every row), with the rows read lazily from the
    embedded store; whether the answer had more is known once its rows are read."""
    if not isinstance(graph, KnowledgeGraph):
        if not max_rows:
            return run_sparql(graph, sparql, origin=origin), lambda: False
        answer, more = run_sparql_capped(graph, sparql, max_rows, origin=origin)
        return answer, lambda: more
    streamed = _streamed(graph, sparql, origin, None, hide=False)
    return _capped(streamed, max_rows) if max_rows else (streamed, lambda: False)


def _capped(answer: Streamed, max_rows: int) -> tuple[Streamed, Callable[[], bool]]:
    """At most `max_rows` rows or triples, and whether the answer had more."""
    if isinstance(answer, list):
        return answer[:max_rows], lambda: len(answer) > max_rows
    if not isinstance(answer, RowStream):
        return answer, lambda: False
    more = [False]

    def rows() -> Iterator[tuple[OxTerm | None, ...]]:
        yield from itertools.islice(answer.rows, max_rows)
        more[0] = next(answer.rows, None) is not None

    return RowStream(answer.variables, rows()), lambda: more[0]


def _streamed(
    graph: KnowledgeGraph,
    sparql: str,
    origin: str,
    substitutions: Substitutions | None,
    *,
    hide: bool,
) -> Streamed:
    answer = graph.stream(sparql, origin=origin, substitutions=substitutions)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if isinstance(answer, ox.QueryTriples):
        return _read(origin, answer)
    names = tuple(variable.value for variable in answer.variables)
    kept = tuple(name for name in names if not (hide and name.startswith("_")))
    solutions = answer

    def rows() -> Iterator[tuple[OxTerm | None, ...]]:
        for solution in _reading(origin, solutions):
            yield tuple(solution[name] for name in kept)

    return RowStream(kept, rows())


def _read(origin: str, triples: ox.QueryTriples) -> list[ox.Triple]:
    return list(_reading(origin, triples))


def _reading(origin: str, items: Iterable[T]) -> Iterator[T]:
    """The items of a lazily evaluated answer; an evaluation error met on the way is the
    query's error, as it would have been had the answer been read whole."""
    try:
        yield from items
    except (OSError, ValueError) as error:
        raise SparqlError(origin, str(error)) from None


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
