"""Running a query for the public endpoint: guarded first, then evaluated lazily under a row
limit and a time limit, so that one request cannot hold the server."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from imet_kg.sparql.text import normalise
from imet_kg.store.graph import Answer, KnowledgeGraph, QueryResult
from imet_kg.terms import OxTerm
from imet_kg.web.guard import QueryRefused, check_graph, check_query, check_size


@dataclass(frozen=True)
class Limits:
    """What one request may use. The body limit applies to a POSTed body and to the query
    text however it arrives; the memory limit to each query process."""

    seconds: float = 10.0
    rows: int = 10_000
    body_bytes: int = 64 * 1024
    memory_bytes: int = 4 * 2**30


def run_guarded(
    graph: KnowledgeGraph,
    sparql: str,
    limits: Limits,
    *,
    default_graphs: Collection[str] = (),
    named_graphs: Collection[str] = (),
    substitutions: Mapping[str, OxTerm] | None = None,
    origin: str = "query",
    own_graphs: Collection[str] | None = None,
) -> Answer:
    """The answer to a query that passed the guard, read under the row and time limits. A
    failure while evaluating is reported without the engine's own words, which could carry
    what an outside service answered had one ever been reached. `own_graphs`, the graph's
    named graphs, may be given by a caller that holds a graph that cannot change."""
    sparql = normalise(sparql)
    check_size(sparql, max_bytes=limits.body_bytes, origin=origin)
    own = set(graph.graphs()) if own_graphs is None else own_graphs
    check_query(sparql, own, origin=origin)
    for iri in [*default_graphs, *named_graphs]:
        check_graph(iri, own)
    deadline = time.monotonic() + limits.seconds
    try:
        return _evaluate(
            graph, sparql, deadline, limits, default_graphs, named_graphs, substitutions, origin
        )
    except (OSError, ValueError, RuntimeError) as error:
        raise QueryRefused(
            500, f"the query failed while it was evaluated ({type(error).__name__})"
        ) from None


def _evaluate(
    graph: KnowledgeGraph,
    sparql: str,
    deadline: float,
    limits: Limits,
    default_graphs: Collection[str],
    named_graphs: Collection[str],
    substitutions: Mapping[str, OxTerm] | None,
    origin: str,
) -> Answer:
    stream = graph.stream(
        sparql,
        origin=origin,
        substitutions=substitutions,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
    )
    refusal: tuple[int, str] | None = None
    try:
        result = _collect(stream, deadline, limits)
    except QueryRefused as error:
        refusal = (error.status, str(error))
    # pyoxigraph's answers belong to the thread that made them: release this one here, and
    # raise an error that holds no frame still pointing at it.
    del stream
    if refusal is not None:
        raise QueryRefused(*refusal)
    return result


def _collect(
    stream: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean, deadline: float, limits: Limits
) -> Answer:
    """Read a lazily evaluated answer, refusing past the row or time limit. A query that
    computes everything before its first row (a large aggregate) is only stopped by the
    caller's wait; its evaluation finishes in the background."""
    if isinstance(stream, ox.QueryBoolean):
        return bool(stream)
    if isinstance(stream, ox.QuerySolutions):
        variables = tuple(variable.value for variable in stream.variables)
        rows = []
        for solution in stream:
            rows.append(tuple(solution))  # its values in the order of the variables
            _check(len(rows), deadline, limits)
        return QueryResult(variables, tuple(rows))
    triples = []
    for triple in stream:
        triples.append(triple)
        _check(len(triples), deadline, limits)
    return triples


def _check(count: int, deadline: float, limits: Limits) -> None:
    if count > limits.rows:
        raise QueryRefused(
            422, f"the answer has more than {limits.rows} rows; add a LIMIT or narrow the query"
        )
    if count % 256 == 0 and time.monotonic() > deadline:
        raise QueryRefused(503, f"the query ran past the {limits.seconds:g} s time limit")
