"""What a SPARQL query does, read from a real parse: rdflib's SPARQL 1.1 grammar and its
translation to the algebra, walked for the operators a caller refuses (SERVICE, MINUS,
VALUES, subqueries...). The public endpoint's guard and the SHACL engine's check of
SHACL-SPARQL queries both decide from it, never from the text alone."""

from __future__ import annotations

from collections.abc import Iterator

from imet_kg.errors import SparqlError

SERVICE = "ServiceGraphPattern"
MINUS = "Minus"
VALUES = "values"
SUBQUERY = "subquery"  # a SELECT inside the query: the algebra has a Project under another


def node_names(node: object) -> Iterator[str]:
    """The name of every algebra node under `node`, expressions (EXISTS, NOT EXISTS) included,
    walked without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, CompValue):
            yield str(item.name)
            pending.extend(item.values())
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)


def operators(sparql: str, origin: str = "query") -> set[str]:
    """The algebra operators of a query; a SparqlError when it does not parse."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except ParseBaseException as error:
        raise SparqlError(origin, " ".join(str(error.msg).split())) from None
    except Exception as error:  # rdflib's translation: unknown prefix, bad IRI, ...
        raise SparqlError(origin, " ".join(str(error).split())[:200]) from None
    found = list(node_names(algebra))
    names = set(found)
    if found.count("Project") > 1:
        names.add(SUBQUERY)
    return names
