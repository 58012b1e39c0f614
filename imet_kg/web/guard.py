"""What the public endpoint refuses before a query runs, decided from a real parse.

The query is parsed by rdflib's SPARQL 1.1 grammar and translated to its algebra; the endpoint
refuses updates (LOAD among them), any SERVICE pattern wherever it sits (inside OPTIONAL,
EXISTS, a subquery...), and FROM / FROM NAMED naming anything but the dataset's own graphs.
A text the parser does not accept is refused: never guessed at.

Two steps keep the parse and the engine looking at the same text: line ends are normalised
before either sees it (the SPARQL grammar ends a comment at CR or LF, rdflib's lexer at LF
only), and the text Oxigraph evaluates is exactly the normalised text that was parsed. The
processes that evaluate queries cannot open a network connection at all (`sandbox`), so a
SERVICE call the parse somehow missed still reaches nothing.

Size and nesting are checked before any parser runs (`imet_kg.sparql.text`).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from imet_kg.sparql.algebra import SERVICE, node_names
from imet_kg.sparql.text import size_problem
from imet_kg.web.problems import Problem


class QueryRefused(Problem):
    """A query the endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, detail: str, *, syntax: bool = False) -> None:
        self.syntax = syntax  # refused because the text does not parse
        super().__init__(status, detail)


@dataclass(frozen=True)
class ParsedQuery:
    """What the parse says about a query: its SERVICE patterns, its dataset, and what bounds
    its answer (its form, its outermost LIMIT, and whether a VALUES block ends it)."""

    services: int
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    form: str = "SELECT"  # SELECT, CONSTRUCT, DESCRIBE or ASK
    limit: int | None = None  # the outermost LIMIT, if any
    final_values: bool = False  # a VALUES block after the solution modifiers
    iris_only: bool = False  # a DESCRIBE of IRIs alone, with no pattern


def check_size(sparql: str, *, max_bytes: int | None = None, origin: str = "query") -> None:
    """Refuse (400) a query longer than `max_bytes` in UTF-8 or nested deeper than
    MAX_NESTING, before any parser recurses into it."""
    problem = size_problem(sparql, max_bytes=max_bytes, origin=origin)
    if problem is not None:
        raise QueryRefused(400, problem)


def check_query(sparql: str, own_graphs: Collection[str], *, origin: str = "query") -> ParsedQuery:
    """Raise QueryRefused when the (normalised) query would write, call another service, or
    name a graph that is not the dataset's; else what the parse found."""
    parsed = parse(sparql, origin)
    if parsed.services:
        raise QueryRefused(
            400,
            "SERVICE is refused: the endpoint answers from its own data and calls no other host",
        )
    for iri in (*parsed.default_graphs, *parsed.named_graphs):
        check_graph(iri, own_graphs)
    return parsed


def check_graph(iri: str, own_graphs: Collection[str]) -> None:
    if iri.lower().startswith("file:"):
        raise QueryRefused(400, f"<{iri}> is refused: the endpoint reads no local files")
    if iri not in own_graphs:
        raise QueryRefused(
            400, f"<{iri}> is not one of the dataset's graphs; see the service description for them"
        )


def parse(sparql: str, origin: str = "query") -> ParsedQuery:
    """The parse of a query text, kept for texts seen before (parsing costs 10-30 ms)."""
    outcome = _parse_cached(sparql)
    if isinstance(outcome, QueryRefused):
        raise QueryRefused(outcome.status, _placed(str(outcome), origin), syntax=outcome.syntax)
    return outcome


def _placed(message: str, origin: str) -> str:
    return message if origin == "query" else message.replace("query:", f"{origin}:", 1)


@functools.lru_cache(maxsize=1024)
def _parse_cached(sparql: str) -> ParsedQuery | QueryRefused:
    """A parse, or the refusal to give for it (cached alike, so a refusal is not re-parsed)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import Variable

    try:
        tree = parseQuery(sparql)
        algebra = translateQuery(tree).algebra
    except ParseBaseException as error:
        if _is_update(sparql):
            return QueryRefused(403, "this endpoint is read-only: SPARQL Update is refused")
        detail = " ".join(str(error.msg).split())
        return QueryRefused(400, f"query:{error.lineno}:{error.col}: {detail}", syntax=True)
    except RecursionError:
        return QueryRefused(400, "query: the query is nested too deeply to parse")
    except Exception as error:  # rdflib's translation: unknown prefix, bad IRI, ...
        detail = " ".join(str(error).split())[:200]
        return QueryRefused(400, f"query: {detail or type(error).__name__}")
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    for clause in algebra.get("datasetClause") or []:
        if "default" in clause:
            default_graphs.append(str(clause["default"]))
        if "named" in clause:
            named_graphs.append(str(clause["named"]))
    services = sum(1 for name in node_names(algebra) if name == SERVICE)
    # Read as plain dictionaries: rdflib's parse results answer get() with the key itself
    # for a missing key.
    query = dict(tree[1])
    limit = dict(query.get("limitoffset") or {}).get("limit")
    described = query.get("var")
    iris_only = (
        tree[1].name == "DescribeQuery"
        and query.get("where") is None
        and isinstance(described, list)
        and not any(isinstance(term, Variable) for term in described)
    )
    return ParsedQuery(
        services,
        tuple(default_graphs),
        tuple(named_graphs),
        form=tree[1].name.removesuffix("Query").upper(),
        limit=None if limit is None else int(limit),
        final_values=query.get("valuesClause") is not None,
        iris_only=iris_only,
    )


def _is_update(sparql: str) -> bool:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
    except (ParseBaseException, RecursionError):
        return False
    except Exception:  # parsed as an update, then failed in rdflib's own processing
        return True
    return True
