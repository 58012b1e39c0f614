"""Running a query for the public endpoint: guarded first, then evaluated lazily under a row
limit and a time limit, so that one request cannot hold the server.

A SELECT answer asked for in JSON is written by the engine itself, whose writer gives the
same bytes as the project's own (a test holds the two to it; its CSV writer leaves an IRI
with a comma unquoted, so CSV stays the project's), when the parse shows the row
limit can be held by the engine: the query's own outermost LIMIT is within it, or the query
ends where a LIMIT may be added (no final VALUES block) and one row past the row limit is
added. The text with the added LIMIT is guarded in its turn, and its parse must show that
LIMIT as the outermost; otherwise the answer is read row by row in Python as before. The
written answer is then counted, by a real parse when it is long enough to hold more rows
than the limit, and refused past it. A DESCRIBE of IRIs alone, with no pattern, is bounded
by what the store says about them: asked for in N-Triples, the engine writes it too, and
its lines (one a triple) are counted. A query that computes past the time limit inside the
engine's writer is stopped as every other is: its process is ended.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from imet_kg.sparql.text import normalise
from imet_kg.store.graph import Answer, KnowledgeGraph, QueryResult
from imet_kg.terms import OxTerm
from imet_kg.web.guard import ParsedQuery, QueryRefused, check_graph, check_query, check_size

# Results formats whose bytes from the engine's writer are the project's writer's own (a
# written answer is counted by parsing it as JSON: see _engine_rows).
ENGINE_FORMATS = {"json": ox.QueryResultsFormat.JSON}
# The fewest bytes a row takes: "{}" and a comma.
_ROW_BYTES = 2
# Graph formats the engine writes as the project does, one triple a line.
ENGINE_GRAPH_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES}


class EngineWritten(NamedTuple):
    """An answer the engine wrote, and its kind: "results" (rows) or "graph" (triples)."""

    data: bytes
    kind: str


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
    results_format: str | None = None,
    graph_format: str | None = None,
) -> Answer | EngineWritten:
    """The answer to a query that passed the guard, read under the row and time limits. A
    failure while evaluating is reported without the engine's own words, which could carry
    what an outside service answered had one ever been reached. `own_graphs`, the graph's
    named graphs, may be given by a caller that holds a graph that cannot change. With
    `results_format`, a SELECT answer the engine can write within the limits comes back
    written in that format, and with `graph_format` a DESCRIBE of IRIs alone; any other
    answer as terms."""
    sparql = normalise(sparql)
    check_size(sparql, max_bytes=limits.body_bytes, origin=origin)
    own = set(graph.graphs()) if own_graphs is None else own_graphs
    parsed = check_query(sparql, own, origin=origin)
    for iri in [*default_graphs, *named_graphs]:
        check_graph(iri, own)
    deadline = time.monotonic() + limits.seconds
    # The text to evaluate, and the format the engine writes its answer in (if it does).
    text, engine_format = sparql, None
    bounded = None
    if results_format in ENGINE_FORMATS:
        bounded = _engine_bounded(sparql, parsed, limits, own, origin)
    if bounded is not None:
        text, engine_format = bounded, results_format
    elif parsed.iris_only and graph_format in ENGINE_GRAPH_FORMATS:
        engine_format = graph_format
    try:
        return _evaluate(
            graph,
            text,
            deadline,
            limits,
            default_graphs,
            named_graphs,
            substitutions,
            origin,
            engine_format,
        )
    except (OSError, ValueError, RuntimeError) as error:
        raise QueryRefused(
            500, f"the query failed while it was evaluated ({type(error).__name__})"
        ) from None


def _engine_bounded(
    sparql: str, parsed: ParsedQuery, limits: Limits, own: Collection[str], origin: str
) -> str | None:
    """The text whose SELECT answer the engine may write whole: the query itself when its
    outermost LIMIT is within the row limit; the query with one row past the limit added as
    its LIMIT when it has none and ends where a LIMIT may stand, once the guard has parsed
    that text too and found the added LIMIT outermost; else None."""
    if parsed.form != "SELECT" or parsed.final_values:
        return None
    if parsed.limit is not None:
        return sparql if parsed.limit <= limits.rows else None
    bounded = f"{sparql}\nLIMIT {limits.rows + 1}"
    try:
        again = check_query(bounded, own, origin=origin)
    except QueryRefused:
        return None
    if again.form != "SELECT" or again.limit != limits.rows + 1 or again.final_values:
        return None
    return bounded


def _engine_rows(stream: ox.QuerySolutions, results_format: str, limits: Limits) -> bytes:
    """A bounded SELECT answer written by the engine, refused (422) when it holds more rows
    than the limit: a text shorter than the fewest bytes that many rows take cannot, and a
    longer one is parsed (JSON, the one format the engine writes) and its rows counted."""
    data = stream.serialize(format=ENGINE_FORMATS[results_format])
    assert data is not None
    too_long = len(data) > _ROW_BYTES * limits.rows
    if too_long and len(json.loads(data)["results"]["bindings"]) > limits.rows:
        raise _too_many_rows(limits)
    return data


def _engine_graph(stream: ox.QueryTriples, graph_format: str, limits: Limits) -> bytes:
    """A DESCRIBE of IRIs written by the engine, refused (422) past the row limit."""
    data = stream.serialize(format=ENGINE_GRAPH_FORMATS[graph_format])
    assert data is not None
    if data.count(b"\n") > limits.rows:
        raise _too_many_rows(limits)
    return data


def _too_many_rows(limits: Limits) -> QueryRefused:
    return QueryRefused(
        422, f"the answer has more than {limits.rows} rows; add a LIMIT or narrow the query"
    )


def _evaluate(
    graph: KnowledgeGraph,
    sparql: str,
    deadline: float,
    limits: Limits,
    default_graphs: Collection[str],
    named_graphs: Collection[str],
    substitutions: Mapping[str, OxTerm] | None,
    origin: str,
    engine_format: str | None = None,
) -> Answer | EngineWritten:
    """The answer read under the limits, or with `engine_format` written by the engine."""
    stream = graph.stream(
        sparql,
        origin=origin,
        substitutions=substitutions,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
    )
    refusal: tuple[int, str] | None = None
    result: Answer | EngineWritten = False
    try:
        if engine_format is None:
            result = _collect(stream, deadline, limits)
        elif isinstance(stream, ox.QueryTriples):
            result = EngineWritten(_engine_graph(stream, engine_format, limits), "graph")
        elif isinstance(stream, ox.QuerySolutions):
            result = EngineWritten(_engine_rows(stream, engine_format, limits), "results")
        else:  # the parse said rows or triples
            raise QueryRefused(500, "the query's answer was not of the form its parse said")
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
        raise _too_many_rows(limits)
    if count % 256 == 0 and time.monotonic() > deadline:
        raise QueryRefused(503, f"the query ran past the {limits.seconds:g} s time limit")
