"""Binding parameters for an endpoint that has no substitution: an inline VALUES block of
RDF terms, written by pyoxigraph's term syntax, placed first in the query's outermost WHERE
group so that it binds before any grouping, and first in the WHERE group of every subquery
that uses the variable, since a subquery does not see the bindings around it (so the
variable means one value everywhere, as the embedded store's substitution makes it;
standard SPARQL 1.1, not text splicing)."""

from __future__ import annotations

from collections.abc import Mapping

from imet_kg.errors import SparqlError
from imet_kg.sparql.tokens import tokens
from imet_kg.terms import OxTerm


def with_values(sparql: str, bindings: Mapping[str, OxTerm]) -> str:
    if not bindings:
        return sparql
    groups = [(_where_brace(sparql), len(sparql)), *_subquery_groups(sparql)]
    edits = []
    for start, end in groups:
        inside = sparql[start:end]
        names = sorted(
            name for name in bindings if start == groups[0][0] or name in _variables(inside)
        )
        if names:
            edits.append((start, _block(names, bindings)))
    for position, block in sorted(edits, reverse=True):
        sparql = sparql[: position + 1] + block + sparql[position + 1 :]
    return sparql


def _block(names: list[str], bindings: Mapping[str, OxTerm]) -> str:
    return (
        " VALUES ("
        + " ".join(f"?{name}" for name in names)
        + ") { ("
        + " ".join(str(bindings[name]) for name in names)
        + ") } "
    )


def _variables(sparql: str) -> set[str]:
    return {token.text[1:] for token in tokens(sparql) if token.kind == "variable"}


def _subquery_groups(sparql: str) -> list[tuple[int, int]]:
    """The (opening brace, closing brace) offsets of the WHERE group of every subquery: a
    '{' after the word WHERE below the outermost group."""
    found = []
    open_braces: list[tuple[int, bool]] = []
    after_where = False
    for token in tokens(sparql):
        if token.kind == "name" and token.text.upper() == "WHERE":
            after_where = True
            continue
        if token.text == "{":
            open_braces.append((token.start, after_where and bool(open_braces)))
        elif token.text == "}" and open_braces:
            start, is_subquery = open_braces.pop()
            if is_subquery:
                found.append((start, token.start))
        after_where = False
    return found


def _where_brace(sparql: str) -> int:
    """The offset of the '{' that opens the outermost WHERE group."""
    depth = 0
    skip_template = False
    for token in tokens(sparql):
        word = token.text.upper()
        if token.kind == "name" and depth == 0 and word in ("CONSTRUCT",):
            skip_template = True
        if token.kind == "name" and depth == 0 and word == "WHERE":
            skip_template = False
        if token.text == "{":
            if depth == 0 and not skip_template:
                return token.start
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0 and skip_template:
                skip_template = False
    raise SparqlError("query", "found no WHERE group to bind parameters in")


def split_prologue(sparql: str) -> tuple[str, str]:
    """The query's prologue (its BASE and PREFIX declarations) and the rest, from the word
    that names its form: so that the rest can be nested as a subquery."""
    for token in tokens(sparql):
        if token.kind == "name" and token.text.upper() in _FORMS:
            return sparql[: token.start], sparql[token.start :]
    raise SparqlError("query", "found no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")


_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
