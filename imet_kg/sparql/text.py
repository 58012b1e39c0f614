"""Checks on a SPARQL text that need no parser, for every query the project runs (its own,
the command line's and the public endpoint's): line ends made one, and size and nesting
bounded before any parser recurses into the text (the parsers recurse once per nesting level,
and Oxigraph's parser overflows its stack, a segfault, on a few thousand levels)."""

from __future__ import annotations

import functools

from imet_kg.errors import SparqlError
from imet_kg.sparql.tokens import REMEMBERED_TEXT

# Deeper than any query a person writes (the saved queries reach 7); shallow enough for
# rdflib's recursive-descent parser under the recursion limit the query processes set.
MAX_NESTING = 48
OPENERS = frozenset("{([")
CLOSERS = frozenset("})]")


def normalise(sparql: str) -> str:
    """The text both a parser and the engine see: CR LF and lone CR become LF (the SPARQL
    grammar ends a comment at either, rdflib's lexer at LF only)."""
    return sparql.replace("\r\n", "\n").replace("\r", "\n")


def nesting_depth(sparql: str) -> int:
    """The deepest nesting of brackets, counting every bracket character wherever it is (in a
    string or comment too): an upper bound on the depth any parser can reach, except where
    closers inside strings come before openers, which the parse itself then bounds."""
    depth = deepest = 0
    for character in sparql:
        if character in OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif character in CLOSERS and depth > 0:
            depth -= 1
    return deepest


@functools.lru_cache(maxsize=256)
def _remembered_depth(sparql: str) -> int:
    """`nesting_depth`, remembered for the texts asked about most (saved queries, at every
    run)."""
    return nesting_depth(sparql)


def size_problem(sparql: str, *, max_bytes: int | None = None, origin: str = "query") -> str | None:
    """What is wrong with the text's size (longer than `max_bytes` in UTF-8, or nested deeper
    than MAX_NESTING), or None."""
    if max_bytes is not None:
        size = len(sparql.encode("utf-8", errors="surrogatepass"))
        if size > max_bytes:
            return f"{origin}: the query is {size} bytes; a query may have {max_bytes}"
    if sum(sparql.count(opener) for opener in OPENERS) <= MAX_NESTING:
        return None  # too few brackets to nest past the bound, without walking the text
    depth = _remembered_depth(sparql) if len(sparql) <= REMEMBERED_TEXT else nesting_depth(sparql)
    if depth > MAX_NESTING:
        return f"{origin}: the query nests brackets {depth} deep; a query may nest {MAX_NESTING}"
    return None


def refuse_nesting_in(sparql: str, origin: str) -> None:
    """The nesting bound as a SparqlError, so that no query can overflow the engine's parser."""
    problem = size_problem(sparql, origin=origin)
    if problem is not None:
        raise SparqlError(origin, problem.removeprefix(f"{origin}: "))
